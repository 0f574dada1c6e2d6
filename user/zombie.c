// zombie.c: leave a zombie for a while. The child exits at once; the
// parent sleeps without waiting, so ps shows the child as a zombie until
// the parent exits and init reaps the orphan.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

int
main(void)
{
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "zombie: fork failed\n");
    exit(1);
  }
  if (pid == 0)
    exit(0);
  sleep(5);
  exit(0);
}
