// procfs.h: /proc, files made of kernel state (procfs.c). They are reached
// through the ordinary file calls: open() hands paths under /proc here,
// read() and fstat() on the file come back through file.c (FD_PROC).
#ifndef WEFT_PROCFS_H
#define WEFT_PROCFS_H

struct file;
struct stat;

void         procfsinit(void);
int          procfs_claims(char *path);        // is path (absolute) under /proc?
struct file *procfs_open(char *path, int omode);  // an FD_PROC file, or 0
int          procfs_read(struct file *f, uint64 user_dst, int n);  // bytes, or -1
void         procfs_stat(struct file *f, struct stat *st);
int          procinfo_fill(uint64 user_buf, int max);  // the old procinfo() call

#endif
