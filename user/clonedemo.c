// clonedemo.c: the clone() flag table, tried out live.
//
// For each flag combination the parent creates a child task that
//   - writes 1 into a global variable          (is memory shared?)
//   - closes a file descriptor the parent made (is the fd table shared?)
//   - changes its working directory            (is the cwd shared?)
//   - reports its pid and tid through a pipe   (same process or a new one?)
// and then the parent looks at what it can see of those changes.
// Every child runs on a stack of its own (clone_run from user/pthread.h);
// without CLONE_VM that stack is the child's private copy of the buffer.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/pthread.h"

#define DEMO_DIR "clonedemo.d"

static int probe;                    // the child sets it to 1
static int victim_fd;                // the child closes it
static int report_fd;                // the child writes its pid and tid here
static char child_stack[8192] __attribute__((aligned(16)));
static int child_tid_word;           // CLONE_CHILD_CLEARTID target (thread row)

struct row {
  const char *name;
  int flags;
};

static struct row rows[] = {
  { "0 (like fork)",                     0 },
  { "CLONE_VM (shared-memory process)",  CLONE_VM },
  { "CLONE_FILES",                       CLONE_FILES },
  { "CLONE_FS",                          CLONE_FS },
  { "VM|FS|FILES|SIGHAND|THREAD (thread)",
    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD },
};

static int
child(void *arg)
{
  probe = 1;
  close(victim_fd);
  chdir(DEMO_DIR);
  int ids[2] = { getpid(), gettid() };
  write(report_fd, ids, sizeof(ids));
  return 0;
}

// Wait for the child task to end: a process is reaped with wait(); a thread
// is not a child process, so we sleep on its tid word as pthread_join does.
static void
wait_for(int flags)
{
  if (!(flags & CLONE_THREAD)) {
    wait(0);
    return;
  }
  int tid;
  while ((tid = __atomic_load_n(&child_tid_word, __ATOMIC_ACQUIRE)) != 0)
    futex(&child_tid_word, FUTEX_WAIT, tid, 0);
}

// Is the cwd still "/"? Only the root holds the README.md mkfs put there.
static int
cwd_is_root(void)
{
  struct stat st;
  return stat("README.md", &st) == 0;
}

static void
try_row(struct row *r)
{
  int pipefd[2];
  if (pipe(pipefd) < 0) {
    printf("clonedemo: pipe failed\n");
    exit(1);
  }
  report_fd = pipefd[1];
  victim_fd = dup(pipefd[1]);
  probe = 0;

  int flags = r->flags;
  if (flags & CLONE_THREAD)
    flags |= CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
  int id = clone_run(flags, child_stack + sizeof(child_stack), 0, &child_tid_word, child, 0);
  if (id < 0) {
    printf("%-37s clone failed\n", r->name);
    close(pipefd[0]);
    close(pipefd[1]);
    close(victim_fd);
    return;
  }
  wait_for(flags);

  int ids[2] = { -1, -1 };
  read(pipefd[0], ids, sizeof(ids));
  int copy = dup(victim_fd);          // fails only if victim_fd is closed
  int fd_closed = copy < 0;
  if (copy >= 0)
    close(copy);
  int moved = !cwd_is_root();

  printf("%-37s %4d %4d   %-7s %-7s %-7s\n", r->name, ids[0], ids[1],
         probe ? "shared" : "copied", fd_closed ? "shared" : "copied",
         moved ? "shared" : "copied");

  if (!fd_closed)
    close(victim_fd);
  if (moved)
    chdir("/");
  close(pipefd[0]);
  close(pipefd[1]);
}

int
main(void)
{
  if (!cwd_is_root()) {
    printf("clonedemo: run me from / (I look for /README.md)\n");
    exit(1);
  }
  mkdir(DEMO_DIR);
  printf("parent: pid %d tid %d\n\n", getpid(), gettid());
  printf("%-37s %4s %4s   %-7s %-7s %-7s\n", "clone flags", "pid", "tid",
         "memory", "fds", "cwd");
  for (int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    try_row(&rows[i]);
  printf("\nmemory: the child's write to a global is seen by the parent\n");
  printf("fds:    the child's close() closed the parent's descriptor\n");
  printf("cwd:    the child's chdir() moved the parent too\n");
  unlink(DEMO_DIR);
  exit(0);
}
