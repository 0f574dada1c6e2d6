// ut/sched.c: the scheduler -- round robin on the run queue, so that every
// runnable thread gets the hart in turn and none is starved, however many
// others are runnable with it.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
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
