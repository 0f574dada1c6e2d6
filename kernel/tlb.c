// tlb.c: address-space switches and TLB consistency.
//
// A hart's satp names the page table it translates with. Every page table
// holds the kernel window (memlayout.h), so the kernel runs on whichever one
// is loaded: a trap never switches, and the scheduler switches only when the
// next thread belongs to another mm (mm_enter). Kernel threads and an idle
// hart keep the last mm loaded -- Linux's "active_mm" -- and hold it
// (mm_grab), so its root page cannot be freed under them; once no process
// uses that mm any more the hart lets go of it (mm_switch_if_dead).
//
// ASIDs. With address-space ids the TLB tags each user entry with the ASID
// it was loaded under, so entries of several mms live side by side and a
// switch needs no flush; kernel entries are global (PTE_G) and survive every
// switch. weft gives each mm the ASID of its slot in the mm table (slot + 1;
// ASID 0 is the kernel page table's), so an mm's ASID never changes while it
// lives and a flush can name it exactly. tlbinit probes how many ASID bits
// the harts implement (writing all ones into satp's ASID field and reading
// back); with too few for one per slot, every mm uses ASID 0 and every
// switch flushes the whole TLB.
//
// Shootdowns. When PTEs of mm are removed or made stricter, every hart that
// may cache them must drop them before anyone relies on the change (mm.c's
// gather list frees pages only after that). mm->harts has a bit for each
// hart that may cache mm's translations (set when the hart loads mm, cleared
// when it flushes everything on a switch away). tlb_shootdown flushes this
// hart, and of the others only those running a thread of mm right now
// (cpu->user_mm) get an SBI remote fence, waited for; every other hart in
// mm->harts gets a bit in mm->flush_pending instead and flushes mm's ASID
// the next time it enters mm. When page-table pages are freed (the last
// user of mm is gone), harts that merely keep mm loaded (active_mm) are
// fenced too: a page walker may read a table page at any time. The two sides pair up: the shooter sets the
// pending bit, then reads user_mm; mm_enter sets user_mm, then reads the
// pending bit. At least one of them sees the other, so no hart runs a
// thread of mm on a translation that was shot down. An ASID that is
// recycled with its mm slot hands its harts over as pending flushes too.
//
// Locking: a hart's struct cpu fields are its own (interrupts off); other
// harts read user_mm and the counters without a lock. mm->harts and
// mm->flush_pending change only through atomic operations.
// Reading order: tlbinit, mm_enter/mm_leave, mm_switch_if_dead,
// tlb_shootdown, tlb_recycle, the counters.

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
#include "sbi.h"
#include "weftabi.h"
#include "klib.h"
#include "printf.h"

static int asid_bits;      // ASID bits the harts implement
static int use_asids;      // enough of them for one per mm slot

// Probed once, on the boot hart: weft assumes every hart implements the
// same number of ASID bits (true of QEMU's virt harts).
void
tlbinit(void)
{
  uint64 satp = csr_read(satp);
  csr_write(satp, satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
  uint64 asids = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
  csr_write(satp, satp);
  sfence_vma();
  while (asids & 1) {
    asid_bits++;
    asids >>= 1;
  }
  use_asids = (1UL << asid_bits) > NPROC;
  printf("weft: %d ASID bits: %s\n", asid_bits,
         use_asids ? "one ASID per address space, no flush on a switch"
                   : "too few, every address-space switch flushes the TLB");
}

uint64
tlb_asid_for(int slot)
{
  return use_asids ? slot + 1 : 0;
}

static void
flush_all(struct cpu *c)
{
  sfence_vma();
  c->tlb_flushes++;
}

// Flush what this hart may cache of mm's user mappings.
static void
flush_mm(struct cpu *c, struct mm *mm)
{
  if (use_asids)
    asm volatile("sfence.vma zero, %0" : : "r"(mm->asid) : "memory");
  else
    flush_all(c);
}

// Load next into satp (0: the kernel page table alone), holding it, and let
// go of what was loaded before. Interrupts are off.
static void
load(struct cpu *c, struct mm *next)
{
  struct mm *prev = c->active_mm;
  uint64 me = 1UL << cpuid();
  if (next) {
    mm_grab(next);
    // Our bit goes up before the first translation can be cached.
    __atomic_fetch_or(&next->harts, me, __ATOMIC_SEQ_CST);
    csr_write(satp, MAKE_SATP(next->pagetable, next->asid));
  } else {
    csr_write(satp, MAKE_SATP(kernel_pagetable, 0));
  }
  c->mm_switches++;
  if (!use_asids) {
    // One tag for everyone: what the TLB holds is prev's. Drop it all.
    flush_all(c);
    if (prev)
      __atomic_fetch_and(&prev->harts, ~me, __ATOMIC_SEQ_CST);
  }
  __atomic_store_n(&c->active_mm, next, __ATOMIC_SEQ_CST);
  if (prev)
    mm_drop(prev);
}

void
mm_enter(struct mm *mm)
{
  push_off();
  struct cpu *c = mycpu();
  uint64 me = 1UL << cpuid();
  __atomic_store_n(&c->user_mm, mm, __ATOMIC_SEQ_CST);
  if (c->active_mm != mm)
    load(c, mm);
  // Pairs with tlb_shootdown: user_mm is set, now look for a pending flush.
  if (__atomic_load_n(&mm->flush_pending, __ATOMIC_SEQ_CST) & me) {
    __atomic_fetch_and(&mm->flush_pending, ~me, __ATOMIC_SEQ_CST);
    flush_mm(c, mm);
  }
  pop_off();
}

void
mm_leave(void)
{
  push_off();
  __atomic_store_n(&mycpu()->user_mm, 0, __ATOMIC_SEQ_CST);
  pop_off();
}

void
mm_switch_if_dead(void)
{
  push_off();
  struct cpu *c = mycpu();
  struct mm *mm = c->active_mm;
  if (mm && __atomic_load_n(&mm->users, __ATOMIC_ACQUIRE) == 0)
    load(c, 0);
  pop_off();
}

// What weft relies on: the SBI specification says only that RFENCE's
// remote_sfence_vma succeeds once the request "was sent" to the harts;
// OpenSBI (the firmware weft runs on) goes further and returns from the
// call only after every target hart has run the sfence.vma (it waits for
// each hart's acknowledgement). The target harts take the request in
// M-mode, whatever their S-mode interrupt state, so calling this with a
// spinlock held cannot deadlock.
//
// Flush this hart if it may hold mm's entries, and of the others those that
// could use them now: the harts running one of mm's threads -- and, when
// page-table pages are going (lazy_too), also those that merely keep mm
// loaded, since a hart's page walker may go through them at any time.
// The rest get a pending flush.
static void
shoot(struct mm *mm, int lazy_too)
{
  struct cpu *c = mycpu();
  uint64 me = 1UL << cpuid();
  uint64 harts = __atomic_load_n(&mm->harts, __ATOMIC_SEQ_CST);
  if (harts & me)
    flush_mm(c, mm);
  uint64 running = 0;
  for (int h = 0; h < NCPU; h++) {
    uint64 bit = 1UL << h;
    if (!(harts & bit) || bit == me)
      continue;
    // Pairs with mm_enter: the pending bit is set, now look at user_mm.
    __atomic_fetch_or(&mm->flush_pending, bit, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&cpus[h].user_mm, __ATOMIC_SEQ_CST) == mm ||
        (lazy_too && __atomic_load_n(&cpus[h].active_mm, __ATOMIC_SEQ_CST) == mm))
      running |= bit;
  }
  if (running) {
    if (use_asids)
      sbi_remote_sfence_vma_asid(running, 0, mm->asid);
    else
      sbi_remote_sfence_vma(running, 0);
    c->shootdowns_sent++;
    for (int h = 0; h < NCPU; h++)
      if (running & (1UL << h))
        __atomic_fetch_add(&cpus[h].shootdowns_recv, 1, __ATOMIC_RELAXED);
  }
}

void
tlb_shootdown(struct mm *mm)
{
  push_off();      // stay on this hart while "this hart" and "the others" matter
  shoot(mm, 0);
  pop_off();
}

void
tlb_shootdown_tables(struct mm *mm)
{
  push_off();
  shoot(mm, 1);
  pop_off();
}

// mm's slot, and with it its ASID, goes to the next mm: the harts that may
// still hold entries under that ASID flush it before they first run there.
void
tlb_recycle(struct mm *mm)
{
  uint64 harts = __atomic_exchange_n(&mm->harts, 0, __ATOMIC_SEQ_CST);
  __atomic_fetch_or(&mm->flush_pending, harts, __ATOMIC_SEQ_CST);
}

void
tlb_flush_page(uint64 va)
{
  asm volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

// ---- per-hart counters, for hartstat() and /proc/cpus -------------------------

// Hart i's counters into *h: 0, or -1 if hart i never started.
int
hartstat_get(int i, struct hartstat *h)
{
  if (i < 0 || i >= NCPU || !cpus[i].started)
    return -1;
  struct cpu *c = &cpus[i];
  memset(h, 0, sizeof(*h));
  h->hart = i;
  h->asid_bits = asid_bits;
  h->switches = c->switches;
  h->mm_switches = c->mm_switches;
  h->tlb_flushes = c->tlb_flushes;
  h->shootdowns_sent = c->shootdowns_sent;
  h->shootdowns_recv = c->shootdowns_recv;
  h->idle_waits = c->idle_waits;
  return 0;
}

int
hartstats_fill(uint64 user_buf, int max)
{
  struct hartstat h;
  int n = 0;
  if (max < 0)
    return -1;
  for (int i = 0; i < NCPU && n < max; i++) {
    if (hartstat_get(i, &h) < 0)
      continue;
    if (copyout(myproc()->mm, user_buf + n * sizeof(h), &h, sizeof(h)) < 0)
      return -1;
    n++;
  }
  return n;
}
