// bench.c: weft's micro-benchmarks (`make bench` runs them; docs/performance.md
// explains the figures). Each figure is a row of the table at the end: a name
// and a function that measures it and prints "name value unit" lines, each
// value the median of several runs (or "name fail -" when it cannot run).
// Time comes from the time CSR (rdtime; QEMU virt counts it at 10 MHz, i.e.
// 100 ns per tick); under `-icount shift=0` one instruction is 1 ns.
// Invariant: a figure leaves the process as it found it -- heap given back,
// pipes closed, children reaped -- so figures can run in any order.
//
//   bench          run every figure        bench NAME ...   run those
//   bench -l       list the figures        bench -n         exit at once
//                                          (the program fork_exec execs)

#include "kernel/types.h"
#include "user/user.h"

#define NS_PER_TICK 100         // time CSR ticks at 10 MHz
#define PAGE 4096
#define KIB 1024UL
#define MIB (1024UL * 1024)
#define LEAF_SPAN (2 * MIB)     // memory one last-level page-table page maps
#define MAXREPS 31

struct figure {
  const char *name;
  int (*run)(const struct figure *f);  // prints the figure's lines; 0 or -1
  uint64 size;          // bytes of touched heap, or operations per sample
  int reps;             // samples; the median is reported
  int extra;            // fork figures: also report the pages fork copied
};

// ---------------------------------------------------------------- helpers

static inline uint64
now(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

// The middle value of v[0..n) (sorts v in place; n is small).
static uint64
median(uint64 *v, int n)
{
  for (int i = 1; i < n; i++) {
    uint64 x = v[i];
    int j = i;
    for (; j > 0 && v[j - 1] > x; j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
  return v[n / 2];
}

// Time CSR ticks to nanoseconds; ns_to_us rounds to the nearest microsecond.
static uint64
ticks_to_ns(uint64 ticks)
{
  return ticks * NS_PER_TICK;
}

static uint64
ns_to_us(uint64 ns)
{
  return (ns + 500) / 1000;
}

static void
report(const char *name, const char *suffix, uint64 value, const char *unit)
{
  printf("%s%s %d %s\n", name, suffix, (int)value, unit);
}

static int
report_fail(const char *name, const char *suffix)
{
  printf("%s%s fail -\n", name, suffix);
  return -1;
}

// Grow the heap by n bytes and write to every page, so each one is really
// backed by memory of its own. Returns the start, or 0 if sbrk refused.
static char *
heap_grow_touched(uint64 n)
{
  char *base = sbrk((int)n);
  if (base == (char *)-1)
    return 0;
  for (uint64 off = 0; off < n; off += PAGE)
    base[off] = (char)(off / PAGE) | 1;
  return base;
}

static void
heap_release(uint64 n)
{
  sbrk(-(int)n);
}

static uint64
free_pages(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.free_pages;
}

static uint64
cow_copied(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.cow_copied;
}

// ---------------------------------------------------------------- fork

// One fork whose child exits at once, timed from fork to the parent's
// wait returning. Returns ticks, or -1 if fork failed.
static long
time_fork_exit_wait(void)
{
  uint64 t0 = now();
  int pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    exit(0);
  wait(0);
  return (long)(now() - t0);
}

// Pages that one fork of this process takes from the allocator: free pages
// just before fork minus free pages seen by the child as its first act
// (sent back through a pipe). *copies gets the COW faults' page copies
// counted by the kernel between fork and wait. Returns -1 if fork failed.
static long
fork_page_cost(uint64 *copies)
{
  int p[2];
  if (pipe(p) < 0)
    return -1;
  uint64 copied0 = cow_copied();
  uint64 before = free_pages();
  int pid = fork();
  if (pid == 0) {
    uint64 seen = free_pages();
    write(p[1], &seen, sizeof seen);
    exit(0);
  }
  uint64 seen = before;
  if (pid > 0) {
    if (read(p[0], &seen, sizeof seen) != sizeof seen)
      seen = before;
    wait(0);
  }
  close(p[0]);
  close(p[1]);
  *copies = cow_copied() - copied0;
  return pid < 0 ? -1 : (long)(before - seen);
}

// Last-level page-table pages a fork needs for heap [old, old+n) on top of
// those it needs for [0, old).
static uint64
leaf_tables_for(uint64 old, uint64 n)
{
  return (old + n - 1) / LEAF_SPAN - (old - 1) / LEAF_SPAN;
}

// "fork_Nm_pages_copied": heap pages fork duplicated, i.e. what a fork with
// the big heap took beyond a fork without it (base), less the page-table
// pages the bigger address space needs anyway. About 0 with copy-on-write,
// the whole heap with COW=0. "fork_Nm_cow_copied": copies made by COW faults
// from fork to wait (a stack page or two: the heap is never written).
static void
report_pages_copied(const struct figure *f, long base, uint64 old)
{
  uint64 copies;
  long cost = fork_page_cost(&copies);
  if (cost < 0 || base < 0) {
    report_fail(f->name, "_pages_copied");
    report_fail(f->name, "_cow_copied");
    return;
  }
  long data = cost - base - (long)leaf_tables_for(old, f->size);
  report(f->name, "_pages_copied", data < 0 ? 0 : data, "pages");
  report(f->name, "_cow_copied", copies, "pages");
}

// fork+exit+wait of a process with f->size bytes of touched heap.
static int
bench_fork(const struct figure *f)
{
  uint64 ignored;
  long base = f->extra ? fork_page_cost(&ignored) : 0;
  uint64 old = (uint64)sbrk(0);
  if (heap_grow_touched(f->size) == 0)
    return report_fail(f->name, "");
  uint64 samples[MAXREPS];
  int ok = 1;
  for (int i = 0; i < f->reps && ok; i++) {
    long t = time_fork_exit_wait();
    if (t < 0)
      ok = 0;
    else
      samples[i] = ticks_to_ns(t);
  }
  if (ok)
    report(f->name, "", ns_to_us(median(samples, f->reps)), "us");
  else
    report_fail(f->name, "");
  if (f->extra)
    report_pages_copied(f, base, old);
  heap_release(f->size);
  return ok ? 0 : -1;
}

// fork, exec of a program that exits at once (this one, with -n), wait.
static int
bench_fork_exec(const struct figure *f)
{
  uint64 samples[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    uint64 t0 = now();
    int pid = fork();
    if (pid < 0)
      return report_fail(f->name, "");
    if (pid == 0) {
      char *argv[] = { "bench", "-n", 0 };
      exec("/bench", argv);
      exit(1);
    }
    int status = -1;
    wait(&status);
    if (status != 0)
      return report_fail(f->name, "");
    samples[i] = ticks_to_ns(now() - t0);
  }
  report(f->name, "", ns_to_us(median(samples, f->reps)), "us");
  return 0;
}

// ---------------------------------------------------------------- others

// A byte bounced between two processes through two pipes, f->size round
// trips per sample; each round trip is two switches between processes.
static int
bench_pingpong_proc(const struct figure *f)
{
  int down[2], up[2];
  if (pipe(down) < 0)
    return report_fail(f->name, "");
  if (pipe(up) < 0) {
    close(down[0]);
    close(down[1]);
    return report_fail(f->name, "");
  }
  int pid = fork();
  if (pid == 0) {
    char c;
    close(down[1]);
    close(up[0]);
    while (read(down[0], &c, 1) == 1)
      if (write(up[1], &c, 1) != 1)
        break;
    exit(0);
  }
  close(down[0]);
  close(up[1]);
  uint64 samples[MAXREPS];
  int ok = pid > 0;
  for (int i = 0; i < f->reps && ok; i++) {
    char c = 'x';
    uint64 t0 = now();
    for (uint64 n = 0; n < f->size && ok; n++)
      ok = write(down[1], &c, 1) == 1 && read(up[0], &c, 1) == 1;
    samples[i] = ticks_to_ns(now() - t0) / f->size;
  }
  close(down[1]);             // the child sees end of file and exits
  close(up[0]);
  if (pid > 0)
    wait(0);
  if (!ok)
    return report_fail(f->name, "");
  report(f->name, "", median(samples, f->reps), "ns");
  return 0;
}

// The child of a fork writes one byte into each of f->size heap pages the
// parent still shares; the time per page is sent back through a pipe.
static void
cow_fault_child(volatile char *heap, uint64 npages, int fd)
{
  volatile uint64 warm = 0;     // fault the stack page in before timing
  warm++;
  uint64 t0 = now();
  for (uint64 i = 0; i < npages; i++)
    heap[i * PAGE] = 2;
  uint64 per_page = ticks_to_ns(now() - t0) / npages;
  write(fd, &per_page, sizeof per_page);
  exit(0);
}

static int
bench_cow_fault(const struct figure *f)
{
  uint64 bytes = f->size * PAGE;
  char *heap = heap_grow_touched(bytes);
  if (heap == 0)
    return report_fail(f->name, "");
  int p[2];
  if (pipe(p) < 0) {
    heap_release(bytes);
    return report_fail(f->name, "");
  }
  uint64 samples[MAXREPS];
  int ok = 1;
  for (int i = 0; i < f->reps && ok; i++) {
    int pid = fork();
    if (pid == 0)
      cow_fault_child(heap, f->size, p[1]);
    // The parent waits in read() and never writes the heap meanwhile, so
    // every page the child stores to is still shared: each is a real copy.
    ok = pid > 0 && read(p[0], &samples[i], sizeof samples[i]) == sizeof samples[i];
    if (pid > 0)
      wait(0);
  }
  close(p[0]);
  close(p[1]);
  heap_release(bytes);
  if (!ok)
    return report_fail(f->name, "");
  report(f->name, "", median(samples, f->reps), "ns");
  return 0;
}

// getpid() f->size times per sample: the round trip user -> kernel -> user.
static int
bench_null_syscall(const struct figure *f)
{
  uint64 samples[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    uint64 t0 = now();
    for (uint64 n = 0; n < f->size; n++)
      getpid();
    samples[i] = ticks_to_ns(now() - t0) / f->size;
  }
  report(f->name, "", median(samples, f->reps), "ns");
  return 0;
}

// ---------------------------------------------------------------- table

// Thread figures (pthread_create+join, a ping-pong between two threads of
// one process) belong here once user/pthread.c exists.
static const struct figure figures[] = {
  { "null_syscall",  bench_null_syscall,  1000,       11, 0 },
  { "fork_4k",       bench_fork,          4 * KIB,    21, 0 },
  { "fork_1m",       bench_fork,          1 * MIB,    21, 0 },
  { "fork_16m",      bench_fork,          16 * MIB,   11, 0 },
  { "fork_48m",      bench_fork,          48 * MIB,    7, 1 },
  { "fork_64m",      bench_fork,          64 * MIB,    7, 1 },
  { "fork_exec",     bench_fork_exec,     0,          11, 0 },
  { "pingpong_proc", bench_pingpong_proc, 200,        11, 0 },
  { "cow_fault",     bench_cow_fault,     256,        11, 0 },
};
#define NFIGURES ((int)(sizeof figures / sizeof figures[0]))

static const struct figure *
find_figure(const char *name)
{
  for (int i = 0; i < NFIGURES; i++)
    if (strcmp(figures[i].name, name) == 0)
      return &figures[i];
  return 0;
}

int
main(int argc, char *argv[])
{
  if (argc > 1 && strcmp(argv[1], "-n") == 0)
    exit(0);
  if (argc > 1 && strcmp(argv[1], "-l") == 0) {
    for (int i = 0; i < NFIGURES; i++)
      printf("%s\n", figures[i].name);
    exit(0);
  }
  int failed = 0;
  if (argc == 1) {
    for (int i = 0; i < NFIGURES; i++)
      failed |= figures[i].run(&figures[i]) < 0;
    exit(failed);
  }
  for (int i = 1; i < argc; i++) {
    const struct figure *f = find_figure(argv[i]);
    if (f == 0) {
      fprintf(2, "bench: no figure %s (bench -l lists them)\n", argv[i]);
      exit(2);
    }
    failed |= f->run(f) < 0;
  }
  exit(failed);
}
