// fuzz.c: a system-call fuzzer. Random calls with hostile arguments, from
// forked workers, with the free page count checked after every batch.
//
//   fuzz [-s SEED] [-b BATCHES] [-t SECONDS] [-c CALLS]
//   fuzz -k      (harness check: an unfinished line, then a kernel line)
//   fuzz -p      (harness check: poweroff(0) from an ordinary program)
//
// Replayable: it prints its seed first, and the same seed, batch count and
// calls per batch make the same calls (what they return may differ with
// timing). Each batch runs in a fresh worker process inside the scratch
// directory fuzz.d; a watchdog child kills a worker that is still running
// after WORKER_TICKS (a call may legitimately block: read on an empty pipe,
// futex wait, sleep). After each batch every worker and child is reaped
// and free pages must come back to the count before the batch.
// What it may not do (it runs on the machine the tests use): signal
// anything but bogus pids or itself (never a group: no pid <= 0 for
// sigsend); make any group the console's foreground; create, remove or
// open names outside fuzz.d (no "..", no absolute paths but read-only /proc
// names); exec anything but bogus paths or /echo; make console device nodes. Workers close fds 0-2 first,
// so random reads and writes never touch the console.
// Reading order: main, run_batch, worker, fuzz_one, then the argument pools.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/syscall.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"

#define WORKER_TICKS 100    // a batch gets this long (ticks of 10 ms)
#define NCALLS 200          // calls per batch unless -c
#define SCRATCH "fuzz.d"

static uint64 rng;

static uint64
rand64(void)
{
  // xorshift64*: small and good enough to pick arguments.
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 2685821657736338717ULL;
}

static uint64
pick(int n)
{
  return rand64() % n;
}

// ---------------------------------------------------------------- raw calls

// ecall with every register as given: no stub checks anything.
static long
raw_syscall(long num, long a0, long a1, long a2, long a3, long a4, long a5)
{
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r7 asm("a7") = num;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
               : "memory");
  return r0;
}

// fork or clone with raw arguments. A new task must not run C code here (a
// clone's stack is whatever we passed), so the child side stays in assembly
// and ends at once with thread_exit(0), which ends a one-thread process too.
long fuzz_spawn(long num, long a0, long a1, long a2, long a3);
asm(".text\n"
    ".globl fuzz_spawn\n"
    "fuzz_spawn:\n"
    "  mv a7, a0\n"          // call number
    "  mv a0, a1\n"          // shift the arguments down one register
    "  mv a1, a2\n"
    "  mv a2, a3\n"
    "  mv a3, a4\n"
    "  ecall\n"
    "  beqz a0, 1f\n"        // 0: we are the new task
    "  ret\n"
    "1:\n"
    "  li a0, 0\n"
    "  li a7, " "24" "\n"    // SYS_thread_exit
    "  ecall\n"
    "2: j 2b\n");

// ---------------------------------------------------------------- arguments

static char buf[2 * PGSIZE];     // a valid buffer, for pointers into it
static char *region;             // the last mmap that worked, or 0

// A hostile address: kernel, unmapped, misaligned, the edges of MAXVA, or
// (sometimes) a valid one.
static uint64
any_addr(void)
{
  static const uint64 fixed[] = {   // const: out of reach of our own hostile writes
    0, 1, 8, PGSIZE - 1, KERNBASE, KERNBASE + 0x200000, PHYSTOP - 8, 0x10000000,
    MAXVA - 1, MAXVA - 8, MAXVA, MAXVA + PGSIZE, TRAMPOLINE, TRAPFRAME,
    0x3000000000ULL, 1ULL << 63, ~0ULL, ~0ULL - 7, 0x7fffffff, 0x80000000,
  };
  switch (pick(6)) {
  case 0: return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 1: return (uint64)buf + pick(sizeof(buf));                 // valid, maybe misaligned
  case 2: return (uint64)buf + sizeof(buf) - pick(16);           // straddles the end
  case 3: return region ? (uint64)region + pick(4 * PGSIZE) : (uint64)buf;
  case 4: return (uint64)sbrk(0) + pick(3 * PGSIZE) - PGSIZE;    // around the break
  default: return rand64();
  }
}

static uint64
any_int(void)
{
  static const uint64 fixed[] = {
    0, 1, 2, 3, 7, 16, 64, 4095, 4096, 4097, 0x7fffffff, 0x80000000, 0xffffffff,
    (uint64)-1, (uint64)-2, (uint64)-4096, 1ULL << 32, 1ULL << 63, MAXVA, ~0ULL >> 1,
  };
  switch (pick(3)) {
  case 0: return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 1: return pick(64) - 8;                       // small, some negative
  default: return rand64();
  }
}

static uint64
any_fd(void)
{
  return pick(8) == 0 ? any_int() : pick(20) - 2;
}

// A path: a name inside the scratch directory (cwd), or a hostile pointer.
// Hostile means unreadable (kernel, unmapped, MAXVA edges): a pointer into
// readable memory would make names of whatever bytes lie there -- "/sh",
// ".." -- and reach outside the scratch directory.
static uint64
any_path(void)
{
  static const uint64 unreadable[] = {
    0, 1, PGSIZE - 1, KERNBASE, KERNBASE + 0x200000, 0x10000000, MAXVA - 1, MAXVA,
    MAXVA + PGSIZE, TRAMPOLINE, 0x3000000000ULL, 1ULL << 63, ~0ULL,
  };
  static char *const names[] = { "a", "b", "d", "d/a", "d/e", "d/e/f", "", ".", "a/", "d//a",
                           "0123456789abcdefghijklmnopqrstuvwxyz", "echo",
                           "/proc/self/maps", "/proc/self/status", "/proc/self/fd",
                           "/proc/self/task", "/proc/1/stat", "/proc/abc", "/proc/99999999",
                           "/proc/meminfo", "/proc/self/fd/0" };
  if (pick(4) == 0)
    return unreadable[pick(sizeof(unreadable) / sizeof(unreadable[0]))];
  char *name = names[pick(sizeof(names) / sizeof(names[0]))];
  if (pick(8) == 0) {      // the name without its terminating zero at a page end
    int n = strlen(name);
    char *at = buf + sizeof(buf) - n;
    memmove(at, name, n);
    return (uint64)at;
  }
  return (uint64)name;
}

// An argv: hostile pointers, or a real one with a hostile entry.
static uint64
any_argv(void)
{
  static uint64 argv[4];
  if (pick(3) == 0)
    return any_addr();
  argv[0] = (uint64)"fuzz";
  argv[1] = pick(2) ? any_addr() : 0;
  argv[2] = 0;
  return (uint64)argv;
}

// A pid kill() may hit: itself (rarely), or one that does not exist. (Not
// a remembered child pid: hostile writes into our own memory could turn it
// into the shell's.)
static uint64
safe_pid(void)
{
  switch (pick(5)) {
  case 0: return pick(10) == 0 ? getpid() : 0;
  case 1: return -1;
  case 2: return 0;
  case 3: return 100000 + pick(1000);
  default: return pick(2) ? 0x7fffffff : (uint64)-(long)pick(100000);
  }
}

// A pid sigsend/tgkill may hit: itself (rarely) or one that does not
// exist; never 0 or a negative number, which name process groups.
static uint64
safe_sig_pid(void)
{
  if (pick(10) == 0)
    return getpid();
  return pick(2) ? 100000 + pick(1000) : 0x7fffffff;
}

// A signal number: mostly valid, sometimes not; SIGKILL and SIGSTOP too.
static uint64
any_sig(void)
{
  return pick(8) == 0 ? any_int() : pick(34);
}

// ---------------------------------------------------------------- one call

// Issue one random call. Arguments that could harm more than this worker
// are drawn from the safe pools above.
static void
fuzz_one(void)
{
  uint64 a[6];
  for (int i = 0; i < 6; i++)
    a[i] = pick(2) ? any_addr() : any_int();
  int num = pick(40) == 0 ? (int)any_int() : 1 + pick(SYS_sched_yield + 1);

  switch (num) {
  case SYS_fork:
  case SYS_clone:
    if (pick(4) == 0) {   // a clone on a valid stack, so the child really runs
      a[1] = (uint64)buf + sizeof(buf) - 64;
      a[0] &= 0x20390f00; // clone flags from docs/abi.md's set, CLONE_NEWPID too
    }
    fuzz_spawn(num, a[0], a[1], a[2], a[3]);
    return;
  case SYS_exit:
  case SYS_thread_exit:
    if (pick(20) != 0)
      return;             // rarely: it ends the batch
    a[0] = pick(4);       // never a POWEROFF_REQUEST status
    break;
  case SYS_kill:
    a[0] = safe_pid();
    break;
  case SYS_exec:
    a[0] = pick(10) == 0 ? (uint64)"/echo" : any_path();
    a[1] = any_argv();
    break;
  case SYS_open:
    a[0] = any_path();
    a[1] = pick(2) ? pick(0x1000) : any_int();
    break;
  case SYS_chdir:
  case SYS_unlink:
  case SYS_mkdir:
    a[0] = any_path();
    break;
  case SYS_link:
    a[0] = any_path();
    a[1] = any_path();
    break;
  case SYS_mknod:
    a[0] = any_path();
    a[1] = pick(2) ? 0 : 2 + pick(100);  // never 1: no console nodes
    if ((short)a[1] == 1)
      a[1] = 0;
    break;
  case SYS_read:
  case SYS_write:
    a[0] = any_fd();
    a[2] = pick(2) ? pick(2 * PGSIZE) : any_int();
    break;
  case SYS_close:
  case SYS_dup:
  case SYS_fstat:
    a[0] = any_fd();
    break;
  case SYS_sleep:
    a[0] = pick(4) - 1;
    break;
  case SYS_sbrk:
    a[0] = pick(2) ? (long)pick(4 * PGSIZE) - 2 * PGSIZE : any_int();
    break;
  case SYS_mmap:
    a[1] = pick(2) ? pick(8 * PGSIZE) : any_int();
    a[2] = pick(8);
    a[3] = pick(2) ? 0x22 : any_int();     // MAP_PRIVATE|MAP_ANONYMOUS, or noise
    a[4] = any_fd();
    break;
  case SYS_munmap:
  case SYS_mprotect:
    if (a[0] < (uint64)sbrk(0))            // not our own text, data or stack
      a[0] = region ? (uint64)region : MAXVA - PGSIZE;
    a[1] = pick(2) ? pick(8 * PGSIZE) : any_int();
    if (num == SYS_mprotect)
      a[2] = pick(8);
    break;
  case SYS_futex:
    a[1] = pick(3);
    a[3] = pick(4);                        // timeout in ticks; 0 = none
    break;
  case SYS_sigaction:                      // a handler at any address, or SIG_DFL/IGN
    a[0] = any_sig();
    break;
  case SYS_sigprocmask:
    a[0] = pick(2) ? pick(4) : any_int();  // how: SIG_BLOCK.. or noise
    break;
  case SYS_sigsend:
    a[0] = safe_sig_pid();
    a[1] = any_sig();
    break;
  case SYS_tgkill:
    a[0] = safe_sig_pid();
    a[1] = pick(2) ? a[0] : any_int();
    a[2] = any_sig();
    break;
  case SYS_alarm:
    a[0] = pick(2) ? pick(20) : any_int();
    break;
  case SYS_waitpid:
    a[0] = pick(2) ? (uint64)-1 : any_int();
    a[2] = pick(2) ? pick(4) : any_int();  // WNOHANG, WUNTRACED, or noise
    break;
  case SYS_setpgid:                        // itself or a bogus pid, any group
    a[0] = pick(2) ? 0 : safe_sig_pid();
    break;
  case SYS_tcsetpgrp:                      // never a real group
    a[0] = pick(2) ? 100000 + pick(1000) : (uint64)-(long)pick(1000);
    break;
  case SYS_lseek:
    a[0] = any_fd();
    a[2] = pick(2) ? pick(4) : any_int();
    break;
  case SYS_dup2:
    a[0] = any_fd();
    a[1] = any_fd();
    break;
  }
  long r = raw_syscall(num, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (num == SYS_mmap && r > 0 && r < (long)MAXVA)
    region = (char *)r;
}

// ---------------------------------------------------------------- batches

static void
worker(int ncalls)
{
  close(0);
  close(1);
  close(2);
  // Give random fds something to hit: a file, a pipe, a directory.
  open("a", O_CREATE | O_RDWR);
  int p[2];
  pipe(p);
  open(".", O_RDONLY);
  for (int i = 0; i < ncalls; i++)
    fuzz_one();
  exit(0);
}

static int
free_pages(void)
{
  struct meminfo mi;
  if (meminfo(&mi) < 0)
    return -1;
  return (int)mi.free_pages;
}

// Remove everything below directory dir (workers may chdir and nest
// names), so neither blocks nor inodes run out over a long run.
static void
remove_tree(char *dir, int depth)
{
  char path[128];
  struct dirent de;
  struct stat st;
  int fd = open(dir, O_RDONLY);
  if (fd < 0 || depth > 8) {
    if (fd >= 0)
      close(fd);
    return;
  }
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    int n = strlen(dir);
    if (n + DIRSIZ + 2 > sizeof(path))
      continue;
    memmove(path, dir, n);
    path[n] = '/';
    memmove(path + n + 1, de.name, DIRSIZ);
    path[n + 1 + DIRSIZ] = 0;
    if (stat(path, &st) == 0 && st.type == T_DIR)
      remove_tree(path, depth + 1);
    unlink(path);
  }
  close(fd);
}

static void
remove_scratch(void)
{
  remove_tree(".", 0);
}

// One batch: a worker and its watchdog; returns pages lost (after letting
// dying threads finish being reaped).
static int
run_batch(uint64 seed, int ncalls)
{
  int before = free_pages();
  int w = fork();
  if (w == 0) {
    rng = seed ^ 0x9e3779b97f4a7c15ULL;   // never 0: xorshift would stay 0
    worker(ncalls);
  }
  int dog = fork();
  if (dog == 0) {
    sleep(WORKER_TICKS);
    kill(w);
    exit(0);
  }
  int status;
  int dead = wait(&status);
  kill(dead == w ? dog : w);
  while (wait(&status) >= 0)
    ;
  remove_scratch();
  int after = free_pages();
  // Orphans go to init and die on their own time: give them a moment.
  for (int tries = 0; after < before && tries < 50; tries++) {
    sleep(5);
    after = free_pages();
  }
  return before - after;
}

static void
usage(void)
{
  fprintf(2, "usage: fuzz [-s seed] [-b batches] [-t seconds] [-c calls] | -k | -p\n");
  exit(2);
}

int
main(int argc, char *argv[])
{
  uint seed = 0;
  int batches = 100, seconds = 0, ncalls = NCALLS;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-k") == 0) {
      printf("fuzz: unfinished");
      raw_syscall(999, 0, 0, 0, 0, 0, 0);
      printf("\n");
      exit(0);
    }
    if (strcmp(argv[i], "-p") == 0) {
      printf("fuzz: poweroff(0) returned %d\n", poweroff(0));
      exit(0);
    }
    if (i + 1 >= argc)
      usage();
    if (strcmp(argv[i], "-s") == 0)
      seed = atoi(argv[++i]);
    else if (strcmp(argv[i], "-b") == 0)
      batches = atoi(argv[++i]);
    else if (strcmp(argv[i], "-t") == 0)
      seconds = atoi(argv[++i]);
    else if (strcmp(argv[i], "-c") == 0)
      ncalls = atoi(argv[++i]);
    else
      usage();
  }
  if (seed == 0)
    seed = (uptime() * 2654435761U + getpid()) % 1000000000;
  printf("fuzz: seed %d\n", (int)seed);
  mkdir(SCRATCH);
  if (chdir(SCRATCH) < 0) {
    fprintf(2, "fuzz: cannot enter %s\n", SCRATCH);
    exit(1);
  }
  int start = uptime();
  int lost = 0, done = 0;
  for (int b = 0; seconds ? uptime() - start < seconds * 100 : b < batches; b++) {
    int l = run_batch(seed * 1000003 + b + 1, ncalls);
    done++;
    if (l > 0) {
      printf("fuzz: batch %d lost %d pages (seed %d)\n", b, l, (int)seed);
      lost += l;
    }
    if (b % 50 == 49)
      printf("fuzz: %d batches\n", b + 1);
  }
  printf("fuzz: done: seed %d, %d batches of %d calls, %d pages lost\n",
         (int)seed, done, ncalls, lost);
  exit(lost ? 1 : 0);
}
