// sigdemo.c: signals and threads, for class -- what the threads of one
// process share (the handlers) and what each keeps for itself (its mask),
// and how a parent reaps its children from a SIGCHLD handler.
//
//   1. One sigaction() by main installs a SIGUSR1 handler; pthread_kill()
//      sends SIGUSR1 to each of three threads in turn: each one runs that
//      same handler, on its own stack.
//   2. Threads 1 and 2 (and main) block SIGUSR2 with pthread_sigmask();
//      thread 3 does not. SIGUSR2 sent to the *process* (sigsend) is taken
//      by a thread that does not block it: thread 3, every time.
//   3. A SIGCHLD handler reaps children with waitpid(WNOHANG) as they end:
//      three exit with statuses 1, 2, 3; a fourth is killed by SIGTERM.
//
// Handlers only record what happened (a handler should do little); main
// prints. Every wait gives up after 5 s and the line then says FAILED, so
// the demo always ends; the last line says whether everything held.

#include "kernel/types.h"
#include "user/user.h"
#include "user/signal.h"
#include "user/pthread.h"

#define NTHREADS 3
#define PATIENCE 500            // ticks (10 ms) to wait for a handler

static pthread_t workers[NTHREADS];
static int worker_tid[NTHREADS];
static volatile int ready;
static volatile int done;

static volatile int handled;    // handler runs so far (parts 1 and 2)
static volatile int handler_tid;

#define MAXKIDS 4
static volatile int reaped;
static int reaped_pid[MAXKIDS];
static int reaped_status[MAXKIDS];

static int failures;

static void
on_signal(int sig)
{
  handler_tid = gettid();
  handled++;
}

// Reap every child that has ended; more than one may end per SIGCHLD.
static void
on_child(int sig)
{
  int pid, status;
  while (reaped < MAXKIDS && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
    reaped_pid[reaped] = pid;
    reaped_status[reaped] = status;
    reaped++;
  }
}

static void
catch(int sig, void (*handler)(int))
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, 0) < 0) {
    printf("sigdemo: sigaction(%d) failed\n", sig);
    exit(1);
  }
}

static void
mask(int how, int sig)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(how, &set, 0);
}

// Wait (sleeping, so signals get through) until *counter reaches n.
static int
wait_for_count(volatile int *counter, int n)
{
  for (int t = 0; *counter < n && t < PATIENCE; t++)
    sleep(1);
  return *counter >= n;
}

static void
result(int ok, const char *what)
{
  printf("   -> %s: %s\n", what, ok ? "yes" : "NO (FAILED)");
  if (!ok)
    failures++;
}

static void *
worker(void *arg)
{
  int index = (int)(uint64)arg;
  worker_tid[index] = gettid();
  if (index < 2)
    mask(SIG_BLOCK, SIGUSR2);     // threads 1 and 2 block it; thread 3 does not
  __atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
  while (!done)
    sleep(1);                     // a signal cuts the sleep short: its handler runs
  return 0;
}

static void
part1_shared_handlers(void)
{
  printf("\n1. Handlers belong to the process: installed once, every thread runs them.\n");
  printf("   main (tid %d) installs one SIGUSR1 handler with sigaction().\n", gettid());
  catch(SIGUSR1, on_signal);
  int all = 1;
  for (int i = 0; i < NTHREADS; i++) {
    int before = handled;
    pthread_kill(workers[i], SIGUSR1);
    int ok = wait_for_count(&handled, before + 1);
    printf("   pthread_kill(thread %d, SIGUSR1): the handler ran in tid %d%s\n",
           i + 1, handler_tid, ok ? "" : " -- never ran");
    all = all && ok && handler_tid == worker_tid[i];
  }
  result(all, "each thread ran main's handler, in its own tid");
}

static void
part2_own_masks(void)
{
  printf("\n2. Masks belong to each thread.\n");
  printf("   main and threads 1, 2 block SIGUSR2 (pthread_sigmask); thread 3 (tid %d) does not.\n",
         worker_tid[2]);
  catch(SIGUSR2, on_signal);
  mask(SIG_BLOCK, SIGUSR2);
  int all = 1;
  for (int k = 1; k <= 3; k++) {
    int before = handled;
    sigsend(getpid(), SIGUSR2);   // to the process, not to a thread
    int ok = wait_for_count(&handled, before + 1);
    printf("   sigsend(pid %d, SIGUSR2) #%d was taken by tid %d%s\n", getpid(), k,
           handler_tid, ok ? "" : " -- nobody took it");
    all = all && ok && handler_tid == worker_tid[2];
  }
  result(all, "only the thread that does not block it takes it");
  mask(SIG_UNBLOCK, SIGUSR2);
}

static void
part3_sigchld(void)
{
  printf("\n3. SIGCHLD: the parent reaps children from a handler as they end.\n");
  catch(SIGCHLD, on_child);
  int kids[MAXKIDS];
  for (int i = 0; i < MAXKIDS; i++) {
    kids[i] = fork();
    if (kids[i] < 0) {
      printf("sigdemo: fork failed\n");
      exit(1);
    }
    if (kids[i] == 0) {
      if (i == MAXKIDS - 1) {
        for (;;)
          sleep(100);             // waits for the SIGTERM below
      }
      sleep(10 * (i + 1));        // end one after the other
      exit(i + 1);
    }
  }
  printf("   forked %d children; the last one waits for SIGTERM\n", MAXKIDS);
  sigsend(kids[MAXKIDS - 1], SIGTERM);
  int ok = wait_for_count(&reaped, MAXKIDS);
  for (int i = 0; i < reaped; i++) {
    int st = reaped_status[i];
    if (WIFEXITED(st))
      printf("   the handler reaped pid %d: exited with status %d\n", reaped_pid[i],
             WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
      printf("   the handler reaped pid %d: killed by signal %d (SIGTERM is %d)\n",
             reaped_pid[i], WTERMSIG(st), SIGTERM);
  }
  result(ok, "all four reaped by the handler, none left as zombies");
}

int
main(void)
{
  printf("sigdemo: pid %d, main thread tid %d, %d more threads\n", getpid(), gettid(),
         NTHREADS);
  for (int i = 0; i < NTHREADS; i++) {
    if (pthread_create(&workers[i], 0, worker, (void *)(uint64)i) != 0) {
      printf("sigdemo: pthread_create failed\n");
      exit(1);
    }
  }
  wait_for_count(&ready, NTHREADS);
  for (int i = 0; i < NTHREADS; i++)
    printf("   thread %d: tid %d%s\n", i + 1, worker_tid[i],
           i < 2 ? " (blocks SIGUSR2)" : "");

  part1_shared_handlers();
  part2_own_masks();
  done = 1;
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(workers[i], 0);
  part3_sigchld();

  printf("\nsigdemo: %s\n", failures ? "SOME PARTS FAILED" : "everything as described");
  exit(failures ? 1 : 0);
}
