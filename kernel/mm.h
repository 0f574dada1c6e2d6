// mm.h: user address spaces (mm.c). One struct mm per address space; every
// thread of a process, and every process cloned with CLONE_VM, uses the same one.
#ifndef WEFT_MM_H
#define WEFT_MM_H

#include "spinlock.h"

struct trapframe;
struct meminfo;

struct mm {
  struct spinlock lock;    // protects everything below
  int ref;                 // procs using this mm
  pagetable_t pagetable;   // root of the user page table
  uint64 sz;               // break: [0, sz) is text, data, guard, stack, heap
  uint64 heap_base;        // sz right after exec: sbrk never shrinks below it
  uint64 tfslots;          // bitmap of trapframe slots in use (NTFSLOT <= 64)
  uint64 harts;            // harts that may hold its translations in their TLB
};

void       mminit(void);
struct mm *mm_alloc(void);                    // empty space with trampoline mapped, ref 1
struct mm *mm_share(struct mm *mm);           // ref+1 (CLONE_VM)
struct mm *mm_copy(struct mm *mm);            // duplicate (fork); 0 if out of memory
void       mm_put(struct mm *mm);             // ref-1; frees the space at zero
uint64     mm_grow(struct mm *mm, long n);    // sbrk: old break, or -1
int        mm_map_trapframe(struct mm *mm, struct trapframe *tf); // slot, or -1
void       mm_unmap_trapframe(struct mm *mm, int slot);
void       mm_activate(struct mm *mm);        // this hart is about to run in mm
void       mm_counters(struct meminfo *mi);     // fault counters for meminfo()
void       mm_tlb_shootdown(struct mm *mm);   // other harts drop mm's stale translations

// The page-fault resolver (copy-on-write today): FAULT_OK when the access
// at va can now be retried, FAULT_OOM, or FAULT_BAD for a real violation.
enum { FAULT_OK = 0, FAULT_OOM = -2, FAULT_BAD = -1 };
int mm_fault(struct mm *mm, uint64 va, int write);

// Copies between kernel and user memory of mm, checked: 0 or -1.
int copyout(struct mm *mm, uint64 dstva, const void *src, uint64 len);
int copyin(struct mm *mm, void *dst, uint64 srcva, uint64 len);
int copyinstr(struct mm *mm, char *dst, uint64 srcva, uint64 max);
// user_addr selects user (of the calling thread's mm) or kernel address.
int either_copyout(int user_addr, uint64 dst, const void *src, uint64 len);
int either_copyin(void *dst, int user_addr, uint64 src, uint64 len);

#endif
