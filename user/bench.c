// bench.c: weft's micro-benchmarks (`make bench` runs them; docs/performance.md
// explains the figures). Each figure is a row of the table at the end: a name
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

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/pthread.h"

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
  int smp;              // 0: one hart, icount (bench -l); 1: several harts, real
                        // time (bench -m); 2: one hart, real time (bench -r)
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

// Both ping-pong figures bounce one byte through two pipes: `down` carries
// it to the echoing side, `up` back. open_pipes makes both or neither.
static int
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
static void
echo_bytes(int in, int out)
{
  char c;
  while (read(in, &c, 1) == 1)
    if (write(out, &c, 1) != 1)
      break;
}

// Address-space switches (satp writes) all harts made so far (hartstat).
static uint64
mm_switches(void)
{
  struct hartstat hs[NCPU];
  int n = hartstat(hs, NCPU);
  uint64 sum = 0;
  for (int i = 0; i < n; i++)
    sum += hs[i].mm_switches;
  return sum;
}

// f->reps samples of f->size round trips (write to `to`, read the byte back
// from `from`). Prints the median in ns per round trip, and NAME_satp: the
// address-space switches per round trip (rounded); 0 or -1.
static int
report_round_trips(const struct figure *f, int to, int from)
{
  uint64 samples[MAXREPS];
  uint64 satp0 = mm_switches();
  for (int i = 0; i < f->reps; i++) {
    char c = 'x';
    uint64 t0 = now();
    for (uint64 n = 0; n < f->size; n++)
      if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
        return report_fail(f->name, "");
    samples[i] = ticks_to_ns(now() - t0) / f->size;
  }
  uint64 trips = f->reps * f->size;
  report(f->name, "", median(samples, f->reps), "ns");
  report(f->name, "_satp", (mm_switches() - satp0 + trips / 2) / trips, "writes");
  return 0;
}

// Echo in a child process: each round trip is two switches between
// processes (two address spaces) and four system calls.
static int
bench_pingpong_proc(const struct figure *f)
{
  int down[2], up[2];
  if (open_pipes(down, up) < 0)
    return report_fail(f->name, "");
  int pid = fork();
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    echo_bytes(down[0], up[1]);
    exit(0);
  }
  close(down[0]);
  close(up[1]);
  int rc = pid > 0 ? report_round_trips(f, down[1], up[0]) : report_fail(f->name, "");
  close(down[1]);             // the child sees end of file and exits
  close(up[0]);
  if (pid > 0)
    wait(0);
  return rc;
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

// ---------------------------------------------------------------- threads

#define LOAD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

// f->reps timings of op, which returns ticks or -1; prints the median in us.
static int
report_op_us(const struct figure *f, long (*op)(void))
{
  uint64 samples[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    long t = op();
    if (t < 0)
      return report_fail(f->name, "");
    samples[i] = ticks_to_ns(t);
  }
  report(f->name, "", ns_to_us(median(samples, f->reps)), "us");
  return 0;
}

static void *
return_at_once(void *arg)
{
  return arg;
}

// pthread_create of a thread that returns at once, then pthread_join: the
// library's stack mmap + guard mprotect, clone, exit, futex wake, munmap.
static long
time_create_join(void)
{
  pthread_t t;
  uint64 t0 = now();
  if (pthread_create(&t, 0, return_at_once, 0) != 0)
    return -1;
  if (pthread_join(t, 0) != 0)
    return -1;
  return (long)(now() - t0);
}

static int
bench_thread_create_join(const struct figure *f)
{
  return report_op_us(f, time_create_join);
}

// The raw clone() under pthread_create: no stack allocation, no TLS. The
// task's stack is a static array, reused once the previous task is gone.
#define RAW_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
                          CLONE_THREAD | CLONE_CHILD_CLEARTID)
static char raw_stack[PAGE] __attribute__((aligned(16)));
static int raw_alive;          // 1 until the kernel clears it at the task's exit

static int
raw_task(void *unused)
{
  return 0;
}

static long
time_clone_wait(void)
{
  STORE(&raw_alive, 1);
  uint64 t0 = now();
  if (clone_run(RAW_THREAD_FLAGS, raw_stack + sizeof raw_stack, 0, &raw_alive,
                raw_task, 0) < 0)
    return -1;
  // CLONE_CHILD_CLEARTID: 0 and a futex wake once the task has left user
  // space, after which its stack may be used again.
  while (LOAD(&raw_alive) != 0)
    futex(&raw_alive, FUTEX_WAIT, 1, 0);
  return (long)(now() - t0);
}

static int
bench_clone_create(const struct figure *f)
{
  return report_op_us(f, time_clone_wait);
}

// The ping-pong of pingpong_proc with the echo in a second thread of this
// process: same pipes and system calls, but no change of address space.
struct echo_ends {
  int in, out;
};

static void *
echo_thread(void *arg)
{
  struct echo_ends *e = arg;
  echo_bytes(e->in, e->out);
  return 0;
}

static int
bench_pingpong_thread(const struct figure *f)
{
  int down[2], up[2];
  if (open_pipes(down, up) < 0)
    return report_fail(f->name, "");
  struct echo_ends ends = { down[0], up[1] };
  pthread_t t;
  int started = pthread_create(&t, 0, echo_thread, &ends) == 0;
  int rc = started ? report_round_trips(f, down[1], up[0]) : report_fail(f->name, "");
  close(down[1]);             // the echo thread reads end of file and returns
  close(up[0]);
  if (started)
    pthread_join(t, 0);
  close(down[0]);
  close(up[1]);
  return rc;
}

// Two threads hand a turn back and forth through one futex word: the
// cheapest way for a thread to wake another and sleep. Per round trip, as
// with the pipes: two switches and four system calls (wake, wait, twice).
enum { TURN_MAIN, TURN_PARTNER, TURN_STOP };
static int turn;

static void
turn_give(int to)
{
  STORE(&turn, to);
  futex(&turn, FUTEX_WAKE, 1, 0);
}

// Sleep while the turn is still `from`; returns the turn that ended the wait.
static int
turn_await_change(int from)
{
  int now_turn;
  while ((now_turn = LOAD(&turn)) == from)
    futex(&turn, FUTEX_WAIT, from, 0);   // returns at once if turn moved
  return now_turn;
}

static void *
turn_partner(void *unused)
{
  while (turn_await_change(TURN_MAIN) == TURN_PARTNER)
    turn_give(TURN_MAIN);
  return 0;
}

static int
bench_futex_pingpong(const struct figure *f)
{
  STORE(&turn, TURN_MAIN);
  pthread_t t;
  if (pthread_create(&t, 0, turn_partner, 0) != 0)
    return report_fail(f->name, "");
  uint64 samples[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    uint64 t0 = now();
    for (uint64 n = 0; n < f->size; n++) {
      turn_give(TURN_PARTNER);
      turn_await_change(TURN_PARTNER);
    }
    samples[i] = ticks_to_ns(now() - t0) / f->size;
  }
  turn_give(TURN_STOP);
  pthread_join(t, 0);
  report(f->name, "", median(samples, f->reps), "ns");
  return 0;
}

// ---------------------------------------------------------------- mmap

static uint64
zero_fills(void)
{
  struct meminfo mi;
  return meminfo(&mi) < 0 ? 0 : mi.zero_fills;
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

static int
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

// ---------------------------------------------------------------- harts

// A fixed amount of integer work: `steps` rounds of a xorshift generator.
// The result is used, so the compiler cannot drop any round.
static uint64
integer_work(uint64 steps, uint64 seed)
{
  uint64 x = seed | 1;
  for (uint64 i = 0; i < steps; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

struct work_share {
  uint64 steps, seed, result;
};

static void *
work_thread(void *arg)
{
  struct work_share *w = arg;
  w->result = integer_work(w->steps, w->seed);
  return 0;
}

static volatile uint64 work_sink;

// All f->size steps on this thread. Returns ticks.
static long
time_work_1thread(uint64 steps)
{
  uint64 t0 = now();
  work_sink = integer_work(steps, 7);
  return (long)(now() - t0);
}

// Half the steps on a new thread, half here; the time includes the create
// and the join. Returns ticks, or -1 if the thread could not be created.
static long
time_work_2threads(uint64 steps)
{
  struct work_share other = { steps / 2, 11, 0 };
  pthread_t t;
  uint64 t0 = now();
  if (pthread_create(&t, 0, work_thread, &other) != 0)
    return -1;
  uint64 mine = integer_work(steps - steps / 2, 7);
  pthread_join(t, 0);
  uint64 ticks = now() - t0;
  work_sink = mine ^ other.result;
  return (long)ticks;
}

// par_1thread, par_2threads (us) and their ratio x100. Samples alternate,
// so a busy host slows both kinds alike. Meaningful only on a multi-hart
// boot without icount (bench -m); on one hart the ratio is about 100.
static int
bench_parallel(const struct figure *f)
{
  uint64 one[MAXREPS], two[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    long a = time_work_1thread(f->size);
    long b = time_work_2threads(f->size);
    if (b <= 0) {
      report_fail(f->name, "_1thread");
      report_fail(f->name, "_2threads");
      return report_fail(f->name, "_speedup_x100");
    }
    one[i] = ticks_to_ns(a);
    two[i] = ticks_to_ns(b);
  }
  uint64 m1 = median(one, f->reps), m2 = median(two, f->reps);
  report(f->name, "_1thread", ns_to_us(m1), "us");
  report(f->name, "_2threads", ns_to_us(m2), "us");
  report(f->name, "_speedup_x100", (m1 * 100 + m2 / 2) / m2, "%");
  return 0;
}

// ---------------------------------------------------------------- idle wake-up

// How long a thread blocked in read() on an idle hart takes to run again
// after another hart writes to its pipe. The writer never blocks (it spins
// on the shared word), so the reader can only run on the other hart, which
// is idle in wfi: the figure is the time from the write to the reader's
// first instruction after read() returns. Meaningful on two harts, real time.
struct wake_share {
  int pipe[2];
  volatile uint64 sent_at;    // time CSR just before the write
  volatile uint64 woke_at;    // time CSR just after the read; 0 until then
  int rounds;
};

static void *
wake_reader(void *arg)
{
  struct wake_share *w = arg;
  char c;
  for (int i = 0; i < w->rounds; i++) {
    if (read(w->pipe[0], &c, 1) != 1)
      break;
    w->woke_at = now();
  }
  return 0;
}

static void
spin_ticks(uint64 n)
{
  uint64 t0 = now();
  while (now() - t0 < n)
    ;
}

static int
bench_wakeup(const struct figure *f)
{
  struct wake_share w = { .rounds = f->reps };
  uint64 lat[MAXREPS];
  pthread_t t;
  if (pipe(w.pipe) < 0)
    return report_fail(f->name, "_ns");
  if (pthread_create(&t, 0, wake_reader, &w) != 0) {
    close(w.pipe[0]);
    close(w.pipe[1]);
    return report_fail(f->name, "_ns");
  }
  int ok = 1;
  for (int i = 0; i < f->reps && ok; i++) {
    spin_ticks(20000);          // 2 ms: the reader is asleep, its hart idle
    w.woke_at = 0;
    w.sent_at = now();
    ok = write(w.pipe[1], "x", 1) == 1;
    uint64 give_up = w.sent_at + 10000000;   // 1 s
    while (ok && w.woke_at == 0 && now() < give_up)
      ;
    ok = ok && w.woke_at != 0;
    lat[i] = ok ? ticks_to_ns(w.woke_at - w.sent_at) : 0;
  }
  close(w.pipe[1]);             // a reader still waiting sees end of file
  pthread_join(t, 0);
  close(w.pipe[0]);
  if (!ok)
    return report_fail(f->name, "_ns");
  report(f->name, "_ns", median(lat, f->reps), "ns");
  return 0;
}

// ---------------------------------------------------------------- the TLB

// What keeping the address space is worth. Two tasks bounce a byte through
// pipes on one hart; at each turn the receiver reads one word of each of
// the npages pages of its own working set. Between threads the hart keeps
// the address space -- its TLB entries survive the switch; between
// processes every switch loads another one. (QEMU flushes its whole
// software TLB when satp is written, so there each process switch costs a
// refill of the working set; real hardware with ASIDs keeps both sets
// tagged, until they no longer fit.) Real time, one hart, no icount:
// samples alternate between threads and processes so host noise hits
// both alike.
#define TLB_ROUNDS 100
#define TLB_SAMPLES 15
static volatile uint64 tlb_sink;

static char *
working_set(int npages)
{
  if (npages == 0)
    return 0;
  char *p = mmap(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  for (int i = 0; i < npages; i++)
    p[i * PAGE] = (char)i;      // backed, and ours alone
  return p;
}

static void
touch_set(char *p, int npages)
{
  uint64 sum = 0;
  for (int i = 0; i < npages; i++)
    sum += ((volatile char *)p)[i * PAGE];
  tlb_sink += sum;
}

struct tlb_echo {
  int in, out, npages;
};

// The echoing side: its own working set, touched after every byte.
static void
tlb_echo(struct tlb_echo *e)
{
  char *set = working_set(e->npages);
  char c;
  while (read(e->in, &c, 1) == 1) {
    touch_set(set, e->npages);
    if (write(e->out, &c, 1) != 1)
      break;
  }
  if (set)
    munmap(set, e->npages * PAGE);
}

static void *
tlb_echo_thread(void *arg)
{
  tlb_echo(arg);
  return 0;
}

// One sample: TLB_ROUNDS round trips, each side touching its set; ns per trip.
static uint64
tlb_sample(int to, int from, char *set, int npages)
{
  char c = 'x';
  uint64 t0 = now();
  for (int i = 0; i < TLB_ROUNDS; i++) {
    if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
      return 0;
    touch_set(set, npages);
  }
  return ticks_to_ns(now() - t0) / TLB_ROUNDS;
}

// One working-set size: a thread partner and a process partner, samples
// interleaved. Prints tlb_N_thread, tlb_N_proc and their ratio x100.
// "tlb_N_thread", "tlb_N_proc", "tlb_N_ratio_x100": the names of one size's figures.
static void
tlb_names(char names[3][24], int npages)
{
  static const char *kind[3] = { "_thread", "_proc", "_ratio_x100" };
  char num[12];
  int len = 0;
  do {
    num[len++] = '0' + npages % 10;
    npages /= 10;
  } while (npages > 0);
  for (int k = 0; k < 3; k++) {
    char *p = names[k];
    strcpy(p, "tlb_");
    p += 4;
    for (int i = len - 1; i >= 0; i--)
      *p++ = num[i];
    strcpy(p, kind[k]);
  }
}

static int
tlb_one_size(int npages)
{
  char sfx[3][24];
  tlb_names(sfx, npages);
  int td[2], tu[2], pd[2], pu[2];
  if (open_pipes(td, tu) < 0)
    return -1;
  if (open_pipes(pd, pu) < 0)
    return -1;
  struct tlb_echo te = { td[0], tu[1], npages }, pe = { pd[0], pu[1], npages };
  pthread_t t;
  int have_thread = pthread_create(&t, 0, tlb_echo_thread, &te) == 0;
  int pid = fork();
  if (pid == 0) {
    close(pd[1]);
    close(pu[0]);
    tlb_echo(&pe);
    exit(0);
  }
  char *set = working_set(npages);
  uint64 th[TLB_SAMPLES], pr[TLB_SAMPLES];
  int ok = have_thread && pid > 0 && (npages == 0 || set);
  for (int i = 0; i < TLB_SAMPLES && ok; i++) {
    th[i] = tlb_sample(td[1], tu[0], set, npages);
    pr[i] = tlb_sample(pd[1], pu[0], set, npages);
    ok = th[i] && pr[i];
  }
  close(td[1]); close(tu[0]); close(pd[1]); close(pu[0]);
  if (have_thread)
    pthread_join(t, 0);
  if (pid > 0)
    wait(0);
  close(td[0]); close(tu[1]); close(pd[0]); close(pu[1]);
  if (set)
    munmap(set, npages * PAGE);
  if (!ok) {
    for (int k = 0; k < 3; k++)
      report_fail(sfx[k], "");
    return -1;
  }
  uint64 mt = median(th, TLB_SAMPLES), mp = median(pr, TLB_SAMPLES);
  report(sfx[0], "", mt, "ns");
  report(sfx[1], "", mp, "ns");
  report(sfx[2], "", (mt * 100 + mp / 2) / mp, "%");
  return 0;
}

static int
bench_tlb(const struct figure *f)
{
  static const int sizes[] = { 0, 16, 64, 256 };
  int failed = 0;
  for (int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    failed |= tlb_one_size(sizes[i]) < 0;
  return failed ? -1 : 0;
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
