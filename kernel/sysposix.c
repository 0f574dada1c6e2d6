// sysposix.c: the system calls added for the POSIX runtime (user/posix/,
// docs/user.md): lseek, getppid, clock_gettime, dup2, sched_yield. Each
// unpacks its arguments and calls the subsystem that does the work
// (file.c, proc.c, sched.c); the clocks are kept here.
//
// Clocks. CLOCK_MONOTONIC is the time CSR (10 MHz on QEMU virt; user code
// may read it too, trap.c sets scounteren.TM). CLOCK_REALTIME is the same
// counter plus the wall-clock time at boot, read once from the goldfish
// RTC (QEMU virt's, at RTC0_PA), so both clocks advance together and the
// RTC is read only the first time. Locking: boot_ns is written once,
// atomically; two first callers may both compute it, with the same result
// give or take a few hundred nanoseconds.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "file.h"
#include "sysarg.h"
#include "sysnums.h"
#include "mm.h"

#define TIME_HZ       10000000UL    // the time CSR's rate on QEMU virt
#define NS_PER_TICK   (1000000000UL / TIME_HZ)
#define CLOCK_REALTIME  0           // Linux's clock ids
#define CLOCK_MONOTONIC 1

struct ktimespec {                  // struct timespec on LP64
  long sec;
  long nsec;
};

uint64
sys_lseek(void)
{
  int fd, off, whence;
  argint(0, &fd);
  argint(1, &off);
  argint(2, &whence);
  struct file *f = fd_get(fd);
  if (f == 0)
    return -1;
  int r = fileseek(f, off, whence);
  fileclose(f);
  return r;
}

uint64
sys_getppid(void)
{
  return parent_pid(myproc());
}

uint64
sys_dup2(void)
{
  int oldfd, newfd;
  argint(0, &oldfd);
  argint(1, &newfd);
  struct file *f = fd_get(oldfd);
  if (f == 0)
    return -1;
  if (oldfd == newfd) {             // valid, and nothing to do
    fileclose(f);
    return newfd;
  }
  // The slot takes over fd_get's reference.
  if (fd_install_at(f, newfd) < 0) {
    fileclose(f);
    return -1;
  }
  return newfd;
}

uint64
sys_sched_yield(void)
{
  yield();
  return 0;
}

// Nanoseconds since the epoch from the goldfish RTC: reading TIME_LOW
// latches TIME_HIGH.
static uint64
rtc_read(void)
{
  volatile uint32 *rtc = (volatile uint32 *)RTC0;
  uint64 lo = rtc[0];
  uint64 hi = rtc[1];
  return hi << 32 | lo;
}

static uint64 boot_ns;              // wall-clock ns when the time CSR was 0

// clock_gettime(clock, ts): 0, or -1 for an unknown clock or a bad ts.
uint64
sys_clock_gettime(void)
{
  int clock;
  uint64 uts;
  argint(0, &clock);
  argaddr(1, &uts);
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
    return -1;
  uint64 ns = r_time() * NS_PER_TICK;
  if (clock == CLOCK_REALTIME) {
    uint64 b = __atomic_load_n(&boot_ns, __ATOMIC_RELAXED);
    if (b == 0) {
      b = rtc_read() - r_time() * NS_PER_TICK;
      __atomic_store_n(&boot_ns, b, __ATOMIC_RELAXED);
    }
    ns += b;
  }
  struct ktimespec ts = { ns / 1000000000UL, ns % 1000000000UL };
  return copyout(myproc()->mm, uts, &ts, sizeof(ts)) < 0 ? -1 : 0;
}
