// signal.c: signals -- sending, delivery, stop/continue, and the system
// calls that handle actions and frames (sigaction, sigreturn).
//
// Who owns what (the seeds' split): handlers belong to the process (a
// struct sighand, shared by CLONE_SIGHAND); the blocked mask belongs to
// each thread; a signal is pending either for one thread (tgkill, a fault)
// or for the whole process (sigsend, alarm, SIGCHLD), and then any thread
// that does not block it takes it.
//
// Reading order: default actions; sending (sig_post is the one place a
// signal is recorded); delivery (sig_deliver, on every return to user
// space; handler frames and sigreturn); sigaction. The handler tables are
// in sighand.c; the other signal system calls and the alarm clock in
// syssig.c.
//
// Sending acts at once for what cannot wait: SIGKILL kills (proc_kill),
// SIGSTOP stops, SIGCONT continues, and a signal the process ignores is
// dropped. Everything else waits in a pending set until a thread that does
// not block it returns to user space (a sleeping one is woken, a running
// one on another hart gets an IPI).
//
// Locking, in this order: alarm_lock (syssig.c) -> p->lock -> sh->lock -> t->lock.
//   p->lock  -- p->sigpending, stopped, nstopped, stopsig, termsig
//   t->lock  -- t->sigpending, and t->sigblocked for other threads (a thread
//               writes its own mask under t->lock and reads it without)
//   sh->lock -- the handler table's entries
// Invariant: SIGKILL and SIGSTOP are never blocked, caught, ignored or pending.

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
#include "sighand.h"
#include "fpu.h"
#include "sysarg.h"
#include "sysnums.h"
#include "sbi.h"
#include "klib.h"
#include "printf.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define ALLSIGS     ((1UL << (NSIG - 1)) - 1)
#define STOPSIGS    (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP))

// ---- actions (the tables themselves are in sighand.c) --------------------------

enum { DEF_TERM, DEF_IGNORE, DEF_STOP, DEF_CONT };

static int
default_action(int sig)
{
  switch (sig) {
  case SIGCHLD: return DEF_IGNORE;
  case SIGSTOP: case SIGTSTP: return DEF_STOP;
  case SIGCONT: return DEF_CONT;
  default: return DEF_TERM;
  }
}

// Would p throw sig away? Ignored by SIG_IGN or by default; init takes no
// default action at all (its death would end the system).
static int
ignored(struct proc *p, int sig, struct sigaction *a)
{
  if (a->sa_handler == SIG_IGN)
    return 1;
  if (a->sa_handler != SIG_DFL)
    return 0;
  return default_action(sig) == DEF_IGNORE || default_action(sig) == DEF_CONT ||
         p == initproc;
}

// exec: the new program cannot know the old one's handlers (sighand_exec),
// nor a mask saved by a sigsuspend of the old one.
void
sig_exec(struct proc *p)
{
  sighand_exec(p);
  mythread()->sigsaved_valid = 0;
}

// ---- sending -----------------------------------------------------------------------

// Make t notice a signal: wake it from an interruptible sleep, or interrupt
// it if it runs on another hart so it passes through sig_deliver soon.
// Caller holds t->lock.
static void
kick(struct thread *t)
{
  if (t->state == TS_SLEEPING && t->interruptible)
    make_runnable(t);
  else if (t->state == TS_RUNNING && t->hart >= 0 && t->hart != cpuid())
    sbi_send_ipi(1UL << t->hart, 0);
}

static void
kick_all(struct proc *p)
{
  for (struct thread *o = p->threads; o; o = o->next_in_proc) {
    acquire(&o->lock);
    kick(o);
    release(&o->lock);
  }
}

// Forget pending signals in set, for p and all its threads. p->lock held.
static void
discard(struct proc *p, sigset_t set)
{
  p->sigpending &= ~set;
  for (struct thread *o = p->threads; o; o = o->next_in_proc) {
    acquire(&o->lock);
    o->sigpending &= ~set;
    release(&o->lock);
  }
}

// A thread of p that does not block sig and is not on its way out, or 0.
// p->lock held.
static struct thread *
taker(struct proc *p, int sig)
{
  for (struct thread *o = p->threads; o; o = o->next_in_proc) {
    acquire(&o->lock);
    int takes = !(o->sigblocked & SIGBIT(sig)) && !o->finishing;
    release(&o->lock);
    if (takes)
      return o;
  }
  return 0;
}

// Stop p: its threads park at their next return to user space (sleepers
// are woken for it; their system calls restart after SIGCONT). The parent
// hears of it when the last one has parked (stop_wait). p->lock held.
static void
stop(struct proc *p, int sig)
{
  if (p->killed || p->exiting)
    return;
  p->stopped = 1;
  p->stopsig = sig;
  kick_all(p);
}

static void
cont(struct proc *p)
{
  discard(p, STOPSIGS);
  p->stopsig = 0;
  if (p->stopped) {
    p->stopped = 0;
    wakeup(&p->stopped);
  }
}

// Does t block sig? p->lock held (t is one of p's threads).
static int
blocks(struct thread *t, int sig)
{
  acquire(&t->lock);
  int b = (t->sigblocked & SIGBIT(sig)) != 0;
  release(&t->lock);
  return b;
}

// Record sig for p, or for its thread t (t != 0). The one place a signal
// is recorded; see the top of the file for what acts at once. p->lock held.
static void
sig_post(struct proc *p, struct thread *t, int sig)
{
  if (sig == SIGKILL) {
    proc_kill(p, SIGKILL);
    return;
  }
  if (sig == SIGCONT)
    cont(p);
  if (sig == SIGSTOP || sig == SIGTSTP)
    discard(p, SIGBIT(SIGCONT));
  if (sig == SIGSTOP) {
    stop(p, sig);
    return;
  }
  struct sigaction a = sighand_action(p, sig);
  if (ignored(p, sig, &a))
    return;
  if (a.sa_handler == SIG_DFL && default_action(sig) == DEF_STOP) {
    // Stops now unless blocked; blocked, it stops whoever unblocks it.
    struct thread *o = t ? t : taker(p, sig);
    if (o && !blocks(o, sig)) {
      stop(p, sig);
      return;
    }
  }
  int directed = (t != 0);
  if (!directed) {
    p->sigpending |= SIGBIT(sig);
    t = taker(p, sig);
    if (t == 0)
      return;                 // every thread blocks it: it waits for one
  }
  acquire(&t->lock);
  if (directed)
    t->sigpending |= SIGBIT(sig);
  if (!(t->sigblocked & SIGBIT(sig)))
    kick(t);
  release(&t->lock);
}

// Send sig to p (t == 0) or its thread t: 0, or -1 if p cannot take it.
// sig 0 checks only. p->lock held.
static int
send_locked(struct proc *p, struct thread *t, int sig)
{
  if (p->state != PS_ALIVE || p->kernel)
    return -1;
  // As xv6's kill: init can be neither killed nor stopped.
  if (p == initproc && (sig == SIGKILL || sig == SIGSTOP))
    return -1;
  if (sig)
    sig_post(p, t, sig);
  return 0;
}

// p has stopped: wake its parent's waitpid, send the parent SIGCHLD.
// No locks held.
static void
tell_parent(struct proc *p)
{
  int ppid = proc_parent_wake(p);
  if (ppid > 0)
    sig_send_pid(ppid, SIGCHLD);
}

int
sig_send_proc(struct proc *p, int sig)
{
  if (sig < 0 || sig >= NSIG)
    return -1;
  acquire(&p->lock);
  int r = send_locked(p, 0, sig);
  release(&p->lock);
  return r;
}

int
sig_send_thread(struct thread *t, int sig)
{
  struct proc *p = t->proc;
  if (sig < 0 || sig >= NSIG || p == 0)
    return -1;
  acquire(&p->lock);
  int r = (t->proc == p) ? send_locked(p, t, sig) : -1;
  release(&p->lock);
  return r;
}

int
sig_send_tid(int pid, int tid, int sig)
{
  if (pid <= 0 || sig < 0 || sig >= NSIG)
    return -1;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (__atomic_load_n(&p->pid, __ATOMIC_RELAXED) != pid)
      continue;
    int r = -1;
    acquire(&p->lock);
    int found = (p->pid == pid);     // not freed and reused meanwhile
    if (found) {
      struct thread *t = 0;
      if (tid > 0)
        for (t = p->threads; t && t->tid != tid; t = t->next_in_proc)
          ;
      if (tid <= 0 || t)
        r = send_locked(p, t, sig);
    }
    release(&p->lock);
    if (found)
      return r;
  }
  return -1;
}

int
sig_send_pid(int pid, int sig)
{
  return sig_send_tid(pid, 0, sig);
}

// Does something want t back in user space: a signal it does not block,
// or a stop of its process? Callers hold t->lock or are t.
int
sig_interrupts(struct thread *t)
{
  struct proc *p = t->proc;
  sigset_t pend = __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE) |
                  __atomic_load_n(&p->sigpending, __ATOMIC_ACQUIRE);
  return (pend & ~t->sigblocked) != 0 || __atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE);
}

int
interrupted(void)
{
  struct thread *t = mythread();
  if (killed())
    return 1;
  if (!sig_interrupts(t))
    return 0;
  t->sys_intr = 1;     // sig_deliver may restart the call
  return 1;
}

// ---- delivery ----------------------------------------------------------------------

// The lowest-numbered signal in a non-empty set.
static int
lowest(sigset_t set)
{
  int sig = 1;
  while (!(set & SIGBIT(sig)))
    sig++;
  return sig;
}

// Take the lowest signal t may take now: its own before its process's; 0 if none.
static int
dequeue(struct thread *t)
{
  struct proc *p = t->proc;
  int sig = 0;
  acquire(&p->lock);
  acquire(&t->lock);
  sigset_t mine = t->sigpending & ~t->sigblocked;
  sigset_t shared = p->sigpending & ~t->sigblocked;
  if (mine) {
    sig = lowest(mine);
    t->sigpending &= ~SIGBIT(sig);
  } else if (shared) {
    sig = lowest(shared);
    p->sigpending &= ~SIGBIT(sig);
  }
  release(&t->lock);
  release(&p->lock);
  return sig;
}

void
sig_setmask(struct thread *t, sigset_t mask)
{
  acquire(&t->lock);
  t->sigblocked = mask & ALLSIGS & ~UNBLOCKABLE;
  release(&t->lock);
}

// Park while the process is stopped. The last thread to park completes the
// stop and tells the parent.
static void
stop_wait(struct proc *p)
{
  acquire(&p->lock);
  if (!p->stopped || killed()) {
    release(&p->lock);
    return;
  }
  if (++p->nstopped >= p->nthreads && p->stopsig) {
    release(&p->lock);
    tell_parent(p);
    acquire(&p->lock);
  }
  while (p->stopped && !killed())
    sleep(&p->stopped, &p->lock);
  p->nstopped--;
  release(&p->lock);
}

// The process dies of sig (a default action, or a frame it cannot take).
static void __attribute__((noreturn))
terminate(struct proc *p, int sig)
{
  acquire(&p->lock);
  proc_kill(p, sig);
  release(&p->lock);
  die();
}

// Back the interrupted system call up to its ecall, with its first argument.
static void
restart_syscall(struct thread *t)
{
  t->trapframe->epc -= 4;
  t->trapframe->a0 = t->sys_a0;
}

// Run a's handler for sig: push a frame with every user register and the
// mask to restore, then enter the handler with that frame as its stack.
static void
push_frame(struct thread *t, int sig, struct sigaction *a)
{
  struct proc *p = t->proc;
  struct trapframe *tf = t->trapframe;
  struct sigframe f;
  _Static_assert(__builtin_offsetof(struct trapframe, epc) == 31 * sizeof(uint64),
                 "sigframe.regs copies the trapframe's x1..x31, epc");

  _Static_assert(sizeof(struct fpstate) == sizeof(f.fpregs), "sigframe.fpregs is a fpstate");
  memmove(f.regs, tf, sizeof(f.regs));
  fpu_get(t, (struct fpstate *)f.fpregs);
  f.mask = t->sigsaved_valid ? t->sigsaved : t->sigblocked;
  t->sigsaved_valid = 0;
  f.magic = SIGFRAME_MAGIC;
  memset(&f.info, 0, sizeof(f.info));
  f.info.si_signo = sig;
  f.info.si_code = SI_USER;
  if (sig == t->sigfault) {
    f.info.si_code = SI_KERNEL;
    f.info.si_addr = t->sigfault_addr;
    t->sigfault = 0;
  }

  uint64 sp = (tf->sp - sizeof(f)) & ~15UL;
  if (tf->sp < sizeof(f) || tf->sp >= MAXVA || copyout(p->mm, sp, &f, sizeof(f)) < 0) {
    printf("pid %d tid %d (%s): killed: no room for a signal %d frame below sp %p\n",
           p->pid, t->tid, p->name, sig, (void *)tf->sp);
    terminate(p, SIGSEGV);
  }
  tf->sp = sp;
  tf->epc = (uint64)a->sa_handler;
  tf->ra = (uint64)a->sa_restorer;
  tf->a0 = sig;
  tf->a1 = sp + __builtin_offsetof(struct sigframe, info);
  tf->a2 = sp;
  sigset_t block = a->sa_mask | ((a->sa_flags & SA_NODEFER) ? 0 : SIGBIT(sig));
  sig_setmask(t, t->sigblocked | block);
}

// sig_deliver's work, when there is some. Dies if told to, parks while
// the process is stopped, takes the default action of pending signals, or
// sets up one handler frame (the next signal comes on the return from
// sigreturn). A system call interrupted for a signal (interrupted() said
// so and it returned -1) is restarted unless a handler without SA_RESTART
// runs.
static void __attribute__((noinline))
deliver(struct thread *t)
{
  struct proc *p = t->proc;
  int restart = t->sys_intr && t->trapframe->a0 == (uint64)-1;
  t->sys_intr = 0;

  for (;;) {
    if (killed())
      die();
    if (!sig_interrupts(t))
      break;
    if (p->stopped) {
      stop_wait(p);
      continue;
    }
    int sig = dequeue(t);
    if (sig == 0)
      break;
    struct sigaction a = sighand_action(p, sig);
    if (a.sa_handler == SIG_IGN)
      continue;
    if (a.sa_handler == SIG_DFL) {
      int def = default_action(sig);
      if (def == DEF_TERM)
        terminate(p, sig);
      if (def == DEF_STOP) {
        acquire(&p->lock);
        stop(p, sig);
        release(&p->lock);
      }
      continue;
    }
    if (restart && (a.sa_flags & SA_RESTART))
      restart_syscall(t);
    push_frame(t, sig, &a);
    return;
  }
  if (restart)
    restart_syscall(t);
  if (t->sigsaved_valid) {     // sigsuspend, and no handler ran after all
    t->sigsaved_valid = 0;
    sig_setmask(t, t->sigsaved);
  }
}

// The last step before every return to user space (usertrapret). Most
// returns have nothing to do: a few loads say so, and the call costs no
// more (deliver() is kept out of line so this one needs no stack frame).
// A signal posted right after the test is taken at the next return: its
// sender wakes or interrupts the thread (kick).
void
sig_deliver(void)
{
  struct thread *t = mythread();
  struct proc *p = t->proc;
  // killed() and sig_interrupts(), read without their fences: a hint.
  sigset_t pend = __atomic_load_n(&t->sigpending, __ATOMIC_RELAXED) |
                  __atomic_load_n(&p->sigpending, __ATOMIC_RELAXED);
  if (t->sys_intr || t->sigsaved_valid || (pend & ~t->sigblocked) ||
      __atomic_load_n(&t->killed, __ATOMIC_RELAXED) ||
      __atomic_load_n(&p->killed, __ATOMIC_RELAXED) ||
      __atomic_load_n(&p->stopped, __ATOMIC_RELAXED))
    deliver(t);
}

// A fault raised sig in the calling thread. A handler takes it unless the
// signal is blocked (a handler faulting in itself, say): then, and with no
// handler, the process dies of it.
int
sig_fault(int sig, uint64 addr)
{
  struct thread *t = mythread();
  struct proc *p = t->proc;
  struct sigaction a = sighand_action(p, sig);
  if (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN &&
      !(t->sigblocked & SIGBIT(sig))) {
    acquire(&t->lock);
    t->sigpending |= SIGBIT(sig);
    t->sigfault = sig;
    t->sigfault_addr = addr;
    release(&t->lock);
    return 1;
  }
  acquire(&p->lock);
  if (!p->killed && !p->exiting)
    p->termsig = sig;
  release(&p->lock);
  return 0;
}

int
sig_wait_status(struct proc *p)
{
  if (p->termsig)
    return p->termsig;
  return (p->xstate & 0xff) << 8;
}

// ---- sigaction and sigreturn ----------------------------------------------------------

static int
valid_sig(int sig)
{
  return sig >= 1 && sig < NSIG;
}

// sigaction(sig, act, old): old (if not 0) gets the current action, then
// act (if not 0) replaces it. A handler needs sa_restorer. Setting SIG_IGN
// (or a default that ignores) drops what is pending of sig.
uint64
sys_sigaction(void)
{
  int sig;
  uint64 uact, uold;
  struct sigaction a;
  struct proc *p = myproc();
  argint(0, &sig);
  argaddr(1, &uact);
  argaddr(2, &uold);
  if (!valid_sig(sig))
    return -1;
  if (uact) {
    if (sig == SIGKILL || sig == SIGSTOP || copyin(p->mm, &a, uact, sizeof(a)) < 0)
      return -1;
    if (a.sa_flags & ~(SA_SIGINFO | SA_RESTORER | SA_RESTART | SA_NODEFER))
      return -1;
    if (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN && a.sa_restorer == 0)
      return -1;
    a.sa_mask &= ALLSIGS & ~UNBLOCKABLE;
  }
  if (uold) {
    struct sigaction old = sighand_action(p, sig);
    if (copyout(p->mm, uold, &old, sizeof(old)) < 0)
      return -1;
  }
  if (uact) {
    sighand_set(p, sig, &a);
    acquire(&p->lock);
    if (ignored(p, sig, &a))
      discard(p, SIGBIT(sig));
    release(&p->lock);
  }
  return 0;
}

// sigreturn(): the handler is done. Restore the registers and mask saved in
// the frame at sp -- nothing else. A frame that cannot be read or was not
// made by us kills the process.
uint64
sys_sigreturn(void)
{
  struct thread *t = mythread();
  struct proc *p = t->proc;
  struct trapframe *tf = t->trapframe;
  struct sigframe f;
  if (copyin(p->mm, &f, tf->sp, sizeof(f)) < 0 || f.magic != SIGFRAME_MAGIC ||
      f.regs[31] >= MAXVA) {
    printf("pid %d tid %d (%s): killed: bad signal frame at sp %p\n",
           p->pid, t->tid, p->name, (void *)tf->sp);
    acquire(&p->lock);
    if (!p->killed && !p->exiting)
      p->termsig = SIGSEGV;
    release(&p->lock);
    setkilled();
    return -1;
  }
  memmove(tf, f.regs, sizeof(f.regs));
  fpu_set(t, (struct fpstate *)f.fpregs);
  sig_setmask(t, f.mask);
  return tf->a0;           // syscall() puts the result in a0: keep the restored one
}
