// proc.c: the process table -- clone, exit, wait; killing (signals are in signal.c).
//
// clone() is the only way a task is born: fork() is clone(0) and a thread
// is clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD). Like
// Linux's copy_process, clone decides resource by resource, one flag each,
// whether the new task shares the caller's (reference +1) or gets a copy.
//
// Threads of a process are stopped one way only, stop_threads(), whether
// for exit, exec or kill.
//
// Locking, always taken in this order:
//   wait_lock  -- every proc's parent pointer; wait() sleeps on it
//   p->lock    -- a proc's state, pid, killed/exiting/stopper/xstate, pgid, threads,
//                 termsig and the signal state (signal.c)
//   t->lock    -- a thread's state (thread.h)
// Invariant: an ALIVE proc has nthreads >= 1. The last of its threads to
// finish makes it DYING (in the same p->lock section that drops nthreads
// to 0), releases its resources and makes it a ZOMBIE; only its parent's
// wait() frees it.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "file.h"
#include "inode.h"
#include "log.h"
#include "trap.h"
#include "exec.h"
#include "weftabi.h"
#include "sbi.h"
#include "pidns.h"
#include "signal.h"
#include "klib.h"
#include "printf.h"
#include "fpu.h"

struct proc procs[NPROC];
struct proc *initproc;
struct spinlock wait_lock;

void
procinit(void)
{
  initlock(&wait_lock, "wait");
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    initlock(&p->lock, "proc");
    p->state = PS_UNUSED;
  }
}

struct proc *
myproc(void)
{
  struct thread *t = mythread();
  return t ? t->proc : 0;
}

// A fresh EMBRYO proc with a new pid and no resources yet, or 0.
struct proc *
proc_alloc(void)
{
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == PS_UNUSED) {
      p->state = PS_EMBRYO;
      p->pid = id_alloc();
      p->killed = 0;
      p->exiting = 0;
      p->stopper = 0;
      p->xstate = 0;
      p->pgid = p->pid;     // its own group until clone copies the parent's
      p->threads = 0;
      p->nthreads = 0;
      p->mm = 0;
      p->files = 0;
      p->fs = 0;
      p->sighand = 0;
      p->name[0] = 0;
      p->kernel = 0;
      p->ns = 0;                 // clone puts it in one (pidns_enter)
      p->termsig = 0;
      p->sigpending = 0;
      p->stopped = p->nstopped = p->stopsig = 0;
      p->alarm_at = 0;
      p->alarm_next = 0;
      release(&p->lock);
      return p;
    }
    release(&p->lock);
  }
  return 0;
}

// Drop whatever resources p still holds. May sleep (closing files).
static void
proc_drop_resources(struct proc *p)
{
  struct fdtable *files = p->files;
  struct fsinfo *fs = p->fs;
  struct mm *mm = p->mm;
  struct sighand *sh = p->sighand;
  // Detach first: once a resource is put it may be freed and its slot
  // reused, and nothing may find it through p after that (the scheduler
  // reads p->mm whenever it runs one of p's threads).
  p->files = 0;
  p->fs = 0;
  p->mm = 0;
  p->sighand = 0;
  alarm_cancel(p);
  if (sh)
    sighand_put(sh);
  if (files)
    fdtable_put(files);
  if (fs)
    fsinfo_put(fs);
  if (mm)
    mm_put(mm);
}

// Back to UNUSED. Caller holds p->lock; p has no threads and no resources.
static void
proc_free(struct proc *p)
{
  pidns_leave(p);
  p->state = PS_UNUSED;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->killed = 0;
  p->exiting = 0;
  p->stopper = 0;
  p->xstate = 0;
  p->pgid = 0;
}

// ---- clone: one share-or-copy step per resource ---------------------------

static int
copy_mm(int flags, struct proc *from, struct proc *to)
{
  to->mm = (flags & CLONE_VM) ? mm_share(from->mm) : mm_copy(from->mm);
  return to->mm ? 0 : -1;
}

static int
copy_files(int flags, struct proc *from, struct proc *to)
{
  to->files = (flags & CLONE_FILES) ? fdtable_share(from->files) : fdtable_copy(from->files);
  return to->files ? 0 : -1;
}

static int
copy_fs(int flags, struct proc *from, struct proc *to)
{
  to->fs = (flags & CLONE_FS) ? fsinfo_share(from->fs) : fsinfo_copy(from->fs);
  return to->fs ? 0 : -1;
}

static int
copy_sighand(int flags, struct proc *from, struct proc *to)
{
  to->sighand = (flags & CLONE_SIGHAND) ? sighand_share(from->sighand) :
                                          sighand_copy(from->sighand);
  return to->sighand ? 0 : -1;
}

#define CLONE_KNOWN (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
                     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_NEWPID)

// Linux's rules: sharing handlers needs a shared address space, a thread
// (same pid) must share the handlers, and only a new process can start a
// PID namespace.
static int
clone_flags_valid(int flags)
{
  if (flags & ~CLONE_KNOWN)
    return 0;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
    return 0;
  if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
    return 0;
  if ((flags & CLONE_THREAD) && (flags & CLONE_NEWPID))
    return 0;
  return 1;
}

// p's threads, not counting those that are finishing: their joiners may
// already have seen them gone (thread_finish) and create the next thread.
// Caller holds p->lock.
static int
live_threads(struct proc *p)
{
  if (p->nthreads < NTHREAD_PROC)
    return p->nthreads;         // the common case: no need to look closer
  int n = 0;
  for (struct thread *o = p->threads; o; o = o->next_in_proc)
    n += !__atomic_load_n(&o->finishing, __ATOMIC_ACQUIRE);
  return n;
}

// Put t on p's thread list. Fails while a stop of p's threads is under way
// (stop_threads) or p was killed -- a thread added now would escape the
// stop -- and when p has NTHREAD_PROC threads already.
int
proc_add_thread(struct proc *p, struct thread *t)
{
  acquire(&p->lock);
  if (p->stopper || p->killed || (!p->kernel && live_threads(p) >= NTHREAD_PROC)) {
    release(&p->lock);
    return -1;
  }
  t->next_in_proc = p->threads;
  p->threads = t;
  p->nthreads++;
  release(&p->lock);
  return 0;
}

// The new thread starts as a copy of the caller's user registers, returning
// 0 from clone, on the given stack and with the given TLS pointer, with the
// caller's signal mask and nothing pending.
static void
init_child_regs(struct thread *nt, struct thread *me, int flags, uint64 stack, uint64 tls)
{
  *nt->trapframe = *me->trapframe;
  nt->sigblocked = me->sigblocked;
  nt->trapframe->a0 = 0;
  // LAB threads: BEGIN SOLUTION
  if (stack)
    nt->trapframe->sp = stack;
  if (flags & CLONE_SETTLS)
    nt->trapframe->tp = tls;
  // LAB threads: STUB
  //> // Lab threads (docs/labs/threads.md): the new thread's stack and TLS.
  // LAB threads: END
}

// Undo a clone that failed after its thread was allocated.
static void
clone_undo_thread(struct thread *nt)
{
  acquire(&nt->lock);
  thread_reap(nt);
  release(&nt->lock);
}

int
clone(int flags, uint64 stack, uint64 tls, uint64 ctid)
{
  // A thread told to die makes nothing new: it dies on its way out.
  if (!clone_flags_valid(flags) || killed())
    return -1;
  struct thread *me = mythread();
  struct proc *p = me->proc;
  struct proc *np = p;

  if (!(flags & CLONE_THREAD)) {
    np = proc_alloc();
    if (np == 0)
      return -1;
    if (copy_mm(flags, p, np) < 0 || copy_files(flags, p, np) < 0 ||
        copy_fs(flags, p, np) < 0 || copy_sighand(flags, p, np) < 0 ||
        pidns_enter(np, p->ns, flags & CLONE_NEWPID) < 0)
      goto fail_proc;
    safestrcpy(np->name, p->name, sizeof(np->name));
    np->pgid = p->pgid;
  }

  // A new process's first thread has tid == pid (in every namespace); a
  // thread gets new ids.
  struct pidnums ids = np->nspid;
  int tid = (np == p) ? pidns_new_tid(p->ns, &ids) : np->pid;
  struct thread *nt = thread_alloc(np, tid);
  if (nt == 0)
    goto fail_proc;
  nt->nstid = ids;
  init_child_regs(nt, me, flags, stack, tls);
  fpu_fork(nt, me, !(flags & CLONE_THREAD));
  if (flags & CLONE_CHILD_CLEARTID)
    nt->clear_child_tid = ctid;
  tid = tid_seen(nt);              // the caller's number for it from here on
  if ((flags & CLONE_PARENT_SETTID) && copyout(p->mm, ctid, &tid, sizeof(tid)) < 0)
    goto fail_thread;
  if (proc_add_thread(np, nt) < 0)
    goto fail_thread;

  if (np != p) {
    acquire(&wait_lock);
    np->parent = p;
    release(&wait_lock);
    acquire(&np->lock);
    np->state = PS_ALIVE;
    release(&np->lock);
  }
  acquire(&nt->lock);
  make_runnable(nt);
  release(&nt->lock);
  return tid;

fail_thread:
  clone_undo_thread(nt);
fail_proc:
  if (np != p) {
    proc_drop_resources(np);
    acquire(&np->lock);
    proc_free(np);
    release(&np->lock);
  }
  return -1;
}

// ---- the end of threads and processes ---------------------------------------

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

// Take t off p's thread list; returns how many threads are left.
// Caller holds p->lock.
int
proc_remove_thread(struct proc *p, struct thread *t)
{
  struct thread **pp = &p->threads;
  while (*pp != t)
    pp = &(*pp)->next_in_proc;
  *pp = t->next_in_proc;
  return --p->nthreads;
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

static int stop_threads(struct proc *p, struct thread *keep, int may_give_up);

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

// The pid of p's parent (getppid); 0 for init, which has none.
int
parent_pid(struct proc *p)
{
  acquire(&wait_lock);
  int pid = p->parent ? p->parent->pid : 0;
  release(&wait_lock);
  return pid;
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

// Wait for a child (pid -1: any) to exit -- or stop, with WUNTRACED -- and
// return its pid, its status stored at user_status (if not 0). WNOHANG: 0
// if none has yet. -1 if there is no such child or a signal interrupts
// a wait that blocks.
static int
wait_child(int pid, uint64 user_status, int options, int xv6)
{
  struct proc *me = myproc();
  acquire(&wait_lock);
  for (;;) {
    int have_children = 0;
    for (struct proc *c = procs; c < &procs[NPROC]; c++) {
      if (c->parent != me || (pid > 0 && pid_seen(c) != pid))
        continue;
      have_children = 1;
      acquire(&c->lock);
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
  return wait_child(-1, user_status, 0, 1);
}

// pid > 0 or -1 (process groups, pid 0 and < -1, are not waited for yet).
int
waitpid(int pid, uint64 user_status, int options)
{
  if ((options & ~(WNOHANG | WUNTRACED)) || pid == 0 || pid < -1)
    return -1;
  return wait_child(pid, user_status, options, 0);
}

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
// every system call, twice.
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

// ---- the first process -------------------------------------------------------

// Runs in the kernel as the first thread's first code: the file system can
// only start from a thread (it sleeps on the disk), then exec /init.
static void
first_thread_start(void *arg)
{
  struct proc *p = myproc();
  fsinit(ROOTDEV);
  begin_op();
  struct inode *root = namei("/");
  end_op();
  if (root == 0)
    panic("no root directory on the disk");
  p->fs = fsinfo_alloc(root);
  if (p->fs == 0)
    panic("first process: no fsinfo");
  char *argv[] = { "init", 0 };
  if (exec("/init", argv) < 0)
    panic("cannot exec /init");
}

void
userinit(void)
{
  struct proc *p = proc_alloc();
  if (p == 0)
    panic("userinit: no proc");
  p->mm = mm_alloc();
  p->files = fdtable_alloc();
  p->sighand = sighand_alloc();
  if (p->mm == 0 || p->files == 0 || p->sighand == 0)
    panic("userinit: out of memory");
  safestrcpy(p->name, "init", sizeof(p->name));
  struct thread *t = thread_alloc(p, p->pid);
  if (t == 0)
    panic("userinit: no thread");
  if (proc_add_thread(p, t) < 0)
    panic("userinit: cannot add the first thread");
  t->kfn = first_thread_start;
  initproc = p;
  pidnsinit(p);
  p->state = PS_ALIVE;
  acquire(&t->lock);
  make_runnable(t);
  release(&t->lock);
}

// ---- looking at processes: ^P (/proc and procinfo() are in procfs.c) --------

static char
thread_state_letter(enum thread_state s)
{
  switch (s) {
  case TS_RUNNABLE: return 'R';
  case TS_RUNNING: return 'X';
  case TS_SLEEPING: return 'S';
  case TS_ZOMBIE: return 'Z';
  default: return '?';
  }
}

static char *
proc_state_name(enum proc_state s)
{
  switch (s) {
  case PS_ALIVE: return "alive";
  case PS_DYING: return "dying";
  case PS_ZOMBIE: return "zombie";
  default: return "?";
  }
}

// ^P on the console: every process and its threads. Takes no locks, so it
// works even when the kernel is wedged; what it prints may be slightly stale.
void
procdump(void)
{
  printf("\n");
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p->state == PS_UNUSED || p->state == PS_EMBRYO)
      continue;
    printf("pid %d %s %s threads %d\n", p->pid, p->name, proc_state_name(p->state),
           p->nthreads);
    for (struct thread *t = threads; t < &threads[NTHREAD]; t++) {
      if (t->proc == p && t->state != TS_UNUSED)
        printf("  tid %d %c hart %d %s\n", t->tid, thread_state_letter(t->state), t->hart,
               t->name);
    }
  }
}
