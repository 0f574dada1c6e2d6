// threaddemo.c: what threads share and what each keeps for itself.
//
//   threaddemo         run the demo (and a self-check of the thread library)
//   threaddemo guard   also show a stack overflow hitting the guard page
//   threaddemo park N  each worker sleeps N ticks first: time to look at
//                      the threads with `ps -L` or /proc (`threaddemo park 200 &`)
//
// Four threads of one process: they print the same pid but different tids;
// they add to one global counter (exact only under a mutex); each has its
// own copy of a __thread variable. Then barrier, condition variable,
// detached threads and malloc are exercised and reported OK / FAILED.

#include "kernel/types.h"
#include "user/user.h"
#include "user/pthread.h"

#define NWORKERS 4
#define ROUNDS   20000

// Shared by all threads: ordinary globals.
static int counter;                       // only touched under counter_lock
static volatile int racy_counter;         // touched with no lock at all
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
// The console is shared too: one printf at a time keeps lines whole.
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

// One per thread: every thread starts with the initial value 100.
static __thread int my_value = 100;
static __thread int my_zeroed;            // .tbss: starts at 0 in every thread

static int failures;
static int park_ticks;                    // "park N": workers sleep N ticks first

static void
check(int ok, const char *what)
{
  printf("  %s: %s\n", what, ok ? "OK" : "FAILED");
  if (!ok)
    failures++;
}

// ---- part 1-3: identity, shared counter, thread-local data ------------------

static void *
worker(void *arg)
{
  int index = (int)(uint64)arg;
  my_value += (index + 1) * 1000;         // changes only this thread's copy
  my_zeroed = index;
  pthread_mutex_lock(&print_lock);
  printf("  thread %d: pid %d tid %d  my_value = %d (at %p)\n",
         index, getpid(), gettid(), my_value, &my_value);
  pthread_mutex_unlock(&print_lock);
  if (park_ticks > 0)
    sleep(park_ticks);
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&counter_lock);
    counter++;
    pthread_mutex_unlock(&counter_lock);
    racy_counter = racy_counter + 1;      // read, add, write: may lose updates
  }
  // The value is still ours, whatever the other threads did meanwhile.
  if (my_value != 100 + (index + 1) * 1000 || my_zeroed != index)
    return (void *)-1;
  return (void *)(uint64)(index * 10);
}

static void
demo_basics(void)
{
  pthread_t t[NWORKERS];
  printf("main thread: pid %d tid %d  my_value = %d (at %p)\n",
         getpid(), gettid(), my_value, &my_value);
  for (int i = 0; i < NWORKERS; i++) {
    int err = pthread_create(&t[i], 0, worker, (void *)(uint64)i);
    if (err != 0) {
      printf("threaddemo: pthread_create failed (error %d)\n", err);
      exit(1);
    }
  }
  int results_ok = 1;
  for (int i = 0; i < NWORKERS; i++) {
    void *ret;
    pthread_join(t[i], &ret);
    results_ok &= ((uint64)ret == (uint64)(i * 10));
  }
  printf("\nshared counter, %d threads x %d increments:\n", NWORKERS, ROUNDS);
  printf("  with a mutex:    %d (expected %d)\n", counter, NWORKERS * ROUNDS);
  printf("  without a lock:  %d (less when increments of two threads overlapped)\n",
         racy_counter);
  printf("main thread's my_value is still %d\n\n", my_value);
  printf("library checks:\n");
  check(counter == NWORKERS * ROUNDS, "mutex counter exact");
  check(my_value == 100 && my_zeroed == 0, "main's TLS untouched");
  check(results_ok, "join returns each thread's value and TLS stayed private");
}

// ---- part 4: barrier --------------------------------------------------------------

static pthread_barrier_t barrier;
static int phase_count[3];
static int barrier_ok = 1;
static int serial_threads;

static void *
barrier_worker(void *arg)
{
  for (int phase = 0; phase < 3; phase++) {
    __atomic_add_fetch(&phase_count[phase], 1, __ATOMIC_SEQ_CST);
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
      __atomic_add_fetch(&serial_threads, 1, __ATOMIC_SEQ_CST);
    // Past the barrier, everybody must have finished this phase.
    if (__atomic_load_n(&phase_count[phase], __ATOMIC_SEQ_CST) != NWORKERS)
      barrier_ok = 0;
  }
  return 0;
}

static void
demo_barrier(void)
{
  pthread_t t[NWORKERS];
  pthread_barrier_init(&barrier, 0, NWORKERS);
  for (int i = 0; i < NWORKERS; i++)
    pthread_create(&t[i], 0, barrier_worker, 0);
  for (int i = 0; i < NWORKERS; i++)
    pthread_join(t[i], 0);
  check(barrier_ok && serial_threads == 3, "barrier holds everyone until all arrive");
}

// ---- part 5: condition variable (a one-slot mailbox) -------------------------------

#define NMESSAGES 200
static pthread_mutex_t box_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t box_changed = PTHREAD_COND_INITIALIZER;
static int box_full, box_value;

static void *
producer(void *arg)
{
  for (int i = 1; i <= NMESSAGES; i++) {
    pthread_mutex_lock(&box_lock);
    while (box_full)
      pthread_cond_wait(&box_changed, &box_lock);
    box_value = i;
    box_full = 1;
    pthread_cond_broadcast(&box_changed);
    pthread_mutex_unlock(&box_lock);
  }
  return 0;
}

static void
demo_cond(void)
{
  pthread_t t;
  int sum = 0, in_order = 1;
  pthread_create(&t, 0, producer, 0);
  for (int i = 1; i <= NMESSAGES; i++) {
    pthread_mutex_lock(&box_lock);
    while (!box_full)
      pthread_cond_wait(&box_changed, &box_lock);
    in_order &= (box_value == i);
    sum += box_value;
    box_full = 0;
    pthread_cond_signal(&box_changed);
    pthread_mutex_unlock(&box_lock);
  }
  pthread_join(t, 0);
  check(in_order && sum == NMESSAGES * (NMESSAGES + 1) / 2,
        "condition variable passes 200 messages in order");
}

// ---- part 6: detached threads and malloc from many threads --------------------------

static int detached_done;

static void *
malloc_worker(void *arg)
{
  for (int i = 0; i < 200; i++) {
    char *p = malloc(16 + (i % 7) * 40);
    if (p == 0)
      return (void *)-1;
    memset(p, i, 16);
    if (p[15] != (char)i)
      return (void *)-1;
    free(p);
  }
  __atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
  return 0;
}

static void
demo_detached(void)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int started = 0;
  // Half detached at creation, half by pthread_detach; nobody joins them:
  // each later pthread_create frees the regions of those already finished.
  for (int round = 0; round < 40; round++) {
    pthread_t t;
    if (pthread_create(&t, round % 2 ? &attr : 0, malloc_worker, 0) == 0) {
      started++;
      if (round % 2 == 0)
        pthread_detach(t);
    }
  }
  while (__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST) < started)
    sleep(1);
  check(started == 40 && detached_done == 40, "40 detached threads, malloc in each");
}

static uint64
free_pages(void)
{
  struct meminfo mi;
  return meminfo(&mi) == 0 ? mi.free_pages : 0;
}

static void *
nothing(void *arg)
{
  return arg;
}

// Thread regions must go back to the kernel: after joins, and for detached
// threads at the next create or join once they have finished.
static void
demo_no_leak(void)
{
  uint64 before = free_pages();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < 20; i++) {
    pthread_t t;
    pthread_create(&t, i % 2 ? &attr : 0, nothing, 0);
    if (i % 2 == 0)
      pthread_join(t, 0);
  }
  sleep(2);                   // let the detached ones finish ...
  pthread_t t;
  pthread_create(&t, 0, nothing, 0);
  pthread_join(t, 0);         // ... and be reaped here
  uint64 after = free_pages();
  check(after >= before, "thread stacks are unmapped after join and detach");
}

// ---- optional: the guard page ------------------------------------------------------

static volatile int stop_depth = 1 << 30;   // never reached: a 16 KiB stack is far smaller

static int
recurse(int depth)
{
  volatile char frame[512];
  frame[0] = depth;
  if (depth >= stop_depth)
    return 0;
  return recurse(depth + 1) + frame[0];
}

static void *
overflow(void *arg)
{
  return (void *)(uint64)recurse(0);
}

static void
demo_guard(void)
{
  printf("\nguard page: a thread recursing without end, in a child process\n");
  int pid = fork();
  if (pid == 0) {
    pthread_t t;
    pthread_create(&t, 0, overflow, 0);
    pthread_join(t, 0);
    printf("  overflow was not caught!\n");
    exit(0);
  }
  int status = 0;
  wait(&status);
  check(status == -1, "stack overflow faults on the guard page (child status -1)");
}

int
main(int argc, char *argv[])
{
  if (argc > 2 && strcmp(argv[1], "park") == 0)
    park_ticks = atoi(argv[2]);
  demo_basics();
  demo_barrier();
  demo_cond();
  demo_detached();
  demo_no_leak();
  if (argc > 1 && strcmp(argv[1], "guard") == 0)
    demo_guard();
  printf(failures ? "threaddemo: SOME CHECKS FAILED\n" : "threaddemo: all checks OK\n");
  exit(failures ? 1 : 0);
}
