// futex.c: fast user-space mutex support -- sleep until a word changes.
//
// A waiter is keyed by (address space, user address): threads of one mm
// using the same address meet; the same address in another mm is another
// futex. futex_wait checks the word and goes to sleep under futex_lock, and
// futex_wake takes futex_lock too, so a wake between "value checked" and
// "asleep" cannot be lost.
// Locking: futex_lock protects every thread's futex_* fields; it is taken
// before a thread's lock (sleep), never after.

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

static struct spinlock futex_lock = { 0, "futex", 0 };

// Sleep while *uaddr == val, until woken, timed out (timeout_ticks > 0) or
// killed. 0 when woken, -1 otherwise (value differed, bad address, timeout).
int
futex_wait(uint64 uaddr, int val, int timeout_ticks)
{
  struct thread *t = mythread();
  struct mm *mm = t->proc->mm;
  int cur;
  if (uaddr % sizeof(int) != 0 || timeout_ticks < 0)
    return -1;
  acquire(&futex_lock);
  if (copyin(mm, &cur, uaddr, sizeof(cur)) < 0 || cur != val) {
    release(&futex_lock);
    return -1;
  }
  t->futex_mm = mm;
  t->futex_addr = uaddr;
  t->futex_woken = 0;
  t->futex_deadline = timeout_ticks ? ticks + timeout_ticks : 0;
  if (t->futex_deadline == 0 && timeout_ticks)
    t->futex_deadline = 1;
  while (!t->futex_woken && !killed()) {
    if (t->futex_deadline && (int)(ticks - t->futex_deadline) >= 0)
      break;
    sleep(&t->futex_addr, &futex_lock);
  }
  int woken = t->futex_woken;
  t->futex_mm = 0;
  t->futex_addr = 0;
  t->futex_deadline = 0;
  release(&futex_lock);
  return woken ? 0 : -1;
}

// Wake up to n threads waiting on (mm, uaddr); returns how many.
int
futex_wake_addr(struct mm *mm, uint64 uaddr, int n)
{
  int woken = 0;
  acquire(&futex_lock);
  for (struct thread *t = threads; t < &threads[NTHREAD] && woken < n; t++) {
    if (t->futex_mm == mm && t->futex_addr == uaddr && !t->futex_woken) {
      t->futex_woken = 1;
      woken++;
      wakeup(&t->futex_addr);
    }
  }
  release(&futex_lock);
  return woken;
}

// The "futexd" kernel thread: once a tick, wake timed waiters whose
// deadline has come so they can give up. Kept out of the timer interrupt,
// which should stay short.
void
futex_timeouts(void *unused)
{
  for (;;) {
    acquire(&tickslock);
    sleep(&ticks, &tickslock);
    release(&tickslock);
    acquire(&futex_lock);
    for (struct thread *t = threads; t < &threads[NTHREAD]; t++)
      if (t->futex_mm && t->futex_deadline && (int)(ticks - t->futex_deadline) >= 0)
        wakeup(&t->futex_addr);
    release(&futex_lock);
  }
}
