// procfs.c: /proc -- files whose text is made from kernel state when read.
//
// /proc lives beside the disk file system, not on it: sys_open hands every
// absolute path whose first element is "proc" to procfs_open, which turns
// the rest of the path into a procnode (what to show: the root, a pid's
// directory, its status, maps, ...; and for whom) and returns an FD_PROC
// file. read() on it regenerates the whole text and copies out the part
// from the file offset on (Linux's /proc does the same per read, so a
// program that wants one consistent view reads it in one call); a
// directory reads as struct dirent records, so xv6's ls lists it. Nothing
// can be written. docs/proc.md gives every format.
//
// Numbers are those the reader sees (pidns.c): a process in a PID namespace
// finds only its namespace's processes, under their numbers there.
//
// Locking: procfs_lock (a sleeplock) serialises reads, so the text window
// (and procpid.c's scratch array) is used by one read at a time, and it
// guards every FD_PROC file's off. Text is made while holding a proc's
// lock (then its fd table's or mm's lock) -- it only writes kernel memory
// -- and copied out after every spinlock is dropped. A proc is found by
// number each time (pid_lookup), never kept by pointer across reads, so
// one that exits meanwhile makes the read fail with -1.
// What a process looks like (status, stat, maps, fd/N) is procpid.c's.
// Reading order: the text window (out_*), paths (procfs_open), generate,
// procfs_read, procinfo_fill; then procpid.c.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "inode.h"
#include "file.h"
#include "thread.h"
#include "proc.h"
#include "pidns.h"
#include "mm.h"
#include "vm.h"
#include "tlb.h"
#include "kalloc.h"
#include "procfs.h"
#include "weftabi.h"
#include "klib.h"

// The names in a pid's directory and a task's, and the root's fixed ones.
struct entry {
  char *name;
  int kind;
};
static const struct entry root_entries[] = { { "meminfo", PN_MEMINFO }, { "cpus", PN_CPUS } };
static const struct entry pid_entries[] = {
  { "status", PN_STATUS }, { "stat", PN_STAT }, { "maps", PN_MAPS },
  { "fd", PN_FDDIR }, { "task", PN_TASKDIR },
};
static const struct entry task_entries[] = { { "stat", PN_TSTAT }, { "status", PN_TSTATUS } };

static struct sleeplock procfs_lock;
static char window[PGSIZE];               // the part of the text one read returns

// ---- the text window (struct out: procfs.h) -------------------------------------

void
out_bytes(struct out *o, const char *s, int n)
{
  for (int i = 0; i < n; i++, o->pos++)
    if (o->pos >= o->from && o->len < o->cap)
      o->buf[o->len++] = s[i];
}

void
out_str(struct out *o, const char *s)
{
  out_bytes(o, s, strlen(s));
}

void
out_num(struct out *o, long v)
{
  char digits[24];
  int i = sizeof(digits);
  unsigned long u = v < 0 ? -(unsigned long)v : v;
  do {
    digits[--i] = '0' + u % 10;
    u /= 10;
  } while (u);
  if (v < 0)
    digits[--i] = '-';
  out_bytes(o, digits + i, sizeof(digits) - i);
}

// v in hex, zero-padded to width digits (user addresses need at most 10).
void
out_hex(struct out *o, uint64 v, int width)
{
  char digits[16];
  for (int i = width - 1; i >= 0; i--, v >>= 4)
    digits[i] = "0123456789abcdef"[v & 15];
  out_bytes(o, digits, width);
}

// "Label:\tvalue\n", the status files' line.
void
out_field(struct out *o, const char *label, long v)
{
  out_str(o, label);
  out_str(o, ":\t");
  out_num(o, v);
  out_str(o, "\n");
}

// A synthetic inode number: never 0 (ls skips those), not unique.
static ushort
node_ino(int kind, int pid, int id)
{
  return 1 + ((uint)kind * 8191 + (uint)pid * 31 + (uint)id) % 65000;
}

static void
out_dirent(struct out *o, const char *name, int kind, int pid, int id)
{
  struct dirent de;
  memset(&de, 0, sizeof(de));
  de.inum = node_ino(kind, pid, id);
  safestrcpy(de.name, name, DIRSIZ);     // ours are short: NUL-terminated
  out_bytes(o, (char *)&de, sizeof(de));
}

// An entry named by a number (a pid, tid or fd).
void
out_dirent_nr(struct out *o, int nr, int kind, int pid)
{
  char name[12];
  int i = sizeof(name) - 1;
  name[i] = 0;
  for (int v = nr; i == sizeof(name) - 1 || v; v /= 10)
    name[--i] = '0' + v % 10;
  out_dirent(o, name + i, kind, pid, nr);
}

void
procfsinit(void)
{
  initsleeplock(&procfs_lock, "procfs");
}

// ---- paths ---------------------------------------------------------------------

// Is path absolute with "proc" as its first element?
int
procfs_claims(char *path)
{
  if (*path != '/')
    return 0;
  while (*path == '/')
    path++;
  return strncmp(path, "proc", 4) == 0 && (path[4] == '/' || path[4] == 0);
}

#define MAXDEPTH 4     // the deepest file: proc/<pid>/task/<tid>/stat

// Split what follows "/proc" into at most MAXDEPTH elements; "." is
// skipped, ".." and over-long names refused. Returns the count, or -1.
static int
split_path(char *path, char elem[MAXDEPTH][DIRSIZ + 1])
{
  int n = 0;
  while (*path == '/')
    path++;
  path += 4;                               // "proc", checked by procfs_claims
  for (;;) {
    while (*path == '/')
      path++;
    if (*path == 0)
      return n;
    int len = 0;
    while (path[len] && path[len] != '/')
      len++;
    if (len > DIRSIZ || n == MAXDEPTH)
      return -1;
    memmove(elem[n], path, len);
    elem[n][len] = 0;
    path += len;
    if (strncmp(elem[n], "..", DIRSIZ) == 0)
      return -1;
    if (strncmp(elem[n], ".", DIRSIZ) != 0)
      n++;
  }
}

// A decimal number naming a pid, tid or fd ("0" or no leading zero), or -1.
static int
parse_nr(char *s)
{
  int v = 0;
  if (*s == 0 || (s[0] == '0' && s[1]) || strlen(s) > 9)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static int
find_entry(const struct entry *e, int n, char *name)
{
  for (int i = 0; i < n; i++)
    if (strncmp(e[i].name, name, DIRSIZ) == 0)
      return e[i].kind;
  return -1;
}

// Turn the elements into a node: 0, or -1 if no such name can exist.
// Whether the pid (tid, fd) exists is checked by generating the node.
static int
resolve(char elem[MAXDEPTH][DIRSIZ + 1], int n, struct procnode *pn)
{
  pn->kind = PN_ROOT;
  pn->pid = pn->id = 0;
  if (n == 0)
    return 0;
  if (strncmp(elem[0], "self", DIRSIZ) == 0) {
    pn->pid = pid_seen(myproc());
  } else if ((pn->kind = find_entry(root_entries, NELEM(root_entries), elem[0])) >= 0) {
    return n == 1 ? 0 : -1;
  } else if ((pn->pid = parse_nr(elem[0])) <= 0) {
    return -1;
  }
  pn->kind = PN_PID;
  if (n == 1)
    return 0;
  if ((pn->kind = find_entry(pid_entries, NELEM(pid_entries), elem[1])) < 0)
    return -1;
  if (n == 2)
    return 0;
  if ((pn->kind != PN_FDDIR && pn->kind != PN_TASKDIR) || (pn->id = parse_nr(elem[2])) < 0)
    return -1;
  pn->kind = pn->kind == PN_FDDIR ? PN_FD : PN_TASK;
  if (n == 3)
    return 0;
  if (pn->kind != PN_TASK || n > 4 ||
      (pn->kind = find_entry(task_entries, NELEM(task_entries), elem[3])) < 0)
    return -1;
  return 0;
}

static int generate(struct procnode *pn, struct out *o);

struct file *
procfs_open(char *path, int omode)
{
  char elem[MAXDEPTH][DIRSIZ + 1];
  struct procnode pn;
  struct out probe = { 0 };           // cap 0: only "does it exist?"
  struct file *f;

  if (omode != O_RDONLY)
    return 0;
  int n = split_path(path, elem);
  if (n < 0 || resolve(elem, n, &pn) < 0)
    return 0;
  acquiresleep(&procfs_lock);
  int r = generate(&pn, &probe);
  releasesleep(&procfs_lock);
  if (r < 0 || (f = filealloc()) == 0)
    return 0;
  f->type = FD_PROC;
  f->readable = 1;
  f->pn = pn;
  return f;
}

void
procfs_stat(struct file *f, struct stat *st)
{
  memset(st, 0, sizeof(*st));
  st->dev = 0;                         // no disk
  st->ino = node_ino(f->pn.kind, f->pn.pid, f->pn.id);
  st->type = PN_IS_DIR(f->pn.kind) ? T_DIR : T_FILE;
  st->nlink = 1;
  st->size = 0;                        // made when read: unknown before (as on Linux)
}

// ---- putting it together ---------------------------------------------------------

static void
out_root(struct out *o)
{
  out_dirent(o, "self", PN_PID, 0, 0);
  for (int i = 0; i < NELEM(root_entries); i++)
    out_dirent(o, root_entries[i].name, root_entries[i].kind, 0, 0);
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    int nr = p->state != PS_UNUSED && p->state != PS_EMBRYO ? pid_seen(p) : 0;
    release(&p->lock);
    if (nr > 0)
      out_dirent_nr(o, nr, PN_PID, nr);
  }
}

static void
out_meminfo(struct out *o)
{
  // The same sources sys_meminfo reads (sysmem.c keeps its own copy: the
  // syscall lab has students write that one).
  struct meminfo mi;
  memset(&mi, 0, sizeof(mi));
  mi.total_pages = ktotal_pages();
  mi.free_pages = kfree_pages();
  mm_counters(&mi);
  out_field(o, "TotalPages", mi.total_pages);
  out_field(o, "FreePages", mi.free_pages);
  out_field(o, "CowFaults", mi.cow_faults);
  out_field(o, "CowCopied", mi.cow_copied);
  out_field(o, "CowReclaimed", mi.cow_reclaimed);
  out_field(o, "ZeroFills", mi.zero_fills);
}

static void
out_cpus(struct out *o)
{
  struct hartstat h;
  out_str(o, "hart switches mm_switches tlb_flushes shootdowns_sent shootdowns_recv "
             "idle_waits\n");
  for (int i = 0; i < NCPU; i++) {
    if (hartstat_get(i, &h) < 0)
      continue;
    uint64 v[] = { h.hart, h.switches, h.mm_switches, h.tlb_flushes, h.shootdowns_sent,
                   h.shootdowns_recv, h.idle_waits };
    for (int j = 0; j < NELEM(v); j++) {
      out_num(o, v[j]);
      out_str(o, j + 1 < NELEM(v) ? " " : "\n");
    }
  }
}

// The thread of p the caller calls tid, or 0. Caller holds p->lock.
static struct thread *
find_thread(struct proc *p, int tid)
{
  for (struct thread *t = p->threads; t; t = t->next_in_proc)
    if (tid_seen(t) == tid)
      return t;
  return 0;
}

// The text of a node that belongs to one process. Caller holds p->lock.
static int
generate_for(struct procnode *pn, struct proc *p, int ppid, struct out *o)
{
  struct look l;
  struct thread *t = 0;
  int alive = p->state == PS_ALIVE;

  if (pn->kind == PN_TASK || pn->kind == PN_TSTAT || pn->kind == PN_TSTATUS)
    if ((t = find_thread(p, pn->id)) == 0)
      return -1;
  // Only the stat and status files need the facts (look_at walks the page table).
  if (pn->kind == PN_STATUS || pn->kind == PN_STAT || pn->kind == PN_TSTAT ||
      pn->kind == PN_TSTATUS)
    look_at(p, ppid, &l);
  l.pid = pid_seen(p);
  switch (pn->kind) {
  case PN_PID:
    for (int i = 0; i < NELEM(pid_entries); i++)
      out_dirent(o, pid_entries[i].name, pid_entries[i].kind, l.pid, 0);
    return 0;
  case PN_TASK:
    for (int i = 0; i < NELEM(task_entries); i++)
      out_dirent(o, task_entries[i].name, task_entries[i].kind, l.pid, pn->id);
    return 0;
  case PN_TASKDIR:
    for (t = p->threads; t; t = t->next_in_proc)
      out_dirent_nr(o, tid_seen(t), PN_TASK, l.pid);
    return 0;
  case PN_STATUS:
    out_status(o, p, &l);
    return 0;
  case PN_STAT:
  case PN_TSTAT:
    out_stat(o, p, &l, t);
    return 0;
  case PN_TSTATUS:
    out_task_status(o, p, &l, t);
    return 0;
  case PN_MAPS:
    if (alive && p->mm)
      out_maps(o, p);
    return 0;
  case PN_FDDIR:
  case PN_FD:
    // A process that is no longer ALIVE has given back its files.
    if (!alive)
      return pn->kind == PN_FD ? -1 : 0;
    return out_fds(o, p, pn->kind == PN_FD, pn->id);
  }
  return -1;
}

// Make pn's text into o: 0, or -1 if what it names is gone.
static int
generate(struct procnode *pn, struct out *o)
{
  switch (pn->kind) {
  case PN_ROOT:
    out_root(o);
    return 0;
  case PN_MEMINFO:
    out_meminfo(o);
    return 0;
  case PN_CPUS:
    out_cpus(o);
    return 0;
  }
  int ppid;
  struct proc *p = pid_lookup(pn->pid, &ppid);
  if (p == 0)
    return -1;
  int r = generate_for(pn, p, ppid, o);
  release(&p->lock);
  return r;
}

int
procfs_read(struct file *f, uint64 user_dst, int n)
{
  if (n < 0)
    return -1;
  acquiresleep(&procfs_lock);
  struct out o = { .buf = window, .from = f->off, .cap = n < PGSIZE ? n : PGSIZE };
  int r = generate(&f->pn, &o);
  if (r == 0 && either_copyout(1, user_dst, window, o.len) < 0)
    r = -1;
  if (r == 0)
    f->off += o.len;
  releasesleep(&procfs_lock);
  return r < 0 ? -1 : o.len;
}

// ---- procinfo(): the record-based call /proc replaces ---------------------------

// One record for thread t of p (t == 0: a process with no thread left).
// Caller holds p->lock.
static void
fill_record(struct procinfo *r, struct proc *p, int ppid, struct thread *t)
{
  memset(r, 0, sizeof(*r));
  r->pid = pid_seen(p);
  r->ppid = ppid;
  r->nthreads = p->nthreads;
  // The ABI knows alive and zombie: a DYING proc has no thread left, so to a
  // program it is already a zombie.
  r->pstate = p->state == PS_ALIVE ? 'A' : 'Z';
  r->tid = t ? tid_seen(t) : 0;
  r->tstate = 'Z';
  r->hart = -1;
  if (t) {
    acquire(&t->lock);
    r->tstate = t->state == TS_RUNNING ? 'X' : thread_letter(t);
    r->hart = t->hart;
    release(&t->lock);
  }
  r->mem = p->state == PS_ALIVE && p->mm ? p->mm->sz : 0;
  safestrcpy(r->name, p->name, sizeof(r->name));
  safestrcpy(r->tname, (t && t->name[0]) ? t->name : p->name, sizeof(r->tname));
}

// Copy up to max thread records of the processes the caller can see to
// user_buf; returns how many, or -1. One process's records are made under
// its lock into the window, then copied out.
int
procinfo_fill(uint64 user_buf, int max)
{
  struct procinfo *recs = (struct procinfo *)window;
  int n = 0, r = 0;
  if (max < 0)
    return -1;
  acquiresleep(&procfs_lock);
  for (struct proc *p = procs; p < &procs[NPROC] && n < max && r == 0; p++) {
    int k = 0;
    acquire(&wait_lock);                 // for p->parent
    acquire(&p->lock);
    if (p->state != PS_UNUSED && p->state != PS_EMBRYO && pid_seen(p)) {
      int ppid = p->parent ? pid_seen(p->parent) : 0;
      for (struct thread *t = p->threads; t && n + k < max; t = t->next_in_proc)
        fill_record(&recs[k++], p, ppid, t);
      if (k == 0)
        fill_record(&recs[k++], p, ppid, 0);
    }
    release(&p->lock);
    release(&wait_lock);
    r = copyout(myproc()->mm, user_buf + n * sizeof(*recs), recs, k * sizeof(*recs));
    n += k;
  }
  releasesleep(&procfs_lock);
  return r < 0 ? -1 : n;
}
