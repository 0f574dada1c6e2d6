// main.c: boot. The boot hart (chosen by OpenSBI) initialises every
// subsystem in dependency order, creates the first process, starts the
// other harts through SBI HSM, and becomes a scheduler like them.

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
#include "kalloc.h"
#include "trap.h"
#include "dev.h"
#include "buf.h"
#include "inode.h"
#include "file.h"
#include "sbi.h"
#include "exec.h"
#include "fdt.h"
#include "printf.h"

extern int boot_hartid;
extern char _entry_hart[];
static volatile int harts_go;   // other harts wait for the kernel page table

// Memory first: everything after it allocates pages or needs paging on.
static void
boot_memory(uint64 dtb)
{
  kinit(fdt_memory_end(dtb));   // physical pages: all the RAM there is
  kvminit();        // the kernel page table ...
  kvminithart();    // ... and paging on with it
  mminit();         // address-space structs
}

// Tables of processes and threads, then the tick and the interrupt controller.
static void
boot_tasks_and_traps(void)
{
  procinit();
  threadinit();
  trapinit();
  trapinithart();
  plicinit();
  plicinithart();
}

// The file layers bottom-up: block cache, inodes, open files, the disk.
static void
boot_files(void)
{
  binit();
  iinit();
  fileinit();
  virtio_disk_init();
}

// Boot hart: a0 = hart id, a1 = device tree (read once, for the RAM size).
void
kmain(uint64 hartid, uint64 dtb)
{
  boot_hartid = hartid;
  consoleinit();
  printfinit();
  printf("\nweft: a RISC-V teaching kernel of processes and threads\n");
  printf("weft: boot hart %d\n", (int)hartid);

  boot_memory(dtb);
  boot_tasks_and_traps();
  boot_files();
  userinit();       // the first process (pid 1); it mounts the file system once it runs
  kthreadinit();    // the kernel's own process, for kernel threads
  kthread_create(futex_timeouts, 0, "futexd");

  __sync_synchronize();
  harts_go = 1;
  int started = 1;
  for (int h = 0; h < NCPU; h++) {
    if (h == hartid || sbi_hart_status(h) < 0)
      continue;     // ourselves, or no such hart
    if (sbi_hart_start(h, (uint64)_entry_hart, 0) == 0) {
      while (!__atomic_load_n(&cpus[h].started, __ATOMIC_ACQUIRE))
        ;
      started++;
    }
  }
  printf("weft: %d hart%s running, %d MiB RAM, %d free pages\n", started,
         started > 1 ? "s" : "", (int)((ram_top - KERNBASE) >> 20), (int)kfree_pages());
  scheduler();
}

// Other harts, from _entry_hart.
void
khartmain(uint64 hartid)
{
  while (!harts_go)
    ;
  __sync_synchronize();
  kvminithart();
  trapinithart();
  plicinithart();
  printf("weft: hart %d started\n", (int)hartid);
  scheduler();
}
