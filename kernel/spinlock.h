// spinlock.h: mutual exclusion between harts. Holding a spinlock keeps
// interrupts off on this hart, so an interrupt handler can never spin on a
// lock its own hart already holds.
#ifndef WEFT_SPINLOCK_H
#define WEFT_SPINLOCK_H

struct cpu;

struct spinlock {
  uint locked;       // 0 free, 1 held
  char *name;        // for panics
  struct cpu *cpu;   // holder, for holding() and panics
};

void initlock(struct spinlock *lk, char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int  holding(struct spinlock *lk);

// Nestable interrupt disable: push_off/pop_off pairs, the outermost pop_off
// restores the interrupt state the first push_off found.
void push_off(void);
void pop_off(void);

#endif
