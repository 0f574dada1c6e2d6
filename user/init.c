// init.c: the first user process (pid 1). It gives itself the console as
// fds 0, 1 and 2, then keeps a shell running for ever: start sh, and reap
// every child that exits -- its own sh and the orphans the kernel hands to
// it -- starting a new sh whenever the current one ends.
// init alone may power the machine off: a child that exits with
// POWEROFF_REQUEST | status (user/halt.c makes one) asks it to.
// Invariant: init never exits; if it did, orphans would have no reaper.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define CONSOLE_MAJOR 1   // device number of the console (kernel/file.h)

static char *sh_argv[] = { "sh", 0 };

// Make fds 0, 1, 2 refer to the console, creating its device node on the
// first boot of a fresh file system.
static void
open_console(void)
{
  int fd = open("console", O_RDWR);
  if (fd < 0) {
    mknod("console", CONSOLE_MAJOR, 0);
    fd = open("console", O_RDWR);
  }
  if (fd != 0) {
    // Without fd 0 on the console nobody could talk to the shell, and
    // there is nowhere to print an error: stop here.
    exit(1);
  }
  dup(0);   // stdout
  dup(0);   // stderr
}

// Start a shell; returns its pid, or -1 when fork failed.
static int
start_shell(void)
{
  printf("init: starting sh\n");
  int pid = fork();
  if (pid == 0) {
    exec("sh", sh_argv);
    printf("init: exec sh failed\n");
    exit(1);
  }
  return pid;
}

int
main(void)
{
  open_console();

  for (;;) {
    int sh_pid = start_shell();
    if (sh_pid < 0) {
      printf("init: fork failed, retrying\n");
      sleep(10);
      continue;
    }
    // Reap until the shell itself is the one that ended.
    for (;;) {
      int status;
      int dead = wait(&status);
      if (dead > 0 && (status & ~POWEROFF_STATUS) == POWEROFF_REQUEST) {
        printf("init: power off, as pid %d asked\n", dead);
        poweroff(status & POWEROFF_STATUS);
      }
      if (dead == sh_pid)
        break;
      if (dead < 0) {
        // No children at all: the shell is gone without a trace.
        printf("init: wait failed\n");
        break;
      }
      // Otherwise an orphan was reaped; keep waiting for the shell.
    }
  }
}
