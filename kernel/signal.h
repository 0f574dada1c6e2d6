// signal.h: signals (signal.c; the simpler system calls and the alarm clock
// in syssig.c) -- sending, delivery on the way back to user space, alarms.
// The handler tables have their own interface, sighand.h. docs/signals.md tells the whole story.
#ifndef WEFT_SIGNAL_H
#define WEFT_SIGNAL_H

#include "sigabi.h"

struct proc;
struct thread;

// exec: the handler table is the process's own, caught handlers go back to
// SIG_DFL (sighand.c), and no sigsuspend mask is left to restore.
void   sig_exec(struct proc *p);
void   alarm_cancel(struct proc *p);    // the process is going away (syssig.c)

// Sending. Callers hold no locks. 0, or -1 for a bad signal number or a
// process that cannot take it (not alive, the kernel's, init for KILL/STOP).
// sig 0 only checks that the target exists.
int    sig_send_proc(struct proc *p, int sig);       // process-directed
int    sig_send_thread(struct thread *t, int sig);   // thread-directed
int    sig_send_pid(int pid, int sig);               // by real pid
int    sig_send_tid(int pid, int tid, int sig);      // thread tid of pid (tid 0: the process), real ids
// By the numbers the caller sees (its PID namespace, pidns.c): sigsend,
// tgkill (tid > 0) and kill. -1 also for the init of the caller's own
// namespace and SIGKILL/SIGSTOP.
int    sig_send_seen(int pid, int tid, int sig);      // syssig.c
int    kill(int pid);                   // syssig.c: xv6's kill, sig_send_seen(pid, 0, SIGKILL)

// Every interruptible wait loop (pipe, wait, futex, sleep, console,
// sigsuspend) must test this, not killed(), before it sleeps with
// sleep_killable(): 1 if the thread was told to die, has a signal to take or
// its process is stopped. A system call that then returns -1 is restarted
// when no handler runs, or when the handler has SA_RESTART.
int    interrupted(void);
int    sig_interrupts(struct thread *t);    // the same test for t (sched.c, t->lock held)

// The calling thread t's new blocked mask (SIGKILL and SIGSTOP stay unblocked).
void   sig_setmask(struct thread *t, sigset_t mask);

// trap.c (usertrapret): the last step before every return to user space --
// dies, stops, or sets up a handler frame, as the pending signals say.
void   sig_deliver(void);
// trap.c: a fault raised sig at addr. 1 if a handler will run; 0 if the
// process must die (the caller says why and kills it).
int    sig_fault(int sig, uint64 addr);
// syssig.c, the alarm clock. alarm_tick: trap.c, once per tick on the
// tick-counting hart; cheap unless an alarm is due.
void   alarm_tick(uint now);
// waitpid's status word for a zombie child (p->lock held).
int    sig_wait_status(struct proc *p);

#endif
