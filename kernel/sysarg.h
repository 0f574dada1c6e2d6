// sysarg.h: fetching system call arguments from the calling thread's
// trapframe and user memory, each one checked (syscall.c).
#ifndef WEFT_SYSARG_H
#define WEFT_SYSARG_H

void argint(int n, int *ip);           // nth argument as int (any value is valid)
void argaddr(int n, uint64 *ap);       // nth argument as a user address (checked on use)
int  argstr(int n, char *buf, int max);// copy the nth argument's string: length, or -1
int  fetchaddr(uint64 addr, uint64 *ip);     // 8 bytes at user addr: 0 or -1
int  fetchstr(uint64 addr, char *buf, int max); // length, or -1

#endif
