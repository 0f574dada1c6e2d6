// grep.c: grep PATTERN [file...] -- print the lines that contain a match.
// Patterns are tiny regular expressions: ordinary characters, '.' for any
// character, 'x*' for zero or more x, '^' anchoring at the line start and
// '$' at the end.
// Lines longer than the read buffer are matched in buffer-sized pieces.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static int match_from(const char *re, const char *text);

static int
char_matches(char pat, char c)
{
  return c != '\0' && (pat == '.' || pat == c);
}

// `c*` followed by rest: let the star eat as many characters as it can,
// then give them back one at a time until rest matches.
static int
match_star(char c, const char *rest, const char *text)
{
  const char *end = text;
  while (char_matches(c, *end))
    end++;
  for (const char *t = end; t >= text; t--) {
    if (match_from(rest, t))
      return 1;
  }
  return 0;
}

// Does re match a prefix of text?
static int
match_from(const char *re, const char *text)
{
  for (; *re; re++, text++) {
    if (re[1] == '*')
      return match_star(re[0], re + 2, text);
    if (re[0] == '$' && re[1] == '\0')
      return *text == '\0';
    if (!char_matches(re[0], *text))
      return 0;
  }
  return 1;
}

// Does re match anywhere in line?
static int
line_matches(const char *re, const char *line)
{
  if (re[0] == '^')
    return match_from(re + 1, line);
  for (const char *start = line;; start++) {
    if (match_from(re, start))
      return 1;
    if (*start == '\0')
      return 0;
  }
}

static char buf[1024];

// Print line [start, start+len) with its newline if it matches.
static void
check_line(const char *re, char *start, int len)
{
  char saved = start[len];
  start[len] = '\0';
  int hit = line_matches(re, start);
  start[len] = saved;
  if (hit) {
    write(1, start, len);
    write(1, "\n", 1);
  }
}

static void
grep_fd(const char *re, int fd)
{
  int held = 0;   // bytes of an unfinished line at the front of buf
  int got;

  // Keep one byte spare so check_line can always NUL-terminate.
  while ((got = read(fd, buf + held, sizeof(buf) - 1 - held)) > 0) {
    held += got;
    char *line = buf;
    char *nl;
    buf[held] = '\0';
    while ((nl = strchr(line, '\n')) != 0) {
      check_line(re, line, nl - line);
      line = nl + 1;
    }
    held -= line - buf;
    if (held == sizeof(buf) - 1) {
      // No newline in a full buffer: treat it as a line of its own.
      check_line(re, buf, held);
      held = 0;
    } else if (held > 0) {
      memmove(buf, line, held);
    }
  }
  if (held > 0)
    check_line(re, buf, held);   // last line without a newline
}

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file...]\n");
    exit(1);
  }
  const char *re = argv[1];
  if (argc == 2) {
    grep_fd(re, 0);
    exit(0);
  }
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      exit(1);
    }
    grep_fd(re, fd);
    close(fd);
  }
  exit(0);
}
