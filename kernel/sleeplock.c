// sleeplock.c: locks that may be held for a long time (across disk I/O).
//
// A waiter sleeps on the lock's address instead of spinning, so a hart is
// never wasted waiting for a disk. Locking: the inner spinlock lk guards
// locked and owner; it is held only for the few instructions that test or
// change them. Invariant: owner is the tid of the holder whenever locked is
// set, and only that thread may release the lock.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "thread.h"
#include "sched.h"
#include "printf.h"

// tid of the calling thread; -1 if called before any thread exists.
static int
current_tid(void)
{
  struct thread *t = mythread();
  return t ? t->tid : -1;
}

void
initsleeplock(struct sleeplock *lk, char *name)
{
  initlock(&lk->lk, "sleeplock guard");
  lk->name = name;
  lk->owner = 0;
  lk->locked = 0;
}

void
acquiresleep(struct sleeplock *lk)
{
  acquire(&lk->lk);
  // sleep() drops lk->lk while we wait and retakes it before returning, so
  // the test of locked is always made under the guard.
  while (lk->locked != 0)
    sleep(lk, &lk->lk);
  lk->owner = current_tid();
  lk->locked = 1;
  release(&lk->lk);
}

void
releasesleep(struct sleeplock *lk)
{
  acquire(&lk->lk);
  if (!lk->locked || lk->owner != current_tid())
    panic("releasesleep: caller does not hold the lock");
  lk->owner = 0;
  lk->locked = 0;
  wakeup(lk);
  release(&lk->lk);
}

// Does the calling thread hold lk?
int
holdingsleep(struct sleeplock *lk)
{
  int mine;

  acquire(&lk->lk);
  mine = lk->locked && lk->owner == current_tid();
  release(&lk->lk);
  return mine;
}
