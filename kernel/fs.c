// fs.c: the file system proper: blocks, inodes, directories, path names.
//
// Layers, bottom up: the free-block bitmap (balloc/bfree); inodes, cached in
// itable and written through the log (ialloc, ilock, iput, ...); file
// contents mapped block by block through an inode's addrs[] (bmap, readi,
// writei); directories, files of struct dirent (dirlookup, dirlink); and
// path names walked one element at a time (namei, nameiparent).
//
// Locking: itable.lock protects every cached inode's ref, dev and inum;
// each inode's sleeplock protects valid and the copy of the dinode. Code
// that changes the disk runs inside begin_op()/end_op().
// Invariant: a cached inode with ref > 0 is never reused for another inum;
// an inode's disk blocks are freed only when no directory names it
// (nlink == 0) and no C pointer refers to it (ref drops to zero); and an
// inode number is handed out again only once the iput that freed it has
// let go of its table entry too.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "stat.h"
#include "fs.h"
#include "buf.h"
#include "inode.h"
#include "log.h"
#include "file.h"
#include "thread.h"
#include "mm.h"
#include "klib.h"
#include "printf.h"

// The superblock of the (only) mounted file system.
static struct superblock sb;

void
fsinit(int dev)
{
  struct buf *b = bread(dev, 1);

  memmove(&sb, b->data, sizeof(sb));
  brelse(b);
  if (sb.magic != FSMAGIC)
    panic("fsinit: disk has no weft file system");
  initlog(dev, &sb);
}

// ---- free-block bitmap ----------------------------------------------------

// Clear a newly allocated block on disk (through the log).
static void
bzero(uint dev, uint blockno)
{
  struct buf *b = bread(dev, blockno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  brelse(b);
}

// Claim a free data block, zeroed. Returns its number, or 0 if the disk is
// full (block 0 is the boot block, never a data block).
static uint
balloc(uint dev)
{
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *map = bread(dev, BBLOCK(base, sb));
    for (uint bit = 0; bit < BPB && base + bit < sb.size; bit++) {
      uchar mask = 1 << (bit % 8);
      if (map->data[bit / 8] & mask)
        continue;
      map->data[bit / 8] |= mask;
      log_write(map);
      brelse(map);
      bzero(dev, base + bit);
      return base + bit;
    }
    brelse(map);
  }
  printf("balloc: file system full\n");
  return 0;
}

static void
bfree(uint dev, uint blockno)
{
  struct buf *map = bread(dev, BBLOCK(blockno, sb));
  uint bit = blockno % BPB;
  uchar mask = 1 << (bit % 8);

  if ((map->data[bit / 8] & mask) == 0)
    panic("bfree: block already free");
  map->data[bit / 8] &= ~mask;
  log_write(map);
  brelse(map);
}

// ---- inodes ------------------------------------------------------------------

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

void
iinit(void)
{
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.inode[i].lock, "inode");
}

// The referenced cached inode for (dev, inum), or 0 (itable.lock held).
static struct inode *
itable_find(uint dev, uint inum)
{
  for (struct inode *ip = itable.inode; ip < &itable.inode[NINODE]; ip++)
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum)
      return ip;
  return 0;
}

// An unused entry made over to (dev, inum) with one reference and nothing
// read yet, or 0 if every entry is in use (itable.lock held).
static struct inode *
itable_claim(uint dev, uint inum)
{
  for (struct inode *ip = itable.inode; ip < &itable.inode[NINODE]; ip++) {
    if (ip->ref == 0) {
      ip->dev = dev;
      ip->inum = inum;
      ip->ref = 1;
      ip->valid = 0;
      return ip;
    }
  }
  printf("iget: inode table full\n");
  return 0;
}

// The cached inode for (dev, inum) with one more reference, unlocked and
// possibly not yet read from disk; 0 if the table is full.
static struct inode *
iget(uint dev, uint inum)
{
  acquire(&itable.lock);
  struct inode *ip = itable_find(dev, inum);
  if (ip)
    ip->ref++;
  else
    ip = itable_claim(dev, inum);
  release(&itable.lock);
  return ip;
}

// Where inode inum lives inside its (already read) inode block.
static struct dinode *
dinode_in(struct buf *b, uint inum)
{
  return (struct dinode *)b->data + inum % IPB;
}

// Allocate a free on-disk inode of the given type. Returns it referenced but
// unlocked, or 0 if no inode (on disk or in the table) is free.
struct inode *
ialloc(uint dev, short type)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = dinode_in(b, inum);
    if (dip->type != 0) {
      brelse(b);
      continue;
    }
    // A dinode reads free as soon as the iput that frees it writes it back,
    // but that iput drops its table reference only afterwards. Sharing its
    // entry would leave two references when the new owner's last iput
    // comes, so that iput would leave the reclaim to the old one -- which
    // has already finished: an inode lost for good. Skip such a number.
    acquire(&itable.lock);
    int reclaiming = itable_find(dev, inum) != 0;
    // Holding b keeps other allocators off this dinode; take the table slot
    // before marking it so a full table leaves the disk unchanged.
    struct inode *ip = reclaiming ? 0 : itable_claim(dev, inum);
    release(&itable.lock);
    if (reclaiming) {
      brelse(b);
      continue;
    }
    if (ip) {
      memset(dip, 0, sizeof(*dip));
      dip->type = type;
      log_write(b);
    }
    brelse(b);
    return ip;
  }
  printf("ialloc: no free inodes\n");
  return 0;
}

// Write ip's fields back to its dinode. Caller holds ip->lock and is inside
// a transaction; call after every change to a field that lives on disk.
void
iupdate(struct inode *ip)
{
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));

  *dinode_in(b, ip->inum) = (struct dinode){
    .type = ip->type, .major = ip->major, .minor = ip->minor,
    .nlink = ip->nlink, .size = ip->size,
  };
  memmove(dinode_in(b, ip->inum)->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(b);
  brelse(b);
}

// Fill ip from its dinode (ip->lock held). A cached inode is only ever
// locked because something names it, so its dinode cannot be free.
static void
iload(struct inode *ip)
{
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode d = *dinode_in(b, ip->inum);

  brelse(b);
  if (d.type == 0)
    panic("iload: inode is free on disk");
  ip->type = d.type;
  ip->nlink = d.nlink;
  ip->major = d.major;
  ip->minor = d.minor;
  ip->size = d.size;
  memmove(ip->addrs, d.addrs, sizeof(d.addrs));
  ip->valid = 1;
}

// One more C pointer to ip (no lock on the inode needed).
struct inode *
idup(struct inode *ip)
{
  acquire(&itable.lock);
  ++ip->ref;
  release(&itable.lock);
  return ip;
}

// Lock ip, reading it from disk the first time.
void
ilock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1)
    panic("ilock: inode not referenced");
  acquiresleep(&ip->lock);
  if (ip->valid == 0)
    iload(ip);
}

void
iunlock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1 || !holdingsleep(&ip->lock))
    panic("iunlock: inode not locked by caller");
  releasesleep(&ip->lock);
}

// Drop a reference. The last reference to an inode no directory names
// frees it on disk, so every iput must run inside a transaction.
void
iput(struct inode *ip)
{
  int reclaim;

  acquire(&itable.lock);
  reclaim = ip->ref == 1 && ip->valid && ip->nlink == 0;
  if (!reclaim)
    ip->ref--;
  release(&itable.lock);
  if (!reclaim)
    return;

  // Ours is the last reference and no directory names the inode, so no
  // one else can reach it to hold its lock: acquiresleep cannot block.
  // Our reference keeps the table slot until the dinode is freed, and
  // keeps ialloc off the number until we drop it below.
  acquiresleep(&ip->lock);
  ip->type = 0;         // itrunc's iupdate then writes the dinode back free
  itrunc(ip);
  ip->valid = 0;
  releasesleep(&ip->lock);

  acquire(&itable.lock);
  --ip->ref;
  release(&itable.lock);
}

// The common ending: unlock, then drop the reference.
void
iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

void
stati(struct inode *ip, struct stat *st)
{
  *st = (struct stat){
    .dev = ip->dev, .ino = ip->inum, .type = ip->type,
    .nlink = ip->nlink, .size = ip->size,
  };
}

// ---- file contents -----------------------------------------------------------

// Fetch (allocating if zero) the block number stored in *slot. Returns 0 if
// the disk is full. *changed is set when a block was allocated.
static uint
slot_block(uint dev, uint *slot, int *changed)
{
  if (*slot == 0) {
    *slot = balloc(dev);
    *changed = (*slot != 0);
  }
  return *slot;
}

// Disk block holding the bn'th block of ip's contents, allocated on first
// use. Returns 0 if the disk is full. Caller holds ip->lock.
static uint
bmap(struct inode *ip, uint bn)
{
  int changed = 0;

  if (bn < NDIRECT)
    return slot_block(ip->dev, &ip->addrs[bn], &changed);
  bn -= NDIRECT;
  if (bn >= NINDIRECT)
    panic("bmap: block beyond MAXFILE");

  uint ind = slot_block(ip->dev, &ip->addrs[NDIRECT], &changed);
  if (ind == 0)
    return 0;
  struct buf *b = bread(ip->dev, ind);
  uint *table = (uint *)b->data;
  changed = 0;
  uint addr = slot_block(ip->dev, &table[bn], &changed);
  if (changed)
    log_write(b);
  brelse(b);
  return addr;
}

// Free every block of ip's contents and set its size to 0.
// Caller holds ip->lock and is inside a transaction.
void
itrunc(struct inode *ip)
{
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i]) {
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if (ip->addrs[NDIRECT]) {
    struct buf *b = bread(ip->dev, ip->addrs[NDIRECT]);
    uint *table = (uint *)b->data;
    for (int i = 0; i < NINDIRECT; i++)
      if (table[i])
        bfree(ip->dev, table[i]);
    brelse(b);
    bfree(ip->dev, ip->addrs[NDIRECT]);
    ip->addrs[NDIRECT] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

// Bytes from off to the end of off's block, at most left.
static uint
chunk_len(uint off, uint left)
{
  uint room = BSIZE - off % BSIZE;
  return room < left ? room : left;
}

// Read up to n bytes at off into dst. Returns the count read (short at end
// of file, 0 past it) or -1 if dst is a bad address. Caller holds ip->lock.
int
readi(struct inode *ip, int user_addr, uint64 dst, uint off, uint n)
{
  uint done = 0;

  if (off > ip->size || off + n < off)
    return 0;
  if (n > ip->size - off)
    n = ip->size - off;
  while (done < n) {
    uint blockno = bmap(ip, off / BSIZE);
    if (blockno == 0)
      break;
    struct buf *b = bread(ip->dev, blockno);
    uint len = chunk_len(off, n - done);
    int bad = either_copyout(user_addr, dst, b->data + off % BSIZE, len) < 0;
    brelse(b);
    if (bad)
      return -1;
    done += len;
    off += len;
    dst += len;
  }
  return done;
}

// Write n bytes from src at off, growing the file as needed. Returns n, a
// shorter count if the disk fills or src goes bad part way, or -1 if off
// lies past the end or the write would pass MAXFILE. Caller holds
// ip->lock and is inside a transaction.
int
writei(struct inode *ip, int user_addr, uint64 src, uint off, uint n)
{
  uint done = 0;

  if (off > ip->size || off + n < off)
    return -1;
  if (off + n > MAXFILE * BSIZE)
    return -1;
  while (done < n) {
    uint blockno = bmap(ip, off / BSIZE);
    if (blockno == 0)
      break;
    struct buf *b = bread(ip->dev, blockno);
    uint len = chunk_len(off, n - done);
    if (either_copyin(b->data + off % BSIZE, user_addr, src, len) < 0) {
      brelse(b);
      break;
    }
    log_write(b);
    brelse(b);
    done += len;
    off += len;
    src += len;
  }
  if (off > ip->size)
    ip->size = off;
  // Even a failed write may have allocated blocks into addrs[].
  iupdate(ip);
  return done;
}

// ---- directories ---------------------------------------------------------------

int
namecmp(const char *a, const char *b)
{
  return strncmp(a, b, DIRSIZ);
}

// Read the directory entry at off (dp locked); panics on a torn directory.
static void
dirent_at(struct inode *dp, uint off, struct dirent *de)
{
  if (readi(dp, 0, (uint64)de, off, sizeof(*de)) != sizeof(*de))
    panic("dirent_at: short directory read");
}

// Look name up in directory dp (locked). Returns 1 if present, with the
// entry's byte offset in *poff (if poff) and its inode, referenced and
// unlocked, in *ipp (if ipp); 0 if absent; -1 if present but the inode
// table has no slot for it. Callers must not take -1 for absence: that
// would let link or create add a second entry with the same name.
int
dirlookup(struct inode *dp, char *name, uint *poff, struct inode **ipp)
{
  struct dirent de;

  if (dp->type != T_DIR)
    panic("dirlookup: not a directory");
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    dirent_at(dp, off, &de);
    if (de.inum != 0 && namecmp(name, de.name) == 0) {
      if (poff)
        *poff = off;
      if (ipp && (*ipp = iget(dp->dev, de.inum)) == 0)
        return -1;
      return 1;
    }
  }
  return 0;
}

// Add the entry (name, inum) to directory dp (locked, in a transaction),
// reusing a free slot if there is one. 0, or -1 if name exists, dp has
// been removed (nlink 0: an entry there would name an inode no path
// reaches, lost for good) or the directory cannot grow.
int
dirlink(struct inode *dp, char *name, uint inum)
{
  struct dirent de;
  uint off;

  if (dp->nlink < 1 || dirlookup(dp, name, 0, 0) != 0)
    return -1;
  for (off = 0; off < dp->size; off += sizeof(de)) {
    dirent_at(dp, off, &de);
    if (de.inum == 0)
      break;
  }
  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---- path names ------------------------------------------------------------------

// Split off the first element of path into name (DIRSIZ bytes, truncated,
// NUL-padded) and return the rest with its leading slashes skipped; return
// 0 if path has no element left. "a//bb/" gives "a" and "bb/".
static char *
next_element(char *path, char *name)
{
  char *start;
  int len;

  while (*path == '/')
    path++;
  if (*path == '\0')
    return 0;
  start = path;
  while (*path != '/' && *path != '\0')
    path++;
  len = path - start;
  memset(name, 0, DIRSIZ);
  memmove(name, start, len < DIRSIZ ? len : DIRSIZ);
  while (*path == '/')
    path++;
  return path;
}

// Walk path. With want_parent, stop one element early: return the parent
// directory and copy the last element into name. Returns a referenced,
// unlocked inode or 0. Must run inside a transaction (it calls iput).
static struct inode *
walk(char *path, int want_parent, char *name)
{
  struct inode *ip, *next;

  ip = (*path == '/') ? iget(ROOTDEV, ROOTINO) : cwd_get();
  if (ip == 0)
    return 0;
  while ((path = next_element(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return 0;
    }
    if (want_parent && *path == '\0') {
      iunlock(ip);
      return ip;
    }
    int found = dirlookup(ip, name, 0, &next);
    // Unlock ip before locking next: for "." they are the same inode.
    iunlockput(ip);
    if (found < 1)
      return 0;
    ip = next;
  }
  if (want_parent) {
    // The path had no last element ("/" or ""): it has no parent to give.
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *
namei(char *path)
{
  char name[DIRSIZ];
  return walk(path, 0, name);
}

struct inode *
nameiparent(char *path, char *name)
{
  return walk(path, 1, name);
}
