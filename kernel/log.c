// log.c: the write-ahead log that makes each file-system operation atomic.
//
// A system call that changes the disk wraps its work in begin_op()/end_op()
// and hands every block it modifies to log_write(), which only notes the
// block number and pins the buffer. When the last running operation ends,
// commit() copies the noted blocks into the log area, writes the log header
// (the single write that makes the transaction count), copies the blocks to
// their home locations and clears the header. A crash before the header
// write loses the whole transaction; after it, boot-time recovery replays it.
// Several operations may share one commit ("group commit").
//
// On disk, block sb.logstart holds the header (a count and the home block
// number of each logged block); the logged copies follow it in order.
//
// Locking: wal.lock protects every field of wal. Invariant: the blocks
// already logged plus MAXOPBLOCKS for every operation still running never
// exceed LOGSIZE, so an admitted operation can always finish.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "sched.h"
#include "fs.h"
#include "buf.h"
#include "log.h"
#include "klib.h"
#include "printf.h"

// The log header, in memory and (same layout) in block wal.start.
struct logheader {
  int n;                 // blocks in the current transaction
  int block[LOGSIZE];    // home block number of each
};

static struct {
  struct spinlock lock;
  int dev;
  int start;             // header block; logged copies follow it
  int size;              // header + data blocks available
  int running;           // operations between begin_op and end_op
  int committing;        // commit() under way: no new operations
  struct logheader lh;
} wal;

static void recover(void);
static void commit(void);

void
initlog(int dev, struct superblock *sb)
{
  if (sizeof(struct logheader) > BSIZE)
    panic("initlog: log header does not fit in a block");
  initlock(&wal.lock, "log");
  wal.dev = dev;
  wal.start = sb->logstart;
  wal.size = sb->nlog;
  if (wal.size - 1 < MAXOPBLOCKS)
    panic("initlog: on-disk log too small for one operation");
  recover();
}

// Copy block `from` to block `to` on disk, through the cache.
static void
copy_block(uint from, uint to)
{
  struct buf *src = bread(wal.dev, from);
  struct buf *dst = bread(wal.dev, to);

  memmove(dst->data, src->data, BSIZE);
  bwrite(dst);
  brelse(src);
  brelse(dst);
}

// Log slot i lives right after the header.
static uint
slot_block(int i)
{
  return wal.start + 1 + i;
}

static void
header_load(void)
{
  struct buf *b = bread(wal.dev, wal.start);
  memmove(&wal.lh, b->data, sizeof(wal.lh));
  brelse(b);
}

// Writing the header with n > 0 is the commit point; with n == 0 it retires
// the transaction.
static void
header_store(void)
{
  struct buf *b = bread(wal.dev, wal.start);
  memmove(b->data, &wal.lh, sizeof(wal.lh));
  bwrite(b);
  brelse(b);
}

// Copy every logged block from the log to its home. After a crash the home
// buffers were never pinned, so only a live commit unpins them.
static void
install(int after_crash)
{
  for (int i = 0; i < wal.lh.n; i++) {
    copy_block(slot_block(i), wal.lh.block[i]);
    if (!after_crash) {
      struct buf *home = bread(wal.dev, wal.lh.block[i]);
      bunpin(home);
      brelse(home);
    }
  }
}

static void
recover(void)
{
  header_load();
  if (wal.lh.n < 0 || wal.lh.n > LOGSIZE)
    panic("recover: corrupt log header");
  install(1);
  wal.lh.n = 0;
  header_store();
}

// Blocks one transaction may log: the in-memory header's limit, and the
// on-disk log less its header block.
static int
capacity(void)
{
  return wal.size - 1 < LOGSIZE ? wal.size - 1 : LOGSIZE;
}

// Would one more operation fit beside those running? (wal.lock held)
static int
room_for_one_more(void)
{
  return wal.lh.n + (wal.running + 1) * MAXOPBLOCKS <= capacity();
}

void
begin_op(void)
{
  acquire(&wal.lock);
  while (wal.committing || !room_for_one_more())
    sleep(&wal, &wal.lock);
  wal.running++;
  release(&wal.lock);
}

void
end_op(void)
{
  int commit_now = 0;

  acquire(&wal.lock);
  if (wal.committing)
    panic("end_op: operation ran during a commit");
  wal.running--;
  if (wal.running == 0) {
    commit_now = 1;
    wal.committing = 1;
  } else {
    // This operation's unused reservation may let a waiter in.
    wakeup(&wal);
  }
  release(&wal.lock);

  if (!commit_now)
    return;
  // No operation runs while committing is set, so commit() may sleep on
  // disk I/O without wal.lock.
  commit();
  acquire(&wal.lock);
  wal.committing = 0;
  wakeup(&wal);
  release(&wal.lock);
}

static void
commit(void)
{
  if (wal.lh.n == 0)
    return;
  for (int i = 0; i < wal.lh.n; i++)
    copy_block(wal.lh.block[i], slot_block(i));
  header_store();       // the transaction now survives a crash
  install(0);
  wal.lh.n = 0;
  header_store();       // and is done
}

// Record that b (locked, modified by the caller) belongs to the current
// transaction. It is written at commit time; the caller just brelse()s it.
void
log_write(struct buf *b)
{
  int i;

  acquire(&wal.lock);
  if (wal.running < 1)
    panic("log_write: outside begin_op/end_op");
  // Writing the same block twice in one transaction uses one slot.
  for (i = 0; i < wal.lh.n; i++)
    if (wal.lh.block[i] == b->blockno)
      break;
  if (i == wal.lh.n) {
    if (wal.lh.n >= capacity())
      panic("log_write: transaction larger than the log");
    wal.lh.block[i] = b->blockno;
    wal.lh.n++;
    bpin(b);            // keep the changed copy cached until installed
  }
  release(&wal.lock);
}
