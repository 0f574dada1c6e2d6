// proc.c: the process table and the birth of tasks -- clone, the first
// process, ^P. How threads and processes end (exit, kill, wait) is in
// exit.c; signals are in signal.c.
//
// clone() is the only way a task is born: fork() is clone(0) and a thread
// is clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD). Like
// Linux's copy_process, clone decides resource by resource, one flag each,
// whether the new task shares the caller's (reference +1) or gets a copy.
//
// Reading order: proc_alloc and proc_free (a slot of the table; exit.c
// frees zombies with proc_free), then clone from the bottom up -- the
// share-or-copy steps, proc_add_thread, clone itself; then userinit, the
// one process clone does not make.
//
// Locking, always taken in this order (here and in exit.c):
//   wait_lock  -- every proc's parent pointer; wait() sleeps on it
//   p->lock    -- a proc's state, pid, killed/exiting/stopper/xstate, pgid, threads,
//                 termsig and the signal state (signal.c)
//   t->lock    -- a thread's state (thread.h)
// Invariant: threads join a proc only through proc_add_thread, which
// refuses them while a stop of the proc's threads is under way (exit.c's
// stop_threads): no thread may slip past a stop.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "file.h"
#include "inode.h"
#include "log.h"
#include "exec.h"
#include "weftabi.h"
#include "pidns.h"
#include "signal.h"
#include "sighand.h"
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

// The pid of p's parent (getppid); 0 for init, which has none.
int
parent_pid(struct proc *p)
{
  acquire(&wait_lock);
  int pid = p->parent ? p->parent->pid : 0;
  release(&wait_lock);
  return pid;
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
// clone undoes a failed copy with it; exit.c's proc_finish ends a process.
void
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
// A failed clone and the parent's wait (exit.c, take_report) end here.
void
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

// ---- a proc's thread list: threads join and leave ---------------------------

// p's threads, not counting those that are finishing: their joiners may
// already have seen them gone (thread_finish, exit.c) and create the next
// thread.
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
// (stop_threads, exit.c) or p was killed -- a thread added now would escape the
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

// ---- clone itself -----------------------------------------------------------

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
