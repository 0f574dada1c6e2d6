// printf.c: the kernel's formatted output, panic() and backtrace().
//
// Output goes byte by byte to consputc(), which spins on the UART, so printf
// works in any context (interrupt handlers, with locks held, before the
// scheduler runs). Locking: print_lock keeps whole printf calls from
// different harts from interleaving. Once a hart panics, `panicked` holds
// that hart's id + 1: the panicking hart prints without taking print_lock
// (it may already hold it), and every other hart freezes in uartputc_sync.
// Every kernel message starts on a fresh line: if a user program left the
// console mid-line (user printf writes byte by byte, "$ " has no newline),
// printf puts a newline first, so "panic: ..." and other kernel lines can
// always be found at a line start. A hart continuing its own unfinished
// line (a message printed in pieces) is left alone.
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
static int line_owner;      // hart + 1 whose printf left the line open, or 0
static int last_put;        // the last byte printf printed

static const char hexdigits[] = "0123456789abcdef";

void
printfinit(void)
{
  initlock(&print_lock, "printf");
}

// Every byte printf prints goes through here.
static void
kputc(int c)
{
  consputc(c);
  last_put = c;
}

static void
put_string(const char *s)
{
  if (s == 0)
    s = "(null)";
  while (*s)
    kputc(*s++);
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
    kputc('-');
  while (n > 0)
    kputc(digits[--n]);
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
  kputc('0');
  kputc('x');
  for (int shift = 60; shift >= 0; shift -= 4)
    kputc(hexdigits[(p >> shift) & 0xf]);
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
    kputc('%');
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
    kputc(va_arg(*ap, int));
    break;
  case '%':
    kputc('%');
    break;
  default:
    // Unknown conversion: show it literally so the mistake is visible.
    kputc('%');
    for (int i = 0; i < used; i++)
      kputc(fmt[i]);
    break;
  }
  return used;
}

static void
vprint(const char *fmt, va_list *ap)
{
  for (const char *p = fmt; *p != '\0'; ) {
    if (*p != '%') {
      kputc(*p++);
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
  int me = cpuid() + 1;
  if (!uart_at_line_start() && line_owner != me)
    kputc('\n');
  va_start(ap, fmt);
  vprint(fmt, &ap);
  va_end(ap);
  line_owner = last_put == '\n' ? 0 : me;
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
    uint64 top = (uint64)t->trapframe;   // the stack proper ends below it
    if (fp > t->kstack && fp <= top) {
      r.lo = t->kstack;
      r.hi = top;
      r.bounded = 1;
    }
  }
  return r;
}

extern char _entry[], etext[];   // kernel.ld: the kernel's text

// The call instruction that a return address ra comes back from. The call
// ends at ra and is either 4 bytes (jal or jalr writing ra) or 2 (c.jalr);
// reading backwards cannot always tell which. ra itself is the next line
// (often the next function), and ra-4 may be the instruction before a
// c.jalr. ra-2 is inside the call either way -- the call's first byte for
// c.jalr, its second half for a 4-byte call -- so `addr2line -e
// kernel/kernel` names the calling line. We print ra-4, the start of the
// call as kernel.asm shows it, only when the 4-byte form is certain: the
// word at ra-4 is jal/jalr with rd = ra and the halfword at ra-2 is not a
// c.jalr.
static uint64
call_site(uint64 ra)
{
  uint16 lo = *(uint16 *)(ra - 4);
  uint16 hi = *(uint16 *)(ra - 2);
  uint32 opcode = lo & 0x7f;
  uint32 rd = (lo >> 7) & 0x1f;
  int call4 = (opcode == 0x6f || opcode == 0x67) && rd == 1;     // jal, jalr
  int c_jalr = (hi & 0xf07f) == 0x9002 && ((hi >> 7) & 0x1f) != 0;
  return call4 && !c_jalr ? ra - 4 : ra - 2;
}

// Frame-pointer walk (the kernel is built -fno-omit-frame-pointer). On
// RISC-V, s0 points just above the frame: the return address is saved at
// fp-8 and the caller's frame pointer at fp-16. Stacks grow down, so each
// caller's fp must lie above the current one. The walk ends at a zero fp
// (entry.S, a new thread, uservec: it zeroes fp and ra before it jumps to
// usertrap) or at a return address outside the kernel's text.
// Each line is a call site: `addr2line -f -e kernel/kernel ADDR`.
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
    if (ra < (uint64)_entry + 4 || ra > (uint64)etext)
      break;
    printf("  %p\n", (void *)call_site(ra));
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
