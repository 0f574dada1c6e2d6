// riscv.h: the RISC-V facts the kernel leans on: supervisor CSRs, their bits,
// Sv39 page-table entries and the page-size arithmetic. User programs include
// it too (for PGSIZE and friends), so everything here is a macro or an inline.
#ifndef WEFT_RISCV_H
#define WEFT_RISCV_H

#ifndef __ASSEMBLER__

// Read or write a CSR by name: csr_read(sstatus), csr_write(stvec, x).
#define csr_read(csr) ({ uint64 v_; asm volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) asm volatile("csrw " #csr ", %0" : : "r"((uint64)(val)))
#define csr_set(csr, bits) asm volatile("csrs " #csr ", %0" : : "r"((uint64)(bits)))
#define csr_clear(csr, bits) asm volatile("csrc " #csr ", %0" : : "r"((uint64)(bits)))

// sstatus bits.
#define SSTATUS_SIE  (1L << 1)   // supervisor interrupts enabled
#define SSTATUS_SPIE (1L << 5)   // SIE before the last trap
#define SSTATUS_SPP  (1L << 8)   // privilege before the last trap: 1 = S, 0 = U
#define SSTATUS_SUM  (1L << 18)  // S-mode may touch U pages
#define SSTATUS_FS   (3L << 13)  // FP unit state (fpu.c): Off, Initial, Clean, Dirty
#define SSTATUS_FS_INITIAL (1L << 13)
#define SSTATUS_FS_CLEAN   (2L << 13)
#define SSTATUS_FS_DIRTY   (3L << 13)

// sie / sip bits.
#define SIE_SSIE (1L << 1)       // software (IPI)
#define SIE_STIE (1L << 5)       // timer
#define SIE_SEIE (1L << 9)       // external (PLIC)

// scause values (interrupt bit set for interrupts).
#define SCAUSE_INTR         (1UL << 63)
#define IRQ_S_SOFT          1
#define IRQ_S_TIMER         5
#define IRQ_S_EXT           9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS     1
#define EXC_ILLEGAL_INST    2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_ACCESS    7
#define EXC_ECALL_U         8
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

// Interrupt enable/disable on this hart.
static inline void intr_on(void)  { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void)  { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }

static inline uint64 r_tp(void) { uint64 x; asm volatile("mv %0, tp" : "=r"(x)); return x; }
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" : : "r"(x)); }
static inline uint64 r_fp(void) { uint64 x; asm volatile("mv %0, s0" : "=r"(x)); return x; }
static inline uint64 r_time(void) { uint64 x; asm volatile("rdtime %0" : "=r"(x)); return x; }

// Drop every cached translation on this hart.
static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero"); }

typedef uint64 pte_t;
typedef uint64 *pagetable_t;   // one page of 512 PTEs

#endif // __ASSEMBLER__

#define PGSIZE 4096
#define PGSHIFT 12
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(uint64)(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(uint64)(PGSIZE - 1))

// Sv39 PTE bits.
#define PTE_V (1L << 0)
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)
#define PTE_G (1L << 5)
#define PTE_A (1L << 6)
#define PTE_D (1L << 7)
#define PTE_COW (1L << 8)        // software bit (RSW): read-only until copied

#define PA2PTE(pa)   ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte)  (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

// Index of va's entry in the page-table page of a given level (2 = root).
#define PXSHIFT(level) (PGSHIFT + 9 * (level))
#define PX(level, va)  ((((uint64)(va)) >> PXSHIFT(level)) & 0x1FF)

// satp value selecting Sv39 with root page table pt and address-space id
// asid (bits 44-59; a hart may implement fewer bits, or none: tlb.c probes).
#define SATP_SV39 (8L << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xFFFFUL
#define MAKE_SATP(pt, asid) \
  (SATP_SV39 | ((uint64)(asid) << SATP_ASID_SHIFT) | (((uint64)(pt)) >> 12))

// One past the highest user/kernel virtual address we use: Sv39 allows 39
// bits but the top half would need sign extension, so stay below 2^38.
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#endif
