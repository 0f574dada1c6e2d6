// ps.c: list processes, or threads, from /proc (as Linux's ps does).
//
//   ps      one line per process:  PID PPID S THREADS PAGES NAME
//   ps -L   one line per thread:   PID TID S HART NAME
//   ps -s   one line per thread:   PID TID S BLOCKED PENDING SHARED NAME
//           (its blocked and pending signal sets, and the process's pending
//           set any thread may take; hex, bit n-1 for signal n)
//
// S is the state: R running or ready to run, S sleeping, T stopped, Z zombie (for a
// process: R if any of its threads can run). HART is where the thread runs
// or last ran, -1 if it never ran; PAGES the process's resident pages. A
// legend line follows the table. Each line comes from one read of
// /proc/PID/stat (or /proc/PID/task/TID/stat), so it is consistent in
// itself; a process that ends while ps runs is skipped. The numbers are
// those of ps's own PID namespace (docs/proc.md).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

// One line of a stat file: "pid (name) state ppid threads vm_bytes rss hart".
struct stat_line {
  int id, ppid, nthreads, rss, hart;
  char state;
  char name[DIRSIZ + 2];
};

// Read all of a small file into buf (NUL-terminated): bytes, or -1.
static int
read_file(char *path, char *buf, int max)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, max - 1);
  close(fd);
  if (n < 0)
    return -1;
  buf[n] = 0;
  return n;
}

// The number at *s (possibly negative); *s moves past it and one blank.
static int
take_number(char **s)
{
  int sign = 1, v = 0;
  if (**s == '-') {
    sign = -1;
    (*s)++;
  }
  while (**s >= '0' && **s <= '9')
    v = v * 10 + (*(*s)++ - '0');
  if (**s == ' ')
    (*s)++;
  return sign * v;
}

// Parse a stat line: 0, or -1 if it is not one. The name ends at the last
// ')', since a name may hold anything.
static int
parse_stat(char *text, struct stat_line *l)
{
  char *open_paren = strchr(text, '(');
  char *close_paren = 0;
  for (char *s = text; *s; s++)
    if (*s == ')')
      close_paren = s;
  if (!open_paren || !close_paren || close_paren < open_paren || close_paren[1] != ' ')
    return -1;
  l->id = atoi(text);
  int len = close_paren - open_paren - 1;
  if (len > DIRSIZ + 1)
    len = DIRSIZ + 1;
  memmove(l->name, open_paren + 1, len);
  l->name[len] = 0;
  char *s = close_paren + 2;
  l->state = *s;
  s += 2;
  l->ppid = take_number(&s);
  l->nthreads = take_number(&s);
  take_number(&s);                 // bytes of address space: not shown
  l->rss = take_number(&s);
  l->hart = take_number(&s);
  return 0;
}


static int
read_stat(char *path, struct stat_line *l)
{
  char buf[128];
  return read_file(path, buf, sizeof(buf)) < 0 ? -1 : parse_stat(buf, l);
}

// Call fn(number) for every numeric entry of directory dir (pids, tids).
static void
for_each_number(char *dir, void (*fn)(int, int), int arg)
{
  struct dirent de;
  char name[DIRSIZ + 1];
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (name[0] >= '0' && name[0] <= '9')
      fn(atoi(name), arg);
  }
  close(fd);
}

static void
show_process(int pid, int unused)
{
  char path[48];
  struct stat_line l;
  make_path(path, "/proc/", pid, "/stat");
  if (read_stat(path, &l) == 0)
    printf("%5d %5d %c %7d %5d %s\n", l.id, l.ppid, l.state, l.nthreads, l.rss, l.name);
}

static void
show_thread(int tid, int pid)
{
  char path[48], dir[48];
  struct stat_line l;
  make_path(dir, "/proc/", pid, "/task/");
  make_path(path, dir, tid, "/stat");
  if (read_stat(path, &l) == 0)
    printf("%5d %5d %c %4d %s\n", pid, l.id, l.state, l.hart, l.name);
}

static void
show_threads_of(int pid, int unused)
{
  char dir[48];
  make_path(dir, "/proc/", pid, "/task");
  for_each_number(dir, show_thread, pid);
}

// The hex number after "label:\t" in status text, or 0.
static uint
hex_field(char *text, char *label)
{
  int len = strlen(label);
  uint v = 0;
  for (char *s = text; s; s = strchr(s, '\n'), s = s ? s + 1 : 0) {
    if (memcmp(s, label, len) != 0 || s[len] != ':')
      continue;
    for (s += len + 2; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++)
      v = v * 16 + (*s <= '9' ? *s - '0' : *s - 'a' + 10);
    break;
  }
  return v;
}

static uint shared_pending;      // of the process whose threads are being shown

static void
show_thread_signals(int tid, int pid)
{
  char path[48], dir[48], text[256];
  struct stat_line l;
  make_path(dir, "/proc/", pid, "/task/");
  make_path(path, dir, tid, "/stat");
  if (read_stat(path, &l) < 0)
    return;
  make_path(path, dir, tid, "/status");
  if (read_file(path, text, sizeof(text)) < 0)
    return;
  printf("%5d %5d %c %08x %08x %08x %s\n", pid, l.id, l.state, hex_field(text, "SigBlk"),
         hex_field(text, "SigPnd"), shared_pending, l.name);
}

static void
show_signals_of(int pid, int unused)
{
  char path[48], text[256];
  make_path(path, "/proc/", pid, "/status");
  if (read_file(path, text, sizeof(text)) < 0)
    return;
  shared_pending = hex_field(text, "ShdPnd");
  make_path(path, "/proc/", pid, "/task");
  for_each_number(path, show_thread_signals, pid);
}

int
main(int argc, char *argv[])
{
  int threads = argc > 1 && strcmp(argv[1], "-L") == 0;
  int signals = argc > 1 && strcmp(argv[1], "-s") == 0;
  if (argc > 2 || (argc == 2 && !threads && !signals)) {
    fprintf(2, "usage: ps [-L | -s]\n");
    exit(1);
  }
  if (signals) {
    printf("  PID   TID S  BLOCKED  PENDING   SHARED NAME\n");
    for_each_number("/proc", show_signals_of, 0);
  } else if (threads) {
    printf("  PID   TID S HART NAME\n");
    for_each_number("/proc", show_threads_of, 0);
  } else {
    printf("  PID  PPID S THREADS PAGES NAME\n");
    for_each_number("/proc", show_process, 0);
  }
  printf("S: R running or ready to run, S sleeping, T stopped, Z zombie\n");
  exit(0);
}
