// main.c: boot. The boot hart (the one that won boot_claim in entry.S)
// initialises every subsystem in dependency order, creates the first
// process, starts the other harts one at a time through SBI HSM, prints
// the banner, and only then lets any hart schedule -- so every boot line
// comes before the first user output.
// Sharing: hart_turn (entry.S) lets one waiting hart at a time into the
// kernel; hart_up[h] is decided once by compare-and-swap, either by hart h
// (it is up) or by the boot hart (it gave up waiting: h must stop).
// Reading order: kmain, start_harts, start_hart, khartmain, boot_handoff.

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
#include "kalloc.h"
#include "trap.h"
#include "dev.h"
#include "buf.h"
#include "inode.h"
#include "file.h"
#include "sbi.h"
#include "exec.h"
#include "fdt.h"
#include "signal.h"
#include "sighand.h"
#include "printf.h"

extern int boot_hartid;          // trap.c: the hart that counts ticks
extern char _entry[];            // entry.S: where every hart starts
extern uint64 boot_hart;         // entry.S: the hart id that runs kmain
extern uint64 hart_turn;         // entry.S: the hart id let in next, or -1

// Wait this long (time CSR, 10 MHz on QEMU virt) for a started hart.
#define HART_START_WAIT (10 * 10000000UL)
// Hart ids probed for harts that exist but have no slot (id >= NCPU).
#define MAX_HARTID 64

enum { HART_WAITING, HART_UP, HART_GIVEN_UP };
static int hart_up[NCPU];        // HART_*: set once, by compare-and-swap
static volatile int boot_done;   // the banner is out: harts may schedule
static uint64 handoff_from = -1; // the firmware's boot hart, if it handed off

static int start_harts(uint64 me);

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
  sighandinit();
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
  cpu_attach(hartid);
  boot_hartid = hartid;
  // Paging first: the device registers are mapped in the kernel window
  // (memlayout.h), so the console works only once it is on.
  boot_memory(dtb);
  consoleinit();
  printfinit();
  printf("\nweft: a RISC-V teaching kernel of processes and threads\n");
  if (handoff_from != (uint64)-1)
    printf("weft: boot hart %d (the firmware chose hart %d, which has no slot below NCPU %d)\n",
           (int)hartid, (int)handoff_from, NCPU);
  else
    printf("weft: boot hart %d\n", (int)hartid);
  tlbinit();
  boot_tasks_and_traps();
  boot_files();
  userinit();       // the first process (pid 1); it mounts the file system once it runs
  kthreadinit();    // the kernel's own process, for kernel threads
  kthread_create(futex_timeouts, 0, "futexd");

  int running = 1 + start_harts(hartid);
  printf("weft: %d hart%s running, %d MiB RAM, %d free pages, copy-on-write fork %s\n",
         running, running > 1 ? "s" : "", (int)((ram_top - KERNBASE) >> 20),
         (int)kfree_pages(), COW ? "on" : "off (COW=0)");
  // The console was not up when kinit capped RAM: say it now, not never.
  if (ram_reported > RAMTOP_MAX)
    printf("weft: warning: the machine has %d MiB RAM; weft uses only the first %d MiB "
           "(RAMTOP_MAX in memlayout.h)\n", (int)((ram_reported - KERNBASE) >> 20),
           (int)((RAMTOP_MAX - KERNBASE) >> 20));
  __atomic_store_n(&boot_done, 1, __ATOMIC_RELEASE);
  scheduler();
}

// Let hart h in and wait, at most HART_START_WAIT, until it is up. The
// firmware leaves other harts stopped, so h normally needs sbi_hart_start;
// a hart some firmware already let loose is waiting at _entry for its
// turn and only needs that. Returns 1 if h is up.
static int
start_hart(int h)
{
  __atomic_store_n(&hart_turn, h, __ATOMIC_RELEASE);
  if (sbi_hart_status(h) == SBI_HSM_STOPPED &&
      sbi_hart_start(h, (uint64)_entry, 0) != 0) {
    __atomic_store_n(&hart_turn, -1, __ATOMIC_RELEASE);
    return 0;
  }
  uint64 deadline = r_time() + HART_START_WAIT;
  while (__atomic_load_n(&hart_up[h], __ATOMIC_ACQUIRE) == HART_WAITING &&
         r_time() < deadline)
    ;
  int waiting = HART_WAITING;
  if (__atomic_compare_exchange_n(&hart_up[h], &waiting, HART_GIVEN_UP, 0,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    // Too late: take the turn back if h never took it; if it did, it
    // will find HART_GIVEN_UP and stop.
    uint64 mine = h;
    __atomic_compare_exchange_n(&hart_turn, &mine, (uint64)-1, 0,
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return 0;
  }
  return 1;
}

// Start every other hart below NCPU, one at a time, and say on the
// console which came up, which did not, and which are parked for want of a
// slot. Returns how many came up.
static int
start_harts(uint64 me)
{
  int up = 0;

  for (int h = 0; h < NCPU; h++) {
    if (h == me || sbi_hart_status(h) < 0)
      continue;     // ourselves, or no such hart
    if (start_hart(h)) {
      printf("weft: hart %d started\n", h);
      up++;
    } else {
      printf("weft: hart %d did not start\n", h);
    }
  }
  int parked = 0;
  for (int h = NCPU; h < MAX_HARTID; h++) {
    if (sbi_hart_status(h) < 0)
      continue;
    printf("%s %d", parked++ ? "" : "weft: parked harts", h);
  }
  if (parked)
    printf(" (hart ids >= NCPU %d have no slot; raise NCPU in param.h)\n", NCPU);
  return up;
}

// Other harts, from _entry once the boot hart gave them their turn.
void
khartmain(uint64 hartid)
{
  cpu_attach(hartid);
  kvminithart();
  trapinithart();
  plicinithart();
#ifdef WEFT_TEST_LATE_HART
  // Test build: this hart turns up 2 s after the boot hart stopped waiting.
  if (hartid == WEFT_TEST_LATE_HART)
    for (uint64 t0 = r_time(); r_time() - t0 < HART_START_WAIT + 20000000UL; )
      ;
#endif
  int waiting = HART_WAITING;
  if (!__atomic_compare_exchange_n(&hart_up[hartid], &waiting, HART_UP, 0,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    sbi_hart_stop();    // kmain gave up on us and said so: stay out
  while (!__atomic_load_n(&boot_done, __ATOMIC_ACQUIRE))
    ;
  scheduler();
}

// The firmware gave the boot path to a hart id >= NCPU, which has no boot
// stack and no struct cpu. Pass the boot path to the first stopped hart
// below NCPU and stop this one. Runs with the MMU off on entry.S's small
// handoff stack with nothing set up: only SBI calls and entry.S's words.
void
boot_handoff(uint64 hartid)
{
  handoff_from = hartid;
  for (int h = 0; h < NCPU; h++) {
    if (sbi_hart_status(h) != SBI_HSM_STOPPED)
      continue;
    boot_hart = h;
    __atomic_store_n(&hart_turn, h, __ATOMIC_RELEASE);
    if (sbi_hart_start(h, (uint64)_entry, 0) == 0)
      sbi_hart_stop();
  }
  for (const char *s = "weft: no hart below NCPU can boot\n"; *s; s++)
    sbi_console_putchar(*s);
  sbi_poweroff(1);
}
