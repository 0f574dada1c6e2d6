// trap.c: what happens when the hart leaves its path -- system calls,
// faults and interrupts, from user space (usertrap) and from the kernel
// itself (kerneltrap), and the way back to user space (usertrapret).
//
// Owns the tick counter. Locking: tickslock protects ticks. The invariant:
// while a thread runs in user mode, stvec points at uservec (uservec.S)
// and sscratch at that thread's trapframe, and satp holds its mm's page
// table (the scheduler loads it, sched.c); in the kernel, stvec points at
// kernelvec. No trap changes satp: the kernel is mapped in every page table.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "trap.h"
#include "dev.h"
#include "buf.h"
#include "sbi.h"
#include "exec.h"
#include "signal.h"
#include "printf.h"
#include "fpu.h"

uint ticks;
struct spinlock tickslock;
int boot_hartid;              // main.c: the hart that counts ticks

// Timer interrupts every TICK_CYCLES of the time CSR (QEMU virt: 10 MHz),
// i.e. 100 per second.
#define TICK_CYCLES 100000

void uservec(void);
void userret(struct trapframe *tf) __attribute__((noreturn));
void kernelvec(void);
void syscall(void);

enum { INTR_NONE, INTR_DEVICE, INTR_TIMER, INTR_SOFT };

void
trapinit(void)
{
  initlock(&tickslock, "ticks");
}

static void
timer_arm(void)
{
  sbi_set_timer(r_time() + TICK_CYCLES);
}

void
trapinithart(void)
{
  csr_write(stvec, (uint64)kernelvec);
  csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
  csr_write(scounteren, 1 << 1);   // TM: user code may read the time CSR (rdtime)
  timer_arm();
}

static void
clock_tick(void)
{
  if (cpuid() == boot_hartid) {
    acquire(&tickslock);
    ticks++;
    wakeup(&ticks);
    uint now = ticks;
    release(&tickslock);
    alarm_tick(now);
  }
  timer_arm();
}

// Which interrupt scause names, handled here; INTR_NONE if it is an exception.
static int
devintr(uint64 scause)
{
  if (!(scause & SCAUSE_INTR))
    return INTR_NONE;
  switch (scause & ~SCAUSE_INTR) {
  case IRQ_S_EXT: {
    int irq = plic_claim();
    if (irq == UART0_IRQ)
      uartintr();
    else if (irq == VIRTIO0_IRQ)
      virtio_disk_intr();
    else if (irq)
      printf("devintr: unexpected irq %d\n", irq);
    if (irq)
      plic_complete(irq);
    return INTR_DEVICE;
  }
  case IRQ_S_TIMER:
    clock_tick();
    return INTR_TIMER;
  case IRQ_S_SOFT:
    csr_clear(sip, SIE_SSIE);   // an IPI: its only job was to wake us
    return INTR_SOFT;
  }
  return INTR_NONE;
}

static const char *
cause_name(uint64 scause)
{
  switch (scause) {
  case EXC_INST_MISALIGNED: return "misaligned instruction";
  case EXC_INST_ACCESS: return "instruction access fault";
  case EXC_ILLEGAL_INST: return "illegal instruction";
  case EXC_BREAKPOINT: return "breakpoint";
  case EXC_LOAD_ACCESS: return "load access fault";
  case EXC_STORE_ACCESS: return "store access fault";
  case EXC_INST_PAGE_FAULT: return "instruction page fault";
  case EXC_LOAD_PAGE_FAULT: return "load page fault";
  case EXC_STORE_PAGE_FAULT: return "store page fault";
  default: return "exception";
  }
}

// The signal a fault raises.
static int
fault_signal(uint64 scause)
{
  switch (scause) {
  case EXC_ILLEGAL_INST: return SIGILL;
  case EXC_INST_MISALIGNED: case EXC_LOAD_ACCESS: case EXC_STORE_ACCESS: return SIGBUS;
  default: return SIGSEGV;
  }
}

// A user program did something it may not. A handler for the signal it
// raises runs if there is one (sig_fault); otherwise one line, then the
// process dies with status -1 at the end of usertrap().
static void
user_fault(uint64 scause)
{
  struct thread *t = mythread();
  if (sig_fault(fault_signal(scause), csr_read(stval)))
    return;
  printf("pid %d tid %d (%s): killed: %s scause %p sepc %p stval %p\n",
         t->proc->pid, t->tid, t->proc->name, cause_name(scause),
         (void *)scause, (void *)csr_read(sepc), (void *)csr_read(stval));
  setkilled();
}

// A user page fault -- load, store or instruction fetch -- goes to the one
// resolver in mm.c; what it cannot fix kills the process.
static void
page_fault(struct thread *t, uint64 scause)
{
  uint64 va = csr_read(stval);
  int access = scause == EXC_STORE_PAGE_FAULT ? ACCESS_WRITE :
               scause == EXC_INST_PAGE_FAULT ? ACCESS_EXEC : ACCESS_READ;
  int r = mm_fault(t->proc->mm, va, access);
  if (r == FAULT_OOM) {
    printf("pid %d tid %d (%s): killed: out of memory for a page "
           "sepc %p stval %p\n", t->proc->pid, t->tid, t->proc->name,
           (void *)csr_read(sepc), (void *)va);
    setkilled();
  } else if (r != FAULT_OK) {
    user_fault(scause);
  }
}

// Every trap from user space lands here (via uservec).
void
usertrap(void)
{
  if (csr_read(sstatus) & SSTATUS_SPP)
    panic("usertrap: trap did not come from user mode");
  csr_write(stvec, (uint64)kernelvec);   // traps from now on are the kernel's

  struct thread *t = mythread();
  fpu_user_enter(t);
  t->trapframe->epc = csr_read(sepc);
  uint64 scause = csr_read(scause);
  int intr = INTR_NONE;

  if (scause == EXC_ECALL_U) {
    if (killed())
      die();
    t->trapframe->epc += 4;    // return past the ecall
    intr_on();                 // system calls may take long: allow interrupts
    syscall();
  } else if (scause == EXC_LOAD_PAGE_FAULT || scause == EXC_STORE_PAGE_FAULT ||
             scause == EXC_INST_PAGE_FAULT) {
    page_fault(t, scause);
  } else if ((intr = devintr(scause)) == INTR_NONE) {
    user_fault(scause);
  }

  // A kill or a fault's setkilled() is acted on in usertrapret (sig_deliver).
  if (intr == INTR_TIMER)
    yield();
  usertrapret();
}

// Return to user space through uservec.S's userret, on the page table the
// hart already has: the scheduler (or exec) loaded this thread's mm. Every
// way back to user mode -- after a trap, or a new thread's first -- comes
// here, so this is where signals act (signal.c): die, stop, or enter a
// handler instead of the interrupted code.
void
usertrapret(void)
{
  sig_deliver();

  struct thread *t = mythread();
  struct trapframe *tf = t->trapframe;

  // From here until sret a trap would go to uservec with kernel state: none.
  intr_off();
  uint64 fs = fpu_user_return(t);
  csr_write(stvec, (uint64)uservec);

  tf->kernel_sp = (uint64)tf;      // the kernel stack grows down from the trapframe
  tf->kernel_tp = r_tp();

  // sret to user mode (SPP = 0) with interrupts on (SPIE = 1), and the FP
  // unit in the state fpu.c chose.
  uint64 st = csr_read(sstatus);
  st &= ~(SSTATUS_SPP | SSTATUS_FS);
  st |= SSTATUS_SPIE | fs;
  csr_write(sstatus, st);
  csr_write(sepc, tf->epc);
  userret(tf);
}

// Traps taken while the kernel runs (kernelvec): interrupts, or a kernel bug.
void
kerneltrap(void)
{
  uint64 sepc = csr_read(sepc);
  uint64 sstatus = csr_read(sstatus);
  uint64 scause = csr_read(scause);

  if (!(sstatus & SSTATUS_SPP))
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");

  int intr = devintr(scause);
  if (intr == INTR_NONE) {
    uint64 stval = csr_read(stval);
    printf("kerneltrap: %s scause %p sepc %p stval %p\n", cause_name(scause),
           (void *)scause, (void *)sepc, (void *)stval);
    // Count pages down from the top of the kernel window: each thread slot
    // is one unmapped guard page followed (downwards) by KSTACK_PAGES stack
    // pages, so a fault on a page whose index is a multiple of the stride
    // is a guard hit.
    uint64 k = (KWIN_HI - 1 - stval) / PGSIZE;
    if (stval < KWIN_HI && k <= (uint64)NTHREAD * (KSTACK_PAGES + 1) &&
        k % (KSTACK_PAGES + 1) == 0)
      panic("kernel stack overflow (hit the guard page below a thread's kernel stack)");
    panic("kerneltrap: unexpected trap in the kernel");
  }

  struct thread *t = mythread();
  if (intr == INTR_TIMER && t && t->state == TS_RUNNING)
    yield();

  // yield() may have run other code that took traps: restore ours.
  csr_write(sepc, sepc);
  csr_write(sstatus, sstatus);
}
