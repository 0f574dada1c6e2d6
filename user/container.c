// container.c: run a program as pid 1 of a new PID namespace.
//
//   container sh      a shell that is pid 1 of its own namespace: inside,
//                     ps and /proc show only its tree, kill reaches nothing
//                     outside, and orphans are given to it
//
// The child is made with clone(CLONE_NEWPID) -- fork plus the one flag --
// so it sees itself as pid 1 while we, outside, see its real pid. When it
// ends every process left in its namespace is killed (docs/proc.md).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    fprintf(2, "usage: container program [args...]\n");
    exit(1);
  }
  int pid = clone(CLONE_NEWPID, 0, 0, 0);
  if (pid < 0) {
    fprintf(2, "container: clone(CLONE_NEWPID) failed\n");
    exit(1);
  }
  if (pid == 0) {
    exec(argv[1], argv + 1);
    fprintf(2, "container: cannot run %s\n", argv[1]);
    exit(1);
  }
  printf("container: %s is pid %d here, pid 1 in its namespace\n", argv[1], pid);
  int status;
  while (wait(&status) != pid)
    ;
  printf("container: %s exited with status %d\n", argv[1], status);
  exit(0);
}
