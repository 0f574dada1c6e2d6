// mm.c: user address spaces.
//
// A struct mm is one user page table plus what describes it: the break
// (sz), the mmap regions, and two counts. `users` counts the processes
// using it (CLONE_VM shares it); when the last one goes, every user page and
// page-table page is given back at once. `holders` counts what keeps the
// root page itself alive: the users together (one hold), and each hart that
// still has the mm loaded (tlb.c: a hart keeps the last address space it ran
// while it runs kernel threads or idles, Linux's "active_mm"). The kernel
// window (memlayout.h) is in every root, so a hart can keep running kernel
// code on a root whose user part is gone.
// User layout: [0, sz) holds the program, a guard page, the stack and the
// heap, below the kernel window or above it; mmap regions come down from
// MMAP_TOP.
// Locking: mm->lock protects the page table and every field but holders
// (atomic); the mm table lock protects which mm structs are in use.
// Invariant: a user leaf PTE always carries PTE_U and the kernel window's
// PTEs never do, so user-pointer checks can rely on PTE_U.
// The rule for taking pages away (munmap, sbrk shrink, a COW copy replacing
// the shared original, exit): clear the PTEs, complete the TLB flush on
// every hart that may cache them, then free -- the gather list below.
// Reading order: the mm table, mm_alloc/mm_put, fork's copy, sbrk, the
// gather list, the fault resolver, copies.

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
#include "tlb.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "sbi.h"
#include "weftabi.h"

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

// A new, empty address space: a root that shares the kernel window.
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
  kvm_share_window(mm->pagetable);
  mm->users = 1;
  mm->holders = 1;
  mm->sz = 0;
  mm->heap_base = 0;
  mm->harts = 0;
  mm->asid = tlb_asid_for(mm - mmtable.mms);
  memset(mm->vmas, 0, sizeof(mm->vmas));
  return mm;
}

struct mm *
mm_share(struct mm *mm)
{
  acquire(&mm->lock);
  mm->users++;
  release(&mm->lock);
  return mm;
}

// The last user is gone: unmap and free the user pages [0, sz), every mmap
// region and the page-table pages under the root, all through one gather
// list, so harts that still have mm loaded have flushed before anything is
// reused. The root stays until the last holder lets go (mm_drop).
static void
mm_teardown(struct mm *mm)
{
  struct gather g;
  gather_init(&g, mm);
  unmappages(mm->pagetable, 0, PGROUNDUP(mm->sz) / PGSIZE, &g);
  vmas_unmap_all(mm, &g);
  pagetable_free_user(mm->pagetable, &g);
  gather_flush(&g);
}

void
mm_put(struct mm *mm)
{
  acquire(&mm->lock);
  int left = --mm->users;
  release(&mm->lock);
  if (left > 0)
    return;
  mm_teardown(mm);
  mm_drop(mm);              // the users' hold on the root
}

// A hart starts (grab) or stops (drop) keeping mm loaded (tlb.c). The root
// page and the struct go with the last hold; by then no hart has the root
// in satp, and its user part is empty.
void
mm_grab(struct mm *mm)
{
  __atomic_fetch_add(&mm->holders, 1, __ATOMIC_ACQ_REL);
}

void
mm_drop(struct mm *mm)
{
  if (__atomic_sub_fetch(&mm->holders, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  tlb_recycle(mm);          // its ASID goes to the next mm in this slot
  kfree(mm->pagetable);
  mm->pagetable = 0;
  mm_struct_free(mm);
}

// Map in dst the page src maps at pte, sharing the physical page.
static int
share_page(struct mm *dst, uint64 va, pte_t pte, struct walk_near *near)
{
  pte_t *d = walk_near(dst->pagetable, va, near);
  if (d == 0)
    return -1;
  if (*d & PTE_V)
    panic("share_page: already mapped in the child");
  *d = pte;
  kref_get((void *)PTE2PA(pte));
  return 0;
}

// Give dst the pages of [start, end) that are present (missing page-table
// pages are skipped whole). v is the mmap region the range belongs to, or
// 0 for [0, sz). MAP_SHARED pages are shared as they are. With
// copy-on-write (the default), a writable private page becomes read-only +
// PTE_COW in both page tables and is shared too: the first store to it
// faults and the resolver gives the writer its own copy, so fork allocates
// only page-table pages; read-only pages (text, or a region mprotect'd
// read-only) are shared as they are -- mprotect gives write permission back
// only to a page nobody else maps (reprotect_page in mmap.c). Built with
// COW=0 (kept to compare against), private pages are copied right here.
// Sets *made_cow if a PTE got stricter.
static int
copy_range(struct mm *src, struct mm *dst, uint64 start, uint64 end, struct vma *v,
           int *made_cow)
{
  int shared = v && v->shared;
  struct walk_near near = { 0 };
  pte_t *pte;
  for (uint64 va = start; (pte = walk_next(src->pagetable, &va, end)) != 0; va += PGSIZE) {
    // LAB cow: BEGIN SOLUTION
    if (!shared && !COW) {
    // LAB cow: STUB
    //> // Lab cow (docs/labs/cow.md): share private pages copy-on-write
    //> // instead of copying every one of them here.
    //> if (!shared) {
    // LAB cow: END
      void *page = kalloc();
      if (page == 0)
        return -1;
      memmove(page, (void *)PTE2PA(*pte), PGSIZE);
      if (mappages(dst->pagetable, va, PGSIZE, (uint64)page, PTE_FLAGS(*pte) & ~PTE_V) < 0) {
        kfree(page);
        return -1;
      }
      continue;
    }
    // LAB cow: BEGIN SOLUTION
    if (!shared && (*pte & PTE_W)) {
      *pte = (*pte & ~PTE_W) | PTE_COW;
      *made_cow = 1;
    }
    // LAB cow: END
    if (share_page(dst, va, *pte, &near) < 0)
      return -1;
  }
  return 0;
}

// Everything fork gives the child: the program, stack and heap [0, sz),
// then every mmap'd region. Caller holds src->lock.
static int
copy_user_pages(struct mm *src, struct mm *dst)
{
  int made_cow = 0;
  int err = copy_range(src, dst, 0, src->sz, 0, &made_cow);
  for (int i = 0; i < NVMA && !err; i++) {
    struct vma *v = &src->vmas[i];
    dst->vmas[i] = *v;
    if (v->end)
      err = copy_range(src, dst, v->start, v->end, v, &made_cow);
  }
  // Harts running threads of src must drop their writable translations
  // before any of them can store into a page the child now shares.
  if (made_cow)
    tlb_shootdown(src);
  return err;
}

// A private copy of mm for a new process (fork): shared copy-on-write, or
// copied at once when built with COW=0; the new root shares the kernel
// window like every other. Returns 0 when memory runs out.
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
  // A request for more pages than are free fails at once, not after a
  // long allocate-then-free loop with the lock held and interrupts off.
  if ((n > 0 && (new < old || new > vma_lowest(mm) || IN_KWIN(PGROUNDUP(old), new) ||
                 (PGROUNDUP(new) - PGROUNDUP(old)) / PGSIZE > kfree_pages())) ||
      (n < 0 && ((uint64)-n > old - mm->heap_base))) {
    release(&mm->lock);
    return (uint64)-1;
  }
  struct gather g;
  gather_init(&g, mm);
  if (n > 0) {
    for (uint64 va = PGROUNDUP(old); va < new; va += PGSIZE) {
      void *page = kalloc();
      if (page == 0 || mappages(mm->pagetable, va, PGSIZE, (uint64)page,
                                PTE_R | PTE_W | PTE_U) < 0) {
        if (page)
          kfree(page);
        unmappages(mm->pagetable, PGROUNDUP(old), (va - PGROUNDUP(old)) / PGSIZE, &g);
        gather_flush(&g);
        release(&mm->lock);
        return (uint64)-1;
      }
      memset(page, 0, PGSIZE);
    }
  } else if (PGROUNDUP(new) < PGROUNDUP(old)) {
    unmappages(mm->pagetable, PGROUNDUP(new), (PGROUNDUP(old) - PGROUNDUP(new)) / PGSIZE, &g);
    gather_flush(&g);
  }
  mm->sz = new;
  release(&mm->lock);
  return old;
}

// ---- freeing pages: clear the PTEs, flush every hart, then free ------------
//
// A hart keeps using a translation from its TLB after the PTE is gone. If
// the page were freed at once, a thread of this mm still running on another
// hart could store into it after kalloc handed it out again -- into another
// process's memory, or into the free list's own links. So a page leaves an
// address space in three steps, in this order, and never otherwise:
//   1. clear (or replace) its PTE;
//   2. make every hart that may cache the old translation flush it, and
//      wait until they have: tlb_shootdown (tlb.c);
//   3. kfree it.
// The gather list holds the pages between 1 and 3, so one flush covers a
// whole munmap; when it fills up it runs 2 and 3 itself and starts over.

void
gather_init(struct gather *g, struct mm *mm)
{
  g->mm = mm;
  g->tables = 0;
  g->n = 0;
}

void
gather_page(struct gather *g, void *pa)
{
  if (g->n == GATHER_PAGES)
    gather_flush(g);
  g->pages[g->n++] = pa;
}

// A page-table page is flushed for more harts than a page: one that merely
// keeps mm loaded (active_mm, running kernel code) may still walk through it.
void
gather_table(struct gather *g, void *pt)
{
  g->tables = 1;
  gather_page(g, pt);
}

void
gather_flush(struct gather *g)
{
  if (g->n == 0)
    return;
  if (g->tables)
    tlb_shootdown_tables(g->mm);
  else
    tlb_shootdown(g->mm);
  for (int i = 0; i < g->n; i++)
    kfree(g->pages[i]);
  g->n = 0;
}

// ---- the fault resolver, and copies between kernel and user memory --------

static struct {
  uint64 cow_faults, cow_copied, cow_reclaimed, zero_fills;
} counters;

// May a mapping with PROT_* bits prot be accessed this way? RISC-V has no
// write-only pages: a writable mapping is readable too.
static int
prot_allows(int prot, int access)
{
  if (access == ACCESS_WRITE)
    return (prot & PROT_WRITE) != 0;
  if (access == ACCESS_EXEC)
    return (prot & PROT_EXEC) != 0;
  return (prot & (PROT_READ | PROT_WRITE)) != 0;
}

// First touch of a page of a private mapping: a fresh zeroed page, if
// the mapping's protection allows the access.
static int
zero_fill(struct mm *mm, struct vma *v, uint64 va, int access)
{
  if (!prot_allows(v->prot, access))
    return FAULT_BAD;
  void *page = kalloc();
  if (page == 0)
    return FAULT_OOM;
  memset(page, 0, PGSIZE);
  if (mappages(mm->pagetable, va, PGSIZE, (uint64)page, prot_to_pte(v->prot)) < 0) {
    kfree(page);
    return FAULT_OOM;
  }
  __sync_fetch_and_add(&counters.zero_fills, 1);
  return FAULT_OK;
}

// LAB cow: BEGIN SOLUTION
// A store to a COW page: a private copy, or -- when no one else holds a
// reference any more -- just write permission back.
static int
cow_resolve(struct mm *mm, pte_t *pte)
{
  __sync_fetch_and_add(&counters.cow_faults, 1);
  uint64 pa = PTE2PA(*pte);
  int flags = (PTE_FLAGS(*pte) | PTE_W) & ~PTE_COW;
  if (kref_count((void *)pa) == 1) {
    // Everyone else who shared it has copied or gone: it is ours alone.
    *pte = PA2PTE(pa) | flags;
    __sync_fetch_and_add(&counters.cow_reclaimed, 1);
    return FAULT_OK;
  }
  void *copy = kalloc();
  if (copy == 0)
    return FAULT_OOM;
  memmove(copy, (void *)pa, PGSIZE);
  *pte = PA2PTE(copy) | flags;
  // Our reference to the shared original goes only after other threads of
  // this mm, which may still read it through their TLBs, have dropped it.
  struct gather g;
  gather_init(&g, mm);
  gather_page(&g, (void *)pa);
  gather_flush(&g);
  __sync_fetch_and_add(&counters.cow_copied, 1);
  return FAULT_OK;
}
// LAB cow: END

// The one fault resolver, for loads, stores and instruction fetches from
// user mode and for the kernel's copies to and from user memory. The first
// touch of a private mmap'd page gets a zeroed page (zero_fill); a store to
// a PTE_COW page goes to cow_resolve. Returns FAULT_OK, FAULT_OOM (a page
// was needed and none was free) or FAULT_BAD (a genuine access violation:
// unmapped, not a user page, a guard page, an access the page or its
// mapping does not allow). Caller holds mm->lock.
static int
resolve_locked(struct mm *mm, uint64 va, int access)
{
  if (va >= MAXVA)
    return FAULT_BAD;
  va = PGROUNDDOWN(va);
  pte_t *pte = walk(mm->pagetable, va, 0);
  int present = pte && (*pte & (PTE_V | PTE_U)) == (PTE_V | PTE_U);
  // The common case -- every copyin/copyout of a mapped page, a fault some
  // other thread resolved first, a stale TLB entry: the PTE allows it.
  int need = access == ACCESS_WRITE ? PTE_W : access == ACCESS_EXEC ? PTE_X : PTE_R;
  if (present && (*pte & need))
    return FAULT_OK;
  struct vma *v = vma_find(mm, va);
  if (v && va < v->start + (uint64)v->guard * PGSIZE)
    return FAULT_BAD;           // a stack's guard page: never backed
  if ((pte == 0 || (*pte & PTE_V) == 0) && v)
    return zero_fill(mm, v, va, access);
  // Present but not allowed: only a store to a COW page can be mended.
  if (!present || access != ACCESS_WRITE)
    return FAULT_BAD;
  if ((*pte & PTE_COW) == 0 || (v && !(v->prot & PROT_WRITE)))
    return FAULT_BAD;           // really read-only: text, or mprotect'd
  // LAB cow: BEGIN SOLUTION
  return cow_resolve(mm, pte);
  // LAB cow: STUB
  //> // Lab cow: a store to a PTE_COW page gets its own copy here.
  //> return FAULT_BAD;
  // LAB cow: END
}

int
mm_fault(struct mm *mm, uint64 va, int access)
{
  acquire(&mm->lock);
  int r = resolve_locked(mm, va, access);
  release(&mm->lock);
  // The PTE was absent or stricter: this hart's TLB may still hold that.
  tlb_flush_page(va);
  return r;
}

// Physical address of the user page at va, made accessible for a read or a
// write through the fault resolver (so copyout into a COW page works), or 0.
// A copy that fails for lack of memory kills the process, as the same fault
// from user mode would. Caller holds mm->lock.
static uint64
user_page(struct mm *mm, uint64 va, int write)
{
  int r = resolve_locked(mm, va, write ? ACCESS_WRITE : ACCESS_READ);
  if (r == FAULT_OOM) {
    printf("pid %d: killed: out of memory for a page (va %p)\n",
           myproc()->pid, (void *)va);
    setkilled();
  }
  if (r != FAULT_OK)
    return 0;
  return PTE2PA(*walk(mm->pagetable, va, 0));
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

// Fault-path counters for meminfo().
void
mm_counters(struct meminfo *mi)
{
  mi->cow_faults = counters.cow_faults;
  mi->cow_copied = counters.cow_copied;
  mi->cow_reclaimed = counters.cow_reclaimed;
  mi->zero_fills = counters.zero_fills;
}
