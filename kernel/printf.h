// printf.h: kernel console output and panic (printf.c).
#ifndef WEFT_PRINTF_H
#define WEFT_PRINTF_H

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *msg) __attribute__((noreturn));
void backtrace(void);
void printfinit(void);

extern volatile int panicked;   // set once a hart panics: others stop output

#endif
