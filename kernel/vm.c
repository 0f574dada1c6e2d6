// vm.c: Sv39 page tables.
//
// Owns the kernel's page table (built once at boot, identical on every
// hart) -- the kernel window every page table shares -- and the page-table
// primitives. Two ways in, one for each question:
// walk() finds the PTE of one address; walk_next() steps through a range
// and skips every missing page-table page whole, so a loop over a range
// costs what is mapped, not what the range spans (a program with a page at
// 0x3000000000 has a 192 GiB break). Every loop over a range of a page
// table -- unmappages here, fork's copy_range and mprotect -- uses it.
// Reading order: walk, walk_next, mappages, unmappages, pagetable_free_user,
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

pagetable_t
pagetable_alloc(void)
{
  pagetable_t pt = kalloc();
  if (pt)
    memset(pt, 0, PGSIZE);
  return pt;
}

// Is va in the kernel window (memlayout.h)? In a user page table those
// root entries are the kernel's own level-1 pages, shared by every page
// table: no walk of a user page table may enter them, to change or to free.
static int
in_window(pagetable_t pt, uint64 va)
{
  return pt != kernel_pagetable && va >= KWIN_LO && va < KWIN_HI;
}

// Return the address of the level-0 PTE for va. Missing intermediate tables
// are created when alloc is set; otherwise 0 is returned for them. In a
// user page table the kernel window is not there to find (0).
pte_t *
walk(pagetable_t pt, uint64 va, int alloc)
{
  if (va >= MAXVA || in_window(pt, va))
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
    __sync_synchronize();   // the zeros before the entry that points at them
    *pte = PA2PTE(next) | PTE_V;
    pt = next;
  }
  return &pt[PX(0, va)];
}

// The first present leaf PTE for an address in [*va, end), or 0 if there is
// none; *va becomes that address. Where an upper-level entry is missing,
// the whole 2 MiB or 1 GiB it would cover is skipped in one step, and so is
// the kernel window of a user page table.
pte_t *
walk_next(pagetable_t pt, uint64 *va, uint64 end)
{
  uint64 a = PGROUNDDOWN(*va);
  if (end > MAXVA)
    end = MAXVA;
  while (a < end) {
    if (in_window(pt, a)) {
      a = KWIN_HI;
      continue;
    }
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
    if (level == 0) {
      // Scan the rest of this last-level table before walking again.
      for (uint64 i = PX(0, a); i < 512 && a < end; i++, a += PGSIZE) {
        if (table[i] & PTE_V) {
          *va = a;
          return &table[i];
        }
      }
      continue;
    }
    // Move to the first address the next entry of this level covers.
    uint64 span = 1UL << PXSHIFT(level);
    a = (a & ~(span - 1)) + span;
  }
  return 0;
}

// walk(pt, va, 1) for a run of ascending addresses: the last-level table
// found last is remembered in *near and reused while va stays in the 2 MiB
// it maps, so filling a page table costs one walk per 512 pages.
pte_t *
walk_near(pagetable_t pt, uint64 va, struct walk_near *near)
{
  if (near->table == 0 || (va >> PXSHIFT(1)) != near->span) {
    pte_t *pte = walk(pt, va, 1);
    if (pte == 0)
      return 0;
    near->table = pte - PX(0, va);
    near->span = va >> PXSHIFT(1);
  }
  return &near->table[PX(0, va)];
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
// has dropped it (mm.c, "freeing pages"). Without g the pages are only
// unmapped, not freed.
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

// Give back the page-table pages of a user page table below its root,
// through g: another hart may still cache a walk through them until g is
// flushed. Every user leaf must be unmapped already. The root stays (its
// owner frees it once no hart has it loaded), and so do the kernel
// window's entries, which are the kernel's.
void
pagetable_free_user(pagetable_t root, struct gather *g)
{
  for (int i = 0; i < 512; i++) {
    if ((root[i] & PTE_V) == 0 || in_window(root, (uint64)i << PXSHIFT(2)))
      continue;
    pagetable_t mid = (pagetable_t)PTE2PA(root[i]);
    for (int j = 0; j < 512; j++) {
      if ((mid[j] & PTE_V) == 0)
        continue;
      pagetable_t leaf = (pagetable_t)PTE2PA(mid[j]);
      if (mid[j] & (PTE_R | PTE_W | PTE_X))
        panic("pagetable_free_user: unexpected superpage");
      for (int k = 0; k < 512; k++)
        if (leaf[k] & PTE_V)
          panic("pagetable_free_user: leaf still mapped");
      mid[j] = 0;
      gather_table(g, leaf);
    }
    root[i] = 0;
    gather_table(g, mid);
  }
}

// Point a new user root at the kernel window: the kernel's own level-1
// pages for root entries 2 and 3, shared, never copied further down.
void
kvm_share_window(pagetable_t root)
{
  for (uint64 va = KWIN_LO; va < KWIN_HI; va += 1UL << PXSHIFT(2))
    root[PX(2, va)] = kernel_pagetable[PX(2, va)];
}

// Map a kernel range. Kernel pages are global (PTE_G): the same in every
// address space, so a TLB keeps them across address-space switches.
void
kvmmap(uint64 va, uint64 pa, uint64 sz, int perm)
{
  if (va < KWIN_LO || va + sz > KWIN_HI)
    panic("kvmmap: outside the kernel window");
  if (mappages(kernel_pagetable, va, sz, pa, perm | PTE_G) != 0)
    panic("kvmmap: out of memory building the kernel page table");
}

// Build the kernel window (memlayout.h), the only thing the kernel page
// table holds: RAM at its physical address, text executable but not
// writable and everything else not executable; the device registers; one
// kernel stack per thread-table slot, each with an unmapped guard page
// below it. Every page table shares it (kvm_share_window) and nothing is
// added to it after boot.
void
kvminit(void)
{
  kernel_pagetable = pagetable_alloc();
  if (kernel_pagetable == 0)
    panic("kvminit: no memory");

  kvmmap(UART0, UART0_PA, PGSIZE, PTE_R | PTE_W);
  kvmmap(VIRTIO0, VIRTIO0_PA, PGSIZE, PTE_R | PTE_W);
  kvmmap(RTC0, RTC0_PA, PGSIZE, PTE_R | PTE_W);
  kvmmap(PLIC, PLIC_PA, PLIC_SIZE, PTE_R | PTE_W);

  uint64 text = KERNLOAD, rodata = (uint64)etext, data = (uint64)erodata;
  kvmmap(text, text, rodata - text, PTE_R | PTE_X);
  kvmmap(rodata, rodata, data - rodata, PTE_R);
  kvmmap(data, data, ram_top - data, PTE_R | PTE_W);

  for (int i = 0; i < NTHREAD; i++) {
    for (int pg = 0; pg < KSTACK_PAGES; pg++) {
      void *pa = kalloc();
      if (pa == 0)
        panic("kvminit: no memory for kernel stacks");
      kvmmap(KSTACK(i) + pg * PGSIZE, (uint64)pa, PGSIZE, PTE_R | PTE_W);
    }
  }
}

// Turn on paging on this hart with the kernel page table (ASID 0, which
// no user address space gets: mm.c).
void
kvminithart(void)
{
  sfence_vma();
  csr_write(satp, MAKE_SATP(kernel_pagetable, 0));
  sfence_vma();
}
