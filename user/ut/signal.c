// ut/signal.c: usertests on signals (docs/signals.md), first group:
// handlers run and return with every register (x and f) intact, SIG_IGN
// and the default actions, what cannot be caught or blocked, masks per
// thread, nested handlers; and the helpers both groups use (ut/sig.h).
// ut/sigcalls.c has the rest. Each test runs in a child of the runner and
// reaps every child it forks.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/signal.h"
#include "user/ut/ut.h"
#include "user/ut/sig.h"

// ---------------------------------------------------------------- helpers

volatile int sig_hits;          // sig_count_handler runs
volatile int sig_last;          // the signal its last run got
volatile int sig_last_tid;      // ... and the thread it ran on

// Counts last: a thread on another hart that sees sig_hits change (with
// sig_await) then reads sig_last and sig_last_tid of this run, not the one
// before.
void
sig_count_handler(int sig)
{
  sig_last = sig;
  sig_last_tid = gettid();
  __sync_synchronize();
  sig_hits++;
}

void
sig_on(int sig, void (*fn)(int), int flags, sigset_t mask)
{
  struct sigaction a;
  a.sa_handler = fn;
  a.sa_mask = mask;
  a.sa_flags = flags;
  CHECK(sigaction(sig, &a, 0) == 0, "sigaction(%d) failed", sig);
}

void
sig_mask_set(int how, int sig)
{
  sigset_t s = 0;
  sigaddset(&s, sig);
  CHECK(sigprocmask(how, &s, 0) == 0, "sigprocmask(%d, {%d}) failed", how, sig);
}

// Wait up to limit ticks for *flag to reach want.
int
sig_await(volatile int *flag, int want, int limit)
{
  for (int i = 0; i < limit && *flag < want; i++)
    sleep(1);
  return *flag >= want;
}

// waitpid for pid, with a bound: kill it if it has not changed state after limit ticks.
int
sig_reap(int pid, int limit)
{
  int st = 0;
  for (int i = 0; i < limit; i++) {
    int r = waitpid(pid, &st, WNOHANG);
    CHECK(r >= 0, "waitpid(%d, WNOHANG) failed", pid);
    if (r == pid)
      return st;
    sleep(1);
  }
  kill(pid);
  CHECK(waitpid(pid, &st, 0) == pid, "waitpid(%d) after kill failed", pid);
  printf("child %d did not end within %d ticks\n", pid, limit);
  exit(1);
}

void
sig_spin_forever(void)
{
  for (;;)
    sink++;
}

void
sig_wait_forever(void)
{
  for (;;)
    sleep(100);
}

// ------------------------------------------------- handlers, SIG_IGN, SIG_DFL

static volatile int info_ok;

static void
info_handler(int sig, siginfo_t *info, void *frame)
{
  struct sigframe *f = frame;
  info_ok = info->si_signo == sig && info->si_code == SI_USER && f->magic == SIGFRAME_MAGIC &&
            (uint64)info == (uint64)&f->info;
}

void
t_sighandler(void)
{
  sig_hits = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  CHECK(sigsend(getpid(), SIGUSR1) == 0, "sigsend(self, SIGUSR1) failed");
  // Delivered on the way back from sigsend itself.
  CHECK(sig_hits == 1 && sig_last == SIGUSR1, "handler: %d runs, sig %d; expected 1 run of %d",
        sig_hits, sig_last, SIGUSR1);
  CHECK(sigsend(getpid(), SIGUSR1) == 0 && sig_hits == 2, "second signal: %d runs", sig_hits);

  struct sigaction a = { 0 }, old;
  a.sa_sigaction = info_handler;
  a.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR2, &a, 0) == 0, "sigaction(SA_SIGINFO) failed");
  sigsend(getpid(), SIGUSR2);
  CHECK(info_ok, "SA_SIGINFO handler: bad siginfo or frame pointer");

  CHECK(sigaction(SIGUSR1, 0, &old) == 0 && old.sa_handler == sig_count_handler,
        "sigaction did not report the handler back");
  CHECK(sigsend(getpid(), 0) == 0, "sigsend(self, 0) (existence check) failed");
}

void
t_sigignore(void)
{
  sig_on(SIGUSR1, SIG_IGN, 0, 0);
  sig_on(SIGTERM, SIG_IGN, 0, 0);
  CHECK(sigsend(getpid(), SIGUSR1) == 0 && sigsend(getpid(), SIGTERM) == 0,
        "sigsend to self failed");
  // SIGCHLD and SIGCONT are ignored by default.
  CHECK(sigsend(getpid(), SIGCHLD) == 0 && sigsend(getpid(), SIGCONT) == 0,
        "sigsend to self failed");
  // Blocked and ignored: not even pending.
  sig_mask_set(SIG_BLOCK, SIGUSR1);
  sigsend(getpid(), SIGUSR1);
  sigset_t p = 1;
  CHECK(sigpending(&p) == 0 && p == 0, "ignored signal left pending: %p", (void *)p);
}


void
t_sigdefault(void)
{
  int sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGALRM, SIGQUIT };
  for (int i = 0; i < NELEM(sigs); i++) {
    int pid = start_child(sig_wait_forever);
    CHECK(sigsend(pid, sigs[i]) == 0, "sigsend(child, %d) failed", sigs[i]);
    int st = sig_reap(pid, 200);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i],
          "child killed by %d: waitpid status %p, expected WTERMSIG %d", sigs[i],
          (void *)(uint64)st, sigs[i]);
  }
  // xv6's wait still says -1, and xv6's kill is SIGKILL to waitpid.
  int pid = start_child(sig_wait_forever);
  sigsend(pid, SIGTERM);
  int st = 0;
  CHECK(wait(&st) == pid && st == -1, "wait after SIGTERM: status %d, expected -1", st);
  pid = start_child(sig_spin_forever);
  CHECK(kill(pid) == 0, "kill failed");
  st = sig_reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "kill(pid): WTERMSIG %d, expected 9",
        WTERMSIG(st));
  // A normal exit.
  pid = fork();
  if (pid == 0)
    exit(7);
  st = sig_reap(pid, 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit(7): waitpid status %p",
        (void *)(uint64)st);
}

// ---------------------------------------- what cannot be caught or blocked

static void *
blocked_spinner(void *arg)
{
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, 0);
  for (;;)
    sleep(1);
  return 0;
}

static void
block_everything_child(void)
{
  sigset_t all, got;
  sigfillset(&all);
  CHECK(sigprocmask(SIG_SETMASK, &all, &got) == 0, "sigprocmask failed");
  CHECK(sigprocmask(SIG_SETMASK, 0, &got) == 0, "sigprocmask (read) failed");
  CHECK(!sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP),
        "SIGKILL or SIGSTOP became blocked");
  for (int i = 0; i < 3; i++)
    spawn(blocked_spinner, 0);
  write(1, "", 0);
  sig_spin_forever();
}

void
t_sigkillblocked(void)
{
  struct sigaction a = { 0 };
  a.sa_handler = sig_count_handler;
  CHECK(sigaction(SIGKILL, &a, 0) == -1, "sigaction(SIGKILL, handler) succeeded");
  CHECK(sigaction(SIGSTOP, &a, 0) == -1, "sigaction(SIGSTOP, handler) succeeded");
  a.sa_handler = SIG_IGN;
  CHECK(sigaction(SIGKILL, &a, 0) == -1, "sigaction(SIGKILL, SIG_IGN) succeeded");

  int pid = start_child(block_everything_child);
  sleep(5);
  CHECK(sigsend(pid, SIGTERM) == 0, "sigsend(SIGTERM) failed");
  sleep(5);
  int st;
  CHECK(waitpid(pid, &st, WNOHANG) == 0, "a child that blocks SIGTERM died of it");
  CHECK(sigsend(pid, SIGKILL) == 0, "sigsend(SIGKILL) failed");
  st = sig_reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "WTERMSIG %d, expected SIGKILL",
        WTERMSIG(st));
}

// ------------------------------------------------ masks per thread

#define NSPIN 4
static volatile int spin_ready;
static volatile int spin_stop;
static volatile int taker_tid;

static void *
mask_thread(void *arg)
{
  // Every thread inherited the main thread's block on SIGUSR1; one lifts it.
  if ((int)(uint64)arg) {
    taker_tid = gettid();
    sig_mask_set(SIG_UNBLOCK, SIGUSR1);
  }
  __atomic_fetch_add(&spin_ready, 1, __ATOMIC_SEQ_CST);
  while (!spin_stop)
    sleep(1);
  return 0;
}

void
t_sigthreadmask(void)
{
  sig_hits = 0;
  spin_ready = spin_stop = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  sig_mask_set(SIG_BLOCK, SIGUSR1);         // the main thread too; threads inherit it
  pthread_t th[NSPIN];
  for (int i = 0; i < NSPIN; i++)
    th[i] = spawn(mask_thread, (void *)(uint64)(i == 2));
  CHECK(sig_await(&spin_ready, NSPIN, 300), "threads did not start");
  CHECK(pthread_kill(th[2], 0) == 0, "pthread_kill(t, 0) failed");
  for (int i = 0; i < 20; i++) {
    int want = sig_hits + 1;
    CHECK(sigsend(getpid(), SIGUSR1) == 0, "sigsend failed");
    if (!sig_await(&sig_hits, want, 200))
      break;
    CHECK(sig_last_tid == taker_tid, "handler ran on tid %d; only tid %d does not block it",
          sig_last_tid, taker_tid);
  }
  // Thread-directed to a thread that blocks it: stays with that thread.
  int before = sig_hits;
  CHECK(pthread_kill(th[0], SIGUSR1) == 0, "pthread_kill(SIGUSR1) failed");
  sleep(5);
  CHECK(sig_hits == before, "a signal for a blocking thread ran elsewhere");
  spin_stop = 1;
  for (int i = 0; i < NSPIN; i++)
    pthread_join(th[i], 0);
  CHECK(sig_hits == 20, "the one unblocking thread ran the handler %d times, expected 20", sig_hits);
}

// ------------------------------------------- registers across handler+sigreturn

// A handler that scribbles over every caller-saved register.
static void
scribble_handler(int sig)
{
  sig_hits++;
  asm volatile("li t0, -1\n li t1, -1\n li t2, -1\n li t3, -1\n li t4, -1\n"
               "li t5, -1\n li t6, -1\n li a0, -1\n li a1, -1\n li a2, -1\n"
               "li a3, -1\n li a4, -1\n li a5, -1\n li a6, -1\n li a7, -1\n"
               ::: "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3",
               "a4", "a5", "a6", "a7", "memory");
}

// regloop(seed, n, out): set 26 registers -- a0..a6, t0..t6, s0..s11 -- to
// seed+0 .. seed+25, spin n times (a7 counts), then store all 26 to out[].
// Between the first and the last instruction of the spin only a signal
// frame restored wrongly can change one of them.
void regloop(uint64 seed, uint64 n, uint64 *out);
asm(".text\n"
    ".globl regloop\n"
    "regloop:\n"
    "  addi sp, sp, -112\n"
    "  sd ra, 0(sp)\n"
    "  sd s0, 8(sp)\n"
    "  sd s1, 16(sp)\n"
    "  sd s2, 24(sp)\n"
    "  sd s3, 32(sp)\n"
    "  sd s4, 40(sp)\n"
    "  sd s5, 48(sp)\n"
    "  sd s6, 56(sp)\n"
    "  sd s7, 64(sp)\n"
    "  sd s8, 72(sp)\n"
    "  sd s9, 80(sp)\n"
    "  sd s10, 88(sp)\n"
    "  sd s11, 96(sp)\n"
    "  sd a2, 104(sp)\n"          // out
    "  mv a7, a1\n"
    "  addi a1, a0, 1\n"
    "  addi a2, a0, 2\n"
    "  addi a3, a0, 3\n"
    "  addi a4, a0, 4\n"
    "  addi a5, a0, 5\n"
    "  addi a6, a0, 6\n"
    "  addi t0, a0, 7\n"
    "  addi t1, a0, 8\n"
    "  addi t2, a0, 9\n"
    "  addi t3, a0, 10\n"
    "  addi t4, a0, 11\n"
    "  addi t5, a0, 12\n"
    "  addi t6, a0, 13\n"
    "  addi s0, a0, 14\n"
    "  addi s1, a0, 15\n"
    "  addi s2, a0, 16\n"
    "  addi s3, a0, 17\n"
    "  addi s4, a0, 18\n"
    "  addi s5, a0, 19\n"
    "  addi s6, a0, 20\n"
    "  addi s7, a0, 21\n"
    "  addi s8, a0, 22\n"
    "  addi s9, a0, 23\n"
    "  addi s10, a0, 24\n"
    "  addi s11, a0, 25\n"
    "1: addi a7, a7, -1\n"
    "  bnez a7, 1b\n"
    "  ld a7, 104(sp)\n"
    "  sd a0, 0(a7)\n"
    "  sd a1, 8(a7)\n"
    "  sd a2, 16(a7)\n"
    "  sd a3, 24(a7)\n"
    "  sd a4, 32(a7)\n"
    "  sd a5, 40(a7)\n"
    "  sd a6, 48(a7)\n"
    "  sd t0, 56(a7)\n"
    "  sd t1, 64(a7)\n"
    "  sd t2, 72(a7)\n"
    "  sd t3, 80(a7)\n"
    "  sd t4, 88(a7)\n"
    "  sd t5, 96(a7)\n"
    "  sd t6, 104(a7)\n"
    "  sd s0, 112(a7)\n"
    "  sd s1, 120(a7)\n"
    "  sd s2, 128(a7)\n"
    "  sd s3, 136(a7)\n"
    "  sd s4, 144(a7)\n"
    "  sd s5, 152(a7)\n"
    "  sd s6, 160(a7)\n"
    "  sd s7, 168(a7)\n"
    "  sd s8, 176(a7)\n"
    "  sd s9, 184(a7)\n"
    "  sd s10, 192(a7)\n"
    "  sd s11, 200(a7)\n"
    "  ld ra, 0(sp)\n"
    "  ld s0, 8(sp)\n"
    "  ld s1, 16(sp)\n"
    "  ld s2, 24(sp)\n"
    "  ld s3, 32(sp)\n"
    "  ld s4, 40(sp)\n"
    "  ld s5, 48(sp)\n"
    "  ld s6, 56(sp)\n"
    "  ld s7, 64(sp)\n"
    "  ld s8, 72(sp)\n"
    "  ld s9, 80(sp)\n"
    "  ld s10, 88(sp)\n"
    "  ld s11, 96(sp)\n"
    "  addi sp, sp, 112\n"
    "  ret\n");

// Run regloop and count the registers that did not come back as set.
static int
register_loop(uint64 seed, uint64 n)
{
  uint64 out[26];
  regloop(seed, n, out);
  int bad = 0;
  for (int k = 0; k < 26; k++)
    bad += out[k] != seed + k;
  return bad;
}

static volatile int flood_stop;

static void *
flooder(void *arg)
{
  int pid = getpid(), tid = (int)(uint64)arg;
  while (!flood_stop)
    tgkill(pid, tid, SIGUSR1);
  return 0;
}

// Thousands of signals (on more than one hart: a few hundred on one) land
// in a loop that keeps 26 registers busy; every one must come back as it
// was, and tp, gp too.
void
t_sigregs(void)
{
  sig_hits = 0;
  flood_stop = 0;
  sig_on(SIGUSR1, scribble_handler, 0, 0);
  uint64 tp0, gp0, tp1, gp1;
  asm volatile("mv %0, tp\n mv %1, gp" : "=r"(tp0), "=r"(gp0));
  pthread_t f = spawn(flooder, (void *)(uint64)gettid());
  int start = uptime(), rounds = 0;
  while (sig_hits < 3000 && uptime() - start < 300) {
    int bad = register_loop(0x9E3779B97F4A7C15UL + rounds, 20000);
    CHECK(bad == 0, "%d registers changed across %d signals", bad, sig_hits);
    rounds++;
  }
  flood_stop = 1;
  pthread_join(f, 0);
  asm volatile("mv %0, tp\n mv %1, gp" : "=r"(tp1), "=r"(gp1));
  CHECK(tp0 == tp1 && gp0 == gp1, "tp or gp changed across signals");
  // Typically 1000-2500 a second with CPUS=3, one every other tick with
  // CPUS=1; far fewer only on a badly overloaded host.
  CHECK(sig_hits >= 20, "only %d signals were handled in 3 seconds", sig_hits);
}

// ---------------------------------------------------------- nested signals

static volatile int depth, nested_seen, usr1_runs;

static void
inner_handler(int sig)
{
  if (depth == 1)
    nested_seen = 1;
}

static void
outer_handler(int sig)
{
  depth++;
  usr1_runs++;
  sigsend(getpid(), SIGUSR2);     // not blocked: runs on top of us, now
  if (usr1_runs == 1)
    sigsend(getpid(), SIGUSR1);   // blocked while we run: after we return
  CHECK(usr1_runs == 1 || usr1_runs == 2, "SIGUSR1 handler ran inside itself");
  depth--;
}

void
t_signested(void)
{
  depth = nested_seen = usr1_runs = 0;
  sig_on(SIGUSR2, inner_handler, 0, 0);
  sig_on(SIGUSR1, outer_handler, 0, 0);
  sigsend(getpid(), SIGUSR1);
  CHECK(nested_seen, "SIGUSR2 handler did not run nested inside the SIGUSR1 handler");
  CHECK(usr1_runs == 2, "SIGUSR1 handler ran %d times, expected 2 (the second deferred)",
        usr1_runs);
  // sa_mask: SIGUSR2 blocked while SIGUSR1's handler runs: no nesting.
  nested_seen = usr1_runs = 0;
  sig_on(SIGUSR1, outer_handler, 0, SIGBIT(SIGUSR2));
  sigsend(getpid(), SIGUSR1);
  CHECK(!nested_seen, "SIGUSR2 ran nested although sa_mask blocks it");
  sigset_t m = 1;
  CHECK(sigprocmask(SIG_BLOCK, 0, &m) == 0 && m == 0, "mask after handlers: %p, expected 0",
        (void *)m);
}

// -------------------------------------------- FP registers across a handler

// usertests is built without F/D, so the compiler never touches an FP
// register: these asm blocks are the only code that does.
#define FP_ON  ".option push\n.option arch, +d\n"
#define FP_OFF ".option pop\n"

// f_k = base + k, fcsr = fcsr.
static void
fp_fill(uint64 base, uint64 fcsr)
{
  asm volatile(FP_ON
               ".irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
               "fmv.d.x f\\k, %0\n addi %0, %0, 1\n"
               ".endr\n"
               "fscsr %1\n"
               FP_OFF : "+r"(base) : "r"(fcsr));
}

// out[k] = f_k, out[32] = fcsr.
static void
fp_dump(uint64 *out)
{
  asm volatile(FP_ON
               ".irp k,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
               "fmv.x.d t0, f\\k\n sd t0, \\k*8(%0)\n"
               ".endr\n"
               "frcsr t0\n sd t0, 256(%0)\n"
               FP_OFF :: "r"(out) : "t0", "memory");
}

static void
fp_scribble_handler(int sig)
{
  sig_hits++;
  fp_fill(0xdead000000000000UL, 0x1f);
}

// A handler that changes every FP register and fcsr: after sigreturn the
// interrupted code has its own values back.
void
t_sigfpregs(void)
{
  uint64 got[33];
  sig_hits = 0;
  sig_on(SIGUSR1, fp_scribble_handler, 0, 0);
  fp_fill(0x4000000000000000UL, 0x65);     // frm 3, some flags
  sigsend(getpid(), SIGUSR1);
  fp_dump(got);
  CHECK(sig_hits == 1, "the handler ran %d times", sig_hits);
  for (int k = 0; k < 32; k++)
    CHECK(got[k] == 0x4000000000000000UL + k, "f%d: %p after the handler, expected %p", k,
          (void *)got[k], (void *)(0x4000000000000000UL + k));
  CHECK(got[32] == 0x65, "fcsr: %p after the handler, expected 0x65", (void *)got[32]);
}

// ------------------------------------------ FP registers across switches

// Two threads take turns through a futex: the creator with every FP
// register and fcsr set, a new thread that never writes one (its state is
// all zero). fpu.c skips loading the registers when a thread's state and
// the hart's registers are both all zero; the new thread must still never
// see the creator's values, nor the creator lose them.
enum { FP_CREATOR, FP_FRESH, FP_STOP };
static int fp_turn;
static volatile int fp_seen;        // 1 + the register the new thread saw set

static void
fp_turn_to(int to)
{
  __atomic_store_n(&fp_turn, to, __ATOMIC_SEQ_CST);
  futex(&fp_turn, FUTEX_WAKE, 1, 0);
}

static int
fp_turn_wait(int from)
{
  int now;
  while ((now = __atomic_load_n(&fp_turn, __ATOMIC_SEQ_CST)) == from)
    futex(&fp_turn, FUTEX_WAIT, from, 0);
  return now;
}

static void *
fp_fresh_body(void *unused)
{
  uint64 got[33];
  while (fp_turn_wait(FP_CREATOR) == FP_FRESH) {
    fp_dump(got);
    for (int k = 0; k < 33 && !fp_seen; k++)
      if (got[k] != 0)
        fp_seen = k + 1;
    fp_turn_to(FP_CREATOR);
  }
  return 0;
}

void
t_fpswitch(void)
{
  uint64 got[33];
  fp_turn = FP_CREATOR;
  fp_seen = 0;
  pthread_t t = spawn(fp_fresh_body, 0);
  fp_fill(0x4000000000000000UL, 0x65);
  for (int round = 0; round < 200 && !fp_seen; round++) {
    fp_turn_to(FP_FRESH);
    fp_turn_wait(FP_FRESH);
    fp_dump(got);
    for (int k = 0; k < 32; k++)
      CHECK(got[k] == 0x4000000000000000UL + k, "round %d: f%d is %p, expected %p", round, k,
            (void *)got[k], (void *)(0x4000000000000000UL + k));
    CHECK(got[32] == 0x65, "round %d: fcsr is %p, expected 0x65", round, (void *)got[32]);
  }
  fp_turn_to(FP_STOP);
  pthread_join(t, 0);
  CHECK(fp_seen == 0, "a new thread saw %s%d set: another thread's FP state",
        fp_seen == 33 ? "fcsr " : "f", fp_seen == 33 ? 0 : fp_seen - 1);
}
