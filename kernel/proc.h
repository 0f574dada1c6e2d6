// proc.h: the PCB. A process owns resources (address space, open files, cwd,
// children); its threads run. Created only by clone() (fork is clone(0)).
#ifndef WEFT_PROC_H
#define WEFT_PROC_H

#include "spinlock.h"
#include "pidns.h"
#include "sigabi.h"

// ALIVE: has at least one thread. DYING: its last thread has left and is
// releasing its resources. ZOMBIE: only the exit status is left for wait().
enum proc_state { PS_UNUSED, PS_EMBRYO, PS_ALIVE, PS_DYING, PS_ZOMBIE };

struct mm;
struct fdtable;
struct fsinfo;
struct thread;
struct sighand;

struct proc {
  struct spinlock lock;

  // p->lock must be held to read or write these:
  enum proc_state state;
  int pid;
  int killed;               // every thread dies at its next return to user
  int exiting;              // exit() under way: its xstate stands
  struct thread *stopper;   // thread stopping all the others (exit, exec): no new threads
  int kernel;               // the kernel's own process (kthreads): cannot be killed
  int xstate;               // exit status for the parent's wait()
  int pgid;                 // process group (pgrp.c): inherited by clone, set by setpgid
  struct thread *threads;   // list of its live threads (thread.next_in_proc)
  int nthreads;             // length of that list
  int termsig;              // the signal that killed it, 0 if none (waitpid)
  // Signals (signal.c), also under p->lock:
  sigset_t sigpending;      // process-directed signals no thread has taken yet
  int stopped;              // SIGSTOP/SIGTSTP: its threads wait at their return to user
  int nstopped;             // threads parked there (the stop is complete at nthreads)
  int stopsig;              // stop not yet reported to waitpid(WUNTRACED), 0 if none

  // wait_lock must be held to use this:
  struct proc *parent;

  // Set by clone before the proc is ALIVE, read-only after (pidns.c):
  struct pidns *ns;         // its PID namespace (0: the root)
  struct pidnums nspid;     // its pid at each level of ns's chain

  // Set by clone/exec and stable while any thread of the proc runs:
  struct mm *mm;            // address space (shared with CLONE_VM)
  struct fdtable *files;    // open files (shared with CLONE_FILES)
  struct fsinfo *fs;        // cwd (shared with CLONE_FS)
  struct sighand *sighand;  // signal handlers (shared with CLONE_SIGHAND)

  // alarm_lock (signal.c) must be held to use these:
  uint alarm_at;            // tick of the pending alarm(), 0 if none
  struct proc *alarm_next;  // the list of processes with an alarm set
  char name[16];            // for ^P and ps
};

extern struct proc procs[NPROC];
extern struct proc *initproc;   // pid 1: reaps orphans, cannot be killed

extern struct spinlock wait_lock;   // guards every proc's parent (proc.c, exit.c, pidns.c)

// proc.c: the table, clone, the first process, ^P.
void   procinit(void);
struct proc *proc_alloc(void);                       // EMBRYO proc, new pid, or 0
void   proc_drop_resources(struct proc *p);          // put mm, files, fs, sighand; may sleep
void   proc_free(struct proc *p);                    // back to UNUSED; p->lock held
int    proc_add_thread(struct proc *p, struct thread *t);   // -1 if p is being stopped
int    proc_remove_thread(struct proc *p, struct thread *t); // threads left; p->lock held
void   userinit(void);
struct proc *myproc(void);
int    clone(int flags, uint64 stack, uint64 tls, uint64 ctid);
int    parent_pid(struct proc *p);    // getppid: 0 if none
void   procdump(void);          // ^P: every process and its threads

// exit.c: the end of threads and processes, waiting for children, killing.
void   exit(int status) __attribute__((noreturn));   // whole process
void   thread_exit(int value) __attribute__((noreturn)); // calling thread only
int    wait(uint64 user_status);                      // xv6: status is the exit value
int    waitpid(int pid, uint64 user_status, int options); // Linux's status word
// Kill p: every thread dies at its next return to user; sig is what waitpid
// reports. Caller holds p->lock.
void   proc_kill(struct proc *p, int sig);
int    proc_parent_wake(struct proc *p);  // wake p's parent's wait; its pid
int    killed(void);            // is the calling thread (or its process) killed?
void   die(void) __attribute__((noreturn)); // act on killed(): end the thread or process
void   setkilled(void);         // kill the calling process
// CLONE_CHILD_CLEARTID: zero t's tid word in mm, wake a waiter, forget it.
void   thread_clear_child_tid(struct thread *t, struct mm *mm);

#endif
