// proc.c: the POSIX flavour's process and memory calls -- fork, execv,
// execve, execvp, waitpid, wait, _exit, getpid, getppid, kill stand-ins,
// sbrk, mmap, munmap, mprotect -- and the weft calls pthread.c uses
// (futex, gettid, thread_exit), on weft's system calls, with errno.
//
// waitpid is built on wait(): a child reaped while waiting for another pid
// is kept in `reaped` until someone asks for it. WNOHANG is not supported
// (EINVAL): wait() cannot poll. Status words follow <sys/wait.h>: exit(n)
// gives WIFEXITED with WEXITSTATUS n & 0xff; a process the kernel killed
// exits with -1, which reads as WEXITSTATUS 255.
// Locking: reaped_lock (a pthread mutex) guards `reaped`.

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/mman.h>
#include "user/pthread.h"
#include "weftsys.h"

pid_t
fork(void)
{
  long r = SYS0(SYS_fork);
  return r < 0 ? weft_fail(EAGAIN) : r;
}

int
execv(const char *path, char *const argv[])
{
  SYS2(SYS_exec, path, argv);
  struct weft_stat w;
  int fd = SYS2(SYS_open, path, 0);
  if (fd < 0)
    return weft_fail(ENOENT);
  int isdir = SYS2(SYS_fstat, fd, &w) == 0 && w.type == WEFT_T_DIR;
  SYS1(SYS_close, fd);
  return weft_fail(isdir ? EACCES : ENOEXEC);   // or E2BIG; not told apart
}

// weft has no environment: envp is ignored.
int
execve(const char *path, char *const argv[], char *const envp[])
{
  return execv(path, argv);
}

// A name without '/' is looked for as given (cwd), then in / -- where
// the programs live, as in sh.
int
execvp(const char *file, char *const argv[])
{
  execv(file, argv);
  if (strchr(file, '/') || errno != ENOENT)
    return -1;
  char full[128];
  if (strlen(file) + 2 > sizeof(full))
    return weft_fail(ENAMETOOLONG);
  full[0] = '/';
  strcpy(full + 1, file);
  return execv(full, argv);
}

static int
wait_status(int xstate)
{
  return (xstate & 0xff) << 8;      // WIFEXITED, WEXITSTATUS = xstate & 0xff
}

#define NREAPED 16
static pthread_mutex_t reaped_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { int pid, xstate; } reaped[NREAPED];

// A child already reaped for pid (-1: any); 0 if none.
static int
take_reaped(pid_t pid, int *xstate)
{
  int found = 0;
  pthread_mutex_lock(&reaped_lock);
  for (int i = 0; i < NREAPED && !found; i++) {
    if (reaped[i].pid && (pid == -1 || reaped[i].pid == pid)) {
      found = reaped[i].pid;
      *xstate = reaped[i].xstate;
      reaped[i].pid = 0;
    }
  }
  pthread_mutex_unlock(&reaped_lock);
  return found;
}

static int
keep_reaped(int pid, int xstate)
{
  int kept = 0;
  pthread_mutex_lock(&reaped_lock);
  for (int i = 0; i < NREAPED && !kept; i++) {
    if (reaped[i].pid == 0) {
      reaped[i].pid = pid;
      reaped[i].xstate = xstate;
      kept = 1;
    }
  }
  pthread_mutex_unlock(&reaped_lock);
  return kept;
}

pid_t
waitpid(pid_t pid, int *status, int options)
{
  if (options != 0 || pid == 0 || pid < -1)
    return weft_fail(EINVAL);     // no WNOHANG, no process groups
  int xstate;
  int got = take_reaped(pid, &xstate);
  while (got == 0) {
    got = SYS1(SYS_wait, &xstate);
    if (got < 0)
      return weft_fail(ECHILD);
    if (pid != -1 && got != pid) {
      if (!keep_reaped(got, xstate))
        return weft_fail(ENOMEM);
      got = 0;
    }
  }
  if (status)
    *status = wait_status(xstate);
  return got;
}

pid_t
wait(int *status)
{
  return waitpid(-1, status, 0);
}

void
_exit(int status)
{
  SYS1(SYS_exit, status);
  for (;;)
    ;
}

pid_t
getpid(void)
{
  return SYS0(SYS_getpid);
}

pid_t
getppid(void)
{
  return SYS0(SYS_getppid);
}

void *
sbrk(ptrdiff_t incr)
{
  if (incr > INT32_MAX || incr < INT32_MIN) {
    errno = ENOMEM;
    return (void *)-1;
  }
  long r = SYS1(SYS_sbrk, incr);
  if (r == -1)
    errno = ENOMEM;
  return (void *)r;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  long r = weft_syscall(SYS_mmap, (long)addr, len, prot, flags, fd, off);
  if (r == -1) {
    // Shapes weft refuses outright are EINVAL; the rest is lack of room.
    int shape = len == 0 || fd != -1 || off != 0 || !(flags & MAP_ANONYMOUS);
    errno = shape ? EINVAL : ENOMEM;
  }
  return (void *)r;
}

int
munmap(void *addr, size_t len)
{
  return SYS2(SYS_munmap, addr, len) < 0 ? weft_fail(EINVAL) : 0;
}

int
mprotect(void *addr, size_t len, int prot)
{
  return SYS3(SYS_mprotect, addr, len, prot) < 0 ? weft_fail(ENOMEM) : 0;
}

// ---- weft calls the thread library (user/pthread.c) links against ----

int
futex(int *addr, int op, int val, int timeout_ticks)
{
  return SYS4(SYS_futex, addr, op, val, timeout_ticks);
}

int
gettid(void)
{
  return SYS0(SYS_gettid);
}

void
thread_exit(int value)
{
  SYS1(SYS_thread_exit, value);
  for (;;)
    ;
}

// pthread_sync.c reports sem_* errors through this (weak there).
void
__weft_set_errno(int err)
{
  errno = err;
}
