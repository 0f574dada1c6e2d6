// stat.h: what fstat() returns (xv6's layout, docs/abi.md).
#ifndef WEFT_STAT_H
#define WEFT_STAT_H

#define T_DIR     1   // directory
#define T_FILE    2   // regular file
#define T_DEVICE  3   // device special file

struct stat {
  int dev;     // disk device number
  uint ino;    // inode number
  short type;  // T_DIR, T_FILE or T_DEVICE
  short nlink; // links to the inode
  uint64 size; // bytes
};

#endif
