// signal.h: signals (signal.c) -- handler tables, sending, delivery on the
// way back to user space, alarms. docs/signals.md tells the whole story.
#ifndef WEFT_SIGNAL_H
#define WEFT_SIGNAL_H

#include "sigabi.h"

struct proc;
struct thread;
struct sighand;

void signalinit(void);

// Handler tables, one per process or shared by CLONE_SIGHAND (clone, exec, exit).
struct sighand *sighand_alloc(void);                 // all SIG_DFL, or 0
struct sighand *sighand_share(struct sighand *sh);   // reference +1
struct sighand *sighand_copy(struct sighand *sh);    // a private copy, or 0
void   sighand_put(struct sighand *sh);
void   sig_exec(struct proc *p);        // exec: own table, caught handlers back to SIG_DFL
void   alarm_cancel(struct proc *p);    // the process is going away

// Sending. Callers hold no locks. 0, or -1 for a bad signal number or a
// process that cannot take it (not alive, the kernel's, init for KILL/STOP).
// sig 0 only checks that the target exists.
int    sig_send_proc(struct proc *p, int sig);       // process-directed
int    sig_send_thread(struct thread *t, int sig);   // thread-directed
int    sig_send_pid(int pid, int sig);               // sigsend(pid, sig)
int    kill(int pid);                   // xv6's kill: sig_send_pid(pid, SIGKILL)

// Every interruptible wait loop (pipe, wait, futex, sleep, console,
// sigsuspend) must test this, not killed(), before it sleeps with
// sleep_killable(): 1 if the thread was told to die, has a signal to take or
// its process is stopped. A system call that then returns -1 is restarted
// when no handler runs, or when the handler has SA_RESTART.
int    interrupted(void);
int    sig_interrupts(struct thread *t);    // the same test for t (sched.c, t->lock held)

// trap.c: the last step before every return to user space -- dies, stops,
// or sets up a handler frame, as the pending signals say.
void   sig_deliver(void);
// trap.c: a fault raised sig at addr. 1 if a handler will run; 0 if the
// process must die (the caller says why and kills it).
int    sig_fault(int sig, uint64 addr);
// trap.c: once per tick on the tick-counting hart. Cheap unless an alarm is due.
void   alarm_tick(uint now);
// waitpid's status word for a zombie child (p->lock held).
int    sig_wait_status(struct proc *p);

#endif
