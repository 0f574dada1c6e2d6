// echo.c: print the arguments separated by single spaces, then a newline.
// The whole line goes out in one write when it fits, so it is not split up
// by output from other processes.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

static char line[512];

int
main(int argc, char *argv[])
{
  int len = 0;
  for (int i = 1; i < argc; i++) {
    const char *word = argv[i];
    int wlen = strlen(word);
    // Flush early if this word would not fit in the buffer.
    if (len + wlen + 1 > sizeof(line)) {
      write(1, line, len);
      len = 0;
    }
    if (wlen + 1 > sizeof(line)) {
      write(1, word, wlen);
    } else {
      memmove(line + len, word, wlen);
      len += wlen;
    }
    line[len++] = (i + 1 < argc) ? ' ' : '\n';
  }
  if (argc < 2)
    line[len++] = '\n';
  write(1, line, len);
  exit(0);
}
