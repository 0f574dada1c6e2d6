// mm.h: user address spaces (mm.c). One struct mm per address space; every
// thread of a process, and every process cloned with CLONE_VM, uses the same one.
#ifndef WEFT_MM_H
#define WEFT_MM_H

#include "spinlock.h"

struct meminfo;

// An anonymous mapping made by mmap (mmap.c): [start, end), page aligned.
struct vma {
  uint64 start, end;       // end == 0: slot unused
  int prot;                // PROT_* bits
  int shared;              // MAP_SHARED: pages shared across fork, never COW
  int guard;               // pages at the bottom never accessible (MAP_STACK: 1)
};
// One region per thread stack (its guard included) for every thread a
// process can have, plus the program's own mappings.
#define NVMA (NTHREAD_PROC + 32)

struct mm {
  struct spinlock lock;    // protects everything below but holders and harts
  int users;               // procs using this mm; at 0 its user part is freed
  int holders;             // users (as one) + harts keeping it loaded (atomic)
  pagetable_t pagetable;   // root of the user page table
  uint64 sz;               // break: [0, sz) is text, data, guard, stack, heap
  uint64 heap_base;        // sz right after exec: sbrk never shrinks below it
  uint64 harts;            // harts that may hold its translations (atomic; tlb.c)
  uint64 flush_pending;    // harts that must flush them before running here (atomic; tlb.c)
  uint64 asid;             // its address-space id for its whole life (tlb.c)
  struct vma vmas[NVMA];   // mmap'd regions, all above sz and below MMAP_TOP
};

// mmap'd regions are placed downward from here (below the never-mapped
// TRAPFRAME and TRAMPOLINE pages xv6 programs know of); the heap may grow
// up to the lowest region. Neither may enter the kernel window.
#define MMAP_TOP (TRAPFRAME - PGSIZE)

// Does [start, end) overlap the kernel window (memlayout.h)?
#define IN_KWIN(start, end) ((start) < KWIN_HI && (end) > KWIN_LO)

void       mminit(void);
struct mm *mm_alloc(void);                    // empty space (the kernel window only), 1 user
struct mm *mm_share(struct mm *mm);           // users+1 (CLONE_VM)
struct mm *mm_copy(struct mm *mm);            // duplicate (fork); 0 if out of memory
void       mm_put(struct mm *mm);             // users-1; frees the user part at zero
void       mm_grab(struct mm *mm);            // a hart keeps mm loaded (tlb.c)
void       mm_drop(struct mm *mm);            // ... and lets go; the root goes with the last
uint64     mm_grow(struct mm *mm, long n);    // sbrk: old break, or -1
void       mm_counters(struct meminfo *mi);     // fault counters for meminfo()

// The page-fault resolver (copy-on-write, demand-zero): FAULT_OK when the
// access at va can now be retried, FAULT_OOM, or FAULT_BAD for a real
// violation. access says what the faulting instruction tried to do.
enum { FAULT_OK = 0, FAULT_OOM = -2, FAULT_BAD = -1 };
enum { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };
int mm_fault(struct mm *mm, uint64 va, int access);

// Freeing pages that were mapped (mm.c): clear the PTEs, complete the TLB
// flush on every hart that may cache them, and only then free the pages.
// A gather list collects the pages in between; it flushes by itself when
// full. Caller holds mm->lock (or is the last user of mm).
#define GATHER_PAGES 32
struct gather {
  struct mm *mm;           // whose harts must flush before the pages go
  int tables;              // page-table pages among them (gather_table)
  int n;
  void *pages[GATHER_PAGES];
};
void gather_init(struct gather *g, struct mm *mm);
void gather_page(struct gather *g, void *pa);  // PTE already cleared: free after the flush
void gather_table(struct gather *g, void *pt); // a page-table page, unlinked: the same
void gather_flush(struct gather *g);           // flush every hart, then kfree the pages

// mmap.c: anonymous mappings. Each returns -1 (mmap: (uint64)-1) on bad input.
uint64 mm_mmap(struct mm *mm, uint64 addr, uint64 len, int prot, int flags);
int    mm_munmap(struct mm *mm, uint64 addr, uint64 len);
int    mm_mprotect(struct mm *mm, uint64 addr, uint64 len, int prot);
// Used by mm.c (caller holds mm->lock):
struct vma *vma_find(struct mm *mm, uint64 va);
uint64 vma_lowest(struct mm *mm);     // lowest mapped address, or MMAP_TOP
int    prot_to_pte(int prot);
void   vmas_unmap_all(struct mm *mm, struct gather *g);

// Copies between kernel and user memory of mm, checked: 0 or -1.
int copyout(struct mm *mm, uint64 dstva, const void *src, uint64 len);
int copyin(struct mm *mm, void *dst, uint64 srcva, uint64 len);
int copyinstr(struct mm *mm, char *dst, uint64 srcva, uint64 max);
// user_addr selects user (of the calling thread's mm) or kernel address.
int either_copyout(int user_addr, uint64 dst, const void *src, uint64 len);
int either_copyin(void *dst, int user_addr, uint64 src, uint64 len);

#endif
