// exec.h: replacing a process's program (exec.c) and the futex calls
// other subsystems need (futex.c).
#ifndef WEFT_EXEC_H
#define WEFT_EXEC_H

struct mm;

// Run the program at path with argv (kernel strings). On success the
// calling thread returns to the new program; on failure -1, nothing changed.
int exec(char *path, char **argv);
int proc_single_thread(void);   // exit.c: stop every other thread; -1 if told to die

int  futex_wait(uint64 uaddr, int val, int timeout_ticks);
int  futex_wake_addr(struct mm *mm, uint64 uaddr, int n);
void futex_timeouts(void *unused); // kthread body: wakes waiters whose timeout passed

#endif
