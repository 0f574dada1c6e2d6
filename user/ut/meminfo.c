// ut/meminfo.c: the meminfo() system call (the syscall lab,
// docs/labs/syscall.md): the page counts it reports follow what the
// process does with memory, and a bad destination is refused with -1.
// Reading order: meminfo (the numbers), meminfobad (the pointers).
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/ut/ut.h"

#define NPAGES 16

// The counts are sane and move with sbrk: NPAGES pages grown and touched
// come off free_pages, and come back when the heap shrinks again.
void
t_meminfo(void)
{
  struct meminfo a, b, c;
  memset(&a, 0xff, sizeof(a));
  CHECK(meminfo(&a) == 0, "meminfo(&mi): expected 0, got -1");
  CHECK(a.total_pages > 0 && a.total_pages < (1UL << 30),
        "total_pages: expected a plausible count, got %d", (int)a.total_pages);
  CHECK(a.free_pages > NPAGES && a.free_pages <= a.total_pages,
        "free_pages: expected between %d and total_pages (%d), got %d",
        NPAGES, (int)a.total_pages, (int)a.free_pages);
  char *p = sbrk(NPAGES * PGSIZE);
  CHECK(p != FAILED_PTR, "sbrk(%d pages) failed", NPAGES);
  for (int i = 0; i < NPAGES; i++)
    p[i * PGSIZE] = 1;
  CHECK(meminfo(&b) == 0, "meminfo after sbrk: expected 0, got -1");
  CHECK(b.total_pages == a.total_pages, "total_pages changed from %d to %d",
        (int)a.total_pages, (int)b.total_pages);
  CHECK(a.free_pages - b.free_pages >= NPAGES,
        "after touching %d new heap pages, free_pages fell by only %d",
        NPAGES, (int)(a.free_pages - b.free_pages));
  CHECK(sbrk(-NPAGES * PGSIZE) != FAILED_PTR, "sbrk(-%d pages) failed", NPAGES);
  CHECK(meminfo(&c) == 0, "meminfo after shrinking: expected 0, got -1");
  CHECK(c.free_pages - b.free_pages >= NPAGES,
        "after giving back %d heap pages, free_pages rose by only %d",
        NPAGES, (int)(c.free_pages - b.free_pages));
}

// A destination the process may not write: -1, and the process goes on.
void
t_meminfobad(void)
{
  struct meminfo mi;
  char *top = last_heap_page() + PGSIZE;           // unmapped from here up
  uint64 bad[] = {
    KERNBASE,                                     // the kernel
    (uint64)top,                                  // just past the heap
    (uint64)top - sizeof(mi) / 2,                 // across the end of the heap
    1UL << 63,                                    // not canonical
    (uint64)t_meminfobad,                         // program text: read-only
  };
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = meminfo((struct meminfo *)bad[i]);
    CHECK(r == -1, "meminfo(%p): expected -1, got %d", (void *)bad[i], r);
  }
  CHECK(meminfo(&mi) == 0, "meminfo(&mi) after the bad calls: expected 0, got -1");
}
