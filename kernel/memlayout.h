// memlayout.h: where things are, physically (QEMU virt) and virtually.
//
// Physical:  0x00101000 goldfish RTC | 0x0c000000 PLIC | 0x10000000 UART | 0x10001000 virtio-mmio disk
//            0x80000000 OpenSBI (M-mode, not ours) | 0x80200000 kernel ... ram_top
//
// Virtual: ONE address space layout for kernel and user. Every page table --
// the kernel's and each process's -- holds the kernel window, the two Sv39
// root entries 2 and 3 (virtual 2 GiB to 4 GiB):
//   [0x80000000, 0xC0000000)  RAM at its physical address (text R-X, rodata R,
//                             the rest RW), so a physical address is also the
//                             kernel's pointer to it;
//   [0xC0000000, 0x100000000) device registers, then one kernel stack per
//                             thread slot (each above an unmapped guard page)
//                             up to the top.
// Window pages have PTE_G and never PTE_U: user code cannot touch them, and
// a trap does not change page tables. Every user page table points at the
// kernel's own level-1 pages for these two entries (vm.c), so the window is
// built once, at boot, and shared. User memory lives below and above it:
// text, data, stack and heap from 0 (the heap stops at the window), mmap
// regions from MMAP_TOP (mm.h) down.
#ifndef WEFT_MEMLAYOUT_H
#define WEFT_MEMLAYOUT_H

#define KWIN_LO    0x80000000L            // the kernel window: root entries 2 and 3
#define KWIN_HI    0x100000000L
#define KDEV       0xC0000000L            // where the device registers are mapped

// Device registers: physical address, and where the kernel sees them.
#define UART0_PA   0x10000000L
#define VIRTIO0_PA 0x10001000L
#define PLIC_PA    0x0c000000L
#define PLIC_SIZE  0x400000L
#define PLIC       (KDEV + 0x0)
#define UART0      (KDEV + PLIC_SIZE)
#define VIRTIO0    (UART0 + 0x1000)
#define RTC0_PA    0x00101000L            // goldfish real-time clock (sysposix.c)
#define RTC0       (VIRTIO0 + 0x1000)
#define UART0_IRQ  10
#define VIRTIO0_IRQ 1
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

// xv6's trampoline and trapframe pages at the top of user space are gone
// (traps stay on the user's page table and save registers on the kernel
// stack); the names stay for programs that use them, as addresses that are
// never mapped.
#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME  (TRAMPOLINE - PGSIZE)

// Kernel space: thread table entry i's kernel stack, KSTACK_PAGES long, with
// one unmapped guard page above it (which is also the guard below stack i-1).
#define KSTACK_STRIDE ((KSTACK_PAGES + 1) * PGSIZE)
#define KSTACK(i)  (KWIN_HI - ((uint64)(i) + 1) * KSTACK_STRIDE)

#endif
