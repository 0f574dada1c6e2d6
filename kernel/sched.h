// sched.h: harts, the scheduler, and sleeping (sched.c).
#ifndef WEFT_SCHED_H
#define WEFT_SCHED_H

#include "thread.h"

// Per-hart state.
struct cpu {
  struct thread *thread;     // running on this hart, or 0 (first: mythread() reads tp + 0)
  int hartid;
  struct context context;    // swtch() here to enter scheduler()
  int noff;                  // push_off() depth
  int intena;                // were interrupts on before the first push_off?
  int started;               // reached scheduler()
  struct mm *active_mm;      // the address space in satp, held (tlb.c); 0: the kernel's
  struct mm *user_mm;        // active_mm while it runs one of its threads, else 0
  struct thread *fp_owner;   // whose FP state the f registers hold (fpu.c), or 0
  int fp_zero;               // the f registers and fcsr are all zero (fpu.c)
  // Counters, read by others without a lock (hartstat()):
  uint64 switches;           // threads switched to (sched.c)
  uint64 idle_waits;         // times it found nothing to run and waited in wfi
  uint64 mm_switches;        // satp writes: address-space switches (tlb.c)
  uint64 tlb_flushes;        // whole-TLB flushes (tlb.c)
  uint64 shootdowns_sent;    // remote flush requests it made (tlb.c)
  uint64 shootdowns_recv;    // remote flush requests aimed at it (tlb.c)
};

extern struct cpu cpus[NCPU];

void        cpu_attach(int hartid);  // point tp at this hart's struct cpu
// This hart's struct cpu: tp (sched.c, cpu_attach). Call with interrupts
// off: a thread could otherwise move to another hart right after the read.
static inline struct cpu *
mycpu(void)
{
  struct cpu *c;
  asm volatile("mv %0, tp" : "=r"(c));
  return c;
}

int         cpuid(void);       // this hart's id; call with interrupts off
void        scheduler(void) __attribute__((noreturn));
void        sched(void);       // give up the hart; caller holds only t->lock
void        yield(void);
void        make_runnable(struct thread *t);  // -> RUNNABLE, queued; caller holds t->lock
// Sleep on chan, releasing lk while asleep and holding it again on return.
void        sleep(void *chan, struct spinlock *lk);
// The same, but a thread told to die returns at once (see sched.c).
void        sleep_killable(void *chan, struct spinlock *lk);
// Killable, on no wait queue, lk not taken back: for wakeup_thread (sched.c).
void        sleep_known(void *chan, struct spinlock *lk);
void        wakeup(void *chan);
void        wakeup_thread(struct thread *t, void *chan);  // just t, if it sleeps on chan
void        swtch(struct context *old, struct context *new);

#endif
