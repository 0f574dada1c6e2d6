# kernelvec.S: trap entry while the kernel itself is running.
#
# stvec points here in S-mode. We are on the current kernel stack, so push
# the registers a C call may clobber (the callee-saved ones survive the call
# by the C convention), let kerneltrap() handle the trap, pop them and sret.
# kerneltrap() may yield, so we can come back on another hart: tp (this
# hart's struct cpu) is therefore saved but never restored.
#
# Frame (160 bytes): a0-a7, t0-t6, ra, gp, tp, then a frame record
# (interrupted fp, interrupted pc) so backtraces continue through the trap.

        .globl kernelvec
        .align 4
kernelvec:
        addi sp, sp, -160
        sd a0,   0(sp)
        sd a1,   8(sp)
        sd a2,  16(sp)
        sd a3,  24(sp)
        sd a4,  32(sp)
        sd a5,  40(sp)
        sd a6,  48(sp)
        sd a7,  56(sp)
        sd t0,  64(sp)
        sd t1,  72(sp)
        sd t2,  80(sp)
        sd t3,  88(sp)
        sd t4,  96(sp)
        sd t5, 104(sp)
        sd t6, 112(sp)
        sd ra, 120(sp)
        sd gp, 128(sp)
        sd tp, 136(sp)
        sd s0, 144(sp)          # record: caller's frame pointer ...
        csrr t0, sepc
        sd t0, 152(sp)          # ... and the pc the trap interrupted
        addi s0, sp, 160

        call kerneltrap

        ld a0,   0(sp)
        ld a1,   8(sp)
        ld a2,  16(sp)
        ld a3,  24(sp)
        ld a4,  32(sp)
        ld a5,  40(sp)
        ld a6,  48(sp)
        ld a7,  56(sp)
        ld t0,  64(sp)
        ld t1,  72(sp)
        ld t2,  80(sp)
        ld t3,  88(sp)
        ld t4,  96(sp)
        ld t5, 104(sp)
        ld t6, 112(sp)
        ld ra, 120(sp)
        ld gp, 128(sp)
        ld s0, 144(sp)
        addi sp, sp, 160
        sret
