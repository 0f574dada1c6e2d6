// sigabi.h: the signal ABI, shared by the kernel (signal.c) and user
// programs (user/signal.h): signal numbers (Linux's), sigset_t, struct
// sigaction, the frame a handler runs on, and waitpid's status word.
// Interface facts only; docs/signals.md explains them.
#ifndef WEFT_SIGABI_H
#define WEFT_SIGABI_H

#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define NSIG    32        // valid signals are 1 .. NSIG-1

// A set of signals: bit sig-1 stands for signal sig (Linux's layout).
typedef uint64 sigset_t;
#define SIGBIT(sig) (1UL << ((sig) - 1))

#define SIG_DFL ((void (*)(int))0)    // the default action
#define SIG_IGN ((void (*)(int))1)    // discard the signal

// sigprocmask's how
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

// sa_flags (Linux's values)
#define SA_SIGINFO  0x00000004    // call sa_sigaction(sig, info, frame)
#define SA_RESTORER 0x04000000    // sa_restorer is set (the library always sets it)
#define SA_RESTART  0x10000000    // restart a system call the signal interrupted
#define SA_NODEFER  0x40000000    // do not block the signal while its handler runs

// What a handler with SA_SIGINFO gets as its second argument.
typedef struct siginfo {
  int si_signo;
  int si_code;        // SI_USER (sigsend), SI_TKILL (tgkill), SI_KERNEL (fault, alarm, child)
  int si_pid;         // sender's pid (SI_USER, SI_TKILL)
  int si_pad;
  uint64 si_addr;     // the faulting address (SIGSEGV, SIGBUS, SIGILL)
} siginfo_t;
#define SI_USER   0
#define SI_KERNEL 0x80
#define SI_TKILL  (-6)

struct sigaction {
  union {
    void (*sa_handler)(int);                           // SIG_DFL, SIG_IGN or a function
    void (*sa_sigaction)(int, siginfo_t *, void *);    // with SA_SIGINFO
  };
  sigset_t sa_mask;             // blocked, besides the signal itself, while it runs
  int sa_flags;
  // Where the handler returns to: code that calls sigreturn() with sp at the
  // frame. Required with a handler; user/signal.c's sigaction() fills it in.
  void (*sa_restorer)(void);
};

// The frame the kernel pushes on the user stack (16-byte aligned, below the
// interrupted sp) before it runs a handler; sp points at it while the
// handler runs and when it returns to sa_restorer, and sigreturn() reads it
// back from there. regs[] is every user register: x1 (ra) .. x31 (t6), then
// the pc the thread was interrupted at.
#define SIGFRAME_MAGIC 0x5765667453696721UL    // "WeftSig!"
struct sigframe {
  uint64 regs[32];      // x1..x31, pc
  sigset_t mask;        // the blocked set to restore
  uint64 magic;         // SIGFRAME_MAGIC, else sigreturn kills the process
  siginfo_t info;
};

// waitpid: options and the status word (Linux's encoding).
#define WNOHANG   1     // return 0 at once if no child has changed state
#define WUNTRACED 2     // also report children that stopped
#define WIFEXITED(s)   (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFSTOPPED(s)  (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s)    WEXITSTATUS(s)

#endif
