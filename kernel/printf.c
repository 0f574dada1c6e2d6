// printf.c: the kernel's formatted output, panic() and backtrace().
//
// Output goes byte by byte to consputc(), which spins on the UART, so printf
// works in any context (interrupt handlers, with locks held, before the
// scheduler runs). Locking: print_lock keeps whole printf calls from
// different harts from interleaving. Once a hart panics, `panicked` holds
// that hart's id + 1: the panicking hart prints without taking print_lock
// (it may already hold it), and every other hart freezes in uartputc_sync.
// Invariant: nothing on the panic path may sleep or wait for another hart.

#include <stdarg.h>

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "dev.h"
#include "printf.h"

volatile int panicked = 0;

static struct spinlock print_lock;

static const char hexdigits[] = "0123456789abcdef";

void
printfinit(void)
{
  initlock(&print_lock, "printf");
}

static void
put_string(const char *s)
{
  if (s == 0)
    s = "(null)";
  while (*s)
    consputc(*s++);
}

// Print v in the given base (10 or 16); negative only for signed decimal.
static void
put_number(uint64 v, int base, int negative)
{
  char digits[24];
  int n = 0;

  do {
    digits[n++] = hexdigits[v % base];
    v /= base;
  } while (v != 0);
  if (negative)
    consputc('-');
  while (n > 0)
    consputc(digits[--n]);
}

static void
put_signed(long v)
{
  if (v < 0)
    put_number(-(uint64)v, 10, 1);
  else
    put_number((uint64)v, 10, 0);
}

static void
put_pointer(uint64 p)
{
  consputc('0');
  consputc('x');
  for (int shift = 60; shift >= 0; shift -= 4)
    consputc(hexdigits[(p >> shift) & 0xf]);
}

// Handle one conversion starting just after '%'. longs counts 'l'
// prefixes; any count above zero means a 64-bit argument (long and long
// long are the same size on RV64). Returns how many characters of fmt
// the conversion used.
static int
put_conversion(const char *fmt, va_list *ap)
{
  int used = 0;
  int longs = 0;

  while (fmt[used] == 'l') {
    longs++;
    used++;
  }
  char conv = fmt[used];
  if (conv == '\0') {
    // A lone '%' (or "%l") at the end: print what we saw.
    consputc('%');
    return used;
  }
  used++;

  switch (conv) {
  case 'd':
    put_signed(longs ? va_arg(*ap, long) : va_arg(*ap, int));
    break;
  case 'u':
    put_number(longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 10, 0);
    break;
  case 'x':
    put_number(longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 16, 0);
    break;
  case 'p':
    put_pointer((uint64)va_arg(*ap, void *));
    break;
  case 's':
    put_string(va_arg(*ap, const char *));
    break;
  case 'c':
    consputc(va_arg(*ap, int));
    break;
  case '%':
    consputc('%');
    break;
  default:
    // Unknown conversion: show it literally so the mistake is visible.
    consputc('%');
    for (int i = 0; i < used; i++)
      consputc(fmt[i]);
    break;
  }
  return used;
}

static void
vprint(const char *fmt, va_list *ap)
{
  for (const char *p = fmt; *p != '\0'; ) {
    if (*p != '%') {
      consputc(*p++);
      continue;
    }
    p++;
    p += put_conversion(p, ap);
  }
}

void
printf(const char *fmt, ...)
{
  va_list ap;
  // Decide once: if a panic starts while we print, we must still release.
  int locked = !panicked;

  if (fmt == 0)
    fmt = "(null fmt)";
  if (locked)
    acquire(&print_lock);
  va_start(ap, fmt);
  vprint(fmt, &ap);
  va_end(ap);
  if (locked)
    release(&print_lock);
}

// Where backtrace() may walk: a thread's kernel stack, or (for a boot
// stack, whose bounds we do not know here) a window around the start.
struct stack_range {
  uint64 lo;
  uint64 hi;
  int bounded;    // lo/hi are the real stack; otherwise use the heuristics
};

static struct stack_range
current_stack(uint64 fp)
{
  // Unknown stack: trust only the starting frame's record (the 16 bytes
  // below fp) and what lies within four pages above it.
  struct stack_range r = { fp - 16, fp + 4 * PGSIZE, 0 };
  struct thread *t = mythread();

  if (t != 0) {
    uint64 top = t->kstack + KSTACK_PAGES * PGSIZE;
    if (fp > t->kstack && fp <= top) {
      r.lo = t->kstack;
      r.hi = top;
      r.bounded = 1;
    }
  }
  return r;
}

// Frame-pointer walk (the kernel is built -fno-omit-frame-pointer). On
// RISC-V, s0 points just above the frame: the return address is saved at
// fp-8 and the caller's frame pointer at fp-16. Stacks grow down, so each
// caller's fp must lie above the current one.
void
backtrace(void)
{
  uint64 fp = r_fp();
  struct stack_range r = current_stack(fp);

  printf("backtrace:\n");
  for (int depth = 0; depth < 64; depth++) {
    if (fp % 16 != 0 || fp < r.lo + 16 || fp > r.hi)
      break;
    if (!r.bounded && depth >= 32)
      break;
    uint64 ra = *(uint64 *)(fp - 8);
    uint64 caller_fp = *(uint64 *)(fp - 16);
    if (ra == 0)
      break;
    printf("  %p\n", (void *)ra);
    if (caller_fp <= fp)
      break;
    fp = caller_fp;
  }
}

void
panic(const char *msg)
{
  intr_off();
  int me = cpuid();
  // Only the first hart to panic reports; a second one just stops.
  if (!__sync_bool_compare_and_swap(&panicked, 0, me + 1)) {
    for (;;)
      ;
  }

  struct thread *t = mythread();
  if (t != 0 && t->proc != 0)
    printf("panic: hart %d thread %d (%s): %s\n", me, t->tid, t->proc->name, msg);
  else if (t != 0)
    printf("panic: hart %d thread %d (-): %s\n", me, t->tid, msg);
  else
    printf("panic: hart %d thread - (-): %s\n", me, msg);
  backtrace();
  for (;;)
    ;
}
