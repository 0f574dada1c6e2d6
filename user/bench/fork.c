// bench/fork.c: the figures on fork, exec and page faults -- fork_4k ..
// fork_64m (and, for the big heaps, the pages fork copied), fork_exec,
// cow_fault and zero_fault. All run on one hart under icount (bench -l).
// The runner is user/bench.c (the table, main and the helpers declared in
// bench.h); docs/performance.md says what each figure shows.
// Reading order: bench_fork and its helpers, bench_fork_exec,
// bench_cow_fault, bench_zero_fault.
#include "kernel/types.h"
#include "user/user.h"
#include "user/bench/bench.h"

#define LEAF_SPAN (2 * MIB)     // memory one last-level page-table page maps

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
int
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
int
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

// ---------------------------------------------------------------- page faults

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

int
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

// One sample of zero_fault: map f->size fresh anonymous pages, store to
// each once, unmap. Ticks per page, or -1 if mmap failed or the stores did
// not each take a demand-zero fault.
static long
time_zero_faults(uint64 npages)
{
  uint64 len = npages * PAGE;
  volatile char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  uint64 fills0 = zero_fills();
  uint64 t0 = now();
  for (uint64 i = 0; i < npages; i++)
    p[i * PAGE] = 1;
  uint64 ticks = now() - t0;
  uint64 fills = zero_fills() - fills0;
  munmap((void *)p, len);
  return fills < npages ? -1 : (long)ticks;
}

int
bench_zero_fault(const struct figure *f)
{
  uint64 samples[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    long t = time_zero_faults(f->size);
    if (t < 0)
      return report_fail(f->name, "");
    samples[i] = ticks_to_ns(t) / f->size;
  }
  report(f->name, "", median(samples, f->reps), "ns");
  return 0;
}
