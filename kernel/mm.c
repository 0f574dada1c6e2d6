// mm.c: user address spaces.
//
// A struct mm is one user page table plus what describes it: the break
// (sz), the trapframe slots of the threads running in it, and a reference
// count -- every process cloned with CLONE_VM shares its parent's mm.
// User layout: [0, sz) holds the program, a guard page, the stack and the
// heap; the trapframe slots and the trampoline sit at the top (memlayout.h).
// Locking: mm->lock protects the page table and every field; the mm table
// lock protects which mm structs are in use.
// Invariant: a user leaf PTE always carries PTE_U, the trampoline and
// trapframes never do, so user-pointer checks can rely on PTE_U.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "mm.h"
#include "vm.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "sbi.h"
#include "weftabi.h"

extern char trampoline[];

static struct {
  struct spinlock lock;
  struct mm mms[NPROC];
  char used[NPROC];
} mmtable;

static struct mm *
mm_struct_alloc(void)
{
  acquire(&mmtable.lock);
  for (int i = 0; i < NPROC; i++) {
    if (!mmtable.used[i]) {
      mmtable.used[i] = 1;
      release(&mmtable.lock);
      return &mmtable.mms[i];
    }
  }
  release(&mmtable.lock);
  return 0;
}

static void
mm_struct_free(struct mm *mm)
{
  acquire(&mmtable.lock);
  mmtable.used[mm - mmtable.mms] = 0;
  release(&mmtable.lock);
}

void
mminit(void)
{
  initlock(&mmtable.lock, "mmtable");
  for (int i = 0; i < NPROC; i++)
    initlock(&mmtable.mms[i].lock, "mm");
}

// A new, empty address space: just the trampoline.
struct mm *
mm_alloc(void)
{
  struct mm *mm = mm_struct_alloc();
  if (mm == 0)
    return 0;
  mm->pagetable = pagetable_alloc();
  if (mm->pagetable == 0) {
    mm_struct_free(mm);
    return 0;
  }
  if (mappages(mm->pagetable, TRAMPOLINE, PGSIZE, (uint64)trampoline, PTE_R | PTE_X) < 0) {
    pagetable_free(mm->pagetable);
    mm_struct_free(mm);
    return 0;
  }
  mm->ref = 1;
  mm->sz = 0;
  mm->heap_base = 0;
  mm->tfslots = 0;
  mm->harts = 0;
  return mm;
}

struct mm *
mm_share(struct mm *mm)
{
  acquire(&mm->lock);
  mm->ref++;
  release(&mm->lock);
  return mm;
}

// Unmap and free the user pages [0, sz), the trampoline mapping and the
// page-table pages. Trapframe slots must be unmapped already.
static void
mm_teardown(struct mm *mm)
{
  if (mm->tfslots != 0)
    panic("mm_teardown: a thread still has a trapframe here");
  unmappages(mm->pagetable, 0, PGROUNDUP(mm->sz) / PGSIZE, 1);
  unmappages(mm->pagetable, TRAMPOLINE, 1, 0);
  pagetable_free(mm->pagetable);
  mm->pagetable = 0;
}

void
mm_put(struct mm *mm)
{
  acquire(&mm->lock);
  int left = --mm->ref;
  release(&mm->lock);
  if (left > 0)
    return;
  mm_teardown(mm);
  mm_struct_free(mm);
}

// Duplicate the user pages of src into dst's page table, page by page, with
// the same permissions (fork without sharing). Returns 0 or -1.
static int
copy_user_pages(struct mm *src, struct mm *dst)
{
  for (uint64 va = 0; va < src->sz; va += PGSIZE) {
    pte_t *pte = walk(src->pagetable, va, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      continue;
    void *page = kalloc();
    if (page == 0)
      return -1;
    memmove(page, (void *)PTE2PA(*pte), PGSIZE);
    if (mappages(dst->pagetable, va, PGSIZE, (uint64)page, PTE_FLAGS(*pte) & ~PTE_V) < 0) {
      kfree(page);
      return -1;
    }
  }
  return 0;
}

// A private copy of mm for a new process (fork). Trapframe slots are not
// copied: each thread maps its own. Returns 0 when memory runs out.
struct mm *
mm_copy(struct mm *src)
{
  struct mm *dst = mm_alloc();
  if (dst == 0)
    return 0;
  acquire(&src->lock);
  int err = copy_user_pages(src, dst);
  dst->sz = src->sz;
  dst->heap_base = src->heap_base;
  release(&src->lock);
  if (err) {
    mm_put(dst);
    return 0;
  }
  return dst;
}

// Grow the break by n bytes (n > 0: zeroed, writable pages) or shrink it
// (n < 0, not below the heap's base). Returns the old break, or -1 with
// nothing changed.
uint64
mm_grow(struct mm *mm, long n)
{
  acquire(&mm->lock);
  uint64 old = mm->sz;
  uint64 new = old + n;
  if ((n > 0 && (new < old || new > TRAPFRAME_LOW)) ||
      (n < 0 && ((uint64)-n > old - mm->heap_base))) {
    release(&mm->lock);
    return (uint64)-1;
  }
  if (n > 0) {
    for (uint64 va = PGROUNDUP(old); va < new; va += PGSIZE) {
      void *page = kalloc();
      if (page == 0 || mappages(mm->pagetable, va, PGSIZE, (uint64)page,
                                PTE_R | PTE_W | PTE_U) < 0) {
        if (page)
          kfree(page);
        unmappages(mm->pagetable, PGROUNDUP(old), (va - PGROUNDUP(old)) / PGSIZE, 1);
        release(&mm->lock);
        return (uint64)-1;
      }
      memset(page, 0, PGSIZE);
    }
  } else if (PGROUNDUP(new) < PGROUNDUP(old)) {
    unmappages(mm->pagetable, PGROUNDUP(new), (PGROUNDUP(old) - PGROUNDUP(new)) / PGSIZE, 1);
    mm_tlb_shootdown(mm);
  }
  mm->sz = new;
  release(&mm->lock);
  return old;
}

// Other harts running this mm may cache translations just removed or made
// stricter: make them flush. This hart flushes on its next return to user.
void
mm_tlb_shootdown(struct mm *mm)
{
  uint64 others = mm->harts & ~(1UL << cpuid());
  if (others)
    sbi_remote_sfence_vma(others, 0);
}

// Map thread trapframe tf at a free slot. Returns the slot, or -1.
int
mm_map_trapframe(struct mm *mm, struct trapframe *tf)
{
  acquire(&mm->lock);
  for (int slot = 0; slot < NTFSLOT; slot++) {
    if (mm->tfslots & (1UL << slot))
      continue;
    if (mappages(mm->pagetable, TRAPFRAME_SLOT(slot), PGSIZE, (uint64)tf, PTE_R | PTE_W) < 0)
      break;
    mm->tfslots |= 1UL << slot;
    release(&mm->lock);
    return slot;
  }
  release(&mm->lock);
  return -1;
}

void
mm_unmap_trapframe(struct mm *mm, int slot)
{
  acquire(&mm->lock);
  if ((mm->tfslots & (1UL << slot)) == 0)
    panic("mm_unmap_trapframe: slot not in use");
  unmappages(mm->pagetable, TRAPFRAME_SLOT(slot), 1, 0);
  mm->tfslots &= ~(1UL << slot);
  release(&mm->lock);
}

// ---- copies between kernel and user memory --------------------------------

// Physical address of user page va, if mapped with PTE_U and (for writes)
// writable. Caller holds mm->lock.
static uint64
user_page(struct mm *mm, uint64 va, int write)
{
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(mm->pagetable, va, 0);
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return 0;
  if (write && (*pte & PTE_W) == 0)
    return 0;
  if (!write && (*pte & PTE_R) == 0)
    return 0;
  return PTE2PA(*pte);
}

// Move len bytes between kernel buffer kbuf and user address uva.
static int
copy_user(struct mm *mm, uint64 uva, char *kbuf, uint64 len, int to_user)
{
  acquire(&mm->lock);
  while (len > 0) {
    uint64 page = PGROUNDDOWN(uva);
    uint64 pa = user_page(mm, page, to_user);
    if (pa == 0) {
      release(&mm->lock);
      return -1;
    }
    uint64 n = PGSIZE - (uva - page);
    if (n > len)
      n = len;
    if (to_user)
      memmove((void *)(pa + (uva - page)), kbuf, n);
    else
      memmove(kbuf, (void *)(pa + (uva - page)), n);
    len -= n;
    kbuf += n;
    uva += n;
  }
  release(&mm->lock);
  return 0;
}

int
copyout(struct mm *mm, uint64 dstva, const void *src, uint64 len)
{
  return copy_user(mm, dstva, (char *)src, len, 1);
}

int
copyin(struct mm *mm, void *dst, uint64 srcva, uint64 len)
{
  return copy_user(mm, srcva, dst, len, 0);
}

// Copy a NUL-terminated string of at most max bytes (NUL included).
// Returns 0, or -1 for a bad address or a string that does not fit.
int
copyinstr(struct mm *mm, char *dst, uint64 srcva, uint64 max)
{
  acquire(&mm->lock);
  while (max > 0) {
    uint64 page = PGROUNDDOWN(srcva);
    uint64 pa = user_page(mm, page, 0);
    if (pa == 0)
      break;
    char *p = (char *)(pa + (srcva - page));
    char *stop = (char *)(pa + PGSIZE);
    while (p < stop && max > 0) {
      *dst = *p;
      if (*p == '\0') {
        release(&mm->lock);
        return 0;
      }
      dst++, p++, max--;
    }
    srcva = page + PGSIZE;
  }
  release(&mm->lock);
  return -1;
}

int
either_copyout(int user_addr, uint64 dst, const void *src, uint64 len)
{
  if (user_addr)
    return copyout(myproc()->mm, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int
either_copyin(void *dst, int user_addr, uint64 src, uint64 len)
{
  if (user_addr)
    return copyin(myproc()->mm, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

// Run this hart on mm's page table from the next return to user space on,
// and remember that this hart may now cache its translations.
void
mm_activate(struct mm *mm)
{
  __sync_fetch_and_or(&mm->harts, 1UL << cpuid());
}

// Fault-path counters for meminfo(). (Copy-on-write arrives with the fault
// resolver; until then these stay zero.)
static struct {
  uint64 cow_faults, cow_copied, cow_reclaimed, zero_fills;
} counters;

void
mm_counters(struct meminfo *mi)
{
  mi->cow_faults = counters.cow_faults;
  mi->cow_copied = counters.cow_copied;
  mi->cow_reclaimed = counters.cow_reclaimed;
  mi->zero_fills = counters.zero_fills;
}
