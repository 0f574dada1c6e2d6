# swtch(struct context *old, struct context *new)
#
# Save the calling thread's callee-saved registers in *old and load *new.
# The caller-saved registers are already safe on the stack (the C compiler
# saved whatever it still needed before calling us), so s0-s11, ra and sp
# are the whole story. Returning with the new ra resumes the other thread
# where it last called swtch. Offsets follow struct context in thread.h.

        .globl swtch
swtch:
        # old->s0 .. old->s11, old->ra, old->sp
        sd s0 ,   0(a0)
        sd s1 ,   8(a0)
        sd s2 ,  16(a0)
        sd s3 ,  24(a0)
        sd s4 ,  32(a0)
        sd s5 ,  40(a0)
        sd s6 ,  48(a0)
        sd s7 ,  56(a0)
        sd s8 ,  64(a0)
        sd s9 ,  72(a0)
        sd s10,  80(a0)
        sd s11,  88(a0)
        sd ra ,  96(a0)
        sd sp , 104(a0)

        # the same from new
        ld s0 ,   0(a1)
        ld s1 ,   8(a1)
        ld s2 ,  16(a1)
        ld s3 ,  24(a1)
        ld s4 ,  32(a1)
        ld s5 ,  40(a1)
        ld s6 ,  48(a1)
        ld s7 ,  56(a1)
        ld s8 ,  64(a1)
        ld s9 ,  72(a1)
        ld s10,  80(a1)
        ld s11,  88(a1)
        ld ra ,  96(a1)
        ld sp , 104(a1)
        ret
