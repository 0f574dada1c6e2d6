// file.c: open files, the device switch, fd tables and cwd info.
//
// A struct file is one open() (or one end of a pipe): several descriptors,
// in one table or in tables of different processes, may point at it.
// An fd table maps small integers to files and is shared by the tasks
// cloned with CLONE_FILES; an fsinfo holds the working directory and is
// shared by the tasks cloned with CLONE_FS.
//
// Locking: ftable.lock protects every file's ref (and claiming a free
// file); a table's own lock protects its ofile[] and ref; an fsinfo's lock
// its cwd and ref; pool.lock which pool entries are in use. Order: a
// table's lock may be held while taking ftable.lock or itable.lock, never
// the other way round. Nothing that can sleep (fileclose, iput) runs under
// any of these spinlocks.
// Invariant: every reference to a file (a table slot, a descriptor being
// used by a system call) is counted in its ref; the file is torn down when
// the count reaches zero.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "stat.h"
#include "fs.h"
#include "inode.h"
#include "log.h"
#include "file.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "procfs.h"
#include "klib.h"
#include "printf.h"

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

// Every process has at most one fd table and one fsinfo, so NPROC of each
// suffice. in_use[] is separate from ref: a table whose ref has dropped to
// zero stays claimed until its files are closed.
static struct {
  struct spinlock lock;
  struct fdtable tables[NPROC];
  char table_in_use[NPROC];
  struct fsinfo infos[NPROC];
  char info_in_use[NPROC];
} pool;

void
fileinit(void)
{
  initlock(&ftable.lock, "ftable");
  initlock(&pool.lock, "fdtable/fsinfo pool");
  for (int i = 0; i < NPROC; i++) {
    initlock(&pool.tables[i].lock, "fdtable");
    initlock(&pool.infos[i].lock, "fsinfo");
  }
  procfsinit();
}

// ---- open files --------------------------------------------------------------

// A free file with ref 1 and everything else cleared, or 0.
struct file *
filealloc(void)
{
  struct file *found = 0;

  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < &ftable.file[NFILE]; f++) {
    if (f->ref == 0) {
      memset(f, 0, sizeof(*f));
      f->ref = 1;
      found = f;
      break;
    }
  }
  release(&ftable.lock);
  return found;
}

struct file *
filedup(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file is not open");
  f->ref++;
  release(&ftable.lock);
  return f;
}

// Drop one reference; the last one releases the pipe end or inode (an
// FD_PROC file holds nothing).
// May sleep (iput): process context only.
void
fileclose(struct file *f)
{
  struct file last;

  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file is not open");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  // Work from a copy so the slot can be reused at once.
  last = *f;
  f->type = FD_NONE;
  release(&ftable.lock);

  if (last.type == FD_PIPE) {
    pipeclose(last.pipe, last.writable);
  } else if (last.type == FD_INODE || last.type == FD_DEVICE) {
    begin_op();
    iput(last.ip);
    end_op();
  }
}

// Copy f's metadata to the user address user_st: 0 or -1.
int
filestat(struct file *f, uint64 user_st)
{
  struct stat st;

  if (f->type == FD_PROC) {
    procfs_stat(f, &st);
  } else if (f->type == FD_INODE || f->type == FD_DEVICE) {
    ilock(f->ip);
    stati(f->ip, &st);
    iunlock(f->ip);
  } else {
    return -1;
  }
  return either_copyout(1, user_st, &st, sizeof(st));
}

// The device switch entry for f, or 0 if its major has no driver.
static struct devsw *
file_dev(struct file *f)
{
  if (f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

// Read up to n bytes into the user buffer user_dst: count or -1.
int
fileread(struct file *f, uint64 user_dst, int n)
{
  struct devsw *d;
  int got;

  if (!f->readable || n < 0)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, user_dst, n);
  case FD_DEVICE:
    d = file_dev(f);
    return (d && d->read) ? d->read(1, user_dst, n) : -1;
  case FD_INODE:
    // The inode lock also serialises use of f->off by sharing threads.
    ilock(f->ip);
    got = readi(f->ip, 1, user_dst, f->off, n);
    if (got > 0)
      f->off += got;
    iunlock(f->ip);
    return got;
  case FD_PROC:
    return procfs_read(f, user_dst, n);
  default:
    panic("fileread: file of no type");
  }
}

// Bytes one transaction may write to a file: the log must also hold the
// inode block, an indirect block, and bitmap blocks, and a chunk that is
// not block-aligned touches one block more than its length suggests.
#define WRITE_CHUNK (((MAXOPBLOCKS - 4) / 2) * BSIZE)

// Write n bytes from user_src to an inode, one transaction per chunk.
static int
inode_write(struct file *f, uint64 user_src, int n)
{
  int done = 0;

  while (done < n) {
    int len = n - done < WRITE_CHUNK ? n - done : WRITE_CHUNK;
    int put;

    begin_op();
    ilock(f->ip);
    put = writei(f->ip, 1, user_src + done, f->off, len);
    if (put > 0)
      f->off += put;
    iunlock(f->ip);
    end_op();
    if (put != len)
      break;            // disk full or bad address
    done += len;
  }
  return done == n ? n : -1;
}

// Write n bytes from the user buffer user_src: n or -1.
int
filewrite(struct file *f, uint64 user_src, int n)
{
  struct devsw *d;

  if (!f->writable || n < 0)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, user_src, n);
  case FD_DEVICE:
    d = file_dev(f);
    return (d && d->write) ? d->write(1, user_src, n) : -1;
  case FD_INODE:
    return inode_write(f, user_src, n);
  case FD_PROC:
    return -1;                   // never writable (procfs_open refuses)
  default:
    panic("filewrite: file of no type");
  }
}

// Move f's offset (lseek): whence 0 from the start, 1 from the offset, 2
// from the end. Only inodes have offsets; the new one must lie in
// [0, size], so a later read or write never starts past the end (writei
// refuses that: no holes). The new offset, or -1.
int
fileseek(struct file *f, int off, int whence)
{
  if (f->type != FD_INODE)
    return -1;
  ilock(f->ip);
  long base = whence == 0 ? 0 : whence == 1 ? f->off : whence == 2 ? f->ip->size : -1;
  long to = base + off;
  int r = -1;
  if (base >= 0 && to >= 0 && to <= f->ip->size) {
    f->off = to;
    r = to;
  }
  iunlock(f->ip);
  return r;
}

// ---- fd tables -----------------------------------------------------------------

struct fdtable *
fdtable_alloc(void)
{
  struct fdtable *t = 0;

  acquire(&pool.lock);
  for (int i = 0; i < NPROC; i++) {
    if (!pool.table_in_use[i]) {
      pool.table_in_use[i] = 1;
      t = &pool.tables[i];
      break;
    }
  }
  release(&pool.lock);
  if (t) {
    t->ref = 1;
    memset(t->ofile, 0, sizeof(t->ofile));
  }
  return t;
}

// A new table naming the same open files as src (fork without CLONE_FILES).
struct fdtable *
fdtable_copy(struct fdtable *src)
{
  struct fdtable *t = fdtable_alloc();

  if (t == 0)
    return 0;
  acquire(&src->lock);
  for (int fd = 0; fd < NOFILE; fd++)
    if (src->ofile[fd])
      t->ofile[fd] = filedup(src->ofile[fd]);
  release(&src->lock);
  return t;
}

struct fdtable *
fdtable_share(struct fdtable *t)
{
  acquire(&t->lock);
  t->ref++;
  release(&t->lock);
  return t;
}

// Close every descriptor in t. Files are taken out under the lock and
// closed after it is dropped, since fileclose may sleep.
void
fdtable_closeall(struct fdtable *t)
{
  for (int fd = 0; fd < NOFILE; fd++) {
    acquire(&t->lock);
    struct file *f = t->ofile[fd];
    t->ofile[fd] = 0;
    release(&t->lock);
    if (f)
      fileclose(f);
  }
}

void
fdtable_put(struct fdtable *t)
{
  int last;

  acquire(&t->lock);
  if (t->ref < 1)
    panic("fdtable_put: table not in use");
  last = (--t->ref == 0);
  release(&t->lock);
  if (!last)
    return;
  fdtable_closeall(t);
  acquire(&pool.lock);
  pool.table_in_use[t - pool.tables] = 0;
  release(&pool.lock);
}

// Put f in the lowest free slot of the caller's table. The table takes
// over the caller's reference to f. Returns the fd, or -1 if full.
int
fd_install(struct file *f)
{
  struct fdtable *t = myproc()->files;
  int fd;

  acquire(&t->lock);
  for (fd = 0; fd < NOFILE && t->ofile[fd]; fd++)
    ;
  if (fd < NOFILE)
    t->ofile[fd] = f;
  release(&t->lock);
  return fd < NOFILE ? fd : -1;
}

// Put f in slot fd of the caller's table (dup2), closing whatever was
// there. Takes over the caller's reference. fd, or -1 if out of range.
int
fd_install_at(struct file *f, int fd)
{
  struct fdtable *t = myproc()->files;
  struct file *old;

  if (fd < 0 || fd >= NOFILE)
    return -1;
  acquire(&t->lock);
  old = t->ofile[fd];
  t->ofile[fd] = f;
  release(&t->lock);
  if (old)
    fileclose(old);
  return fd;
}

struct file *
fd_get(int fd)
{
  struct fdtable *t = myproc()->files;
  struct file *f = 0;

  if (fd < 0 || fd >= NOFILE)
    return 0;
  acquire(&t->lock);
  // Take the reference before dropping the lock: once it is dropped
  // another thread may close fd.
  if (t->ofile[fd])
    f = filedup(t->ofile[fd]);
  release(&t->lock);
  return f;
}

int
fd_close(int fd)
{
  struct fdtable *t = myproc()->files;
  struct file *f;

  if (fd < 0 || fd >= NOFILE)
    return -1;
  acquire(&t->lock);
  f = t->ofile[fd];
  t->ofile[fd] = 0;
  release(&t->lock);
  if (f == 0)
    return -1;
  fileclose(f);
  return 0;
}

// ---- cwd info -----------------------------------------------------------------

struct fsinfo *
fsinfo_alloc(struct inode *cwd)
{
  struct fsinfo *fs = 0;

  acquire(&pool.lock);
  for (int i = 0; i < NPROC; i++) {
    if (!pool.info_in_use[i]) {
      pool.info_in_use[i] = 1;
      fs = &pool.infos[i];
      break;
    }
  }
  release(&pool.lock);
  if (fs) {
    fs->ref = 1;
    fs->cwd = cwd;
  }
  return fs;
}

struct fsinfo *
fsinfo_copy(struct fsinfo *src)
{
  struct fsinfo *fs = fsinfo_alloc(0);

  if (fs == 0)
    return 0;
  acquire(&src->lock);
  fs->cwd = src->cwd ? idup(src->cwd) : 0;
  release(&src->lock);
  return fs;
}

struct fsinfo *
fsinfo_share(struct fsinfo *fs)
{
  acquire(&fs->lock);
  fs->ref++;
  release(&fs->lock);
  return fs;
}

void
fsinfo_put(struct fsinfo *fs)
{
  struct inode *cwd = 0;
  int last;

  acquire(&fs->lock);
  if (fs->ref < 1)
    panic("fsinfo_put: info not in use");
  last = (--fs->ref == 0);
  if (last) {
    cwd = fs->cwd;
    fs->cwd = 0;
  }
  release(&fs->lock);
  if (!last)
    return;
  if (cwd) {
    begin_op();
    iput(cwd);
    end_op();
  }
  acquire(&pool.lock);
  pool.info_in_use[fs - pool.infos] = 0;
  release(&pool.lock);
}

// The caller's working directory, with a reference the caller must iput.
struct inode *
cwd_get(void)
{
  struct fsinfo *fs = myproc()->fs;
  struct inode *ip;

  acquire(&fs->lock);
  ip = fs->cwd ? idup(fs->cwd) : 0;
  release(&fs->lock);
  return ip;
}
