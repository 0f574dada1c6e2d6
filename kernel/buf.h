// buf.h: one cached disk block (bio.c owns the cache, virtio_disk.c fills it).
#ifndef WEFT_BUF_H
#define WEFT_BUF_H

#include "sleeplock.h"
#include "fs.h"

struct buf {
  // Protected by the cache lock (bio.c):
  uint dev, blockno;     // which block this is
  uint refcnt;           // users holding a pointer to it
  struct buf *next, *prev;  // LRU list, most recently used first

  // Protected by the buffer's own sleep lock:
  struct sleeplock lock;
  int valid;             // data holds the block's contents
  int disk;              // set while virtio_disk owns the buffer for a request
  uchar data[BSIZE];
};

// bio.c
void binit(void);
struct buf *bread(uint dev, uint blockno);
void bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

// virtio_disk.c
void virtio_disk_init(void);
void virtio_disk_rw(struct buf *b, int write);
void virtio_disk_intr(void);

#endif
