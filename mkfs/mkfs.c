// mkfs.c: build a weft file-system image on the host.
//
//   usage: mkfs fs.img file...
//
// The image (FSSIZE blocks of BSIZE bytes) is assembled in memory and
// written out in one go: boot block, superblock (block 1), log (LOGSIZE
// blocks: its header, then room for LOGSIZE-1 logged blocks), inode blocks for NINODES inodes, the free
// bitmap, then data. "/" holds "." and ".." and one entry per named file,
// under the file's base name with one leading '_' removed (user/_cat ->
// /cat). Data blocks are handed out in increasing order and never freed, so
// "used" is simply every block below next_free. Multi-byte fields are
// written in host order; main() refuses to run on a big-endian host, since
// the kernel reads them as little-endian RISC-V words.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <errno.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/param.h"

#define NINODES 200

// Layout, fixed by the constants above.
#define NLOG        LOGSIZE                      // header + LOGSIZE-1 data blocks
#define NINODEBLKS  (NINODES / IPB + 1)
#define NBITMAP     (FSSIZE / BPB + 1)
#define LOGSTART    2
#define INODESTART  (LOGSTART + NLOG)
#define BMAPSTART   (INODESTART + NINODEBLKS)
#define DATASTART   (BMAPSTART + NBITMAP)

_Static_assert(sizeof(struct dinode) * IPB == BSIZE, "dinodes must tile a block");
_Static_assert(sizeof(struct dirent) == 16, "dirent must be 16 bytes");
_Static_assert(DATASTART < FSSIZE, "metadata leaves no room for data");

static uchar image[FSSIZE][BSIZE];
static uint next_free = DATASTART;   // next data block to hand out
static uint next_inum = ROOTINO;     // next inode number to hand out

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "mkfs: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static struct dinode *
dinode_of(uint inum)
{
  if (inum == 0 || inum >= NINODES)
    die("inode %u out of range", inum);
  return (struct dinode *)image[INODESTART + inum / IPB] + inum % IPB;
}

static uint
new_inode(short type)
{
  if (next_inum >= NINODES)
    die("too many files: the image has only %d inodes", NINODES);
  uint inum = next_inum++;
  struct dinode *di = dinode_of(inum);
  memset(di, 0, sizeof(*di));
  di->type = type;
  di->nlink = 1;
  return inum;
}

static uint
new_block(void)
{
  if (next_free >= FSSIZE)
    die("image full: the files need more than %d blocks of %d bytes",
        FSSIZE, BSIZE);
  return next_free++;
}

// Block number holding byte offset `off` of inode di, allocated if new.
static uint
block_for(struct dinode *di, uint off)
{
  uint bn = off / BSIZE;

  if (bn >= MAXFILE)
    die("file too large: at most %lu bytes", (unsigned long)MAXFILE * BSIZE);
  if (bn < NDIRECT) {
    if (di->addrs[bn] == 0)
      di->addrs[bn] = new_block();
    return di->addrs[bn];
  }
  if (di->addrs[NDIRECT] == 0)
    di->addrs[NDIRECT] = new_block();
  uint *indirect = (uint *)image[di->addrs[NDIRECT]];
  if (indirect[bn - NDIRECT] == 0)
    indirect[bn - NDIRECT] = new_block();
  return indirect[bn - NDIRECT];
}

// Add len bytes to the end of inode inum's contents.
static void
append(uint inum, const void *data, uint len)
{
  struct dinode *di = dinode_of(inum);
  const uchar *src = data;

  while (len > 0) {
    uint off = di->size;
    uint room = BSIZE - off % BSIZE;
    uint n = len < room ? len : room;
    memcpy(image[block_for(di, off)] + off % BSIZE, src, n);
    di->size += n;
    src += n;
    len -= n;
  }
}

static void
add_entry(uint dir, const char *name, uint inum)
{
  struct dirent de;

  memset(&de, 0, sizeof(de));
  de.inum = inum;
  size_t len = strlen(name);
  if (len > DIRSIZ)
    die("name \"%s\" longer than %d bytes", name, DIRSIZ);
  memcpy(de.name, name, len);     // NUL-padded by the memset, unless full
  append(dir, &de, sizeof(de));
}

// Name a host path gets in "/": its last component, minus one leading '_'.
static const char *
image_name(const char *path)
{
  const char *base = strrchr(path, '/');

  base = base ? base + 1 : path;
  if (base[0] == '_')
    base++;
  if (base[0] == '\0')
    die("%s: no file name left for the image", path);
  if (strlen(base) > DIRSIZ)
    die("%s: name \"%s\" longer than %d bytes", path, base, DIRSIZ);
  return base;
}

static int
root_has(uint root, const char *name)
{
  struct dinode *di = dinode_of(root);

  for (uint off = 0; off < di->size; off += sizeof(struct dirent)) {
    struct dirent *de = (struct dirent *)(image[block_for(di, off)] + off % BSIZE);
    if (de->inum && strncmp(de->name, name, DIRSIZ) == 0)
      return 1;
  }
  return 0;
}

static void
copy_in(uint root, const char *path)
{
  const char *name = image_name(path);
  static char chunk[BSIZE * 8];
  size_t got;
  FILE *in;

  if (root_has(root, name))
    die("%s: \"%s\" is already in the image", path, name);
  if ((in = fopen(path, "rb")) == NULL)
    die("%s: %s", path, strerror(errno));
  uint inum = new_inode(T_FILE);
  while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
    append(inum, chunk, got);
  if (ferror(in))
    die("%s: read error", path);
  fclose(in);
  add_entry(root, name, inum);
}

static void
write_superblock(void)
{
  struct superblock *s = (struct superblock *)image[1];

  s->magic = FSMAGIC;
  s->size = FSSIZE;
  s->nblocks = FSSIZE - DATASTART;
  s->ninodes = NINODES;
  s->nlog = NLOG;
  s->logstart = LOGSTART;
  s->inodestart = INODESTART;
  s->bmapstart = BMAPSTART;
}

// Mark blocks [0, next_free) in use.
static void
write_bitmap(void)
{
  for (uint b = 0; b < next_free; b++)
    image[BMAPSTART + b / BPB][(b % BPB) / 8] |= 1 << (b % 8);
}

static void
write_image(const char *path)
{
  FILE *out = fopen(path, "wb");

  if (out == NULL)
    die("%s: %s", path, strerror(errno));
  if (fwrite(image, BSIZE, FSSIZE, out) != FSSIZE || fclose(out) != 0)
    die("%s: write failed: %s", path, strerror(errno));
}

int
main(int argc, char *argv[])
{
  uint probe = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: mkfs fs.img file...\n");
    return 2;
  }
  if (*(uchar *)&probe != 1)
    die("big-endian host: the image would be unreadable by the kernel");

  // The log header (block LOGSTART) stays zero: no transaction to replay.
  uint root = new_inode(T_DIR);
  if (root != ROOTINO)
    die("root got inode %u, expected %d", root, ROOTINO);
  add_entry(root, ".", root);
  add_entry(root, "..", root);
  for (int i = 2; i < argc; i++)
    copy_in(root, argv[i]);

  write_superblock();
  write_bitmap();
  write_image(argv[1]);
  printf("mkfs: %s: %d blocks (%d meta, %d data used of %d), %u inodes used of %d\n",
         argv[1], FSSIZE, (int)DATASTART, (int)(next_free - DATASTART),
         (int)(FSSIZE - DATASTART), next_inum - 1, NINODES);
  return 0;
}
