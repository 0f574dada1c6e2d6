// usertests.c: weft's in-kernel test suite for the behaviours xv6 programs
// rely on: system calls that refuse bad pointers, sbrk, faults that kill only
// the faulting process, fork/exit/wait/kill, running out of memory, the
// file system at its limits and under concurrency, copy-on-write fork, and
// threads. This file is the runner and the helpers the groups share; the
// tests live by subject in user/ut/*.c (proc, mem, fs, cow, thread, task),
// all linked into one program.
// Each test runs in a child of the runner and passes when that child exits 0;
// a test that crashes is therefore a FAILED line, not the end of the run.
// The runner counts free pages around the tests that own all of their memory
// and around the whole run. Graders parse the output: keep the lines
// "test NAME: OK|FAILED" and "ALL TESTS PASSED|SOME TESTS FAILED" exact.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/ut/ut.h"

char buf[8192];
volatile char sink;

// ------------------------------------------------- helpers the groups share

uint64
free_pages(void)
{
  struct meminfo mi;
  if(meminfo(&mi) < 0)
    return NOMEMINFO;
  return mi.free_pages;
}

// Start fn in a child process (a return from fn is exit(0)); the pid.
int
start_child(void (*fn)(void))
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    fn();
    exit(0);
  }
  return pid;
}

// Run fn in a child process; return the status wait() reports for it.
int
run_child(void (*fn)(void))
{
  int pid = start_child(fn);
  int status = 12345;
  int got = wait(&status);
  CHECK(got == pid, "wait returned %d, expected child pid %d", got, pid);
  return status;
}

static void
exit_at_once(void)
{
  exit(0);
}

// After a test that stressed the kernel: fork, exit and wait still work.
void
check_fork_works(char *what)
{
  CHECK(run_child(exit_at_once) == 0, "%s", what);
}

void
expect_killed(void (*fn)(void), char *what)
{
  int st = run_child(fn);
  CHECK(st == -1, "%s: expected the child killed (status -1), got status %d", what, st);
}

// Grow the heap to a page boundary plus one fresh page and return that page:
// the byte just past it is unmapped.
char *
last_heap_page(void)
{
  uint64 cur = (uint64)sbrk(0);
  if(PGROUNDUP(cur) != cur)
    CHECK(sbrk(PGROUNDUP(cur) - cur) != FAILED_PTR, "sbrk to a page boundary failed");
  char *page = sbrk(PGSIZE);
  CHECK(page != FAILED_PTR, "sbrk(PGSIZE) failed");
  return page;
}

// Fork a child that calls exec and exits 42 when exec returned -1.
void
exec_must_fail(char *path, char **argv, char *what)
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    int r = exec(path, argv);
    exit(r == -1 ? 42 : 43);
  }
  int st = 0;
  wait(&st);
  CHECK(st == 42, "exec with %s: expected -1 returned (child status 42), child status %d",
        what, st);
}

// ---------------------------------------------------------------- the runner

struct test {
  char *name;
  void (*fn)(void);
  char quick;      // in the -q set
  char pages;      // the test owns all its memory: free pages must come back
};

static struct test tests[] = {
  { "exitwait", t_exitwait, 1, 1 },     { "killspin", t_killspin, 1, 1 },
  { "killbad", t_killbad, 1, 1 },       { "killinit", t_killinit, 1, 1 },
  { "exitrecords", t_exitrecords, 1, 0 },       { "killpipe", t_killpipe, 1, 1 },
  { "killsleep", t_killsleep, 1, 1 },   { "orphan", t_orphan, 1, 1 },
  { "preempt", t_preempt, 1, 1 },       { "forkmem", t_forkmem, 1, 1 },
  { "forkall", t_forkall, 1, 1 },       { "copyin", t_copyin, 1, 1 },
  { "copyout", t_copyout, 1, 1 },       { "copyinstr", t_copyinstr, 1, 1 },
  { "sbrkgrow", t_sbrkgrow, 1, 1 },     { "sbrkhuge", t_sbrkhuge, 1, 1 },
  { "sbrkshrink", t_sbrkshrink, 1, 1 }, { "sbrkfreed", t_sbrkfreed, 1, 1 },
  { "sbrkneg", t_sbrkneg, 1, 1 },       { "readkernel", t_readkernel, 1, 1 },
  { "writekernel", t_writekernel, 1, 1 }, { "badaddr", t_badaddr, 1, 1 },
  { "trampoline", t_trampoline, 1, 1 }, { "writetext", t_writetext, 1, 1 },
  { "stackguard", t_stackguard, 1, 1 }, { "recursion", t_recursion, 1, 1 },
  { "execbadpath", t_execbadpath, 1, 1 }, { "execbadargv", t_execbadargv, 1, 1 },
  { "execmaxarg", t_execmaxarg, 1, 1 }, { "execargs", t_execargs, 1, 1 },
  { "pipedata", t_pipedata, 1, 1 },     { "pipeclose", t_pipeclose, 1, 1 },
  { "fdlimit", t_fdlimit, 1, 0 },       { "dupshare", t_dupshare, 1, 0 },
  { "fileops", t_fileops, 1, 0 },       { "unlinkopen", t_unlinkopen, 1, 0 },
  { "mkdirchdir", t_mkdirchdir, 1, 0 }, { "dotdot", t_dotdot, 1, 0 },
  { "rmdirfull", t_rmdirfull, 1, 0 },   { "opendirwrite", t_opendirwrite, 1, 0 },
  { "concreate", t_concreate, 1, 0 },   { "linkrace", t_linkrace, 1, 0 },
  { "bigdir", t_bigdir, 1, 0 },         { "bigfile", t_bigfile, 1, 0 },
  { "diskfull", t_diskfull, 1, 0 },     { "noinodes", t_noinodes, 1, 0 },
  { "bcachestress", t_bcachestress, 1, 0 }, { "rmdircreate", t_rmdircreate, 1, 0 },
  { "reclaimrace", t_reclaimrace, 1, 0 },
  { "itablefull", t_itablefull, 1, 0 }, { "consolebad", t_consolebad, 1, 0 },
  { "outofmemory", t_outofmemory, 1, 1 },
  { "pgrpset", t_pgrpset, 1, 1 },       { "pgrptc", t_pgrptc, 1, 1 },
  { "pgrpstop", t_pgrpstop, 1, 1 },     { "pgrpsend", t_pgrpsend, 1, 1 },
  { "pgrpwait", t_pgrpwait, 1, 1 },
  { "cowbig", t_cowbig, 1, 1 },         { "cowoverlap", t_cowoverlap, 1, 1 },
  { "cowisolation", t_cowisolation, 1, 1 }, { "cowpipe", t_cowpipe, 1, 1 },
  { "cowtext", t_cowtext, 1, 1 },       { "cowoom", t_cowoom, 1, 1 },
  { "cowexec", t_cowexec, 1, 1 },       { "cowcounters", t_cowcounters, 1, 1 },
  { "threadjoin", t_threadjoin, 1, 1 }, { "threadmutex", t_threadmutex, 1, 1 },
  { "threadtls", t_threadtls, 1, 1 },   { "threadguard", t_threadguard, 1, 1 },
  { "threadexit", t_threadexit, 1, 1 }, { "threadfork", t_threadfork, 1, 1 },
  { "threadfutex", t_threadfutex, 1, 1 }, { "threadclone", t_threadclone, 1, 1 },
  { "threadfiles", t_threadfiles, 1, 1 }, { "threadvm", t_threadvm, 1, 1 },
  { "threadcond", t_threadcond, 1, 1 }, { "threadwait", t_threadwait, 1, 1 },
  { "threadexec", t_threadexec, 1, 1 },  { "threadslot", t_threadslot, 1, 1 },
  { "threadjoinbad", t_threadjoinbad, 1, 1 },
  { "threadexecrace", t_threadexecrace, 1, 1 }, { "threadexectid", t_threadexectid, 1, 1 },
  { "mmapzero", t_mmapzero, 1, 1 },     { "mmapshared", t_mmapshared, 1, 1 },
  { "mmapguard", t_mmapguard, 1, 1 },   { "mmapbad", t_mmapbad, 1, 1 },
  { "rrfair", t_rrfair, 1, 1 },         { "killfutexrace", t_killfutexrace, 1, 1 },
  { "kernwindow", t_kernwindow, 1, 1 }, { "kwinalloc", t_kwinalloc, 1, 1 },
  { "threadnosatp", t_threadnosatp, 1, 1 }, { "tlbremap", t_tlbremap, 1, 1 },
  { "mmapexec", t_mmapexec, 1, 1 },     { "cowmprotect", t_cowmprotect, 1, 1 },
  { "sparsefork", t_sparsefork, 1, 1 }, { "munmaprace", t_munmaprace, 1, 1 },
  { "sbrkrace", t_sbrkrace, 1, 1 },     { "threadstacks", t_threadstacks, 1, 1 },
  { "mmapstack", t_mmapstack, 1, 1 },
  { "procthreads", t_procthreads, 1, 1 }, { "procmaps", t_procmaps, 1, 1 },
  { "procstacks", t_procstacks, 1, 1 }, { "procfds", t_procfds, 1, 1 },
  { "proczombie", t_proczombie, 1, 1 }, { "procbad", t_procbad, 1, 1 },
  { "procroot", t_procroot, 1, 1 },     { "procsignals", t_procsignals, 1, 1 },
  { "pidnsself", t_pidnsself, 1, 1 },   { "pidnskill", t_pidnskill, 1, 1 },
  { "pidnsreap", t_pidnsreap, 1, 1 },   { "pidnsdeath", t_pidnsdeath, 1, 1 },
  { "pidnsnest", t_pidnsnest, 1, 1 },   { "pidnspgrp", t_pidnspgrp, 1, 1 },
  { "posixcalls", t_posixcalls, 1, 1 },
  { "meminfo", t_meminfo, 1, 1 },       { "meminfobad", t_meminfobad, 1, 1 },
  { "sighandler", t_sighandler, 1, 1 }, { "sigignore", t_sigignore, 1, 1 },
  { "sigdefault", t_sigdefault, 1, 1 }, { "sigkillblocked", t_sigkillblocked, 1, 1 },
  { "sigthreadmask", t_sigthreadmask, 1, 1 }, { "sigregs", t_sigregs, 1, 1 },
  { "signested", t_signested, 1, 1 },   { "sigrestart", t_sigrestart, 1, 1 },
  { "sigsuspend", t_sigsuspend, 1, 1 }, { "sigpending", t_sigpending, 1, 1 },
  { "sigalarm", t_sigalarm, 1, 1 },     { "sigchld", t_sigchld, 1, 1 }, { "sigwnohang", t_sigwnohang, 1, 1 },
  { "sigstop", t_sigstop, 1, 1 },       { "sigclone", t_sigclone, 1, 1 },
  { "sigexec", t_sigexec, 1, 1 },       { "sigfault", t_sigfault, 1, 1 },
  { "sigbadframe", t_sigbadframe, 1, 1 }, { "sigbadptr", t_sigbadptr, 1, 1 },
  { "sigfpregs", t_sigfpregs, 1, 1 },
  { "fpswitch", t_fpswitch, 1, 1 },
  { "manyforks", t_manyforks, 0, 1 },   { "diskrefill", t_diskrefill, 0, 0 },
};
#define NTESTS ((int)(sizeof(tests) / sizeof(tests[0])))

// One write per result line so other output cannot split it.
static void
report(char *name, int ok)
{
  char line[80];
  strcpy(line, "test ");
  strcpy(line + strlen(line), name);
  strcpy(line + strlen(line), ok ? ": OK\n" : ": FAILED\n");
  write(1, line, strlen(line));
}

// Free pages once the system has settled: exited processes may still be on
// their way out (orphans reaped by init), so give them a few ticks.
uint64
settled_free_pages(uint64 expect)
{
  uint64 now = free_pages();
  for(int tries = 0; now != NOMEMINFO && now < expect && tries < 50; tries++){
    sleep(1);
    now = free_pages();
  }
  return now;
}

static int
run_test(struct test *t)
{
  uint64 before = free_pages();
  int pid = fork();
  if(pid < 0){
    printf("%s: the runner could not fork\n", t->name);
    report(t->name, 0);
    return 0;
  }
  if(pid == 0){
    t->fn();
    exit(0);
  }
  int st = -2;
  int ok = wait(&st) == pid && st == 0;
  if(!ok)
    printf("%s: expected the test process to exit 0, it ended with status %d\n", t->name, st);
  if(ok && t->pages && before != NOMEMINFO){
    uint64 after = settled_free_pages(before);
    if(after < before){
      printf("%s: expected %d free pages after the test, got %d\n", 
             t->name, (int)before, (int)after);
      ok = 0;
    }
  }
  report(t->name, ok);
  return ok;
}

// First fork, pipe and file of the run, so one-time kernel allocations are
// not charged to the first test.
static void
warm_up(void)
{
  int p[2];
  if(pipe(p) == 0){
    close(p[0]);
    close(p[1]);
  }
  int pid = fork();
  if(pid == 0)
    exit(0);
  if(pid > 0)
    wait(0);
}

// Is test t picked by the command line? No names: every test (quick ones
// only with -q). With -g PREFIX: every test whose name starts with PREFIX
// (a group: cow*, thread*, mmap*, ...). Otherwise: the tests named.
static int
picked(struct test *t, int quick_only, char *prefix, int nnames, char **names)
{
  if (prefix) {
    for (int i = 0; prefix[i]; i++)
      if (t->name[i] != prefix[i])
        return 0;
    return 1;
  }
  if (nnames == 0)
    return !quick_only || t->quick;
  for (int i = 0; i < nnames; i++)
    if (strcmp(names[i], t->name) == 0)
      return 1;
  return 0;
}

int
main(int argc, char *argv[])
{
  int quick_only = 0;
  char *prefix = 0;
  if(argc == 2 && strcmp(argv[1], "-l") == 0){
    for(int i = 0; i < NTESTS; i++)
      printf("%s %s\n", tests[i].name, tests[i].quick ? "quick" : "slow");
    exit(0);
  }
  if(argc == 3 && strcmp(argv[1], "-x") == 0)
    exec_helper(argv[2]);          // a test exec'd us (ut/task.c)
  if(argc == 2 && strcmp(argv[1], "-q") == 0)
    quick_only = 1;
  else if(argc == 3 && strcmp(argv[1], "-g") == 0)
    prefix = argv[2];
  else if(argc > 1 && argv[1][0] == '-'){
    printf("usage: usertests [-q | -l | -g PREFIX | NAME...]\n");
    exit(1);
  }
  int nnames = (quick_only || prefix) ? 0 : argc - 1;
  warm_up();
  uint64 start = free_pages();
  printf("usertests starting\n");
  int ran = 0, failed = 0;
  for(int i = 0; i < NTESTS; i++){
    if(!picked(&tests[i], quick_only, prefix, nnames, argv + 1))
      continue;
    ran++;
    failed += !run_test(&tests[i]);
  }
  if(ran == 0){
    printf("usertests: no test matches %s\n", prefix ? prefix : argv[1]);
    exit(1);
  }
  uint64 end = settled_free_pages(start);
  if(start == NOMEMINFO || end < start){
    printf("freepages: expected %d free pages at the end, got %d\n", (int)start, (int)end);
    report("freepages", 0);
    failed++;
  } else {
    report("freepages", 1);
  }
  char *verdict = failed ? "SOME TESTS FAILED\n" : "ALL TESTS PASSED\n";
  write(1, verdict, strlen(verdict));
  exit(failed ? 1 : 0);
}
