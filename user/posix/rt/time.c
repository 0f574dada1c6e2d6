// time.c: the POSIX flavour's clocks and sleeps -- clock_gettime,
// gettimeofday, nanosleep, usleep, sleep, sched_yield, times -- and
// getentropy, on weft's system calls.
//
// CLOCK_REALTIME is wall-clock time (the kernel reads QEMU's RTC once);
// CLOCK_MONOTONIC counts from boot; both come from the 10 MHz time CSR, so
// they have 100 ns resolution. Sleeps: the kernel sleeps in 10 ms ticks,
// so nanosleep sleeps whole ticks while more than one remains, then yields
// the hart until the deadline passes: short sleeps are accurate, at the
// cost of a few sched_yield calls. Nothing here keeps state.

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sched.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "weftsys.h"

#define WEFT_CLOCK_REALTIME  0     // the kernel's ids (kernel/sysposix.c)
#define WEFT_CLOCK_MONOTONIC 1
#define NS_PER_TICK 10000000L      // one kernel tick: 10 ms

struct weft_timespec {             // what the kernel writes: LP64 timespec
  long sec, nsec;
};

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
  int id;
  // picolibc's ids: 0 REALTIME_COARSE, 1 REALTIME, 4 MONOTONIC,
  // 5 MONOTONIC_RAW, 6 MONOTONIC_COARSE, 7 BOOTTIME (the GNU ones are
  // hidden by default, so by number).
  if (clk == CLOCK_REALTIME || clk == 0)
    id = WEFT_CLOCK_REALTIME;
  else if (clk == CLOCK_MONOTONIC || (clk >= 5 && clk <= 7))
    id = WEFT_CLOCK_MONOTONIC;
  else
    return weft_fail(EINVAL);
  struct weft_timespec w;
  if (SYS2(SYS_clock_gettime, id, &w) < 0)
    return weft_fail(EFAULT);
  ts->tv_sec = w.sec;
  ts->tv_nsec = w.nsec;
  return 0;
}

int
clock_getres(clockid_t clk, struct timespec *res)
{
  struct timespec now;
  if (clock_gettime(clk, &now) < 0)
    return -1;
  if (res) {
    res->tv_sec = 0;
    res->tv_nsec = 100;
  }
  return 0;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
  struct timespec ts = { 0, 0 };
  clock_gettime(CLOCK_REALTIME, &ts);
  if (tv) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  return 0;
}

static int64_t
monotonic_ns(void)
{
  struct timespec ts = { 0, 0 };
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
sched_yield(void)
{
  SYS0(SYS_sched_yield);
  return 0;
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
  if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0)
    return weft_fail(EINVAL);
  int64_t deadline = monotonic_ns() + (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;
  int64_t left;
  while ((left = deadline - monotonic_ns()) > 0) {
    if (left > NS_PER_TICK) {
      long ticks = left / NS_PER_TICK;
      if (SYS1(SYS_sleep, ticks > 0x7fffffff ? 0x7fffffff : ticks) < 0)
        return weft_fail(EINTR);    // killed meanwhile
    } else {
      sched_yield();
    }
  }
  if (rem)
    rem->tv_sec = rem->tv_nsec = 0;
  return 0;
}

int
usleep(useconds_t us)
{
  struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
  return nanosleep(&ts, 0);
}

unsigned
sleep(unsigned seconds)
{
  struct timespec ts = { seconds, 0 };
  nanosleep(&ts, 0);
  return 0;
}

// clock() divides by CLOCKS_PER_SEC; weft keeps no CPU times, so all four
// are the time since boot in those units.
clock_t
times(struct tms *t)
{
  clock_t now = (clock_t)(monotonic_ns() / (1000000000 / CLOCKS_PER_SEC));
  if (t)
    t->tms_utime = t->tms_stime = t->tms_cutime = t->tms_cstime = now;
  return now;
}

// Not cryptographic: weft has no entropy source. Mixes the time CSR.
int
getentropy(void *buf, size_t len)
{
  if (len > 256)
    return weft_fail(EIO);
  uint64_t x = (uint64_t)monotonic_ns() ^ ((uint64_t)getpid() << 32);
  for (size_t i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ((unsigned char *)buf)[i] = x >> 24;
  }
  return 0;
}
