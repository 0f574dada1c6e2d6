// files.c: the POSIX flavour's file calls -- open, read, write, close,
// lseek, fstat, stat, isatty, unlink, mkdir, chdir, dup, dup2, pipe --
// on weft's system calls, with errno.
//
// The kernel answers -1 and nothing more, so on failure each wrapper sets
// the errno that the likely cause has, found out cheaply afterwards: a
// descriptor that dup() refuses is not open (EBADF); a path that does not
// open is missing (ENOENT); and so on. The table in docs/user.md lists
// what each call reports. Flags and struct stat are translated between
// picolibc's values (<fcntl.h>, <sys/stat.h>) and weft's (docs/abi.md).
// Nothing here keeps state: safe from any thread.

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "weftsys.h"

#define WEFT_O_CREATE 0x200       // kernel/fcntl.h
#define WEFT_O_TRUNC  0x400

int
weft_fail(int err)
{
  errno = err;
  return -1;
}

int
weft_fd_open(int fd)
{
  int d = SYS1(SYS_dup, fd);
  if (d < 0)
    return 0;
  SYS1(SYS_close, d);
  return 1;
}

// The kernel's view of path, or -1 if it cannot be opened.
static int
weft_stat_path(const char *path, struct weft_stat *st)
{
  int fd = SYS2(SYS_open, path, 0);
  if (fd < 0)
    return -1;
  int r = SYS2(SYS_fstat, fd, st);
  SYS1(SYS_close, fd);
  return r;
}

// errno for a call on fd that failed: EBADF unless fd is open.
static int
fd_fail(int fd, int otherwise)
{
  return weft_fail(weft_fd_open(fd) ? otherwise : EBADF);
}

int
open(const char *path, int flags, ...)
{
  struct weft_stat st;
  if ((flags & O_CREAT) && (flags & O_EXCL) && weft_stat_path(path, &st) == 0)
    return weft_fail(EEXIST);
  int wflags = flags & O_ACCMODE;
  if (flags & O_CREAT)
    wflags |= WEFT_O_CREATE;
  if (flags & O_TRUNC)
    wflags |= WEFT_O_TRUNC;
  int fd = SYS2(SYS_open, path, wflags);
  if (fd < 0) {
    if (weft_stat_path(path, &st) < 0)
      return weft_fail(ENOENT);     // or its directory is missing (O_CREAT)
    if (st.type == WEFT_T_DIR && (flags & O_ACCMODE) != O_RDONLY)
      return weft_fail(EISDIR);
    return weft_fail(EMFILE);       // no descriptor or file slot left
  }
  // O_APPEND is "start at the end": right for one writer at a time.
  if ((flags & O_APPEND) && SYS3(SYS_lseek, fd, 0, SEEK_END) < 0) {
    SYS1(SYS_close, fd);
    return weft_fail(EINVAL);
  }
  return fd;
}

ssize_t
read(int fd, void *buf, size_t n)
{
  if (n > 0x7fffffff)
    n = 0x7fffffff;
  long r = SYS3(SYS_read, fd, buf, n);
  return r < 0 ? fd_fail(fd, EIO) : r;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
  if (n > 0x7fffffff)
    n = 0x7fffffff;
  long r = SYS3(SYS_write, fd, buf, n);
  return r < 0 ? fd_fail(fd, EIO) : r;
}

int
close(int fd)
{
  return SYS1(SYS_close, fd) < 0 ? weft_fail(EBADF) : 0;
}

off_t
lseek(int fd, off_t off, int whence)
{
  if (off < -0x80000000L || off > 0x7fffffffL)
    return weft_fail(EINVAL);
  long r = SYS3(SYS_lseek, fd, off, whence);
  if (r >= 0)
    return r;
  struct weft_stat st;
  if (!weft_fd_open(fd))
    return weft_fail(EBADF);
  if (SYS2(SYS_fstat, fd, &st) < 0 || st.type == WEFT_T_DEVICE)
    return weft_fail(ESPIPE);       // a pipe or the console
  return weft_fail(EINVAL);         // bad whence, or before 0 or past the end
}

static void
to_posix_stat(const struct weft_stat *w, struct stat *st)
{
  memset(st, 0, sizeof(*st));
  st->st_dev = w->dev;
  st->st_ino = w->ino;
  st->st_nlink = w->nlink;
  st->st_size = w->size;
  st->st_blksize = 1024;
  st->st_blocks = (w->size + 511) / 512;
  if (w->type == WEFT_T_DIR)
    st->st_mode = S_IFDIR | 0755;
  else if (w->type == WEFT_T_DEVICE)
    st->st_mode = S_IFCHR | 0666;
  else
    st->st_mode = S_IFREG | 0644;
}

int
fstat(int fd, struct stat *st)
{
  struct weft_stat w;
  if (SYS2(SYS_fstat, fd, &w) == 0) {
    to_posix_stat(&w, st);
    return 0;
  }
  if (!weft_fd_open(fd))
    return weft_fail(EBADF);
  memset(st, 0, sizeof(*st));       // open, but the kernel has no inode: a pipe
  st->st_mode = S_IFIFO | 0600;
  st->st_blksize = 512;
  return 0;
}

int
stat(const char *path, struct stat *st)
{
  struct weft_stat w;
  if (weft_stat_path(path, &w) < 0)
    return weft_fail(ENOENT);
  to_posix_stat(&w, st);
  return 0;
}

int
isatty(int fd)
{
  struct weft_stat w;
  if (SYS2(SYS_fstat, fd, &w) == 0 && w.type == WEFT_T_DEVICE)
    return 1;
  errno = weft_fd_open(fd) ? ENOTTY : EBADF;
  return 0;
}

int
unlink(const char *path)
{
  if (SYS1(SYS_unlink, path) == 0)
    return 0;
  struct weft_stat w;
  if (weft_stat_path(path, &w) < 0)
    return weft_fail(ENOENT);
  return weft_fail(w.type == WEFT_T_DIR ? ENOTEMPTY : EBUSY);
}

int
mkdir(const char *path, mode_t mode)
{
  if (SYS1(SYS_mkdir, path) == 0)
    return 0;
  struct weft_stat w;
  return weft_fail(weft_stat_path(path, &w) == 0 ? EEXIST : ENOENT);
}

int
chdir(const char *path)
{
  if (SYS1(SYS_chdir, path) == 0)
    return 0;
  struct weft_stat w;
  return weft_fail(weft_stat_path(path, &w) == 0 ? ENOTDIR : ENOENT);
}

int
dup(int fd)
{
  int r = SYS1(SYS_dup, fd);
  return r < 0 ? fd_fail(fd, EMFILE) : r;
}

int
dup2(int oldfd, int newfd)
{
  int r = SYS2(SYS_dup2, oldfd, newfd);
  return r < 0 ? weft_fail(EBADF) : r;    // oldfd not open, or newfd out of range
}

int
pipe(int fds[2])
{
  return SYS1(SYS_pipe, fds) < 0 ? weft_fail(EMFILE) : 0;
}
