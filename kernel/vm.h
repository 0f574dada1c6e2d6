// vm.h: page tables (vm.c): the kernel's page table and the Sv39 walks
// every other page-table user goes through: walk() for one address,
// walk_next() for a range.
#ifndef WEFT_VM_H
#define WEFT_VM_H

extern pagetable_t kernel_pagetable;

void        kvminit(void);
void        kvminithart(void);
void        kvmmap(uint64 va, uint64 pa, uint64 sz, int perm);
// Make a new user root share the kernel window (memlayout.h).
void        kvm_share_window(pagetable_t root);
// Find the PTE for va; with alloc, create missing page-table pages. Never
// finds the kernel window in a user page table.
pte_t      *walk(pagetable_t pt, uint64 va, int alloc);
// The next present leaf PTE in [*va, end), setting *va to its address, or 0;
// skips missing page-table pages (and a user table's kernel window) whole. Loop:
//   for (va = start; (pte = walk_next(pt, &va, end)) != 0; va += PGSIZE)
pte_t      *walk_next(pagetable_t pt, uint64 *va, uint64 end);
// walk(pt, va, 1) for ascending addresses, reusing the last-level table
// while va stays in the 2 MiB it maps. Start with a zeroed struct.
struct walk_near {
  pte_t *table;
  uint64 span;
};
pte_t      *walk_near(pagetable_t pt, uint64 va, struct walk_near *near);
// Physical address of a user page mapped at va, or 0.
uint64      walkaddr(pagetable_t pt, uint64 va);
int         mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);
struct gather;
// Remove npages mappings from va; with a gather list, queue each page to be
// freed once every hart has flushed (mm.h); with 0, free nothing.
void        unmappages(pagetable_t pt, uint64 va, uint64 npages, struct gather *g);
pagetable_t pagetable_alloc(void);
// Give every page-table page below a user root to g (its leaves must be
// unmapped already); the root and the kernel window stay.
void        pagetable_free_user(pagetable_t root, struct gather *g);

#endif
