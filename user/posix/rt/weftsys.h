// weftsys.h: the POSIX runtime's way into the kernel (user/posix/rt/).
// weft_syscall(n, ...) traps with number n (kernel/syscall.h) and returns
// what the kernel left in a0: a result, or -1 with no error code. The
// wrappers in sys.c, files.c and time.c turn that -1 into errno (docs/user.md).
#ifndef WEFT_POSIX_SYS_H
#define WEFT_POSIX_SYS_H

#include "kernel/syscall.h"

static inline long
weft_syscall(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
  register long r_a0 asm("a0") = a0;
  register long r_a1 asm("a1") = a1;
  register long r_a2 asm("a2") = a2;
  register long r_a3 asm("a3") = a3;
  register long r_a4 asm("a4") = a4;
  register long r_a5 asm("a5") = a5;
  register long r_a7 asm("a7") = n;
  asm volatile("ecall"
               : "+r"(r_a0)
               : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
               : "memory");
  return r_a0;
}

#define SYS0(n)             weft_syscall((n), 0, 0, 0, 0, 0, 0)
#define SYS1(n, a)          weft_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b)       weft_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c)    weft_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) weft_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

// The kernel's struct stat (kernel/stat.h), under a name of its own so
// it does not clash with <sys/stat.h>'s.
struct weft_stat {
  int dev;
  unsigned ino;
  short type;          // 1 directory, 2 file, 3 device
  short nlink;
  unsigned long size;
};
#define WEFT_T_DIR    1
#define WEFT_T_FILE   2
#define WEFT_T_DEVICE 3

// Shared by the runtime's files.
int weft_fd_open(int fd);                 // is fd an open descriptor?
int weft_fail(int err);                   // errno = err; returns -1
int weft_status_to_pico(int status);      // waitpid's status word, picolibc's signal numbers

#endif
