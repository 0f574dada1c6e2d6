// wc.c: wc [file...] -- count lines, words and bytes ("LINES WORDS BYTES
// NAME" per file; NAME is empty for standard input).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

struct counts {
  int lines, words, bytes;
  int in_word;    // was the last byte seen part of a word?
};

static char chunk[512];

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

static void
count_bytes(struct counts *c, const char *p, int n)
{
  for (int i = 0; i < n; i++) {
    if (p[i] == '\n')
      c->lines++;
    // A word is counted at its first byte.
    if (is_space(p[i])) {
      c->in_word = 0;
    } else if (!c->in_word) {
      c->in_word = 1;
      c->words++;
    }
  }
  c->bytes += n;
}

static void
wc_fd(int fd, const char *name)
{
  struct counts c;
  int got;

  memset(&c, 0, sizeof(c));
  while ((got = read(fd, chunk, sizeof(chunk))) > 0)
    count_bytes(&c, chunk, got);
  if (got < 0) {
    fprintf(2, "wc: read error\n");
    exit(1);
  }
  printf("%d %d %d %s\n", c.lines, c.words, c.bytes, name);
}

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    wc_fd(0, "");
    exit(0);
  }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      exit(1);
    }
    wc_fd(fd, argv[i]);
    close(fd);
  }
  exit(0);
}
