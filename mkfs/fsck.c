// fsck.c: check a weft file-system image offline, on the host.
//
//   usage: fsck fs.img
//
// Reads the whole image and reports, one line each, every inconsistency it
// finds; exits 1 if there was any, 0 if the image is clean (2 if it could
// not be read at all). It checks:
//   - the log is empty (a cleanly stopped kernel has committed and
//     installed every transaction);
//   - every directory entry names an allocated inode; no name appears twice
//     in one directory; "." names the directory itself and ".." its parent;
//     no directory has two parents;
//   - every allocated inode is reachable from the root, and its nlink equals
//     the entries that name it (not counting "."; a directory's ".." counts
//     for its parent; the root has one extra link for itself);
//   - every block an inode uses is a data block, used by no other inode or
//     twice by one, and marked in the free bitmap; every marked data block
//     is used by some inode (otherwise it leaked); no block inside a file's
//     size is missing.
// Reading order: load() and the superblock, then walk() from the root,
// then check_inodes() and check_blocks().

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/stat.h"

static uchar *image;            // the whole image
static uint nblocks_img;        // blocks in the file
static struct superblock sb;
static int problems;

// Per inode: names found, how it was reached, the parent that names it.
static int *names;
static uint *parent;            // directories: the directory that names it
static uchar *reached;
// Per block: the inode using it (0: none).
static uint *owner;

static void __attribute__((format(printf, 1, 2)))
problem(const char *fmt, ...)
{
  va_list ap;

  problems++;
  printf("fsck: ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static uchar *
block(uint b)
{
  return image + (size_t)b * BSIZE;
}

static struct dinode *
dinode(uint inum)
{
  return (struct dinode *)block(IBLOCK(inum, sb)) + inum % IPB;
}

static int
bitmap_marked(uint b)
{
  return (block(BBLOCK(b, sb))[(b % BPB) / 8] >> (b % 8)) & 1;
}

static void
load(const char *path)
{
  FILE *f = fopen(path, "rb");
  long len;

  if (f == 0 || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 2 * BSIZE) {
    fprintf(stderr, "fsck: cannot read %s\n", path);
    exit(2);
  }
  rewind(f);
  nblocks_img = len / BSIZE;
  image = malloc((size_t)nblocks_img * BSIZE);
  if (image == 0 || fread(image, BSIZE, nblocks_img, f) != nblocks_img) {
    fprintf(stderr, "fsck: cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  memmove(&sb, block(1), sizeof(sb));
  if (sb.magic != FSMAGIC || sb.size > nblocks_img || sb.ninodes < 2 ||
      sb.bmapstart + sb.size / BPB + 1 > sb.size) {
    fprintf(stderr, "fsck: %s: bad superblock\n", path);
    exit(2);
  }
}

// The first data block: everything below is boot, super, log, inodes, bitmap.
static uint
data_start(void)
{
  return sb.bmapstart + sb.size / BPB + 1;
}

static void
check_log(void)
{
  int n;

  memmove(&n, block(sb.logstart), sizeof(n));
  if (n != 0)
    problem("log holds %d uncommitted or uninstalled blocks (not stopped cleanly?)", n);
}

// Record that inode inum uses block b (as data or as its indirect block).
static void
use_block(uint inum, uint b)
{
  if (b < data_start() || b >= sb.size) {
    problem("inode %u uses block %u, outside the data area [%u, %u)",
            inum, b, data_start(), sb.size);
    return;
  }
  if (owner[b] != 0)
    problem("block %u used by inode %u and inode %u", b, owner[b], inum);
  else
    owner[b] = inum;
}

// Block number of the bn'th block of inode inum's contents, 0 if none.
static uint
file_block(struct dinode *di, uint bn)
{
  if (bn < NDIRECT)
    return di->addrs[bn];
  if (di->addrs[NDIRECT] == 0 || di->addrs[NDIRECT] >= sb.size)
    return 0;
  return ((uint *)block(di->addrs[NDIRECT]))[bn - NDIRECT];
}

// Claim every block of an allocated inode; complain about holes and sizes.
static void
claim_blocks(uint inum)
{
  struct dinode *di = dinode(inum);

  if (di->size > MAXFILE * BSIZE)
    problem("inode %u: size %u beyond MAXFILE", inum, di->size);
  for (int i = 0; i < NDIRECT; i++)
    if (di->addrs[i])
      use_block(inum, di->addrs[i]);
  if (di->addrs[NDIRECT]) {
    use_block(inum, di->addrs[NDIRECT]);
    if (di->addrs[NDIRECT] < sb.size)
      for (uint i = 0; i < NINDIRECT; i++) {
        uint b = ((uint *)block(di->addrs[NDIRECT]))[i];
        if (b)
          use_block(inum, b);
      }
  }
  for (uint bn = 0; bn * BSIZE < di->size && bn < MAXFILE; bn++)
    if (file_block(di, bn) == 0)
      problem("inode %u: block %u of its contents is missing (size %u)", inum, bn, di->size);
}

// Visit directory dir (reached from parent): count the names in it,
// check "." and "..", and descend into subdirectories first met here.
static void
walk(uint dir, uint up)
{
  struct dinode *di = dinode(dir);
  uint n = di->size / sizeof(struct dirent);

  if (di->size % sizeof(struct dirent))
    problem("directory %u: size %u is not a whole number of entries", dir, di->size);
  for (uint i = 0; i < n; i++) {
    uint bn = i * sizeof(struct dirent) / BSIZE;
    uint b = file_block(di, bn);
    if (b == 0 || b >= sb.size)
      continue;                       // reported by claim_blocks
    struct dirent *de = (struct dirent *)(block(b) + i * sizeof(struct dirent) % BSIZE);
    if (de->inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de->name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (de->inum >= sb.ninodes || dinode(de->inum)->type == 0) {
      problem("directory %u: entry \"%s\" names free or invalid inode %u", dir, name, de->inum);
      continue;
    }
    for (uint j = 0; j < i; j++) {
      uint bj = file_block(di, j * sizeof(struct dirent) / BSIZE);
      struct dirent *dj = (struct dirent *)(block(bj) + j * sizeof(struct dirent) % BSIZE);
      if (bj && bj < sb.size && dj->inum && strncmp(dj->name, de->name, DIRSIZ) == 0) {
        problem("directory %u: name \"%s\" appears twice (inodes %u and %u)",
                dir, name, dj->inum, de->inum);
        break;
      }
    }
    if (strcmp(name, ".") == 0) {
      if (de->inum != dir)
        problem("directory %u: \".\" names inode %u", dir, de->inum);
      continue;                       // "." is not a link
    }
    if (strcmp(name, "..") == 0) {
      if (de->inum != up)
        problem("directory %u: \"..\" names inode %u, its parent is %u", dir, de->inum, up);
      if (dir != ROOTINO)             // the root's ".." is not a link either
        names[de->inum]++;
      continue;
    }
    names[de->inum]++;
    if (dinode(de->inum)->type != T_DIR)
      reached[de->inum] = 1;
    else if (reached[de->inum])
      problem("directory %u has a second parent: \"%s\" in directory %u (first %u)",
              de->inum, name, dir, parent[de->inum]);
    else {
      reached[de->inum] = 1;
      parent[de->inum] = dir;
      walk(de->inum, dir);
    }
  }
}

static void
check_inodes(void)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode *di = dinode(inum);
    if (di->type == 0)
      continue;
    if (di->type != T_DIR && di->type != T_FILE && di->type != T_DEVICE) {
      problem("inode %u has unknown type %d", inum, di->type);
      continue;
    }
    claim_blocks(inum);
    int want = names[inum] + (inum == ROOTINO);
    if (!reached[inum])
      problem("inode %u (type %d, nlink %d, size %u) is allocated but no path reaches it",
              inum, di->type, di->nlink, di->size);
    else if (di->nlink != want)
      problem("inode %u (type %d): nlink %d, but %d entries name it",
              inum, di->type, di->nlink, want);
  }
}

static void
check_blocks(void)
{
  for (uint b = 0; b < sb.size; b++) {
    int marked = bitmap_marked(b);
    if (b < data_start()) {
      if (!marked)
        problem("metadata block %u is not marked in use", b);
    } else if (owner[b] && !marked) {
      problem("block %u is used by inode %u but marked free", b, owner[b]);
    } else if (!owner[b] && marked) {
      problem("block %u is marked in use but no inode uses it (leaked)", b);
    }
  }
}

int
main(int argc, char *argv[])
{
  if (argc != 2) {
    fprintf(stderr, "usage: fsck fs.img\n");
    return 2;
  }
  load(argv[1]);
  names = calloc(sb.ninodes, sizeof(*names));
  parent = calloc(sb.ninodes, sizeof(*parent));
  reached = calloc(sb.ninodes, 1);
  owner = calloc(sb.size, sizeof(*owner));
  if (!names || !parent || !reached || !owner) {
    fprintf(stderr, "fsck: out of memory\n");
    return 2;
  }
  check_log();
  if (dinode(ROOTINO)->type != T_DIR) {
    problem("the root (inode %d) is not a directory", ROOTINO);
    return 1;
  }
  reached[ROOTINO] = 1;
  parent[ROOTINO] = ROOTINO;
  walk(ROOTINO, ROOTINO);
  check_inodes();
  check_blocks();
  int used = 0, files = 0;
  for (uint b = data_start(); b < sb.size; b++)
    used += owner[b] != 0;
  for (uint i = 1; i < sb.ninodes; i++)
    files += dinode(i)->type != 0;
  printf("fsck: %s: %d inodes, %d data blocks in use; %d problem%s\n",
         argv[1], files, used, problems, problems == 1 ? "" : "s");
  return problems ? 1 : 0;
}
