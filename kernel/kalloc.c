// kalloc.c: the physical page allocator.
//
// Owns every 4096-byte page of RAM from the end of the kernel image to
// ram_top (PHYSTOP unless the device tree reports more RAM). Free pages
// form a singly linked list threaded through the pages themselves. Each
// page also has a reference count, so a page can be mapped by several
// address spaces (copy-on-write, shared mappings) and is freed only when
// the last reference is dropped.
// Locking: kmem.lock protects the free list and the counters. The
// reference counts are changed with atomic operations and no lock, so
// fork's sharing of every page and exit's dropping of them cost a few
// instructions a page, not a lock round trip each.
// Invariant: a page whose count is zero is on the free list, or about to be
// put there by the kfree that dropped the count.
// Pages are handed out as they are: whoever takes one initialises it. A
// DEBUG=1 build fills pages with junk when they are allocated and freed, to
// catch readers of uninitialised or freed memory.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"

extern char end[];   // first address after the kernel image (kernel.ld)

#define NPAGES ((RAMTOP_MAX - KERNBASE) / PGSIZE)

uint64 ram_top = PHYSTOP;
uint64 ram_reported;    // kmain says so when RAM beyond RAMTOP_MAX goes unused
#define PAGE_INDEX(pa) (((uint64)(pa) - KERNBASE) / PGSIZE)

struct freepage {
  struct freepage *next;
};

static struct {
  struct spinlock lock;
  struct freepage *free;
  uint64 nfree;
  uint64 ntotal;
  uint refs[NPAGES];           // atomic
} kmem;

static void
check_page(void *pa, const char *who)
{
  uint64 a = (uint64)pa;
  if (a % PGSIZE != 0 || a < (uint64)end || a >= ram_top) {
    printf("%s: bad page %p\n", who, pa);
    panic("kalloc: not a page the allocator owns");
  }
}

// Take over RAM up to the end the device tree reports (PHYSTOP if it
// reports nothing usable).
void
kinit(uint64 reported_end)
{
  initlock(&kmem.lock, "kmem");
  ram_reported = reported_end;
  if (reported_end > PGROUNDUP((uint64)end) + 64 * PGSIZE)
    ram_top = reported_end > RAMTOP_MAX ? RAMTOP_MAX : PGROUNDDOWN(reported_end);
  for (uint64 pa = PGROUNDUP((uint64)end); pa + PGSIZE <= ram_top; pa += PGSIZE) {
    struct freepage *fp = (struct freepage *)pa;
    fp->next = kmem.free;
    kmem.free = fp;
    kmem.nfree++;
  }
  kmem.ntotal = kmem.nfree;
}

// One page with a reference count of 1, or 0 when memory is exhausted.
void *
kalloc(void)
{
  acquire(&kmem.lock);
  struct freepage *fp = kmem.free;
  if (fp) {
    kmem.free = fp->next;
    kmem.nfree--;
    __atomic_store_n(&kmem.refs[PAGE_INDEX(fp)], 1, __ATOMIC_RELEASE);
  }
  release(&kmem.lock);
#if WEFT_DEBUG
  if (fp)
    memset(fp, 0x55, PGSIZE);  // junk: catches readers of uninitialised pages
#endif
  return fp;
}

// Drop one reference to pa; the page goes back to the free list at zero.
void
kfree(void *pa)
{
  check_page(pa, "kfree");
  uint was = __atomic_fetch_sub(&kmem.refs[PAGE_INDEX(pa)], 1, __ATOMIC_ACQ_REL);
  if (was == 0)
    panic("kfree: page is already free");
  if (was > 1)
    return;
#if WEFT_DEBUG
  memset(pa, 0x66, PGSIZE);    // junk: catches users of freed pages
#endif
  acquire(&kmem.lock);
  struct freepage *fp = (struct freepage *)pa;
  fp->next = kmem.free;
  kmem.free = fp;
  kmem.nfree++;
  release(&kmem.lock);
}

void
kref_get(void *pa)
{
  check_page(pa, "kref_get");
  if (__atomic_fetch_add(&kmem.refs[PAGE_INDEX(pa)], 1, __ATOMIC_ACQ_REL) == 0)
    panic("kref_get: page is free");
}

int
kref_count(void *pa)
{
  check_page(pa, "kref_count");
  return __atomic_load_n(&kmem.refs[PAGE_INDEX(pa)], __ATOMIC_ACQUIRE);
}

uint64
kfree_pages(void)
{
  acquire(&kmem.lock);
  uint64 n = kmem.nfree;
  release(&kmem.lock);
  return n;
}

uint64
ktotal_pages(void)
{
  return kmem.ntotal;
}
