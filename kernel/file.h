// file.h: open files, per-task fd tables, cwd info and the device switch
// (file.c, pipe.c, sysfile.c).
#ifndef WEFT_FILE_H
#define WEFT_FILE_H

#include "spinlock.h"
#include "param.h"

struct inode;
struct pipe;
struct stat;

// An open file. ref is protected by the file table lock; off by the inode
// lock (FD_INODE/FD_DEVICE) or procfs.c's lock (FD_PROC).
struct file {
  int ref;                 // descriptors (and syscalls in progress) using it
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE, FD_PROC } type;
  char readable, writable; // how it was opened
  struct inode *ip;        // FD_INODE, FD_DEVICE: the inode
  uint off;                // FD_INODE: where the next read/write starts
  short major;             // FD_DEVICE: index into devsw
  struct pipe *pipe;       // FD_PIPE
  struct procnode {        // FD_PROC: which /proc file (procfs.c)
    int kind;              //   root, a pid's directory, its status, ...
    int pid, id;           //   real pid; tid or fd number where the kind has one
  } pn;                    // (off: procfs.c's lock)
};

// Device switch: how read/write reach a device by major number.
// user_addr != 0 means addr is a user virtual address of the calling thread.
struct devsw {
  int (*read)(int user_addr, uint64 addr, int n);
  int (*write)(int user_addr, uint64 addr, int n);
};
extern struct devsw devsw[NDEV];
#define CONSOLE 1

// A file-descriptor table. Shared by every task cloned with CLONE_FILES.
struct fdtable {
  struct spinlock lock;      // protects ofile[] and ref
  int ref;                   // tasks using this table
  struct file *ofile[NOFILE];
};

// Working-directory info. Shared by every task cloned with CLONE_FS.
struct fsinfo {
  struct spinlock lock;      // protects cwd and ref
  int ref;
  struct inode *cwd;
};

// file.c: open files
void         fileinit(void);
struct file *filealloc(void);
struct file *filedup(struct file *f);
void         fileclose(struct file *f);
int          filestat(struct file *f, uint64 user_st);
int          fileread(struct file *f, uint64 user_dst, int n);
int          filewrite(struct file *f, uint64 user_src, int n);
int          fileseek(struct file *f, int off, int whence);   // lseek: new offset or -1

// file.c: fd tables (clone's CLONE_FILES step uses these)
struct fdtable *fdtable_alloc(void);                  // empty table, ref 1
struct fdtable *fdtable_copy(struct fdtable *src);    // new table, each file filedup'd
struct fdtable *fdtable_share(struct fdtable *t);     // ref+1, returns t
void            fdtable_put(struct fdtable *t);       // ref-1; last closes every file
void            fdtable_closeall(struct fdtable *t);
int   fd_install(struct file *f);   // put f in the caller's table: fd or -1
int   fd_install_at(struct file *f, int fd);  // the same, in slot fd (dup2)
struct file *fd_get(int fd);        // caller's file with a reference taken, or 0
                                    // (drop it with fileclose)
int   fd_close(int fd);             // remove and close: 0 or -1

// file.c: cwd info (clone's CLONE_FS step)
struct fsinfo *fsinfo_alloc(struct inode *cwd);       // takes over the cwd reference
struct fsinfo *fsinfo_copy(struct fsinfo *src);       // new info, cwd idup'd
struct fsinfo *fsinfo_share(struct fsinfo *fs);       // ref+1
void           fsinfo_put(struct fsinfo *fs);         // ref-1; last iputs cwd
struct inode  *cwd_get(void);                         // idup of the caller's cwd

// pipe.c
int  pipealloc(struct file **rf, struct file **wf);
void pipeclose(struct pipe *pi, int writable);
int  piperead(struct pipe *pi, uint64 user_dst, int n);
int  pipewrite(struct pipe *pi, uint64 user_src, int n);

#endif
