// spinlock.c: spin locks and the interrupt-disable stack.
//
// A hart holding a spinlock runs with interrupts off (push_off), otherwise a
// device or timer interrupt could try to take the same lock on the same hart
// and spin forever. The invariant: mycpu()->noff counts the push_off()s not
// yet undone, and interrupts are off whenever it is non-zero.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sched.h"
#include "printf.h"

void
initlock(struct spinlock *lk, char *name)
{
  *lk = (struct spinlock){ .locked = 0, .name = name, .cpu = 0 };
}

// Report a misuse of lk and stop: a lock bug is a broken kernel invariant.
static void
lock_misuse(struct spinlock *lk, const char *what)
{
  printf("spinlock \"%s\": ", lk->name);
  panic(what);
}

void
acquire(struct spinlock *lk)
{
  push_off();   // before the test: an interrupt here must not take lk
  if (holding(lk))
    lock_misuse(lk, "acquire: this hart already holds the lock");
  // amoswap.w.aq: atomically set locked = 1 and look at the old value.
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    ;
  // Loads and stores of the critical section stay after this point.
  __sync_synchronize();
  lk->cpu = mycpu();
}

void
release(struct spinlock *lk)
{
  if (!holding(lk))
    lock_misuse(lk, "release: lock not held by this hart");
  lk->cpu = 0;
  // Everything written inside is visible before the lock looks free.
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  pop_off();
}

// Does this hart hold lk? Call with interrupts off.
int
holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

void
push_off(void)
{
  int was_on = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on;
  c->noff++;
}

void
pop_off(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts are on inside a critical section");
  if (c->noff < 1)
    panic("pop_off: no matching push_off");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
