// ut/pidns.c: usertests on PID namespaces (clone with CLONE_NEWPID): the
// child is pid 1 of its namespace and sees only it; outside, its real pid
// is seen; kill cannot cross outward; the namespace's init reaps its
// orphans, and its end kills everything in it; namespaces nest.
// Each test's namespace init reports through its exit status (0 = all
// checks passed inside), since CHECK inside it only ends the init.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/signal.h"
#include "user/ut/ut.h"

int read_proc(char *path, char *dst, int max);
int status_field(char *text, char *label);
char *proc_path(char *dst, int n, char *rest);
int dir_has(char *path, char *name);

// Run fn as pid 1 of a new namespace; its exit status, checked to be 0.
static int
in_namespace(void (*fn)(void))
{
  int pid = clone(CLONE_NEWPID, 0, 0, 0);
  CHECK(pid >= 0, "clone(CLONE_NEWPID): expected a pid, got -1");
  if (pid == 0) {
    fn();
    exit(0);
  }
  CHECK(pid != 1, "clone(CLONE_NEWPID) returned 1 to the parent: expected the real pid");
  return pid;
}

static void
wait_ok(int pid, char *what)
{
  int st = -2;
  CHECK(wait(&st) == pid && st == 0, "%s: expected the namespace's init %d to exit 0, got %d",
        what, pid, st);
}

// ---------------------------------------------------------------- who is who

static int outer_pid;

static void
self_inside(void)
{
  char text[512];
  CHECK(getpid() == 1 && gettid() == 1, "inside: expected pid 1 tid 1, got %d %d",
        getpid(), gettid());
  CHECK(read_proc("/proc/self/status", text, sizeof(text)) > 0 &&
        status_field(text, "Pid") == 1 && status_field(text, "PPid") == 0,
        "inside: /proc/self/status: expected Pid 1 PPid 0:\n%s", text);
  int kid = fork();
  if (kid == 0)
    exit(getpid() == 2 ? 0 : 1);
  CHECK(kid == 2, "inside: first fork returned %d, expected 2", kid);
  int st;
  CHECK(wait(&st) == 2 && st == 0, "inside: wait: expected pid 2 (its getpid() 2), status %d", st);
  // Only our namespace is listed: pid 1 and nothing outside.
  char name[16];
  mkname(name, "", outer_pid);
  CHECK(dir_has("/proc", "1") == 1 && dir_has("/proc", name) == 0,
        "inside: /proc should list 1 and not the outer pid %d", outer_pid);
  CHECK(open(proc_path(text, outer_pid, "/stat"), O_RDONLY) < 0,
        "inside: /proc/%d (outside) could be opened", outer_pid);
  static struct procinfo recs[NPROC + NTHREAD];
  int n = procinfo(recs, NPROC + NTHREAD);
  CHECK(n == 1 && recs[0].pid == 1, "inside: procinfo: expected only pid 1, got %d records", n);
}

void
t_pidnsself(void)
{
  char path[64];
  outer_pid = getpid();
  int pid = in_namespace(self_inside);
  // Outside, the child is known by its real pid.
  CHECK(read_proc(proc_path(path, pid, "/stat"), buf, sizeof(buf)) > 0 && atoi(buf) == pid,
        "outside: /proc/%d/stat: expected to start with %d, got %s", pid, pid, buf);
  wait_ok(pid, "pidnsself");
}

// ---------------------------------------------------------------- kill

static int pipe_fds[2];

static void
kill_inside(void)
{
  CHECK(kill(outer_pid) < 0, "inside: kill(%d) of the outer parent worked", outer_pid);
  CHECK(kill(1) < 0, "inside: kill(1) of the namespace's own init worked");
  CHECK(sigsend(outer_pid, SIGUSR1) < 0 && tgkill(outer_pid, outer_pid, SIGUSR1) < 0,
        "inside: sigsend/tgkill to the outer parent %d worked", outer_pid);
  CHECK(sigsend(1, SIGKILL) < 0 && tgkill(1, 1, SIGSTOP) < 0,
        "inside: SIGKILL/SIGSTOP to the namespace's own init worked");
  CHECK(tgkill(1, 1, 0) == 0, "inside: tgkill(1, 1, 0) (our own thread 1) failed");
  int kid = fork();
  if (kid == 0) {
    sleep(1000);
    exit(0);
  }
  CHECK(kill(kid) == 0, "inside: kill(%d) of our own child failed", kid);
  int st;
  CHECK(wait(&st) == kid && st == -1, "inside: killed child: expected status -1, got %d", st);
  write(pipe_fds[1], "k", 1);   // checks done
  sleep(1000);                  // the outer parent kills us
}

void
t_pidnskill(void)
{
  char c;
  outer_pid = getpid();
  CHECK(pipe(pipe_fds) == 0, "pipe failed");
  int pid = in_namespace(kill_inside);
  close(pipe_fds[1]);
  // The init says when its checks are done (or ends, closing the pipe).
  int done = read(pipe_fds[0], &c, 1) == 1;
  close(pipe_fds[0]);
  CHECK(done || (kill(pid), 0), "the namespace's init failed a check before it was killed");
  CHECK(kill(pid) == 0, "outside: kill(%d) of the namespace's init failed", pid);
  int st;
  CHECK(wait(&st) == pid, "outside: wait did not return the init");
  CHECK(st == -1, "outside: init exited %d: expected -1 (killed after its checks passed)", st);
}

// ---------------------------------------------------------------- reaping

static void
reap_inside(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "inside: pipe failed");
  int kid = fork();
  if (kid == 0) {
    // Fork a grandchild and leave it an orphan.
    int g = fork();
    if (g == 0) {
      char c;
      close(p[1]);
      read(p[0], &c, 1);    // until the init closes its end
      exit(5);
    }
    exit(g == 3 ? 0 : 1);
  }
  close(p[0]);
  int st, got = wait(&st);
  CHECK(got == 2 && st == 0, "inside: expected child 2 (whose child was 3) status 0, got %d %d",
        got, st);
  close(p[1]);
  got = wait(&st);
  CHECK(got == 3 && st == 5, "inside: expected the orphan 3 reaped by us with status 5, got %d %d",
        got, st);
}

void
t_pidnsreap(void)
{
  wait_ok(in_namespace(reap_inside), "pidnsreap");
}

// ---------------------------------------------------------------- the end

static void
die_inside(void)
{
  for (int i = 0; i < 3; i++) {
    if (fork() == 0) {
      sleep(100000);
      exit(0);
    }
  }
  char c = 'x';
  write(pipe_fds[1], &c, 1);
  read(pipe_fds[0], &c, 1);      // wait for the outer test
  exit(0);                       // ... and end with three children alive
}

// The real pids of the processes whose parent is ppid.
static int
children_of(int ppid, int *pids, int max)
{
  char path[64], text[128], name[DIRSIZ + 1];
  struct dirent de;
  int n = 0, fd = open("/proc", O_RDONLY);
  while (fd >= 0 && n < max && read(fd, &de, sizeof(de)) == sizeof(de)) {
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (name[0] < '1' || name[0] > '9')
      continue;
    int pid = atoi(name);
    if (read_proc(proc_path(path, pid, "/status"), text, sizeof(text)) > 0 &&
        status_field(text, "PPid") == ppid)
      pids[n++] = pid;
  }
  close(fd);
  return n;
}

void
t_pidnsdeath(void)
{
  int kids[8], to_init[2];
  char c;
  CHECK(pipe(pipe_fds) == 0 && pipe(to_init) == 0, "pipe failed");
  int from_init = pipe_fds[0];
  pipe_fds[0] = to_init[0];      // the init reads the go from here
  int pid = in_namespace(die_inside);
  CHECK(read(from_init, &c, 1) == 1, "the namespace's init did not start its children");
  int n = children_of(pid, kids, 8);
  CHECK(n == 3, "outside: expected the init's 3 children in /proc, found %d", n);
  write(to_init[1], &c, 1);
  wait_ok(pid, "pidnsdeath");
  // Every process of the namespace dies with its init.
  char path[64];
  for (int i = 0; i < n; i++) {
    int tries = 0;
    while (open(proc_path(path, kids[i], "/stat"), O_RDONLY) >= 0 && tries++ < 200)
      sleep(1);
    CHECK(tries <= 200, "process %d of the namespace outlived its init", kids[i]);
  }
  close(from_init);
  close(pipe_fds[1]);
  close(to_init[0]);
  close(to_init[1]);
}

// ---------------------------------------------------------------- nesting

static void
nest_inner(void)
{
  CHECK(getpid() == 1, "inner: expected pid 1, got %d", getpid());
}

static void
nest_outer(void)
{
  int inner = in_namespace(nest_inner);
  CHECK(inner == 2, "outer: the inner init should be our pid 2, got %d", inner);
  char path[64];
  CHECK(open(proc_path(path, inner, "/stat"), O_RDONLY) >= 0,
        "outer: cannot see the inner namespace's init as %d", inner);
  wait_ok(inner, "nest outer");
}

// Each process makes a namespace one level deeper until clone refuses.
static void
nest_deep(void)
{
  for (int depth = 1; ; depth++) {
    int pid = clone(CLONE_NEWPID, 0, 0, 0);
    if (pid == 0)
      continue;                // the child: pid 1 one level down; go on
    // Levels are limited: PIDNS_LEVELS (kernel/pidns.h) is 4, the root's included.
    if (pid < 0)
      exit(depth == 4 ? 0 : 10 + depth);
    int st;
    CHECK(wait(&st) == pid, "level %d: wait failed", depth);
    exit(st);
  }
}

void
t_pidnsnest(void)
{
  wait_ok(in_namespace(nest_outer), "pidnsnest");
  CHECK(clone(CLONE_NEWPID | CLONE_THREAD | CLONE_VM | CLONE_SIGHAND, 0, 0, 0) < 0,
        "CLONE_NEWPID with CLONE_THREAD: expected -1");
  int pid = fork();
  if (pid == 0)
    nest_deep();
  int st;
  CHECK(wait(&st) == pid && st == 0,
        "nesting: expected clone to work 3 levels deep and fail at the 4th, status %d", st);
}

// ---------------------------------------------------------------- groups inside

static int outer_pgid;

// Group numbers are pids, so inside they are the namespace's numbers too,
// and a group led from outside cannot be named or signalled.
static void
pgrp_inside(void)
{
  CHECK(getpgid(0) == 0, "inside: our group is led from outside: expected getpgid 0, got %d",
        getpgid(0));
  CHECK(setpgid(0, 0) == 0 && getpgid(0) == 1,
        "inside: setpgid(0, 0): expected group 1 (our pid here), got %d", getpgid(0));
  int kid = fork();
  if (kid == 0) {
    for (;;)
      sleep(100);
  }
  CHECK(setpgid(kid, kid) == 0 && getpgid(kid) == kid,
        "inside: setpgid(%d, %d) by the namespace's numbers: got group %d", kid, kid, getpgid(kid));
  CHECK(setpgid(kid, 1) == 0 && getpgid(kid) == 1, "inside: moving %d into group 1 failed", kid);
  CHECK(sigsend(-outer_pgid, 0) == -1, "inside: the outer group %d could be signalled", outer_pgid);
  CHECK(setpgid(0, outer_pgid) == -1, "inside: joined the outer group %d", outer_pgid);
  CHECK(tcgetpgrp() == 0, "inside: the console's foreground group (outside) showed as %d",
        tcgetpgrp());
  CHECK(setpgid(kid, kid) == 0 && sigsend(-kid, SIGKILL) == 0, "inside: sigsend(-%d) failed", kid);
  int st = 0;
  CHECK(waitpid(kid, &st, 0) == kid && WIFSIGNALED(st), "inside: %d was not killed", kid);
}

void
t_pidnspgrp(void)
{
  outer_pgid = getpgid(0);
  CHECK(outer_pgid > 0, "getpgid(0) outside: %d", outer_pgid);
  int pid = in_namespace(pgrp_inside);
  wait_ok(pid, "pidnspgrp");
}
