// sighand.c: signal handler tables -- what each signal does in a process.
//
// A table (struct sighand) holds one struct sigaction per signal. It
// belongs to the process, like its file table: clone with CLONE_SIGHAND
// shares it (threads always do), plain fork copies it, exec gives the
// process a private one with caught handlers back to SIG_DFL, and the last
// process to drop it frees the slot. Everything else about signals --
// masks, pending sets, sending and delivery -- is in signal.c.
//
// Reading order: the pool (sighand_alloc, _share, _copy, _put), then what
// signal.c and exec use (sighand_action, sighand_set, sighand_exec).
//
// Locking: sighands_lock guards every table's ref (allocation, ref 0 <-> 1,
// and sharing); each table's lock guards its entries. A table in use is
// reached only through p->sighand of a process that holds a reference.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "signal.h"
#include "sighand.h"
#include "klib.h"
#include "printf.h"

struct sighand {
  struct spinlock lock;
  int ref;                          // processes using it; 0 = free
  struct sigaction action[NSIG];
};

// Each process holds one table at most, so NPROC tables always suffice.
static struct sighand sighands[NPROC];
static struct spinlock sighands_lock;

void
sighandinit(void)
{
  initlock(&sighands_lock, "sighands");
  for (struct sighand *sh = sighands; sh < &sighands[NPROC]; sh++)
    initlock(&sh->lock, "sighand");
}

// ---- the pool ---------------------------------------------------------------------

struct sighand *
sighand_alloc(void)
{
  acquire(&sighands_lock);
  for (struct sighand *sh = sighands; sh < &sighands[NPROC]; sh++) {
    if (sh->ref == 0) {
      sh->ref = 1;
      memset(sh->action, 0, sizeof(sh->action));
      release(&sighands_lock);
      return sh;
    }
  }
  release(&sighands_lock);
  return 0;
}

struct sighand *
sighand_share(struct sighand *sh)
{
  acquire(&sighands_lock);
  sh->ref++;
  release(&sighands_lock);
  return sh;
}

struct sighand *
sighand_copy(struct sighand *sh)
{
  struct sighand *n = sighand_alloc();
  if (n) {
    acquire(&sh->lock);
    memmove(n->action, sh->action, sizeof(n->action));
    release(&sh->lock);
  }
  return n;
}

void
sighand_put(struct sighand *sh)
{
  acquire(&sighands_lock);
  if (sh->ref < 1)
    panic("sighand_put: table not in use");
  sh->ref--;
  release(&sighands_lock);
}

// ---- entries ----------------------------------------------------------------------

struct sigaction
sighand_action(struct proc *p, int sig)
{
  struct sigaction a;
  acquire(&p->sighand->lock);
  a = p->sighand->action[sig];
  release(&p->sighand->lock);
  return a;
}

void
sighand_set(struct proc *p, int sig, struct sigaction *a)
{
  acquire(&p->sighand->lock);
  p->sighand->action[sig] = *a;
  release(&p->sighand->lock);
}

// Caught handlers go back to SIG_DFL, ignored ones stay ignored; a table
// shared with another process is copied first, so the change is p's alone.
void
sighand_exec(struct proc *p)
{
  struct sighand *sh = p->sighand;
  acquire(&sighands_lock);
  int shared = sh->ref > 1;
  release(&sighands_lock);
  if (shared) {
    struct sighand *mine = sighand_copy(sh);
    if (mine == 0)
      panic("sighand_exec: more handler tables than processes");
    p->sighand = mine;
    sighand_put(sh);
    sh = mine;
  }
  acquire(&sh->lock);
  for (int sig = 1; sig < NSIG; sig++) {
    struct sigaction *a = &sh->action[sig];
    if (a->sa_handler != SIG_IGN)
      memset(a, 0, sizeof(*a));
  }
  release(&sh->lock);
}
