// tlb.h: which address space each hart runs in, and keeping the harts'
// TLBs honest (tlb.c): ASIDs, the lazy switch, shootdowns, per-hart counters.
#ifndef WEFT_TLB_H
#define WEFT_TLB_H

struct mm;
struct hartstat;

void tlbinit(void);                 // boot hart, paging on: probe the ASID bits
uint64 tlb_asid_for(int slot);      // the ASID of mm table slot (0 if no ASIDs)
// This hart is about to run a thread of mm: load mm unless it is loaded
// already (then: no satp write, no flush), and do a flush a shootdown left
// pending for this hart. mm_leave: it no longer runs one of mm's threads.
void mm_enter(struct mm *mm);
void mm_leave(void);
// If this hart keeps an address space no process uses any more, let it go.
void mm_switch_if_dead(void);
// Every hart that may cache mm's translations drops them; returns when all
// have. After clearing or tightening PTEs, before relying on it (or freeing).
void tlb_shootdown(struct mm *mm);
// The same before page-table pages of mm are freed: also harts keeping mm loaded.
void tlb_shootdown_tables(struct mm *mm);
// mm's slot (so its ASID) is about to go to another mm (mm_drop).
void tlb_recycle(struct mm *mm);
void tlb_flush_page(uint64 va);     // this hart only, every address space
int  hartstats_fill(uint64 user_buf, int max);
int  hartstat_get(int hart, struct hartstat *h);   // 0, or -1: not started

#endif
