// thread.c: the thread table -- TCB allocation and freeing.
//
// Every thread owns a fixed kernel stack (KSTACK(index), mapped at boot with
// a guard page below); its trapframe is the top of that stack, so creating
// a thread allocates no memory at all. Process and thread ids come from
// one counter, so a process's first thread has tid == pid and no tid ever
// equals another process's pid.
// Locking: t->lock protects a thread's state (see thread.h); id_lock the
// id counter.
// A thread that has told its joiner it is gone (thread_finish) still runs
// on its kernel stack for a moment; its TCB is marked `finishing` and
// thread_alloc waits for it rather than report the table full.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "sched.h"
#include "klib.h"
#include "printf.h"

struct thread threads[NTHREAD];

static struct spinlock id_lock;
static int next_id = 1;

void thread_entry(void);

void
threadinit(void)
{
  initlock(&id_lock, "ids");
  for (int i = 0; i < NTHREAD; i++) {
    struct thread *t = &threads[i];
    initlock(&t->lock, "thread");
    t->index = i;
    t->kstack = KSTACK(i);
    t->state = TS_UNUSED;
    t->hart = -1;
  }
}

int
id_alloc(void)
{
  acquire(&id_lock);
  int id = next_id++;
  release(&id_lock);
  return id;
}

// An UNUSED TCB, locked, or 0; *finishing counts the TCBs about to be
// UNUSED. quick: skip, without locking it, every TCB that looks busy -- a
// cheap first pass, which may pass over a TCB being freed right then, so
// only a slow pass (every TCB locked and looked at) may report none.
static struct thread *
take_unused(int *finishing, int quick)
{
  *finishing = 0;
  for (struct thread *t = threads; t < &threads[NTHREAD]; t++) {
    if (quick && __atomic_load_n(&t->state, __ATOMIC_RELAXED) != TS_UNUSED)
      continue;
    acquire(&t->lock);
    if (t->state == TS_UNUSED)
      return t;
    *finishing += t->finishing;
    release(&t->lock);
  }
  return 0;
}

struct thread *
thread_alloc(struct proc *p, int tid)
{
  struct thread *t;
  int finishing;
  // A full table with finishing threads in it is full only for a moment:
  // let them leave (boot has no thread to yield and no finishing ones).
  t = take_unused(&finishing, 1);
  while (t == 0 && (t = take_unused(&finishing, 0)) == 0) {
    if (finishing == 0 || mythread() == 0)
      return 0;
    yield();
  }

  // The trapframe tops the kernel stack; the stack proper starts below it.
  t->trapframe = (struct trapframe *)(t->kstack + KSTACK_PAGES * PGSIZE) - 1;
  memset(t->trapframe, 0, sizeof(*t->trapframe));
  t->state = TS_EMBRYO;
  t->tid = tid;
  t->proc = p;
  t->killed = 0;
  t->finishing = 0;
  t->chan = 0;
  t->hart = -1;
  t->clear_child_tid = 0;
  t->interruptible = 0;
  t->sigblocked = t->sigpending = t->sigsaved = 0;
  t->sigsaved_valid = t->sys_intr = 0;
  t->kfn = 0;
  t->karg = 0;
  t->name[0] = 0;
  t->next_in_proc = 0;
  // The first swtch() to the thread "returns" into thread_entry on a fresh stack.
  memset(&t->context, 0, sizeof(t->context));
  t->context.ra = (uint64)thread_entry;
  t->context.sp = (uint64)t->trapframe;
  release(&t->lock);
  return t;
}

void
thread_reap(struct thread *t)
{
  if (!holding(&t->lock))
    panic("thread_reap: thread lock not held");
  t->proc = 0;
  t->tid = 0;
  t->chan = 0;
  t->killed = 0;
  t->finishing = 0;
  t->hart = -1;
  t->state = TS_UNUSED;
}
