// uart.c: driver for the NS16550A serial port at UART0 (QEMU virt).
//
// Two output paths: uartputc() queues bytes in a small ring that the
// transmit-holding-register-empty interrupt drains (write() to the console
// uses it and may sleep while the ring is full); uartputc_sync() spins on
// the line status register and is for kernel printf and echo, which must
// never sleep. Input bytes go straight to consoleintr() from uartintr().
// Locking: tx.lock protects the ring and is the only lock taken around the
// transmit register on the buffered path. midline (was the last byte sent
// not a newline?) is written at every send without a lock: printf only
// needs a good guess for where its message starts. Invariant: tx.sent <= tx.queued
// <= tx.sent + TXRING, and a byte leaves the ring only when the UART has
// room for it.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "sched.h"
#include "dev.h"
#include "sbi.h"
#include "printf.h"

// Register offsets (byte registers, one per address on QEMU's 16550).
#define REG_RHR 0       // receive holding (read)
#define REG_THR 0       // transmit holding (write)
#define REG_DLL 0       // divisor latch low, while LCR_DLAB is set
#define REG_IER 1       // interrupt enable
#define REG_DLM 1       // divisor latch high, while LCR_DLAB is set
#define REG_FCR 2       // FIFO control (write)
#define REG_ISR 2       // interrupt status (read)
#define REG_LCR 3       // line control
#define REG_LSR 5       // line status

#define IER_RX_READY   0x01
#define IER_TX_EMPTY   0x02
#define FCR_ENABLE     0x01
#define FCR_CLEAR_RX   0x02
#define FCR_CLEAR_TX   0x04
#define LCR_8N1        0x03   // 8 data bits, no parity, 1 stop bit
#define LCR_DLAB       0x80   // divisor latch access
#define LSR_RX_READY   0x01   // a byte waits in RHR
#define LSR_TX_IDLE    0x20   // THR can take a byte

// 1.8432 MHz / (16 * 38400) = 3.
#define DIVISOR_38400  3

#define TXRING 32

static struct {
  struct spinlock lock;
  char ring[TXRING];
  uint64 queued;    // bytes ever put in the ring; next slot is queued % TXRING
  uint64 sent;      // bytes ever handed to the UART
} tx;

static volatile int midline;   // the last byte sent to the UART was not '\n'

static inline uchar
uart_get(int reg)
{
  return *(volatile uchar *)(UART0 + reg);
}

static inline void
uart_set(int reg, uchar v)
{
  *(volatile uchar *)(UART0 + reg) = v;
}

// Hand c to the transmitter, remembering whether it ended a line.
static inline void
uart_send(int c)
{
  uart_set(REG_THR, c);
  midline = (c != '\n');
}

int
uart_at_line_start(void)
{
  return !midline;
}

// Set once uartinit has run, with paging on (the registers are mapped in
// the kernel window, memlayout.h); until then output goes through SBI.
static int uart_ready;

void
uartinit(void)
{
  uart_set(REG_IER, 0);                       // quiet while we configure
  uart_set(REG_LCR, LCR_DLAB);
  uart_set(REG_DLL, DIVISOR_38400 & 0xff);
  uart_set(REG_DLM, DIVISOR_38400 >> 8);
  uart_set(REG_LCR, LCR_8N1);                 // also clears DLAB
  uart_set(REG_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
  uart_set(REG_IER, IER_RX_READY | IER_TX_EMPTY);
  initlock(&tx.lock, "uart");
  uart_ready = 1;
}

// Move bytes from the ring to the UART while it has room. Called with
// tx.lock held, from a writer or from the interrupt handler. Writers
// blocked on a full ring are woken once space appears.
static void
tx_drain(void)
{
  int freed = 0;

  while (tx.sent != tx.queued && (uart_get(REG_LSR) & LSR_TX_IDLE)) {
    uart_send(tx.ring[tx.sent % TXRING]);
    tx.sent++;
    freed = 1;
  }
  if (freed)
    wakeup(&tx.sent);
}

// Queue c for output, sleeping while the ring is full. Only for thread
// context (console write()); never call it from an interrupt handler.
void
uartputc(int c)
{
  acquire(&tx.lock);
  if (panicked) {
    // The panicking hart owns the port now; drop the byte.
    release(&tx.lock);
    return;
  }
  while (tx.queued - tx.sent == TXRING)
    sleep(&tx.sent, &tx.lock);
  tx.ring[tx.queued % TXRING] = c;
  tx.queued++;
  tx_drain();
  release(&tx.lock);
}

// Write c now, spinning until the UART takes it. Interrupts stay off so
// that a hart cannot be interrupted half-way and lose its place.
void
uartputc_sync(int c)
{
  if (!uart_ready) {
    // Before paging is on the registers' kernel-window address means
    // nothing: ask the firmware (an early panic still gets printed).
    sbi_console_putchar(c);
    return;
  }
  push_off();
  if (panicked && panicked != cpuid() + 1) {
    // Another hart is printing its panic: stay out of its way forever.
    for (;;)
      ;
  }
  while ((uart_get(REG_LSR) & LSR_TX_IDLE) == 0)
    ;
  uart_send(c);
  pop_off();
}

// Next received byte, or -1 when none is waiting.
static int
uart_getc(void)
{
  if (uart_get(REG_LSR) & LSR_RX_READY)
    return uart_get(REG_RHR);
  return -1;
}

// The UART raised an interrupt: received data, room to transmit, or both.
void
uartintr(void)
{
  int c;

  while ((c = uart_getc()) >= 0)
    consoleintr(c);

  acquire(&tx.lock);
  tx_drain();
  release(&tx.lock);
}
