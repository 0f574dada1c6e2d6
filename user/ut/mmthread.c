// ut/mmthread.c: usertests on memory that threads of one process use at the
// same time: a page taken away (munmap, sbrk shrink) while a sibling thread
// on another hart keeps storing into it, and the guard page under every
// thread stack when a process has as many threads as the kernel allows.
// The races need several harts (CPUS=3) to bite; on one hart they pass
// trivially. Each test runs in a child of the runner (user/usertests.c),
// which counts free pages around it: a stale store that landed in a freed
// page shows up as a panic in kalloc or as a lost page.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/ut/ut.h"

// --------------------------------------------- page removed under a storer

static char *race_page;            // the page the storer writes
static volatile uint64 race_stores;

// Store into race_page forever (the words a free page keeps its list link
// in included); the fault after the page goes away kills the process.
static void *
race_storer(void *arg)
{
  volatile uint64 *w = (volatile uint64 *)race_page;
  for(uint64 i = 1; ; i++){
    w[0] = i;
    w[1] = i;
    w[PGSIZE / 8 - 1] = i;
    race_stores = i;
  }
  return 0;
}

// Wait until the storer is storing (so it runs on another hart, if there is
// one), take its page away with remove(), then make the kernel allocate
// pages (a pipe takes one each): a page freed too early, still written by
// the storer, would be handed out here. Nothing is mapped at the page's
// address again, so the storer's next access faults and kills this process.
static void
race_round(char *page, void (*remove)(void))
{
  race_page = page;
  race_stores = 0;
  page[0] = 1;                     // the page exists before the race starts
  spawn(race_storer, 0);
  while(race_stores < 1000)
    ;
  remove();
  int fds[4][2];
  for(int i = 0; i < 4; i++)
    pipe(fds[i]);
  for(int i = 0; i < 300; i++)
    sleep(1);                      // the storer's fault kills us all before this ends
  printf("the storer was not killed after its page went away\n");
  exit(3);
}

static void
remove_by_munmap(void)
{
  CHECK(munmap(race_page, PGSIZE) == 0, "munmap failed");
}

static void
remove_by_sbrk(void)
{
  CHECK(sbrk(-PGSIZE) != FAILED_PTR, "sbrk(-PGSIZE) failed");
}

static void
munmap_round(void)
{
  char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED, "mmap failed");
  race_round(p, remove_by_munmap);
}

static void
sbrk_round(void)
{
  race_round(last_heap_page(), remove_by_sbrk);
}

static void
race_rounds(void (*round)(void), int rounds, char *what)
{
  for(int i = 0; i < rounds; i++){
    int st = run_child(round);
    CHECK(st == -1, "round %d: a thread storing into a page another thread %s: expected "
          "the process killed by its next store (status -1), got status %d", i, what, st);
  }
  check_fork_works(what);
}

enum { RACE_ROUNDS = 100 };

void
t_munmaprace(void)
{
  race_rounds(munmap_round, RACE_ROUNDS, "munmaps");
}

void
t_sbrkrace(void)
{
  race_rounds(sbrk_round, RACE_ROUNDS, "shrinks with sbrk");
}

// ------------------------------------------- a guard under every thread stack

enum { STACKS = 60, STACK_BYTES = 16 * 1024 };
static int stack_go[STACKS];       // thread i waits until stack_go[i] is 1
static pthread_t stack_threads[STACKS];
static volatile uint64 dive_floor;

// Recurse until a frame lies half a page below the stack's end: the guard
// page under the stack kills the process on the way there.
static int
stack_dive(int depth)
{
  volatile char frame[256];
  frame[depth % 256] = (char)depth;
  if((uint64)frame < dive_floor)
    return frame[0];
  return stack_dive(depth + 1) + frame[(depth * 3) % 256];
}

// Each thread sleeps on its own word, so only the chosen one wakes. It lets
// the others (and main, in pthread_join) settle asleep before it dives: the
// process is then killed while every sibling sleeps, not while some are on
// their way into futex_wait.
static void *
stack_waiter(void *arg)
{
  int me = (int)(uint64)arg;
  while(__atomic_load_n(&stack_go[me], __ATOMIC_ACQUIRE) == 0)
    futex(&stack_go[me], FUTEX_WAIT, 0, 0);
  sleep(2);
  // The stack ends just under the page holding our descriptor (pthread.c).
  uint64 top = PGROUNDDOWN((uint64)pthread_self());
  dive_floor = top - STACK_BYTES - PGSIZE / 2;
  return (void *)(uint64)stack_dive(0);
}

static volatile int stack_chosen;

// STACKS threads alive at once, then thread stack_chosen overflows.
static void
stacks_child(void)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, STACK_BYTES);
  for(int i = 0; i < STACKS; i++){
    int err = pthread_create(&stack_threads[i], &attr, stack_waiter, (void *)(uint64)i);
    CHECK(err == 0, "pthread_create of thread %d of %d: expected 0, got error %d",
          i + 1, STACKS, err);
  }
  __atomic_store_n(&stack_go[stack_chosen], 1, __ATOMIC_RELEASE);
  futex(&stack_go[stack_chosen], FUTEX_WAKE, 1, 0);
  pthread_join(stack_threads[stack_chosen], 0);
  printf("thread %d of %d wrote below its %d-byte stack and lived: no guard page\n",
         stack_chosen, STACKS, STACK_BYTES);
  exit(2);
}

void
t_threadstacks(void)
{
  for(int i = 0; i < STACKS; i++){
    stack_chosen = i;
    int st = run_child(stacks_child);
    CHECK(st == -1, "thread %d of %d overflowing its stack: expected the process killed "
          "by its guard page (status -1), got status %d", i, STACKS, st);
  }
}
