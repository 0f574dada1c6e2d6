// buf.h: one cached disk block (bio.c owns the cache, virtio_disk.c fills it).
#ifndef WEFT_BUF_H
#define WEFT_BUF_H

#include "sleeplock.h"
#include "fs.h"

struct buf {
  int valid;             // data holds the block's contents
  int disk;              // virtio_disk owns the buffer while the request runs
  uint dev;
  uint blockno;
  struct sleeplock lock; // held by whoever uses data
  uint refcnt;           // protected by the cache lock
  struct buf *prev;      // LRU list, protected by the cache lock
  struct buf *next;
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
