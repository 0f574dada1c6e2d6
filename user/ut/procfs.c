// ut/procfs.c: usertests on /proc: each file checked against what the
// test itself just did (threads made and joined, mappings made and
// changed, descriptors opened and closed, a child left a zombie), and
// malformed paths refused with -1. Formats: docs/proc.md.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/signal.h"
#include "user/ut/ut.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

// ---------------------------------------------------------------- helpers

// The whole of /proc file path in dst (NUL-terminated): its length, or -1
// if it cannot be opened. Read in one call, so the text is one snapshot.
int
read_proc(char *path, char *dst, int max)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, dst, max - 1);
  close(fd);
  if (n < 0)
    return -1;
  dst[n] = 0;
  return n;
}

// The number after "Label:\t" in status text, or -1.
int
status_field(char *text, char *label)
{
  int len = strlen(label);
  for (char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : 0)
    if (memcmp(s, label, len) == 0 && s[len] == ':' && s[len + 1] == '\t')
      return atoi(s + len + 2);
  return -1;
}

// "/proc/" + n + rest.
char *
proc_path(char *dst, int n, char *rest)
{
  mkname(dst, "/proc/", n);
  strcpy(dst + strlen(dst), rest);
  return dst;
}

// Does directory path list an entry called name?
int
dir_has(char *path, char *name)
{
  struct dirent de;
  char entry[DIRSIZ + 1];
  int fd = open(path, O_RDONLY), found = 0;
  if (fd < 0)
    return -1;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    memmove(entry, de.name, DIRSIZ);
    entry[DIRSIZ] = 0;
    if (de.inum && strcmp(entry, name) == 0)
      found = 1;
  }
  close(fd);
  return found;
}

// How many entries directory path has, or -1.
static int
dir_count(char *path)
{
  struct dirent de;
  int fd = open(path, O_RDONLY), n = 0;
  if (fd < 0)
    return -1;
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    n += de.inum != 0;
  close(fd);
  return n;
}

static uint64
parse_hex(char **s)
{
  uint64 v = 0;
  for (;; (*s)++) {
    char c = **s;
    if (c >= '0' && c <= '9')
      v = v * 16 + c - '0';
    else if (c >= 'a' && c <= 'f')
      v = v * 16 + c - 'a' + 10;
    else
      return v;
  }
}

// One line of /proc/PID/maps.
struct region {
  uint64 start, end;
  char perms[5];
  char kind[8];
  int tid;                  // "stack tid N": N, else 0
};

#define MAXREGIONS 160
static struct region regions[MAXREGIONS];
static char maps_text[8192];

// Read and parse /proc/self/maps into regions[]: how many.
static int
read_maps(void)
{
  int n = 0;
  CHECK(read_proc("/proc/self/maps", maps_text, sizeof(maps_text)) > 0,
        "/proc/self/maps: expected text, got none");
  for (char *s = maps_text; *s && n < MAXREGIONS; n++) {
    struct region *r = &regions[n];
    memset(r, 0, sizeof(*r));
    r->start = parse_hex(&s);
    CHECK(*s == '-', "maps line %d: expected start-end, got %s", n, s);
    s++;
    r->end = parse_hex(&s);
    CHECK(*s == ' ', "maps line %d: expected a blank after the range", n);
    memmove(r->perms, s + 1, 4);
    s += 6;
    int k = 0;
    while (*s && *s != ' ' && *s != '\n' && k < 7)
      r->kind[k++] = *s++;
    if (memcmp(s, " tid ", 5) == 0)
      r->tid = atoi(s + 5);
    s = strchr(s, '\n');
    CHECK(s != 0, "maps line %d does not end in a newline", n);
    s++;
  }
  return n;
}

// The region [start, end), or 0.
static struct region *
region_at(int n, uint64 start, uint64 end)
{
  for (int i = 0; i < n; i++)
    if (regions[i].start == start && regions[i].end == end)
      return &regions[i];
  return 0;
}

// ---------------------------------------------------------------- threads

static volatile int release_threads;
static int tids[4];

static void *
parked(void *arg)
{
  tids[(uint64)arg] = gettid();
  while (!release_threads)
    sleep(1);
  return 0;
}

// Threads: and task/ follow pthread_create and pthread_join.
void
t_procthreads(void)
{
  char text[512], path[64];
  pthread_t t[3];
  CHECK(read_proc("/proc/self/status", text, sizeof(text)) > 0, "cannot read /proc/self/status");
  CHECK(status_field(text, "Threads") == 1, "Threads before: expected 1, got %d",
        status_field(text, "Threads"));
  CHECK(status_field(text, "Pid") == getpid(), "Pid: expected %d, got %d", getpid(),
        status_field(text, "Pid"));
  release_threads = 0;
  for (int i = 0; i < 3; i++)
    CHECK(pthread_create(&t[i], 0, parked, (void *)(uint64)i) == 0, "pthread_create failed");
  for (int i = 0; i < 3; i++)
    while (tids[i] == 0)
      sleep(1);
  read_proc("/proc/self/status", text, sizeof(text));
  CHECK(status_field(text, "Threads") == 4, "Threads with 3 more: expected 4, got %d",
        status_field(text, "Threads"));
  CHECK(dir_count("/proc/self/task") == 4, "task/: expected 4 entries, got %d",
        dir_count("/proc/self/task"));
  for (int i = 0; i < 3; i++) {
    mkname(path, "", tids[i]);
    CHECK(dir_has("/proc/self/task", path) == 1, "task/ does not list tid %d", tids[i]);
    proc_path(path, getpid(), "/task/");
    mkname(path, path, tids[i]);
    strcpy(path + strlen(path), "/stat");
    CHECK(read_proc(path, text, sizeof(text)) > 0, "cannot read %s", path);
    CHECK(atoi(text) == tids[i], "%s: expected tid %d first, got %s", path, tids[i], text);
  }
  release_threads = 1;
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], 0);
  read_proc("/proc/self/status", text, sizeof(text));
  CHECK(status_field(text, "Threads") == 1, "Threads after join: expected 1, got %d",
        status_field(text, "Threads"));
  CHECK(dir_count("/proc/self/task") == 1, "task/ after join: expected 1 entry, got %d",
        dir_count("/proc/self/task"));
}

// maps follows mmap, mprotect and munmap.
void
t_procmaps(void)
{
  char *p = mmap(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED, "mmap failed");
  uint64 a = (uint64)p;
  int n = read_maps();
  struct region *r = region_at(n, a, a + 3 * PGSIZE);
  CHECK(r && strcmp(r->perms, "rw-p") == 0 && strcmp(r->kind, "anon") == 0,
        "after mmap: expected %p-%p rw-p anon in:\n%s", p, p + 3 * PGSIZE, maps_text);
  CHECK(mprotect(p + PGSIZE, PGSIZE, PROT_READ) == 0, "mprotect failed");
  n = read_maps();
  r = region_at(n, a + PGSIZE, a + 2 * PGSIZE);
  CHECK(r && strcmp(r->perms, "r--p") == 0, "after mprotect: expected the middle page r--p in:\n%s",
        maps_text);
  CHECK(region_at(n, a, a + PGSIZE) && region_at(n, a + 2 * PGSIZE, a + 3 * PGSIZE),
        "after mprotect: expected the outer pages as regions of their own in:\n%s", maps_text);
  CHECK(munmap(p, 3 * PGSIZE) == 0, "munmap failed");
  n = read_maps();
  for (int i = 0; i < n; i++)
    CHECK(regions[i].end <= a || regions[i].start >= a + 3 * PGSIZE,
          "after munmap: a region still overlaps %p in:\n%s", p, maps_text);
  // exec's layout: text, then a guard page right below the main stack,
  // which holds our own stack pointer.
  CHECK(n >= 3 && strcmp(regions[0].kind, "text") == 0 && regions[0].perms[2] == 'x',
        "expected the first region to be executable text in:\n%s", maps_text);
  int main_stack = 0;
  for (int i = 1; i < n; i++)
    if (strcmp(regions[i].kind, "stack") == 0 && regions[i].tid == getpid() &&
        strcmp(regions[i - 1].kind, "guard") == 0 && regions[i - 1].end == regions[i].start)
      main_stack = 1;
  CHECK(main_stack, "expected a guard, then \"stack tid %d\" in:\n%s", getpid(), maps_text);
}

// A 4-thread program shows four thread stacks, each right above its guard.
void
t_procstacks(void)
{
  pthread_t t[4];
  release_threads = 0;
  memset(tids, 0, sizeof(tids));
  for (int i = 0; i < 4; i++)
    CHECK(pthread_create(&t[i], 0, parked, (void *)(uint64)i) == 0, "pthread_create failed");
  for (int i = 0; i < 4; i++)
    while (tids[i] == 0)
      sleep(1);
  int n = read_maps();
  for (int k = 0; k < 4; k++) {
    int found = 0;
    for (int i = 1; i < n; i++)
      if (regions[i].tid == tids[k] && strcmp(regions[i].kind, "stack") == 0 &&
          strcmp(regions[i].perms, "rw-p") == 0 && strcmp(regions[i - 1].kind, "guard") == 0 &&
          strcmp(regions[i - 1].perms, "---p") == 0 && regions[i - 1].end == regions[i].start)
        found++;
    CHECK(found == 1, "thread %d: expected one guard + \"stack tid %d\", found %d in:\n%s",
          k, tids[k], found, maps_text);
  }
  release_threads = 1;
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], 0);
}

// fd/ follows open, dup and close, and each entry says what it is.
void
t_procfds(void)
{
  char text[128], path[64];
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int d = dup(p[1]);
  int f = open("/README.md", O_RDONLY);
  CHECK(d >= 0 && f >= 0, "dup or open failed");
  mkname(path, "", d);
  CHECK(dir_has("/proc/self/fd", path) == 1, "fd/ does not list the dup %d", d);
  proc_path(path, getpid(), "/fd/");
  mkname(path, path, p[0]);
  CHECK(read_proc(path, text, sizeof(text)) > 0 && strcmp(text, "pipe r\n") == 0,
        "%s: expected \"pipe r\", got \"%s\"", path, text);
  proc_path(path, getpid(), "/fd/");
  mkname(path, path, d);
  CHECK(read_proc(path, text, sizeof(text)) > 0 && strcmp(text, "pipe w\n") == 0,
        "%s: expected \"pipe w\", got \"%s\"", path, text);
  proc_path(path, getpid(), "/fd/");
  mkname(path, path, f);
  CHECK(read_proc(path, text, sizeof(text)) > 0 && memcmp(text, "file ino ", 9) == 0,
        "%s: expected \"file ino ...\", got \"%s\"", path, text);
  CHECK(read_proc("/proc/self/fd/1", text, sizeof(text)) > 0 &&
        memcmp(text, "device major 1", 14) == 0,
        "fd 1: expected the console (\"device major 1 ...\"), got \"%s\"", text);
  // Opened before the closes, so the listing's own descriptor takes none
  // of the numbers being closed; read after them (a read makes the text).
  int before = dir_count("/proc/self/fd");
  int listing = open("/proc/self/fd", O_RDONLY);
  CHECK(listing >= 0, "cannot open /proc/self/fd");
  close(d);
  close(f);
  struct dirent de;
  int n = 0;
  while (read(listing, &de, sizeof(de)) == sizeof(de)) {
    int fd = atoi(de.name);
    CHECK(fd != d && fd != f, "fd/ still lists %d after close", fd);
    n++;
  }
  close(listing);
  // Both counts include the listing's own descriptor.
  CHECK(n == before - 2, "fd/: expected %d entries after two closes, got %d", before - 2, n);
  proc_path(path, getpid(), "/fd/");
  mkname(path, path, d);
  CHECK(open(path, O_RDONLY) < 0, "%s: open of a closed descriptor's entry worked", path);
  close(p[0]);
  close(p[1]);
}

// A child that exited but was not waited for is a zombie in /proc; once
// reaped it is gone.
void
t_proczombie(void)
{
  char text[512], path[64];
  int pid = fork();
  if (pid == 0)
    exit(7);
  proc_path(path, pid, "/stat");
  int zombie = 0;
  for (int tries = 0; tries < 200 && !zombie; tries++) {
    CHECK(read_proc(path, text, sizeof(text)) > 0, "%s: cannot read a child not yet waited for",
          path);
    char *s = strchr(text, ')');
    zombie = s && s[2] == 'Z';
    if (!zombie)
      sleep(1);
  }
  CHECK(zombie, "%s: expected state Z, got %s", path, text);
  proc_path(path, pid, "/status");
  CHECK(read_proc(path, text, sizeof(text)) > 0 && strchr(text, 'Z') &&
        status_field(text, "Threads") == 0 && status_field(text, "PPid") == getpid(),
        "%s: expected a zombie with 0 threads, parent %d:\n%s", path, getpid(), text);
  int st;
  CHECK(wait(&st) == pid && st == 7, "wait: expected pid %d status 7", pid);
  proc_path(path, pid, "/stat");
  CHECK(open(path, O_RDONLY) < 0, "%s still opens after wait", path);
}

// Malformed or impossible paths, writes and modes: all -1, nothing breaks.
void
t_procbad(void)
{
  static char longname[MAXPATH];
  char *bad[] = {
    "/proc/abc", "/proc/999999", "/proc/0", "/proc/-1", "/proc/01", "/proc/1/../1/stat",
    "/proc/..", "/proc/self/nosuch", "/proc/self/fd/99", "/proc/self/fd/x",
    "/proc/self/task/0/stat", "/proc/self/task/999999", "/proc/self/status/x",
    "/proc/meminfo/x", "/proc/self/task/1/stat/x", "/proc/12345678901234567890",
    "/proc/self/stat/../stat", longname,
  };
  memset(longname, 0, sizeof(longname));
  strcpy(longname, "/proc/");
  memset(longname + 6, '7', sizeof(longname) - 7);
  for (int i = 0; i < NELEM(bad); i++)
    CHECK(open(bad[i], O_RDONLY) < 0, "open(\"%s\"): expected -1", bad[i]);
  int modes[] = { O_WRONLY, O_RDWR, O_CREATE, O_TRUNC, O_CREATE | O_RDWR };
  for (int i = 0; i < NELEM(modes); i++)
    CHECK(open("/proc/self/status", modes[i]) < 0, "open /proc/self/status mode %x: expected -1",
          modes[i]);
  CHECK(open("/proc/newfile", O_CREATE | O_RDWR) < 0, "create in /proc: expected -1");
  CHECK(mkdir("/proc/x") < 0 && unlink("/proc/self") < 0, "mkdir/unlink in /proc: expected -1");
  int fd = open("/proc/self/status", O_RDONLY);
  CHECK(fd >= 0, "/proc/self/status: cannot open");
  CHECK(write(fd, "x", 1) < 0, "write to /proc/self/status: expected -1");
  CHECK(read(fd, (char *)0xffffffffff000000ULL, 10) < 0, "read into a kernel address: expected -1");
  close(fd);
  // Reading in small pieces gives the same text as one read.
  char whole[512], pieces[512];
  int n = read_proc("/proc/1/status", whole, sizeof(whole)), got = 0, r;
  fd = open("/proc/1/status", O_RDONLY);
  while ((r = read(fd, pieces + got, 7)) > 0)
    got += r;
  close(fd);
  pieces[got] = 0;
  CHECK(n > 0 && got == n && strcmp(whole, pieces) == 0,
        "/proc/1/status read 7 bytes at a time differs from one read");
}

// The root lists the live pids and every listed entry can be opened;
// meminfo and cpus agree with meminfo() and hartstat().
void
t_procroot(void)
{
  char text[1024], path[64];
  int pid = fork();
  if (pid == 0) {
    sleep(1000);
    exit(0);
  }
  mkname(path, "", pid);
  int child_listed = dir_has("/proc", path);
  mkname(path, "", getpid());
  int self_listed = dir_has("/proc", path) == 1 && dir_has("/proc", "self") == 1;
  kill(pid);                       // before any CHECK: no child outlives the test
  wait(0);
  CHECK(child_listed == 1, "/proc does not list the child %d", pid);
  CHECK(self_listed, "/proc does not list our pid %d or self", getpid());
  mkname(path, "", pid);
  CHECK(dir_has("/proc", path) == 0, "/proc still lists %d after it was reaped", pid);
  struct meminfo mi;
  CHECK(read_proc("/proc/meminfo", text, sizeof(text)) > 0 && meminfo(&mi) == 0,
        "cannot read /proc/meminfo");
  int total = status_field(text, "TotalPages"), free = status_field(text, "FreePages");
  CHECK(total == mi.total_pages && free > 0 && free <= total,
        "/proc/meminfo: TotalPages %d FreePages %d, meminfo() says %d total", total, free,
        (int)mi.total_pages);
  struct hartstat hs[NCPU];
  int harts = hartstat(hs, NCPU), lines = 0;
  CHECK(read_proc("/proc/cpus", text, sizeof(text)) > 0, "cannot read /proc/cpus");
  for (char *s = text; (s = strchr(s, '\n')) != 0; s++)
    lines++;
  CHECK(lines == harts + 1, "/proc/cpus: expected a header and %d harts, got %d lines:\n%s",
        harts, lines, text);
}

// The hex set after "label:\t" in status text.
static uint64
sigset_field(char *text, char *label)
{
  int len = strlen(label);
  for (char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : 0)
    if (memcmp(s, label, len) == 0 && s[len] == ':') {
      s += len + 2;
      return parse_hex(&s);
    }
  return ~0ULL;
}

// Blocked and pending signals in status: a thread-directed one in the
// thread's SigPnd, a process-directed one in ShdPnd, both under SigBlk.
void
t_procsignals(void)
{
  char text[512], path[64];
  sigset_t set = SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &set, 0) == 0, "sigprocmask failed");
  CHECK(tgkill(getpid(), gettid(), SIGUSR1) == 0 && sigsend(getpid(), SIGUSR2) == 0,
        "tgkill or sigsend to ourselves failed");
  proc_path(path, getpid(), "/task/");
  mkname(path, path, gettid());
  strcpy(path + strlen(path), "/status");
  CHECK(read_proc(path, text, sizeof(text)) > 0, "cannot read %s", path);
  CHECK(sigset_field(text, "SigBlk") == set, "%s: SigBlk: expected %x:\n%s", path, (uint)set, text);
  CHECK(sigset_field(text, "SigPnd") == SIGBIT(SIGUSR1),
        "%s: SigPnd: expected %x (SIGUSR1, by tgkill):\n%s", path, (uint)SIGBIT(SIGUSR1), text);
  CHECK(read_proc("/proc/self/status", text, sizeof(text)) > 0 &&
        sigset_field(text, "ShdPnd") == SIGBIT(SIGUSR2),
        "/proc/self/status: ShdPnd: expected %x (SIGUSR2, by sigsend):\n%s",
        (uint)SIGBIT(SIGUSR2), text);
}
