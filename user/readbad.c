// readbad.c: read a console line into an unmapped buffer, then into a good
// one, and print what each read returned (tests/test_console.py types the
// line). The first read must give -1 and leave the line for the second.

#include "kernel/types.h"
#include "user/user.h"

int
main(void)
{
  char line[64];
  char *bad = (char *)0x1000000000L;       // far above any mapping
  int first = read(0, bad, sizeof(line));
  int second = read(0, line, sizeof(line) - 1);
  line[second > 0 ? second : 0] = 0;
  printf("readbad: first %d, second %d: %s\n", first, second, line);
  exit(0);
}
