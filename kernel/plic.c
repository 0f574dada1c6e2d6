// plic.c: the platform-level interrupt controller (QEMU virt's PLIC).
//
// The PLIC routes device interrupts (UART0_IRQ, VIRTIO0_IRQ) to harts. weft
// takes them only in S-mode, so each hart enables its S-mode context. No
// lock: plicinit runs once on the boot hart before others start, and every
// other register touched here belongs to the calling hart's own context.
// Invariant: every irq returned by plic_claim() must be handed back with
// plic_complete(), or the PLIC never delivers that source again.

#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "spinlock.h"
#include "sched.h"
#include "dev.h"

static inline volatile uint32 *
plic_reg(uint64 addr)
{
  return (volatile uint32 *)addr;
}

// Each source has a 32-bit priority word; 0 means "never interrupt".
static void
set_priority(int irq, uint32 prio)
{
  *plic_reg(PLIC_PRIORITY + 4 * irq) = prio;
}

void
plicinit(void)
{
  set_priority(UART0_IRQ, 1);
  set_priority(VIRTIO0_IRQ, 1);
}

void
plicinithart(void)
{
  int hart = cpuid();

  *plic_reg(PLIC_SENABLE(hart)) = (1U << UART0_IRQ) | (1U << VIRTIO0_IRQ);
  // Threshold 0: any source with priority above 0 gets through.
  *plic_reg(PLIC_SPRIORITY(hart)) = 0;
}

// Which device interrupted? 0 when none (another hart claimed it first).
int
plic_claim(void)
{
  return *plic_reg(PLIC_SCLAIM(cpuid()));
}

void
plic_complete(int irq)
{
  *plic_reg(PLIC_SCLAIM(cpuid())) = irq;
}
