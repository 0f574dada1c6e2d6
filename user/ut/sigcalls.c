// ut/sigcalls.c: usertests on signals, second group: interrupted and
// restarted calls, sigsuspend, sigpending, alarm, SIGCHLD, stop and
// continue, clone and exec rules, faults with a handler, hostile sigreturn
// frames and bad pointers. Helpers from ut/signal.c (ut/sig.h).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/signal.h"
#include "user/ut/ut.h"
#include "user/ut/sig.h"

// ------------------------------------------ interrupted and restarted calls

static int rfd[2];

static void
refill_handler(int sig)
{
  sig_hits++;
  write(rfd[1], "x", 1);
}

void
t_sigrestart(void)
{
  char c;
  CHECK(pipe(rfd) == 0, "pipe failed");
  // Without SA_RESTART: the read gives up with -1.
  sig_hits = 0;
  sig_on(SIGALRM, sig_count_handler, 0, 0);
  alarm(3);
  int r = read(rfd[0], &c, 1);
  CHECK(r == -1 && sig_hits == 1, "read interrupted without SA_RESTART: %d (handler ran %d), "
        "expected -1", r, sig_hits);
  // With SA_RESTART: the handler fills the pipe and the read, restarted, gets it.
  sig_hits = 0;
  sig_on(SIGALRM, refill_handler, SA_RESTART, 0);
  alarm(3);
  r = read(rfd[0], &c, 1);
  CHECK(r == 1 && c == 'x' && sig_hits == 1, "read with SA_RESTART: %d '%c' (handler ran %d), "
        "expected 1 'x'", r, c, sig_hits);
  // A write that filled the pipe and then was interrupted reports what it
  // wrote (a restart would write it twice).
  sig_on(SIGALRM, sig_count_handler, 0, 0);
  alarm(3);
  r = write(rfd[1], buf, 2000);
  CHECK(r > 0 && r < 2000, "write interrupted part way: %d, expected the bytes written", r);
  // sleep and wait are interrupted the same way.
  sig_on(SIGALRM, sig_count_handler, 0, 0);
  alarm(2);
  CHECK(sleep(500) == -1, "sleep not interrupted by a handled SIGALRM");
  int pid = start_child(sig_wait_forever);
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
  sig_hits = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  sig_mask_set(SIG_BLOCK, SIGUSR1);
  parent_pid = getpid();
  int pid = start_child(send_usr1_to_parent);
  sigset_t none = 0, m = 0;
  CHECK(sigsuspend(&none) == -1, "sigsuspend did not return -1");
  CHECK(sig_hits == 1, "sigsuspend returned but the handler ran %d times", sig_hits);
  CHECK(sigprocmask(SIG_BLOCK, 0, &m) == 0 && m == SIGBIT(SIGUSR1),
        "mask after sigsuspend: %p, expected the old one (SIGUSR1)", (void *)m);
  CHECK(wait(0) == pid, "wait for the sender failed");
  CHECK(sigsuspend((sigset_t *)0x1000000000UL) == -1, "sigsuspend(bad pointer) did not fail");
}

void
t_sigpending(void)
{
  sig_hits = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  sig_on(SIGUSR2, sig_count_handler, 0, 0);
  sig_mask_set(SIG_BLOCK, SIGUSR1);
  sig_mask_set(SIG_BLOCK, SIGUSR2);
  sigsend(getpid(), SIGUSR1);
  tgkill(getpid(), gettid(), SIGUSR2);
  sigset_t p = 0;
  CHECK(sigpending(&p) == 0 && p == (SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2)),
        "sigpending: %p, expected SIGUSR1|SIGUSR2", (void *)p);
  CHECK(sig_hits == 0, "a blocked signal ran its handler");
  sig_mask_set(SIG_UNBLOCK, SIGUSR1);      // taken on the way back from this call
  CHECK(sig_hits == 1 && sig_last == SIGUSR1, "unblocking: %d runs, last %d", sig_hits, sig_last);
  sig_mask_set(SIG_UNBLOCK, SIGUSR2);
  CHECK(sig_hits == 2 && sig_last == SIGUSR2, "unblocking: %d runs, last %d", sig_hits, sig_last);
  CHECK(sigpending(&p) == 0 && p == 0, "still pending: %p", (void *)p);
  CHECK(sigpending((sigset_t *)0x1000000000UL) == -1, "sigpending(bad pointer) did not fail");
}

// ------------------------------------------------------------------ alarm

static void
alarm_default_child(void)
{
  sig_on(SIGALRM, SIG_DFL, 0, 0);      // fork copied the parent's handler
  alarm(2);
  for (;;)
    sleep(100);
}

void
t_sigalarm(void)
{
  sig_hits = 0;
  sig_on(SIGALRM, sig_count_handler, 0, 0);
  CHECK(alarm(100) == 0, "alarm with none set: expected 0");
  int left = alarm(0);
  CHECK(left > 90 && left <= 100, "alarm(0) after alarm(100): %d left", left);
  int start = uptime();
  alarm(5);
  CHECK(sig_await(&sig_hits, 1, 300), "SIGALRM never came");
  int took = uptime() - start;
  CHECK(took >= 4 && sig_last == SIGALRM, "SIGALRM after %d ticks, expected 5", took);
  sleep(10);
  CHECK(sig_hits == 1, "one alarm, %d SIGALRMs", sig_hits);
  int pid = start_child(alarm_default_child);
  int st = sig_reap(pid, 300);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM, "default SIGALRM: status %p",
        (void *)(uint64)st);
  CHECK(alarm(-1) == -1, "alarm(-1) did not fail");
}

// ---------------------------------------------------------------- SIGCHLD

void
t_sigchld(void)
{
  sig_hits = 0;
  sig_on(SIGCHLD, sig_count_handler, 0, 0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0)
    exit(0);
  CHECK(wait(0) == pid, "wait failed");
  CHECK(sig_await(&sig_hits, 1, 100) && sig_last == SIGCHLD, "SIGCHLD handler did not run");
  // Default: ignored, and wait is not disturbed.
  sig_on(SIGCHLD, SIG_DFL, 0, 0);
  pid = fork();
  if (pid == 0)
    exit(3);
  int st = 0;
  CHECK(wait(&st) == pid && st == 3, "wait with SIGCHLD at default: status %d", st);
}

// waitpid(WNOHANG) never blocks, so no signal can interrupt it: while a
// child floods us with SIGUSR1 it answers 0 until the child is gone, never -1.
void
t_sigwnohang(void)
{
  sig_hits = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  int parent = getpid();
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    for (int i = 0; i < 3000; i++)
      sigsend(parent, SIGUSR1);
    exit(0);
  }
  int st = 0, r, zeros = 0, fails = 0, start = uptime();
  while ((r = waitpid(pid, &st, WNOHANG)) != pid) {
    if (r == 0)
      zeros++;
    else
      fails++;
    CHECK(uptime() - start < 1000, "the child never ended");
  }
  sig_on(SIGUSR1, SIG_IGN, 0, 0);
  CHECK(fails == 0, "waitpid(WNOHANG) returned -1 %d times while signals arrived (0 %d times)",
        fails, zeros);
  CHECK(sig_hits > 0, "no SIGUSR1 arrived while waiting");
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
  CHECK(sig_await(counter, 1, 100), "child did not start counting");
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
    CHECK(sig_await(counter, c + 1, 100), "the child did not continue");
  }
  // SIGKILL ends a stopped process.
  sigsend(pid, SIGSTOP);
  int st;
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), "second stop not reported");
  kill(pid);
  st = sig_reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "stopped+killed: status %p",
        (void *)(uint64)st);
  munmap((void *)counter, PGSIZE);

  // A child asleep in a pipe read stops (the read is interrupted so its
  // thread can park) and, continued, goes on reading: no -1 shows.
  int fds[2];
  CHECK(pipe(fds) == 0, "pipe failed");
  pid = fork();
  if (pid == 0) {
    char c = 0;
    int r = read(fds[0], &c, 1);
    exit(r == 1 && c == 'y' ? 0 : 1);
  }
  sleep(3);
  sigsend(pid, SIGSTOP);
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st),
        "a child asleep in read did not stop");
  sigsend(pid, SIGCONT);
  sleep(3);
  write(fds[1], "y", 1);
  st = sig_reap(pid, 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the read a stop interrupted did not go on "
        "(status %p)", (void *)(uint64)st);
  close(fds[0]);
  close(fds[1]);
}

// ----------------------------------------------------- clone and exec rules

static char clone_stack[4096] __attribute__((aligned(16)));

static int
set_handler_child(void *arg)
{
  struct sigaction a = { 0 };
  a.sa_handler = sig_count_handler;
  return sigaction(SIGUSR2, &a, 0) == 0 ? 0 : 1;
}

static int
handler_now(int sig)
{
  struct sigaction old;
  CHECK(sigaction(sig, 0, &old) == 0, "sigaction(read) failed");
  return old.sa_handler == sig_count_handler;
}

void
t_sigclone(void)
{
  CHECK(clone(CLONE_SIGHAND, 0, 0, 0) == -1, "CLONE_SIGHAND without CLONE_VM succeeded");
  sig_on(SIGUSR2, SIG_DFL, 0, 0);
  // Shared table: the child's sigaction is ours too.
  int id = clone_run(CLONE_VM | CLONE_SIGHAND, clone_stack + sizeof(clone_stack), 0, 0,
                     set_handler_child, 0);
  int st = -5;
  CHECK(id > 0 && wait(&st) == id && st == 0, "CLONE_VM|CLONE_SIGHAND child failed");
  CHECK(handler_now(SIGUSR2), "CLONE_SIGHAND: the child's handler is not ours");
  // Copied table: not.
  sig_on(SIGUSR2, SIG_DFL, 0, 0);
  id = clone_run(CLONE_VM, clone_stack + sizeof(clone_stack), 0, 0, set_handler_child, 0);
  CHECK(id > 0 && wait(&st) == id && st == 0, "CLONE_VM child failed");
  CHECK(!handler_now(SIGUSR2), "without CLONE_SIGHAND the child changed our handler");
  // A fork child has a copy, with our handler in it.
  sig_on(SIGUSR2, sig_count_handler, 0, 0);
  int pid = fork();
  if (pid == 0)
    exit(handler_now(SIGUSR2) ? 0 : 1);
  CHECK(wait(&st) == pid && st == 0, "fork child did not inherit the handler");
  // A child inherits the mask (threads do too: sigthreadmask); nothing
  // pending comes along.
  sig_mask_set(SIG_BLOCK, SIGUSR1);
  sigsend(getpid(), SIGUSR1);
  sig_hits = 0;
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  pid = fork();
  if (pid == 0) {
    sigset_t m = 0, p = 1;
    sigprocmask(SIG_BLOCK, 0, &m);
    sigpending(&p);
    exit(m == SIGBIT(SIGUSR1) && p == 0 ? 0 : 1);
  }
  CHECK(wait(&st) == pid && st == 0, "fork child: mask not inherited or pending inherited");
  sig_mask_set(SIG_UNBLOCK, SIGUSR1);
  CHECK(sig_hits == 1, "our own pending SIGUSR1 was lost");
}

static char *sigexec_argv[] = { "usertests", "-x", "sigexec", 0 };

void
t_sigexec(void)
{
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
  sig_on(SIGUSR2, SIG_IGN, 0, 0);
  sig_mask_set(SIG_BLOCK, SIGTERM);
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
  exit(sig == SIGSEGV && info->si_code == SI_KERNEL && info->si_addr == fault_addr ? 42 : 43);
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
  sig_on(SIGSEGV, segv_faulting_handler, 0, 0);
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
  sig_on(SIGILL, ill_exit_handler, 0, 0);
  asm volatile(".word 0");       // an illegal instruction
  exit(44);
}

static void
fault_blocked(void)
{
  sig_on(SIGSEGV, sig_count_handler, 0, 0);
  sig_mask_set(SIG_BLOCK, SIGSEGV);
  sink = *(volatile char *)0x1000000000UL;
  exit(44);
}

void
t_sigfault(void)
{
  int st = sig_reap(start_child(fault_with_handler), 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "SIGSEGV handler: status %p, expected "
        "exit 42 from the handler", (void *)(uint64)st);
  st = sig_reap(start_child(illegal_with_handler), 200);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "SIGILL handler: status %p",
        (void *)(uint64)st);
  st = sig_reap(start_child(fault_in_handler), 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a handler that faults: status %p, "
        "expected killed by SIGSEGV", (void *)(uint64)st);
  st = sig_reap(start_child(fault_blocked), 200);
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
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
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
    int st = sig_reap(start_child(kids[i]), 200);
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
    sig_spin_forever();
  }
  sleep(2);
  kill(pid);
  int st = sig_reap(pid, 200);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "forged mask: status %p",
        (void *)(uint64)st);
  check_fork_works("fork after hostile frames failed");
}

void
t_sigbadptr(void)
{
  struct sigaction a = { 0 }, old;
  a.sa_handler = sig_count_handler;
  char *bad[] = { (char *)0x1000000000UL, (char *)KERNBASE, (char *)0xffffffffffffffffUL };
  sig_on(SIGUSR1, sig_count_handler, 0, 0);
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
