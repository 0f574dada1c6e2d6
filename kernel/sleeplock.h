// sleeplock.h: a lock held across disk I/O; waiters sleep instead of spinning.
#ifndef WEFT_SLEEPLOCK_H
#define WEFT_SLEEPLOCK_H

#include "spinlock.h"

struct sleeplock {
  uint locked;          // held?
  struct spinlock lk;   // protects this struct
  char *name;
  int owner;            // tid of the holder
};

void initsleeplock(struct sleeplock *lk, char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int  holdingsleep(struct sleeplock *lk);

#endif
