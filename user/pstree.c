// pstree.c: the process tree, read from /proc (as Linux's pstree does).
//
//   pstree      names only          pstree -p   with pids and tids
//   init(1)
//   `-- sh(4)
//       `-- threaddemo(9) [threads: threaddemo(9) threaddemo(10) ...]
//   kernel(2) [threads: futexd(3)]
//
// A process with more than one thread (or whose first thread is gone)
// lists them in brackets; a zombie says <zombie>. A process whose parent is
// not listed (init, the kernel's process, the pid 1 of a PID namespace seen
// from inside) starts a tree of its own.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

#define MAX_RECORDS 256   // more than NTHREAD + NPROC

// One thread (tid != 0) or one thread-less process (tid == 0).
struct rec {
  int pid, ppid, tid;
  char state;
  char name[DIRSIZ + 2];    // the process's
  char tname[DIRSIZ + 2];   // the thread's
};
static struct rec rec[MAX_RECORDS];
static int nrec;
static int show_ids;

// Index of the first record of each distinct pid, in /proc's order.
static int first_of[MAX_RECORDS];
static int nprocs;


// Read a stat line ("id (name) state ppid ..."): 0 or -1.
static int
read_stat(char *path, int *id, char *name, char *state, int *ppid)
{
  char buf[128];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = 0;
  char *open_paren = strchr(buf, '('), *close_paren = 0;
  for (char *s = buf; *s; s++)
    if (*s == ')')
      close_paren = s;
  if (!open_paren || !close_paren || close_paren < open_paren || close_paren[1] != ' ')
    return -1;
  int len = close_paren - open_paren - 1;
  if (len > DIRSIZ + 1)
    len = DIRSIZ + 1;
  memmove(name, open_paren + 1, len);
  name[len] = 0;
  *id = atoi(buf);
  *state = close_paren[2];
  *ppid = atoi(close_paren + 4);
  return 0;
}

// The numeric entries of directory dir, into nrs: how many.
static int
list_numbers(char *dir, int *nrs, int max)
{
  struct dirent de;
  char name[DIRSIZ + 1];
  int n = 0, fd = open(dir, O_RDONLY);
  if (fd < 0)
    return 0;
  while (n < max && read(fd, &de, sizeof(de)) == sizeof(de)) {
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (de.inum != 0 && name[0] >= '0' && name[0] <= '9')
      nrs[n++] = atoi(name);
  }
  close(fd);
  return n;
}

// Add process pid and its threads to rec[].
static void
gather(int pid)
{
  static int tids[MAX_RECORDS];
  char path[48], dir[48];
  struct rec p;
  if (nrec >= MAX_RECORDS)
    return;
  make_path(path, "/proc/", pid, "/stat");
  if (read_stat(path, &p.pid, p.name, &p.state, &p.ppid) < 0)
    return;
  first_of[nprocs++] = nrec;
  make_path(dir, "/proc/", pid, "/task/");
  int n = list_numbers(dir, tids, MAX_RECORDS);
  for (int i = 0; i < n && nrec < MAX_RECORDS; i++) {
    struct rec *t = &rec[nrec];
    int ppid;
    char state;
    *t = p;
    make_path(path, dir, tids[i], "/stat");
    if (read_stat(path, &t->tid, t->tname, &state, &ppid) == 0)
      nrec++;
  }
  if (nrec == first_of[nprocs - 1]) {
    p.tid = 0;                     // no thread left (a zombie), or all just ended
    strcpy(p.tname, p.name);
    rec[nrec++] = p;
  }
}

static int
is_listed(int pid)
{
  for (int i = 0; i < nprocs; i++)
    if (rec[first_of[i]].pid == pid)
      return 1;
  return 0;
}

static void
print_name(char *name, int id)
{
  printf("%s", name);
  if (show_ids)
    printf("(%d)", id);
}

// One line for a process: its name, then its threads if there are several.
static void
print_proc(struct rec *first)
{
  print_name(first->name, first->pid);
  if (first->state == 'Z')
    printf(" <zombie>");
  int n = 0;
  for (int i = 0; i < nrec; i++)
    n += rec[i].pid == first->pid && rec[i].tid != 0;
  if (n > 1 || (n == 1 && first->tid != first->pid)) {
    printf(" [threads:");
    for (int i = 0; i < nrec; i++) {
      if (rec[i].pid == first->pid && rec[i].tid != 0) {
        printf(" ");
        print_name(rec[i].tname, rec[i].tid);
      }
    }
    printf("]");
  }
  printf("\n");
}

static void
print_tree(struct rec *p, char *prefix, int depth)
{
  print_proc(p);
  if (depth > 12)
    return;                       // a cycle cannot happen; stay safe anyway
  // The user stack is one page: walk the children in place, no arrays.
  for (int i = 0; i < nprocs; i++) {
    struct rec *kid = &rec[first_of[i]];
    if (kid->ppid != p->pid || kid->pid == p->pid)
      continue;
    int last = 1;
    for (int j = i + 1; j < nprocs; j++)
      if (rec[first_of[j]].ppid == p->pid)
        last = 0;
    char next[64];
    printf("%s%s", prefix, last ? "`-- " : "|-- ");
    int n = strlen(prefix);
    if (n + 5 > (int)sizeof(next))
      n = sizeof(next) - 5;
    memmove(next, prefix, n);
    strcpy(next + n, last ? "    " : "|   ");
    print_tree(kid, next, depth + 1);
  }
}

int
main(int argc, char *argv[])
{
  static int pids[MAX_RECORDS];
  show_ids = argc == 2 && strcmp(argv[1], "-p") == 0;
  if (argc > 2 || (argc == 2 && !show_ids)) {
    fprintf(2, "usage: pstree [-p]\n");
    exit(1);
  }
  int n = list_numbers("/proc", pids, MAX_RECORDS);
  if (n == 0) {
    fprintf(2, "pstree: cannot read /proc\n");
    exit(1);
  }
  for (int i = 0; i < n; i++)
    gather(pids[i]);
  for (int i = 0; i < nprocs; i++) {
    struct rec *p = &rec[first_of[i]];
    if (p->ppid == 0 || !is_listed(p->ppid))
      print_tree(p, "", 0);
  }
  exit(0);
}
