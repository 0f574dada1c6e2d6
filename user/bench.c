// bench.c: weft's micro-benchmarks (`make bench` runs them; docs/performance.md
// explains the figures). Each figure is a row of the table below: a name
// and a function that measures it and prints "name value unit" lines, each
// value the median of several runs (or "name fail -" when it cannot run).
// Time comes from the time CSR (rdtime; QEMU virt counts it at 10 MHz, i.e.
// 100 ns per tick); under `-icount shift=0` one instruction is 1 ns.
// Invariant: a figure leaves the process as it found it -- heap given back,
// pipes closed, children reaped, threads joined, mappings unmapped -- so
// figures can run in any order.
//
//   bench          run every figure        bench NAME ...   run those
//   bench -l       list the figures for    bench -m         list the figures for
//                  one hart with icount                     several harts, real time
//   bench -r       list the figures for one hart, real time (no icount)
//   bench -n       exit at once (the program fork_exec execs)
//
// This file is the runner: the helpers the figures share, the table and
// main. The figures live by subject in user/bench/*.c, all linked into one
// program (like usertests and user/ut/): fork.c (fork, exec, page faults),
// switch.c (system calls and switches, processes vs threads) and
// realtime.c (par, wakeup_idle, tlb); bench/bench.h declares what they share.
// Reading order: bench/bench.h, the table and main at the end of this file,
// the helpers, then one group.

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/bench/bench.h"

// ---------------------------------------------------------------- helpers

// The middle value of v[0..n) (sorts v in place; n is small).
uint64
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

void
report(const char *name, const char *suffix, uint64 value, const char *unit)
{
  printf("%s%s %d %s\n", name, suffix, (int)value, unit);
}

int
report_fail(const char *name, const char *suffix)
{
  printf("%s%s fail -\n", name, suffix);
  return -1;
}

// Grow the heap by n bytes and write to every page, so each one is really
// backed by memory of its own. Returns the start, or 0 if sbrk refused.
char *
heap_grow_touched(uint64 n)
{
  char *base = sbrk((int)n);
  if (base == (char *)-1)
    return 0;
  for (uint64 off = 0; off < n; off += PAGE)
    base[off] = (char)(off / PAGE) | 1;
  return base;
}

void
heap_release(uint64 n)
{
  sbrk(-(int)n);
}

// The kernel's counters (meminfo, hartstat); 0 when the call fails.
uint64
free_pages(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.free_pages;
}

uint64
cow_copied(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.cow_copied;
}

uint64
zero_fills(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.zero_fills;
}

// Address-space switches (satp writes) all harts made so far (hartstat).
uint64
mm_switches(void)
{
  struct hartstat hs[NCPU];
  int n = hartstat(hs, NCPU);
  uint64 sum = 0;
  for (int i = 0; i < n; i++)
    sum += hs[i].mm_switches;
  return sum;
}

// The ping-pong figures (and tlb) bounce one byte through two pipes: `down`
// carries it to the echoing side, `up` back. open_pipes makes both or neither.
int
open_pipes(int down[2], int up[2])
{
  if (pipe(down) < 0)
    return -1;
  if (pipe(up) < 0) {
    close(down[0]);
    close(down[1]);
    return -1;
  }
  return 0;
}

// The echoing side: send every byte back until `in` reaches end of file.
void
echo_bytes(int in, int out)
{
  char c;
  while (read(in, &c, 1) == 1)
    if (write(out, &c, 1) != 1)
      break;
}

// ---------------------------------------------------------------- table

// The first group runs on one hart under icount (bench -l); "par" and
// "wakeup_idle" want two harts and real time (bench -m); "tlb" one hart and
// real time (bench -r).
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
  { "thread_create_join", bench_thread_create_join, 0, 21, 0 },
  { "clone_create",  bench_clone_create,  0,          21, 0 },
  { "pingpong_thread", bench_pingpong_thread, 200,    11, 0 },
  { "futex_pingpong", bench_futex_pingpong, 200,      11, 0 },
  { "zero_fault",    bench_zero_fault,    256,        11, 0 },
  { "par",           bench_parallel,      100000000,   7, 0, 1 },
  { "wakeup_idle",   bench_wakeup,        0,          21, 0, 1 },
  { "tlb",           bench_tlb,           0,           0, 0, 2 },
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
  int list_smp = -1;
  if (argc > 1 && strcmp(argv[1], "-l") == 0)
    list_smp = 0;
  if (argc > 1 && strcmp(argv[1], "-m") == 0)
    list_smp = 1;
  if (argc > 1 && strcmp(argv[1], "-r") == 0)
    list_smp = 2;
  if (list_smp >= 0) {
    for (int i = 0; i < NFIGURES; i++)
      if (figures[i].smp == list_smp)
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
