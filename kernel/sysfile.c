// sysfile.c: the file system calls: argument checking, then fs.c/file.c.
//
// Each call validates every argument it takes from user space and returns
// -1 for anything wrong. Descriptors are resolved with fd_get(), which
// takes a reference, so a thread sharing the fd table that closes the same
// descriptor meanwhile cannot free the file under us; the reference is
// dropped with fileclose() at the end.
//
// Locking: every call that may change the disk runs its work between
// begin_op() and end_op(), and locks inodes parent before child. Invariant:
// a file is made reachable through a descriptor only once it is fully set
// up (another thread may use the descriptor the moment it exists).

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "inode.h"
#include "log.h"
#include "file.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "procfs.h"
#include "sysarg.h"
#include "klib.h"
#include "printf.h"

#define FAIL ((uint64)-1)

// The open file named by argument n, with a reference taken, or 0.
static struct file *
arg_file(int n)
{
  int fd;

  argint(n, &fd);
  return fd_get(fd);
}

uint64
sys_dup(void)
{
  struct file *f = arg_file(0);
  int fd;

  if (f == 0)
    return FAIL;
  // The new descriptor takes over the reference fd_get gave us.
  if ((fd = fd_install(f)) < 0) {
    fileclose(f);
    return FAIL;
  }
  return fd;
}

// read and write share their checking: fd, buffer address, count.
static uint64
read_or_write(int writing)
{
  struct file *f = arg_file(0);
  uint64 buf;
  int n, r;

  argaddr(1, &buf);
  argint(2, &n);
  if (f == 0)
    return FAIL;
  if (n < 0) {
    fileclose(f);
    return FAIL;
  }
  r = writing ? filewrite(f, buf, n) : fileread(f, buf, n);
  fileclose(f);
  return r;
}

uint64
sys_read(void)
{
  return read_or_write(0);
}

uint64
sys_write(void)
{
  return read_or_write(1);
}

uint64
sys_close(void)
{
  int fd;

  argint(0, &fd);
  return fd_close(fd) < 0 ? FAIL : 0;
}

uint64
sys_fstat(void)
{
  struct file *f = arg_file(0);
  uint64 st;
  int r;

  argaddr(1, &st);
  if (f == 0)
    return FAIL;
  r = filestat(f, st);
  fileclose(f);
  return r < 0 ? FAIL : 0;
}

// ---- names -----------------------------------------------------------------------

// Is directory dp (locked) empty apart from "." and ".."?
static int
dir_is_empty(struct inode *dp)
{
  struct dirent de;

  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_is_empty: short directory read");
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

// Give ip (locked) one more link, or take one away, on disk.
static void
adjust_links(struct inode *ip, int delta)
{
  ip->nlink += delta;
  iupdate(ip);
}

// Inside a transaction: make new name a second link to the file old.
static int
link_names(char *old, char *new)
{
  char name[DIRSIZ];
  struct inode *ip, *dp;

  if ((ip = namei(old)) == 0)
    return -1;
  ilock(ip);
  // Links to directories would make cycles; nlink is a short on disk.
  if (ip->type == T_DIR || ip->nlink >= LINK_MAX) {
    iunlockput(ip);
    return -1;
  }
  // Count the link first: a crash then leaves nlink too high (harmless),
  // never a name pointing at an inode that counts too few.
  adjust_links(ip, 1);
  iunlock(ip);

  dp = nameiparent(new, name);
  if (dp) {
    ilock(dp);
    if (dp->dev == ip->dev && dirlink(dp, name, ip->inum) == 0) {
      iunlockput(dp);
      iput(ip);
      return 0;
    }
    iunlockput(dp);
  }
  ilock(ip);
  adjust_links(ip, -1);
  iunlockput(ip);
  return -1;
}

uint64
sys_link(void)
{
  char old[MAXPATH], new[MAXPATH];
  int r;

  if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
    return FAIL;
  begin_op();
  r = link_names(old, new);
  end_op();
  return r < 0 ? FAIL : 0;
}

// Inside a transaction: remove the directory entry path.
static int
unlink_name(char *path)
{
  char name[DIRSIZ];
  struct dirent blank;
  struct inode *dp, *ip;
  uint off;

  if ((dp = nameiparent(path, name)) == 0)
    return -1;
  ilock(dp);
  if (namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
    goto fail_dp;
  if (dirlookup(dp, name, &off, &ip) < 1)
    goto fail_dp;
  ilock(ip);
  if (ip->nlink < 1)
    panic("unlink: directory entry for an unlinked inode");
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    iunlockput(ip);
    goto fail_dp;
  }

  memset(&blank, 0, sizeof(blank));
  if (writei(dp, 0, (uint64)&blank, off, sizeof(blank)) != sizeof(blank))
    panic("unlink: cannot clear directory entry");
  if (ip->type == T_DIR)
    adjust_links(dp, -1);          // the child's ".." no longer names dp
  iunlockput(dp);
  adjust_links(ip, -1);
  iunlockput(ip);
  return 0;

fail_dp:
  iunlockput(dp);
  return -1;
}

uint64
sys_unlink(void)
{
  char path[MAXPATH];
  int r;

  if (argstr(0, path, MAXPATH) < 0)
    return FAIL;
  begin_op();
  r = unlink_name(path);
  end_op();
  return r < 0 ? FAIL : 0;
}

// Fill a new directory ip (locked) with "." and "..", parent dp. 0 or -1.
static int
dir_init(struct inode *ip, struct inode *dp)
{
  if (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0)
    return -1;
  return 0;
}

// Inside a transaction: create path as a new inode of the given type and
// return it locked. An existing regular file or device satisfies a request
// for T_FILE (open with O_CREATE); anything else that exists is an error.
static struct inode *
create(char *path, short type, short major, short minor)
{
  char name[DIRSIZ];
  struct inode *dp, *ip;

  if ((dp = nameiparent(path, name)) == 0)
    return 0;
  ilock(dp);
  int found = dirlookup(dp, name, 0, &ip);
  if (found == 1) {
    iunlockput(dp);
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    iunlockput(ip);
    return 0;
  }
  // A new directory's ".." is one more link to dp.
  if (found < 0 || (type == T_DIR && dp->nlink >= LINK_MAX) ||
      (ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  adjust_links(ip, 1);
  if ((type == T_DIR && dir_init(ip, dp) < 0) || dirlink(dp, name, ip->inum) < 0) {
    // Dropping the only link makes iput free the inode and its blocks.
    ip->nlink = 0;
    iupdate(ip);
    iunlockput(ip);
    iunlockput(dp);
    return 0;
  }
  if (type == T_DIR)
    adjust_links(dp, 1);           // the new ".." names dp
  iunlockput(dp);
  return ip;
}

#define OPEN_FLAGS (O_WRONLY | O_RDWR | O_CREATE | O_TRUNC)

// Inside a transaction: find or create path and turn it into an open file
// (not yet given a descriptor). Returns 0 on failure.
static struct file *
open_file(char *path, int omode)
{
  struct inode *ip;
  struct file *f;

  if (omode & O_CREATE) {
    if ((ip = create(path, T_FILE, 0, 0)) == 0)
      return 0;
  } else {
    if ((ip = namei(path)) == 0)
      return 0;
    ilock(ip);
  }
  if ((ip->type == T_DIR && (omode & (O_WRONLY | O_RDWR))) ||
      (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)) ||
      (f = filealloc()) == 0) {
    iunlockput(ip);
    return 0;
  }
  // filealloc cleared the rest (off starts at 0).
  f->ip = ip;
  f->type = ip->type == T_DEVICE ? FD_DEVICE : FD_INODE;
  f->major = ip->major;            // used only by FD_DEVICE
  f->readable = (omode & O_WRONLY) == 0;
  f->writable = (omode & (O_WRONLY | O_RDWR)) != 0;
  if (ip->type == T_FILE && (omode & O_TRUNC))
    itrunc(ip);
  iunlock(ip);
  return f;
}

uint64
sys_open(void)
{
  char path[MAXPATH];
  struct file *f;
  int omode, fd;

  argint(1, &omode);
  if (argstr(0, path, MAXPATH) < 0)
    return FAIL;
  if ((omode & ~OPEN_FLAGS) || (omode & O_WRONLY && omode & O_RDWR))
    return FAIL;
  if (procfs_claims(path)) {
    f = procfs_open(path, omode);      // /proc is not on the disk
  } else {
    begin_op();
    f = open_file(path, omode);
    end_op();
  }
  if (f == 0)
    return FAIL;
  // Outside the transaction, so that the fileclose (and iput) on failure
  // may start its own.
  if ((fd = fd_install(f)) < 0) {
    fileclose(f);
    return FAIL;
  }
  return fd;
}

// mkdir and mknod: create and drop at once.
static uint64
make_node(char *path, short type, short major, short minor)
{
  struct inode *ip;

  begin_op();
  ip = create(path, type, major, minor);
  if (ip)
    iunlockput(ip);
  end_op();
  return ip ? 0 : FAIL;
}

uint64
sys_mkdir(void)
{
  char path[MAXPATH];

  if (argstr(0, path, MAXPATH) < 0)
    return FAIL;
  return make_node(path, T_DIR, 0, 0);
}

uint64
sys_mknod(void)
{
  char path[MAXPATH];
  int major, minor;

  argint(1, &major);
  argint(2, &minor);
  if (argstr(0, path, MAXPATH) < 0)
    return FAIL;
  // They are stored as shorts; refuse what would not survive that.
  if (major < 0 || major > 32767 || minor < 0 || minor > 32767)
    return FAIL;
  return make_node(path, T_DEVICE, major, minor);
}

uint64
sys_chdir(void)
{
  char path[MAXPATH];
  struct fsinfo *fs = myproc()->fs;
  struct inode *ip, *old;

  if (argstr(0, path, MAXPATH) < 0)
    return FAIL;
  begin_op();
  if ((ip = namei(path)) == 0) {
    end_op();
    return FAIL;
  }
  ilock(ip);
  if (ip->type != T_DIR) {
    iunlockput(ip);
    end_op();
    return FAIL;
  }
  iunlock(ip);
  // Threads sharing fs (CLONE_FS) see the change; the reference to the old
  // cwd is dropped outside fs->lock because iput may sleep.
  acquire(&fs->lock);
  old = fs->cwd;
  fs->cwd = ip;
  release(&fs->lock);
  if (old)
    iput(old);
  end_op();
  return 0;
}

uint64
sys_pipe(void)
{
  uint64 user_fds;
  struct file *rf, *wf;
  int fds[2];

  argaddr(0, &user_fds);
  if (pipealloc(&rf, &wf) < 0)
    return FAIL;
  if ((fds[0] = fd_install(rf)) < 0) {
    fileclose(rf);
    fileclose(wf);
    return FAIL;
  }
  if ((fds[1] = fd_install(wf)) < 0) {
    fd_close(fds[0]);
    fileclose(wf);
    return FAIL;
  }
  if (either_copyout(1, user_fds, fds, sizeof(fds)) < 0) {
    fd_close(fds[0]);
    fd_close(fds[1]);
    return FAIL;
  }
  return 0;
}
