// psignals.c: tests of <signal.h> in the POSIX flavour, written as
// standard C (they build unchanged on Linux): handlers get the right
// number, SIG_IGN, masks and pending sets, raise, alarm and pause, death by
// a signal in waitpid's status, abort, kill's errors, FP registers across a
// handler, signals to and masks of threads, and process groups (killpg,
// waitpid of a group). Each case prints
// "psignal NAME: OK" or "psignal NAME: FAILED: why"; the run ends with
// "psignals: ALL OK" or "psignals: SOME FAILED". usage: psignals [NAME...]

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cases.h"

static char why[200];

#define CHECK(cond, ...) do {                             \
    if (!(cond)) {                                        \
      snprintf(why, sizeof(why), __VA_ARGS__);            \
      return 1;                                           \
    }                                                     \
  } while (0)

static volatile sig_atomic_t got, hits;
static volatile pthread_t ran_on;

static void
record(int sig)
{
  got = sig;
  hits++;
  ran_on = pthread_self();
}

static void
catch(int sig, void (*fn)(int))
{
  struct sigaction a;
  memset(&a, 0, sizeof(a));
  a.sa_handler = fn;
  sigemptyset(&a.sa_mask);
  sigaction(sig, &a, 0);
}

// ---- handlers ---------------------------------------------------------------------

static int
t_handler(void)
{
  got = 0;
  catch(SIGUSR1, record);
  CHECK(kill(getpid(), SIGUSR1) == 0, "kill failed");
  CHECK(got == SIGUSR1, "handler got %d, want SIGUSR1 = %d", got, SIGUSR1);
  struct sigaction old;
  CHECK(sigaction(SIGUSR1, 0, &old) == 0 && old.sa_handler == record, "old handler lost");
  catch(SIGUSR1, SIG_DFL);
  return 0;
}

static int
t_ignore(void)
{
  catch(SIGUSR2, SIG_IGN);
  CHECK(raise(SIGUSR2) == 0, "raise failed");
  CHECK(kill(getpid(), SIGUSR2) == 0, "kill failed");
  CHECK(signal(SIGUSR2, SIG_DFL) == SIG_IGN, "signal() did not return SIG_IGN");
  return 0;    // still alive
}

static int
t_raise(void)
{
  got = 0;
  catch(SIGTERM, record);
  CHECK(raise(SIGTERM) == 0 && got == SIGTERM, "got %d, want SIGTERM", got);
  // signal() installs a handler the kernel runs: kill from outside the library.
  got = 0;
  CHECK(signal(SIGINT, record) != SIG_ERR, "signal() failed");
  CHECK(kill(getpid(), SIGINT) == 0 && got == SIGINT, "signal(): got %d, want SIGINT", got);
  signal(SIGINT, SIG_DFL);
  catch(SIGTERM, SIG_DFL);
  return 0;
}

static int
t_mask(void)
{
  sigset_t s, old, pend;
  got = 0;
  catch(SIGUSR1, record);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0, "sigprocmask failed");
  raise(SIGUSR1);
  CHECK(got == 0, "delivered while blocked");
  CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1), "not pending");
  CHECK(!sigismember(&pend, SIGUSR2), "SIGUSR2 pending too");
  sigset_t now;
  CHECK(sigprocmask(SIG_SETMASK, 0, &now) == 0 && sigismember(&now, SIGUSR1),
        "mask does not show SIGUSR1");
  CHECK(sigprocmask(SIG_SETMASK, &old, 0) == 0, "restore failed");
  CHECK(got == SIGUSR1, "not delivered on unblock (got %d)", got);
  CHECK(sigprocmask(99, &s, 0) == -1 && errno == EINVAL, "bad how accepted");
  catch(SIGUSR1, SIG_DFL);
  return 0;
}

static int
t_alarm(void)
{
  got = 0;
  catch(SIGALRM, record);
  CHECK(alarm(1) == 0, "an alarm was set already");
  CHECK(pause() == -1 && errno == EINTR, "pause did not return -1/EINTR");
  CHECK(got == SIGALRM, "got %d, want SIGALRM = %d", got, SIGALRM);
  CHECK(alarm(5) == 0 && alarm(0) >= 4, "alarm's seconds left are wrong");
  catch(SIGALRM, SIG_DFL);
  return 0;
}

// ---- death by a signal ------------------------------------------------------------

static int
killed_by(int sig, int how)
{
  pid_t pid = fork();
  if (pid == 0) {
    if (how == 1)
      abort();
    if (how == 2) {
      signal(SIGABRT, record);    // returns: abort must still end us
      abort();
    }
    for (;;)
      pause();
  }
  if (pid < 0)
    return -1;
  if (how == 0)
    kill(pid, sig);
  int st;
  if (waitpid(pid, &st, 0) != pid)
    return -1;
  return WIFSIGNALED(st) ? WTERMSIG(st) : 1000 + st;
}

static int
t_killchild(void)
{
  int s = killed_by(SIGTERM, 0);
  CHECK(s == SIGTERM, "WTERMSIG %d, want SIGTERM = %d", s, SIGTERM);
  s = killed_by(SIGUSR1, 0);
  CHECK(s == SIGUSR1, "WTERMSIG %d, want SIGUSR1 = %d", s, SIGUSR1);
  return 0;
}

static int
t_abort(void)
{
  int s = killed_by(SIGABRT, 1);
  CHECK(s == SIGABRT, "WTERMSIG %d, want SIGABRT = %d", s, SIGABRT);
  s = killed_by(SIGABRT, 2);
  CHECK(s == SIGABRT, "with a handler: WTERMSIG %d, want %d", s, SIGABRT);
  return 0;
}

static int
t_errors(void)
{
  CHECK(kill(getpid(), 0) == 0, "kill(self, 0) failed");
  CHECK(kill(0, 0) == 0, "kill(0, 0) (our own process group) failed");
  errno = 0;
  CHECK(kill(-999999, 0) == -1 && errno == ESRCH, "kill(-999999, 0): errno %d, want ESRCH", errno);
  errno = 0;
  CHECK(kill(-1, SIGTERM) == -1 && errno == ESRCH, "kill(-1, SIGTERM): errno %d, want ESRCH", errno);
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, 0, 0);
  errno = 0;
  CHECK(kill(pid, 0) == -1 && errno == ESRCH, "reaped child: errno %d, want ESRCH", errno);
  CHECK(kill(pid, SIGTERM) == -1 && errno == ESRCH, "SIGTERM: errno %d", errno);
  errno = 0;
  CHECK(kill(getpid(), 99) == -1 && errno == EINVAL, "sig 99: errno %d, want EINVAL", errno);
  errno = 0;
  CHECK(raise(-1) == -1 && errno == EINVAL, "raise(-1): errno %d", errno);
  struct sigaction a;
  memset(&a, 0, sizeof(a));
  a.sa_handler = record;
  errno = 0;
  CHECK(sigaction(SIGKILL, &a, 0) == -1 && errno == EINVAL, "SIGKILL caught: errno %d", errno);
  CHECK(sigaction(0, &a, 0) == -1 && errno == EINVAL, "signal 0 caught");
  CHECK(signal(99, record) == SIG_ERR && errno == EINVAL, "signal(99) accepted");
  return 0;
}

// ---- FP registers across handlers -------------------------------------------------

static volatile double sink;

static void
fp_handler(int sig)
{
  double x = sig;
  for (int i = 0; i < 50; i++)
    x = x * 1.5 - 0.25 / (x + 1.0);
  sink = x;
  hits++;
}

static volatile double seed = 1.0;    // volatile: each call really computes

static double
compute(void)
{
  double a = seed, b = 0.5, c = 3.25, d = -2.0;
  for (int i = 0; i < 20000; i++) {
    a = a * 1.000001 + b;
    b = b * 0.999999 - c * 1e-7;
    c = c + d * 1e-9;
    d = d * 0.9999999 + a * 1e-12;
  }
  return a + b * 3 + c * 5 + d * 7;
}

static int
t_fpregs(void)
{
  double want = compute();
  hits = 0;
  catch(SIGUSR1, fp_handler);
  pid_t parent = getpid(), pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 300; i++) {
      kill(parent, SIGUSR1);
      usleep(1000);
    }
    _exit(0);
  }
  // Until the child is gone (a signal may make a WNOHANG waitpid fail, so
  // -1 does not mean that), then no SIGUSR1 can come after SIG_DFL.
  int bad = 0, rounds = 0, failed = 0;
  time_t start = time(0);
  pid_t r;
  do {
    if (compute() != want)
      bad++;
    rounds++;
    r = waitpid(pid, 0, WNOHANG);
    failed += r < 0;
  } while (r != pid && time(0) < start + 60);
  catch(SIGUSR1, SIG_DFL);
  CHECK(r == pid, "the child did not end (%d rounds, %d waitpid failures)", rounds, failed);
  CHECK(hits > 0, "no signal arrived");
  CHECK(bad == 0, "%d of %d rounds saw wrong FP values (%d signals)", bad, rounds, (int)hits);
  return 0;
}

// ---- threads ----------------------------------------------------------------------

static volatile int ready, done;

static void *
waiter(void *arg)
{
  ready = 1;
  while (!done)
    sched_yield();
  return 0;
}

// pthread_kill reaches the named thread: the handler runs there.
static int
t_pthreadkill(void)
{
  pthread_t t;
  ready = done = 0;
  ran_on = 0;
  got = 0;
  catch(SIGUSR2, record);
  CHECK(pthread_create(&t, 0, waiter, 0) == 0, "create failed");
  while (!ready)
    sched_yield();
  CHECK(pthread_kill(t, SIGUSR2) == 0, "pthread_kill failed");
  for (int i = 0; i < 10000 && !got; i++)
    sched_yield();
  done = 1;
  pthread_join(t, 0);
  catch(SIGUSR2, SIG_DFL);
  CHECK(got == SIGUSR2, "got %d, want SIGUSR2 = %d", got, SIGUSR2);
  CHECK(pthread_equal(ran_on, t), "the handler ran on another thread");
  CHECK(pthread_kill(pthread_self(), 99) == EINVAL, "pthread_kill(99) did not give EINVAL");
  return 0;
}

// Masks are per thread: with SIGUSR1 blocked in main and unblocked in the
// thread, a signal to the process runs its handler on the thread.
static volatile int thread_saw_blocked;

static void *
unblocker(void *arg)
{
  sigset_t s, now;
  pthread_sigmask(SIG_SETMASK, 0, &now);
  thread_saw_blocked = sigismember(&now, SIGUSR1);    // inherited from main
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  pthread_sigmask(SIG_UNBLOCK, &s, 0);
  ready = 1;
  while (!done)
    sched_yield();
  return 0;
}

static int
t_threadmask(void)
{
  pthread_t t;
  sigset_t s, old, now;
  ready = done = 0;
  ran_on = 0;
  got = 0;
  catch(SIGUSR1, record);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  CHECK(pthread_sigmask(SIG_BLOCK, &s, &old) == 0, "pthread_sigmask failed");
  CHECK(pthread_create(&t, 0, unblocker, 0) == 0, "create failed");
  while (!ready)
    sched_yield();
  kill(getpid(), SIGUSR1);
  for (int i = 0; i < 10000 && !got; i++)
    sched_yield();
  done = 1;
  pthread_join(t, 0);
  pthread_sigmask(SIG_SETMASK, 0, &now);
  pthread_sigmask(SIG_SETMASK, &old, 0);
  catch(SIGUSR1, SIG_DFL);
  CHECK(thread_saw_blocked, "the new thread did not inherit the mask");
  CHECK(sigismember(&now, SIGUSR1), "main's mask lost SIGUSR1");
  CHECK(got == SIGUSR1, "got %d, want SIGUSR1", got);
  CHECK(pthread_equal(ran_on, t), "the handler ran on the blocking thread");
  CHECK(pthread_sigmask(99, &s, 0) == EINVAL, "bad how: no EINVAL");
  return 0;
}

// ---- process groups ------------------------------------------------------------------

// Two children in a group of their own and one in ours: killpg ends the
// group, waitpid(-pgid) reaps exactly its members, waitpid(0) the child
// left in our group.
static int
t_groups(void)
{
  pid_t kid[3];
  int st;
  for (int i = 0; i < 3; i++) {
    kid[i] = fork();
    CHECK(kid[i] >= 0, "fork failed");
    if (kid[i] == 0)
      for (;;)
        pause();
    if (i < 2)
      CHECK(setpgid(kid[i], kid[0]) == 0, "setpgid(%d, %d): errno %d", kid[i], kid[0], errno);
  }
  CHECK(getpgid(kid[1]) == kid[0], "getpgid(%d) = %d, want %d", kid[1], getpgid(kid[1]), kid[0]);
  CHECK(getpgid(kid[2]) == getpgrp(), "the third child left our group");
  CHECK(killpg(kid[0], SIGTERM) == 0, "killpg(%d, SIGTERM): errno %d", kid[0], errno);
  for (int i = 0; i < 2; i++) {
    pid_t w = waitpid(-kid[0], &st, 0);
    CHECK(w == kid[0] || w == kid[1], "waitpid(-%d) returned %d (errno %d)", kid[0], w, errno);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "member %d: status %#x", w, st);
  }
  CHECK(waitpid(-kid[0], &st, WNOHANG) == -1 && errno == ECHILD,
        "waitpid of the emptied group: want ECHILD");
  CHECK(killpg(kid[0], 0) == -1 && errno == ESRCH, "killpg of the emptied group: want ESRCH");
  CHECK(killpg(-1, SIGTERM) == -1 && errno == EINVAL, "killpg(-1): want EINVAL");
  CHECK(kill(kid[2], SIGKILL) == 0, "kill(%d, SIGKILL) failed", kid[2]);
  CHECK(waitpid(0, &st, 0) == kid[2] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
        "waitpid(0) did not reap the child in our group");
  return 0;
}

static const struct test_case cases[] = {
  { "handler", t_handler }, { "ignore", t_ignore }, { "raise", t_raise },
  { "mask", t_mask }, { "alarm", t_alarm }, { "killchild", t_killchild },
  { "abort", t_abort }, { "errors", t_errors }, { "fpregs", t_fpregs },
  { "pthreadkill", t_pthreadkill }, { "threadmask", t_threadmask }, { "groups", t_groups },
};

int
main(int argc, char **argv)
{
  return run_cases("psignals", "psignal", cases, sizeof(cases) / sizeof(cases[0]), why, argc, argv);
}
