// thread.h: the TCB. A thread is what the scheduler runs: registers, a kernel
// stack, a trapframe, a TLS pointer. Everything else belongs to its proc.
#ifndef WEFT_THREAD_H
#define WEFT_THREAD_H

#include "spinlock.h"
#include "pidns.h"
#include "sigabi.h"

// Callee-saved registers swtch() saves and restores (swtch.S uses the offsets).
struct context {
  uint64 s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  uint64 ra;   // where swtch() returns to
  uint64 sp;
};

// User registers saved by uservec on a trap from user space, in
// register-number order x1..x31, then what uservec needs to enter the
// kernel. uservec.S depends on these offsets: change both or neither.
// Each thread's trapframe is the top of its own kernel stack.
struct trapframe {
  /*   0 */ uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
  /*  72 */ uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  /* 136 */ uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  /* 216 */ uint64 t3, t4, t5, t6;
  /* 248 */ uint64 epc;            // user pc
  /* 256 */ uint64 kernel_sp;      // kernel stack pointer: right below this trapframe
  /* 264 */ uint64 kernel_tp;      // tp for the kernel: this hart's struct cpu
};
// The kernel stack starts right below the trapframe, and the RISC-V calling
// convention wants sp 16-byte aligned (a backtrace stops at a frame that
// is not). 34 registers of 8 bytes keep it so; a field added makes 35.
_Static_assert(sizeof(struct trapframe) % 16 == 0,
               "struct trapframe must keep the kernel stack 16-byte aligned");

// A thread's floating-point registers while they are not in a hart (fpu.c,
// fpuregs.S depends on the layout: f0..f31, then fcsr).
struct fpstate {
  uint64 f[32];
  uint64 fcsr;
};

enum thread_state { TS_UNUSED, TS_EMBRYO, TS_RUNNABLE, TS_RUNNING, TS_SLEEPING, TS_ZOMBIE };

struct proc;

struct thread {
  struct spinlock lock;

  // t->lock must be held to read or write these:
  enum thread_state state;
  void *chan;                 // sleeping on chan, when SLEEPING
  int killed;                 // die at the next return to user space
  int finishing;              // in thread_finish: UNUSED in a moment
  int tid;
  int hart;                   // hart running it or that last did; -1 never ran
  int interruptible;          // asleep in sleep_killable: a signal wakes it
  sigset_t sigblocked;        // signals it does not take (written only by itself)
  sigset_t sigpending;        // thread-directed signals waiting for it

  // Protected by the run-queue lock (sched.c): the next RUNNABLE thread.
  struct thread *run_next;
  // Protected by its wait-queue bucket's lock (sched.c): the bucket's list.
  struct thread *wait_next, *wait_prev;

  // Set when the thread is created, then read-only until it is freed:
  struct proc *proc;          // owning process
  int index;                  // slot in the thread table (fixes the kstack)
  struct pidnums nstid;       // its tid in each PID namespace of its proc (pidns.h)
  uint64 kstack;              // bottom of its kernel stack (guard page below)

  // Protected by proc->lock:
  struct thread *next_in_proc;  // the proc's list of threads

  // Protected by the lock of the futex bucket it waits on (futex.c):
  struct thread *futex_next;    // the bucket's list of waiters
  struct mm *futex_mm;          // waiting in futex_wait on (futex_mm, futex_addr)
  uint64 futex_addr;
  uint futex_deadline;          // tick to give up at, 0 = never
  int futex_woken;              // set by futex_wake, after unlinking it (then read lock-free)

  // Private to the thread itself (no lock needed):
  struct trapframe *trapframe;  // at the top of its kernel stack
  struct context context;       // swtch() here to run the thread
  uint64 clear_child_tid;       // CLONE_CHILD_CLEARTID address, 0 if none
  // Signals (signal.c):
  sigset_t sigsaved;            // sigsuspend: the mask to restore after the handler
  int sigsaved_valid;
  int sys_intr;                 // this system call gave up a wait for a signal
  uint64 sys_a0;                // a0 as this system call began (to restart it)
  int sigfault;                 // signal a fault raised and no handler has taken yet
  uint64 sigfault_addr;         // ... and where that fault was (stval)
  void (*kfn)(void *);          // kernel code to run first: kthread body, first process setup
  void *karg;
  char name[16];                // kthreads only; user threads go by their proc's name

  // Floating point (fpu.c), private to the thread like its trapframe:
  struct fpstate fp;            // f0-f31, fcsr; current unless fp_status is Dirty
  uint64 fp_status;             // sstatus.FS its user code left: Initial, Clean or Dirty
  int fp_hart;                  // hart whose registers last held fp, -1 none
};

extern struct thread threads[NTHREAD];

void   threadinit(void);
int    id_alloc(void);                        // next pid/tid (one number space)
// An EMBRYO thread of p, or 0 if the thread table is full. The scheduler
// ignores it until the caller makes it RUNNABLE. May yield (see thread.c).
struct thread *thread_alloc(struct proc *p, int tid);
void   thread_reap(struct thread *t);         // -> UNUSED; caller holds t->lock

// The running thread: one load of the first field of this hart's struct cpu
// (sched.h), which tp points at in the kernel. One instruction cannot be
// split by an interrupt, so this is right even with interrupts on: wherever
// the thread runs, it finds itself. Inline: the kernel asks dozens of times
// per system call, and a call would cost seven instructions for this one.
static inline struct thread *
mythread(void)
{
  struct thread *t;
  asm volatile("ld %0, 0(tp)" : "=r"(t));
  return t;
}

// kthread.c: threads that run only kernel code, owned by the "kernel" process.
void   kthreadinit(void);
struct thread *kthread_create(void (*fn)(void *), void *arg, char *name);
void   kthread_exit(void) __attribute__((noreturn));

#endif
