// printf.c: formatted output for user programs: printf, fprintf, vprintf.
// Conversions: %d %u %x %p %s %c %%, with an optional l or ll size prefix,
// a field width, '-' (left-justify) and '0' (zero pad).
// All state lives on the caller's stack, so threads may print concurrently.
// Invariant: output is gathered in an outbuf and handed to write() in as few
// calls as possible (one per call when it fits), so lines printed by
// different processes do not interleave character by character.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

#include <stdarg.h>

#define OUTBUF_SIZE 512

struct outbuf {
  int fd;
  int used;
  int total;        // characters produced, for the return value
  char data[OUTBUF_SIZE];
};

static void
ob_flush(struct outbuf *ob)
{
  if (ob->used > 0)
    write(ob->fd, ob->data, ob->used);
  ob->used = 0;
}

static void
ob_putc(struct outbuf *ob, char c)
{
  if (ob->used == OUTBUF_SIZE)
    ob_flush(ob);
  ob->data[ob->used++] = c;
  ob->total++;
}

static void
ob_pad(struct outbuf *ob, char c, int count)
{
  while (count-- > 0)
    ob_putc(ob, c);
}

// How one conversion should be laid out.
struct spec {
  int width;
  int left;       // '-' flag
  int zero;       // '0' flag
};

// Emit text of length len inside the field described by sp.
static void
ob_field(struct outbuf *ob, const struct spec *sp, const char *text, int len)
{
  int gap = sp->width > len ? sp->width - len : 0;
  if (!sp->left) {
    // Zero padding goes after a leading minus sign, not before it.
    if (sp->zero && *text == '-') {
      ob_putc(ob, '-');
      text++;
      len--;
    }
    ob_pad(ob, sp->zero ? '0' : ' ', gap);
  }
  for (int i = 0; i < len; i++)
    ob_putc(ob, text[i]);
  if (sp->left)
    ob_pad(ob, ' ', gap);
}

// Format magnitude v in base (10 or 16) with an optional minus sign.
static void
ob_number(struct outbuf *ob, const struct spec *sp, uint64 v, int base, int negative)
{
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  int pos = sizeof(tmp);

  do {
    tmp[--pos] = digits[v % base];
    v /= base;
  } while (v != 0);
  if (negative)
    tmp[--pos] = '-';
  ob_field(ob, sp, tmp + pos, sizeof(tmp) - pos);
}

static void
ob_pointer(struct outbuf *ob, uint64 p)
{
  ob_putc(ob, '0');
  ob_putc(ob, 'x');
  for (int shift = 60; shift >= 0; shift -= 4)
    ob_putc(ob, "0123456789abcdef"[(p >> shift) & 0xf]);
}

// Parse flags and width starting at *fmt; leaves *fmt at the size/letter.
static void
parse_spec(const char **fmt, struct spec *sp)
{
  const char *f = *fmt;
  sp->width = sp->left = sp->zero = 0;
  for (; *f == '-' || *f == '0'; f++) {
    if (*f == '-')
      sp->left = 1;
    else
      sp->zero = 1;
  }
  while (*f >= '0' && *f <= '9')
    sp->width = sp->width * 10 + (*f++ - '0');
  *fmt = f;
}

// One conversion: *fmt points just past the '%'. Returns the character
// after the conversion letter.
static const char*
convert(struct outbuf *ob, const char *fmt, va_list *ap)
{
  struct spec sp;
  int longs = 0;

  parse_spec(&fmt, &sp);
  while (*fmt == 'l') {
    longs++;
    fmt++;
  }

  switch (*fmt) {
  case 'd': {
    long v = longs ? va_arg(*ap, long) : va_arg(*ap, int);
    ob_number(ob, &sp, v < 0 ? -(uint64)v : (uint64)v, 10, v < 0);
    break;
  }
  case 'u':
    ob_number(ob, &sp, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 10, 0);
    break;
  case 'x':
    ob_number(ob, &sp, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 16, 0);
    break;
  case 'p':
    ob_pointer(ob, va_arg(*ap, uint64));
    break;
  case 'c': {
    char c = (char)va_arg(*ap, int);
    ob_field(ob, &sp, &c, 1);
    break;
  }
  case 's': {
    const char *s = va_arg(*ap, const char *);
    if (s == 0)
      s = "(null)";
    ob_field(ob, &sp, s, strlen(s));
    break;
  }
  case '%':
    ob_putc(ob, '%');
    break;
  case '\0':
    // A lone '%' at the end: print it and stop at the terminator.
    ob_putc(ob, '%');
    return fmt;
  default:
    // Unknown conversion: show it as written so the mistake is visible.
    ob_putc(ob, '%');
    ob_putc(ob, *fmt);
    break;
  }
  return fmt + 1;
}

int
vprintf(int fd, const char *fmt, va_list ap)
{
  struct outbuf ob;
  va_list args;

  ob.fd = fd;
  ob.used = 0;
  ob.total = 0;
  va_copy(args, ap);
  while (*fmt) {
    if (*fmt == '%')
      fmt = convert(&ob, fmt + 1, &args);
    else
      ob_putc(&ob, *fmt++);
  }
  va_end(args);
  ob_flush(&ob);
  return ob.total;
}

int
fprintf(int fd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fd, fmt, ap);
  va_end(ap);
  return n;
}

int
printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(1, fmt, ap);
  va_end(ap);
  return n;
}
