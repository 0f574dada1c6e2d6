// usertests.c: weft's in-kernel test suite for the behaviours xv6 programs
// rely on: system calls that refuse bad pointers, sbrk, faults that kill only
// the faulting process, fork/exit/wait/kill, running out of memory, and the
// file system at its limits and under concurrency.
// Each test runs in a child of the runner and passes when that child exits 0;
// a test that crashes is therefore a FAILED line, not the end of the run.
// The runner counts free pages around the tests that own all of their memory
// and around the whole run. Graders parse the output: keep the lines
// "test NAME: OK|FAILED" and "ALL TESTS PASSED|SOME TESTS FAILED" exact.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

// Stop the current test, saying what was expected and what came instead.
// fmt is always a string literal, so the newline joins it and the message
// leaves in one write.
#define CHECK(cond, fmt, ...) \
  do { if(!(cond)) { printf(fmt "\n", ##__VA_ARGS__); exit(1); } } while(0)

#define NOMEMINFO ((uint64)-1)
#define FAILED_PTR ((char *)-1)

static char buf[8192];          // scratch for file and pipe data
static volatile char sink;      // keeps faulting loads from being optimised away
static volatile uint64 fault_va;  // address the next fault child touches

// ---------------------------------------------------------------- helpers

static uint64
free_pages(void)
{
  struct meminfo mi;
  if(meminfo(&mi) < 0)
    return NOMEMINFO;
  return mi.free_pages;
}

// dst = prefix followed by n in decimal; returns dst.
static char *
mkname(char *dst, char *prefix, int n)
{
  char digits[12];
  int k = 0;
  strcpy(dst, prefix);
  do { digits[k++] = '0' + n % 10; n /= 10; } while(n > 0);
  char *end = dst + strlen(dst);
  while(k > 0)
    *end++ = digits[--k];
  *end = 0;
  return dst;
}

// Run fn in a child process; return the status wait() reports for it.
static int
run_child(void (*fn)(void))
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    fn();
    exit(0);
  }
  int status = 12345;
  int got = wait(&status);
  CHECK(got == pid, "wait returned %d, expected child pid %d", got, pid);
  return status;
}

static void
expect_killed(void (*fn)(void), char *what)
{
  int st = run_child(fn);
  CHECK(st == -1, "%s: expected the child killed (status -1), got status %d", what, st);
}

static void child_reads(void)  { sink = *(volatile char *)fault_va; }
static void child_writes(void) { *(volatile char *)fault_va = 1; }

static void
must_kill_read(uint64 va)
{
  fault_va = va;
  int st = run_child(child_reads);
  CHECK(st == -1, "load from %p in user mode: expected the child killed (status -1), got %d",
        (void *)va, st);
}

static void
must_kill_write(uint64 va)
{
  fault_va = va;
  int st = run_child(child_writes);
  CHECK(st == -1, "store to %p in user mode: expected the child killed (status -1), got %d",
        (void *)va, st);
}

// Grow the heap to a page boundary plus one fresh page and return that page:
// the byte just past it is unmapped.
static char *
last_heap_page(void)
{
  uint64 cur = (uint64)sbrk(0);
  if(PGROUNDUP(cur) != cur)
    CHECK(sbrk(PGROUNDUP(cur) - cur) != FAILED_PTR, "sbrk to a page boundary failed");
  char *page = sbrk(PGSIZE);
  CHECK(page != FAILED_PTR, "sbrk(PGSIZE) failed");
  return page;
}

// Addresses no system call may read or write for a user: kernel memory,
// unmapped holes, the kernel-only pages at the top and the stack guard page.
static uint64 bad_addrs[10];
static int nbad;

static void
collect_bad_addrs(void)
{
  char on_stack;
  nbad = 0;
  bad_addrs[nbad++] = KERNBASE;
  bad_addrs[nbad++] = KERNLOAD;
  bad_addrs[nbad++] = 0x1000000000UL;                 // far above the heap, below MAXVA
  bad_addrs[nbad++] = PGROUNDUP((uint64)sbrk(0));     // just past the break
  bad_addrs[nbad++] = MAXVA;
  bad_addrs[nbad++] = 0xffffffffffffffffUL;
  bad_addrs[nbad++] = TRAMPOLINE;
  bad_addrs[nbad++] = TRAPFRAME;
  bad_addrs[nbad++] = PGROUNDDOWN((uint64)&on_stack) - PGSIZE;  // guard page
}

// Fork a child that calls exec and exits 42 when exec returned -1.
static void
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

// ------------------------------------------------ bad pointers to system calls

static void
t_copyin(void)
{
  collect_bad_addrs();
  int fd = open("cpin", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(cpin, O_CREATE|O_RDWR) failed");
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  for(int i = 0; i < nbad; i++){
    void *a = (void *)bad_addrs[i];
    int n = write(fd, a, 8192);
    CHECK(n < 0, "write(file, %p, 8192): expected -1, got %d", a, n);
    n = write(p[1], a, 8192);
    CHECK(n <= 0, "write(pipe, %p, 8192): expected -1 (or 0), got %d", a, n);
  }
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.size == 0, "file written from bad buffers is not empty");
  // Nothing may have slipped into the pipe either.
  CHECK(write(p[1], "z", 1) == 1, "pipe no longer writable");
  int n = read(p[0], buf, 100);
  CHECK(n == 1 && buf[0] == 'z', "pipe read after bad writes: expected 1 byte 'z', got %d", n);
  close(p[0]); close(p[1]); close(fd);
  CHECK(unlink("cpin") == 0, "unlink(cpin) failed");
}

static void
t_copyout(void)
{
  collect_bad_addrs();
  int fd = open("cpout", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(cpout) failed");
  CHECK(write(fd, "0123456789abcdef", 16) == 16, "write to cpout failed");
  close(fd);
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int probe = open("cpout", O_RDONLY);
  close(probe);
  for(int i = 0; i < nbad; i++){
    void *a = (void *)bad_addrs[i];
    fd = open("cpout", O_RDONLY);
    int n = read(fd, a, 8192);
    CHECK(n < 0, "read(file, %p, 8192): expected -1, got %d", a, n);
    CHECK(fstat(fd, a) < 0, "fstat(fd, %p): expected -1", a);
    close(fd);
    write(p[1], "y", 1);          // so the read below cannot block
    n = read(p[0], a, 8192);
    CHECK(n <= 0, "read(pipe, %p, 8192): expected -1 (or 0), got %d", a, n);
    CHECK(pipe(a) < 0, "pipe(%p): expected -1", a);
  }
  fd = open("cpout", O_RDONLY);
  CHECK(fd == probe, "a failed pipe() leaked descriptors: open returned %d, expected %d",
        fd, probe);
  // The kernel must not write into read-only text on the user's behalf.
  char *text = (char *)(uint64)t_copyout;
  char before[16];
  memmove(before, text, 16);
  int n = read(fd, text, 16);
  CHECK(n < 0, "read(file, text %p, 16): expected -1, got %d", text, n);
  CHECK(memcmp(before, text, 16) == 0, "read() modified the program text");
  close(fd);
  // wait() with a kernel status pointer: -1; the child is reaped by some wait.
  int pid = fork();
  if(pid == 0)
    exit(3);
  CHECK(wait((int *)KERNLOAD) == -1, "wait(%p): expected -1", (void *)KERNLOAD);
  int st = 0, w = wait(&st);
  CHECK(w == -1 || (w == pid && st == 3), "second wait returned %d status %d", w, st);
  close(p[0]); close(p[1]);
  CHECK(unlink("cpout") == 0, "unlink(cpout) failed");
}

static void
t_copyinstr(void)
{
  collect_bad_addrs();
  int fd = open("cisf", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(cisf) failed");
  close(fd);
  char *argv[] = { "echo", 0 };
  for(int i = 0; i < nbad; i++){
    char *a = (char *)bad_addrs[i];
    CHECK(open(a, O_RDONLY) < 0, "open(%p, O_RDONLY): expected -1", a);
    CHECK(open(a, O_CREATE | O_RDWR) < 0, "open(%p, O_CREATE): expected -1", a);
    CHECK(mkdir(a) < 0, "mkdir(%p): expected -1", a);
    CHECK(mknod(a, 1, 1) < 0, "mknod(%p): expected -1", a);
    CHECK(unlink(a) < 0, "unlink(%p): expected -1", a);
    CHECK(chdir(a) < 0, "chdir(%p): expected -1", a);
    CHECK(link(a, "cisx") < 0, "link(%p, cisx): expected -1", a);
    CHECK(link("cisf", a) < 0, "link(cisf, %p): expected -1", a);
    exec_must_fail(a, argv, "a bad path pointer");
  }
  // A name that runs into unmapped memory before its terminating NUL.
  char *page = last_heap_page();
  memset(page, 'x', PGSIZE);
  char *tail = page + PGSIZE - 20;
  CHECK(open(tail, O_CREATE | O_RDWR) < 0,
        "open of an unterminated name at the heap's end: expected -1");
  CHECK(unlink(tail) < 0 && mkdir(tail) < 0, "unlink/mkdir of an unterminated name: expected -1");
  exec_must_fail(tail, argv, "an unterminated path");
  // A name longer than MAXPATH.
  memset(buf, 'a', 200);
  buf[200] = 0;
  fd = open(buf, O_CREATE | O_RDWR);
  if(fd >= 0){
    close(fd);
    unlink("aaaaaaaaaaaaaa");
  }
  CHECK(fd < 0, "open of a 200-byte name (MAXPATH %d): expected -1", MAXPATH);
  // A valid name that straddles two pages of the heap.
  char *two = sbrk(2 * PGSIZE);
  CHECK(two != FAILED_PTR, "sbrk(2 pages) failed");
  char *name = two + PGSIZE - 3;
  strcpy(name, "cisstraddle");
  fd = open(name, O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open of a name crossing a page boundary failed");
  close(fd);
  CHECK(unlink("cisstraddle") == 0, "the straddling name did not create cisstraddle");
  CHECK(unlink("cisf") == 0, "unlink(cisf) failed");
}

// -------------------------------------------------------------------- sbrk

static void
t_sbrkgrow(void)
{
  char *start = sbrk(0);
  char *got = sbrk(1);
  CHECK(got == start, "sbrk(1) returned %p, expected the old break %p", got, start);
  *got = 'q';
  for(int i = 1; i <= 100; i++){
    char *p = sbrk(1);
    CHECK(p == start + i, "sbrk(1) #%d returned %p, expected %p", i, p, start + i);
    *p = (char)i;
  }
  for(int i = 1; i <= 100; i++)
    CHECK(start[i] == (char)i, "byte %d of the heap lost its value", i);
  CHECK(sbrk(0) == start + 101, "sbrk(0) is %p, expected %p", sbrk(0), start + 101);
  // A few megabytes: fresh pages read as zero and keep what is written.
  int len = 1024 * PGSIZE + 17;
  char *base = sbrk(len);
  CHECK(base == start + 101, "sbrk(%d) returned %p, expected %p", len, base, start + 101);
  CHECK(sbrk(0) == base + len, "break after growing is %p, expected %p", sbrk(0), base + len);
  char *page0 = (char *)PGROUNDUP((uint64)base);
  for(char *q = page0; q < base + len; q += PGSIZE)
    CHECK(*q == 0, "newly grown memory at %p is not zero", q);
  for(int off = 0; off < len; off += 509)
    base[off] = (char)(off >> 3);
  base[len - 1] = 'z';
  for(int off = 0; off < len; off += 509)
    CHECK(base[off] == (char)(off >> 3), "grown memory at offset %d lost its value", off);
  CHECK(sbrk(-len) == base + len, "sbrk(-%d) did not return the old break", len);
  CHECK(sbrk(0) == base, "break after shrinking is %p, expected %p", sbrk(0), base);
}

static void
t_sbrkhuge(void)
{
  char *page = last_heap_page();
  for(int i = 0; i < PGSIZE; i++)
    page[i] = (char)(i * 7);
  char *brk = sbrk(0);
  char *r = sbrk(1 << 30);
  CHECK(r == FAILED_PTR, "sbrk(1<<30) (more than all RAM): expected -1, got %p", r);
  CHECK(sbrk(0) == brk, "failed sbrk moved the break from %p to %p", brk, sbrk(0));
  r = sbrk(0x7fffffff);
  CHECK(r == FAILED_PTR, "sbrk(0x7fffffff): expected -1, got %p", r);
  for(int i = 0; i < PGSIZE; i++)
    CHECK(page[i] == (char)(i * 7), "heap byte %d changed after a failed sbrk", i);
  r = sbrk(4 * PGSIZE);
  CHECK(r == brk, "sbrk after a failed sbrk: expected %p, got %p", brk, r);
  r[4 * PGSIZE - 1] = 1;
}

static void
t_sbrkshrink(void)
{
  int npages = 64;
  char *start = sbrk(0);
  char *p = sbrk(npages * PGSIZE);
  CHECK(p == start, "sbrk grow returned %p, expected %p", p, start);
  for(int i = 0; i < npages; i++)
    p[i * PGSIZE] = 0x5a;
  uint64 grown = free_pages();
  char *r = sbrk(-npages * PGSIZE);
  CHECK(r == start + npages * PGSIZE, "sbrk(-%d pages) returned %p, expected %p", npages, r,
        start + npages * PGSIZE);
  CHECK(sbrk(0) == start, "break after shrinking is %p, expected %p", sbrk(0), start);
  uint64 shrunk = free_pages();
  if(grown != NOMEMINFO)
    CHECK(shrunk >= grown + npages - 1, "shrinking %d pages freed only %d pages",
          npages, (int)(shrunk - grown));
  // Growing again must hand out zeroed pages, not the old contents.
  p = sbrk(npages * PGSIZE);
  CHECK(p == start, "regrow returned %p, expected %p", p, start);
  for(char *q = (char *)PGROUNDUP((uint64)p); q < p + npages * PGSIZE; q += PGSIZE)
    CHECK(*q == 0, "regrown page at %p holds old data %d", q, *q);
  sbrk(-npages * PGSIZE);
}

static void
child_touches_freed(void)
{
  char *start = sbrk(0);
  char *p = sbrk(8 * PGSIZE);
  if(p == FAILED_PTR)
    exit(2);
  for(int i = 0; i < 8; i++)
    p[i * PGSIZE] = 1;
  sbrk(-8 * PGSIZE);
  sink = *(volatile char *)(PGROUNDUP((uint64)start) + 4 * PGSIZE);
}

static void
t_sbrkfreed(void)
{
  expect_killed(child_touches_freed, "reading heap memory given back by sbrk(-n)");
}

// Shrinking below the program: refused (-1, break unchanged) or, as on xv6,
// the program's own pages vanish and it dies. Either way the kernel lives.
static int shrink_by;

static void
child_shrinks_below(void)
{
  char *brk = sbrk(0);
  char *r = sbrk(shrink_by);
  if(r == FAILED_PTR && sbrk(0) != brk)
    exit(3);
}

static void
t_sbrkneg(void)
{
  int amounts[3];
  amounts[0] = -(int)(uint64)sbrk(0);
  amounts[1] = -(int)(uint64)sbrk(0) - 5 * PGSIZE;
  amounts[2] = -0x7fffffff;
  for(int i = 0; i < 3; i++){
    shrink_by = amounts[i];
    int st = run_child(child_shrinks_below);
    CHECK(st == 0 || st == -1, "sbrk(%d): child ended with status %d, expected 0 or -1",
          shrink_by, st);
  }
  int pid = fork();
  if(pid == 0)
    exit(0);
  CHECK(pid > 0 && wait(0) == pid, "fork/wait broken after negative sbrk");
}

// ------------------------------------------------------ faults kill the process

static void
t_readkernel(void)
{
  must_kill_read(KERNBASE);
  must_kill_read(KERNLOAD);
}

static void
t_writekernel(void)
{
  must_kill_write(KERNLOAD);
  must_kill_write(KERNBASE + 0x400000);
}

static void
t_badaddr(void)
{
  must_kill_read(0xffffffffffffffffUL);
  must_kill_read(MAXVA);
  must_kill_read(0x1000000000UL);
  must_kill_write(0x1000000000UL);
}

static void
t_trampoline(void)
{
  must_kill_read(TRAMPOLINE);
  must_kill_read(TRAPFRAME);
  must_kill_write(TRAPFRAME);
}

static int recurse(int depth);

static void
child_writes_text(void)
{
  *(volatile int *)(uint64)recurse = 0;
}

static void
t_writetext(void)
{
  expect_killed(child_writes_text, "writing to the program's text");
}

static int guard_offset;

static void
child_below_stack(void)
{
  char here;
  uint64 base = PGROUNDDOWN((uint64)&here);
  *(volatile char *)(base - guard_offset) = 1;
}

// Each frame holds 512 bytes, so a few dozen levels overrun the stack page.
static int
recurse(int depth)
{
  volatile char frame[512];
  frame[depth % 512] = (char)depth;
  if(depth == 0)
    return frame[0];
  return recurse(depth - 1) + frame[(depth * 7) % 512];
}

static void child_recurses(void) { sink = recurse(200); }

static void
t_stackguard(void)
{
  guard_offset = 1;
  expect_killed(child_below_stack, "writing the byte just below the stack page");
  guard_offset = PGSIZE;
  expect_killed(child_below_stack, "writing the bottom of the guard page");
}

static void
t_recursion(void)
{
  expect_killed(child_recurses, "recursing 100 KiB deep on a one-page stack");
}

// -------------------------------------------------------------------- exec

static void
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

static void
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

static void
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

static void
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

static void
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

static void
t_killspin(void)
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0)
    child_spins();
  sleep(2);
  CHECK(kill(pid) == 0, "kill(%d) of a spinning child: expected 0", pid);
  int st = 0;
  CHECK(wait(&st) == pid, "wait did not return the killed child");
  CHECK(st == -1, "killed child: expected status -1, got %d", st);
}

static void
t_killbad(void)
{
  CHECK(kill(99999) == -1, "kill(99999): expected -1");
  CHECK(kill(0x7ffffff0) == -1, "kill(0x7ffffff0): expected -1");
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

static void t_killpipe(void)  { kill_blocked_child(0); }
static void t_killsleep(void) { kill_blocked_child(1); }

static void
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
  pid = fork();
  if(pid == 0)
    exit(0);
  CHECK(pid > 0 && wait(0) == pid, "fork after orphaning failed");
}

// More spinners than harts: all must get to run (timer preemption), and the
// parent, sleeping in a pipe read, must get to run and kill them.
static void
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

static void
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
  int pid = fork();
  if(pid == 0)
    exit(0);
  CHECK(pid > 0 && wait(0) == pid, "fork after the process table filled up failed");
}

// Parent and child each see their own copy of memory after fork.
static void
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

static void
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

static void
t_outofmemory(void)
{
  uint64 before = free_pages();
  int st = run_child(child_eats_memory);
  CHECK(st == 0 || st == -1, "memory-eating child: status %d (2: sbrk never failed)", st);
  int pid = fork();
  if(pid == 0)
    exit(0);
  CHECK(pid > 0 && wait(0) == pid, "fork after running out of memory failed");
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

// ------------------------------------------------------------------- pipes

static uchar
pipe_byte(int i)
{
  return (uchar)(i * 13 + (i >> 8));
}

static void
t_pipedata(void)
{
  enum { TOTAL = 7000 };
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(p[0]);
    for(int sent = 0; sent < TOTAL; ){
      int n = TOTAL - sent < 97 ? TOTAL - sent : 97;
      for(int k = 0; k < n; k++)
        buf[k] = pipe_byte(sent + k);
      if(write(p[1], buf, n) != n)
        exit(2);
      sent += n;
    }
    exit(0);
  }
  close(p[1]);
  int got = 0, chunk = 1, n;
  uint sum = 0, want = 0;
  while((n = read(p[0], buf, chunk)) > 0){
    for(int k = 0; k < n; k++){
      CHECK((uchar)buf[k] == pipe_byte(got + k), "pipe byte %d: got %d, expected %d",
            got + k, (uchar)buf[k], pipe_byte(got + k));
      sum += (uchar)buf[k];
    }
    got += n;
    chunk = chunk * 3 + 1 > 1500 ? 1 : chunk * 3 + 1;
  }
  for(int i = 0; i < TOTAL; i++)
    want += pipe_byte(i);
  CHECK(got == TOTAL && sum == want, "pipe carried %d bytes (checksum %d), expected %d (%d)",
        got, sum, TOTAL, want);
  int st = 0;
  CHECK(wait(&st) == pid && st == 0, "pipe writer ended with status %d", st);
  close(p[0]);
}

static void
t_pipeclose(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  close(p[1]);
  CHECK(read(p[0], buf, 10) == 0, "read with no writers left: expected 0");
  close(p[0]);

  CHECK(pipe(p) == 0, "pipe failed");
  close(p[0]);
  CHECK(write(p[1], "x", 1) == -1, "write to a pipe with no reader: expected -1");
  close(p[1]);

  // The writer end closes when a child that held it exits.
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  if(pid == 0){
    write(p[1], "hi", 2);
    exit(0);
  }
  close(p[1]);
  CHECK(wait(0) == pid, "wait failed");
  CHECK(read(p[0], buf, 10) == 2, "data from an exited writer was lost");
  CHECK(read(p[0], buf, 10) == 0, "read after the writer exited: expected 0");
  close(p[0]);

  // A writer blocked on a full pipe wakes with an error when the reader goes.
  CHECK(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[0]);
    int n = write(p[1], buf, 8000);
    exit(n < 8000 ? 0 : 2);
  }
  close(p[1]);
  CHECK(read(p[0], buf, 10) > 0, "read from the blocked writer failed");
  sleep(1);
  close(p[0]);
  int st = 0;
  wait(&st);
  CHECK(st == 0, "writer to a closed pipe: status %d (2: it wrote everything)", st);
}

// ------------------------------------------------------ file descriptors

static void
t_fdlimit(void)
{
  int fd = open("fdl", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(fdl) failed");
  int n = 1, last = fd, fds[NOFILE];
  fds[0] = fd;
  while((fd = open("fdl", O_RDONLY)) >= 0){
    CHECK(fd < NOFILE && fd > last, "open returned fd %d after %d", fd, last);
    fds[n++] = last = fd;
  }
  CHECK(last == NOFILE - 1, "opens stopped at fd %d, expected %d (NOFILE-1)", last, NOFILE - 1);
  CHECK(dup(fds[0]) < 0, "dup with a full table: expected -1");
  int p[2];
  CHECK(pipe(p) < 0, "pipe with a full table: expected -1");
  close(fds[n - 1]);
  CHECK(pipe(p) < 0, "pipe with one free slot: expected -1");
  CHECK(open("fdl", O_RDONLY) == fds[n - 1], "the slot a failed pipe took was not freed");
  close(fds[2]);
  CHECK(dup(fds[0]) == fds[2], "dup did not take the lowest free fd %d", fds[2]);
  for(int i = 0; i < n; i++)
    CHECK(close(fds[i]) == 0, "close(%d) failed", fds[i]);
  CHECK(close(fds[0]) == -1, "closing fd %d twice: expected -1", fds[0]);
  CHECK(close(-1) == -1 && close(NOFILE) == -1, "close of an out-of-range fd: expected -1");
  CHECK(dup(NOFILE) == -1 && dup(-1) == -1, "dup of an out-of-range fd: expected -1");
  CHECK(read(fds[0], buf, 1) == -1 && write(fds[0], "x", 1) == -1,
        "read/write on a closed fd: expected -1");
  CHECK(read(NOFILE, buf, 1) == -1 && write(-1, buf, 1) == -1,
        "read/write on a bad fd: expected -1");
  struct stat st;
  CHECK(fstat(NOFILE + 5, &st) == -1, "fstat of a bad fd: expected -1");
  CHECK(unlink("fdl") == 0, "unlink(fdl) failed");
}

// Duplicated and inherited descriptors share one file offset.
static void
t_dupshare(void)
{
  int fd = open("dsh", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(dsh) failed");
  write(fd, "ab", 2);
  int fd2 = dup(fd);
  CHECK(fd2 >= 0, "dup failed");
  write(fd2, "cd", 2);
  close(fd);
  int pid = fork();
  if(pid == 0){
    write(fd2, "ef", 2);
    exit(0);
  }
  wait(0);
  write(fd2, "gh", 2);
  close(fd2);
  fd = open("dsh", O_RDONLY);
  int n = read(fd, buf, 100);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  CHECK(strcmp(buf, "abcdefgh") == 0, "file holds \"%s\", expected \"abcdefgh\"", buf);
  unlink("dsh");
}

static void
t_fileops(void)
{
  int fd = open("fo", O_CREATE | O_WRONLY);
  CHECK(fd >= 0, "open(fo, O_CREATE|O_WRONLY) failed");
  CHECK(write(fd, "hello", 5) == 5, "write failed");
  CHECK(read(fd, buf, 5) == -1, "read on a write-only fd: expected -1");
  close(fd);
  fd = open("fo", O_CREATE | O_RDONLY);
  CHECK(write(fd, "x", 1) == -1, "write on a read-only fd: expected -1");
  CHECK(read(fd, buf, 100) == 5 && memcmp(buf,
        "hello", 5) == 0, "O_CREATE of an existing file lost its data");
  CHECK(read(fd, buf, 100) == 0, "read at end of file: expected 0");
  close(fd);
  fd = open("fo", O_RDWR | O_TRUNC);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.size == 0 && st.type == T_FILE,
        "O_TRUNC left size %d", (int)st.size);
  close(fd);
  CHECK(open("no-such-file", O_RDONLY) == -1, "open of a missing file: expected -1");
  CHECK(unlink("fo") == 0, "unlink(fo) failed");
  CHECK(unlink("fo") == -1, "second unlink(fo): expected -1");
}

// --------------------------------------------------------------- file system

static void
t_unlinkopen(void)
{
  int fd = open("uo", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(uo) failed");
  write(fd, "persist", 7);
  int rd = open("uo", O_RDONLY);
  CHECK(unlink("uo") == 0, "unlink of an open file failed");
  CHECK(open("uo", O_RDONLY) < 0, "unlinked name still opens");
  struct stat st;
  CHECK(fstat(rd, &st) == 0 && st.nlink == 0, "unlinked open file: nlink %d, expected 0", st.nlink);
  CHECK(read(rd, buf, 7) == 7 && memcmp(buf,
        "persist", 7) == 0, "read of an unlinked open file failed");
  CHECK(write(fd, "more", 4) == 4, "write to an unlinked open file failed");
  CHECK(read(rd, buf, 10) == 4 && memcmp(buf,
        "more", 4) == 0, "data written after unlink not readable");
  close(fd); close(rd);
  fd = open("uo", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.size == 0, "re-created uo is not a new empty file");
  close(fd);
  unlink("uo");
}

static uchar big_byte(int block, int i) { return (uchar)((block * 31 + i) % 251); }

static void
t_bigfile(void)
{
  int fd = open("bigf", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(bigf) failed");
  for(int b = 0; b < MAXFILE; b++){
    for(int i = 0; i < BSIZE; i++)
      buf[i] = big_byte(b, i);
    int n = write(fd, buf, BSIZE);
    if(n != BSIZE){ close(fd); unlink("bigf"); }
    CHECK(n == BSIZE, "write of block %d of %d returned %d", b, (int)MAXFILE, n);
  }
  int n = write(fd, buf, 1);
  struct stat st;
  fstat(fd, &st);
  close(fd);
  CHECK(n <= 0, "write past MAXFILE blocks: expected -1, got %d", n);
  CHECK(st.size == MAXFILE * BSIZE, "size %d, expected %d", (int)st.size, (int)(MAXFILE * BSIZE));
  fd = open("bigf", O_RDONLY);
  for(int b = 0; b < MAXFILE; b++){
    CHECK(read(fd, buf, BSIZE) == BSIZE, "read of block %d failed", b);
    for(int i = 0; i < BSIZE; i++)
      CHECK((uchar)buf[i] == big_byte(b, i), "block %d byte %d wrong", b, i);
  }
  CHECK(read(fd, buf, 1) == 0, "read past the end: expected 0");
  close(fd);
  CHECK(unlink("bigf") == 0, "unlink(bigf) failed");
}

static void
t_bigdir(void)
{
  enum { NLINK = 250 };
  char name[32];
  CHECK(mkdir("bdd") == 0, "mkdir(bdd) failed");
  int fd = open("bdd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(bdd/f) failed");
  close(fd);
  for(int i = 0; i < NLINK; i++)
    CHECK(link("bdd/f", mkname(name, "bdd/l", i)) == 0, "link #%d failed", i);
  struct stat st, s2;
  CHECK(stat("bdd/f", &st) == 0 && st.nlink == NLINK + 1,
        "nlink %d, expected %d", st.nlink, NLINK + 1);
  for(int i = 0; i < NLINK; i++){
    mkname(name, "bdd/l", i);
    CHECK(stat(name, &s2) == 0 && s2.ino == st.ino, "%s does not name bdd/f", name);
    CHECK(unlink(name) == 0, "unlink(%s) failed", name);
  }
  CHECK(stat("bdd/f", &st) == 0 && st.nlink == 1, "nlink %d after unlinking, expected 1", st.nlink);
  CHECK(unlink("bdd/f") == 0 && unlink("bdd") == 0, "cleanup of bdd failed");
}

// Several children create and unlink files in one directory at once.
static void
t_concreate(void)
{
  enum { NCHILD = 4, NPER = 16 };
  char name[16];
  CHECK(mkdir("ccd") == 0 && chdir("ccd") == 0, "mkdir/chdir ccd failed");
  for(int c = 0; c < NCHILD; c++){
    if(fork() == 0){
      for(int j = 0; j < NPER; j++){
        int fd = open(mkname(name, "f", c * 100 + j), O_CREATE | O_RDWR);
        if(fd < 0)
          exit(1);
        char data[2] = { c, j };
        write(fd, data, 2);
        close(fd);
        if((j & 1) && unlink(name) != 0)
          exit(2);
      }
      int fd = open("same", O_CREATE | O_RDWR);   // all children, one name
      exit(fd < 0 ? 3 : 0);
    }
  }
  for(int c = 0; c < NCHILD; c++){
    int st = -1;
    wait(&st);
    CHECK(st == 0, "creating child failed with status %d", st);
  }
  for(int c = 0; c < NCHILD; c++)
    for(int j = 0; j < NPER; j++){
      int fd = open(mkname(name, "f", c * 100 + j), O_RDONLY);
      CHECK((fd >= 0) == !(j & 1), "%s: %s", name, (j & 1) ? "unlinked but present" : "missing");
      if(fd >= 0){
        CHECK(read(fd, buf, 10) == 2 && buf[0] == c && buf[1] == j, "%s has wrong contents", name);
        close(fd);
      }
    }
  // Now all race to unlink every name: exactly one unlink of each succeeds.
  for(int c = 0; c < NCHILD; c++){
    if(fork() == 0){
      int wins = unlink("same") == 0;
      for(int k = 0; k < NCHILD * NPER; k += 2)
        wins += unlink(mkname(name, "f", (k / NPER) * 100 + k % NPER)) == 0;
      exit(wins);
    }
  }
  int total = 0;
  for(int c = 0; c < NCHILD; c++){
    int st = 0;
    wait(&st);
    total += st;
  }
  CHECK(total == NCHILD * NPER / 2 + 1,
        "%d unlinks succeeded, expected %d", total, NCHILD * NPER / 2 + 1);
  CHECK(chdir("..") == 0 && unlink("ccd") == 0, "ccd not empty after all unlinks");
}

// Children link, unlink and create the same few names at random.
static void
t_linkrace(void)
{
  enum { NNAME = 6, NCHILD = 4 };
  char a[8], b[8];
  CHECK(mkdir("lrd") == 0 && chdir("lrd") == 0, "mkdir/chdir lrd failed");
  for(int c = 0; c < NCHILD; c++){
    if(fork() != 0)
      continue;
    uint seed = c * 7919 + 17;
    for(int it = 0; it < 120; it++){
      seed = seed * 1103515245 + 12345;
      uint r = seed >> 8;
      mkname(a, "n", r % NNAME);
      mkname(b, "n", (r / NNAME) % NNAME);
      int fd, op = (r / (NNAME * NNAME)) % 4;
      struct stat st;
      if(op == 0 && (fd = open(a, O_CREATE | O_RDWR)) >= 0){
        write(fd, "data", 4);
        close(fd);
      } else if(op == 1){
        link(a, b);
      } else if(op == 2){
        unlink(a);
      } else if(op == 3 && (fd = open(a, O_RDONLY)) >= 0){
        if(fstat(fd, &st) < 0 || st.type != T_FILE)
          exit(1);
        close(fd);
      }
    }
    exit(0);
  }
  for(int c = 0; c < NCHILD; c++){
    int st = -1;
    wait(&st);
    CHECK(st == 0, "racing child saw a non-file (status %d)", st);
  }
  // Each surviving inode's nlink must equal the names that lead to it.
  uint ino[NNAME];
  struct stat st;
  for(int i = 0; i < NNAME; i++)
    ino[i] = stat(mkname(a, "n", i), &st) == 0 ? st.ino : 0;
  for(int i = 0; i < NNAME; i++){
    if(ino[i] == 0)
      continue;
    int names = 0;
    for(int j = 0; j < NNAME; j++)
      names += ino[j] == ino[i];
    stat(mkname(a, "n", i), &st);
    CHECK(st.type == T_FILE && st.nlink == names,
          "%s: type %d nlink %d, expected a file with nlink %d",
          a, st.type, st.nlink, names);
  }
  for(int i = 0; i < NNAME; i++)
    if(ino[i])
      CHECK(unlink(mkname(a, "n", i)) == 0, "unlink(%s) failed", a);
  CHECK(chdir("..") == 0 && unlink("lrd") == 0, "lrd not empty after cleanup");
}

static void
t_mkdirchdir(void)
{
  CHECK(mkdir("mcd") == 0, "mkdir(mcd) failed");
  CHECK(mkdir("mcd") == -1, "mkdir of an existing directory: expected -1");
  int fd = open("mcd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(mcd/f) failed");
  write(fd, "F", 1);
  close(fd);
  CHECK(mkdir("mcd/f/g") == -1, "mkdir under a file: expected -1");
  CHECK(open("mcd/f/g", O_CREATE | O_RDWR) == -1, "create under a file: expected -1");
  CHECK(chdir("mcd/f") == -1, "chdir into a file: expected -1");
  CHECK(chdir("no-such-dir") == -1, "chdir into a missing directory: expected -1");
  CHECK(chdir("mcd") == 0, "chdir(mcd) failed");
  CHECK(mkdir("sub") == 0 && chdir("sub") == 0, "mkdir/chdir sub failed");
  char *relative[] = { "../f", "./../f", "../../mcd/f", "../sub/../f", ".././f" };
  for(int i = 0; i < 5; i++){
    fd = open(relative[i], O_RDONLY);
    CHECK(fd >= 0, "open(%s) from mcd/sub failed", relative[i]);
    CHECK(read(fd, buf, 4) == 1 && buf[0] == 'F', "%s read wrong data", relative[i]);
    close(fd);
  }
  CHECK(chdir("../..") == 0, "chdir(../..) failed");
  CHECK(unlink("mcd/sub") == 0 && unlink("mcd/f") == 0 && unlink("mcd") == 0,
        "cleanup of mcd failed");
}

static void
t_dotdot(void)
{
  struct stat root, up, here, dir;
  CHECK(stat("/", &root) == 0 && root.type == T_DIR, "stat(/) failed or not a directory");
  CHECK(stat("/..", &up) == 0 && up.ino == root.ino, "/.. is not /");
  CHECK(stat("/.", &here) == 0 && here.ino == root.ino, "/. is not /");
  CHECK(stat(".", &here) == 0 && here.type == T_DIR, "stat(.) failed");
  CHECK(mkdir("ddt") == 0 && mkdir("ddt/in") == 0, "mkdir ddt/in failed");
  CHECK(stat("ddt", &dir) == 0, "stat(ddt) failed");
  CHECK(stat("ddt/.", &here) == 0 && here.ino == dir.ino, "ddt/. is not ddt");
  CHECK(stat("ddt/in/..", &up) == 0 && up.ino == dir.ino, "ddt/in/.. is not ddt");
  CHECK(stat("ddt/in/../in/./..", &up) == 0 && up.ino == dir.ino, "ddt/in/../in/./.. is not ddt");
  CHECK(dir.nlink >= 2, "directory ddt has nlink %d", dir.nlink);
  CHECK(unlink("ddt/in") == 0 && unlink("ddt") == 0, "cleanup of ddt failed");
}

static void
t_rmdirfull(void)
{
  CHECK(mkdir("rmd") == 0, "mkdir(rmd) failed");
  int fd = open("rmd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(rmd/f) failed");
  close(fd);
  CHECK(unlink("rmd") == -1, "unlink of a non-empty directory: expected -1");
  CHECK(unlink("rmd/.") == -1, "unlink(rmd/.): expected -1");
  CHECK(unlink("rmd/..") == -1, "unlink(rmd/..): expected -1");
  CHECK(link("rmd", "rmd2") == -1, "link of a directory: expected -1");
  CHECK(open("rmd/f", O_RDONLY) >= 0, "rmd/f vanished");
  CHECK(unlink("rmd/f") == 0, "unlink(rmd/f) failed");
  CHECK(unlink("rmd") == 0, "unlink of the emptied directory failed");
  struct stat st;
  CHECK(stat("rmd", &st) == -1, "rmd still exists");
}

static void
t_opendirwrite(void)
{
  CHECK(mkdir("odw") == 0, "mkdir(odw) failed");
  CHECK(open("odw", O_WRONLY) == -1, "open(dir, O_WRONLY): expected -1");
  CHECK(open("odw", O_RDWR) == -1, "open(dir, O_RDWR): expected -1");
  CHECK(open("odw", O_CREATE | O_RDWR) == -1, "open(dir, O_CREATE|O_RDWR): expected -1");
  CHECK(open("/", O_RDWR) == -1, "open(/, O_RDWR): expected -1");
  int fd = open("odw", O_RDONLY);
  CHECK(fd >= 0, "open(dir, O_RDONLY) failed");
  CHECK(write(fd, "x", 1) == -1, "write to a directory fd: expected -1");
  close(fd);
  CHECK(unlink("odw") == 0, "unlink(odw) failed");
}

// Fill the disk with files of MAXFILE blocks until a write fails; return the
// number of blocks written. Leaves the files in dfd/.
static int
fill_disk(int *nfiles)
{
  char name[16];
  int blocks = 0;
  memset(buf, 'd', BSIZE);
  for(*nfiles = 0; *nfiles < 100; ){
    int fd = open(mkname(name, "dfd/f", *nfiles), O_CREATE | O_RDWR);
    if(fd < 0)
      return blocks;
    (*nfiles)++;
    for(int b = 0; b < MAXFILE; b++, blocks++)
      if(write(fd, buf, BSIZE) != BSIZE){
        close(fd);
        return blocks;
      }
    close(fd);
  }
  return -1;
}

static void
empty_disk(int nfiles)
{
  char name[16];
  for(int i = 0; i < nfiles; i++)
    CHECK(unlink(mkname(name, "dfd/f", i)) == 0, "unlink(%s) failed", name);
}

static void
disk_check_usable(void)
{
  int fd = open("dfd/ok", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create after freeing the disk failed");
  for(int b = 0; b < 20; b++)
    CHECK(write(fd, buf, BSIZE) == BSIZE, "write %d after freeing the disk failed", b);
  close(fd);
  CHECK(unlink("dfd/ok") == 0 && unlink("dfd") == 0, "cleanup of dfd failed");
}

static void
t_diskfull(void)
{
  int nfiles;
  CHECK(mkdir("dfd") == 0, "mkdir(dfd) failed");
  int blocks = fill_disk(&nfiles);
  CHECK(blocks >= 0, "wrote 100 files of MAXFILE blocks without filling the disk");
  empty_disk(nfiles);
  CHECK(blocks > 0, "no block could be written (disk already full?)");
  disk_check_usable();
}

// Fill twice: the second time at least as many blocks fit (none leaked).
static void
t_diskrefill(void)
{
  int n1, n2;
  CHECK(mkdir("dfd") == 0, "mkdir(dfd) failed");
  int first = fill_disk(&n1);
  empty_disk(n1);
  int second = fill_disk(&n2);
  empty_disk(n2);
  CHECK(first > 0 && second >= first,
        "first fill %d blocks, second %d: blocks leaked", first, second);
  disk_check_usable();
}

static void
t_noinodes(void)
{
  char name[16];
  int n = 0;
  CHECK(mkdir("ind") == 0 && chdir("ind") == 0, "mkdir/chdir ind failed");
  for(;;){
    int fd = open(mkname(name, "i", n), O_CREATE | O_RDWR);
    if(fd < 0)
      break;
    close(fd);
    CHECK(++n < 5000, "created 5000 files without running out of inodes");
  }
  CHECK(n > 0, "could not create a single file");
  for(int i = 0; i < n; i++)
    CHECK(unlink(mkname(name, "i", i)) == 0, "unlink(%s) failed", name);
  int fd = open("again", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create after freeing the inodes failed");
  close(fd);
  CHECK(unlink("again") == 0 && chdir("..") == 0 && unlink("ind") == 0, "cleanup of ind failed");
}

// ------------------------------------------------------- copy-on-write fork
// fork shares the parent's pages read-only and copies one only when someone
// stores to it (or just makes it writable again when nobody else holds it).
// These tests fail on a kernel that copies at fork: cowbig, cowoom and
// cowexec because the fork runs out of memory or costs too many pages, and
// cowcounters because the counters in meminfo never move.

static uint64 settled_free_pages(uint64 expect);

static void
cow_meminfo(struct meminfo *mi)
{
  CHECK(meminfo(mi) == 0, "meminfo: expected 0, got -1");
}

static uint64
cow_free(void)
{
  struct meminfo mi;
  cow_meminfo(&mi);
  return mi.free_pages;
}

// The word each heap page of a cow test holds, so a page seen through the
// wrong process (or lost in a copy) is told apart from the right one.
static uint64
cow_tag(int page, int who)
{
  return ((uint64)who << 32) | (uint64)(page * 2654435761U);
}

// Grow the heap by npages page-aligned pages and store cow_tag(i, 0) at the
// start of each (so each is really there before the fork). *oldbrk gets
// the break to shrink back to.
static char *
cow_heap(int npages, char **oldbrk)
{
  *oldbrk = sbrk(0);
  uint64 cur = (uint64)*oldbrk;
  if(PGROUNDUP(cur) != cur)
    CHECK(sbrk(PGROUNDUP(cur) - cur) != FAILED_PTR, "sbrk to a page boundary failed");
  char *heap = sbrk(npages * PGSIZE);
  CHECK(heap != FAILED_PTR, "sbrk(%d pages) for the shared heap failed", npages);
  for(int i = 0; i < npages; i++)
    *(uint64 *)(heap + (uint64)i * PGSIZE) = cow_tag(i, 0);
  return heap;
}

static void
cow_shrink(char *oldbrk)
{
  sbrk(-(int)(sbrk(0) - oldbrk));
  CHECK(sbrk(0) == oldbrk, "break %p after shrinking, expected %p", sbrk(0), oldbrk);
}

static uint64 *
cow_word(char *heap, int page)
{
  return (uint64 *)(heap + (uint64)page * PGSIZE);
}

// Index of the first byte in p[0..len) that is not want, or -1.
static int
cow_mismatch(volatile char *p, int len, char want)
{
  for(int i = 0; i < len; i++)
    if(p[i] != want)
      return i;
  return -1;
}

// Child i of cowbig: check and overwrite a few pages spread over the heap,
// wait until every sibling exists, then check its own writes again.
static void
cowbig_child(char *heap, int npages, int me, int gate_rd)
{
  enum { NWRITE = 4 };
  int pages[NWRITE];
  for(int k = 0; k < NWRITE; k++){
    pages[k] = (int)(((uint64)me * 7919 + (uint64)k * 1543 + 11) % npages);
    uint64 *w = cow_word(heap, pages[k]);
    CHECK(*w == cow_tag(pages[k], 0) || *w == cow_tag(pages[k], me + 1),
          "child %d: heap page %d holds %lx before its write, expected %lx",
          me, pages[k], *w, cow_tag(pages[k], 0));
    *w = cow_tag(pages[k], me + 1);
  }
  char c;
  read(gate_rd, &c, 1);              // 0 once the parent closes the gate
  for(int k = 0; k < NWRITE; k++)
    CHECK(*cow_word(heap, pages[k]) == cow_tag(pages[k], me + 1),
          "child %d: its write to heap page %d was lost", me, pages[k]);
  exit(0);
}

// Fork ten times while 60% of free memory sits in the heap: a fork that
// copied would need more pages than are left.
static void
t_cowbig(void)
{
  enum { NFORK = 10 };
  int npages = (int)(cow_free() * 6 / 10);
  char *oldbrk;
  char *heap = cow_heap(npages, &oldbrk);
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int i = 0; i < NFORK; i++){
    int pid = fork();
    CHECK(pid >= 0, "fork %d of %d with %d pages (60%% of free memory) in the heap: "
          "expected it to succeed by sharing, got -1 (%d pages free)",
          i + 1, NFORK, npages, (int)cow_free());
    if(pid == 0){
      close(gate[1]);
      cowbig_child(heap, npages, i, gate[0]);
    }
  }
  close(gate[1]);
  for(int i = 0; i < NFORK; i++){
    int st = -5;
    CHECK(wait(&st) > 0 && st == 0, "child %d of %d: expected status 0, got %d", i + 1, NFORK, st);
  }
  close(gate[0]);
  for(int i = 0; i < npages; i++)
    CHECK(*cow_word(heap, i) == cow_tag(i, 0), "parent: heap page %d holds %lx, expected %lx "
          "(a child's write leaked into the parent)", i, *cow_word(heap, i), cow_tag(i, 0));
  cow_shrink(oldbrk);
}

// Process who (0 parent, 1 and 2 children) fills its own byte range of the
// shared region; neighbouring ranges overlap by three pages and do not start
// on page boundaries. Then it checks every byte of the region.
static void
cowoverlap_round(char *region, int len, int who)
{
  int lo = who * 3 * PGSIZE + 100 * who + 50;
  int hi = lo + 6 * PGSIZE + 77;
  char mine = 'A' + who;
  for(int pass = 0; pass < 2; pass++)          // even pages, then odd ones
    for(int i = lo; i < hi; i++)
      if((i / PGSIZE) % 2 == pass)
        region[i] = mine;
  int bad;
  bad = cow_mismatch(region, lo, '.');
  CHECK(bad < 0, "process %d: byte %d before its range holds '%c', expected '.'",
        who, bad, region[bad]);
  bad = cow_mismatch(region + lo, hi - lo, mine);
  CHECK(bad < 0, "process %d: byte %d of its range holds '%c', expected '%c'",
        who, lo + bad, region[lo + bad], mine);
  bad = cow_mismatch(region + hi, len - hi, '.');
  CHECK(bad < 0, "process %d: byte %d after its range holds '%c', expected '.'",
        who, hi + bad, region[hi + bad]);
}

static void
t_cowoverlap(void)
{
  enum { NPAGE = 13 };
  int len = NPAGE * PGSIZE;
  char *oldbrk;
  char *region = cow_heap(NPAGE, &oldbrk);
  memset(region, '.', len);
  int gate[2], pids[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int who = 1; who <= 2; who++){
    pids[who - 1] = fork();
    CHECK(pids[who - 1] >= 0, "fork failed");
    if(pids[who - 1] == 0){
      char c;
      close(gate[1]);
      read(gate[0], &c, 1);          // all three start writing together
      cowoverlap_round(region, len, who);
      exit(0);
    }
  }
  close(gate[1]);
  cowoverlap_round(region, len, 0);
  for(int k = 0; k < 2; k++){
    int st = -5;
    int w = wait(&st);
    CHECK(st == 0, "child %d (pid %d): expected status 0, got %d", w == pids[0] ? 1 : 2, w, st);
  }
  cowoverlap_round(region, len, 0);
  close(gate[0]);
  cow_shrink(oldbrk);
}

static int cow_data = 7;      // in .data: shared after fork like the heap

// Writes to heap, data and stack after fork stay in the process that made
// them; the pipes make each side look only after the other has written.
static void
t_cowisolation(void)
{
  int p2c[2], c2p[2];
  CHECK(pipe(p2c) == 0 && pipe(c2p) == 0, "pipe failed");
  char *page = last_heap_page();
  memset(page, 'a', PGSIZE);
  cow_data = 100;
  volatile int on_stack = 1000;
  char c;
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    CHECK(read(p2c[0], &c, 1) == 1, "child: no word from the parent");
    int bad = cow_mismatch(page, PGSIZE, 'a');
    CHECK(bad < 0, "child: heap byte %d is '%c' after the parent wrote its copy, expected 'a'",
          bad, page[bad]);
    CHECK(cow_data == 100, "child: data word is %d after the parent wrote its copy, expected 100",
          cow_data);
    CHECK(on_stack == 1000, "child: stack word is %d, expected 1000", on_stack);
    memset(page, 'c', PGSIZE);
    cow_data = 300;
    on_stack = 3000;
    write(c2p[1], "c", 1);
    CHECK(read(p2c[0], &c, 1) == 1, "child: no second word from the parent");
    bad = cow_mismatch(page, PGSIZE, 'c');
    CHECK(bad < 0, "child: heap byte %d is '%c' after the parent wrote again, expected 'c'",
          bad, page[bad]);
    CHECK(cow_data == 300 && on_stack == 3000, "child: data %d stack %d, expected 300 3000",
          cow_data, on_stack);
    exit(0);
  }
  memset(page, 'p', PGSIZE);
  cow_data = 200;
  on_stack = 2000;
  write(p2c[1], "p", 1);
  CHECK(read(c2p[0], &c, 1) == 1, "parent: no word from the child");
  int bad = cow_mismatch(page, PGSIZE, 'p');
  CHECK(bad < 0, "parent: heap byte %d is '%c' after the child wrote its copy, expected 'p'",
        bad, page[bad]);
  CHECK(cow_data == 200 && on_stack == 2000,
        "parent: data %d stack %d after the child wrote its copies, expected 200 2000",
        cow_data, on_stack);
  memset(page, 'q', PGSIZE);
  write(p2c[1], "q", 1);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  bad = cow_mismatch(page, PGSIZE, 'q');
  CHECK(bad < 0, "parent: heap byte %d is '%c' after the child exited, expected 'q'",
        bad, page[bad]);
  close(p2c[0]); close(p2c[1]); close(c2p[0]); close(c2p[1]);
}

enum { COWPIPE_LEN = 300 };

static char
cowpipe_byte(int i, int who)
{
  return (char)('A' + who * 20 + i % 19);
}

// read() exactly COWPIPE_LEN bytes from fd into dst, in as many calls as the
// pipe needs; the kernel writes into a page that is still copy-on-write.
static void
cowpipe_fill(int fd, char *dst, char *who)
{
  for(int got = 0; got < COWPIPE_LEN; ){
    int n = read(fd, dst + got, COWPIPE_LEN - got);
    CHECK(n > 0, "%s: read() into a copy-on-write buffer returned %d after %d of %d bytes",
          who, n, got, COWPIPE_LEN);
    got += n;
  }
}

// Check the two heap pages: the window holds who's message (or 'o' when
// who < 0), everything else still 'o'.
static void
cowpipe_check(char *pages, int off, int who, char *name)
{
  for(int i = 0; i < 2 * PGSIZE; i++){
    int in = i >= off && i < off + COWPIPE_LEN;
    char want = in && who >= 0 ? cowpipe_byte(i - off, who) : 'o';
    CHECK(pages[i] == want, "%s: buffer byte %d is '%c', expected '%c'", name, i, pages[i], want);
  }
}

static void
cowpipe_send(int fd, int who)
{
  char msg[COWPIPE_LEN];
  for(int i = 0; i < COWPIPE_LEN; i++)
    msg[i] = cowpipe_byte(i, who);
  CHECK(write(fd, msg, COWPIPE_LEN) == COWPIPE_LEN, "write of %d bytes to a pipe failed",
        COWPIPE_LEN);
}

// A heap buffer straddling two pages, filled before fork. The child, then
// the parent, read() from a pipe into it; neither sees the other's data.
static void
t_cowpipe(void)
{
  int tochild[2], toparent[2];
  CHECK(pipe(tochild) == 0 && pipe(toparent) == 0, "pipe failed");
  char *oldbrk;
  char *pages = cow_heap(2, &oldbrk);
  memset(pages, 'o', 2 * PGSIZE);
  int off = PGSIZE - 100;
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    cowpipe_fill(tochild[0], pages + off, "child");
    cowpipe_check(pages, off, 1, "child after its read");
    write(toparent[1], "r", 1);      // the parent may look at its buffer now
    cowpipe_send(toparent[1], 2);
    char c = 0;
    CHECK(read(tochild[0], &c, 1) == 1 && c == 'd', "child: no final word from the parent");
    cowpipe_check(pages, off, 1, "child after the parent's read");
    exit(0);
  }
  cowpipe_send(tochild[1], 1);
  char c = 0;
  CHECK(read(toparent[0], &c, 1) == 1 && c == 'r', "parent: the child never read its message");
  cowpipe_check(pages, off, -1, "parent after the child's read");
  cowpipe_fill(toparent[0], pages + off, "parent");
  cowpipe_check(pages, off, 2, "parent after its read");
  write(tochild[1], "d", 1);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  cowpipe_check(pages, off, 2, "parent after the child exited");
  close(tochild[0]); close(tochild[1]); close(toparent[0]); close(toparent[1]);
  cow_shrink(oldbrk);
}

__attribute__((noinline)) static int
text_probe(int x)
{
  return x * 5 + 3;
}

// Called through a pointer the compiler cannot see through, so the call
// really runs the bytes in the text page.
static int (*volatile text_probe_ptr)(int) = text_probe;

// Text is shared after fork but is not copy-on-write: neither a store nor
// a kernel write through read() may give the child a writable copy.
static void
t_cowtext(void)
{
  char *text = (char *)(uint64)text_probe;
  char before[32];
  memmove(before, text, sizeof(before));
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    sink = text[0];
    write(p[1], "0123456789abcdef0123456789abcdef", 32);
    int n = read(p[0], text, 32);
    if(n > 0 || memcmp(text, before, sizeof(before)) != 0){
      printf("child: read() into its text after fork returned %d, expected -1 (or 0)\n", n);
      exit(3);
    }
    *(volatile int *)text = 0;
    exit(2);
  }
  int st = 0;
  CHECK(wait(&st) == pid, "wait did not return the child");
  CHECK(st == -1, "child storing to its text after fork: expected it killed (status -1), "
        "got %d (2: the store worked, 3: read() wrote the text)", st);
  CHECK(memcmp(text, before, sizeof(before)) == 0, "parent: its text changed after the child's store");
  int r = text_probe_ptr(4);
  CHECK(r == 23, "parent: text_probe(4) returned %d after the child's store, expected 23", r);
  close(p[0]); close(p[1]);
}

// Child i of cowoom writes every page of the heap the parent still shares.
// Copies of all of it do not fit, so the kernel must kill it on the way.
static void
cowoom_child(char *heap, int npages, int me, int gate_rd)
{
  char c;
  read(gate_rd, &c, 1);
  for(int i = 0; i < npages; i++)
    *cow_word(heap, i) = cow_tag(i, me + 1);
  for(int i = 0; i < npages; i++)
    if(*cow_word(heap, i) != cow_tag(i, me + 1))
      exit(2);
  exit(0);
}

// Out of memory in a copy-on-write fault kills the faulting process only,
// leaks no page, and leaves the kernel running.
static void
t_cowoom(void)
{
  enum { NCHILD = 4 };
  int npages = (int)(cow_free() * 7 / 10);     // two copies do not fit
  char *oldbrk;
  char *heap = cow_heap(npages, &oldbrk);
  uint64 start = cow_free();
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int i = 0; i < NCHILD; i++){
    int pid = fork();
    CHECK(pid >= 0, "fork %d of %d with %d pages (70%% of free memory) in the heap: "
          "expected it to succeed by sharing, got -1", i + 1, NCHILD, npages);
    if(pid == 0){
      close(gate[1]);
      cowoom_child(heap, npages, i, gate[0]);
    }
  }
  // Each fork shared the stack again. Copy it now, while memory is still
  // plentiful: this process must not fault while the children use it up.
  volatile int touch = 1;
  touch++;
  close(gate[1]);
  int killed = 0, done = 0;
  for(int i = 0; i < NCHILD; i++){
    int st = -5;
    CHECK(wait(&st) > 0, "wait for child %d of %d failed", i + 1, NCHILD);
    CHECK(st == 0 || st == -1, "child writing %d shared pages: expected status 0 or -1 "
          "(killed out of memory), got %d", npages, st);
    killed += st == -1;
    done += st == 0;
  }
  close(gate[0]);
  CHECK(killed >= 1, "none of %d children writing %d shared pages was killed "
        "(%d finished): memory was never short", NCHILD, npages, done);
  uint64 after = settled_free_pages(start);
  CHECK(after >= start, "free pages: %d before the forks, %d after all children were reaped",
        (int)start, (int)after);
  for(int i = 0; i < npages; i += 97)
    CHECK(*cow_word(heap, i) == cow_tag(i, 0), "parent: heap page %d changed by a child", i);
  int pid = fork();
  if(pid == 0)
    exit(0);
  CHECK(pid > 0 && wait(0) == pid, "fork after the out-of-memory children failed");
  cow_shrink(oldbrk);
}

static char *cow_echo_argv[] = { "echo", 0 };   // in .data: built before fork

// A fork followed at once by exec copies nothing the child had: exec drops
// its shares, so the parent's later writes only make pages writable again.
// Two copies are allowed. The parent's first store to its stack after fork
// (meminfo's record) comes while the child, held at the gate, still shares
// that page; and a kernel may make the heap page the child names as read()'s
// buffer writable (a copy) before it finds the pipe empty. The child itself
// stores nothing between fork and exec (checked in usertests.asm).
static void
t_cowexec(void)
{
  enum { NPAGE = 256 };
  char *oldbrk;
  char *heap = cow_heap(NPAGE, &oldbrk);
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  struct meminfo m0, m1, m2, m3;
  cow_meminfo(&m0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(gate[1]);
    read(gate[0], heap, 1);          // returns 0, copying nothing, when the gate closes
    close(1);                        // echo prints an empty line: keep it off the console
    exec("/echo", cow_echo_argv);
    exit(43);
  }
  cow_meminfo(&m1);                  // the child is held at the gate
  close(gate[1]);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: exec /echo ended with status %d, expected 0 "
        "(43: exec failed)", st);
  close(gate[0]);
  cow_meminfo(&m2);
  for(int i = 0; i < NPAGE; i++)
    *cow_word(heap, i) = cow_tag(i, 1);
  cow_meminfo(&m3);
  int cost = (int)(m0.free_pages - m1.free_pages);
  CHECK(cost < NPAGE / 2, "fork of a process with %d heap pages took %d free pages "
        "(%d before, %d after): expected far fewer (pages shared, not copied)",
        NPAGE, cost, (int)m0.free_pages, (int)m1.free_pages);
  CHECK(m3.cow_copied - m0.cow_copied <= 2, "cow_copied rose by %d across fork+exec and the "
        "parent rewriting its heap (%d -> %d -> %d): expected at most 2",
        (int)(m3.cow_copied - m0.cow_copied), (int)m0.cow_copied, (int)m2.cow_copied,
        (int)m3.cow_copied);
  CHECK(m3.cow_reclaimed - m2.cow_reclaimed >= NPAGE, "parent rewriting %d heap pages after "
        "the child exec'd: cow_reclaimed rose by %d, expected at least %d",
        NPAGE, (int)(m3.cow_reclaimed - m2.cow_reclaimed), NPAGE);
  CHECK(m3.free_pages >= m2.free_pages, "parent rewriting its heap after the child exec'd "
        "took %d pages, expected 0", (int)(m2.free_pages - m3.free_pages));
  cow_shrink(oldbrk);
}

// The counters: a child's store to a shared page is a fault and a copy; the
// parent's store to the same page once the child is gone is a reclaim.
static void
t_cowcounters(void)
{
  volatile char *page = last_heap_page();
  page[0] = 1;
  struct meminfo m0, m1, m2;
  cow_meminfo(&m0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    page[0] = 2;
    exit(page[0] == 2 ? 0 : 2);
  }
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  cow_meminfo(&m1);
  CHECK(page[0] == 1, "parent sees %d in the heap page after the child wrote 2, expected 1",
        page[0]);
  CHECK(m1.cow_faults > m0.cow_faults, "cow_faults %d -> %d across a fork whose child wrote "
        "a shared page: expected an increase", (int)m0.cow_faults, (int)m1.cow_faults);
  CHECK(m1.cow_copied > m0.cow_copied, "cow_copied %d -> %d across a fork whose child wrote "
        "a page the parent shared: expected an increase", (int)m0.cow_copied, (int)m1.cow_copied);
  page[0] = 3;                       // the child is gone: the page is the parent's alone
  cow_meminfo(&m2);
  CHECK(m2.cow_reclaimed > m1.cow_reclaimed, "cow_reclaimed %d -> %d when the parent wrote a "
        "page nobody else holds: expected an increase", (int)m1.cow_reclaimed,
        (int)m2.cow_reclaimed);
  CHECK(m2.cow_copied == m1.cow_copied, "cow_copied %d -> %d when the parent wrote a page "
        "nobody else holds: expected no copy", (int)m1.cow_copied, (int)m2.cow_copied);
  CHECK(m2.free_pages >= m1.free_pages, "the reclaim took %d free pages, expected 0",
        (int)(m1.free_pages - m2.free_pages));
  CHECK(page[0] == 3, "parent's store of 3 reads back as %d", page[0]);
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
  { "killbad", t_killbad, 1, 1 },       { "killpipe", t_killpipe, 1, 1 },
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
  { "outofmemory", t_outofmemory, 1, 1 },
  { "cowbig", t_cowbig, 1, 1 },         { "cowoverlap", t_cowoverlap, 1, 1 },
  { "cowisolation", t_cowisolation, 1, 1 }, { "cowpipe", t_cowpipe, 1, 1 },
  { "cowtext", t_cowtext, 1, 1 },       { "cowoom", t_cowoom, 1, 1 },
  { "cowexec", t_cowexec, 1, 1 },       { "cowcounters", t_cowcounters, 1, 1 },
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
static uint64
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

int
main(int argc, char *argv[])
{
  int quick_only = 0;
  char *only = 0;
  if(argc == 2 && strcmp(argv[1], "-l") == 0){
    for(int i = 0; i < NTESTS; i++)
      printf("%s %s\n", tests[i].name, tests[i].quick ? "quick" : "slow");
    exit(0);
  }
  if(argc == 2 && strcmp(argv[1], "-q") == 0)
    quick_only = 1;
  else if(argc == 2)
    only = argv[1];
  else if(argc > 2){
    printf("usage: usertests [-q | -l | NAME]\n");
    exit(1);
  }
  warm_up();
  uint64 start = free_pages();
  printf("usertests starting\n");
  int ran = 0, failed = 0;
  for(int i = 0; i < NTESTS; i++){
    if((only && strcmp(only, tests[i].name) != 0) || (quick_only && !tests[i].quick))
      continue;
    ran++;
    failed += !run_test(&tests[i]);
  }
  if(ran == 0){
    printf("usertests: no test named %s\n", only);
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
