// sysmem.c: system calls about memory: the break and the allocator's
// counters. The work is done by mm.c and kalloc.c.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "tlb.h"
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

// meminfo(&mi): the allocator's page counts and the fault counters
// (struct meminfo in weftabi.h); 0, or -1 for a bad address.
uint64
sys_meminfo(void)
{
  // LAB syscall: BEGIN SOLUTION
  uint64 dst;
  argaddr(0, &dst);
  struct meminfo mi;
  memset(&mi, 0, sizeof(mi));
  mi.total_pages = ktotal_pages();
  mi.free_pages = kfree_pages();
  mm_counters(&mi);
  return copyout(myproc()->mm, dst, &mi, sizeof(mi));
  // LAB syscall: STUB
  //> // Lab syscall (docs/labs/syscall.md): fill a struct meminfo and copy
  //> // it out to the address in argument 0.
  //> return -1;
  // LAB syscall: END
}

// hartstat(buf, max): each started hart's scheduling and TLB counters
// (struct hartstat); returns how many records, or -1.
uint64
sys_hartstat(void)
{
  uint64 buf;
  int max;
  argaddr(0, &buf);
  argint(1, &max);
  return hartstats_fill(buf, max);
}

// mmap(addr, len, prot, flags, fd, off): anonymous mappings only, so fd
// must be -1 and off 0. Returns the address, or -1 (MAP_FAILED).
uint64
sys_mmap(void)
{
  uint64 addr, len, off;
  int prot, flags, fd;
  argaddr(0, &addr);
  argaddr(1, &len);
  argint(2, &prot);
  argint(3, &flags);
  argint(4, &fd);
  argaddr(5, &off);
  if (fd != -1 || off != 0)
    return -1;
  return mm_mmap(myproc()->mm, addr, len, prot, flags);
}

uint64
sys_munmap(void)
{
  uint64 addr, len;
  argaddr(0, &addr);
  argaddr(1, &len);
  return mm_munmap(myproc()->mm, addr, len);
}

uint64
sys_mprotect(void)
{
  uint64 addr, len;
  int prot;
  argaddr(0, &addr);
  argaddr(1, &len);
  argint(2, &prot);
  return mm_mprotect(myproc()->mm, addr, len, prot);
}
