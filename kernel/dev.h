// dev.h: the device drivers' interfaces (uart.c, console.c, plic.c).
#ifndef WEFT_DEV_H
#define WEFT_DEV_H

// uart.c: the NS16550 serial port.
void uartinit(void);
void uartputc(int c);        // buffered, may sleep: for write() to the console
void uartputc_sync(int c);   // spins, never sleeps: for kernel printf and echo
void uartintr(void);
int  uart_at_line_start(void); // was the last byte sent a newline?

// console.c: line discipline on top of the UART; device CONSOLE in devsw.
void consoleinit(void);
void consputc(int c);        // kernel output (printf), synchronous
void consoleintr(int c);     // one received character

// plic.c: the platform-level interrupt controller.
void plicinit(void);
void plicinithart(void);
int  plic_claim(void);
void plic_complete(int irq);

#endif
