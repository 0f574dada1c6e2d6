// sched.c: harts, the run queue, the scheduler, sleep and wakeup.
//
// Reading order: the run queue (make_runnable, runq_pop), the per-hart
// scheduler loop and sched()/yield(), then the wait queues behind
// sleep()/wakeup().
//
// Run queue. Every RUNNABLE thread waits in one FIFO shared by all harts;
// a hart with nothing to run takes the head, a thread that yields or is
// woken goes to the tail, so picking is O(1) and no runnable thread waits
// behind more than the threads that were queued before it (round robin,
// no starvation). One shared queue rather than one per hart: with weft's
// 1-8 harts the single lock is not contended enough to matter, and it
// needs no balancing -- any idle hart takes any thread. An idle hart waits
// in wfi; make_runnable() sends it an IPI so it starts at once instead of
// at its next timer tick.
//
// Wait queues. sleep(chan, lk) puts the thread on the wait queue its
// channel hashes to; wakeup(chan) looks only at that queue, so its cost is
// the number of threads asleep on channels that share the bucket, not the
// size of the thread table.
//
// Locking, in the order they may be taken:
//   the caller's lk (sleep) -> wait-queue bucket lock -> t->lock -> runq.lock
// A thread is on the run queue exactly when its state is RUNNABLE (one
// exception: the hart that popped it holds it until it takes t->lock).
// A SLEEPING thread is on its channel's bucket (except in sleep_known, whose
// waker finds it without one); it takes itself off after it wakes, so a
// thread made RUNNABLE some other way (kill) may sit on a bucket for a
// moment -- wakeup() checks state and chan under t->lock.
// A hart's struct cpu is touched only by that hart, with interrupts off,
// except the counters, which others may read.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "tlb.h"
#include "sbi.h"
#include "printf.h"
#include "trap.h"
#include "fpu.h"
#include "signal.h"

struct cpu cpus[NCPU];

// In the kernel, tp points at this hart's struct cpu: set once per hart
// (cpu_attach, first thing in kmain/khartmain), reloaded from the
// trapframe on every trap from user space (uservec.S), never saved or
// restored with a thread's registers -- so it always names the hart the
// code runs on.
void
cpu_attach(int hartid)
{
  cpus[hartid].hartid = hartid;
  w_tp((uint64)&cpus[hartid]);
}

// This hart's id (mycpu() and mythread() are inline, in sched.h and thread.h).
int
cpuid(void)
{
  return mycpu()->hartid;
}

_Static_assert(__builtin_offsetof(struct cpu, thread) == 0,
               "mythread() (thread.h) loads cpu->thread at tp + 0");

// ---- the run queue -----------------------------------------------------------

static struct {
  struct spinlock lock;
  struct thread *head, *tail;   // linked through t->run_next
  uint64 idle;                  // bit h: hart h waits in wfi (atomic ops only)
} runq = { .lock = { 0, "runq", 0 } };

// Queue t to run. Caller holds t->lock and has just made t RUNNABLE.
static void
runq_push(struct thread *t)
{
  acquire(&runq.lock);
  t->run_next = 0;
  if (runq.tail)
    runq.tail->run_next = t;
  else
    runq.head = t;
  runq.tail = t;
  release(&runq.lock);
}

// The thread that has waited longest, or 0.
static struct thread *
runq_pop(void)
{
  acquire(&runq.lock);
  struct thread *t = runq.head;
  if (t) {
    runq.head = t->run_next;
    if (runq.head == 0)
      runq.tail = 0;
    t->run_next = 0;
  }
  release(&runq.lock);
  return t;
}

// If some hart is idle in wfi, send one of them an IPI so it picks the new
// thread up now. Its bit is cleared first so a burst of wakeups sends one.
static void
kick_idle_hart(void)
{
  uint64 idle = __atomic_load_n(&runq.idle, __ATOMIC_SEQ_CST);
  if (idle == 0)
    return;
  uint64 one = idle & -idle;     // the lowest idle hart
  if (__atomic_fetch_and(&runq.idle, ~one, __ATOMIC_SEQ_CST) & one)
    sbi_send_ipi(one, 0);
}

// t becomes RUNNABLE and joins the tail of the run queue. Caller holds
// t->lock. The one way a thread becomes runnable: clone, wakeup, kill,
// yield and kthread_create all come here.
void
make_runnable(struct thread *t)
{
  if (!holding(&t->lock))
    panic("make_runnable: thread lock not held");
  t->state = TS_RUNNABLE;
  runq_push(t);
  kick_idle_hart();
}

// Nothing to run: wait in wfi until an interrupt (an IPI from
// make_runnable, the timer, a device). Interrupts stay off across the
// check and the wfi -- wfi still wakes for a pending interrupt -- so an IPI
// that arrives between the two is not handled too early and lost; it is
// taken when intr_on() runs.
static void
idle_wait(struct cpu *c)
{
  uint64 me = 1UL << cpuid();
  intr_off();
  __atomic_fetch_or(&runq.idle, me, __ATOMIC_SEQ_CST);
  // Pairs with make_runnable: it queues, then reads idle; we set idle,
  // then read the queue. At least one of us sees the other.
  if (__atomic_load_n(&runq.head, __ATOMIC_SEQ_CST) == 0) {
    c->idle_waits++;
    asm volatile("wfi");
  }
  __atomic_fetch_and(&runq.idle, ~me, __ATOMIC_SEQ_CST);
  intr_on();
}

// ---- the scheduler -------------------------------------------------------------

// Run t on this hart until it gives the hart back. Caller holds t->lock.
static void
run_thread(struct cpu *c, struct thread *t)
{
  t->state = TS_RUNNING;
  t->hart = cpuid();
  // Kernel threads run on whatever is loaded, and so does a thread that is
  // finishing: it touches user memory only through copyout, and its proc
  // may be giving its mm up (or be gone and reused) meanwhile.
  if (!t->finishing && t->proc && t->proc->mm)
    mm_enter(t->proc->mm);
  c->thread = t;
  c->switches++;
  swtch(&c->context, &t->context);
  c->thread = 0;
  mm_leave();
  // A thread that exited switched away for the last time: its kernel
  // stack is no longer in use, so its TCB can be recycled now.
  if (t->state == TS_ZOMBIE) {
    thread_reap(t);
    mm_switch_if_dead();       // it may have been the last user of its mm
  }
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
    struct thread *t = runq_pop();
    if (t == 0) {
      mm_switch_if_dead();
      idle_wait(c);
      continue;
    }
    // The hart t last ran on may still be switching away from it, holding
    // t->lock until its swtch() is done: wait for that here.
    acquire(&t->lock);
    if (t->state != TS_RUNNABLE)
      panic("scheduler: a thread on the run queue is not RUNNABLE");
    run_thread(c, t);
    release(&t->lock);
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
  fpu_switch_out(t);
  swtch(&t->context, &c->context);
  mycpu()->intena = intena;
}

// Give up the hart to the next runnable thread; we go to the back of the queue.
void
yield(void)
{
  struct thread *t = mythread();
  acquire(&t->lock);
  make_runnable(t);
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

// ---- sleep and wakeup: hashed wait queues ---------------------------------------

#define NWAITQ 64          // buckets; a power of two

static struct waitq {
  struct spinlock lock;
  struct thread *head;     // linked through t->wait_next / t->wait_prev
} waitqs[NWAITQ] = { [0 ... NWAITQ - 1] = { .lock = { 0, "waitq", 0 } } };

// Channels are kernel addresses: drop the low bits every object shares,
// then mix so neighbouring objects land in different buckets.
static struct waitq *
waitq_of(void *chan)
{
  uint64 h = ((uint64)chan >> 3) * 0x9E3779B97F4A7C15UL;
  return &waitqs[h >> (64 - 6)];
}

static void
waitq_add(struct waitq *q, struct thread *t)
{
  t->wait_prev = 0;
  t->wait_next = q->head;
  if (q->head)
    q->head->wait_prev = t;
  q->head = t;
}

static void
waitq_remove(struct waitq *q, struct thread *t)
{
  if (t->wait_prev)
    t->wait_prev->wait_next = t->wait_next;
  else
    q->head = t->wait_next;
  if (t->wait_next)
    t->wait_next->wait_prev = t->wait_prev;
  t->wait_next = t->wait_prev = 0;
}

// Give up the hart as SLEEPING on chan, releasing lk -- unless killable and
// the thread has been told to die or has a signal to take or a stop to obey
// (sig_interrupts): then it does not go to sleep at all, and lk stays held.
// A kill or a signal is recorded under t->lock (or p->lock, read here under
// t->lock after it) and wakes only threads already SLEEPING, so a thread
// that checked interrupted() just before would otherwise sleep through it
// -- for ever, if nothing else wakes chan (a futex, a pipe). Called and
// returns with t->lock held; 1 if it slept.
static int
sleep_locked(struct thread *t, void *chan, struct spinlock *lk, int killable)
{
  if (killable && (t->killed || sig_interrupts(t)))
    return 0;
  release(lk);
  t->chan = chan;
  t->interruptible = killable;
  t->state = TS_SLEEPING;
  sched();
  t->chan = 0;
  t->interruptible = 0;
  return 1;
}

// Sleep on chan, giving up lk while asleep and taking it again before
// returning. No wakeup(chan) can be missed: we are on chan's queue before lk
// is released, and we hold t->lock from before lk is released until we are
// SLEEPING and off this hart (the scheduler releases it), while wakeup()
// needs t->lock to look at us.
static void
sleep_on(void *chan, struct spinlock *lk, int killable)
{
  struct thread *t = mythread();
  struct waitq *q = waitq_of(chan);

  acquire(&q->lock);
  waitq_add(q, t);
  release(&q->lock);

  acquire(&t->lock);
  int slept = sleep_locked(t, chan, lk, killable);
  release(&t->lock);

  acquire(&q->lock);
  waitq_remove(q, t);
  release(&q->lock);
  if (slept)
    acquire(lk);
}

void
sleep(void *chan, struct spinlock *lk)
{
  sleep_on(chan, lk, 0);
}

// For waits a kill or a signal must end (pipes, wait(), futexes, sleep, the
// console): returns at once when the thread has been told to die or has a
// signal to take (signal.c wakes such sleepers); the caller's loop then sees
// interrupted(). Not for waits that must finish whatever happens (the disk, the
// log): a dying thread spinning there with a spinlock held could stop the
// very thread it waits for.
void
sleep_killable(void *chan, struct spinlock *lk)
{
  sleep_on(chan, lk, 1);
}

// A sleep whose waker knows the sleeper and wakes it with wakeup_thread
// (futex.c keeps its own list of waiters): killable like sleep_killable,
// but on no wait queue -- nothing can find it through chan -- and lk is
// released and not taken back, also when the thread stays awake: the
// caller takes it again only if it needs it. No wakeup_thread is lost: the
// waker finds the sleeper under lk, which is held until the sleeper is
// SLEEPING under t->lock. Two lock round trips cheaper than sleep_killable.
void
sleep_known(void *chan, struct spinlock *lk)
{
  struct thread *t = mythread();
  acquire(&t->lock);
  if (!sleep_locked(t, chan, lk, 1))
    release(lk);
  release(&t->lock);
}

// Wake t if it sleeps on chan: for a waker that knows its sleeper (futex.c)
// and need not look through chan's bucket.
void
wakeup_thread(struct thread *t, void *chan)
{
  acquire(&t->lock);
  if (t->state == TS_SLEEPING && t->chan == chan)
    make_runnable(t);
  release(&t->lock);
}

// Wake every thread sleeping on chan.
void
wakeup(void *chan)
{
  struct waitq *q = waitq_of(chan);
  acquire(&q->lock);
  for (struct thread *t = q->head; t; t = t->wait_next) {
    acquire(&t->lock);
    if (t->state == TS_SLEEPING && t->chan == chan)
      make_runnable(t);
    release(&t->lock);
  }
  release(&q->lock);
}
