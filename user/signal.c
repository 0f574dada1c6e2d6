// signal.c: the user half of signals -- sigaction() with its return path,
// and signal(). The system calls themselves are usys.S stubs.
//
// A handler returns (ra) into sa_restorer. weft points it at the sigreturn
// stub: `li a7, SYS_sigreturn; ecall`. The handler has popped its own stack
// frame by then, so sp is back at the signal frame the kernel pushed, which
// is where sigreturn looks for it; the ecall never returns to the stub.
#include "kernel/types.h"
#include "user/user.h"
#include "user/signal.h"

int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
  if (act == 0)
    return __sigaction(sig, 0, old);
  struct sigaction a = *act;
  a.sa_flags |= SA_RESTORER;
  a.sa_restorer = (void (*)(void))sigreturn;
  return __sigaction(sig, &a, old);
}

void
(*signal(int sig, void (*handler)(int)))(int)
{
  struct sigaction a, old;
  a.sa_handler = handler;
  a.sa_mask = 0;
  a.sa_flags = SA_RESTART;
  if (sigaction(sig, &a, &old) < 0)
    return SIG_ERR;
  return old.sa_handler;
}
