// bench.h: what the figure groups (user/bench/*.c) share with the runner
// (user/bench.c): struct figure, the clock, the reporting and memory helpers,
// and the bench_* functions the runner's table names.
// Include after "kernel/types.h" and "user/user.h".
// A bench_* function measures one row of the table: it prints that row's
// "name value unit" lines (or "name fail -") and returns 0 or -1, leaving
// the process as it found it (bench.c says why).
#ifndef WEFT_BENCH_H
#define WEFT_BENCH_H

#define PAGE 4096
#define KIB 1024UL
#define MIB (1024UL * 1024)
#define MAXREPS 31

struct figure {
  const char *name;
  int (*run)(const struct figure *f);  // prints the figure's lines; 0 or -1
  uint64 size;          // bytes of touched heap, or operations per sample
  int reps;             // samples; the median is reported
  int extra;            // fork figures: also report the pages fork copied
  int smp;              // 0: one hart, icount (bench -l); 1: several harts, real
                        // time (bench -m); 2: one hart, real time (bench -r)
};

#define NS_PER_TICK 100         // time CSR ticks at 10 MHz

// The clock and its units are inline: a call here would change the code of
// the timed loops, and with it the figures under icount.
static inline uint64
now(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

// Time CSR ticks to nanoseconds; ns_to_us rounds to the nearest microsecond.
static inline uint64
ticks_to_ns(uint64 ticks)
{
  return ticks * NS_PER_TICK;
}

static inline uint64
ns_to_us(uint64 ns)
{
  return (ns + 500) / 1000;
}

// ---- helpers (user/bench.c) ----
uint64 median(uint64 *v, int n);          // sorts v[0..n) in place
void report(const char *name, const char *suffix, uint64 value, const char *unit);
int report_fail(const char *name, const char *suffix);  // prints "fail"; -1
char *heap_grow_touched(uint64 n);        // n bytes of heap, each page written; or 0
void heap_release(uint64 n);
uint64 free_pages(void);                  // meminfo counters; 0 without meminfo
uint64 cow_copied(void);
uint64 zero_fills(void);
uint64 mm_switches(void);                 // satp writes on all harts (hartstat)
int open_pipes(int down[2], int up[2]);   // both pipes or neither; 0 or -1
void echo_bytes(int in, int out);         // write back every byte read, until EOF

// ---- fork, exec and page faults (bench/fork.c) ----
int bench_fork(const struct figure *f);
int bench_fork_exec(const struct figure *f);
int bench_cow_fault(const struct figure *f);
int bench_zero_fault(const struct figure *f);

// ---- system calls and switches: processes vs threads (bench/switch.c) ----
int bench_null_syscall(const struct figure *f);
int bench_pingpong_proc(const struct figure *f);
int bench_thread_create_join(const struct figure *f);
int bench_clone_create(const struct figure *f);
int bench_pingpong_thread(const struct figure *f);
int bench_futex_pingpong(const struct figure *f);

// ---- real time: parallel speedup, idle wake-up, the TLB (bench/realtime.c) ----
int bench_parallel(const struct figure *f);
int bench_wakeup(const struct figure *f);
int bench_tlb(const struct figure *f);

#endif
