// signal.h: signals for xv6-flavour programs. Include after "kernel/types.h"
// and "user/user.h" (which declares the system calls themselves).
// Numbers, sigset_t, struct sigaction and the waitpid macros come from
// kernel/sigabi.h; docs/signals.md explains what weft does with them.
#ifndef WEFT_USER_SIGNAL_H
#define WEFT_USER_SIGNAL_H

#include "kernel/sigabi.h"

// sigaction() (user/signal.c) sets sa_restorer to sigreturn, the stub a
// handler returns into, and SA_RESTORER; callers fill in the rest.
// signal(): a handler with SA_RESTART and nothing else blocked; returns the
// previous handler, or SIG_ERR.
#define SIG_ERR ((void (*)(int))-1)
void (*signal(int sig, void (*handler)(int)))(int);

static inline int sigemptyset(sigset_t *s) { *s = 0; return 0; }
static inline int sigfillset(sigset_t *s) { *s = ~0UL; return 0; }
static inline int
sigaddset(sigset_t *s, int sig)
{
  if (sig < 1 || sig >= NSIG)
    return -1;
  *s |= SIGBIT(sig);
  return 0;
}
static inline int
sigdelset(sigset_t *s, int sig)
{
  if (sig < 1 || sig >= NSIG)
    return -1;
  *s &= ~SIGBIT(sig);
  return 0;
}
static inline int
sigismember(const sigset_t *s, int sig)
{
  if (sig < 1 || sig >= NSIG)
    return -1;
  return (*s & SIGBIT(sig)) != 0;
}

#endif
