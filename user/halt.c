// halt.c: power the machine off (QEMU exits) with status 0, or the status
// given as the first argument.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  int status = argc > 1 ? atoi(argv[1]) : 0;
  poweroff(status);
  // Only reached if the firmware refused.
  fprintf(2, "halt: poweroff failed\n");
  exit(1);
}
