// trap.h: traps, interrupts, system call entry and the tick counter (trap.c).
#ifndef WEFT_TRAP_H
#define WEFT_TRAP_H

#include "spinlock.h"

extern uint ticks;                 // timer ticks since boot
extern struct spinlock tickslock;  // protects ticks; sleep() channel is &ticks

void trapinit(void);
void trapinithart(void);
void usertrapret(void) __attribute__((noreturn));

#endif
