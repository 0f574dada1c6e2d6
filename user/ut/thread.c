// ut/thread.c: usertests on the thread library and the kernel under it:
// pthread create/join (1000 threads), mutex, condition variable, TLS from
// .tdata/.tbss, the guard page under a thread's stack, futex wait/wake and
// timeout. Process-level behaviour with threads (exit, exec, fork, wait,
// clone's flags) is in ut/task.c.
// Each test runs in a child of the runner (user/usertests.c); every thread
// it starts is joined before it returns, so the runner's free-page count
// comes back.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/ut/ut.h"

// ---------------------------------------------------------------- helpers

// Run fn(arg) in a new pthread; stop the test if that is impossible.
pthread_t
spawn(void *(*fn)(void *), void *arg)
{
  pthread_t t;
  int err = pthread_create(&t, 0, fn, arg);
  CHECK(err == 0, "pthread_create: expected 0, got error %d", err);
  return t;
}

// How many threads of process pid procinfo() reports, and how many of them
// are asleep ('S'); -1 if procinfo fails.
static struct procinfo records[NTHREAD + NPROC];

int
count_threads(int pid, int *sleeping)
{
  int n = procinfo(records, NTHREAD + NPROC);
  if(n < 0)
    return -1;
  int mine = 0;
  *sleeping = 0;
  for(int i = 0; i < n; i++){
    if(records[i].pid != pid || records[i].tstate == 'Z')
      continue;
    mine++;
    *sleeping += records[i].tstate == 'S';
  }
  return mine;
}

// Poll (up to about two seconds) until want threads of this process sleep.
static int
until_asleep(int want)
{
  int sleeping = 0;
  for(int tries = 0; tries < 200; tries++){
    if(count_threads(getpid(), &sleeping) >= 0 && sleeping >= want)
      return 1;
    sleep(1);
  }
  return 0;
}

// --------------------------------------------------------- create and join

enum { JOIN_BATCH = 50, JOIN_ROUNDS = 20 };
static int join_pid;
static int join_tid[JOIN_BATCH];
static int join_runs[JOIN_BATCH];

static void *
join_body(void *arg)
{
  int i = (int)(uint64)arg;
  join_tid[i] = getpid() == join_pid ? gettid() : -1;
  join_runs[i]++;                  // slot i belongs to this thread alone
  return (void *)(uint64)(i * 3 + 1);
}

// 1000 threads, 50 at a time (NTHREAD is system-wide).
void
t_threadjoin(void)
{
  pthread_t t[JOIN_BATCH];
  join_pid = getpid();
  for(int round = 0; round < JOIN_ROUNDS; round++){
    for(int i = 0; i < JOIN_BATCH; i++){
      int err = pthread_create(&t[i], 0, join_body, (void *)(uint64)i);
      CHECK(err == 0, "round %d: pthread_create of thread %d returned error %d, expected 0",
            round, i, err);
    }
    for(int i = 0; i < JOIN_BATCH; i++){
      void *ret = 0;
      CHECK(pthread_join(t[i], &ret) == 0, "round %d: pthread_join of thread %d failed", round, i);
      CHECK((uint64)ret == i * 3 + 1, "round %d: thread %d returned %d, expected %d",
            round, i, (int)(uint64)ret, i * 3 + 1);
      CHECK(join_runs[i] == round + 1, "round %d: thread %d ran %d times in all, expected %d",
            round, i, join_runs[i], round + 1);
      CHECK(join_tid[i] > 0 && join_tid[i] != join_pid,
            "round %d: thread %d saw pid/tid wrong (tid %d, process %d)",
            round, i, join_tid[i], join_pid);
      for(int k = 0; k < i; k++)
        CHECK(join_tid[k] != join_tid[i], "round %d: threads %d and %d both have tid %d",
              round, k, i, join_tid[i]);
    }
  }
}

// ------------------------------------------------------------------- mutex

enum { MUTEX_THREADS = 4, MUTEX_ROUNDS = 5000 };
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int locked_count;
static int trylock_result;

static void *
mutex_body(void *arg)
{
  for(int i = 0; i < MUTEX_ROUNDS; i++){
    pthread_mutex_lock(&count_lock);
    int v = locked_count;          // read, pause, write: a lost update
    for(volatile int d = 0; d < 3; d++)  // shows if two threads get in
      ;
    locked_count = v + 1;
    pthread_mutex_unlock(&count_lock);
  }
  return 0;
}

static void *
trylock_body(void *arg)
{
  trylock_result = pthread_mutex_trylock(&count_lock);
  return 0;
}

void
t_threadmutex(void)
{
  pthread_mutex_lock(&count_lock);
  pthread_join(spawn(trylock_body, 0), 0);
  pthread_mutex_unlock(&count_lock);
  CHECK(trylock_result == PTHREAD_EBUSY, "trylock of a mutex another thread holds: expected "
        "EBUSY (%d), got %d", PTHREAD_EBUSY, trylock_result);
  pthread_t t[MUTEX_THREADS];
  for(int i = 0; i < MUTEX_THREADS; i++)
    t[i] = spawn(mutex_body, 0);
  for(int i = 0; i < MUTEX_THREADS; i++)
    pthread_join(t[i], 0);
  CHECK(locked_count == MUTEX_THREADS * MUTEX_ROUNDS, "%d threads x %d locked increments: "
        "counter %d, expected %d", MUTEX_THREADS, MUTEX_ROUNDS, locked_count,
        MUTEX_THREADS * MUTEX_ROUNDS);
}

// --------------------------------------------------------- thread-local data

enum { TLS_THREADS = 6 };
static __thread int tls_seeded = 1234;     // .tdata: every thread starts at 1234
static __thread int tls_blank;             // .tbss: every thread starts at 0
static int *tls_where[TLS_THREADS + 1];
static int tls_bad[TLS_THREADS + 1];
static pthread_barrier_t tls_all_set;

static void *
tls_body(void *arg)
{
  int i = (int)(uint64)arg;
  if(tls_seeded != 1234 || tls_blank != 0)
    tls_bad[i] = 1;                        // not a fresh copy of the template
  tls_seeded = 100 + i;
  tls_blank = 200 + i;
  tls_where[i] = &tls_seeded;
  pthread_barrier_wait(&tls_all_set);      // everyone has written their own
  sleep(1);
  if(tls_seeded != 100 + i || tls_blank != 200 + i)
    tls_bad[i] |= 2;                       // another thread's write came through
  return 0;
}

void
t_threadtls(void)
{
  tls_seeded = 77;                 // new threads must not copy the creator's value
  tls_blank = 88;
  tls_where[TLS_THREADS] = &tls_seeded;
  pthread_barrier_init(&tls_all_set, 0, TLS_THREADS);
  pthread_t t[TLS_THREADS];
  for(int i = 0; i < TLS_THREADS; i++)
    t[i] = spawn(tls_body, (void *)(uint64)i);
  for(int i = 0; i < TLS_THREADS; i++)
    pthread_join(t[i], 0);
  for(int i = 0; i < TLS_THREADS; i++){
    CHECK(!(tls_bad[i] & 1), "thread %d: a new thread's __thread ints were not 1234 (.tdata) "
          "and 0 (.tbss)", i);
    CHECK(!(tls_bad[i] & 2), "thread %d: its __thread ints changed while other threads "
          "wrote theirs", i);
    for(int k = 0; k <= TLS_THREADS; k++)
      CHECK(k == i || tls_where[k] != tls_where[i], "threads %d and %d share one __thread "
            "int at %p", i, k, tls_where[i]);
  }
  CHECK(tls_seeded == 77 && tls_blank == 88, "main thread's __thread ints are %d %d after "
        "the threads ran, expected 77 88", tls_seeded, tls_blank);
}

// --------------------------------------------------------- stack guard page

enum { GUARD_STACK = 8 * PGSIZE };
static volatile uint64 guard_floor;

// Recurse until a frame lies below guard_floor, the middle of the page
// under the thread's stack; a guard page kills us on the way there.
static int
dive(int depth)
{
  volatile char frame[256];
  frame[depth % 256] = (char)depth;
  if((uint64)frame < guard_floor)
    return frame[0];
  return dive(depth + 1) + frame[(depth * 5) % 256];
}

static void *
guard_body(void *arg)
{
  // The stack ends just under the page holding our descriptor (pthread.c).
  uint64 stack_top = PGROUNDDOWN((uint64)pthread_self());
  guard_floor = stack_top - GUARD_STACK - PGSIZE / 2;
  return (void *)(uint64)dive(0);
}

static void
guard_child(void)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, GUARD_STACK);
  pthread_t t;
  CHECK(pthread_create(&t, &attr, guard_body, 0) == 0, "pthread_create failed");
  pthread_join(t, 0);
  printf("a thread wrote the page under its %d-byte stack and lived\n", GUARD_STACK);
}

void
t_threadguard(void)
{
  expect_killed(guard_child, "a thread overrunning its stack into the guard page");
}

// -------------------------------------------------------------------- futex

enum { FX_WAITERS = 3 };
static int fx_word;
static int fx_result[FX_WAITERS];
static int fx_returned;

static void *
fx_waiter(void *arg)
{
  int i = (int)(uint64)arg;
  fx_result[i] = futex(&fx_word, FUTEX_WAIT, 0, 0);
  __atomic_add_fetch(&fx_returned, 1, __ATOMIC_SEQ_CST);
  return 0;
}

static int
fx_returned_reaches(int want)
{
  for(int tries = 0; tries < 200; tries++){
    if(__atomic_load_n(&fx_returned, __ATOMIC_SEQ_CST) >= want)
      return 1;
    sleep(1);
  }
  return 0;
}

static void
futex_bad_calls(void)
{
  CHECK(futex(&fx_word, FUTEX_WAIT, 1, 0) == -1, "FUTEX_WAIT when *addr != val: expected -1");
  CHECK(futex((int *)((char *)&fx_word + 1), FUTEX_WAIT, 0, 0) == -1,
        "FUTEX_WAIT on a misaligned address: expected -1");
  CHECK(futex((int *)0x1000000000UL, FUTEX_WAIT, 0, 0) == -1,
        "FUTEX_WAIT on an unmapped address: expected -1");
  CHECK(futex(&fx_word, 7, 0, 0) == -1, "futex op 7: expected -1");
  CHECK(futex(&fx_word, FUTEX_WAIT, 0, -3) == -1, "FUTEX_WAIT with timeout -3: expected -1");
  CHECK(futex(&fx_word, FUTEX_WAKE, 5, 0) == 0, "FUTEX_WAKE with nobody waiting: expected 0");
}

void
t_threadfutex(void)
{
  futex_bad_calls();
  pthread_t t[FX_WAITERS];
  for(int i = 0; i < FX_WAITERS; i++)
    t[i] = spawn(fx_waiter, (void *)(uint64)i);
  CHECK(until_asleep(FX_WAITERS), "%d threads in FUTEX_WAIT were not all asleep after 200 "
        "ticks", FX_WAITERS);
  int n = futex(&fx_word, FUTEX_WAKE, 2, 0);
  CHECK(n == 2, "FUTEX_WAKE 2 with %d waiters: returned %d, expected 2", FX_WAITERS, n);
  CHECK(fx_returned_reaches(2), "two woken waiters did not return from FUTEX_WAIT");
  CHECK(fx_returned == 2, "FUTEX_WAKE 2 let %d waiters go", fx_returned);
  n = futex(&fx_word, FUTEX_WAKE, 10, 0);
  CHECK(n == 1, "FUTEX_WAKE 10 with one waiter left: returned %d, expected 1", n);
  for(int i = 0; i < FX_WAITERS; i++)
    pthread_join(t[i], 0);
  for(int i = 0; i < FX_WAITERS; i++)
    CHECK(fx_result[i] == 0, "woken waiter %d: FUTEX_WAIT returned %d, expected 0",
          i, fx_result[i]);
  CHECK(futex(&fx_word, FUTEX_WAKE, 10, 0) == 0, "FUTEX_WAKE after all left: expected 0");
  int t0 = uptime();
  int r = futex(&fx_word, FUTEX_WAIT, 0, 5);
  int took = uptime() - t0;
  CHECK(r == -1, "FUTEX_WAIT with a 5-tick timeout and no waker: returned %d, expected -1", r);
  CHECK(took >= 5 && took < 200, "FUTEX_WAIT with a 5-tick timeout returned after %d ticks",
        took);
}

// ---------------------------------------- condition variable: bounded buffer

enum { CV_PRODUCERS = 3, CV_CONSUMERS = 3, CV_PER = 300, CV_SLOTS = 4,
       CV_TOTAL = CV_PRODUCERS * CV_PER };
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_not_empty = PTHREAD_COND_INITIALIZER;
static int cv_ring[CV_SLOTS];
static int cv_head, cv_used, cv_taken;
static char cv_seen[CV_TOTAL];
static int cv_overfull;

static void *
cv_producer(void *arg)
{
  int who = (int)(uint64)arg;
  for(int i = 0; i < CV_PER; i++){
    pthread_mutex_lock(&cv_lock);
    while(cv_used == CV_SLOTS)
      pthread_cond_wait(&cv_not_full, &cv_lock);
    cv_ring[(cv_head + cv_used) % CV_SLOTS] = who * CV_PER + i;
    cv_used++;
    pthread_cond_signal(&cv_not_empty);
    pthread_mutex_unlock(&cv_lock);
  }
  return 0;
}

// Take items until all CV_TOTAL are gone; the last taker wakes the rest.
static void *
cv_consumer(void *arg)
{
  pthread_mutex_lock(&cv_lock);
  for(;;){
    while(cv_used == 0 && cv_taken < CV_TOTAL)
      pthread_cond_wait(&cv_not_empty, &cv_lock);
    if(cv_taken == CV_TOTAL)
      break;
    int item = cv_ring[cv_head];
    cv_head = (cv_head + 1) % CV_SLOTS;
    cv_used--;
    cv_taken++;
    if(item >= 0 && item < CV_TOTAL)
      cv_seen[item]++;
    else
      cv_overfull = 1;
    pthread_cond_signal(&cv_not_full);
    if(cv_taken == CV_TOTAL)
      pthread_cond_broadcast(&cv_not_empty);
  }
  pthread_mutex_unlock(&cv_lock);
  return 0;
}

void
t_threadcond(void)
{
  pthread_t t[CV_PRODUCERS + CV_CONSUMERS];
  for(int i = 0; i < CV_CONSUMERS; i++)
    t[i] = spawn(cv_consumer, 0);
  for(int i = 0; i < CV_PRODUCERS; i++)
    t[CV_CONSUMERS + i] = spawn(cv_producer, (void *)(uint64)i);
  for(int i = 0; i < CV_PRODUCERS + CV_CONSUMERS; i++)
    pthread_join(t[i], 0);
  CHECK(!cv_overfull, "a consumer took an item that was never produced");
  for(int i = 0; i < CV_TOTAL; i++)
    CHECK(cv_seen[i] == 1, "item %d (producer %d) was delivered %d times, expected once",
          i, i / CV_PER, cv_seen[i]);
  CHECK(cv_used == 0, "%d items left in the buffer", cv_used);
}

// ---------------------------------------------- a joined thread's slot is free

#define SLOT_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
                    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
enum { SLOT_MAX = NTHREAD, SLOT_STACK = 1024, SLOT_ROUNDS = 300 };
static char slot_stacks[SLOT_MAX][SLOT_STACK] __attribute__((aligned(16)));
static int slot_word[SLOT_MAX];      // tid while the thread lives, 0 once it is gone
static int slot_gate[SLOT_MAX];      // 1: thread i may end

static int
slot_body(void *arg)
{
  int i = (int)(uint64)arg;
  while(__atomic_load_n(&slot_gate[i], __ATOMIC_SEQ_CST) == 0)
    futex(&slot_gate[i], FUTEX_WAIT, 0, 0);
  return 0;
}

static int
slot_start(int i)
{
  slot_gate[i] = 0;
  return clone_run(SLOT_FLAGS, slot_stacks[i] + SLOT_STACK, 0, &slot_word[i], slot_body,
                   (void *)(uint64)i);
}

// Let thread i end and wait, spinning, for the kernel to clear its word.
static void
slot_end(int i)
{
  __atomic_store_n(&slot_gate[i], 1, __ATOMIC_SEQ_CST);
  futex(&slot_gate[i], FUTEX_WAKE, 1, 0);
  while(__atomic_load_n(&slot_word[i], __ATOMIC_SEQ_CST) != 0)
    ;
}

// Fill whatever limit comes first, then end one thread and start another
// in its place the moment its clear-tid word reads 0, again and again.
static void
slot_cycle(char *limit)
{
  int n = 0;
  while(n < SLOT_MAX && slot_start(n) > 0)
    n++;
  CHECK(n > 1 && n < SLOT_MAX, "%s: %d threads started before clone failed", limit, n);
  for(int round = 0; round < SLOT_ROUNDS; round++){
    int i = round % n;
    slot_end(i);
    int tid = slot_start(i);
    CHECK(tid > 0, "%s: round %d: clone right after a thread's clear-tid word became 0 "
          "failed (%d threads live): the ended thread still held its slot", limit, round,
          n - 1);
  }
  for(int i = 0; i < n; i++)
    slot_end(i);
}

static int filler_never;             // stays 0: filler threads sleep until killed

static int
slot_filler(void *arg)
{
  futex(&filler_never, FUTEX_WAIT, 0, 0);
  return 0;
}

// Another process takes most TCBs, so the system's thread table is full
// first. Returns once it has them all. It lives until the write end of
// `until` closes: when this test process ends, however it ends.
static int
start_tcb_filler(void)
{
  int until[2], ready[2];
  CHECK(pipe(until) == 0 && pipe(ready) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(until[1]);
    for(int i = 0; i < NTHREAD_PROC - 2; i++)
      if(clone_run(SLOT_FLAGS & ~CLONE_CHILD_CLEARTID, slot_stacks[i] + SLOT_STACK, 0,
                   &slot_word[i], slot_filler, 0) < 0)
        exit(2);
    write(ready[1], "r", 1);
    read(until[0], buf, 1);
    exit(0);
  }
  close(until[0]);
  close(ready[1]);
  char c;
  CHECK(read(ready[0], &c, 1) == 1, "the filler process could not start its threads");
  close(ready[0]);
  return pid;
}

static void *
slot_pthread(void *arg)
{
  slot_body(arg);
  return 0;
}

// The same with the library: create until EAGAIN, join one, create one.
static void
slot_pthreads(void)
{
  pthread_t t[SLOT_MAX];
  int n = 0;
  for(; n < SLOT_MAX; n++){
    slot_gate[n] = 0;
    if(pthread_create(&t[n], 0, slot_pthread, (void *)(uint64)n) != 0)
      break;
  }
  CHECK(n > 1 && n < SLOT_MAX, "pthread_create: %d threads before EAGAIN", n);
  for(int round = 0; round < SLOT_ROUNDS; round++){
    int i = round % n;
    __atomic_store_n(&slot_gate[i], 1, __ATOMIC_SEQ_CST);
    futex(&slot_gate[i], FUTEX_WAKE, 1, 0);
    CHECK(pthread_join(t[i], 0) == 0, "round %d: join failed", round);
    slot_gate[i] = 0;
    int err = pthread_create(&t[i], 0, slot_pthread, (void *)(uint64)i);
    CHECK(err == 0, "round %d: pthread_create right after a join at the limit (%d threads): "
          "error %d, expected 0", round, n, err);
  }
  for(int i = 0; i < n; i++){
    __atomic_store_n(&slot_gate[i], 1, __ATOMIC_SEQ_CST);
    futex(&slot_gate[i], FUTEX_WAKE, 1, 0);
    pthread_join(t[i], 0);
  }
}

// What the kernel frees when a thread ends (its place in the process's
// NTHREAD_PROC, its TCB) is free again by the time CLONE_CHILD_CLEARTID says it ended:
// pthread_join returns then, and a create right after must not fail.
void
t_threadslot(void)
{
  slot_cycle("at the thread limit of one process");
  int filler = start_tcb_filler();
  slot_cycle("at the system's thread-table limit");
  kill(filler);
  CHECK(wait(0) == filler, "the filler process was not reaped");
  slot_pthreads();
}

// ------------------------------------------------- joins pthread.h refuses

static pthread_t main_handle;
static int self_join, main_join;

static void *
joins_self(void *arg)
{
  self_join = pthread_join(pthread_self(), 0);
  main_join = pthread_join(main_handle, 0);
  return 0;
}

static volatile int double_go;
static int double_result[2];

static void *
double_joiner(void *arg)
{
  int k = (int)(uint64)arg;
  while(!double_go)
    ;
  double_result[k] = pthread_join(main_handle, 0);
  return 0;
}

static void *
sleeps_a_little(void *arg)
{
  sleep(3);
  return 0;
}

// pthread_join on a handle that cannot be joined returns the error
// pthread.h promises, and the process goes on.
void
t_threadjoinbad(void)
{
  main_handle = pthread_self();
  CHECK(pthread_join(pthread_self(), 0) == PTHREAD_EDEADLK, "the main thread joining itself: "
        "expected EDEADLK (%d)", PTHREAD_EDEADLK);
  pthread_join(spawn(joins_self, 0), 0);
  CHECK(self_join == PTHREAD_EDEADLK, "a thread joining itself: got %d, expected EDEADLK "
        "(%d)", self_join, PTHREAD_EDEADLK);
  CHECK(main_join == PTHREAD_EINVAL, "a thread joining the main thread: got %d, expected "
        "EINVAL (%d: the main thread is not joinable)", main_join, PTHREAD_EINVAL);

  pthread_t t = spawn(sleeps_a_little, 0);
  CHECK(pthread_join(t, 0) == 0, "first join failed");
  int err = pthread_join(t, 0);
  CHECK(err == PTHREAD_ESRCH, "a second join of a joined thread: got %d, expected ESRCH (%d)",
        err, PTHREAD_ESRCH);
  CHECK(pthread_detach(t) == PTHREAD_ESRCH, "detach of a joined thread: expected ESRCH");

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  CHECK(pthread_create(&t, &attr, sleeps_a_little, 0) == 0, "create detached failed");
  err = pthread_join(t, 0);
  CHECK(err == PTHREAD_EINVAL, "join of a running detached thread: got %d, expected EINVAL "
        "(%d)", err, PTHREAD_EINVAL);
  sleep(10);                        // it has finished; nobody has freed it yet
  err = pthread_join(t, 0);
  CHECK(err == PTHREAD_EINVAL || err == PTHREAD_ESRCH, "join of a finished detached thread: "
        "got %d, expected EINVAL (%d) or ESRCH (%d)", err, PTHREAD_EINVAL, PTHREAD_ESRCH);
  pthread_join(spawn(sleeps_a_little, 0), 0);   // frees the detached thread
  err = pthread_join(t, 0);
  CHECK(err == PTHREAD_ESRCH, "join of a detached thread that was freed: got %d, expected "
        "ESRCH (%d)", err, PTHREAD_ESRCH);
  CHECK(pthread_join(0, 0) == PTHREAD_ESRCH, "join of handle 0: expected ESRCH");

  // Two threads join one target at once: one gets it, the other EINVAL.
  main_handle = spawn(sleeps_a_little, 0);
  pthread_t j0 = spawn(double_joiner, (void *)0), j1 = spawn(double_joiner, (void *)1);
  double_go = 1;
  pthread_join(j0, 0);
  pthread_join(j1, 0);
  int ok = (double_result[0] == 0) + (double_result[1] == 0);
  int refused = (double_result[0] == PTHREAD_EINVAL || double_result[0] == PTHREAD_ESRCH) +
                (double_result[1] == PTHREAD_EINVAL || double_result[1] == PTHREAD_ESRCH);
  CHECK(ok == 1 && refused == 1, "two joins of one thread at once returned %d and %d, "
        "expected 0 and EINVAL (%d) or ESRCH (%d)", double_result[0], double_result[1],
        PTHREAD_EINVAL, PTHREAD_ESRCH);
}
