// vm.h: page tables (vm.c): the kernel's page table and the one Sv39 walk
// every other page-table user goes through.
#ifndef WEFT_VM_H
#define WEFT_VM_H

extern pagetable_t kernel_pagetable;

void        kvminit(void);
void        kvminithart(void);
void        kvmmap(uint64 va, uint64 pa, uint64 sz, int perm);
// Find the PTE for va; with alloc, create missing page-table pages.
pte_t      *walk(pagetable_t pt, uint64 va, int alloc);
// Physical address of a user page mapped at va, or 0.
uint64      walkaddr(pagetable_t pt, uint64 va);
int         mappages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);
// Remove npages mappings from va; with do_free, drop each page's reference.
void        unmappages(pagetable_t pt, uint64 va, uint64 npages, int do_free);
pagetable_t pagetable_alloc(void);
// Free every page-table page (leaves must already be unmapped).
void        pagetable_free(pagetable_t pt);

#endif
