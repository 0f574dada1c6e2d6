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

// ---- between procfs.c (the file system) and procpid.c (what a process
// looks like): the text window and the per-process describers. ----

// Text is produced front to back; only the bytes at [from, from + cap) of
// it are kept, in buf.
struct out {
  char *buf;
  uint64 from;
  int cap, len;
  uint64 pos;          // bytes produced so far
};
void out_bytes(struct out *o, const char *s, int n);
void out_str(struct out *o, const char *s);
void out_num(struct out *o, long v);
void out_hex(struct out *o, uint64 v, int width);   // zero-padded to width digits
void out_field(struct out *o, const char *label, long v);   // "Label:\tv\n"
void out_dirent_nr(struct out *o, int nr, int kind, int pid);  // a dirent named nr

// What a procnode names. Directories first.
enum {
  PN_ROOT, PN_PID, PN_FDDIR, PN_TASKDIR, PN_TASK,      // directories
  PN_MEMINFO, PN_CPUS, PN_STATUS, PN_STAT, PN_MAPS, PN_FD, PN_TSTAT, PN_TSTATUS,
};
#define PN_IS_DIR(kind) ((kind) <= PN_TASK)

struct proc;
struct thread;
// Facts about p gathered under p->lock (caller holds it), then printed.
struct look {
  int pid, ppid, nthreads;
  char state;              // R if any thread can run, else S; Z once no thread is left
  int running;             // some thread is on a hart right now
  int hart;                // where its first thread runs or last ran; -1: never
  uint64 vm_bytes;         // address space: text to break, plus every mapping
  int rss_pages;           // pages actually present
};
// Each takes a proc whose lock the caller holds (procpid.c).
void look_at(struct proc *p, int ppid, struct look *l);
char thread_letter(struct thread *t);                     // R, S, T or Z
void out_stat(struct out *o, struct proc *p, struct look *l, struct thread *t);
void out_status(struct out *o, struct proc *p, struct look *l);
void out_task_status(struct out *o, struct proc *p, struct look *l, struct thread *t);
void out_maps(struct out *o, struct proc *p);               // p is ALIVE
// fd/ as dirents (one == 0), or fd_wanted's line; -1 if that is not open.
int  out_fds(struct out *o, struct proc *p, int one, int fd_wanted);

#endif
