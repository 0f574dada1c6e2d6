// ut/sched.c: the scheduler -- round robin on the run queue, so that every
// runnable thread gets the hart in turn and none is starved, however many
// others are runnable with it.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/ut/ut.h"

#define NSPIN 4            // more spinners than harts on CPUS=1 and 3
#define WATCH_TICKS 60     // how long the parent watches them
#define MIN_TICKS_SEEN 3   // a fair share is about 15 (CPUS=1) to 45 (CPUS=3)

// Each spinner counts the clock ticks it saw while running: it can only see
// a tick change when it is on a hart, so the count is a measure of its turns.
static void
spin_counting_ticks(volatile int *seen)
{
  int last = uptime();
  for (;;) {
    int now = uptime();
    if (now != last) {
      (*seen)++;
      last = now;
    }
  }
}

void
t_rrfair(void)
{
  volatile int *seen = mmap(0, PGSIZE, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(seen != MAP_FAILED, "mmap of the shared counters failed");
  int pids[NSPIN];
  for (int i = 0; i < NSPIN; i++) {
    pids[i] = fork();
    CHECK(pids[i] >= 0, "fork of spinner %d failed", i);
    if (pids[i] == 0)
      spin_counting_ticks(&seen[i]);
  }
  sleep(WATCH_TICKS);
  int counts[NSPIN];
  for (int i = 0; i < NSPIN; i++)
    counts[i] = seen[i];
  for (int i = 0; i < NSPIN; i++)
    kill(pids[i]);
  for (int i = 0; i < NSPIN; i++)
    wait(0);
  for (int i = 0; i < NSPIN; i++)
    CHECK(counts[i] >= MIN_TICKS_SEEN,
          "spinner %d saw %d ticks in %d (the others: %d %d %d %d): starved",
          i, counts[i], WATCH_TICKS, counts[0], counts[1], counts[2], counts[3]);
  munmap((void *)seen, PGSIZE);
}

// ---- a kill never lost on the way to sleep ------------------------------------

#define KF_ROUNDS 100
#define KF_THREADS 4
#define KF_STUCK 300       // ticks: a round this slow was rescued by the watchdog
static int kf_word;

static void *
kf_waiter(void *arg)
{
  for (;;)
    futex(&kf_word, FUTEX_WAIT, 0, 0);    // no timeout: only a kill ends it
  return 0;
}

// A child whose threads are on their way into futex_wait when the main
// thread exits. exit() tells each to die and wakes the ones asleep; a
// thread between its last killed() check and its sleep must not sleep
// through that (it did: the exit then waited for it for ever). A watchdog
// kills a stuck child so the test ends, and the round counts as a failure.
void
t_killfutexrace(void)
{
  for (int r = 0; r < KF_ROUNDS; r++) {
    int pid = fork();
    CHECK(pid >= 0, "fork failed");
    if (pid == 0) {
      for (int i = 0; i < KF_THREADS; i++) {
        pthread_t t;
        if (pthread_create(&t, 0, kf_waiter, 0) != 0)
          exit(3);
      }
      exit(0);
    }
    int start = uptime();
    int dog = fork();
    CHECK(dog >= 0, "fork of the watchdog failed");
    if (dog == 0) {
      sleep(KF_STUCK);
      kill(pid);
      exit(0);
    }
    int st = -5;
    CHECK(wait(&st) >= 0, "wait failed");
    int took = uptime() - start;
    kill(dog);
    while (wait(0) >= 0)
      ;                                    // the dog, and the child if the dog came first
    CHECK(took < KF_STUCK, "round %d: exit() with %d threads entering futex_wait "
          "took %d ticks: a thread slept through its kill", r, KF_THREADS, took);
  }
}
