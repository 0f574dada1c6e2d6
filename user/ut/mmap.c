// ut/mmap.c: anonymous mappings -- mmap, munmap, mprotect.
//
// Private mappings are demand-zero (the first touch of each page is a
// zero fill through the fault resolver), shared ones stay shared across
// fork, PROT_NONE pages are guards that kill on touch and refuse copyout,
// and bad arguments get MAP_FAILED / -1 without changing anything.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/ut/ut.h"

#define NPG 4

static uint64
zero_fills(void)
{
  struct meminfo mi;
  CHECK(meminfo(&mi) == 0, "meminfo failed");
  return mi.zero_fills;
}

static char *
map(uint64 len, int prot, int flags)
{
  char *p = mmap(0, len, prot, flags | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED, "mmap(%d bytes, prot %d, flags %x) failed", (int)len, prot, flags);
  CHECK((uint64)p % PGSIZE == 0, "mmap returned unaligned %p", p);
  return p;
}

// A private mapping reads as zero, costs one zero fill per touched page,
// and is gone after munmap.
static char *unmapped_region;
static void touch_unmapped(void) { sink = unmapped_region[0]; }

void
t_mmapzero(void)
{
  char *p = map(NPG * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  uint64 before = zero_fills();
  for(int i = 0; i < NPG; i++){
    CHECK(p[i * PGSIZE + 7] == 0, "fresh private page %d is not zero", i);
    p[i * PGSIZE] = 'a' + i;
  }
  uint64 fills = zero_fills() - before;
  CHECK(fills == NPG, "touching %d private pages: %d zero fills, expected %d",
        NPG, (int)fills, NPG);
  for(int i = 0; i < NPG; i++)
    CHECK(p[i * PGSIZE] == 'a' + i, "page %d lost its contents", i);
  CHECK(munmap(p, NPG * PGSIZE) == 0, "munmap failed");
  unmapped_region = p;
  expect_killed(touch_unmapped, "reading an munmap'd page");
}

// MAP_SHARED pages are the same pages in parent and child after fork;
// MAP_PRIVATE pages are each side's own.
static char *shared_region, *private_region;

static void
child_writes_both(void)
{
  shared_region[100] = 'S';
  private_region[100] = 'P';
}

void
t_mmapshared(void)
{
  shared_region = map(PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  private_region = map(PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  private_region[100] = 'p';
  CHECK(run_child(child_writes_both) == 0, "child failed");
  CHECK(shared_region[100] == 'S', "MAP_SHARED: parent sees %d, expected the child's 'S'",
        shared_region[100]);
  CHECK(private_region[100] == 'p', "MAP_PRIVATE: parent sees %d, expected its own 'p'",
        private_region[100]);
  CHECK(munmap(shared_region, PGSIZE) == 0 && munmap(private_region, PGSIZE) == 0,
        "munmap failed");
}

// mprotect(PROT_NONE) makes a guard: touching it kills, read() into it
// fails; making it writable again brings the old contents back.
static char *guard;
static void touch_guard(void) { guard[1] = 1; }

void
t_mmapguard(void)
{
  char *p = map(3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  guard = p + PGSIZE;
  guard[0] = 'g';
  CHECK(mprotect(guard, PGSIZE, PROT_NONE) == 0, "mprotect PROT_NONE failed");
  expect_killed(touch_guard, "writing a PROT_NONE page");
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  write(fds[1], "x", 1);
  int n = read(fds[0], guard, 1);
  close(fds[0]);
  close(fds[1]);
  CHECK(n == -1, "read() into a PROT_NONE page returned %d, expected -1", n);
  p[0] = 1;                        // the pages around the guard still work
  p[2 * PGSIZE] = 2;
  CHECK(mprotect(guard, PGSIZE, PROT_READ) == 0, "mprotect PROT_READ failed");
  CHECK(guard[0] == 'g', "guard page lost its contents: %d", guard[0]);
  expect_killed(touch_guard, "writing a PROT_READ page");
  CHECK(munmap(p, 3 * PGSIZE) == 0, "munmap failed");
}

// Bad arguments fail and leave nothing mapped.
void
t_mmapbad(void)
{
  int rw = PROT_READ | PROT_WRITE;
  CHECK(mmap(0, 0, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, "len 0 accepted");
  CHECK(mmap(0, PGSIZE, rw, MAP_PRIVATE, -1, 0) == MAP_FAILED, "file mapping accepted");
  CHECK(mmap(0, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS, 3, 0) == MAP_FAILED, "fd 3 accepted");
  CHECK(mmap(0, PGSIZE, rw, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
        "SHARED|PRIVATE accepted");
  CHECK(mmap(0, PGSIZE, rw, MAP_ANONYMOUS, -1, 0) == MAP_FAILED, "neither SHARED nor PRIVATE");
  CHECK(mmap(0, PGSIZE, 0x40, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
        "unknown prot bit accepted");
  CHECK(mmap(0, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | 0x4000, -1, 0) == MAP_FAILED,
        "unknown flag accepted");
  CHECK(mmap(0, (uint64)1 << 40, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
        "1 TiB mapping accepted");
  char *p = map(2 * PGSIZE, rw, MAP_PRIVATE);
  CHECK(mmap(p, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
        "MAP_FIXED over an existing mapping accepted");
  CHECK(mmap(p + 1, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
        "unaligned MAP_FIXED accepted");
  CHECK(mmap((char *)0, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
        "MAP_FIXED over the program text accepted");
  CHECK(munmap(p + 1, PGSIZE) == -1, "unaligned munmap accepted");
  CHECK(mprotect(p + 2 * PGSIZE, PGSIZE, PROT_READ) == -1, "mprotect of unmapped memory accepted");
  CHECK(mprotect(p, PGSIZE, 0x40) == -1, "mprotect with an unknown prot bit accepted");
  CHECK(munmap(p, 2 * PGSIZE) == 0, "munmap failed");
}

// Code in a private PROT_EXEC mapping runs. A page written first (then
// fence.i, which user code must run after writing instructions) returns
// 42 from `li a0, 42; ret`. An untouched page is demand-zero like any other:
// the instruction fetch goes through the fault resolver, which maps a zero
// page (one more zero fill), and executing zeros is an illegal instruction
// that kills the child. A kernel that does not resolve instruction faults
// kills the child too, but without the zero fill: that is what tells them
// apart. A mapping without PROT_EXEC never runs code.
static const uint32 ret42[] = { 0x02a00513, 0x00008067 };   // li a0, 42; ret
static char *code_page;
static void call_code(void) { ((int (*)(void))code_page)(); }

static int
run_code(char *page)
{
  memmove(page, ret42, sizeof(ret42));
  asm volatile("fence.i" ::: "memory");
  return ((int (*)(void))page)();
}

void
t_mmapexec(void)
{
  int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
  char *p = map(2 * PGSIZE, rwx, MAP_PRIVATE);
  CHECK(run_code(p) == 42, "code written into a fresh RWX private page did not return 42");

  code_page = p + PGSIZE;
  uint64 before = zero_fills();
  expect_killed(call_code, "executing an untouched private page (zeros: illegal instruction)");
  uint64 fills = zero_fills() - before;
  CHECK(fills >= 1, "executing an untouched PROT_EXEC page: expected the fault resolver to "
        "zero-fill it (1 zero fill), got %d", (int)fills);
  CHECK(munmap(p, 2 * PGSIZE) == 0, "munmap failed");

  // Written while RW, then R X: runs; a RW page never does.
  p = map(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  memmove(p, ret42, sizeof(ret42));
  memmove(p + PGSIZE, ret42, sizeof(ret42));
  CHECK(mprotect(p, PGSIZE, PROT_READ | PROT_EXEC) == 0, "mprotect R X failed");
  asm volatile("fence.i" ::: "memory");
  CHECK(((int (*)(void))p)() == 42, "code in a page made R X by mprotect did not return 42");
  code_page = p + PGSIZE;
  expect_killed(call_code, "executing a page mapped without PROT_EXEC");
  CHECK(munmap(p, 2 * PGSIZE) == 0, "munmap failed");

  // Never touched, PROT_EXEC only: the fault zero-fills it as well.
  code_page = map(PGSIZE, PROT_EXEC, MAP_PRIVATE);
  before = zero_fills();
  expect_killed(call_code, "executing an untouched PROT_EXEC-only page");
  CHECK(zero_fills() - before >= 1, "executing an untouched PROT_EXEC-only page: "
        "expected a zero fill, got none");
  CHECK(munmap(code_page, PGSIZE) == 0, "munmap failed");
}

// MAP_STACK: the lowest page of the mapping is a guard no access and no
// mprotect makes usable; the pages above it are ordinary demand-zero ones.
// Shared or single-page stacks are refused.
static char *stack_guard;
static void touch_stack_guard(void) { stack_guard[PGSIZE - 1] = 1; }

void
t_mmapstack(void)
{
  int rw = PROT_READ | PROT_WRITE;
  CHECK(mmap(0, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0) == MAP_FAILED,
        "a one-page MAP_STACK mapping (all guard) accepted");
  CHECK(mmap(0, 2 * PGSIZE, rw, MAP_SHARED | MAP_ANONYMOUS | MAP_STACK, -1, 0) == MAP_FAILED,
        "a MAP_SHARED|MAP_STACK mapping accepted");
  char *p = map(4 * PGSIZE, rw, MAP_PRIVATE | MAP_STACK);
  stack_guard = p;
  for(int i = 1; i < 4; i++)
    CHECK(p[i * PGSIZE] == 0 && (p[i * PGSIZE] = i) == i, "stack page %d unusable", i);
  expect_killed(touch_stack_guard, "writing the guard page of a MAP_STACK mapping");
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  write(fds[1], "x", 1);
  int n = read(fds[0], p, 1);
  close(fds[0]);
  close(fds[1]);
  CHECK(n == -1, "read() into a MAP_STACK guard page returned %d, expected -1", n);
  CHECK(mprotect(p, 4 * PGSIZE, rw) == 0, "mprotect over the whole stack mapping failed");
  expect_killed(touch_stack_guard, "writing the guard page after mprotect(RW)");
  CHECK(p[3 * PGSIZE] == 3, "stack page 3 lost its contents after mprotect");
  CHECK(munmap(p, 4 * PGSIZE) == 0, "munmap failed");
}
