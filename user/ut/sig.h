// sig.h: what the two signal groups (ut/signal.c, ut/sigcalls.c) share --
// helpers defined in ut/signal.c. Include after "user/signal.h".
#ifndef WEFT_UT_SIG_H
#define WEFT_UT_SIG_H

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

extern volatile int sig_hits;       // sig_count_handler runs
extern volatile int sig_last;       // the signal its last run got
extern volatile int sig_last_tid;   // ... and the thread it ran on
void sig_count_handler(int sig);
void sig_on(int sig, void (*fn)(int), int flags, sigset_t mask);   // sigaction or fail
void sig_mask_set(int how, int sig);                               // sigprocmask or fail
int  sig_await(volatile int *flag, int want, int limit);          // *flag >= want within limit ticks
int  sig_reap(int pid, int limit);     // waitpid status of pid; fail if it takes over limit ticks
void sig_spin_forever(void);
void sig_wait_forever(void);
int  __sigaction(int sig, const struct sigaction *act, struct sigaction *old);  // the raw call

#endif
