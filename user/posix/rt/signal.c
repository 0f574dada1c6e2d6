// signal.c: <signal.h> for the POSIX flavour -- kill, raise, sigaction,
// signal, sigprocmask, sigpending, sigsuspend, pause, alarm, abort, and
// tgkill for the thread library's pthread_kill/pthread_sigmask -- on weft's
// signal calls (33-40, kernel/sigabi.h, docs/signals.md), with errno.
//
// Two numberings meet here. picolibc's <sys/signal.h> numbers signals the
// BSD way (SIGUSR1 30, SIGCHLD 20, SIGSTOP 17, SIGBUS 10, ...); the kernel
// uses Linux's. 1-4, 6, 8, 9, 11 and 13-15 agree, the rest do not, so every
// number and every set crosses the boundary through the table below, both
// ways: on the way in (kill, sigaction, masks), and on the way out (old
// masks, pending sets, the handler's argument, the status word waitpid
// reports). A signal with no row (SIGTRAP, SIGSYS, SIGURG, ...) is EINVAL.
//
// Handlers: the kernel calls one function, trampoline(), with its number;
// trampoline looks up the program's handler in `caught` by picolibc's
// number and calls it with that number. `caught` is per process, like the
// kernel's table (threads share it; fork copies it; exec starts afresh).
// A handler returns into restorer, which calls sigreturn on the frame.
//
// Reading order: the table, sets, sigaction/signal, sending, masks, the rest.

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>
#include "weftsys.h"

// ---- the two numberings -------------------------------------------------------------

// {picolibc's number, weft's number} for each signal the kernel knows.
static const struct { int pico, weft; } names[] = {
  { SIGHUP, 1 },   { SIGINT, 2 },   { SIGQUIT, 3 },  { SIGILL, 4 },   { SIGABRT, 6 },
  { SIGBUS, 7 },   { SIGFPE, 8 },   { SIGKILL, 9 },  { SIGUSR1, 10 }, { SIGSEGV, 11 },
  { SIGUSR2, 12 }, { SIGPIPE, 13 }, { SIGALRM, 14 }, { SIGTERM, 15 }, { SIGCHLD, 17 },
  { SIGCONT, 18 }, { SIGSTOP, 19 }, { SIGTSTP, 20 },
};
#define NNAMES (int)(sizeof(names) / sizeof(names[0]))
#define W_SIGKILL 9
#define W_SIGSTOP 19

// picolibc's number -> weft's; 0 for 0; -1 if weft has no such signal.
static int
to_weft(int sig)
{
  if (sig == 0)
    return 0;
  for (int i = 0; i < NNAMES; i++)
    if (names[i].pico == sig)
      return names[i].weft;
  return -1;
}

// weft's number -> picolibc's (a number weft never sends stays as it is).
int
weft_sig_to_pico(int sig)
{
  for (int i = 0; i < NNAMES; i++)
    if (names[i].weft == sig)
      return names[i].pico;
  return sig;
}

// waitpid's status word says "killed by" or "stopped by" weft's number.
int
weft_status_to_pico(int status)
{
  if ((status & 0xff) == 0x7f)
    return (status & ~0xff00) | weft_sig_to_pico((status >> 8) & 0xff) << 8;
  if (status & 0x7f)
    return (status & ~0x7f) | weft_sig_to_pico(status & 0x7f);
  return status;
}

// Sets. picolibc's sigset_t has bit sig for signal sig (its sigaddset is a
// macro: 1 << sig); the kernel's has bit sig-1. Signals weft lacks drop out.
static unsigned long
set_to_weft(sigset_t s)
{
  unsigned long w = 0;
  for (int i = 0; i < NNAMES; i++)
    if (s & (1UL << names[i].pico))
      w |= 1UL << (names[i].weft - 1);
  return w;
}

static sigset_t
set_to_pico(unsigned long w)
{
  sigset_t s = 0;
  for (int i = 0; i < NNAMES; i++)
    if (w & (1UL << (names[i].weft - 1)))
      s |= 1UL << names[i].pico;
  return s;
}

// ---- sigaction, signal --------------------------------------------------------------

// The kernel's struct sigaction (kernel/sigabi.h).
struct weft_sigaction {
  void (*handler)(int);
  unsigned long mask;
  int flags;
  void (*restorer)(void);
};
#define W_SA_RESTORER 0x04000000
#define W_SA_RESTART  0x10000000

static _sig_func_ptr caught[NSIG];    // by picolibc's number

static void
trampoline(int wsig)
{
  int sig = weft_sig_to_pico(wsig);
  caught[sig](sig);
}

// Where a handler returns: sp is at the kernel's frame; sigreturn reads it
// and never comes back here.
void restorer(void);
asm(".text\n.globl restorer\nrestorer:\n li a7, 39\n ecall\n");

// sigaction with weft's flags added (signal() asks for SA_RESTART).
static int
install(int sig, const struct sigaction *act, struct sigaction *old, int wflags)
{
  int w = to_weft(sig);
  if (w <= 0 || (act && (w == W_SIGKILL || w == W_SIGSTOP)))
    return weft_fail(EINVAL);
  struct weft_sigaction wa, wold;
  _sig_func_ptr before = caught[sig];
  if (act) {
    _sig_func_ptr h = act->sa_handler;
    wa.handler = (h == SIG_DFL || h == SIG_IGN) ? h : trampoline;
    wa.mask = set_to_weft(act->sa_mask);
    wa.flags = wflags | W_SA_RESTORER;      // picolibc has no SA_RESTART, SA_NODEFER
    wa.restorer = restorer;
    if (wa.handler == trampoline)
      caught[sig] = h;                      // before the kernel can call trampoline
  }
  if (SYS3(SYS_sigaction, w, act ? &wa : 0, &wold) < 0) {
    caught[sig] = before;
    return weft_fail(EINVAL);
  }
  if (old) {
    old->sa_handler = wold.handler == trampoline ? before : wold.handler;
    old->sa_mask = set_to_pico(wold.mask);
    old->sa_flags = 0;
  }
  return 0;
}

int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
  return install(sig, act, old, 0);
}

// BSD's signal(): the handler stays installed, interrupted calls restart.
_sig_func_ptr
signal(int sig, _sig_func_ptr handler)
{
  struct sigaction a = { 0 }, old;
  a.sa_handler = handler;
  return install(sig, &a, &old, W_SA_RESTART) < 0 ? SIG_ERR : old.sa_handler;
}

// ---- sending ------------------------------------------------------------------------

// kill(pid, sig); sig 0 only checks that pid exists. pid 0 is the
// caller's process group, -pgid group pgid (the kernel walks it); -1
// (every process) is not supported: ESRCH. The kernel refuses to kill or
// stop init (EPERM here).
int
kill(pid_t pid, int sig)
{
  int w = to_weft(sig);
  if (w < 0)
    return weft_fail(EINVAL);
  if (pid == -1)
    return weft_fail(ESRCH);
  if (SYS2(SYS_sigsend, pid, w) == 0)
    return 0;
  if (pid <= 0)
    return weft_fail(ESRCH);
  return weft_fail(SYS2(SYS_sigsend, pid, 0) == 0 ? EPERM : ESRCH);
}

// killpg(pgrp, sig) is kill(-pgrp, sig); pgrp 0 is the caller's group.
int
killpg(pid_t pgrp, int sig)
{
  if (pgrp < 0)
    return weft_fail(EINVAL);
  return kill(-pgrp, sig);
}

// sig to thread tid of process pid (Linux's tgkill; pthread_kill uses it).
int
tgkill(int pid, int tid, int sig)
{
  int w = to_weft(sig);
  if (w < 0)
    return weft_fail(EINVAL);
  return SYS3(SYS_tgkill, pid, tid, w) < 0 ? weft_fail(ESRCH) : 0;
}

int gettid(void);    // proc.c

// To the calling thread, so the handler has run when raise returns.
int
raise(int sig)
{
  return tgkill(getpid(), gettid(), sig);
}

// ---- masks --------------------------------------------------------------------------

// The calling thread's mask (pthread_sigmask, in user/pthread.c, is this).
int
sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
  static const int whow[] = { [SIG_BLOCK] = 0, [SIG_UNBLOCK] = 1, [SIG_SETMASK] = 2 };
  if (how < 0 || how > 2)
    return weft_fail(EINVAL);
  unsigned long wset = set ? set_to_weft(*set) : 0, wold;
  if (SYS3(SYS_sigprocmask, whow[how], set ? &wset : 0, &wold) < 0)
    return weft_fail(EINVAL);
  if (old)
    *old = set_to_pico(wold);
  return 0;
}

int
sigpending(sigset_t *set)
{
  unsigned long w;
  if (SYS1(SYS_sigpending, &w) < 0)
    return weft_fail(EFAULT);
  *set = set_to_pico(w);
  return 0;
}

// Always -1 with EINTR, after a handler ran.
int
sigsuspend(const sigset_t *mask)
{
  unsigned long w = set_to_weft(*mask);
  SYS1(SYS_sigsuspend, &w);
  return weft_fail(EINTR);
}

int
pause(void)
{
  sigset_t now;
  sigprocmask(SIG_BLOCK, 0, &now);
  return sigsuspend(&now);
}

// ---- alarm, abort -------------------------------------------------------------------

#define TICKS_PER_S 100    // the kernel's tick: 10 ms

// SIGALRM in `seconds`; the seconds left of the previous alarm (rounded up).
unsigned
alarm(unsigned seconds)
{
  long n = seconds > 0x7fffffff / TICKS_PER_S ? 0x7fffffff : (long)seconds * TICKS_PER_S;
  long left = SYS1(SYS_alarm, n);
  return left <= 0 ? 0 : (left + TICKS_PER_S - 1) / TICKS_PER_S;
}

// SIGABRT, and if a handler returned or it was ignored, SIGABRT again with
// the default action: the process ends "killed by SIGABRT" either way.
void
abort(void)
{
  raise(SIGABRT);
  signal(SIGABRT, SIG_DFL);
  sigset_t s = 1UL << SIGABRT;
  sigprocmask(SIG_UNBLOCK, &s, 0);
  raise(SIGABRT);
  _exit(127);
}
