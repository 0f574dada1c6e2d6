// sigstub.c: placeholders for the signal calls picolibc's abort() and
// raise() and the thread library's pthread_kill/pthread_sigmask link
// against, until weft's signals (kernel/signal.c) reach the POSIX flavour
// with picolibc's <signal.h> numbers and sigset_t: kill(pid, sig) kills pid
// outright for any nonzero sig (weft's kill) and checks nothing for sig 0;
// sigprocmask changes nothing; tgkill is the raw call. Replace this file
// when <signal.h> is implemented for real.

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include "weftsys.h"

int
kill(pid_t pid, int sig)
{
  if (sig == 0)
    return 0;
  return SYS1(SYS_kill, pid) < 0 ? weft_fail(ESRCH) : 0;
}

int
sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
  if (old)
    *old = 0;
  return 0;
}

int
tgkill(int pid, int tid, int sig)
{
  return SYS3(SYS_tgkill, pid, tid, sig) < 0 ? weft_fail(EINVAL) : 0;
}
