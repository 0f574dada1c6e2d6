# fpuregs.S: copy a thread's floating-point registers between the hart and a
# struct fpstate (thread.h: f0..f31 at 8-byte steps, then fcsr at 256).
# The kernel is built without F/D (Makefile ARCH), so only these two
# functions name FP registers; the caller (fpu.c) has made sstatus.FS
# non-Off so the instructions do not trap.

        .option push
        .option arch, +d
        .section .text

        # fpu_save(struct fpstate *fp)
        .globl fpu_save
fpu_save:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        fsd f\n, \n*8(a0)
        .endr
        frcsr t0
        sd t0, 256(a0)
        ret

        # fpu_load(struct fpstate *fp)
        .globl fpu_load
fpu_load:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        fld f\n, \n*8(a0)
        .endr
        ld t0, 256(a0)
        fscsr t0
        ret

        .option pop
