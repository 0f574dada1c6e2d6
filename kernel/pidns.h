// pidns.h: PID namespaces (pidns.c). A process made by clone(CLONE_NEWPID)
// is pid 1 of a new namespace nested in its parent's; it and everything it
// creates get a number in that namespace and in every enclosing one.
#ifndef WEFT_PIDNS_H
#define WEFT_PIDNS_H

// The root namespace and up to PIDNS_LEVELS-1 nested inside it.
#define PIDNS_LEVELS 4

struct proc;
struct thread;

struct pidns {
  // Set when it is made, then read-only:
  int level;                // 0: the root namespace
  struct pidns *parent;
  struct proc *init;        // its pid 1: reaps its orphans

  // pidns_lock (pidns.c) protects these:
  int ref;                  // procs in it + namespaces nested in it
  int dead;                 // its init has ended: nobody may join it
  int last_nr;              // the last number it handed out
};

// A task's numbers: nr[l] is its pid (tid) in the namespace at level l of
// its chain, for l = 1 .. its namespace's level; level 0 is p->pid (t->tid)
// itself. Set at clone, read-only after.
struct pidnums {
  int nr[PIDNS_LEVELS];
};

void   pidnsinit(struct proc *init);   // the root namespace, whose pid 1 is init
// clone: put the new proc np into parent's namespace, or (newns) into a new
// one nested in it with np as its pid 1. -1 if too deep, out of
// namespaces, or the namespace is dying. Fills np->ns and np->nspid.
int    pidns_enter(struct proc *np, struct pidns *parent, int newns);
// clone (CLONE_THREAD): numbers for a new thread of a process in ns.
// Returns the real tid and fills ids.
int    pidns_new_tid(struct pidns *ns, struct pidnums *ids);
void   pidns_leave(struct proc *p);    // proc_free: drop p's namespace
// The number the calling process sees for a task with real id `id` and
// numbers ids in namespace ns (ns 0: the root); 0 if it cannot see it.
int    nr_seen(struct pidns *ns, int id, struct pidnums *ids);
int    pid_seen(struct proc *p);       // p's pid as the caller sees it, or 0
int    tid_seen(struct thread *t);     // t's tid as the caller sees it, or 0
// The process the caller calls nr, with its lock held, or 0. Any state but
// UNUSED and EMBRYO. With ppid != 0, *ppid gets its parent's number as the
// caller sees it (0: none, or outside the caller's namespace).
struct proc *pid_lookup(int nr, int *ppid);
// Does namespace ns lie inside (or equal) outer?
int    pidns_within(struct pidns *ns, struct pidns *outer);
// Mark ns dead (its init is ending): no process may enter it any more.
void   pidns_kill(struct pidns *ns);
// Who inherits p's orphaned children: the init of the nearest living
// namespace around p that is not p itself.
struct proc *pidns_reaper(struct proc *p);

#endif
