// forktest.c: fork until the kernel says no (or FORK_LIMIT times), then
// reap every child, and check that wait() then reports no children left.
// Prints "fork test OK" on success. The children exit at once, so the test
// measures how the kernel handles running out of process slots, not memory.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

#define FORK_LIMIT 1000

// Fork children until fork fails; returns how many were created.
static int
fork_until_full(void)
{
  int made = 0;
  while (made < FORK_LIMIT) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      exit(0);
    made++;
  }
  return made;
}

int
main(void)
{
  printf("fork test\n");

  int made = fork_until_full();
  if (made == FORK_LIMIT) {
    printf("fork claimed to work %d times!\n", FORK_LIMIT);
    exit(1);
  }

  for (int reaped = 0; reaped < made; reaped++) {
    if (wait(0) < 0) {
      printf("wait stopped early after %d of %d\n", reaped, made);
      exit(1);
    }
  }
  if (wait(0) != -1) {
    printf("wait got too many\n");
    exit(1);
  }
  printf("fork test OK\n");
  exit(0);
}
