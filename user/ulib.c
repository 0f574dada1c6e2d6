// ulib.c: the C runtime entry point and the small string/memory helpers of
// the xv6 user API (stat, strcpy, memmove, atoi, gets, ...), killpg and make_path.
// Nothing here keeps state, so every routine is safe to call from any thread.
// Invariant: _start never returns; it hands main's result to exit().

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/signal.h"

extern int main(int, char**);

// Optional runtime hooks. They are weak: a program linked without a library
// that defines them sees a null address and the call is skipped.
extern void __tls_setup(void) __attribute__((weak));

// exec() enters here with argc in a0 and argv in a1. _start sits at
// address 0 (section .text.start comes first in user.ld), so no function
// of the program can: a signal handler at 0 would read as SIG_DFL.
__attribute__((section(".text.start"))) void
_start(int argc, char **argv)
{
  // ---- TLS setup goes here, before any user code runs ----
  // The main thread's TLS block (a copy of .tdata + zeroed .tbss, see
  // user.ld) must be in place, and tp pointing at it, before main().
  if (__tls_setup)
    __tls_setup();

  exit(main(argc, argv));
}

uint
strlen(const char *s)
{
  const char *end = s;
  while (*end)
    end++;
  return end - s;
}

char*
strcpy(char *dst, const char *src)
{
  char *out = dst;
  do {
    *out++ = *src;
  } while (*src++ != '\0');
  return dst;
}

int
strcmp(const char *a, const char *b)
{
  // Compare as unsigned chars so bytes >= 0x80 sort after ASCII.
  for (;; a++, b++) {
    uchar ca = *a, cb = *b;
    if (ca != cb || ca == 0)
      return (int)ca - (int)cb;
  }
}

char*
strchr(const char *s, char c)
{
  for (; *s; s++) {
    if (*s == c)
      return (char *)s;
  }
  return 0;
}

// Built with loop-to-call rewriting off: otherwise gcc may turn these loops
// into calls to memset/memcpy, i.e. into calls to themselves.
#define NO_LOOP_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LOOP_CALLS void*
memset(void *dst, int byte, uint n)
{
  uchar *p = dst;
  for (uint i = 0; i < n; i++)
    p[i] = (uchar)byte;
  return dst;
}

// Safe when the two ranges overlap: copy backwards when dst lies above src.
NO_LOOP_CALLS void*
memmove(void *dst, const void *src, int n)
{
  uchar *to = dst;
  const uchar *from = src;
  if (n <= 0 || to == from)
    return dst;
  if (to < from || to >= from + n) {
    for (int i = 0; i < n; i++)
      to[i] = from[i];
  } else {
    for (int i = n - 1; i >= 0; i--)
      to[i] = from[i];
  }
  return dst;
}

void*
memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, (int)n);
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *pa = a, *pb = b;
  for (uint i = 0; i < n; i++) {
    if (pa[i] != pb[i])
      return (int)pa[i] - (int)pb[i];
  }
  return 0;
}

// Optional sign, then decimal digits; stops at the first non-digit.
int
atoi(const char *s)
{
  int neg = 0, val = 0;
  if (*s == '-' || *s == '+')
    neg = (*s++ == '-');
  while (*s >= '0' && *s <= '9')
    val = val * 10 + (*s++ - '0');
  return neg ? -val : val;
}

// Read one line from fd 0 into buf, keeping the '\n' (xv6 semantics), and
// always NUL-terminate. Returns buf; buf[0] == 0 means end of input.
char*
gets(char *buf, int max)
{
  int len = 0;
  while (len + 1 < max) {
    char c;
    if (read(0, &c, 1) != 1)
      break;
    buf[len++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  buf[len] = '\0';
  return buf;
}

int
stat(const char *path, struct stat *st)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int rc = fstat(fd, st);
  close(fd);
  return rc;
}

// killpg(pgid, sig): send sig to every process of group pgid; 0 if at
// least one took it. The kernel does the walk: sigsend(-pgid, sig).
int
killpg(int pgid, int sig)
{
  if (pgid <= 0)
    return -1;
  return sigsend(-pgid, sig);
}

// make_path(dst, prefix, nr, suffix): dst = prefix, nr in decimal, suffix --
// how ps and pstree name /proc files ("/proc/", 7, "/stat"). dst must hold
// all three (nr takes at most 10 digits).
void
make_path(char *dst, char *prefix, int nr, char *suffix)
{
  char digits[12];
  int i = sizeof(digits) - 1;
  digits[i] = 0;
  do {
    digits[--i] = '0' + nr % 10;
    nr /= 10;
  } while (nr > 0 && i > 0);
  strcpy(dst, prefix);
  strcpy(dst + strlen(dst), digits + i);
  strcpy(dst + strlen(dst), suffix);
}
