// bench/switch.c: the figures on system calls and switches, processes
// against threads -- null_syscall, pingpong_proc, thread_create_join,
// clone_create, pingpong_thread and futex_pingpong. All run on one hart
// under icount (bench -l).
// The runner is user/bench.c (the table, main and the helpers declared in
// bench.h); docs/performance.md says what each figure shows.
// Reading order: bench_null_syscall, the process ping-pong, then the thread
// figures in the table's order: create/join, raw clone, the thread
// ping-pong, the futex ping-pong.
#include "kernel/types.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/bench/bench.h"

// ---------------------------------------------------------------- processes

// getpid() f->size times per sample: the round trip user -> kernel -> user.
int
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
int
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

int
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

int
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

int
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

int
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
