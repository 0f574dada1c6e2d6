// spin.c: spin [ticks] -- a job to practise job control on (docs/jobs.md).
// Prints its pid and process group (on fd 2, so every stage of a pipeline
// shows up on the console), then computes without ever blocking
// until `ticks` (10 ms each) have passed since it started, and prints
// "spin: done". Without an argument it spins until a signal ends it: type
// ^C to end it, ^Z to stop it, then `fg` or `bg` to let it go on. Time it
// spends stopped counts too, so `spin 300`, stopped for 5 s and resumed,
// says done at once: it never says done while stopped.

#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char **argv)
{
  int ticks = argc > 1 ? atoi(argv[1]) : -1;
  fprintf(2, "spin: pid %d pgid %d\n", getpid(), getpgid(0));
  int start = uptime();
  volatile uint64 work = 0;
  while (ticks < 0 || uptime() - start < ticks) {
    for (int i = 0; i < 100000; i++)
      work += i;
  }
  fprintf(2, "spin: done\n");
  exit(0);
}
