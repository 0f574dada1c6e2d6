// inode.h: in-memory inodes and the file-system calls on them (fs.c).
#ifndef WEFT_INODE_H
#define WEFT_INODE_H

#include "sleeplock.h"
#include "fs.h"

struct stat;

// An in-memory copy of a dinode. ref counts C pointers to it (itable lock);
// everything from valid down is protected by the inode's sleep lock.
struct inode {
  uint dev, inum;        // which inode (set when the slot is taken)
  int ref;               // in-memory references (itable lock)

  struct sleeplock lock; // protects the rest
  int valid;             // the copy of the dinode below has been read
  short type, nlink;     // copy of the on-disk inode
  short major, minor;
  uint size;
  uint addrs[NDIRECT+1];
};

void          fsinit(int dev);
struct inode *ialloc(uint dev, short type);
struct inode *idup(struct inode *ip);
void          ilock(struct inode *ip);
void          iunlock(struct inode *ip);
void          iput(struct inode *ip);
void          iunlockput(struct inode *ip);
void          iupdate(struct inode *ip);
void          itrunc(struct inode *ip);
void          iinit(void);
void          stati(struct inode *ip, struct stat *st);
// readi/writei: user_addr != 0 means dst/src is a user virtual address of the
// calling thread's address space. Return bytes moved, or -1.
int           readi(struct inode *ip, int user_addr, uint64 dst, uint off, uint n);
int           writei(struct inode *ip, int user_addr, uint64 src, uint off, uint n);
int           namecmp(const char *a, const char *b);
int           dirlookup(struct inode *dp, char *name, uint *poff, struct inode **ipp);
int           dirlink(struct inode *dp, char *name, uint inum);
// Path lookup; relative paths start at the calling process's cwd.
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);

#endif
