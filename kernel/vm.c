// vm.c: Sv39 page tables.
//
// Owns the kernel's page table (built once at boot, identical on every
// hart) and the page-table primitives. Two ways in, one for each question:
// walk() finds the PTE of one address; walk_next() steps through a range
// and skips every missing page-table page whole, so a loop over a range
// costs what is mapped, not what the range spans (a program with a page at
// 0x3000000000 has a 192 GiB break). Every loop over a range of a page
// table -- unmappages here, fork's copy_range and mprotect -- uses it.
// Reading order: walk, walk_next, mappages, unmappages, pagetable_free,
// then the kernel page table.
// Locking: none here. The kernel page table never changes after boot; a user
// page table is protected by its mm's lock (mm.c).

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "vm.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "spinlock.h"
#include "mm.h"

pagetable_t kernel_pagetable;

extern char etext[];       // end of kernel text (kernel.ld)
extern char erodata[];     // end of read-only data
extern char trampoline[];  // trampoline.S

pagetable_t
pagetable_alloc(void)
{
  pagetable_t pt = kalloc();
  if (pt)
    memset(pt, 0, PGSIZE);
  return pt;
}

// Return the address of the level-0 PTE for va. Missing intermediate tables
// are created when alloc is set; otherwise 0 is returned for them.
pte_t *
walk(pagetable_t pt, uint64 va, int alloc)
{
  if (va >= MAXVA)
    return 0;
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      if (*pte & (PTE_R | PTE_W | PTE_X))
        panic("walk: unexpected superpage");
      pt = (pagetable_t)PTE2PA(*pte);
      continue;
    }
    if (!alloc)
      return 0;
    pagetable_t next = pagetable_alloc();
    if (next == 0)
      return 0;
    *pte = PA2PTE(next) | PTE_V;
    pt = next;
  }
  return &pt[PX(0, va)];
}

// The first present leaf PTE for an address in [*va, end), or 0 if there is
// none; *va becomes that address. Where an upper-level entry is missing,
// the whole 2 MiB or 1 GiB it would cover is skipped in one step.
pte_t *
walk_next(pagetable_t pt, uint64 *va, uint64 end)
{
  uint64 a = PGROUNDDOWN(*va);
  if (end > MAXVA)
    end = MAXVA;
  while (a < end) {
    pagetable_t table = pt;
    int level = 2;
    for (; level > 0; level--) {
      pte_t e = table[PX(level, a)];
      if ((e & PTE_V) == 0)
        break;                  // nothing mapped anywhere under this entry
      if (e & (PTE_R | PTE_W | PTE_X))
        panic("walk_next: unexpected superpage");
      table = (pagetable_t)PTE2PA(e);
    }
    if (level == 0 && (table[PX(0, a)] & PTE_V)) {
      *va = a;
      return &table[PX(0, a)];
    }
    // Move to the first address the next entry of this level covers.
    uint64 span = 1UL << PXSHIFT(level);
    a = (a & ~(span - 1)) + span;
  }
  return 0;
}

uint64
walkaddr(pagetable_t pt, uint64 va)
{
  pte_t *pte = walk(pt, va, 0);
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return 0;
  return PTE2PA(*pte);
}

// Map [va, va+size) to [pa, pa+size). va and size are page aligned.
// Returns -1 if a page-table page could not be allocated; pages mapped
// before the failure stay mapped (the caller unmaps them).
int
mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm)
{
  if (va % PGSIZE || size % PGSIZE || size == 0)
    panic("mappages: unaligned range");
  for (uint64 off = 0; off < size; off += PGSIZE) {
    pte_t *pte = walk(pt, va + off, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V) {
      printf("mappages: va %p\n", (void *)(va + off));
      panic("mappages: page already mapped");
    }
    *pte = PA2PTE(pa + off) | perm | PTE_V;
  }
  return 0;
}

// Remove the mappings of npages pages from va; pages that are not mapped
// are skipped, missing page-table pages cost one step each. With a gather
// list g, each page's reference goes on g: it is dropped only after g is
// flushed, i.e. after every hart that may still hold the old translation
// has dropped it (mm.c, "freeing pages"). Without g the pages are not ours
// to free (the trampoline, a trapframe).
void
unmappages(pagetable_t pt, uint64 va, uint64 npages, struct gather *g)
{
  if (va % PGSIZE)
    panic("unmappages: unaligned va");
  pte_t *pte;
  for (uint64 a = va; (pte = walk_next(pt, &a, va + npages * PGSIZE)) != 0; a += PGSIZE) {
    uint64 pa = PTE2PA(*pte);
    *pte = 0;                   // first the translation goes ...
    if (g)
      gather_page(g, (void *)pa);   // ... the page only after the flush
  }
}

// Free the page-table pages themselves; every leaf must be gone already.
void
pagetable_free(pagetable_t pt)
{
  for (int i = 0; i < 512; i++) {
    pte_t pte = pt[i];
    if ((pte & PTE_V) == 0)
      continue;
    if (pte & (PTE_R | PTE_W | PTE_X))
      panic("pagetable_free: leaf still mapped");
    pagetable_free((pagetable_t)PTE2PA(pte));
    pt[i] = 0;
  }
  kfree(pt);
}

void
kvmmap(uint64 va, uint64 pa, uint64 sz, int perm)
{
  if (mappages(kernel_pagetable, va, sz, pa, perm) != 0)
    panic("kvmmap: out of memory building the kernel page table");
}

// Build the kernel page table: devices and RAM at their physical addresses,
// with text executable but not writable and everything else not executable;
// the trampoline at the top; one kernel stack per thread-table slot, each
// with an unmapped guard page below it.
void
kvminit(void)
{
  kernel_pagetable = pagetable_alloc();
  if (kernel_pagetable == 0)
    panic("kvminit: no memory");

  kvmmap(UART0, UART0, PGSIZE, PTE_R | PTE_W);
  kvmmap(VIRTIO0, VIRTIO0, PGSIZE, PTE_R | PTE_W);
  kvmmap(PLIC, PLIC, 0x400000, PTE_R | PTE_W);

  uint64 text = KERNLOAD, rodata = (uint64)etext, data = (uint64)erodata;
  kvmmap(text, text, rodata - text, PTE_R | PTE_X);
  kvmmap(rodata, rodata, data - rodata, PTE_R);
  kvmmap(data, data, ram_top - data, PTE_R | PTE_W);

  kvmmap(TRAMPOLINE, (uint64)trampoline, PGSIZE, PTE_R | PTE_X);

  for (int i = 0; i < NTHREAD; i++) {
    for (int pg = 0; pg < KSTACK_PAGES; pg++) {
      void *pa = kalloc();
      if (pa == 0)
        panic("kvminit: no memory for kernel stacks");
      kvmmap(KSTACK(i) + pg * PGSIZE, (uint64)pa, PGSIZE, PTE_R | PTE_W);
    }
  }
}

// Turn on paging on this hart with the kernel page table.
void
kvminithart(void)
{
  sfence_vma();
  csr_write(satp, MAKE_SATP(kernel_pagetable));
  sfence_vma();
}
