// bio.c: the buffer cache, NBUF in-memory copies of disk blocks.
//
// The cache keeps one copy of each block in use, so every reader and writer
// of a block sees the same bytes, and keeps recently used blocks so repeated
// reads skip the disk. Buffers sit on one circular list through a sentinel:
// the sentinel's next is the most recently released buffer, its prev the
// least recently released one, where a recycled buffer comes from.
//
// Locking: cache.lock protects the list, every buffer's dev/blockno/refcnt
// and the choice of a buffer to recycle. Each buffer's sleeplock protects
// its data and valid flag and is held from bread() to brelse().
// Invariant: a buffer with refcnt > 0 is never recycled, and no two buffers
// ever carry the same (dev, blockno).
//
// Running out: when every buffer is held or pinned, bget() sleeps until
// brelse() or bunpin() frees one. That cannot deadlock, because of three
// rules kept elsewhere:
//   1. The log pins at most LOGSIZE buffers (log_write panics before more;
//      begin_op admits no operation that could need more).
//   2. A thread waiting in bget() holds at most one other buffer, and only
//      inside a transaction or a commit (bmap's indirect block while balloc
//      reads the bitmap, itrunc's while bfree does, commit's source block
//      while it reads the destination). Readers release each block before
//      reading the next, so a waiting reader holds none; and no one sleeps
//      for an inode lock or begin_op() while holding a buffer.
//   3. begin_op() admits at most LOGSIZE / MAXOPBLOCKS operations at once,
//      and the committer runs only when none is running.
// So pinned buffers plus buffers held by waiters number at most
// LOGSIZE + LOGSIZE / MAXOPBLOCKS, and with NBUF above that (checked
// below) some buffer is always free or held by a thread that will release
// it. NBUF has room to spare (param.h) so that the log rarely waits.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "fs.h"
#include "buf.h"
#include "sched.h"
#include "printf.h"

_Static_assert(NBUF > LOGSIZE + LOGSIZE / MAXOPBLOCKS,
               "NBUF too small: a full log and its waiters could hold every buffer");

static struct {
  struct spinlock lock;
  struct buf slot[NBUF];
  struct buf lru;        // sentinel: lru.next newest, lru.prev oldest
} cache;

// Take b off the list (cache.lock held).
static void
lru_remove(struct buf *b)
{
  b->prev->next = b->next;
  b->next->prev = b->prev;
}

// Put b at the most-recently-used end (cache.lock held).
static void
lru_push_newest(struct buf *b)
{
  b->prev = &cache.lru;
  b->next = cache.lru.next;
  cache.lru.next->prev = b;
  cache.lru.next = b;
}

void
binit(void)
{
  initlock(&cache.lock, "bcache");
  cache.lru.next = cache.lru.prev = &cache.lru;
  for (int i = 0; i < NBUF; i++) {
    initsleeplock(&cache.slot[i].lock, "buffer");
    lru_push_newest(&cache.slot[i]);
  }
}

// The buffer already holding (dev, blockno), or 0 (cache.lock held).
static struct buf *
cache_find(uint dev, uint blockno)
{
  for (struct buf *b = cache.lru.next; b != &cache.lru; b = b->next)
    if (b->dev == dev && b->blockno == blockno)
      return b;
  return 0;
}

// The least recently used idle buffer, or 0 (cache.lock held).
static struct buf *
cache_victim(void)
{
  for (struct buf *b = cache.lru.prev; b != &cache.lru; b = b->prev)
    if (b->refcnt == 0)
      return b;
  return 0;
}

// A locked buffer for (dev, blockno), its contents possibly not yet read.
// Sleeps while every buffer is in use (see the top of the file).
static struct buf *
bget(uint dev, uint blockno)
{
  struct buf *b;

  acquire(&cache.lock);
  while ((b = cache_find(dev, blockno)) == 0) {
    if ((b = cache_victim()) != 0) {
      // Claim it for the new block while still under cache.lock, so a
      // second caller asking for the same block finds this buffer.
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      break;
    }
    // Another thread may bring our block in while we sleep: look again.
    sleep(&cache, &cache.lock);
  }
  b->refcnt++;
  release(&cache.lock);
  // Sleep for the data lock only after dropping the spinlock.
  acquiresleep(&b->lock);
  return b;
}

// The locked buffer for a block, holding the block's contents.
struct buf *
bread(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);

  if (!b->valid) {
    virtio_disk_rw(b, 0);
    b->valid = 1;
  }
  return b;
}

// Write b's contents to its disk block now. Caller holds b->lock.
void
bwrite(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer not locked");
  virtio_disk_rw(b, 1);
}

// Done with b: unlock it and, if nobody else wants it, make it the newest
// candidate for reuse.
void
brelse(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);

  acquire(&cache.lock);
  if (--b->refcnt == 0) {
    lru_remove(b);
    lru_push_newest(b);
    wakeup(&cache);       // bget() may be waiting for any idle buffer
  }
  release(&cache.lock);
}

// The log pins a buffer it has promised to write, so it stays cached (and
// keeps its changes) until the commit installs it.
void
bpin(struct buf *b)
{
  acquire(&cache.lock);
  b->refcnt++;
  release(&cache.lock);
}

void
bunpin(struct buf *b)
{
  acquire(&cache.lock);
  if (b->refcnt == 0)
    panic("bunpin: buffer not pinned");
  if (--b->refcnt == 0)
    wakeup(&cache);
  release(&cache.lock);
}
