// exit.c: the end of threads and processes -- exit, kill, wait. Their
// birth (clone) and the process table are in proc.c; signals in signal.c.
//
// Threads of a process are stopped one way only, stop_threads(), whether
// for exit, exec or kill: each is told to die and ends itself at its next
// return to user space (die()).
//
// Reading order: thread_finish, where every thread ends, and proc_finish,
// which the last one out calls; then stop_threads and its callers (exit,
// die, exec's proc_single_thread, proc_kill); then wait_child, where the
// parent reaps the zombie.
//
// Locking: proc.c's order -- wait_lock (parent pointers), then p->lock
// (state, killed/exiting/stopper/xstate, the thread list), then t->lock.
// Invariant: a user process that is ALIVE has nthreads >= 1 (the kernel's
// own process, kthread.c, is ALIVE from boot with none until a kthread
// starts, and never exits). The last of its threads to
// finish makes it DYING (in the same p->lock section that drops nthreads
// to 0), releases its resources and makes it a ZOMBIE; only its parent's
// wait() frees it.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "exec.h"
#include "sbi.h"
#include "pidns.h"
#include "pgrp.h"
#include "signal.h"
#include "printf.h"

// ---- a thread ends; the last one out ends its process -----------------------

// Hand p's children to the init of p's PID namespace (or, if p is that
// init, of the one around it), which reaps them. Caller holds wait_lock.
static void
reparent(struct proc *p)
{
  struct proc *reaper = pidns_reaper(p);
  for (struct proc *c = procs; c < &procs[NPROC]; c++) {
    if (c->parent == p) {
      c->parent = reaper;
      wakeup(reaper);
    }
  }
}

// init reaps every orphan, so the system cannot go on without it. Nothing
// another program does can end init (kill refuses pid 1); if init ends by
// itself (it called exit, or faulted), say so and power off with a failure
// status. Not a panic: the kernel is intact, its first program is not.
static void __attribute__((noreturn))
init_ended(struct proc *p)
{
  printf("weft: init exited (status %d); nothing can run without it: power off\n",
         p->xstate);
  sbi_poweroff(1);
}

// The init of namespace ns is ending: nobody may join ns any more, and
// every process in it (and in namespaces inside it) is killed. Linux does
// the same; the processes' parents, or the reaper outside, reap them.
static void
kill_namespace(struct pidns *ns)
{
  pidns_kill(ns);
  for (struct proc *q = procs; q < &procs[NPROC]; q++) {
    acquire(&q->lock);
    // An EMBRYO in ns is one a clone is still making: killed, it can get
    // no thread (proc_add_thread) and the clone fails.
    if (q != ns->init && q->ns && pidns_within(q->ns, ns) &&
        (q->state == PS_EMBRYO || q->state == PS_ALIVE))
      proc_kill(q, SIGKILL);
    release(&q->lock);
  }
}

// p's last thread has left and p is DYING: release its resources, then let
// the parent's wait() find a zombie, and send the parent SIGCHLD.
static void
proc_finish(struct proc *p)
{
  if (p == initproc)
    init_ended(p);
  if (p->ns && p->ns->init == p)
    kill_namespace(p->ns);
  proc_drop_resources(p);

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  int ppid = p->parent->pid;
  acquire(&p->lock);
  p->state = PS_ZOMBIE;
  release(&p->lock);
  release(&wait_lock);
  sig_send_pid(ppid, SIGCHLD);
}

// CLONE_CHILD_CLEARTID: t is leaving the program that gave it this address.
// Tell whoever waits on the word (pthread_join) -- write 0, wake one futex
// waiter -- then forget it. thread_finish calls this as t ends, exec as t
// moves to a new program (Linux's mm_release), so the address is only ever
// used in the address space it belongs to.
void
thread_clear_child_tid(struct thread *t, struct mm *mm)
{
  uint64 addr = t->clear_child_tid;
  int zero = 0;
  t->clear_child_tid = 0;
  if (addr && copyout(mm, addr, &zero, sizeof(zero)) == 0)
    futex_wake_addr(mm, addr, 1);
}

// The calling thread leaves for good. value becomes the exit status if it
// is the process's last thread and no exit() set one.
// Order matters: a joiner that sees the tid word turn 0 may create a thread
// at once, so the TCB is marked `finishing` first (thread_alloc waits for
// such a TCB instead of failing); the
// word is cleared while t is still on p's list, so p->mm is still the mm
// that word belongs to (an exec waits for us to leave before replacing it).
static void __attribute__((noreturn))
thread_finish(int value)
{
  struct thread *t = mythread();
  struct proc *p = t->proc;

  acquire(&t->lock);
  t->finishing = 1;
  release(&t->lock);
  thread_clear_child_tid(t, p->mm);

  acquire(&p->lock);
  int last = (proc_remove_thread(p, t) == 0);
  if (last) {
    if (!p->exiting)
      p->xstate = value;
    p->state = PS_DYING;   // no thread left: not ALIVE any more
  }
  release(&p->lock);
  wakeup(&p->nthreads);    // an exit() or exec() may wait for us

  if (last)
    proc_finish(p);

  acquire(&t->lock);
  t->state = TS_ZOMBIE;    // the scheduler frees the TCB once we are off its stack
  sched();
  panic("zombie thread ran again");
}

// ---- stopping the other threads: exit, exec, kill ---------------------------

// Was this one thread (not its whole process) told to die?
static int
thread_told_to_die(struct thread *t)
{
  acquire(&t->lock);
  int k = t->killed;
  release(&t->lock);
  return k;
}

// The one way to stop the other threads of a process, for exit, exec and
// kill. Every thread of p except keep is told to die (woken if asleep) and
// ends at its next return to user space (die()). keep == 0 (kill) stops
// them all and returns at once. Otherwise keep becomes p->stopper, so no
// thread can join p meanwhile -- a sibling inside clone() gets -1 -- and we
// sleep until keep is p's only thread: 0. With may_give_up (exec), return
// -1 instead if keep is told to die meanwhile: a sibling's exit() or a
// kill() took over, and two stops must not wait for each other. exit never
// gives up. Caller holds p->lock.
static int
stop_threads(struct proc *p, struct thread *keep, int may_give_up)
{
  if (keep)
    p->stopper = keep;
  for (struct thread *o = p->threads; o; o = o->next_in_proc) {
    if (o == keep)
      continue;
    acquire(&o->lock);
    o->killed = 1;
    if (o->state == TS_SLEEPING)
      make_runnable(o);
    release(&o->lock);
  }
  if (keep == 0)
    return 0;
  while (p->nthreads > 1) {
    if (may_give_up && killed())
      return -1;
    sleep(&p->nthreads, &p->lock);
  }
  return 0;
}

// exec: leave the caller as the only thread of its process. Returns -1 if
// the caller was itself told to die, before or while it waited.
int
proc_single_thread(void)
{
  struct thread *me = mythread();
  struct proc *p = me->proc;
  acquire(&p->lock);
  int r = killed() ? -1 : stop_threads(p, me, 1);
  if (p->stopper == me)
    p->stopper = 0;      // our stop is over: threads may be created again
  release(&p->lock);
  return r;
}

// exit(): the whole process ends (Linux's exit_group). The first thread to
// call it records the status and stops its siblings; a thread that finds
// an exit already under way just finishes itself.
void
exit(int status)
{
  struct thread *me = mythread();
  struct proc *p = me->proc;
  acquire(&p->lock);
  if (p->exiting) {
    release(&p->lock);
    thread_finish(status);
  }
  p->exiting = 1;
  p->xstate = status;
  stop_threads(p, me, 0);
  release(&p->lock);
  thread_finish(status);
}

void
thread_exit(int value)
{
  thread_finish(value);
}

// The calling thread has been told to die. If only this thread was told
// (a sibling's exit() or exec() is ending the others), it ends alone; if
// the whole process was killed (kill(), a fault), the process exits with -1.
void
die(void)
{
  if (thread_told_to_die(mythread()))
    thread_finish(-1);
  exit(-1);
}

// ---- waiting for children ---------------------------------------------------

// p stopped: wake its parent if it waits (waitpid with WUNTRACED). Returns
// the parent's pid.
int
proc_parent_wake(struct proc *p)
{
  acquire(&wait_lock);
  int ppid = p->parent ? p->parent->pid : 0;
  if (p->parent)
    wakeup(p->parent);
  release(&wait_lock);
  return ppid;
}

// Has child c something to report? ZOMBIE: it exited; with WUNTRACED, a
// stop that waitpid has not reported yet. Caller holds c->lock.
static int
reportable(struct proc *c, int options)
{
  if (c->state == PS_ZOMBIE)
    return 1;
  return (options & WUNTRACED) && c->stopped && c->stopsig &&
         c->nstopped >= c->nthreads;
}

// Report child c's state change: its status word -- xv6's (the exit value,
// -1 if killed) or Linux's -- goes to user_status (if not 0), then a zombie
// is freed, a stop marked reported. -1, and c untouched, if the copy fails.
// Caller holds wait_lock and c->lock.
static int
take_report(struct proc *c, uint64 user_status, int xv6)
{
  int zombie = c->state == PS_ZOMBIE;
  int status = !zombie ? (c->stopsig << 8) | 0x7f : xv6 ? c->xstate : sig_wait_status(c);
  if (user_status && copyout(myproc()->mm, user_status, &status, sizeof(int)) < 0)
    return -1;
  if (zombie)
    proc_free(c);
  else
    c->stopsig = 0;
  return 0;
}

// Wait for a child (pid -1: any; pgid > 0: any of group pgid) to exit --
// or stop, with WUNTRACED -- and return its pid, its status stored at
// user_status (if not 0). WNOHANG: 0 if none has yet. -1 if there is no
// such child or a signal interrupts a wait that blocks.
static int
wait_child(int pid, int pgid, uint64 user_status, int options, int xv6)
{
  struct proc *me = myproc();
  acquire(&wait_lock);
  for (;;) {
    int have_children = 0;
    for (struct proc *c = procs; c < &procs[NPROC]; c++) {
      if (c->parent != me || (pid > 0 && pid_seen(c) != pid))
        continue;
      acquire(&c->lock);
      if (pgid > 0 && c->pgid != pgid) {
        release(&c->lock);
        continue;
      }
      have_children = 1;
      if (reportable(c, options)) {
        int cpid = pid_seen(c);      // before take_report may free c
        int r = take_report(c, user_status, xv6);
        release(&c->lock);
        release(&wait_lock);
        return r < 0 ? -1 : cpid;
      }
      release(&c->lock);
    }
    if (!have_children) {
      release(&wait_lock);
      return -1;
    }
    // WNOHANG never blocks, so there is nothing for a signal to interrupt.
    if (options & WNOHANG) {
      release(&wait_lock);
      return 0;
    }
    if (interrupted()) {
      release(&wait_lock);
      return -1;
    }
    sleep_killable(me, &wait_lock);   // proc_finish() of a child wakes us
  }
}

int
wait(uint64 user_status)
{
  return wait_child(-1, 0, user_status, 0, 1);
}

// pid > 0: that child; -1: any; 0: any in the caller's process group;
// < -1: any in group -pid (as the caller's PID namespace numbers it). A
// child's group is the one it is in when the wait looks, so a child that
// moves to another group stops counting.
int
waitpid(int pid, uint64 user_status, int options)
{
  int pgid = 0;
  if (options & ~(WNOHANG | WUNTRACED))
    return -1;
  if (pid == 0 || pid < -1) {
    if (pid < -0x7fffffff)           // -pid would not fit in an int
      return -1;
    if ((pgid = pgrp_named(-pid)) <= 0)
      return -1;
    pid = -1;
  }
  return wait_child(pid, pgid, user_status, options, 0);
}

// ---- killing ----------------------------------------------------------------

void
proc_kill(struct proc *p, int sig)
{
  if (!p->killed && !p->exiting && !p->termsig)
    p->termsig = sig;
  p->killed = 1;
  stop_threads(p, 0, 0);
}

// Both flags only ever go from 0 to 1 while the thread lives, so they are
// read without their locks: a kill that lands just after the read is seen
// at the next check (every return to user space checks). This runs on
// every system call, before it runs.
int
killed(void)
{
  struct thread *t = mythread();
  return __atomic_load_n(&t->killed, __ATOMIC_ACQUIRE) ||
         (t->proc && __atomic_load_n(&t->proc->killed, __ATOMIC_ACQUIRE));
}

// The calling process dies (a fault, no memory); waitpid reports the
// signal a fault recorded (sig_fault), else SIGKILL.
void
setkilled(void)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  if (!p->killed && !p->exiting && !p->termsig)
    p->termsig = SIGKILL;
  p->killed = 1;
  release(&p->lock);
}
