// cases.h: the case runner ptests and psignals share. A program lists its
// cases, each a function that returns 0 or writes why it failed into the
// program's `why` buffer and returns non-zero; run_cases runs every case
// (or those named in argv), printing "TAG NAME: OK" or "TAG NAME: FAILED:
// why" per case and "PROG: ALL OK" or "PROG: SOME FAILED" at the end.
// Returns main's exit status. Header-only: each program includes it once.
#ifndef WEFT_POSIX_CASES_H
#define WEFT_POSIX_CASES_H

#include <stdio.h>
#include <string.h>

struct test_case {
  const char *name;
  int (*fn)(void);
};

static int
run_cases(const char *prog, const char *tag, const struct test_case *cases, int n,
          char *why, int argc, char **argv)
{
  int failed = 0, ran = 0;
  for (int i = 0; i < n; i++) {
    int pick = argc == 1;
    for (int a = 1; a < argc; a++)
      pick |= strcmp(argv[a], cases[i].name) == 0;
    if (!pick)
      continue;
    ran++;
    why[0] = 0;
    if (cases[i].fn() == 0) {
      printf("%s %s: OK\n", tag, cases[i].name);
    } else {
      printf("%s %s: FAILED: %s\n", tag, cases[i].name, why);
      failed++;
    }
    fflush(stdout);
  }
  if (ran == 0) {
    fprintf(stderr, "%s: no test named %s\n", prog, argv[1]);
    return 1;
  }
  printf(failed ? "%s: SOME FAILED\n" : "%s: ALL OK\n", prog);
  return failed != 0;
}

#endif
