// memlayout.h: where things are, physically (QEMU virt) and virtually.
//
// Physical:  0x0c000000 PLIC | 0x10000000 UART | 0x10001000 virtio-mmio disk
//            0x80000000 OpenSBI (M-mode, not ours) | 0x80200000 kernel ... PHYSTOP
// Kernel virtual: RAM and devices mapped at their physical address; at the top,
//   the trampoline page and one kernel stack per thread slot, each above an
//   unmapped guard page.
// User virtual: text, data, guard page, stack, heap from 0 upward; at the top
//   the trampoline, then one trapframe page per thread slot going down.
#ifndef WEFT_MEMLAYOUT_H
#define WEFT_MEMLAYOUT_H

#define UART0      0x10000000L
#define UART0_IRQ  10
#define VIRTIO0    0x10001000L
#define VIRTIO0_IRQ 1
#define PLIC       0x0c000000L
#define PLIC_PRIORITY        (PLIC + 0x0)
#define PLIC_PENDING         (PLIC + 0x1000)
#define PLIC_SENABLE(hart)   (PLIC + 0x2080 + (hart) * 0x100)
#define PLIC_SPRIORITY(hart) (PLIC + 0x201000 + (hart) * 0x2000)
#define PLIC_SCLAIM(hart)    (PLIC + 0x201004 + (hart) * 0x2000)

#define KERNBASE   0x80000000L            // start of RAM
#define KERNLOAD   0x80200000L            // where OpenSBI jumps to us
#define PHYSTOP    (KERNBASE + 128*1024*1024)   // xv6's RAM top; the default
// The kernel uses all the RAM the device tree reports (make MEM=256M ...),
// up to RAMTOP_MAX; ram_top (kalloc.c) is where it really ends.
#define RAMTOP_MAX (KERNBASE + 512*1024*1024)

// The trampoline page holds the user/kernel switch code, mapped at the same
// high address in every page table.
#define TRAMPOLINE (MAXVA - PGSIZE)

// User space: thread slot n's trapframe.  Slot 0 is the first thread's, so
// TRAPFRAME keeps xv6's meaning for single-threaded programs.
#define TRAPFRAME_SLOT(n) (TRAMPOLINE - ((uint64)(n) + 1) * PGSIZE)
#define TRAPFRAME TRAPFRAME_SLOT(0)
#define TRAPFRAME_LOW TRAPFRAME_SLOT(NTFSLOT - 1)  // lowest trapframe address

// Kernel space: thread table entry i's kernel stack, KSTACK_PAGES long, with
// one unmapped guard page below it.
#define KSTACK_STRIDE ((KSTACK_PAGES + 1) * PGSIZE)
#define KSTACK(i)  (TRAMPOLINE - ((uint64)(i) + 1) * KSTACK_STRIDE)

#endif
