// ps.c: list every thread in the system, one line each:
//   PID TID PPID STATE NAME HART
// STATE is the thread's state (R runnable, X running, S sleeping, Z zombie),
// or Z for every thread of a zombie process. HART is where the thread runs
// or last ran, -1 if it never ran. The data comes from procinfo(), a
// snapshot the kernel takes at one moment.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "user/user.h"

#define MAX_RECORDS 256   // comfortably more than NTHREAD

static struct procinfo records[MAX_RECORDS];

int
main(void)
{
  int n = procinfo(records, MAX_RECORDS);
  if (n < 0) {
    fprintf(2, "ps: procinfo failed\n");
    exit(1);
  }
  printf("PID TID PPID STATE NAME HART\n");
  for (int i = 0; i < n; i++) {
    struct procinfo *r = &records[i];
    char name[PI_NAMELEN + 1];
    memmove(name, r->tname, PI_NAMELEN);
    name[PI_NAMELEN] = '\0';      // the kernel may fill all PI_NAMELEN bytes
    char state = r->pstate == 'Z' ? 'Z' : r->tstate;
    printf("%d %d %d %c %s %d\n", r->pid, r->tid, r->ppid, state, name, r->hart);
  }
  exit(0);
}
