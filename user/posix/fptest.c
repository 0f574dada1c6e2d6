// fptest.c: floating-point registers are per thread (kernel/fpu.c).
//
//   threads    five threads each keep their own values in all of f0-f31
//              and fcsr, rewritten every round, while they are switched
//              out tens of thousands of times by sched_yield; any value
//              from another thread fails the round
//   preempt    the same without yields, until the timer has taken the hart
//              from them 1000 times (or 20 s have passed: then at least 200)
//   fork       a child sees the values its parent had at fork(), and the
//              parent keeps them
//   newthread  a new thread starts with f0-f31 and fcsr all 0
//   exec       a program starts with f0-f31 and fcsr all 0
//
// The register work is in assembly (fp_rounds, fp_fork) so the compiler
// cannot touch an FP register between setting and checking. Both keep the
// calling convention: they save and restore fs0-fs11 and fcsr (SAVE_FS,
// RESTORE_FS), which the caller's compiled code may be keeping values in. usage:
// fptest [rounds]; `fptest dirtyexec` execs from a program whose FP
// registers are all non-zero (tests/test_boot.py). Prints "fptest NAME: OK ..." or "fptest NAME: FAILED ...".

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 5          // more threads than harts: they must share

#define SAVE_FS \
  "  addi sp, sp, -272\n" \
  "  .irp k, 8,9,18,19,20,21,22,23,24,25,26,27\n" \
  "  fsd f\\k, \\k*8(sp)\n" \
  "  .endr\n" \
  "  frcsr t0\n" \
  "  sd t0, 256(sp)\n"
#define RESTORE_FS \
  "  .irp k, 8,9,18,19,20,21,22,23,24,25,26,27\n" \
  "  fld f\\k, \\k*8(sp)\n" \
  "  .endr\n" \
  "  ld t0, 256(sp)\n" \
  "  fscsr t0\n" \
  "  addi sp, sp, 272\n"

// long fp_rounds(const uint64_t base[33], long rounds, long yield_mask,
//                long switched[2])
// Round r: f_k = base[k] + r, fcsr = (s % 5) << 5 | (s & 31) with
// s = base[32] + r; spin; every round with (r & yield_mask) == 0 call
// sched_yield (never if yield_mask < 0); then check every register. Returns the rounds that saw a
// wrong value; counts the yields in switched[0] and in switched[1] the
// spins that took over 2 ms (the timer took the hart away meanwhile).
asm(
  "  .text\n"
  "  .globl fp_rounds\n"
  "fp_rounds:\n"
  SAVE_FS
  "  li a4, 0\n"                        // r
  "  li a5, 0\n"                        // bad rounds
  "  rdtime a6\n"
  "1:\n"
  "  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
  "  ld t0, \\k*8(a0)\n"
  "  add t0, t0, a4\n"
  "  fmv.d.x f\\k, t0\n"
  "  .endr\n"
  "  ld t0, 256(a0)\n"
  "  add t0, t0, a4\n"
  "  li t1, 5\n"
  "  remu t1, t0, t1\n"
  "  slli t1, t1, 5\n"
  "  andi t0, t0, 31\n"
  "  or t0, t0, t1\n"
  "  fscsr t0\n"
  "  li t0, 3000\n"                     // spin
  "2:\n"
  "  addi t0, t0, -1\n"
  "  bnez t0, 2b\n"
  "  bltz a2, 3f\n"
  "  and t0, a4, a2\n"
  "  bnez t0, 3f\n"
  "  mv t5, a0\n"                       // sched_yield(): a0 comes back changed
  "  li a7, 50\n"
  "  ecall\n"
  "  mv a0, t5\n"
  "  ld t0, 0(a3)\n"
  "  addi t0, t0, 1\n"
  "  sd t0, 0(a3)\n"
  "  rdtime a6\n"
  "3:\n"
  "  rdtime t0\n"
  "  sub t1, t0, a6\n"
  "  mv a6, t0\n"
  "  li t2, 20000\n"                    // 2 ms of the 10 MHz time CSR
  "  blt t1, t2, 4f\n"
  "  ld t0, 8(a3)\n"
  "  addi t0, t0, 1\n"
  "  sd t0, 8(a3)\n"
  "4:\n"
  "  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
  "  fmv.x.d t0, f\\k\n"
  "  ld t1, \\k*8(a0)\n"
  "  add t1, t1, a4\n"
  "  bne t0, t1, 5f\n"
  "  .endr\n"
  "  ld t0, 256(a0)\n"
  "  add t0, t0, a4\n"
  "  li t1, 5\n"
  "  remu t1, t0, t1\n"
  "  slli t1, t1, 5\n"
  "  andi t0, t0, 31\n"
  "  or t0, t0, t1\n"
  "  frcsr t1\n"
  "  beq t0, t1, 6f\n"
  "5:\n"
  "  addi a5, a5, 1\n"
  "6:\n"
  "  addi a4, a4, 1\n"
  "  blt a4, a1, 1b\n"
  "  mv a0, a5\n"
  RESTORE_FS
  "  ret\n");
long fp_rounds(const uint64_t base[33], long rounds, long yield_mask, long switched[2]);

// long fp_fork(const uint64_t vals[33], int *pid)
// Load f0-f31 = vals[0..31] and fcsr = vals[32], fork(), store fork's
// result in *pid, then count the registers (and fcsr) that differ from vals.
asm(
  "  .text\n"
  "  .globl fp_fork\n"
  "fp_fork:\n"
  SAVE_FS
  "  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
  "  fld f\\k, \\k*8(a0)\n"
  "  .endr\n"
  "  ld t0, 256(a0)\n"
  "  fscsr t0\n"
  "  mv t5, a0\n"
  "  li a7, 1\n"                        // SYS_fork
  "  ecall\n"
  "  sw a0, 0(a1)\n"
  "  mv a0, t5\n"
  "  li a5, 0\n"
  "  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
  "  fmv.x.d t0, f\\k\n"
  "  ld t1, \\k*8(a0)\n"
  "  beq t0, t1, 1f\n"
  "  addi a5, a5, 1\n"
  "1:\n"
  "  .endr\n"
  "  frcsr t0\n"
  "  ld t1, 256(a0)\n"
  "  beq t0, t1, 2f\n"
  "  addi a5, a5, 1\n"
  "2:\n"
  "  mv a0, a5\n"
  RESTORE_FS
  "  ret\n");
long fp_fork(const uint64_t vals[33], int *pid);

// long fp_nonzero(void): how many of f0-f31 and fcsr are not 0.
asm(
  "  .text\n"
  "  .globl fp_nonzero\n"
  "fp_nonzero:\n"
  "  li a0, 0\n"
  "  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
  "  fmv.x.d t0, f\\k\n"
  "  snez t0, t0\n"
  "  add a0, a0, t0\n"
  "  .endr\n"
  "  frcsr t0\n"
  "  snez t0, t0\n"
  "  add a0, a0, t0\n"
  "  ret\n");
long fp_nonzero(void);

static long rounds = 20000;

struct worker {
  pthread_t thread;
  uint64_t base[33];
  long bad;
  long switched[2];                     // yields, preemptions
};

static void
fill_base(uint64_t *base, int who)
{
  for (int k = 0; k < 32; k++)
    base[k] = ((uint64_t)(who + 1) << 56) | ((uint64_t)k << 48) | (0x9e3779b9ULL * (who * 32 + k + 1) & 0xffffffffffULL);
  base[32] = who * 3;
}

static void *
work(void *arg)
{
  struct worker *w = arg;
  w->bad = fp_rounds(w->base, rounds, 3, w->switched);
  return 0;
}

static int
test_threads(void)
{
  static struct worker w[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    fill_base(w[i].base, i);
    w[i].bad = w[i].switched[0] = w[i].switched[1] = 0;
  }
  for (int i = 1; i < NTHREADS; i++)
    if (pthread_create(&w[i].thread, 0, work, &w[i]) != 0) {
      printf("fptest threads: FAILED: pthread_create\n");
      return 1;
    }
  work(&w[0]);                          // the main thread is one of them
  long bad = 0, yields = 0, preempted = 0;
  for (int i = 0; i < NTHREADS; i++) {
    if (i > 0)
      pthread_join(w[i].thread, 0);
    bad += w[i].bad;
    yields += w[i].switched[0];
    preempted += w[i].switched[1];
  }
  if (bad || yields + preempted < 1000) {
    printf("fptest threads: FAILED: %ld of %ld rounds saw wrong FP registers "
           "(%ld yields, %ld preemptions)\n", bad, rounds * NTHREADS, yields, preempted);
    return 1;
  }
  printf("fptest threads: OK (%d threads, %ld rounds, %ld yields, %ld preemptions)\n",
         NTHREADS, rounds * NTHREADS, yields, preempted);
  return 0;
}

static long preemptions;                // all threads' (atomic)

static double
now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double preempt_deadline;

static void *
work_preempted(void *arg)
{
  struct worker *w = arg;
  while (__atomic_load_n(&preemptions, __ATOMIC_RELAXED) < 1000 && now_s() < preempt_deadline) {
    long sw[2] = { 0, 0 };
    w->bad += fp_rounds(w->base, 500, -1, sw);
    w->switched[1] += sw[1];
    __atomic_add_fetch(&preemptions, sw[1], __ATOMIC_RELAXED);
  }
  return 0;
}

static int
test_preempt(void)
{
  static struct worker w[NTHREADS];
  preempt_deadline = now_s() + 20;
  for (int i = 0; i < NTHREADS; i++) {
    fill_base(w[i].base, i + 20);
    w[i].bad = w[i].switched[1] = 0;
  }
  for (int i = 1; i < NTHREADS; i++)
    if (pthread_create(&w[i].thread, 0, work_preempted, &w[i]) != 0) {
      printf("fptest preempt: FAILED: pthread_create\n");
      return 1;
    }
  work_preempted(&w[0]);
  long bad = 0;
  for (int i = 0; i < NTHREADS; i++) {
    if (i > 0)
      pthread_join(w[i].thread, 0);
    bad += w[i].bad;
  }
  if (bad || preemptions < 200) {
    printf("fptest preempt: FAILED: %ld rounds saw wrong FP registers, %ld preemptions\n",
           bad, preemptions);
    return 1;
  }
  printf("fptest preempt: OK (%d threads, %ld preemptions)\n", NTHREADS, preemptions);
  return 0;
}

static int
test_fork(void)
{
  uint64_t vals[33];
  fill_base(vals, 7);
  vals[32] = (2 << 5) | 0x11;           // rounding mode RDN, some flags
  int pid = -1;
  long bad = fp_fork(vals, &pid);
  if (pid == 0)
    _exit(bad ? 1 : 0);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    printf("fptest fork: FAILED: fork or waitpid\n");
    return 1;
  }
  if (bad || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("fptest fork: FAILED: parent saw %ld wrong registers, child exit %d\n",
           bad, WEXITSTATUS(status));
    return 1;
  }
  printf("fptest fork: OK\n");
  return 0;
}

static void *
look(void *arg)
{
  *(long *)arg = fp_nonzero();
  return 0;
}

static int
test_newthread(void)
{
  uint64_t vals[33];
  fill_base(vals, 9);
  long sw[2] = { 0, 0 };
  long dirty = fp_rounds(vals, 1, 0, sw);   // leave the registers non-zero
  long nonzero = -1;
  pthread_t t;
  if (dirty || pthread_create(&t, 0, look, &nonzero) != 0 || pthread_join(t, 0) != 0) {
    printf("fptest newthread: FAILED: setup\n");
    return 1;
  }
  if (nonzero != 0) {
    printf("fptest newthread: FAILED: %ld FP registers not 0 in a new thread\n", nonzero);
    return 1;
  }
  printf("fptest newthread: OK\n");
  return 0;
}

// fptest dirtyexec: leave every FP register non-zero, then exec
// `fptest atstart`, which only checks that it starts with them all 0.
static int
dirty_exec(void)
{
  uint64_t vals[33];
  long sw[2] = { 0, 0 };
  fill_base(vals, 11);
  if (fp_rounds(vals, 1, 0, sw) != 0) {
    printf("fptest dirtyexec: FAILED: setup\n");
    return 1;
  }
  char *argv[] = { "fptest", "atstart", 0 };
  execv("/fptest", argv);
  printf("fptest dirtyexec: FAILED: exec\n");
  return 1;
}

int
main(int argc, char **argv)
{
  long at_start = fp_nonzero();
  if (argc > 1 && strcmp(argv[1], "dirtyexec") == 0)
    return dirty_exec();
  if (argc > 1 && strcmp(argv[1], "atstart") == 0) {
    printf("fptest dirtyexec: %s (%ld FP registers not 0 at start)\n",
           at_start ? "FAILED" : "OK", at_start);
    return at_start != 0;
  }
  if (argc > 1)
    rounds = atol(argv[1]);
  int failed = 0;
  if (at_start) {
    printf("fptest exec: FAILED: %ld FP registers not 0 at start\n", at_start);
    failed++;
  } else {
    printf("fptest exec: OK\n");
  }
  failed += test_fork();
  failed += test_newthread();
  failed += test_threads();
  failed += test_preempt();
  printf(failed ? "fptest: FAILED\n" : "fptest: all OK\n");
  return failed != 0;
}
