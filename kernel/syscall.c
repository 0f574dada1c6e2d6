// syscall.c: system call dispatch and argument fetching.
//
// The number arrives in a7, arguments in a0-a5 of the calling thread's
// trapframe, the result leaves in a0. Every pointer argument is checked when
// it is used (copyin/copyout refuse what is not mapped for the user), so a
// bad pointer is an error return, never a kernel fault.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "syscall.h"
#include "sysarg.h"
#include "sysnums.h"
#include "klib.h"
#include "printf.h"

static uint64
raw_arg(int n)
{
  struct trapframe *tf = mythread()->trapframe;
  switch (n) {
  case 0: return tf->a0;
  case 1: return tf->a1;
  case 2: return tf->a2;
  case 3: return tf->a3;
  case 4: return tf->a4;
  case 5: return tf->a5;
  }
  panic("raw_arg: argument number out of range");
}

void
argint(int n, int *ip)
{
  *ip = (int)raw_arg(n);
}

void
argaddr(int n, uint64 *ap)
{
  *ap = raw_arg(n);
}

int
fetchaddr(uint64 addr, uint64 *ip)
{
  return copyin(myproc()->mm, ip, addr, sizeof(*ip));
}

int
fetchstr(uint64 addr, char *buf, int max)
{
  if (copyinstr(myproc()->mm, buf, addr, max) < 0)
    return -1;
  return strlen(buf);
}

int
argstr(int n, char *buf, int max)
{
  return fetchstr(raw_arg(n), buf, max);
}

static uint64 (*const syscalls[])(void) = {
  [SYS_fork] = sys_fork,     [SYS_exit] = sys_exit,       [SYS_wait] = sys_wait,
  [SYS_pipe] = sys_pipe,     [SYS_read] = sys_read,       [SYS_kill] = sys_kill,
  [SYS_exec] = sys_exec,     [SYS_fstat] = sys_fstat,     [SYS_chdir] = sys_chdir,
  [SYS_dup] = sys_dup,       [SYS_getpid] = sys_getpid,   [SYS_sbrk] = sys_sbrk,
  [SYS_sleep] = sys_sleep,   [SYS_uptime] = sys_uptime,   [SYS_open] = sys_open,
  [SYS_write] = sys_write,   [SYS_mknod] = sys_mknod,     [SYS_unlink] = sys_unlink,
  [SYS_link] = sys_link,     [SYS_mkdir] = sys_mkdir,     [SYS_close] = sys_close,
  [SYS_clone] = sys_clone,   [SYS_gettid] = sys_gettid,   [SYS_thread_exit] = sys_thread_exit,
  [SYS_futex] = sys_futex,   [SYS_mmap] = sys_mmap,       [SYS_munmap] = sys_munmap,
  [SYS_mprotect] = sys_mprotect,
  [SYS_procinfo] = sys_procinfo,
  [SYS_meminfo] = sys_meminfo,   [SYS_poweroff] = sys_poweroff,
  [SYS_hartstat] = sys_hartstat,
  [SYS_sigaction] = sys_sigaction,
  [SYS_sigprocmask] = sys_sigprocmask,
  [SYS_sigpending] = sys_sigpending,
  [SYS_sigsuspend] = sys_sigsuspend,
  [SYS_sigsend] = sys_sigsend,
  [SYS_tgkill] = sys_tgkill,
  [SYS_sigreturn] = sys_sigreturn,
  [SYS_alarm] = sys_alarm,
  [SYS_waitpid] = sys_waitpid,
  [SYS_setpgid] = sys_setpgid,
  [SYS_getpgid] = sys_getpgid,
  [SYS_tcsetpgrp] = sys_tcsetpgrp,
  [SYS_tcgetpgrp] = sys_tcgetpgrp,
  [SYS_lseek] = sys_lseek,
  [SYS_getppid] = sys_getppid,
  [SYS_clock_gettime] = sys_clock_gettime,
  [SYS_dup2] = sys_dup2,
  [SYS_sched_yield] = sys_sched_yield,
};

void
syscall(void)
{
  struct thread *t = mythread();
  uint64 num = t->trapframe->a7;
  // To restart the call after a signal (signal.c). t->sys_intr is 0 here:
  // every return to user space that found it set cleared it.
  t->sys_a0 = t->trapframe->a0;
#ifdef WEFT_BREAK_SYSCALL
  // For testing the autograder only: a kernel deliberately broken in one
  // call (make EXTRA_CFLAGS=-DWEFT_BREAK_SYSCALL=SYS_uptime).
  if (num == WEFT_BREAK_SYSCALL)
    panic("deliberately broken system call (WEFT_BREAK_SYSCALL)");
#endif
  if (num < sizeof(syscalls) / sizeof(syscalls[0]) && syscalls[num]) {
    t->trapframe->a0 = syscalls[num]();
  } else {
    printf("pid %d tid %d (%s): unknown system call %d\n",
           t->proc->pid, t->tid, t->proc->name, (int)num);
    t->trapframe->a0 = -1;
  }
}
