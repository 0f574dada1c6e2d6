// sysmem.c: system calls about memory: the break and the allocator's
// counters. The work is done by mm.c and kalloc.c.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "kalloc.h"
#include "sysarg.h"
#include "sysnums.h"
#include "weftabi.h"
#include "klib.h"

// sbrk(n): move the break by n bytes; returns the old break, or -1.
uint64
sys_sbrk(void)
{
  int n;
  argint(0, &n);
  return mm_grow(myproc()->mm, n);
}

uint64
sys_meminfo(void)
{
  uint64 dst;
  argaddr(0, &dst);
  struct meminfo mi;
  memset(&mi, 0, sizeof(mi));
  mi.total_pages = ktotal_pages();
  mi.free_pages = kfree_pages();
  mm_counters(&mi);
  return copyout(myproc()->mm, dst, &mi, sizeof(mi));
}
