// sighand.h: signal handler tables (sighand.c), one per process or shared
// by CLONE_SIGHAND. Used by clone and exit (proc.c), exec and signal.c.
#ifndef WEFT_SIGHAND_H
#define WEFT_SIGHAND_H

#include "sigabi.h"

struct proc;
struct sighand;

void   sighandinit(void);
struct sighand *sighand_alloc(void);                 // all SIG_DFL, or 0
struct sighand *sighand_share(struct sighand *sh);   // reference +1
struct sighand *sighand_copy(struct sighand *sh);    // a private copy, or 0
void   sighand_put(struct sighand *sh);

// p's action for sig now, and its replacement. p holds its table.
struct sigaction sighand_action(struct proc *p, int sig);
void   sighand_set(struct proc *p, int sig, struct sigaction *a);
// exec: p gets a table of its own, caught handlers back to SIG_DFL.
void   sighand_exec(struct proc *p);

#endif
