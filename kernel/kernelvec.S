# kernelvec.S: trap entry while the kernel itself is running.
#
# stvec points here in S-mode. We are on the current kernel stack, so push
# the registers a C call may clobber, let kerneltrap() handle the trap, pop
# them and sret. kerneltrap() may yield, so we can come back on another hart:
# tp (the hart id) is therefore saved but never restored.

        .globl kernelvec
        .align 4
kernelvec:
        addi sp, sp, -256
        sd ra,    0(sp)
        sd gp,   16(sp)
        sd tp,   24(sp)
        sd t0,   32(sp)
        sd t1,   40(sp)
        sd t2,   48(sp)
        sd a0,   72(sp)
        sd a1,   80(sp)
        sd a2,   88(sp)
        sd a3,   96(sp)
        sd a4,  104(sp)
        sd a5,  112(sp)
        sd a6,  120(sp)
        sd a7,  128(sp)
        sd t3,  216(sp)
        sd t4,  224(sp)
        sd t5,  232(sp)
        sd t6,    8(sp)
        sd s0,   56(sp)
        # Make a frame record (saved fp at fp-16, return address at fp-8)
        # so a backtrace continues through the trap into the interrupted code.
        sd s0,  240(sp)
        csrr t0, sepc
        sd t0,  248(sp)
        addi s0, sp, 256

        call kerneltrap

        ld ra,    0(sp)
        ld gp,   16(sp)
        ld t0,   32(sp)
        ld t1,   40(sp)
        ld t2,   48(sp)
        ld a0,   72(sp)
        ld a1,   80(sp)
        ld a2,   88(sp)
        ld a3,   96(sp)
        ld a4,  104(sp)
        ld a5,  112(sp)
        ld a6,  120(sp)
        ld a7,  128(sp)
        ld t3,  216(sp)
        ld t4,  224(sp)
        ld t5,  232(sp)
        ld t6,    8(sp)
        ld s0,   56(sp)
        addi sp, sp, 256
        sret
