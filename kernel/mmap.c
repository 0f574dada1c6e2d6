// mmap.c: anonymous memory mappings -- mmap, munmap, mprotect.
//
// A mapping is a struct vma in its mm: a page-aligned range, its PROT_*
// bits and whether it is MAP_SHARED. Private mappings are demand-zero: no
// page exists until the first access faults and the resolver in mm.c
// allocates one (counted as a zero fill). Shared mappings get all their
// pages at mmap time, so that a fork before the first touch still shares
// them (the child maps the very same pages, never COW).
// PROT_NONE pages keep their contents but lose PTE_U, so any user access
// (and any copyin/copyout) faults: that is what makes a guard page.
// MAP_STACK (weft's meaning: Linux's value, where it is only a hint) makes
// the lowest page of a private mapping a guard that the resolver never
// backs, whatever mprotect says: a thread stack and its guard are one vma.
// Taking pages away follows mm.c's rule: clear the PTEs, flush every hart
// (tlb_shootdown, tlb.c), then free -- through a gather list.
// Locking: mm->lock protects the vma array and the page table.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "mm.h"
#include "vm.h"
#include "tlb.h"
#include "kalloc.h"
#include "weftabi.h"
#include "klib.h"
#include "printf.h"

int
prot_to_pte(int prot)
{
  int perm = PTE_U;
  if (prot & (PROT_READ | PROT_WRITE))
    perm |= PTE_R;            // RISC-V has no write-only pages
  if (prot & PROT_WRITE)
    perm |= PTE_W;
  if (prot & PROT_EXEC)
    perm |= PTE_X;
  return prot == PROT_NONE ? PTE_R : perm;   // PROT_NONE: present, not user
}

struct vma *
vma_find(struct mm *mm, uint64 va)
{
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
    if (v->end && v->start <= va && va < v->end)
      return v;
  return 0;
}

uint64
vma_lowest(struct mm *mm)
{
  uint64 low = MMAP_TOP;
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
    if (v->end && v->start < low)
      low = v->start;
  return low;
}

static struct vma *
vma_slot(struct mm *mm)
{
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
    if (v->end == 0)
      return v;
  return 0;
}

static int
range_free(struct mm *mm, uint64 start, uint64 end)
{
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
    if (v->end && start < v->end && v->start < end)
      return 0;
  return start >= PGROUNDUP(mm->sz) && end <= MMAP_TOP && start < end &&
         !IN_KWIN(start, end);
}

// The highest free range of len bytes below MMAP_TOP and above the heap,
// outside the kernel window.
static uint64
find_gap(struct mm *mm, uint64 len)
{
  uint64 end = MMAP_TOP;
  while (end >= len && end - len >= PGROUNDUP(mm->sz)) {
    if (IN_KWIN(end - len, end)) {
      end = KWIN_LO;            // go below the window and try again
      continue;
    }
    if (range_free(mm, end - len, end))
      return end - len;
    // Move below the mapping in the way and try again.
    struct vma *in_way = 0;
    for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
      if (v->end && end - len < v->end && v->start < end)
        if (!in_way || v->start < in_way->start)
          in_way = v;
    if (!in_way)
      break;
    end = in_way->start;
  }
  return 0;
}

// Cut the mapping containing addr in two at addr (no-op at an edge). The
// guard pages at the bottom stay with the part they lie in.
static int
vma_split(struct mm *mm, uint64 addr)
{
  struct vma *v = vma_find(mm, addr);
  if (v == 0 || v->start == addr)
    return 0;
  struct vma *upper = vma_slot(mm);
  if (upper == 0)
    return -1;
  uint64 below = (addr - v->start) / PGSIZE;   // pages left in the lower part
  *upper = *v;
  upper->start = addr;
  upper->guard = v->guard > below ? v->guard - below : 0;
  v->end = addr;
  if (v->guard > below)
    v->guard = below;
  return 0;
}

// Shared mappings are populated at once (see the top of this file).
static int
populate_shared(struct mm *mm, struct vma *v)
{
  for (uint64 va = v->start; va < v->end; va += PGSIZE) {
    void *page = kalloc();
    if (page == 0)
      return -1;
    memset(page, 0, PGSIZE);
    if (mappages(mm->pagetable, va, PGSIZE, (uint64)page, prot_to_pte(v->prot)) < 0) {
      kfree(page);
      return -1;
    }
  }
  return 0;
}

uint64
mm_mmap(struct mm *mm, uint64 addr, uint64 len, int prot, int flags)
{
  int share = flags & (MAP_SHARED | MAP_PRIVATE);
  if (len == 0 || len > MMAP_TOP || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
      (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_STACK)) ||
      !(flags & MAP_ANONYMOUS) || (share != MAP_SHARED && share != MAP_PRIVATE))
    return -1;
  len = PGROUNDUP(len);
  // A stack is private and has at least one usable page above its guard.
  if ((flags & MAP_STACK) && (share != MAP_PRIVATE || len < 2 * PGSIZE))
    return -1;

  acquire(&mm->lock);
  uint64 start;
  if (flags & MAP_FIXED)
    start = (addr % PGSIZE == 0 && range_free(mm, addr, addr + len)) ? addr : 0;
  else
    start = find_gap(mm, len);
  struct vma *v = start ? vma_slot(mm) : 0;
  if (v == 0) {
    release(&mm->lock);
    return -1;
  }
  *v = (struct vma){ .start = start, .end = start + len, .prot = prot,
                     .shared = (share == MAP_SHARED), .guard = (flags & MAP_STACK) ? 1 : 0 };
  if (v->shared && populate_shared(mm, v) < 0) {
    struct gather g;
    gather_init(&g, mm);
    unmappages(mm->pagetable, v->start, len / PGSIZE, &g);
    gather_flush(&g);
    v->end = 0;
    start = -1;
  }
  release(&mm->lock);
  return start;
}

// Split the mappings at both ends of [addr, addr+len) so that every vma
// touching it lies wholly inside. Caller holds mm->lock.
static int
split_range(struct mm *mm, uint64 addr, uint64 len)
{
  return vma_split(mm, addr) < 0 || vma_split(mm, addr + len) < 0 ? -1 : 0;
}

static int
range_ok(uint64 addr, uint64 len)
{
  return addr % PGSIZE == 0 && len > 0 && addr < MMAP_TOP && len <= MMAP_TOP - addr;
}

int
mm_munmap(struct mm *mm, uint64 addr, uint64 len)
{
  if (!range_ok(addr, len))
    return -1;
  len = PGROUNDUP(len);
  acquire(&mm->lock);
  if (split_range(mm, addr, len) < 0) {
    release(&mm->lock);
    return -1;
  }
  struct gather g;
  gather_init(&g, mm);
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++) {
    if (v->end && addr <= v->start && v->end <= addr + len) {
      unmappages(mm->pagetable, v->start, (v->end - v->start) / PGSIZE, &g);
      v->end = 0;
    }
  }
  gather_flush(&g);
  release(&mm->lock);
  return 0;
}

// New permissions for one present page of mapping v (v->prot already
// changed). Write permission comes from the mapping, but a private page
// that another address space may still map -- marked COW, or with more
// than one reference (fork shares read-only pages without the mark) -- is
// never made writable here: it becomes PTE_COW, and the fault resolver
// copies it at the first store.
static void
reprotect_page(struct vma *v, pte_t *pte)
{
  uint64 pa = PTE2PA(*pte);
  int perm = prot_to_pte(v->prot);
  if (!v->shared && ((*pte & PTE_COW) || kref_count((void *)pa) > 1))
    perm = (perm & ~PTE_W) | PTE_COW;
  *pte = PA2PTE(pa) | perm | PTE_V;
}

// Does [addr, end) lie wholly inside mappings? One step per mapping, not
// per page: a mapping may span gigabytes.
static int
range_mapped(struct mm *mm, uint64 addr, uint64 end)
{
  while (addr < end) {
    struct vma *v = vma_find(mm, addr);
    if (v == 0)
      return 0;
    addr = v->end;
  }
  return 1;
}

int
mm_mprotect(struct mm *mm, uint64 addr, uint64 len, int prot)
{
  if (!range_ok(addr, len) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
    return -1;
  len = PGROUNDUP(len);
  acquire(&mm->lock);
  // Every page of the range must be mapped (Linux: ENOMEM otherwise).
  if (!range_mapped(mm, addr, addr + len) || split_range(mm, addr, len) < 0) {
    release(&mm->lock);
    return -1;
  }
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++) {
    if (v->end == 0 || v->start < addr || addr + len < v->end)
      continue;
    v->prot = prot;
    pte_t *pte;
    for (uint64 va = v->start; (pte = walk_next(mm->pagetable, &va, v->end)) != 0;
         va += PGSIZE)
      reprotect_page(v, pte);
  }
  // Permissions that got stricter must hold on every hart from now on.
  tlb_shootdown(mm);
  release(&mm->lock);
  return 0;
}

// The last mm_put: drop every mapping's pages onto g.
void
vmas_unmap_all(struct mm *mm, struct gather *g)
{
  for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++) {
    if (v->end)
      unmappages(mm->pagetable, v->start, (v->end - v->start) / PGSIZE, g);
    v->end = 0;
  }
}
