// console.c: the console device (major CONSOLE): line editing on input,
// plain output through the UART.
//
// Input typed at the UART arrives one byte at a time in consoleintr(), is
// echoed, edited (backspace, ^U) and collected in a 128-byte circular
// buffer; read() gets it a line at a time. A line too long for the buffer
// is discarded with a message (add_char). ^C and ^Z signal the foreground
// process group (pgrp.c); any process may read, in the foreground or not.
// Locking: cons.lock protects the buffer, its three indices and the
// discarding flag. Invariant: rd <= commit <= edit <= rd + INBUF;
// bytes in [rd, commit) are finished lines (or a ^D) that readers may take,
// bytes in [commit, edit) are the line still being typed and may be erased.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "sched.h"
#include "proc.h"
#include "file.h"
#include "mm.h"
#include "dev.h"
#include "printf.h"
#include "signal.h"
#include "pgrp.h"

#define INBUF 128
#define CTRL(x) ((x) - '@')
#define ERASE 0x100          // consputc(): rub out the previous character
#define DELETE 0x7f

static struct {
  struct spinlock lock;
  char buf[INBUF];
  uint rd;        // next byte read() returns
  uint commit;    // end of the finished lines
  uint edit;      // end of everything typed
  int discarding; // the line being typed did not fit: drop it up to its end
} cons;

// Kernel output: spin the byte out, drawing an erase as back-space-back.
void
consputc(int c)
{
  if (c != ERASE) {
    uartputc_sync(c);
    return;
  }
  uartputc_sync('\b');
  uartputc_sync(' ');
  uartputc_sync('\b');
}

// Forget the last typed (uncommitted) character. Returns the character
// erased, or -1 if the current line is empty.
static int
erase_one(void)
{
  if (cons.edit == cons.commit)
    return -1;
  cons.edit--;
  consputc(ERASE);
  return cons.buf[cons.edit % INBUF];
}

// Say so once when a line is discarded for want of room.
static void
say_discarded(void)
{
  static const char msg[] = "\nconsole: line too long for the 128-byte input buffer: discarded\n";
  for (const char *m = msg; *m; m++)
    consputc(*m);
}

// Take a typed character into the line being edited; a newline or ^D hands
// everything typed so far to readers. A character is taken only if the
// ring keeps room for the newline that must end its line. When it does not
// (the line is too long, or earlier lines nobody has read yet fill the
// ring), the whole line is discarded: one message, no echo until the line
// ends, and then readers get only its newline -- an empty line, so the
// shell prompts again instead of running half a command.
static void
add_char(int c)
{
  if (c == '\r')
    c = '\n';
  int ends_line = (c == '\n' || c == CTRL('D'));
  if (cons.discarding) {
    if (!ends_line)
      return;
    cons.discarding = 0;
    c = '\n';            // a ^D here would read as end of file: not what was meant
  } else if (!ends_line && cons.edit - cons.rd >= INBUF - 1) {
    cons.edit = cons.commit;
    cons.discarding = 1;
    say_discarded();
    return;
  }
  if (cons.edit - cons.rd >= INBUF)
    return;               // full of unread lines: nowhere even for a newline
  if (c != CTRL('D'))
    consputc(c);
  cons.buf[cons.edit % INBUF] = c;
  cons.edit++;
  if (ends_line) {
    cons.commit = cons.edit;
    wakeup(&cons.rd);
  }
}

// One byte received by the UART (called from its interrupt handler).
void
consoleintr(int c)
{
  int dump = 0;
  int sig = 0;

  acquire(&cons.lock);
  switch (c) {
  case CTRL('P'):
    dump = 1;
    break;
  case CTRL('C'):
  case CTRL('Z'):
    // As a terminal does: drop the line being typed, show the key, start
    // a new line, and signal the foreground job (pgrp.c).
    cons.edit = cons.commit;
    cons.discarding = 0;
    consputc('^');
    consputc(c + '@');
    consputc('\n');
    sig = (c == CTRL('C')) ? SIGINT : SIGTSTP;
    break;
  case CTRL('U'):
    // Erase back to the start of the line being typed.
    while (cons.edit != cons.commit &&
           cons.buf[(cons.edit - 1) % INBUF] != '\n')
      erase_one();
    break;
  case CTRL('H'):
  case DELETE:
    erase_one();
    break;
  default:
    if (c != 0)
      add_char(c);
    break;
  }
  release(&cons.lock);

  // procdump and signals take process locks: not under cons.lock.
  if (dump)
    procdump();
  if (sig)
    pgrp_signal_foreground(sig);
}

// Copy up to max bytes of committed input into out, stopping after a
// newline. A ^D ends the copy; it is consumed only if it is the first
// byte, so "abc^D" returns "abc" now and 0 (end of file) next time.
// so_far counts bytes this read() already returned in earlier chunks.
// Caller holds cons.lock and has checked that input is available.
static int
take_input(char *out, int max, int so_far, int *line_done)
{
  int n = 0;

  *line_done = 0;
  while (n < max && cons.rd != cons.commit) {
    char c = cons.buf[cons.rd % INBUF];
    if (c == CTRL('D')) {
      if (so_far + n == 0)
        cons.rd++;
      *line_done = 1;
      break;
    }
    cons.rd++;
    out[n++] = c;
    if (c == '\n') {
      *line_done = 1;
      break;
    }
  }
  return n;
}

// read() on the console: blocks until a whole line (or ^D) is typed.
// Returns the byte count, 0 at end of file, -1 on a bad destination
// address or when a signal or a kill interrupts the wait (signal.h's
// interrupted(): the call is restarted unless a handler runs without
// SA_RESTART -- how a shell's ^C handler gets its prompt back). Input that could not be copied out is given back
// for the next read, unless another reader has taken input meanwhile.
static int
consoleread(int user_dst, uint64 dst, int n)
{
  char chunk[64];
  int total = 0;

  while (n > 0) {
    acquire(&cons.lock);
    while (cons.rd == cons.commit) {
      if (interrupted()) {
        release(&cons.lock);
        return total > 0 ? total : -1;
      }
      sleep_killable(&cons.rd, &cons.lock);
    }
    int line_done;
    int want = n < (int)sizeof(chunk) ? n : (int)sizeof(chunk);
    int got = take_input(chunk, want, total, &line_done);
    uint taken_to = cons.rd;
    release(&cons.lock);

    // Copy outside the lock: writing user memory may resolve a page fault.
    if (got > 0 && either_copyout(user_dst, dst, chunk, got) < 0) {
      // Give the bytes back if they are still in the ring: no reader took
      // input since, and typing has not reused the room we freed.
      acquire(&cons.lock);
      if (cons.rd == taken_to && cons.edit - cons.rd + got <= INBUF) {
        cons.rd -= got;
        wakeup(&cons.rd);
      }
      release(&cons.lock);
      return total > 0 ? total : -1;
    }
    total += got;
    dst += got;
    n -= got;
    if (line_done)
      break;
  }
  return total;
}

static struct sleeplock write_lock;   // serialises whole write() calls

// write() on the console: each byte goes through the buffered UART path.
// Returns n, the bytes written before src went bad, or -1 if src is bad
// from the start.
static int
consolewrite(int user_src, uint64 src, int n)
{
  char chunk[32];
  int done = 0;

  // One write() reaches the screen in one piece, even when threads on other
  // harts write at the same time. A sleep lock, because uartputc may sleep.
  acquiresleep(&write_lock);
  while (done < n) {
    int len = n - done < (int)sizeof(chunk) ? n - done : (int)sizeof(chunk);
    if (either_copyin(chunk, user_src, src + done, len) < 0)
      break;
    for (int i = 0; i < len; i++)
      uartputc(chunk[i]);
    done += len;
  }
  releasesleep(&write_lock);
  return done > 0 || n == 0 ? done : -1;
}

void
consoleinit(void)
{
  initlock(&cons.lock, "console");
  initsleeplock(&write_lock, "console write");
  uartinit();
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
}
