# trampoline.S: the page that switches between user and kernel space.
#
# It is mapped at TRAMPOLINE in the kernel's page table and in every user
# page table (without PTE_U), so the code keeps running at the same address
# while satp changes under it.
#
# Each thread has its own trapframe page, mapped in the user page table at
# TRAPFRAME_SLOT(slot). While a thread runs in user mode, sscratch holds the
# user address of its trapframe: that is how uservec finds where to save the
# registers without using any of them first. Offsets follow struct
# trapframe in thread.h.

        .section trampsec
        .globl trampoline
        .globl uservec
        .globl userret
trampoline:
        .align 4
uservec:
        # stvec points here while in user mode. Trade user a0 for the
        # trapframe address, then save every user register.
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

        # Load what the kernel needs, then switch to its page table.
        ld sp,  264(a0)         # kernel_sp: top of this thread's kernel stack
        ld tp,  280(a0)         # kernel_hartid
        ld t0,  272(a0)         # kernel_trap: usertrap()
        ld t1,  256(a0)         # kernel_satp
        sfence.vma zero, zero   # finish using user translations
        csrw satp, t1
        sfence.vma zero, zero   # drop them from the TLB
        jr t0                   # usertrap() does not return here

userret:
        # userret(trapframe user address, user satp), called by
        # usertrapret() at its TRAMPOLINE address.
        sfence.vma zero, zero
        csrw satp, a1           # the user page table (trampoline still mapped)
        sfence.vma zero, zero
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
