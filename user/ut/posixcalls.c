// posixcalls.c: the system calls added for the POSIX runtime (46-50:
// lseek, getppid, clock_gettime, dup2, sched_yield, kernel/sysposix.c)
// with hostile arguments: each bad one is -1 and nothing breaks. user.h
// keeps xv6's API only, so the prototypes are here.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/ut/ut.h"

int lseek(int fd, int off, int whence);
int getppid(void);
int clock_gettime(int clock, uint64 *ts);
int dup2(int oldfd, int newfd);
int sched_yield(void);

static void
lseek_bad(void)
{
  int fd = open("seekfile", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open seekfile failed");
  CHECK(write(fd, "abcdef", 6) == 6, "write failed");
  CHECK(lseek(-1, 0, 0) == -1 && lseek(NOFILE, 0, 0) == -1 && lseek(77, 0, 0) == -1,
        "lseek on a bad fd did not fail");
  CHECK(lseek(fd, 0, 3) == -1 && lseek(fd, 0, -1) == -1, "lseek with bad whence did not fail");
  CHECK(lseek(fd, -1, 0) == -1 && lseek(fd, 7, 0) == -1 && lseek(fd, 1, 2) == -1,
        "lseek before 0 or past the end did not fail");
  CHECK(lseek(fd, 0x7fffffff, 1) == -1 && lseek(fd, -0x7fffffff - 1, 2) == -1,
        "lseek by huge offsets did not fail");
  CHECK(lseek(fd, 0, 2) == 6 && lseek(fd, -6, 1) == 0 && lseek(fd, 2, 0) == 2,
        "lseek within the file went wrong");
  char c;
  CHECK(read(fd, &c, 1) == 1 && c == 'c', "read after lseek got %d", c);
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  CHECK(lseek(p[0], 0, 0) == -1 && lseek(p[1], 0, 1) == -1, "lseek on a pipe did not fail");
  CHECK(lseek(0, 0, 0) == -1, "lseek on the console did not fail");
  close(p[0]);
  close(p[1]);
  close(fd);
  unlink("seekfile");
}

static void
dup2_bad(void)
{
  CHECK(dup2(-1, 5) == -1 && dup2(77, 5) == -1 && dup2(NOFILE, 5) == -1,
        "dup2 from a bad fd did not fail");
  CHECK(dup2(1, -1) == -1 && dup2(1, NOFILE) == -1 && dup2(1, 1 << 30) == -1,
        "dup2 to an fd out of range did not fail");
  CHECK(dup2(1, 1) == 1, "dup2(1, 1) is not 1");
  CHECK(dup2(7, 7) == -1, "dup2 of a closed fd onto itself did not fail");
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int fd = open("dup2file", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open failed");
  CHECK(dup2(p[1], fd) == fd, "dup2 onto an open fd failed");
  CHECK(write(fd, "x", 1) == 1, "write through the new fd failed");
  char c = 0;
  CHECK(read(p[0], &c, 1) == 1 && c == 'x', "the write did not reach the pipe");
  close(fd);
  close(p[1]);
  CHECK(read(p[0], &c, 1) == 0, "the pipe still has a writer after both closes");
  close(p[0]);
  unlink("dup2file");
}

static void
clock_bad(void)
{
  uint64 ts[2], ts2[2];
  CHECK(clock_gettime(2, ts) == -1 && clock_gettime(-1, ts) == -1,
        "clock_gettime of an unknown clock did not fail");
  CHECK(clock_gettime(1, 0) == -1 && clock_gettime(0, (uint64 *)0x80000000UL) == -1 &&
        clock_gettime(1, (uint64 *)-16L) == -1, "clock_gettime to a bad address did not fail");
  CHECK(clock_gettime(1, ts) == 0 && clock_gettime(1, ts2) == 0, "CLOCK_MONOTONIC failed");
  CHECK(ts2[0] > ts[0] || (ts2[0] == ts[0] && ts2[1] >= ts[1]), "CLOCK_MONOTONIC went back");
  CHECK(ts[1] < 1000000000UL, "tv_nsec %d out of range", (int)ts[1]);
  CHECK(clock_gettime(0, ts) == 0 && ts[0] > 1600000000UL && ts[1] < 1000000000UL,
        "CLOCK_REALTIME is not wall-clock time: %d", (int)ts[0]);
}

static void
ppid_child(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int me = getpid();
  int pid = fork();
  if (pid == 0) {
    int pp = getppid();
    write(p[1], &pp, sizeof(pp));
    exit(0);
  }
  int pp = 0;
  CHECK(read(p[0], &pp, sizeof(pp)) == sizeof(pp) && pp == me,
        "getppid in the child gave %d, parent is %d", pp, me);
  wait(0);
  close(p[0]);
  close(p[1]);
}

void
t_posixcalls(void)
{
  lseek_bad();
  dup2_bad();
  clock_bad();
  ppid_child();
  CHECK(getppid() > 0, "getppid of a test child is %d", getppid());
  for (int i = 0; i < 100; i++)
    CHECK(sched_yield() == 0, "sched_yield failed");
}
