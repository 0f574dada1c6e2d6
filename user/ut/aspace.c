// ut/aspace.c: the address space as the kernel shares it -- the kernel
// window mapped in every page table but closed to user code and to every
// user allocation, thread switches that keep the address space loaded, and
// TLB shootdowns that reach a thread running on another hart.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/ut/ut.h"

static uint64 probe_va;
static void probe_read(void) { sink = *(volatile char *)probe_va; }
static void probe_write(void) { *(volatile char *)probe_va = 1; }

// Every part of the kernel window: RAM, the device registers, the kernel
// stacks at its top. Mapped in this very page table, yet a load or a
// store from user mode kills the process.
void
t_kernwindow(void)
{
  uint64 vas[] = { KWIN_LO, KERNLOAD, UART0, VIRTIO0, PLIC, KWIN_HI - 2 * PGSIZE,
                   KWIN_HI - 1 };
  for (int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
    probe_va = vas[i];
    int st = run_child(probe_read);
    CHECK(st == -1, "load from kernel-window address %p: expected the child killed, "
          "got status %d", (void *)vas[i], st);
    st = run_child(probe_write);
    CHECK(st == -1, "store to kernel-window address %p: expected the child killed, "
          "got status %d", (void *)vas[i], st);
  }
  // The kernel's copies refuse the window too.
  int fd = open("kwin.tmp", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open kwin.tmp failed");
  CHECK(write(fd, (void *)KERNLOAD, 16) == -1, "write() from kernel text: expected -1");
  CHECK(write(fd, "0123456789abcdef", 16) == 16, "write of 16 bytes failed");
  close(fd);
  fd = open("kwin.tmp", O_RDONLY);
  CHECK(read(fd, (void *)(KWIN_LO + 0x400000), 16) == -1, "read() into kernel RAM: expected -1");
  CHECK(read(fd, (void *)UART0, 16) == -1, "read() into the UART's registers: expected -1");
  close(fd);
  unlink("kwin.tmp");
}

// No user allocation can reach into the window: mmap with or without a
// hint, across either edge, and no call changes what is already there.
void
t_kwinalloc(void)
{
  int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  uint64 fixed[][2] = {
    { KWIN_LO, PGSIZE },                       // its first page
    { KDEV, PGSIZE },                          // the devices
    { KWIN_LO - PGSIZE, 2 * PGSIZE },          // across the lower edge
    { KWIN_HI - PGSIZE, 2 * PGSIZE },          // across the upper edge
    { KWIN_LO - PGSIZE, KWIN_HI - KWIN_LO + 2 * PGSIZE },   // over all of it
  };
  for (int i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
    void *p = mmap((void *)fixed[i][0], fixed[i][1], rw, anon | MAP_FIXED, -1, 0);
    CHECK(p == MAP_FAILED, "mmap(MAP_FIXED, %p, %d bytes) into the kernel window: "
          "expected MAP_FAILED, got %p", (void *)fixed[i][0], (int)fixed[i][1], p);
  }
  CHECK(mprotect((void *)KERNLOAD, PGSIZE, rw) == -1,
        "mprotect of kernel text: expected -1");
  // Without a hint, large regions go around the window: fill the space the
  // window is part of with 1 GiB regions (no page is touched, nothing is
  // allocated) and check none of them overlaps it.
  void *got[64];
  int n = 0;
  for (; n < 64; n++) {
    got[n] = mmap(0, 1UL << 30, PROT_READ, anon, -1, 0);
    if (got[n] == MAP_FAILED)
      break;
    uint64 a = (uint64)got[n];
    CHECK(a + (1UL << 30) <= KWIN_LO || a >= KWIN_HI,
          "mmap placed 1 GiB at %p, inside the kernel window", got[n]);
  }
  CHECK(n >= 8, "only %d regions of 1 GiB could be mapped", n);
  for (int i = 0; i < n; i++)
    CHECK(munmap(got[i], 1UL << 30) == 0, "munmap of region %d failed", i);
}

// ---- thread switches keep the address space ---------------------------------

static uint64
mm_switches(void)
{
  struct hartstat hs[NCPU];
  int n = hartstat(hs, NCPU);
  CHECK(n >= 1, "hartstat returned %d", n);
  uint64 sum = 0;
  for (int i = 0; i < n; i++)
    sum += hs[i].mm_switches;
  return sum;
}

#define ROUNDS 300
static int to_pong[2], to_ping[2];

static void *
pong(void *arg)
{
  char c;
  for (int i = 0; i < ROUNDS; i++)
    if (read(to_pong[0], &c, 1) != 1 || write(to_ping[1], &c, 1) != 1)
      break;
  return 0;
}

// Two threads hand a byte back and forth through pipes ROUNDS times, each
// blocking in read() in turn: switching between threads of one process
// writes satp (almost) never. The few allowed are other processes the
// harts may run meanwhile.
void
t_threadnosatp(void)
{
  CHECK(pipe(to_pong) == 0 && pipe(to_ping) == 0, "pipe failed");
  uint64 before = mm_switches();
  pthread_t t = spawn(pong, 0);
  char c = 'x';
  for (int i = 0; i < ROUNDS; i++)
    CHECK(write(to_pong[1], &c, 1) == 1 && read(to_ping[0], &c, 1) == 1,
          "round %d of the ping-pong failed", i);
  pthread_join(t, 0);
  uint64 used = mm_switches() - before;
  close(to_pong[0]); close(to_pong[1]); close(to_ping[0]); close(to_ping[1]);
  CHECK(used <= ROUNDS / 10, "%d round trips between two threads wrote satp %d times "
        "(a thread switch must keep the address space)", ROUNDS, (int)used);
}

// ---- shootdowns reach a thread running on another hart -----------------------

#define REMAP_ROUNDS 400
static char *remap_va;
static volatile int round_seen, round_ack, stale;

// Reads the page at remap_va in a loop; after each round the page must hold
// that round's number. A stale TLB entry would show the page it mapped
// before -- by then a scratch page filled with -1.
static void *
remap_reader(void *arg)
{
  for (int r = 1; r <= REMAP_ROUNDS; r++) {
    while (round_seen != r)
      ;
    for (int k = 0; k < 200; k++)
      if (*(volatile int *)remap_va != r) {
        stale = r;
        return 0;
      }
    round_ack = r;
  }
  return 0;
}

// A sibling thread keeps reading a page that this thread unmaps and maps
// again, with the freed page reused in between: the reader must never see
// the old page (CPUS > 1 runs the two on different harts).
void
t_tlbremap(void)
{
  int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  remap_va = mmap(0, PGSIZE, rw, anon, -1, 0);
  CHECK(remap_va != MAP_FAILED, "mmap failed");
  *(int *)remap_va = 1;
  pthread_t t = spawn(remap_reader, 0);
  round_seen = 1;
  for (int r = 2; r <= REMAP_ROUNDS && !stale; r++) {
    while (round_ack != r - 1 && !stale)
      ;
    if (stale)
      break;
    // The page about to be freed is the next one the allocator hands out:
    // let a scratch page (mapped first, touched only after the munmap) take
    // it and fill it with -1.
    int *scratch = mmap(0, PGSIZE, rw, anon, -1, 0);
    CHECK(scratch != MAP_FAILED, "scratch mmap failed");
    CHECK(munmap(remap_va, PGSIZE) == 0, "munmap failed in round %d", r);
    for (int k = 0; k < PGSIZE / sizeof(int); k++)
      scratch[k] = -1;
    CHECK(mmap(remap_va, PGSIZE, rw, anon | MAP_FIXED, -1, 0) == remap_va,
          "MAP_FIXED remap failed in round %d", r);
    *(int *)remap_va = r;
    round_seen = r;
    CHECK(munmap(scratch, PGSIZE) == 0, "munmap of scratch failed");
  }
  while (!stale && round_ack != REMAP_ROUNDS)
    ;
  pthread_join(t, 0);
  CHECK(!stale, "round %d: the reader saw the old page through a stale translation", stale);
  munmap(remap_va, PGSIZE);
}
