// kalloc.c: the physical page allocator.
//
// Owns every 4096-byte page of RAM from the end of the kernel image to
// ram_top (PHYSTOP unless the device tree reports more RAM). Free pages form a singly linked list threaded through the pages
// themselves. Each page also has a reference count, so a page can be mapped
// by several address spaces (copy-on-write, shared mappings) and is freed
// only when the last reference is dropped.
// Locking: kmem.lock protects the free list, the counts and the counters.
// Invariant: a page is on the free list exactly when its count is zero.

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
#define PAGE_INDEX(pa) (((uint64)(pa) - KERNBASE) / PGSIZE)

struct freepage {
  struct freepage *next;
};

static struct {
  struct spinlock lock;
  struct freepage *free;
  uint64 nfree;
  uint64 ntotal;
  ushort refs[NPAGES];
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
    kmem.refs[PAGE_INDEX(fp)] = 1;
  }
  release(&kmem.lock);
  if (fp)
    memset(fp, 0x55, PGSIZE);  // junk: catches readers of uninitialised pages
  return fp;
}

// Drop one reference to pa; the page goes back to the free list at zero.
void
kfree(void *pa)
{
  check_page(pa, "kfree");
  acquire(&kmem.lock);
  ushort *ref = &kmem.refs[PAGE_INDEX(pa)];
  if (*ref == 0)
    panic("kfree: page is already free");
  if (--*ref > 0) {
    release(&kmem.lock);
    return;
  }
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
  acquire(&kmem.lock);
  if (kmem.refs[PAGE_INDEX(pa)] == 0)
    panic("kref_get: page is free");
  kmem.refs[PAGE_INDEX(pa)]++;
  release(&kmem.lock);
}

int
kref_count(void *pa)
{
  check_page(pa, "kref_count");
  acquire(&kmem.lock);
  int n = kmem.refs[PAGE_INDEX(pa)];
  release(&kmem.lock);
  return n;
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
