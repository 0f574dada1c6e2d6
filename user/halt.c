// halt.c: ask init to power the machine off (QEMU exits) with status 0, or
// the status given as the first argument.
//
// Only init may call poweroff() (docs/boot.md, "Power"). halt asks it the
// way a process speaks to its parent: by exiting. It forks a child that
// exits at once with POWEROFF_REQUEST | status, and exits itself without
// waiting for it, so the child passes to init; init reaps it, reads the
// request in its exit status and powers off.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  int status = argc > 1 ? atoi(argv[1]) : 0;
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "halt: fork failed\n");
    exit(1);
  }
  if (pid == 0)
    exit(POWEROFF_REQUEST | (status & POWEROFF_STATUS));
  exit(0);      // without wait(): the child goes to init
}
