// param.h: compile-time limits. The first block keeps xv6's values (docs/abi.md)
// except NBUF, raised so that waiting for a buffer cannot deadlock (bio.c);
// the second block is weft's own choice.
#ifndef WEFT_PARAM_H
#define WEFT_PARAM_H

#define NOFILE       16    // open files per fd table
#define NFILE       100    // open files in the whole system
#define NINODE       50    // in-memory inodes
#define NDEV         10    // major device numbers
#define ROOTDEV       1    // device number of the file system root disk
#define MAXARG       32    // exec arguments
#define MAXOPBLOCKS  10    // most blocks any one FS operation writes
#define LOGSIZE      (MAXOPBLOCKS*3)  // data blocks in the on-disk log
#define NBUF         (MAXOPBLOCKS*5)  // disk block cache: LOGSIZE the log may pin,
                                      // 3 held by waiting operations, the rest
                                      // for readers (bio.c explains the bound)
#define FSSIZE     2000    // size of the file system in blocks
#define MAXPATH     128    // longest path name

#ifndef NCPU
#define NCPU          8    // most harts the kernel will start
#endif
#define NPROC        64    // processes (PCBs)
#define NTHREAD     128    // threads (TCBs) in the whole system
#define NTHREAD_PROC 64    // threads one process may have
#define KSTACK_PAGES  2    // kernel stack size of each thread, in pages

#endif
