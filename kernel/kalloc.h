// kalloc.h: physical page allocator with per-page reference counts (kalloc.c).
#ifndef WEFT_KALLOC_H
#define WEFT_KALLOC_H

void   kinit(uint64 ram_end);     // manage RAM from the kernel's end to ram_end
extern uint64 ram_top;           // end of the RAM kalloc manages
extern uint64 ram_reported;      // end of RAM the device tree reported (0: none)
void  *kalloc(void);             // one page (contents undefined), ref 1; 0 if none
void   kfree(void *pa);          // drop a reference; the page is freed at zero
void   kref_get(void *pa);       // one more reference (sharing a page)
int    kref_count(void *pa);
uint64 kfree_pages(void);        // pages on the free list
uint64 ktotal_pages(void);

#endif
