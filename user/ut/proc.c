// ut/proc.c: usertests on processes: exec with bad and good arguments,
// fork/exit/wait, kill of spinning and blocked children, orphans, timer
// preemption, the process table and memory filling up.
// Each test runs in a child of the runner (user/usertests.c) and fails by
// exiting non-zero through CHECK; every child a test forks is reaped by it.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/ut/ut.h"

// -------------------------------------------------------------------- exec

void
t_execbadpath(void)
{
  char *argv[] = { "x", 0 };
  exec_must_fail("/no-such-program", argv, "a missing file");
  exec_must_fail("/", argv, "a directory");
  exec_must_fail("", argv, "an empty path");
  int fd = open("notelf", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(notelf) failed");
  close(fd);
  exec_must_fail("notelf", argv, "an empty file");
  fd = open("notelf", O_RDWR);
  memset(buf, 0x7f, 2048);
  write(fd, buf, 2048);
  close(fd);
  exec_must_fail("notelf", argv, "a file that is not ELF");
  CHECK(unlink("notelf") == 0, "unlink(notelf) failed");
}

void
t_execbadargv(void)
{
  exec_must_fail("/echo", (char **)KERNLOAD, "argv = kernel address");
  exec_must_fail("/echo", (char **)0xffffffffffffffffUL, "argv = 0xffffffffffffffff");
  exec_must_fail("/echo", (char **)0x1000000000UL, "argv = unmapped address");
  char *kern[] = { "echo", (char *)KERNLOAD, 0 };
  exec_must_fail("/echo", kern, "argv[1] = kernel address");
  char *wild[] = { "echo", (char *)0xffffffffffffffffUL, 0 };
  exec_must_fail("/echo", wild, "argv[1] = 0xffffffffffffffff");
  // An argv array whose terminating 0 would lie past the end of memory.
  char *page = last_heap_page();
  char **av = (char **)(page + PGSIZE - 2 * sizeof(char *));
  av[0] = "echo";
  av[1] = "x";
  exec_must_fail("/echo", av, "an unterminated argv");
  // An argument string that runs off the end of memory.
  memset(page, 'y', PGSIZE);
  char *tail[] = { "echo", page + PGSIZE - 64, 0 };
  exec_must_fail("/echo", tail, "an unterminated argument");
  // Arguments that do not fit the one-page user stack.
  memset(buf, 'a', 3000); buf[3000] = 0;
  memset(buf + 3001, 'b', 3000); buf[6001] = 0;
  char *huge[] = { "echo", buf, buf + 3001, 0 };
  exec_must_fail("/echo", huge, "6000 bytes of arguments");
}

// Run /echo with argv, stdout into file out; return echo's exit status.
static int
echo_into(char *out, char **argv)
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(1);
    if(open(out, O_CREATE | O_TRUNC | O_WRONLY) != 1)
      exit(44);
    exec("/echo", argv);
    exit(43);
  }
  int st = 0;
  wait(&st);
  return st;
}

void
t_execmaxarg(void)
{
  char *argv[MAXARG + 2];
  argv[0] = "echo";
  for(int i = 1; i <= MAXARG; i++)
    argv[i] = "m";
  argv[MAXARG + 1] = 0;
  exec_must_fail("/echo", argv, "MAXARG+1 arguments");
  argv[MAXARG - 1] = 0;        // MAXARG-1 strings: allowed even on xv6
  int st = echo_into("emax", argv);
  CHECK(st == 0, "exec /echo with %d arguments: status %d, expected 0", MAXARG - 1, st);
  int fd = open("emax", O_RDONLY);
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  CHECK(n == 2 * (MAXARG - 2), "echo of %d args wrote %d bytes, expected %d",
        MAXARG - 2, n, 2 * (MAXARG - 2));
  unlink("emax");
}

void
t_execargs(void)
{
  char *argv[] = { "echo", "alpha", "b", "gamma", 0 };
  int st = echo_into("eout", argv);
  CHECK(st == 0, "exec /echo: status %d, expected 0 (43: exec returned, 44: no fd 1)", st);
  int fd = open("eout", O_RDONLY);
  CHECK(fd >= 0, "echo's output file is missing");
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  CHECK(strcmp(buf,
        "alpha b gamma\n") == 0, "echo printed \"%s\", expected \"alpha b gamma\\n\"", buf);
  CHECK(unlink("eout") == 0, "unlink(eout) failed");
}

// ---------------------------------------------------- fork, exit, wait, kill

void
t_exitwait(void)
{
  int pids[6], seen[6] = { 0 };
  for(int i = 0; i < 6; i++){
    pids[i] = fork();
    CHECK(pids[i] >= 0, "fork %d failed", i);
    if(pids[i] == 0)
      exit(i * 7);
  }
  for(int k = 0; k < 6; k++){
    int st = -99, w = wait(&st), i;
    for(i = 0; i < 6 && pids[i] != w; i++)
      ;
    CHECK(i < 6 && !seen[i], "wait returned %d, not an unreaped child", w);
    CHECK(st == i * 7, "child %d exited with %d, wait reported %d", w, i * 7, st);
    seen[i] = 1;
  }
  int pid = fork();
  if(pid == 0)
    exit(5);
  CHECK(wait(0) == pid, "wait(0) did not return the child");
  CHECK(wait(0) == -1, "wait(0) with no children: expected -1");
  int st;
  CHECK(wait(&st) == -1, "wait(&st) with no children: expected -1");
}

static void child_spins(void) { for(;;) sink++; }

void
t_killspin(void)
{
  int pid = start_child(child_spins);
  sleep(2);
  CHECK(kill(pid) == 0, "kill(%d) of a spinning child: expected 0", pid);
  int st = 0;
  CHECK(wait(&st) == pid, "wait did not return the killed child");
  CHECK(st == -1, "killed child: expected status -1, got %d", st);
}

void
t_killbad(void)
{
  CHECK(kill(99999) == -1, "kill(99999): expected -1");
  CHECK(kill(0x7ffffff0) == -1, "kill(0x7ffffff0): expected -1");
}

// init (pid 1) reaps every orphan: nobody may kill it. Before the fix kill
// returned 0 and the kernel panicked when init died.
void
t_killinit(void)
{
  CHECK(kill(1) == -1, "kill(1): expected -1 (init cannot be killed)");
  sleep(5);
  static struct procinfo recs[NTHREAD + NPROC];
  int n = procinfo(recs, NTHREAD + NPROC), init_alive = 0;
  for(int i = 0; i < n; i++)
    init_alive |= recs[i].pid == 1 && recs[i].pstate == 'A';
  CHECK(init_alive, "init (pid 1) is not alive 5 ticks after kill(1)");
  t_orphan();                  // init still reaps orphans
}

// The child says it is ready on one pipe, then blocks in read or sleep.
static void
kill_blocked_child(int in_sleep)
{
  int ready[2], idle[2];
  CHECK(pipe(ready) == 0 && pipe(idle) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    write(ready[1], "r", 1);
    if(in_sleep)
      sleep(1000000);
    else
      read(idle[0], buf, 1);
    exit(0);
  }
  char c;
  CHECK(read(ready[0], &c, 1) == 1, "child never got ready");
  sleep(2);
  CHECK(kill(pid) == 0, "kill of a blocked child failed");
  int st = 0;
  CHECK(wait(&st) == pid && st == -1, "child killed in %s: status %d, expected -1",
        in_sleep ? "sleep" : "pipe read", st);
  close(ready[0]); close(ready[1]); close(idle[0]); close(idle[1]);
}

void t_killpipe(void)  { kill_blocked_child(0); }
void t_killsleep(void) { kill_blocked_child(1); }

void
t_orphan(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    if(fork() == 0){       // grandchild: outlive the parent, then report
      sleep(3);
      write(p[1], "g", 1);
      exit(0);
    }
    exit(0);
  }
  close(p[1]);
  CHECK(wait(0) == pid, "wait for the child failed");
  char c = 0;
  CHECK(read(p[0], &c, 1) == 1 && c == 'g', "orphaned grandchild did not run on");
  CHECK(read(p[0], &c, 1) == 0, "pipe not closed after the grandchild exited");
  close(p[0]);
  check_fork_works("fork after orphaning failed");
}

// More spinners than harts: all must get to run (timer preemption), and the
// parent, sleeping in a pipe read, must get to run and kill them.
void
t_preempt(void)
{
  enum { NSPIN = 6 };
  int p[2], pids[NSPIN];
  CHECK(pipe(p) == 0, "pipe failed");
  for(int i = 0; i < NSPIN; i++){
    pids[i] = fork();
    CHECK(pids[i] >= 0, "fork failed");
    if(pids[i] == 0){
      close(p[0]);
      write(p[1], "a", 1);
      for(volatile int n = 0; n < 3000000; n++)
        ;
      write(p[1], "b", 1);
      child_spins();
    }
  }
  close(p[1]);
  int got = 0, n;
  while(got < 2 * NSPIN && (n = read(p[0], buf, 2 * NSPIN - got)) > 0)
    got += n;
  for(int i = 0; i < NSPIN; i++)
    kill(pids[i]);
  int bad = 0;
  for(int i = 0; i < NSPIN; i++){
    int st = 0;
    if(wait(&st) < 0 || st != -1)
      bad++;
  }
  close(p[0]);
  CHECK(got == 2 * NSPIN, "spinners reported %d of %d progress bytes", got, 2 * NSPIN);
  CHECK(bad == 0, "%d killed spinners did not end with status -1", bad);
}

void
t_forkall(void)
{
  int p[2], n = 0;
  CHECK(pipe(p) == 0, "pipe failed");
  for(;;){
    int pid = fork();
    if(pid < 0)
      break;
    if(pid == 0){
      close(p[1]);
      read(p[0], buf, 1);      // until the parent closes its write end
      exit(0);
    }
    if(++n >= 1000)
      break;
  }
  close(p[1]);
  close(p[0]);
  CHECK(n < 1000, "fork never failed after 1000 children");
  CHECK(n > 0, "the first fork failed");
  for(int i = 0; i < n; i++){
    int st = -5;
    CHECK(wait(&st) > 0 && st == 0, "child %d of %d: status %d", i, n, st);
  }
  CHECK(wait(0) == -1, "wait after reaping all children: expected -1");
  check_fork_works("fork after the process table filled up failed");
}

// Parent and child each see their own copy of memory after fork.
void
t_forkmem(void)
{
  int len = 32 * PGSIZE, go[2];
  char *mem = sbrk(len);
  CHECK(mem != FAILED_PTR, "sbrk failed");
  for(int i = 0; i < len; i += 64)
    mem[i] = (char)(i / 64);
  CHECK(pipe(go) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    char c;
    read(go[0], &c, 1);        // parent has scribbled over its copy
    for(int i = 0; i < len; i += 64)
      if(mem[i] != (char)(i / 64))
        exit(2);
    for(int i = 0; i < len; i += 64)
      mem[i] = 'c';
    exit(0);
  }
  for(int i = 0; i < len; i += 128)
    mem[i] = 'p';
  write(go[1], "g", 1);
  int st = 0;
  wait(&st);
  CHECK(st == 0, "child saw the parent's writes after fork (status %d)", st);
  for(int i = 0; i < len; i += 64)
    CHECK(mem[i] == (i % 128 == 0 ? 'p' : (char)(i / 64)), "parent saw the child's writes");
  close(go[0]); close(go[1]);
}

void
t_manyforks(void)
{
  for(int i = 0; i < 300; i++){
    int pid = fork();
    CHECK(pid >= 0, "fork %d failed", i);
    if(pid == 0){
      char *p = sbrk(4 * PGSIZE);
      if(p != FAILED_PTR)
        p[0] = p[3 * PGSIZE] = 1;
      buf[i] = 1;
      exit(i & 0x3f);
    }
    int st = -1;
    CHECK(wait(&st) == pid && st == (i & 0x3f), "round %d: wrong child or status %d", i, st);
  }
}

static void
child_eats_memory(void)
{
  int step = 64 * PGSIZE;
  for(long total = 0; total < (1L << 31); total += step){
    char *p = sbrk(step);
    if(p == FAILED_PTR){
      if(step == PGSIZE)
        exit(0);
      step = PGSIZE;
      continue;
    }
    for(int off = 0; off < step; off += PGSIZE)
      p[off] = 1;
  }
  exit(2);
}

void
t_outofmemory(void)
{
  uint64 before = free_pages();
  int st = run_child(child_eats_memory);
  CHECK(st == 0 || st == -1, "memory-eating child: status %d (2: sbrk never failed)", st);
  check_fork_works("fork after running out of memory failed");
  uint64 after = free_pages();
  for(int tries = 0; before != NOMEMINFO && after < before && tries < 50; tries++){
    sleep(1);
    after = free_pages();
  }
  if(before != NOMEMINFO)
    CHECK(after >= before, "free pages: %d before the child ran out of memory, %d after",
          (int)before, (int)after);
  char *p = sbrk(PGSIZE);
  CHECK(p != FAILED_PTR, "sbrk after running out of memory failed");
  p[0] = 1;
}

// ------------------------------------------ what procinfo shows during exit

enum { REC_ROUNDS = 20, REC_CHILDREN = 3 };
static struct procinfo exit_recs[NTHREAD + NPROC];

// Holds an unlinked file with data, so closing it at exit frees disk blocks
// and takes a while (the proc is between its last thread and ZOMBIE then).
static void
exit_slowly(int go)
{
  char name[] = "exitrecX";
  name[7] = '0' + getpid() % 10;
  int fd = open(name, O_CREATE | O_RDWR);
  if(fd < 0 || write(fd, buf, 4096) != 4096 || unlink(name) < 0)
    exit(2);
  char c;
  read(go, &c, 1);             // until the parent closes the pipe
  exit(0);
}

// Count records of pids[] that show an alive process without threads.
static int
alive_without_threads(int *pids, int *seen)
{
  int n = procinfo(exit_recs, NTHREAD + NPROC), bad = 0;
  for(int i = 0; i < n; i++)
    for(int k = 0; k < REC_CHILDREN; k++)
      if(exit_recs[i].pid == pids[k]){
        seen[k] = 1;
        if(exit_recs[i].pstate == 'A' && exit_recs[i].nthreads < 1)
          bad++;
      }
  return bad;
}

// A process is alive only while it has a thread: procinfo never reports
// pstate 'A' with nthreads 0, also while exiting processes free their files.
void
t_exitrecords(void)
{
  for(int round = 0; round < REC_ROUNDS; round++){
    int go[2], pids[REC_CHILDREN];
    CHECK(pipe(go) == 0, "pipe failed");
    for(int k = 0; k < REC_CHILDREN; k++){
      pids[k] = fork();
      CHECK(pids[k] >= 0, "fork failed");
      if(pids[k] == 0){
        close(go[1]);
        exit_slowly(go[0]);
      }
    }
    close(go[0]);
    sleep(2);
    close(go[1]);              // all children exit now
    int bad = 0, reaped = 0;
    for(int polls = 0; reaped < REC_CHILDREN && polls < 100000; polls++){
      int seen[REC_CHILDREN] = { 0 };
      bad += alive_without_threads(pids, seen);
      if(polls % 64 == 63){
        int st;
        int w = wait(&st);       // blocks only until the next child is a zombie
        CHECK(w > 0 && st == 0, "round %d: child %d ended with status %d", round, w, st);
        reaped++;
      }
    }
    while(reaped < REC_CHILDREN){
      CHECK(wait(0) > 0, "round %d: a child is missing", round);
      reaped++;
    }
    CHECK(bad == 0, "round %d: procinfo showed %d records of an exiting process as alive "
          "('A') with 0 threads", round, bad);
  }
}
