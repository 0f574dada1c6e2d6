// sysproc.c: system calls about processes, threads, time and the machine.
// Each unpacks its arguments and calls the subsystem that does the work
// (proc.c, futex.c, procfs.c); nothing here keeps state.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "sched.h"
#include "trap.h"
#include "exec.h"
#include "signal.h"
#include "sbi.h"
#include "pidns.h"
#include "procfs.h"
#include "sysarg.h"
#include "sysnums.h"
#include "weftabi.h"
#include "printf.h"

uint64
sys_fork(void)
{
  return clone(0, 0, 0, 0);
}

uint64
sys_clone(void)
{
  int flags;
  uint64 stack, tls, ctid;
  argint(0, &flags);
  argaddr(1, &stack);
  argaddr(2, &tls);
  argaddr(3, &ctid);
  return clone(flags, stack, tls, ctid);
}

uint64
sys_exit(void)
{
  int status;
  argint(0, &status);
  exit(status);
}

uint64
sys_thread_exit(void)
{
  int value;
  argint(0, &value);
  thread_exit(value);
}

uint64
sys_wait(void)
{
  uint64 status;
  argaddr(0, &status);
  return wait(status);
}

uint64
sys_kill(void)
{
  int pid;
  argint(0, &pid);
  return kill(pid);
}

// Both as the caller's PID namespace numbers them (pidns.c).
uint64
sys_getpid(void)
{
  struct proc *p = myproc();
  return p->ns ? pid_seen(p) : p->pid;     // no namespace: the root, real ids
}

uint64
sys_gettid(void)
{
  return tid_seen(mythread());
}

// sleep(n): n clock ticks; -1 if killed or interrupted by a signal meanwhile.
uint64
sys_sleep(void)
{
  int n;
  argint(0, &n);
  if (n < 0)
    n = 0;
  acquire(&tickslock);
  uint start = ticks;
  while (ticks - start < (uint)n) {
    if (interrupted()) {
      release(&tickslock);
      return -1;
    }
    sleep_killable(&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

uint64
sys_uptime(void)
{
  acquire(&tickslock);
  uint t = ticks;
  release(&tickslock);
  return t;
}

uint64
sys_futex(void)
{
  uint64 addr;
  int op, val, timeout;
  argaddr(0, &addr);
  argint(1, &op);
  argint(2, &val);
  argint(3, &timeout);
  if (op == FUTEX_WAIT)
    return futex_wait(addr, val, timeout);
  if (op == FUTEX_WAKE)
    return val < 0 ? -1 : futex_wake_addr(myproc()->mm, addr, val);
  return -1;
}

uint64
sys_procinfo(void)
{
  uint64 buf;
  int max;
  argaddr(0, &buf);
  argint(1, &max);
  return procinfo_fill(buf, max);
}

// poweroff(status): only init (pid 1) may turn the machine off. Anything
// else -- a buggy program, a test, the fuzzer -- gets -1 and the machine
// keeps running; `halt` asks init instead (docs/boot.md, "Power").
uint64
sys_poweroff(void)
{
  int status;
  argint(0, &status);
  if (myproc()->pid != 1)
    return -1;
  printf("weft: power off (status %d)\n", status);
  sbi_poweroff(status);
}
