// proc.c: the POSIX flavour's process and memory calls -- fork, execv,
// execve, execvp, waitpid, wait, _exit, getpid, getppid, the process-group
// calls (setpgid, getpgid, getpgrp, tcsetpgrp, tcgetpgrp), kill stand-ins,
// sbrk, mmap, munmap, mprotect -- and the weft calls pthread.c uses
// (futex, gettid, thread_exit), on weft's system calls, with errno.
// Nothing here keeps state.

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/mman.h>
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

// The kernel's waitpid (41) writes Linux's status word, which is what
// picolibc's <sys/wait.h> macros read, once a signal number in it is
// picolibc's (signal.c); its WNOHANG and WUNTRACED have picolibc's values too.
// pid 0 and < -1 wait for a process group, as in POSIX.
pid_t
waitpid(pid_t pid, int *status, int options)
{
  if (options & ~(WNOHANG | WUNTRACED))
    return weft_fail(EINVAL);
  long r = SYS3(SYS_waitpid, pid, status, options);
  if (r < 0)
    return weft_fail(ECHILD);   // or EINTR: a signal; EFAULT: bad status
  if (r > 0 && status)
    *status = weft_status_to_pico(*status);   // signal numbers differ (signal.c)
  return r;
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

// ---- process groups and the console's foreground group (kernel/pgrp.c) ----
// The kernel says only -1; EPERM is the likely reason for setpgid (a
// process that is not the caller or its child, a group that does not
// exist), ESRCH for getpgid.

int
setpgid(pid_t pid, pid_t pgid)
{
  if (pid < 0 || pgid < 0)
    return weft_fail(EINVAL);
  return SYS2(SYS_setpgid, pid, pgid) < 0 ? weft_fail(EPERM) : 0;
}

pid_t
getpgid(pid_t pid)
{
  long r = SYS1(SYS_getpgid, pid);
  return r < 0 ? weft_fail(ESRCH) : r;
}

pid_t
getpgrp(void)
{
  return SYS1(SYS_getpgid, 0);
}

// weft has one terminal, the console: fd must be open, and is taken to be it.
int
tcsetpgrp(int fd, pid_t pgrp)
{
  if (!weft_fd_open(fd))
    return weft_fail(EBADF);
  return SYS1(SYS_tcsetpgrp, pgrp) < 0 ? weft_fail(EPERM) : 0;
}

pid_t
tcgetpgrp(int fd)
{
  if (!weft_fd_open(fd))
    return weft_fail(EBADF);
  return SYS0(SYS_tcgetpgrp);
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
