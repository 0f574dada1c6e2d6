// sysnums.h: the kernel functions behind each system call number, one
// per subsystem file: sysproc.c, sysfile.c, exec.c, sysmem.c, signal.c, pgrp.c.
#ifndef WEFT_SYSNUMS_H
#define WEFT_SYSNUMS_H

// sysproc.c: processes, threads, time, information
uint64 sys_fork(void);
uint64 sys_exit(void);
uint64 sys_wait(void);
uint64 sys_kill(void);
uint64 sys_getpid(void);
uint64 sys_sleep(void);
uint64 sys_uptime(void);
uint64 sys_clone(void);
uint64 sys_gettid(void);
uint64 sys_thread_exit(void);
uint64 sys_futex(void);
uint64 sys_procinfo(void);
uint64 sys_poweroff(void);

// sysmem.c: memory
uint64 sys_sbrk(void);
uint64 sys_meminfo(void);
uint64 sys_hartstat(void);
uint64 sys_mmap(void);
uint64 sys_munmap(void);
uint64 sys_mprotect(void);

// signal.c: signals, alarm, waitpid
uint64 sys_sigaction(void);
uint64 sys_sigprocmask(void);
uint64 sys_sigpending(void);
uint64 sys_sigsuspend(void);
uint64 sys_sigsend(void);
uint64 sys_tgkill(void);
uint64 sys_sigreturn(void);
uint64 sys_alarm(void);
uint64 sys_waitpid(void);

// exec.c
uint64 sys_exec(void);

// sysfile.c: files
uint64 sys_pipe(void);
uint64 sys_read(void);
uint64 sys_write(void);
uint64 sys_close(void);
uint64 sys_fstat(void);
uint64 sys_chdir(void);
uint64 sys_dup(void);
uint64 sys_open(void);
uint64 sys_mknod(void);
uint64 sys_unlink(void);
uint64 sys_link(void);
uint64 sys_mkdir(void);

// pgrp.c: process groups and the console's foreground group
uint64 sys_setpgid(void);
uint64 sys_getpgid(void);
uint64 sys_tcsetpgrp(void);
uint64 sys_tcgetpgrp(void);

#endif
