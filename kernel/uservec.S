# uservec.S: the way from user space into the kernel and back.
#
# The kernel is mapped in every page table (memlayout.h), so a trap from
# user mode needs no page-table switch: stvec points straight at uservec
# below, in the kernel's text, and the hart keeps running on the user's
# page table. A thread's trapframe sits at the top of its own kernel stack;
# while the thread runs in user mode, sscratch holds the trapframe's
# address. That is how uservec finds where to save the user registers
# before it may use any of them. Offsets follow struct trapframe (thread.h).

        .section .text
        .globl uservec
        .globl userret
        .align 4
uservec:
        # Trade the user's a0 for the trapframe address, save every user
        # register, then the user's a0 from sscratch.
        csrrw a0, sscratch, a0
        sd ra,    0(a0)
        sd sp,    8(a0)
        sd gp,   16(a0)
        sd tp,   24(a0)
        sd t0,   32(a0)
        sd t1,   40(a0)
        sd t2,   48(a0)
        sd s0,   56(a0)
        sd s1,   64(a0)
        # a0 (offset 72) is in sscratch: saved below
        sd a1,   80(a0)
        sd a2,   88(a0)
        sd a3,   96(a0)
        sd a4,  104(a0)
        sd a5,  112(a0)
        sd a6,  120(a0)
        sd a7,  128(a0)
        sd s2,  136(a0)
        sd s3,  144(a0)
        sd s4,  152(a0)
        sd s5,  160(a0)
        sd s6,  168(a0)
        sd s7,  176(a0)
        sd s8,  184(a0)
        sd s9,  192(a0)
        sd s10, 200(a0)
        sd s11, 208(a0)
        sd t3,  216(a0)
        sd t4,  224(a0)
        sd t5,  232(a0)
        sd t6,  240(a0)
        csrr t0, sscratch
        sd t0,   72(a0)         # the user's a0

        # The kernel's registers: its stack (just below the trapframe) and
        # tp, this hart's struct cpu. ra and fp are zeroed so a backtrace
        # stops here.
        ld sp,  256(a0)         # kernel_sp
        ld tp,  264(a0)         # kernel_tp
        li ra, 0
        li s0, 0
        la t0, usertrap
        jr t0                   # usertrap() never returns here

userret:
        # userret(trapframe), from usertrapret() with interrupts off and
        # stvec already at uservec: load the user registers and sret.
        csrw sscratch, a0       # for the next uservec
        ld ra,    0(a0)
        ld sp,    8(a0)
        ld gp,   16(a0)
        ld tp,   24(a0)
        ld t0,   32(a0)
        ld t1,   40(a0)
        ld t2,   48(a0)
        ld s0,   56(a0)
        ld s1,   64(a0)
        ld a1,   80(a0)
        ld a2,   88(a0)
        ld a3,   96(a0)
        ld a4,  104(a0)
        ld a5,  112(a0)
        ld a6,  120(a0)
        ld a7,  128(a0)
        ld s2,  136(a0)
        ld s3,  144(a0)
        ld s4,  152(a0)
        ld s5,  160(a0)
        ld s6,  168(a0)
        ld s7,  176(a0)
        ld s8,  184(a0)
        ld s9,  192(a0)
        ld s10, 200(a0)
        ld s11, 208(a0)
        ld t3,  216(a0)
        ld t4,  224(a0)
        ld t5,  232(a0)
        ld t6,  240(a0)
        ld a0,   72(a0)         # last: a0 was our pointer
        sret                    # to user mode at sepc
