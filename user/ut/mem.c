// ut/mem.c: usertests on memory: system calls given bad pointers (copyin,
// copyout, strings), sbrk growing and shrinking the heap, and faults that
// must kill only the faulting process (kernel addresses, the trampoline,
// program text, the stack guard page, runaway recursion).
// Each test runs in a child of the runner (user/usertests.c) and fails by
// exiting non-zero through CHECK. A fault test forks again, so the child
// that dies is not the test process itself.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/ut/ut.h"

static volatile uint64 fault_va;  // address the next fault child touches

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


// ------------------------------------------------ bad pointers to system calls

void
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

void
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

void
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

void
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

void
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

void
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

void
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

void
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
  check_fork_works("fork/wait broken after negative sbrk");
}

// ------------------------------------------------------ faults kill the process

void
t_readkernel(void)
{
  must_kill_read(KERNBASE);
  must_kill_read(KERNLOAD);
}

void
t_writekernel(void)
{
  must_kill_write(KERNLOAD);
  must_kill_write(KERNBASE + 0x400000);
}

void
t_badaddr(void)
{
  must_kill_read(0xffffffffffffffffUL);
  must_kill_read(MAXVA);
  must_kill_read(0x1000000000UL);
  must_kill_write(0x1000000000UL);
}

void
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

void
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

void
t_stackguard(void)
{
  guard_offset = 1;
  expect_killed(child_below_stack, "writing the byte just below the stack page");
  guard_offset = PGSIZE;
  expect_killed(child_below_stack, "writing the bottom of the guard page");
}

void
t_recursion(void)
{
  expect_killed(child_recurses, "recursing 100 KiB deep on a one-page stack");
}

// ------------------------------------------------- a sparse address space

// /sparse has one page at 0x3000000000, so its break spans 192 GiB. exec,
// fork (five times) and exit of it must cost what is mapped, not what the
// break spans: a kernel that walks [0, break) a page at a time takes
// seconds per fork with interrupts off, and its clock stops meanwhile. So
// the whole run must take under two seconds of real time (rdtime, 10 MHz),
// and uptime must have counted at least half of that time (less 100 ms).
#define TIME_HZ 10000000UL
#define TICK_HZ 100

static uint64
rdtime(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

static void
exec_sparse(void)
{
  char *argv[] = { "sparse", "5", 0 };
  exec("sparse", argv);
  printf("exec sparse failed\n");
  exit(3);
}

void
t_sparsefork(void)
{
  uint64 t0 = rdtime();
  int ticks0 = uptime();
  int st = run_child(exec_sparse);
  uint64 real_ms = (rdtime() - t0) / (TIME_HZ / 1000);
  int ticks = uptime() - ticks0;
  CHECK(st == 0, "sparse 5 (fork a program with a page at 0x3000000000): expected "
        "status 0, got %d", st);
  CHECK(real_ms < 2000, "exec, 5 forks and exits of a sparse program took %d ms, "
        "expected under 2000", (int)real_ms);
  // Slack for a busy host, where a tick's interrupt can come late.
  CHECK(ticks * (1000 / TICK_HZ) >= (int)real_ms / 2 - 100, "the clock stopped: %d ms "
        "passed but uptime counted %d ticks", (int)real_ms, ticks);
}
