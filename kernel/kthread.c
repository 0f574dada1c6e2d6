// kthread.c: kernel threads -- threads that only ever run kernel code.
//
// They belong to one process of their own, "kernel", which has no address
// space, no files and no parent, cannot be killed and never exits; ^P and
// ps show its threads by their own names. A kthread starts in fn(arg) on its
// own kernel stack (thread_entry), and ends when fn returns or calls
// kthread_exit(); the scheduler then recycles its TCB like any other.
// Locking: as proc.c -- the kernel proc's lock guards its thread list.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "klib.h"
#include "printf.h"

static struct proc *kproc;

void
kthreadinit(void)
{
  kproc = proc_alloc();
  if (kproc == 0)
    panic("kthreadinit: no proc");
  safestrcpy(kproc->name, "kernel", sizeof(kproc->name));
  kproc->kernel = 1;
  kproc->state = PS_ALIVE;
}

// Start fn(arg) in a new kernel thread. Returns it, or 0 if no TCB is free.
struct thread *
kthread_create(void (*fn)(void *), void *arg, char *name)
{
  struct thread *t = thread_alloc(kproc, id_alloc());
  if (t == 0)
    return 0;
  safestrcpy(t->name, name, sizeof(t->name));
  t->kfn = fn;
  t->karg = arg;
  if (proc_add_thread(kproc, t) < 0)
    panic("kthread_create: kernel process is exiting");
  acquire(&t->lock);
  make_runnable(t);
  release(&t->lock);
  return t;
}

void
kthread_exit(void)
{
  struct thread *t = mythread();
  acquire(&kproc->lock);
  proc_remove_thread(kproc, t);
  release(&kproc->lock);
  acquire(&t->lock);
  t->state = TS_ZOMBIE;    // the scheduler frees the TCB once we are off its stack
  sched();
  panic("kthread_exit: zombie ran again");
}
