// futex.c: fast user-space mutex support -- sleep until a word changes.
//
// A waiter is keyed by (address space, user address): threads of one mm
// using the same address meet; the same address in another mm is another
// futex. Waiters hang on the bucket their key hashes to, so a wake looks
// only at the threads waiting on addresses that share its bucket, not at
// the whole thread table. futex_wait checks the word and goes to sleep
// holding its bucket's lock, and futex_wake takes the same lock, so a wake
// between "value checked" and "asleep" cannot be lost. The waker finds its
// waiter in the bucket, so the waiter sleeps on no wait queue (sleep_known,
// sched.c), and unlinks it itself, so the waiter need not take the bucket
// lock again when it wakes (futex_wait).
// Timed waits: the "futexd" kernel thread wakes once a tick while any timed
// waiter exists, and lets each one whose deadline has passed give up.
// Locking: a bucket's lock protects its list and the futex_* fields of the
// threads on it; it is taken before the wait-queue and thread locks
// (sleep/wakeup), never after. timed_lock protects ntimed.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "trap.h"
#include "exec.h"
#include "signal.h"

#define NFUTEXQ 64         // buckets; a power of two

static struct futexq {
  struct spinlock lock;
  struct thread *head;     // waiters, linked through t->futex_next
} futexqs[NFUTEXQ] = { [0 ... NFUTEXQ - 1] = { .lock = { 0, "futex", 0 } } };

static struct spinlock timed_lock = { 0, "futextimed", 0 };
static int ntimed;         // waiters with a deadline; futexd sleeps while 0

static struct futexq *
futexq_of(struct mm *mm, uint64 uaddr)
{
  uint64 h = ((uint64)mm ^ (uaddr >> 2)) * 0x9E3779B97F4A7C15UL;
  return &futexqs[h >> (64 - 6)];
}

static void
futexq_unlink(struct futexq *q, struct thread *t)
{
  struct thread **pp = &q->head;
  while (*pp != t)
    pp = &(*pp)->futex_next;
  *pp = t->futex_next;
  t->futex_next = 0;
}

static void
count_timed(int delta)
{
  acquire(&timed_lock);
  ntimed += delta;
  if (ntimed > 0)
    wakeup(&ntimed);
  release(&timed_lock);
}

// Sleep while *uaddr == val, until woken, timed out (timeout_ticks > 0) or
// killed or interrupted by a signal. 0 when woken, -1 otherwise (value
// differed, bad address, timeout, signal).
// A waker unlinks the waiter it wakes and then sets its futex_woken (under
// the bucket lock), so a waiter that wakes to find futex_woken set is off
// the list already and returns without taking the lock again; one woken
// some other way (a signal, a kill, futexd) takes the lock, and there
// futex_woken is final.
int
futex_wait(uint64 uaddr, int val, int timeout_ticks)
{
  struct thread *t = mythread();
  struct mm *mm = t->proc->mm;
  struct futexq *q = futexq_of(mm, uaddr);
  int cur;
  if (uaddr % sizeof(int) != 0 || timeout_ticks < 0)
    return -1;
  if (timeout_ticks)
    count_timed(1);
  acquire(&q->lock);
  if (copyin(mm, &cur, uaddr, sizeof(cur)) < 0 || cur != val) {
    release(&q->lock);
    if (timeout_ticks)
      count_timed(-1);
    return -1;
  }
  t->futex_mm = mm;
  t->futex_addr = uaddr;
  t->futex_woken = 0;
  t->futex_deadline = timeout_ticks ? ticks + timeout_ticks : 0;
  if (t->futex_deadline == 0 && timeout_ticks)
    t->futex_deadline = 1;
  t->futex_next = q->head;
  q->head = t;
  // A kill or a signal already pending keeps sleep_known from sleeping;
  // interrupted() below then says so (and marks the call for a restart).
  int woken;
  for (;;) {
    sleep_known(&t->futex_addr, &q->lock);
    if ((woken = __atomic_load_n(&t->futex_woken, __ATOMIC_ACQUIRE)))
      break;                       // unlinked by the waker
    acquire(&q->lock);
    woken = t->futex_woken;
    int give_up = !woken && (interrupted() ||
                             (t->futex_deadline && (int)(ticks - t->futex_deadline) >= 0));
    if (give_up)
      futexq_unlink(q, t);
    if (woken || give_up) {
      release(&q->lock);
      break;
    }
  }
  t->futex_mm = 0;
  t->futex_addr = 0;
  t->futex_deadline = 0;
  if (timeout_ticks)
    count_timed(-1);
  return woken ? 0 : -1;
}

// Wake up to n threads waiting on (mm, uaddr); returns how many. Each is
// unlinked before its futex_woken is set (see futex_wait).
int
futex_wake_addr(struct mm *mm, uint64 uaddr, int n)
{
  struct futexq *q = futexq_of(mm, uaddr);
  int woken = 0;
  acquire(&q->lock);
  struct thread **pp = &q->head;
  while (*pp && woken < n) {
    struct thread *t = *pp;
    if (t->futex_mm != mm || t->futex_addr != uaddr) {
      pp = &t->futex_next;
      continue;
    }
    *pp = t->futex_next;
    t->futex_next = 0;
    __atomic_store_n(&t->futex_woken, 1, __ATOMIC_RELEASE);
    woken++;
    wakeup_thread(t, &t->futex_addr);
  }
  release(&q->lock);
  return woken;
}

// The "futexd" kernel thread: while timed waiters exist, once a tick wake
// those whose deadline has come so they can give up. Kept out of the timer
// interrupt, which should stay short.
void
futex_timeouts(void *unused)
{
  for (;;) {
    acquire(&timed_lock);
    while (ntimed == 0)
      sleep(&ntimed, &timed_lock);
    release(&timed_lock);
    acquire(&tickslock);
    sleep(&ticks, &tickslock);
    release(&tickslock);
    for (struct futexq *q = futexqs; q < &futexqs[NFUTEXQ]; q++) {
      acquire(&q->lock);
      for (struct thread *t = q->head; t; t = t->futex_next)
        if (t->futex_deadline && (int)(ticks - t->futex_deadline) >= 0)
          wakeup_thread(t, &t->futex_addr);
      release(&q->lock);
    }
  }
}
