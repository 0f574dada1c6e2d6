// fpu.h: user floating-point state per thread, saved lazily (fpu.c).
#ifndef WEFT_FPU_H
#define WEFT_FPU_H

struct thread;

void fpu_init(struct thread *t);          // zeroed, FS Initial (new thread, exec)
void fpu_user_enter(struct thread *t);    // usertrap: note sstatus.FS
void fpu_switch_out(struct thread *t);    // sched: save if Dirty
uint64 fpu_user_return(struct thread *t); // usertrapret: load if not in this hart; the FS to use
void fpu_fork(struct thread *nt, struct thread *me, int copy);  // clone
struct fpstate;
void fpu_get(struct thread *t, struct fpstate *out);       // signal frame: t's current state
void fpu_set(struct thread *t, const struct fpstate *in);  // sigreturn: t's new state

#endif
