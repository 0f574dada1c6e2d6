// pstree.c: the process tree, with each process's threads under it.
//
//   init(1)
//   `-- sh(4)
//       `-- pstree(9)
//   kernel(2) [threads: futexd(3)]
//
// A process with more than one thread lists them in brackets as NAME(tid).
// Processes come from procinfo() (one record per thread); a record whose
// ppid names no listed process starts a tree of its own.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

#define MAX_RECORDS 256

static struct procinfo rec[MAX_RECORDS];
static int nrec;

// Index of the first record of each distinct pid, in snapshot order.
static int first_of[MAX_RECORDS];
static int nprocs;

static int
is_listed(int pid)
{
  for (int i = 0; i < nprocs; i++)
    if (rec[first_of[i]].pid == pid)
      return 1;
  return 0;
}

static void
print_name(char *field, int id)
{
  char name[PI_NAMELEN + 1];
  memmove(name, field, PI_NAMELEN);
  name[PI_NAMELEN] = 0;
  printf("%s(%d)", name, id);
}

// One line for process pid: its name, then its threads if there are several.
static void
print_proc(struct procinfo *first)
{
  print_name(first->name, first->pid);
  if (first->pstate == 'Z')
    printf(" <zombie>");
  int others = 0;
  for (int i = 0; i < nrec; i++)
    if (rec[i].pid == first->pid && rec[i].tid != first->pid)
      others++;
  if (others > 0 || first->tid != first->pid) {
    printf(" [threads:");
    for (int i = 0; i < nrec; i++) {
      if (rec[i].pid == first->pid) {
        printf(" ");
        print_name(rec[i].tname, rec[i].tid);
      }
    }
    printf("]");
  }
  printf("\n");
}

static void
print_tree(struct procinfo *p, char *prefix, int depth)
{
  print_proc(p);
  if (depth > 12)
    return;                       // a cycle cannot happen; stay safe anyway
  // The user stack is one page: walk the children in place, no arrays.
  for (int i = 0; i < nprocs; i++) {
    struct procinfo *kid = &rec[first_of[i]];
    if (kid->ppid != p->pid || kid->pid == p->pid)
      continue;
    int last = 1;
    for (int j = i + 1; j < nprocs; j++)
      if (rec[first_of[j]].ppid == p->pid)
        last = 0;
    char next[64];
    printf("%s%s", prefix, last ? "`-- " : "|-- ");
    int n = strlen(prefix);
    if (n + 5 > (int)sizeof(next))
      n = sizeof(next) - 5;
    memmove(next, prefix, n);
    strcpy(next + n, last ? "    " : "|   ");
    print_tree(kid, next, depth + 1);
  }
}

int
main(void)
{
  nrec = procinfo(rec, MAX_RECORDS);
  if (nrec < 0) {
    fprintf(2, "pstree: procinfo failed\n");
    exit(1);
  }
  for (int i = 0; i < nrec; i++)
    if (!is_listed(rec[i].pid))
      first_of[nprocs++] = i;
  for (int i = 0; i < nprocs; i++) {
    struct procinfo *p = &rec[first_of[i]];
    if (p->ppid == 0 || !is_listed(p->ppid))
      print_tree(p, "", 0);
  }
  exit(0);
}
