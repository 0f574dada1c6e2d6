// sched.c: harts, the scheduler, sleep and wakeup.
//
// Each hart runs scheduler() on its boot stack and switches to one RUNNABLE
// thread at a time, round robin over the thread table. A thread gives the
// hart back through sched(), always holding its own t->lock, which the
// scheduler then releases (and the other way round): that hand-over is what
// makes "mark myself SLEEPING, then switch away" atomic against wakeup().
// Locking: t->lock for state and chan; a hart's struct cpu is touched only
// by that hart, with interrupts off.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "printf.h"
#include "trap.h"

struct cpu cpus[NCPU];

// The kernel keeps the hart id in tp (entry.S, trampoline.S).
int
cpuid(void)
{
  return (int)r_tp();
}

struct cpu *
mycpu(void)
{
  return &cpus[cpuid()];
}

struct thread *
mythread(void)
{
  push_off();
  struct thread *t = mycpu()->thread;
  pop_off();
  return t;
}

// Run t on this hart until it gives the hart back. Caller holds t->lock.
static void
run_thread(struct cpu *c, struct thread *t)
{
  t->state = TS_RUNNING;
  t->hart = cpuid();
  if (t->proc && t->proc->mm)
    mm_activate(t->proc->mm);
  c->thread = t;
  swtch(&c->context, &t->context);
  c->thread = 0;
  // A thread that exited switched away for the last time: its kernel
  // stack is no longer in use, so its TCB can be recycled now.
  if (t->state == TS_ZOMBIE)
    thread_reap(t);
}

void
scheduler(void)
{
  struct cpu *c = mycpu();
  c->thread = 0;
  c->started = 1;
  for (;;) {
    // Let devices interrupt: the threads we wait for may need them.
    intr_on();
    int ran = 0;
    for (struct thread *t = threads; t < &threads[NTHREAD]; t++) {
      acquire(&t->lock);
      if (t->state == TS_RUNNABLE) {
        run_thread(c, t);
        ran = 1;
      }
      release(&t->lock);
    }
    if (!ran)
      asm volatile("wfi");   // nothing to do until an interrupt
  }
}

// Switch to the scheduler. The caller holds only its own t->lock and has
// already changed its state away from RUNNING.
void
sched(void)
{
  struct thread *t = mythread();
  struct cpu *c = mycpu();
  if (!holding(&t->lock))
    panic("sched: thread lock not held");
  if (c->noff != 1)
    panic("sched: other locks held");
  if (t->state == TS_RUNNING)
    panic("sched: thread still RUNNING");
  if (intr_get())
    panic("sched: interrupts on");
  // intena belongs to this thread's kernel code path, not to the hart.
  int intena = c->intena;
  swtch(&t->context, &c->context);
  mycpu()->intena = intena;
}

void
yield(void)
{
  struct thread *t = mythread();
  acquire(&t->lock);
  t->state = TS_RUNNABLE;
  sched();
  release(&t->lock);
}

// Where a new thread starts, on its own kernel stack, the first time the
// scheduler picks it. It still holds t->lock from the scheduler.
void
thread_entry(void)
{
  struct thread *t = mythread();
  release(&t->lock);
  if (t->kfn)
    t->kfn(t->karg);       // kernel work (first process setup, kthreads)
  if (t->proc->kernel)
    kthread_exit();        // a kthread body returned: it is done
  usertrapret();
}

void
sleep(void *chan, struct spinlock *lk)
{
  struct thread *t = mythread();
  // Take t->lock before dropping lk: a wakeup() for chan must take t->lock
  // too, so it cannot slip in between and be missed.
  acquire(&t->lock);
  release(lk);
  t->chan = chan;
  t->state = TS_SLEEPING;
  sched();
  t->chan = 0;
  release(&t->lock);
  acquire(lk);
}

void
wakeup(void *chan)
{
  struct thread *me = mythread();
  for (struct thread *t = threads; t < &threads[NTHREAD]; t++) {
    if (t == me)
      continue;
    acquire(&t->lock);
    if (t->state == TS_SLEEPING && t->chan == chan)
      t->state = TS_RUNNABLE;
    release(&t->lock);
  }
}
