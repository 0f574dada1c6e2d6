// syssig.c: the signal system calls that need no more than signal.c's
// interface -- sigprocmask, sigpending, sigsuspend, sigsend, tgkill,
// waitpid, and xv6's kill -- and the alarm clock behind alarm(). sigaction
// and sigreturn, which handle tables and frames, are in signal.c. Pids and
// tids from user space are the caller's numbers (its PID namespace): they
// are made real ones here (seen_to_real) before signal.c sees them.
//
// Alarms: each process has at most one deadline, p->alarm_at (a tick; 0 =
// none). Processes with one are on a small list under alarm_lock, and
// `soonest` caches the earliest deadline, so a tick with nothing due costs
// alarm_tick one comparison and no lock. Lock order: alarm_lock -> p->lock
// (alarm_tick sends SIGALRM while it holds alarm_lock, so an exiting
// process cannot leave the list in the middle).

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "trap.h"
#include "signal.h"
#include "pidns.h"
#include "pgrp.h"
#include "sysarg.h"
#include "sysnums.h"

// ---- the alarm clock -----------------------------------------------------------------

// Processes with an alarm set, in no order; soonest is their earliest deadline.
static struct spinlock alarm_lock = { 0, "alarm", 0 };
static struct proc *alarms;
static uint soonest;

static void
alarm_unlink(struct proc *p)
{
  struct proc **pp = &alarms;
  while (*pp && *pp != p)
    pp = &(*pp)->alarm_next;
  if (*pp)
    *pp = p->alarm_next;
  p->alarm_next = 0;
  p->alarm_at = 0;
}

static void
alarm_recompute(void)
{
  uint best = 0;
  for (struct proc *q = alarms; q; q = q->alarm_next)
    if (best == 0 || (int)(q->alarm_at - best) < 0)
      best = q->alarm_at;
  __atomic_store_n(&soonest, best, __ATOMIC_RELEASE);
}

// alarm(n): SIGALRM to p in n ticks (0 cancels). Returns the ticks that
// were left of the previous alarm, 0 if none.
static int
alarm_set(struct proc *p, int n)
{
  acquire(&alarm_lock);
  uint now = ticks;
  int left = 0;
  if (p->alarm_at) {
    left = (int)(p->alarm_at - now);
    if (left < 1)
      left = 1;
    alarm_unlink(p);
  }
  if (n > 0) {
    p->alarm_at = (now + n) ? now + n : 1;    // 0 means "none"
    p->alarm_next = alarms;
    alarms = p;
  }
  alarm_recompute();
  release(&alarm_lock);
  return left;
}

void
alarm_cancel(struct proc *p)
{
  acquire(&alarm_lock);
  if (p->alarm_at) {
    alarm_unlink(p);
    alarm_recompute();
  }
  release(&alarm_lock);
}

void
alarm_tick(uint now)
{
  uint s = __atomic_load_n(&soonest, __ATOMIC_ACQUIRE);
  if (s == 0 || (int)(now - s) < 0)
    return;
  acquire(&alarm_lock);
  struct proc *p = alarms;
  while (p) {
    struct proc *next = p->alarm_next;
    if ((int)(now - p->alarm_at) >= 0) {
      alarm_unlink(p);
      sig_send_proc(p, SIGALRM);
    }
    p = next;
  }
  alarm_recompute();
  release(&alarm_lock);
}

// ---- sending by the caller's numbers ------------------------------------------------

// The pid (and tid, if > 0) a system call was given are the caller's
// numbers (pidns.c); make them real ones. -1 if the caller sees no such
// process or thread, or sig would kill or stop the init of the caller's
// own PID namespace (protected from inside, as init is).
static int
seen_to_real(int *pid, int *tid, int sig)
{
  struct proc *p = pid_lookup(*pid, 0);
  if (p == 0)
    return -1;
  struct pidns *mine = myproc()->ns;
  int r = (mine && p == mine->init && (sig == SIGKILL || sig == SIGSTOP)) ? -1 : 0;
  if (*tid > 0) {
    struct thread *t = p->threads;
    while (t && tid_seen(t) != *tid)
      t = t->next_in_proc;
    if (t)
      *tid = t->tid;
    else
      r = -1;
  }
  *pid = p->pid;
  release(&p->lock);
  return r;
}

int
sig_send_seen(int pid, int tid, int sig)
{
  return seen_to_real(&pid, &tid, sig) < 0 ? -1 : sig_send_tid(pid, tid, sig);
}

// xv6's kill(pid): SIGKILL to the process the caller calls pid.
int
kill(int pid)
{
  return sig_send_seen(pid, 0, SIGKILL);
}

// ---- system calls --------------------------------------------------------------------

// sigprocmask(how, set, old): the calling thread's mask.
uint64
sys_sigprocmask(void)
{
  int how;
  uint64 uset, uold;
  sigset_t set = 0;
  struct thread *t = mythread();
  struct mm *mm = t->proc->mm;
  argint(0, &how);
  argaddr(1, &uset);
  argaddr(2, &uold);
  if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
    return -1;
  if (uset && copyin(mm, &set, uset, sizeof(set)) < 0)
    return -1;
  sigset_t old = t->sigblocked;
  if (uold && copyout(mm, uold, &old, sizeof(old)) < 0)
    return -1;
  if (uset) {
    sigset_t now = how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set;
    sig_setmask(t, now);
  }
  return 0;
}

// sigpending(set): the signals pending for the caller that it blocks.
uint64
sys_sigpending(void)
{
  uint64 uset;
  struct thread *t = mythread();
  argaddr(0, &uset);
  sigset_t pend = (__atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE) |
                   __atomic_load_n(&t->proc->sigpending, __ATOMIC_ACQUIRE)) & t->sigblocked;
  return copyout(t->proc->mm, uset, &pend, sizeof(pend)) < 0 ? -1 : 0;
}

// sigsuspend(mask): wait with mask as the mask until a signal is taken;
// always -1. The handler's frame restores the mask we had before.
uint64
sys_sigsuspend(void)
{
  uint64 umask;
  sigset_t mask;
  struct thread *t = mythread();
  struct proc *p = t->proc;
  argaddr(0, &umask);
  if (copyin(p->mm, &mask, umask, sizeof(mask)) < 0)
    return -1;
  t->sigsaved = t->sigblocked;
  t->sigsaved_valid = 1;
  sig_setmask(t, mask);
  acquire(&p->lock);
  while (!killed() && !sig_interrupts(t))
    sleep_killable(&t->sigsaved, &p->lock);
  release(&p->lock);
  // Woken only by a stop: no handler will run, so sig_deliver restarts
  // the call once the process continues (as Linux does).
  acquire(&t->lock);
  if (!((t->sigpending | p->sigpending) & ~t->sigblocked))
    t->sys_intr = 1;
  release(&t->lock);
  return -1;
}

// sigsend(pid, sig): Linux's kill(pid, sig).
uint64
sys_sigsend(void)
{
  int pid, sig;
  argint(0, &pid);
  argint(1, &sig);
  if (pid == 0 || pid < -1)        // a process group: 0 is the caller's own
    return sig_send_pgrp_seen(pid == 0 ? 0 : -pid, sig);
  return sig_send_seen(pid, 0, sig);
}

// tgkill(pid, tid, sig): sig to thread tid of process pid.
uint64
sys_tgkill(void)
{
  int pid, tid, sig;
  argint(0, &pid);
  argint(1, &tid);
  argint(2, &sig);
  return tid <= 0 ? -1 : sig_send_seen(pid, tid, sig);
}

// alarm(ticks)
uint64
sys_alarm(void)
{
  int n;
  argint(0, &n);
  if (n < 0)
    return -1;
  return alarm_set(myproc(), n);
}

// waitpid(pid, status, options)
uint64
sys_waitpid(void)
{
  int pid, options;
  uint64 status;
  argint(0, &pid);
  argaddr(1, &status);
  argint(2, &options);
  return waitpid(pid, status, options);
}
