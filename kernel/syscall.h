// syscall.h: system call numbers. 1-21 are xv6's and fixed (docs/abi.md); 22 and
// up are weft's, chosen once here and never reused.
#ifndef WEFT_SYSCALL_H
#define WEFT_SYSCALL_H

#define SYS_fork    1
#define SYS_exit    2
#define SYS_wait    3
#define SYS_pipe    4
#define SYS_read    5
#define SYS_kill    6
#define SYS_exec    7
#define SYS_fstat   8
#define SYS_chdir   9
#define SYS_dup    10
#define SYS_getpid 11
#define SYS_sbrk   12
#define SYS_sleep  13
#define SYS_uptime 14
#define SYS_open   15
#define SYS_write  16
#define SYS_mknod  17
#define SYS_unlink 18
#define SYS_link   19
#define SYS_mkdir  20
#define SYS_close  21

#define SYS_clone       22
#define SYS_gettid      23
#define SYS_thread_exit 24
#define SYS_futex       25
#define SYS_mmap        26
#define SYS_munmap      27
#define SYS_mprotect    28
#define SYS_procinfo    29
#define SYS_meminfo     30
#define SYS_poweroff    31
#define SYS_hartstat    32
#define SYS_sigaction   33   // user stub: __sigaction (user/signal.c wraps it)
#define SYS_sigprocmask 34
#define SYS_sigpending  35
#define SYS_sigsuspend  36
#define SYS_sigsend     37
#define SYS_tgkill      38
#define SYS_sigreturn   39
#define SYS_alarm       40
#define SYS_waitpid     41
#define SYS_setpgid     42
#define SYS_getpgid     43
#define SYS_tcsetpgrp   44
#define SYS_tcgetpgrp   45

// The POSIX runtime's calls (sysposix.c, docs/user.md).
#define SYS_lseek         46
#define SYS_getppid       47
#define SYS_clock_gettime 48
#define SYS_dup2          49
#define SYS_sched_yield   50

#endif
