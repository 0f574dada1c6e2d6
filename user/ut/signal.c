// ut/signal.c: usertests on signals (docs/signals.md): handlers run and
// return with every register intact, SIG_IGN and the default actions, what
// cannot be caught or blocked, masks per thread and handlers per process,
// nested handlers, interrupted and restarted calls, sigsuspend, sigpending,
// alarm, SIGCHLD, stop and continue, clone and exec rules, faults with a
// handler, hostile sigreturn frames and bad pointers.
// Each test runs in a child of the runner and reaps every child it forks.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/signal.h"
#include "user/ut/ut.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

// ---------------------------------------------------------------- helpers

static volatile int hits;          // handler runs
static volatile int last_sig;      // the signal the last handler run got
static volatile int last_tid;      // ... and the thread it ran on

static void
count_handler(int sig)
{
  hits++;
  last_sig = sig;
  last_tid = gettid();
}

int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

static void
on(int sig, void (*fn)(int), int flags, sigset_t mask)
{
  struct sigaction a;
  a.sa_handler = fn;
  a.sa_mask = mask;
  a.sa_flags = flags;
  CHECK(sigaction(sig, &a, 0) == 0, "sigaction(%d) failed", sig);
}

static void
mask_set(int how, int sig)
{
  sigset_t s = 0;
  sigaddset(&s, sig);
  CHECK(sigprocmask(how, &s, 0) == 0, "sigprocmask(%d, {%d}) failed", how, sig);
}

// Wait up to limit ticks for *flag to reach want.
static int
await(volatile int *flag, int want, int limit)
{
  for (int i = 0; i < limit && *flag < want; i++)
    sleep(1);
  return *flag >= want;
}

// waitpid for pid, with a bound: kill it if it has not changed state after limit ticks.
static int
reap(int pid, int limit)
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

static void
spin_forever(void)
{
  for (;;)
    sink++;
}

// ------------------------------------------------- handlers, SIG_IGN, SIG_DFL

static volatile int info_ok;

static void
info_handler(int sig, siginfo_t *info, void *frame)
{
  struct sigframe *f = frame;
  info_ok = info->si_signo == sig && f->magic == SIGFRAME_MAGIC &&
            (uint64)info == (uint64)&f->info;
}

void
t_sighandler(void)
{
  hits = 0;
  on(SIGUSR1, count_handler, 0, 0);
  CHECK(sigsend(getpid(), SIGUSR1) == 0, "sigsend(self, SIGUSR1) failed");
  // Delivered on the way back from sigsend itself.
  CHECK(hits == 1 && last_sig == SIGUSR1, "handler: %d runs, sig %d; expected 1 run of %d",
        hits, last_sig, SIGUSR1);
  CHECK(sigsend(getpid(), SIGUSR1) == 0 && hits == 2, "second signal: %d runs", hits);

  struct sigaction a = { 0 }, old;
  a.sa_sigaction = info_handler;
  a.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR2, &a, 0) == 0, "sigaction(SA_SIGINFO) failed");
  sigsend(getpid(), SIGUSR2);
  CHECK(info_ok, "SA_SIGINFO handler: bad siginfo or frame pointer");

  CHECK(sigaction(SIGUSR1, 0, &old) == 0 && old.sa_handler == count_handler,
        "sigaction did not report the handler back");
  CHECK(sigsend(getpid(), 0) == 0, "sigsend(self, 0) (existence check) failed");
}

void
t_sigignore(void)
{
  on(SIGUSR1, SIG_IGN, 0, 0);
  on(SIGTERM, SIG_IGN, 0, 0);
  CHECK(sigsend(getpid(), SIGUSR1) == 0 && sigsend(getpid(), SIGTERM) == 0,
        "sigsend to self failed");
  // SIGCHLD and SIGCONT are ignored by default.
  CHECK(sigsend(getpid(), SIGCHLD) == 0 && sigsend(getpid(), SIGCONT) == 0,
        "sigsend to self failed");
  // Blocked and ignored: not even pending.
  mask_set(SIG_BLOCK, SIGUSR1);
  sigsend(getpid(), SIGUSR1);
  sigset_t p = 1;
  CHECK(sigpending(&p) == 0 && p == 0, "ignored signal left pending: %p", (void *)p);
}

static void
wait_for_signal(void)
{
  for (;;)
    sleep(100);
}

void
t_sigdefault(void)
{
  int sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGALRM, SIGQUIT };
  for (int i = 0; i < NELEM(sigs); i++) {
    int pid = start_child(wait_for_signal);
    CHECK(sigsend(pid, sigs[i]) == 0, "sigsend(child, %d) failed", sigs[i]);
    int st = reap(pid, 200);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i],
          "child killed by %d: waitpid status %p, expected WTERMSIG %d", sigs[i],
          (void *)(uint64)st, sigs[i]);
  }
  // xv6's wait still says -1, and xv6's kill is SIGKILL to waitpid.
  int pid = start_child(wait_for_signal);
  sigsend(pid, SIGTERM);
  int st = 0;
  CHECK(wait(&st) == pid && st == -1, "wait after SIGTERM: status %d, expected -1", st);
  pid = start_child(spin_forever);
  CHECK(kill(pid) == 0, "kill failed");
  st = reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "kill(pid): WTERMSIG %d, expected 9",
        WTERMSIG(st));
  // A normal exit.
  pid = fork();
  if (pid == 0)
    exit(7);
  st = reap(pid, 200);
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
  spin_forever();
}

void
t_sigkillblocked(void)
{
  struct sigaction a = { 0 };
  a.sa_handler = count_handler;
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
  st = reap(pid, 200);
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
    mask_set(SIG_UNBLOCK, SIGUSR1);
  }
  __atomic_fetch_add(&spin_ready, 1, __ATOMIC_SEQ_CST);
  while (!spin_stop)
    sleep(1);
  return 0;
}

void
t_sigthreadmask(void)
{
  hits = 0;
  spin_ready = spin_stop = 0;
  on(SIGUSR1, count_handler, 0, 0);
  mask_set(SIG_BLOCK, SIGUSR1);         // the main thread too; threads inherit it
  pthread_t th[NSPIN];
  for (int i = 0; i < NSPIN; i++)
    th[i] = spawn(mask_thread, (void *)(uint64)(i == 2));
  CHECK(await(&spin_ready, NSPIN, 300), "threads did not start");
  CHECK(pthread_kill(th[2], 0) == 0, "pthread_kill(t, 0) failed");
  for (int i = 0; i < 20; i++) {
    int want = hits + 1;
    CHECK(sigsend(getpid(), SIGUSR1) == 0, "sigsend failed");
    if (!await(&hits, want, 200))
      break;
    CHECK(last_tid == taker_tid, "handler ran on tid %d; only tid %d does not block it",
          last_tid, taker_tid);
  }
  // Thread-directed to a thread that blocks it: stays with that thread.
  int before = hits;
  CHECK(pthread_kill(th[0], SIGUSR1) == 0, "pthread_kill(SIGUSR1) failed");
  sleep(5);
  CHECK(hits == before, "a signal for a blocking thread ran elsewhere");
  spin_stop = 1;
  for (int i = 0; i < NSPIN; i++)
    pthread_join(th[i], 0);
  CHECK(hits == 20, "the one unblocking thread ran the handler %d times, expected 20", hits);
}

// ------------------------------------------- registers across handler+sigreturn

// A handler that scribbles over every caller-saved register.
static void
scribble_handler(int sig)
{
  hits++;
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

// Thousands of signals (on more than one hart) land in a loop that keeps
// 25 registers busy; every one must come back as it was, and tp, gp too.
void
t_sigregs(void)
{
  hits = 0;
  flood_stop = 0;
  on(SIGUSR1, scribble_handler, 0, 0);
  uint64 tp0, gp0, tp1, gp1;
  asm volatile("mv %0, tp\n mv %1, gp" : "=r"(tp0), "=r"(gp0));
  pthread_t f = spawn(flooder, (void *)(uint64)gettid());
  int start = uptime(), rounds = 0;
  while (hits < 3000 && uptime() - start < 100) {
    int bad = register_loop(0x9E3779B97F4A7C15UL + rounds, 20000);
    CHECK(bad == 0, "%d registers changed across %d signals", bad, hits);
    rounds++;
  }
  flood_stop = 1;
  pthread_join(f, 0);
  asm volatile("mv %0, tp\n mv %1, gp" : "=r"(tp1), "=r"(gp1));
  CHECK(tp0 == tp1 && gp0 == gp1, "tp or gp changed across signals");
  CHECK(hits >= 30, "only %d signals were handled in a second", hits);
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
  on(SIGUSR2, inner_handler, 0, 0);
  on(SIGUSR1, outer_handler, 0, 0);
  sigsend(getpid(), SIGUSR1);
  CHECK(nested_seen, "SIGUSR2 handler did not run nested inside the SIGUSR1 handler");
  CHECK(usr1_runs == 2, "SIGUSR1 handler ran %d times, expected 2 (the second deferred)",
        usr1_runs);
  // sa_mask: SIGUSR2 blocked while SIGUSR1's handler runs: no nesting.
  nested_seen = usr1_runs = 0;
  on(SIGUSR1, outer_handler, 0, SIGBIT(SIGUSR2));
  sigsend(getpid(), SIGUSR1);
  CHECK(!nested_seen, "SIGUSR2 ran nested although sa_mask blocks it");
  sigset_t m = 1;
  CHECK(sigprocmask(SIG_BLOCK, 0, &m) == 0 && m == 0, "mask after handlers: %p, expected 0",
        (void *)m);
}

// ------------------------------------------ interrupted and restarted calls

static int rfd[2];

static void
refill_handler(int sig)
{
  hits++;
  write(rfd[1], "x", 1);
}

void
t_sigrestart(void)
{
  char c;
  CHECK(pipe(rfd) == 0, "pipe failed");
  // Without SA_RESTART: the read gives up with -1.
  hits = 0;
  on(SIGALRM, count_handler, 0, 0);
  alarm(3);
  int r = read(rfd[0], &c, 1);
  CHECK(r == -1 && hits == 1, "read interrupted without SA_RESTART: %d (handler ran %d), "
        "expected -1", r, hits);
  // With SA_RESTART: the handler fills the pipe and the read, restarted, gets it.
  hits = 0;
  on(SIGALRM, refill_handler, SA_RESTART, 0);
  alarm(3);
  r = read(rfd[0], &c, 1);
  CHECK(r == 1 && c == 'x' && hits == 1, "read with SA_RESTART: %d '%c' (handler ran %d), "
        "expected 1 'x'", r, c, hits);
  // A write that filled the pipe and then was interrupted reports what it
  // wrote (a restart would write it twice).
  on(SIGALRM, count_handler, 0, 0);
  alarm(3);
  r = write(rfd[1], buf, 2000);
  CHECK(r > 0 && r < 2000, "write interrupted part way: %d, expected the bytes written", r);
  // sleep and wait are interrupted the same way.
  on(SIGALRM, count_handler, 0, 0);
  alarm(2);
  CHECK(sleep(500) == -1, "sleep not interrupted by a handled SIGALRM");
  int pid = start_child(wait_for_signal);
  alarm(2);
  CHECK(wait(0) == -1, "wait not interrupted by a handled SIGALRM");
  kill(pid);
  CHECK(wait(0) == pid, "wait for the killed child failed");
  close(rfd[0]);
  close(rfd[1]);
}

// -------------------------------------------------- sigsuspend and sigpending

static int parent_pid;

static void
send_usr1_to_parent(void)
{
  sleep(3);
  sigsend(parent_pid, SIGUSR1);
}

void
t_sigsuspend(void)
{
  hits = 0;
  on(SIGUSR1, count_handler, 0, 0);
  mask_set(SIG_BLOCK, SIGUSR1);
  parent_pid = getpid();
  int pid = start_child(send_usr1_to_parent);
  sigset_t none = 0, m = 0;
  CHECK(sigsuspend(&none) == -1, "sigsuspend did not return -1");
  CHECK(hits == 1, "sigsuspend returned but the handler ran %d times", hits);
  CHECK(sigprocmask(SIG_BLOCK, 0, &m) == 0 && m == SIGBIT(SIGUSR1),
        "mask after sigsuspend: %p, expected the old one (SIGUSR1)", (void *)m);
  CHECK(wait(0) == pid, "wait for the sender failed");
  CHECK(sigsuspend((sigset_t *)0x1000000000UL) == -1, "sigsuspend(bad pointer) did not fail");
}

void
t_sigpending(void)
{
  hits = 0;
  on(SIGUSR1, count_handler, 0, 0);
  on(SIGUSR2, count_handler, 0, 0);
  mask_set(SIG_BLOCK, SIGUSR1);
  mask_set(SIG_BLOCK, SIGUSR2);
  sigsend(getpid(), SIGUSR1);
  tgkill(getpid(), gettid(), SIGUSR2);
  sigset_t p = 0;
  CHECK(sigpending(&p) == 0 && p == (SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2)),
        "sigpending: %p, expected SIGUSR1|SIGUSR2", (void *)p);
  CHECK(hits == 0, "a blocked signal ran its handler");
  mask_set(SIG_UNBLOCK, SIGUSR1);      // taken on the way back from this call
  CHECK(hits == 1 && last_sig == SIGUSR1, "unblocking: %d runs, last %d", hits, last_sig);
  mask_set(SIG_UNBLOCK, SIGUSR2);
  CHECK(hits == 2 && last_sig == SIGUSR2, "unblocking: %d runs, last %d", hits, last_sig);
  CHECK(sigpending(&p) == 0 && p == 0, "still pending: %p", (void *)p);
  CHECK(sigpending((sigset_t *)0x1000000000UL) == -1, "sigpending(bad pointer) did not fail");
}

// ------------------------------------------------------------------ alarm

static void
alarm_default_child(void)
{
  on(SIGALRM, SIG_DFL, 0, 0);      // fork copied the parent's handler
  alarm(2);
  for (;;)
    sleep(100);
}

void
t_sigalarm(void)
{
  hits = 0;
  on(SIGALRM, count_handler, 0, 0);
  CHECK(alarm(100) == 0, "alarm with none set: expected 0");
  int left = alarm(0);
  CHECK(left > 90 && left <= 100, "alarm(0) after alarm(100): %d left", left);
  int start = uptime();
  alarm(5);
  CHECK(await(&hits, 1, 300), "SIGALRM never came");
  int took = uptime() - start;
  CHECK(took >= 4 && last_sig == SIGALRM, "SIGALRM after %d ticks, expected 5", took);
  sleep(10);
  CHECK(hits == 1, "one alarm, %d SIGALRMs", hits);
  int pid = start_child(alarm_default_child);
  int st = reap(pid, 300);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM, "default SIGALRM: status %p",
        (void *)(uint64)st);
  CHECK(alarm(-1) == -1, "alarm(-1) did not fail");
}

// ---------------------------------------------------------------- SIGCHLD

void
t_sigchld(void)
{
  hits = 0;
  on(SIGCHLD, count_handler, 0, 0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0)
    exit(0);
  CHECK(wait(0) == pid, "wait failed");
  CHECK(await(&hits, 1, 100) && last_sig == SIGCHLD, "SIGCHLD handler did not run");
  // Default: ignored, and wait is not disturbed.
  on(SIGCHLD, SIG_DFL, 0, 0);
  pid = fork();
  if (pid == 0)
    exit(3);
  int st = 0;
  CHECK(wait(&st) == pid && st == 3, "wait with SIGCHLD at default: status %d", st);
}

// ----------------------------------------------------- stop and continue

static volatile int *counter;

static void
count_forever(void)
{
  for (;;)
    (*counter)++;
}

void
t_sigstop(void)
{
  counter = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(counter != MAP_FAILED, "mmap failed");
  *counter = 0;
  int pid = start_child(count_forever);
  CHECK(await(counter, 1, 100), "child did not start counting");
  for (int round = 0; round < 2; round++) {
    int sig = round ? SIGTSTP : SIGSTOP;
    CHECK(sigsend(pid, sig) == 0, "sigsend(%d) failed", sig);
    int st = 0;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid, "waitpid(WUNTRACED) failed");
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == sig, "status %p, expected stopped by %d",
          (void *)(uint64)st, sig);
    int c = *counter;
    sleep(5);
    CHECK(*counter == c, "a stopped child ran on (%d -> %d)", c, *counter);
    CHECK(waitpid(pid, &st, WUNTRACED | WNOHANG) == 0, "one stop reported twice");
    CHECK(sigsend(pid, SIGCONT) == 0, "sigsend(SIGCONT) failed");
    CHECK(await(counter, c + 1, 100), "the child did not continue");
  }
  // SIGKILL ends a stopped process.
  sigsend(pid, SIGSTOP);
  int st;
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), "second stop not reported");
  kill(pid);
  st = reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "stopped+killed: status %p",
        (void *)(uint64)st);
  munmap((void *)counter, PGSIZE);
}

// ----------------------------------------------------- clone and exec rules

static char clone_stack[4096] __attribute__((aligned(16)));

static int
set_handler_child(void *arg)
{
  struct sigaction a = { 0 };
  a.sa_handler = count_handler;
  return sigaction(SIGUSR2, &a, 0) == 0 ? 0 : 1;
}

static int
handler_now(int sig)
{
  struct sigaction old;
  CHECK(sigaction(sig, 0, &old) == 0, "sigaction(read) failed");
  return old.sa_handler == count_handler;
}

void
t_sigclone(void)
{
  CHECK(clone(CLONE_SIGHAND, 0, 0, 0) == -1, "CLONE_SIGHAND without CLONE_VM succeeded");
  on(SIGUSR2, SIG_DFL, 0, 0);
  // Shared table: the child's sigaction is ours too.
  int id = clone_run(CLONE_VM | CLONE_SIGHAND, clone_stack + sizeof(clone_stack), 0, 0,
                     set_handler_child, 0);
  int st = -5;
  CHECK(id > 0 && wait(&st) == id && st == 0, "CLONE_VM|CLONE_SIGHAND child failed");
  CHECK(handler_now(SIGUSR2), "CLONE_SIGHAND: the child's handler is not ours");
  // Copied table: not.
  on(SIGUSR2, SIG_DFL, 0, 0);
  id = clone_run(CLONE_VM, clone_stack + sizeof(clone_stack), 0, 0, set_handler_child, 0);
  CHECK(id > 0 && wait(&st) == id && st == 0, "CLONE_VM child failed");
  CHECK(!handler_now(SIGUSR2), "without CLONE_SIGHAND the child changed our handler");
  // A fork child has a copy, with our handler in it.
  on(SIGUSR2, count_handler, 0, 0);
  int pid = fork();
  if (pid == 0)
    exit(handler_now(SIGUSR2) ? 0 : 1);
  CHECK(wait(&st) == pid && st == 0, "fork child did not inherit the handler");
  // A child inherits the mask (threads do too: sigthreadmask); nothing
  // pending comes along.
  mask_set(SIG_BLOCK, SIGUSR1);
  sigsend(getpid(), SIGUSR1);
  hits = 0;
  on(SIGUSR1, count_handler, 0, 0);
  pid = fork();
  if (pid == 0) {
    sigset_t m = 0, p = 1;
    sigprocmask(SIG_BLOCK, 0, &m);
    sigpending(&p);
    exit(m == SIGBIT(SIGUSR1) && p == 0 ? 0 : 1);
  }
  CHECK(wait(&st) == pid && st == 0, "fork child: mask not inherited or pending inherited");
  mask_set(SIG_UNBLOCK, SIGUSR1);
  CHECK(hits == 1, "our own pending SIGUSR1 was lost");
}

static char *sigexec_argv[] = { "usertests", "-x", "sigexec", 0 };

void
t_sigexec(void)
{
  on(SIGUSR1, count_handler, 0, 0);
  on(SIGUSR2, SIG_IGN, 0, 0);
  mask_set(SIG_BLOCK, SIGTERM);
  int pid = fork();
  if (pid == 0) {
    exec("/usertests", sigexec_argv);
    exit(99);
  }
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "after exec: status %d (1: caught handler kept, "
        "2: ignored one lost, 3: mask lost)", st);
}

// usertests -x sigexec: what the program exec'd by t_sigexec sees.
void
sigexec_after_exec(void)
{
  struct sigaction a;
  sigset_t m = 0;
  sigaction(SIGUSR1, 0, &a);
  if (a.sa_handler != SIG_DFL)
    exit(1);
  sigaction(SIGUSR2, 0, &a);
  if (a.sa_handler != SIG_IGN)
    exit(2);
  sigprocmask(SIG_BLOCK, 0, &m);
  exit(m == SIGBIT(SIGTERM) ? 0 : 3);
}

// ------------------------------------------------------ faults with a handler

static volatile uint64 fault_addr;

static void
segv_exit_handler(int sig, siginfo_t *info, void *frame)
{
  // Escape the faulting code by exiting: returning would fault again.
  exit(sig == SIGSEGV && info->si_addr == fault_addr ? 42 : 43);
}

static void
fault_with_handler(void)
{
  struct sigaction a = { 0 };
  a.sa_sigaction = segv_exit_handler;
  a.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &a, 0);
  fault_addr = 0x1000000000UL;
  sink = *(volatile char *)fault_addr;
  exit(44);
}

static void
segv_faulting_handler(int sig)
{
  sink = *(volatile char *)0x1000000000UL;    // faults again, SIGSEGV blocked
  exit(45);
}

static void
fault_in_handler(void)
{
  on(SIGSEGV, segv_faulting_handler, 0, 0);
  sink = *(volatile char *)KERNBASE;
  exit(44);
}

static void
ill_exit_handler(int sig)
{
  exit(sig == SIGILL ? 42 : 43);
}

static void
illegal_with_handler(void)
{
  on(SIGILL, ill_exit_handler, 0, 0);
  asm volatile(".word 0");       // an illegal instruction
  exit(44);
}

static void
fault_blocked(void)
{
  on(SIGSEGV, count_handler, 0, 0);
  mask_set(SIG_BLOCK, SIGSEGV);
  sink = *(volatile char *)0x1000000000UL;
  exit(44);
}

void
t_sigfault(void)
{
  int st = reap(start_child(fault_with_handler), 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "SIGSEGV handler: status %p, expected "
        "exit 42 from the handler", (void *)(uint64)st);
  st = reap(start_child(illegal_with_handler), 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "SIGILL handler: status %p",
        (void *)(uint64)st);
  st = reap(start_child(fault_in_handler), 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a handler that faults: status %p, "
        "expected killed by SIGSEGV", (void *)(uint64)st);
  st = reap(start_child(fault_blocked), 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a fault with SIGSEGV blocked: "
        "status %p", (void *)(uint64)st);
  // No handler: as before, killed with status -1 for wait.
  int pid = fork();
  if (pid == 0) {
    sink = *(volatile char *)0x1000000000UL;
    exit(44);
  }
  CHECK(wait(&st) == pid && st == -1, "fault without handler: status %d", st);
}

// ---------------------------------------------- hostile frames and pointers

static void
return_with_sp(uint64 sp)
{
  asm volatile("mv sp, %0\n li a7, 39\n ecall" :: "r"(sp) : "memory");
  exit(44);
}

static void bad_sp_child(void) { return_with_sp(0x1000000000UL); }
static void kernel_sp_child(void) { return_with_sp(KERNBASE); }

static void
garbage_frame_child(void)
{
  static uint64 junk[64] __attribute__((aligned(16)));
  for (int i = 0; i < 64; i++)
    junk[i] = 0x5a5a5a5a5a5a5a5aUL * (i + 1);
  return_with_sp((uint64)junk);
}

static void
forge_handler(int sig, siginfo_t *info, void *frame)
{
  struct sigframe *f = frame;
  f->regs[31] = KERNBASE;            // "return" into the kernel
}

static void
forged_frame_child(void)
{
  struct sigaction a = { 0 };
  a.sa_sigaction = forge_handler;
  a.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &a, 0);
  sigsend(getpid(), SIGUSR1);
  exit(44);
}

static void
mask_forging_handler(int sig, siginfo_t *info, void *frame)
{
  ((struct sigframe *)frame)->mask = ~0UL;   // try to block SIGKILL
}

static void
no_stack_child(void)
{
  on(SIGUSR1, count_handler, 0, 0);
  // A signal arrives while sp points nowhere: no room for a frame.
  asm volatile("mv s1, sp\n mv sp, %0\n mv a0, %1\n li a1, 10\n li a7, 37\n ecall\n"
               "mv sp, s1" :: "r"(0x1000000000UL), "r"((uint64)getpid())
               : "s1", "a0", "a1", "a7", "memory");
  exit(44);
}

void
t_sigbadframe(void)
{
  void (*kids[])(void) = { bad_sp_child, kernel_sp_child, garbage_frame_child,
                           forged_frame_child, no_stack_child };
  char *what[] = { "sigreturn, sp unmapped", "sigreturn, sp in the kernel",
                   "sigreturn on garbage", "a frame whose pc is in the kernel",
                   "no stack for the frame" };
  for (int i = 0; i < NELEM(kids); i++) {
    int st = reap(start_child(kids[i]), 200);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "%s: status %p, expected killed "
          "by SIGSEGV", what[i], (void *)(uint64)st);
  }
  // A frame whose mask blocks everything: SIGKILL still kills.
  int pid = fork();
  if (pid == 0) {
    struct sigaction a = { 0 };
    a.sa_sigaction = mask_forging_handler;
    a.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &a, 0);
    sigsend(getpid(), SIGUSR1);
    sigset_t m = 0;
    sigprocmask(SIG_BLOCK, 0, &m);
    if (m & (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP)))
      exit(1);
    spin_forever();
  }
  sleep(2);
  kill(pid);
  int st = reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "forged mask: status %p",
        (void *)(uint64)st);
  check_fork_works("fork after hostile frames failed");
}

void
t_sigbadptr(void)
{
  struct sigaction a = { 0 }, old;
  a.sa_handler = count_handler;
  char *bad[] = { (char *)0x1000000000UL, (char *)KERNBASE, (char *)0xffffffffffffffffUL };
  on(SIGUSR1, count_handler, 0, 0);
  for (int i = 0; i < NELEM(bad); i++) {
    // (The library's sigaction reads *act itself: ask the kernel directly.)
    CHECK(__sigaction(SIGUSR2, (struct sigaction *)bad[i], 0) == -1,
          "sigaction(act = %p) did not fail", bad[i]);
    CHECK(sigaction(SIGUSR1, &a, (struct sigaction *)bad[i]) == -1,
          "sigaction(old = %p) did not fail", bad[i]);
    CHECK(sigprocmask(SIG_BLOCK, (sigset_t *)bad[i], 0) == -1,
          "sigprocmask(set = %p) did not fail", bad[i]);
    CHECK(sigprocmask(SIG_BLOCK, 0, (sigset_t *)bad[i]) == -1,
          "sigprocmask(old = %p) did not fail", bad[i]);
  }
  // Nothing changed by the failed calls.
  sigset_t m = 1;
  CHECK(sigprocmask(SIG_BLOCK, 0, &m) == 0 && m == 0, "mask changed: %p", (void *)m);
  CHECK(sigaction(SIGUSR2, 0, &old) == 0 && old.sa_handler == SIG_DFL, "SIGUSR2 changed");
  int bads[] = { 0, -1, NSIG, 64, 0x7fffffff };
  for (int i = 0; i < NELEM(bads); i++) {
    CHECK(sigaction(bads[i], &a, 0) == -1, "sigaction(sig %d) did not fail", bads[i]);
    CHECK(sigsend(getpid(), bads[i]) == (bads[i] == 0 ? 0 : -1), "sigsend(sig %d)", bads[i]);
  }
  CHECK(sigprocmask(7, &m, 0) == -1, "sigprocmask(how 7) did not fail");
  CHECK(__sigaction(SIGUSR1, &a, 0) == -1, "a handler without sa_restorer was accepted");
  a.sa_flags = 0x1;
  CHECK(sigaction(SIGUSR1, &a, 0) == -1, "unknown sa_flags were accepted");
  CHECK(sigsend(99999, SIGUSR1) == -1 && sigsend(-5, SIGUSR1) == -1, "sigsend to nobody");
  CHECK(tgkill(getpid(), 99999, SIGUSR1) == -1, "tgkill to no such thread");
  CHECK(tgkill(1, 1, SIGKILL) == -1 && sigsend(1, SIGKILL) == -1, "SIGKILL to init");
  CHECK(sigsend(1, SIGSTOP) == -1, "SIGSTOP to init");
  CHECK(waitpid(-1, 0, 0x100) == -1, "waitpid with unknown options did not fail");
  CHECK(waitpid(-1, 0, 0) == -1, "waitpid without children did not fail");
  int pid = fork();
  if (pid == 0)
    exit(0);
  CHECK(waitpid(pid, (int *)0x1000000000UL, 0) == -1, "waitpid(bad status) did not fail");
  CHECK(wait(0) == pid, "the child a failed waitpid reported is lost");
}
