// ut/task.c: usertests on processes that have threads, and on clone()
// between a thread and a process: exit and exec called by one thread of
// many, fork from a thread while its siblings write memory, wait() that
// never returns threads, clone's flag rules, a process sharing only the fd
// table (CLONE_FILES) and one sharing only memory (CLONE_VM).
// Each test runs in a child of the runner (user/usertests.c) and reaps
// every process it makes. A failure that would be a hang (a thread that
// outlives exit or exec) is caught by wait_bounded's watchdog instead.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/ut/ut.h"

#define TIMED_OUT (-1000)

// ---------------------------------------------------------------- helpers

// Wait for child pid, at most limit ticks: a watchdog process kills pid
// when time is up, and then gives pid 100 more ticks to die. Returns pid's
// exit status, or TIMED_OUT. A pid that even kill cannot end is left to
// init: the test fails at once instead of hanging the suite.
static int
wait_bounded(int pid, int limit)
{
  int dog = fork();
  CHECK(dog >= 0, "fork of a watchdog failed");
  if(dog == 0){
    sleep(limit);
    kill(pid);
    sleep(100);
    exit(0);
  }
  int st = -7, t0 = uptime();
  int first = wait(&st);
  if(first == pid){
    kill(dog);
    CHECK(wait(0) == dog, "the watchdog was not reaped");
    return uptime() - t0 >= limit ? TIMED_OUT : st;
  }
  CHECK(first == dog, "wait returned %d, expected %d or the watchdog %d", first, pid, dog);
  CHECK(0, "process %d was still alive %d ticks after a kill (and %d before it)",
        pid, 100, limit);
  return TIMED_OUT;
}

static volatile int spin_never;   // stays 0: spinners run until killed

static void *
spin_forever(void *arg)
{
  while(!spin_never)
    ;
  return 0;
}

// ------------------------------------------------ exit and exec from a thread

static void *
exit_body(void *arg)
{
  sleep(2);
  exit(5);
}

static void
exit_child(void)
{
  pthread_t first = spawn(spin_forever, 0);
  spawn(spin_forever, 0);
  spawn(spin_forever, 0);
  spawn(exit_body, 0);
  pthread_join(first, 0);          // never returns: first spins until killed
  exit(9);
}

// exit() in one thread ends the whole process, spinning siblings included.
void
t_threadexit(void)
{
  int pid = start_child(exit_child);
  int t0 = uptime();
  int st = wait_bounded(pid, 500);
  int took = uptime() - t0;
  CHECK(st != TIMED_OUT, "exit(5) in one thread left the process alive for 500 ticks "
        "(siblings spinning)");
  CHECK(st == 5, "exit(5) in a thread: wait reported status %d, expected 5", st);
  CHECK(took < 300, "process with spinning threads took %d ticks to end after exit(5)", took);
}

static int exec_never_set;
static char *exec_argv[] = { "echo", "threadexec", "done", 0 };

static void *
sleep_body(void *arg)
{
  sleep(10000);
  return 0;
}

static void *
futex_forever(void *arg)
{
  futex(&exec_never_set, FUTEX_WAIT, 0, 0);
  return 0;
}

static void *
exec_body(void *arg)
{
  sleep(2);
  exec("/echo", exec_argv);
  exit(43);
}

static void
exec_child(void)
{
  close(1);
  if(open("thexec.out", O_CREATE | O_TRUNC | O_WRONLY) != 1)
    exit(44);
  pthread_t first = spawn(spin_forever, 0);
  spawn(spin_forever, 0);
  spawn(sleep_body, 0);
  spawn(futex_forever, 0);
  spawn(exec_body, 0);
  pthread_join(first, 0);
  exit(9);
}

// exec() in one thread ends the other threads (spinning, in sleep, in
// futex) and the process goes on as the new program.
void
t_threadexec(void)
{
  int pid = start_child(exec_child);
  int st = wait_bounded(pid, 500);
  CHECK(st != TIMED_OUT, "exec in one thread: the process was still alive after 500 ticks");
  CHECK(st == 0, "exec /echo from a thread: status %d, expected 0 (43: exec returned, "
        "44: no output file, 9: main thread woke up)", st);
  int fd = open("thexec.out", O_RDONLY);
  CHECK(fd >= 0, "thexec.out is missing");
  int n = read(fd, buf, 100);
  close(fd);
  unlink("thexec.out");
  buf[n < 0 ? 0 : n] = 0;
  CHECK(strcmp(buf, "threadexec done\n") == 0, "echo exec'd from a thread wrote \"%s\", "
        "expected \"threadexec done\\n\"", buf);
}

// ----------------------------------------------------- fork from a thread

// Writer k fills its own page again and again, word 0 first, with the pass
// number: at any instant the page reads gen,...,gen,gen-1,...,gen-1.
enum { FORK_WRITERS = 2, FORK_WORDS = PGSIZE / 8, FORK_ROUNDS = 8 };
static uint64 fork_pages[FORK_WRITERS][FORK_WORDS] __attribute__((aligned(PGSIZE)));
static volatile int fork_stop;

static void *
fork_writer(void *arg)
{
  volatile uint64 *w = fork_pages[(int)(uint64)arg];
  for(uint64 gen = 1; !fork_stop; gen++)
    for(int i = 0; i < FORK_WORDS; i++)
      w[i] = gen;
  return 0;
}

// In the child: where page k switches from gen to gen-1, or -1 when it is
// not one writer's state at one instant.
static int
fork_split(volatile uint64 *w)
{
  int i = 1;
  while(i < FORK_WORDS && w[i] == w[0])
    i++;
  for(int k = i; k < FORK_WORDS; k++)
    if(w[k] != w[0] - 1)
      return -1;
  return i;
}

static void
fork_child_checks(void)
{
  int me = getpid(), sleeping;
  CHECK(gettid() == me, "child of a fork from a thread: tid %d, expected its pid %d",
        gettid(), me);
  int n = count_threads(me, &sleeping);
  CHECK(n == 1, "child of a fork from a thread has %d threads, expected 1", n);
  int split[FORK_WRITERS];
  uint64 gen[FORK_WRITERS];
  for(int k = 0; k < FORK_WRITERS; k++){
    gen[k] = fork_pages[k][0];
    split[k] = fork_split(fork_pages[k]);
    CHECK(split[k] > 0 && gen[k] > 0, "child: writer %d's page is not one snapshot "
          "(word 0 = %d, word %d = %d)", k, (int)gen[k], FORK_WORDS - 1,
          (int)fork_pages[k][FORK_WORDS - 1]);
  }
  sleep(3);                        // the parent's writers go on meanwhile
  for(int k = 0; k < FORK_WRITERS; k++)
    CHECK(fork_pages[k][0] == gen[k] && fork_split(fork_pages[k]) == split[k],
          "child: writer %d's page changed after the fork (word 0 %d -> %d): the parent's "
          "threads write into the child's memory", k, (int)gen[k], (int)fork_pages[k][0]);
  exit(0);
}

static void *
fork_body(void *arg)
{
  for(int round = 0; round < FORK_ROUNDS; round++){
    uint64 seen[FORK_WRITERS];
    for(int k = 0; k < FORK_WRITERS; k++)
      seen[k] = fork_pages[k][0];
    for(int k = 0; k < FORK_WRITERS; k++)    // both writers are mid-stream
      while(*(volatile uint64 *)&fork_pages[k][0] < seen[k] + 2)
        ;
    int pid = fork();
    CHECK(pid >= 0, "round %d: fork from a thread failed", round);
    if(pid == 0)
      fork_child_checks();
    int st = wait_bounded(pid, 500);
    CHECK(st == 0, "round %d: child of a fork from a thread ended with status %d, "
          "expected 0", round, st);
  }
  return 0;
}

// fork() in a thread while two siblings keep writing memory: the child is a
// one-thread process whose memory stays as it was at the fork.
void
t_threadfork(void)
{
  pthread_t w[FORK_WRITERS];
  for(int k = 0; k < FORK_WRITERS; k++)
    w[k] = spawn(fork_writer, (void *)(uint64)k);
  pthread_join(spawn(fork_body, 0), 0);
  fork_stop = 1;
  for(int k = 0; k < FORK_WRITERS; k++)
    pthread_join(w[k], 0);
}

// ---------------------------------------------------------- clone's flags

static char clone_stack[4096] __attribute__((aligned(16)));
#define CLONE_TOP ((void *)(clone_stack + sizeof(clone_stack)))

static int
clone_child_returns(void *arg)
{
  return (int)(uint64)arg;
}

static void
clone_must_fail(int flags, char *what)
{
  int id = clone_run(flags, CLONE_TOP, 0, 0, clone_child_returns, 0);
  if(id > 0 && !(flags & CLONE_THREAD))
    wait(0);
  CHECK(id == -1, "clone(%s = 0x%x): expected -1, got %d", what, flags, id);
}

void
t_threadclone(void)
{
  clone_must_fail(0x1, "an unknown low bit");
  clone_must_fail(0x80, "an exit-signal bit");
  clone_must_fail(0x1000, "an unknown bit");
  clone_must_fail(CLONE_VM | 0x80000000, "CLONE_VM | bit 31");
  clone_must_fail(CLONE_SIGHAND, "CLONE_SIGHAND without CLONE_VM");
  clone_must_fail(CLONE_SIGHAND | CLONE_FILES | CLONE_FS, "CLONE_SIGHAND without CLONE_VM");
  clone_must_fail(CLONE_THREAD, "CLONE_THREAD alone");
  clone_must_fail(CLONE_THREAD | CLONE_VM, "CLONE_THREAD without CLONE_SIGHAND");
  clone_must_fail(CLONE_THREAD | CLONE_VM | CLONE_FILES | CLONE_FS,
                  "CLONE_THREAD without CLONE_SIGHAND");
  // The rules refuse only what they must: a memory-sharing process may
  // share handlers, and its fn's result is its exit status.
  int id = clone_run(CLONE_VM | CLONE_SIGHAND, CLONE_TOP, 0, 0, clone_child_returns,
                     (void *)21);
  CHECK(id > 0, "clone(CLONE_VM | CLONE_SIGHAND): expected a new pid, got %d", id);
  int st = -5;
  CHECK(wait(&st) == id && st == 21, "CLONE_VM|CLONE_SIGHAND child: wait gave status %d, "
        "expected 21", st);
}

// ------------------------------------------------------ CLONE_FILES alone

static int files_fd;

static int
files_close(void *arg)
{
  return close(files_fd) == 0 ? 0 : 2;
}

static int
files_open(void *arg)
{
  return open("thfiles", O_RDONLY);
}

// clone fn in a new process (sharing nothing else than flags say) and
// return its exit status.
static int
files_run(int flags, int (*fn)(void *))
{
  int id = clone_run(flags, CLONE_TOP, 0, 0, fn, 0);
  CHECK(id > 0 && id != getpid(), "clone(0x%x): expected a new pid, got %d", flags, id);
  int st = -5;
  CHECK(wait(&st) == id, "wait did not return the cloned process %d", id);
  return st;
}

void
t_threadfiles(void)
{
  struct stat st, named;
  files_fd = open("thfiles", O_CREATE | O_RDWR);
  CHECK(files_fd >= 0, "open(thfiles) failed");
  int r = files_run(CLONE_FILES, files_close);
  CHECK(r == 0, "close in a CLONE_FILES process failed (status %d)", r);
  CHECK(fstat(files_fd, &st) == -1, "a CLONE_FILES process closed fd %d, but the parent's "
        "fd %d is still open", files_fd, files_fd);

  files_fd = open("thfiles", O_RDWR);
  CHECK(files_fd >= 0, "reopen of thfiles failed");
  r = files_run(0, files_close);
  CHECK(r == 0, "close in a process cloned without CLONE_FILES failed (status %d)", r);
  CHECK(fstat(files_fd, &st) == 0, "a process cloned without CLONE_FILES closed its copy "
        "of fd %d, and the parent's was closed too", files_fd);
  close(files_fd);

  int fd = files_run(CLONE_FILES, files_open);
  CHECK(fd >= 0, "open in a CLONE_FILES process failed (status %d)", fd);
  CHECK(fstat(fd, &st) == 0 && stat("thfiles", &named) == 0 && st.ino == named.ino,
        "fd %d that a CLONE_FILES process opened is not thfiles in the parent", fd);
  close(fd);
  fd = files_run(0, files_open);
  CHECK(fd >= 0, "open in a process cloned without CLONE_FILES failed (status %d)", fd);
  CHECK(fstat(fd, &st) == -1, "fd %d opened by a process cloned without CLONE_FILES "
        "is open in the parent", fd);
  CHECK(unlink("thfiles") == 0, "unlink(thfiles) failed");
}

// ----------------------------------------------- CLONE_VM without a thread

static volatile int vm_from_parent, vm_from_child, vm_pid, vm_tid;
static char *volatile vm_heap;

static int
vm_child(void *arg)
{
  vm_tid = gettid();
  vm_pid = getpid();
  for(int tries = 0; tries < 300 && vm_from_parent != 0x5a5a; tries++)
    sleep(1);
  if(vm_from_parent != 0x5a5a)
    return 3;                      // never saw the parent's store
  char *p = sbrk(PGSIZE);          // the break is shared too
  if(p == FAILED_PTR)
    return 4;
  p[0] = 'k';
  vm_heap = p;
  vm_from_child = 0xc0de;
  return 7;
}

void
t_threadvm(void)
{
  int id = clone_run(CLONE_VM, CLONE_TOP, 0, 0, vm_child, 0);
  CHECK(id > 0 && id != getpid(), "clone(CLONE_VM): expected a new pid, got %d", id);
  for(int tries = 0; tries < 300 && vm_pid == 0; tries++)
    sleep(1);
  CHECK(vm_pid == id && vm_tid == id, "CLONE_VM process: its getpid/gettid stored %d/%d in "
        "shared memory, expected %d/%d", vm_pid, vm_tid, id, id);
  vm_from_parent = 0x5a5a;
  int st = wait_bounded(id, 500);
  CHECK(st == 7, "CLONE_VM process ended with status %d, expected 7 (3: it never saw the "
        "parent's store, 4: sbrk failed)", st);
  CHECK(vm_from_child == 0xc0de, "the parent does not see the CLONE_VM process's store");
  CHECK(vm_heap != 0 && sbrk(0) == vm_heap + PGSIZE && vm_heap[0] == 'k',
        "the CLONE_VM process grew the shared heap to %p, the parent's break is %p",
        vm_heap + PGSIZE, sbrk(0));
  CHECK(wait(0) == -1, "a second wait after reaping the CLONE_VM process: expected -1");
}

// --------------------------------------------------- wait() and threads

static int wait_gate;
static int wait_in_thread = 5;
static int fork_in_thread;

// Blocks until the gate opens, or 300 ticks at most: a kernel whose wait()
// waits for threads then returns a tid instead of hanging the test.
static void *
wait_blocker(void *arg)
{
  futex(&wait_gate, FUTEX_WAIT, 0, 300);
  return 0;
}

static void *
wait_caller(void *arg)
{
  wait_in_thread = wait(0);
  return 0;
}

static void *
fork_caller(void *arg)
{
  fork_in_thread = fork();
  if(fork_in_thread == 0)
    exit(6);
  return 0;
}

// Threads are not children: wait() in a process whose only other tasks are
// threads returns -1 at once. A child forked by a thread is the process's
// child, so the main thread reaps it.
void
t_threadwait(void)
{
  pthread_t a = spawn(wait_blocker, 0), b = spawn(wait_blocker, 0);
  int t0 = uptime();
  int w = wait(0);
  CHECK(w == -1, "wait() with two threads and no child process: expected -1, got %d", w);
  CHECK(uptime() - t0 < 100, "wait() with only threads took %d ticks to return -1",
        uptime() - t0);
  pthread_join(spawn(wait_caller, 0), 0);
  CHECK(wait_in_thread == -1, "wait() in a thread, no child processes: expected -1, got %d",
        wait_in_thread);
  pthread_join(spawn(fork_caller, 0), 0);
  CHECK(fork_in_thread > 0, "fork in a thread failed");
  int st = -5;
  w = wait(&st);
  CHECK(w == fork_in_thread && st == 6, "wait in the main thread for a child a thread forked: "
        "got pid %d status %d, expected %d status 6", w, st, fork_in_thread);
  __atomic_store_n(&wait_gate, 1, __ATOMIC_SEQ_CST);
  futex(&wait_gate, FUTEX_WAKE, 2, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
}

// ------------------------------------- exec while a thread creates threads

#define RACE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
enum { RACE_ROUNDS = 50 };
static char race_stack[1024] __attribute__((aligned(16)));
static char *race_argv[] = { "echo", 0 };

// Every breeder clones breeders, for ever. They all run on race_stack: none
// ever returns, and what each one stores there is what every other stores,
// so sharing it is harmless. Once the process has NTHREAD_PROC threads,
// each retries a tick later. exec's stop of the other threads must catch the
// ones inside clone() and whatever they create.
static int
breeder(void *arg)
{
  while(!spin_never)
    if(clone_run(RACE_FLAGS, race_stack + sizeof(race_stack), 0, 0, breeder, 0) < 0)
      sleep(1);
  return 0;
}

static void
exec_race_child(void)
{
  int p[2];
  if(pipe(p) < 0)
    exit(44);
  close(1);
  if(dup(p[1]) != 1)               // echo's empty line goes into the pipe
    exit(44);
  if(clone_run(RACE_FLAGS, race_stack + sizeof(race_stack), 0, 0, breeder, 0) < 0)
    exit(45);
  sleep(1);
  exec("/echo", race_argv);
  exit(43);
}

// exec() must end every other thread, also those that are inside clone()
// while it stops them and those they create meanwhile.
void
t_threadexecrace(void)
{
  for(int round = 0; round < RACE_ROUNDS; round++){
    int pid = start_child(exec_race_child);
    int st = wait_bounded(pid, 300);
    CHECK(st != TIMED_OUT, "round %d: exec while threads create threads: the process was "
          "still alive after 300 ticks (exec never finished stopping the other threads)",
          round);
    CHECK(st == 0, "round %d: exec /echo while threads create threads: status %d, expected "
          "0 (43: exec returned, 44: no pipe, 45: clone failed)", round, st);
  }
}

// ------------------------------------------- CLONE_CHILD_CLEARTID and exec

#define CANARY 0x5eed1e55
// The exec'd program is usertests again, so this word has the same address
// in the old and the new image; the new image starts with the canary here.
static int exectid_word = CANARY;
static char exectid_stack[1024] __attribute__((aligned(16)));
static char *exectid_argv[] = { "usertests", "-x", "exectid", 0 };

static int
exectid_thread(void *arg)
{
  exec("/usertests", exectid_argv);
  return 43;
}

static void
exectid_child(void)
{
  int flags = RACE_FLAGS | CLONE_CHILD_CLEARTID;
  if(clone_run(flags, exectid_stack + sizeof(exectid_stack), 0, &exectid_word,
               exectid_thread, 0) < 0)
    exit(45);
  for(;;)
    sleep(100);                    // exec in the thread ends us
}

static void *
exectid_watch(void *arg)
{
  int sleeping;
  for(int tries = 0; tries < 200 && count_threads(getpid(), &sleeping) > 1; tries++)
    sleep(1);
  if(count_threads(getpid(), &sleeping) > 1)
    exit(46);
  exit(__atomic_load_n(&exectid_word, __ATOMIC_SEQ_CST) == CANARY ? 0 : 47);
}

// In the exec'd image: end the main thread alone, then look at the word
// from a second thread. A clear-child-tid address the exec kept would be
// zeroed now.
static void
exectid_after_exec(void)
{
  spawn(exectid_watch, 0);
  thread_exit(0);
}

// A thread's CLONE_CHILD_CLEARTID address belongs to the program that set
// it: exec forgets it, so the new program's memory there stays untouched.
void
t_threadexectid(void)
{
  int pid = start_child(exectid_child);
  int st = wait_bounded(pid, 500);
  CHECK(st != TIMED_OUT, "exec from a CLONE_CHILD_CLEARTID thread: not done in 500 ticks");
  CHECK(st != 47, "a thread with CLONE_CHILD_CLEARTID exec'd; when it ended in the new "
        "program, the word at the old clear-tid address was zeroed (expected the canary "
        "0x%x to stay)", CANARY);
  CHECK(st == 0, "exec from a CLONE_CHILD_CLEARTID thread: status %d, expected 0 (43: exec "
        "returned, 45: clone failed, 46: the main thread did not end)", st);
}

// `usertests -x NAME`: what a test's exec'd copy of usertests does.
void
exec_helper(char *what)
{
  if(strcmp(what, "exectid") == 0)
    exectid_after_exec();
  if(strcmp(what, "sigexec") == 0)
    sigexec_after_exec();
  printf("usertests -x: no helper %s\n", what);
  exit(1);
}
