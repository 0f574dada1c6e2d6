// klib.c: the handful of C library routines the kernel uses.
//
// The kernel is built -ffreestanding -fno-builtin, so nothing here may call a
// libc; the compiler may still emit calls to memset/memcpy for struct copies,
// which is why these exact names exist. No locks: every routine works only on
// the memory it is handed. Invariant: memmove must stay correct when the two
// ranges overlap (memcpy is defined as memmove for that reason).

#include "types.h"
#include "klib.h"

// memset and memmove move 8-byte words through the aligned middle of a
// range and single bytes only at its unaligned ends: a page costs 512
// stores instead of 4096. (Built with -fno-tree-loop-distribute-patterns,
// see the Makefile: otherwise GCC may turn these very loops into calls to
// memset and memcpy, that is, into themselves.)

#define WORD sizeof(uint64)
#define ALIGNED(p) (((uint64)(p) & (WORD - 1)) == 0)

void *
memset(void *dst, int c, uint n)
{
  uchar *p = (uchar *)dst;
  uchar v = (uchar)c;

  for (; n > 0 && !ALIGNED(p); n--)
    *p++ = v;
  uint64 pattern = v * 0x0101010101010101UL;   // v in every byte
  uint64 *w = (uint64 *)p;
  for (; n >= 4 * WORD; n -= 4 * WORD, w += 4) {
    w[0] = pattern;
    w[1] = pattern;
    w[2] = pattern;
    w[3] = pattern;
  }
  for (; n >= WORD; n -= WORD)
    *w++ = pattern;
  p = (uchar *)w;
  while (n-- > 0)
    *p++ = v;
  return dst;
}

// Copy lowest byte first when dst is below src, highest byte first
// otherwise, so no source byte is overwritten before it has been read.
// Words are used when dst and src are equally misaligned (then, after a
// few single bytes, both are aligned at once).
static void
copy_up(uchar *to, const uchar *from, uint n)
{
  if (((uint64)to ^ (uint64)from) % WORD == 0) {
    for (; n > 0 && !ALIGNED(to); n--)
      *to++ = *from++;
    for (; n >= WORD; n -= WORD, to += WORD, from += WORD)
      *(uint64 *)to = *(const uint64 *)from;
  }
  while (n-- > 0)
    *to++ = *from++;
}

static void
copy_down(uchar *to, const uchar *from, uint n)
{
  to += n;
  from += n;
  if (((uint64)to ^ (uint64)from) % WORD == 0) {
    for (; n > 0 && !ALIGNED(to); n--)
      *--to = *--from;
    for (; n >= WORD; n -= WORD) {
      to -= WORD;
      from -= WORD;
      *(uint64 *)to = *(const uint64 *)from;
    }
  }
  while (n-- > 0)
    *--to = *--from;
}

void *
memmove(void *dst, const void *src, uint n)
{
  uchar *to = (uchar *)dst;
  const uchar *from = (const uchar *)src;

  if (to == from || n == 0)
    return dst;
  if (to < from)
    copy_up(to, from, n);
  else
    copy_down(to, from, n);
  return dst;
}

// The compiler emits memcpy for structure assignment; making it an alias
// of memmove means an accidental overlap is harmless.
void *
memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, n);
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *x = (const uchar *)a;
  const uchar *y = (const uchar *)b;

  for (uint i = 0; i < n; i++) {
    if (x[i] != y[i])
      return (int)x[i] - (int)y[i];
  }
  return 0;
}

int
strlen(const char *s)
{
  const char *end = s;

  while (*end != '\0')
    end++;
  return end - s;
}

// Compare at most n characters; bytes compare as unsigned, as in C.
int
strncmp(const char *a, const char *b, uint n)
{
  for (uint i = 0; i < n; i++) {
    uchar ca = (uchar)a[i];
    uchar cb = (uchar)b[i];
    if (ca != cb)
      return (int)ca - (int)cb;
    if (ca == '\0')
      break;
  }
  return 0;
}

// C's strncpy: copies up to n bytes and pads the rest of dst with NULs;
// dst is NOT terminated when src is n bytes or longer.
char *
strncpy(char *dst, const char *src, int n)
{
  int i = 0;

  for (; i < n && src[i] != '\0'; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = '\0';
  return dst;
}

// Like strncpy but always leaves dst a terminated string (when n > 0)
// and does not pad: the safe choice for fixed-size name fields.
char *
safestrcpy(char *dst, const char *src, int n)
{
  int i;

  if (n <= 0)
    return dst;
  for (i = 0; i < n - 1 && src[i] != '\0'; i++)
    dst[i] = src[i];
  dst[i] = '\0';
  return dst;
}
