// pidns.c: PID namespaces -- which numbers a process sees.
//
// Every process lives in one namespace (p->ns; 0 and the root namespace
// mean the same: the kernel's own process has none). Namespaces nest: a
// process sees the processes of its own namespace and of every namespace
// nested inside it, each by the number it has at the viewer's level, and
// nothing outside. p->pid and t->tid stay the real (root namespace) ids:
// the kernel works with those; only the system-call boundary (getpid,
// gettid, clone's result, wait, kill, /proc) translates, through nr_seen()
// and pid_lookup().
//
// A task's numbers are handed out at clone, one per level of its chain
// (struct pidnums), and never change. The namespace's first process is its
// pid 1, its init: orphans of the namespace go to it, and when it ends
// every process in the namespace is killed (exit.c, proc_finish).
//
// Locking: pidns_lock protects every namespace's ref, dead and last_nr,
// and the pool. It is taken last (under wait_lock or a proc's lock).
// Invariant: a namespace lives while a process in it or a namespace nested
// in it does (ref); so p->ns stays valid for p's whole life.

#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "pidns.h"
#include "klib.h"

static struct spinlock pidns_lock;
static struct pidns root_ns;
static struct pidns pool[NPROC];   // a namespace needs a process to be born

void
pidnsinit(struct proc *init)
{
  initlock(&pidns_lock, "pidns");
  root_ns.init = init;
  root_ns.ref = 1;                 // never freed, so not counted
}

// One more process or nested namespace in ns. Caller holds pidns_lock.
static void
ns_hold(struct pidns *ns)
{
  if (ns != &root_ns)
    ns->ref++;
}

static struct pidns *
ns_or_root(struct pidns *ns)
{
  return ns ? ns : &root_ns;
}

int
pidns_within(struct pidns *ns, struct pidns *outer)
{
  ns = ns_or_root(ns);
  outer = ns_or_root(outer);
  while (ns->level > outer->level)
    ns = ns->parent;
  return ns == outer;
}

// Hand out one number at every level of ns's chain except the root's;
// caller holds pidns_lock.
static void
number_task(struct pidns *ns, struct pidnums *ids)
{
  memset(ids, 0, sizeof(*ids));
  for (; ns->level > 0; ns = ns->parent)
    ids->nr[ns->level] = ++ns->last_nr;
}

static struct pidns *
ns_alloc(struct pidns *parent, struct proc *init)
{
  for (struct pidns *ns = pool; ns < &pool[NPROC]; ns++) {
    if (ns->ref == 0) {
      memset(ns, 0, sizeof(*ns));
      ns->ref = 1;
      ns->level = parent->level + 1;
      ns->parent = parent;
      ns->init = init;
      ns_hold(parent);
      return ns;
    }
  }
  return 0;
}

int
pidns_enter(struct proc *np, struct pidns *parent, int newns)
{
  struct pidns *ns = ns_or_root(parent);
  int ok = 0;
  acquire(&pidns_lock);
  if (!ns->dead && !(newns && ns->level + 1 >= PIDNS_LEVELS)) {
    if (newns)
      ns = ns_alloc(ns, np);
    else
      ns_hold(ns);
    if (ns) {
      np->ns = ns;
      number_task(ns, &np->nspid);
      ok = 1;
    }
  }
  release(&pidns_lock);
  return ok ? 0 : -1;
}

int
pidns_new_tid(struct pidns *ns, struct pidnums *ids)
{
  acquire(&pidns_lock);
  number_task(ns_or_root(ns), ids);
  release(&pidns_lock);
  return id_alloc();
}

void
pidns_leave(struct proc *p)
{
  struct pidns *ns = p->ns;
  p->ns = 0;
  acquire(&pidns_lock);
  // Each namespace that empties drops its hold on the one around it.
  while (ns && ns != &root_ns && --ns->ref == 0)
    ns = ns->parent;
  release(&pidns_lock);
}

void
pidns_kill(struct pidns *ns)
{
  acquire(&pidns_lock);
  ns->dead = 1;
  release(&pidns_lock);
}

struct proc *
pidns_reaper(struct proc *p)
{
  struct proc *r = root_ns.init;
  acquire(&pidns_lock);
  for (struct pidns *ns = ns_or_root(p->ns); ns; ns = ns->parent) {
    if (!ns->dead && ns->init != p) {
      r = ns->init;
      break;
    }
  }
  release(&pidns_lock);
  return r;
}

int
nr_seen(struct pidns *ns, int id, struct pidnums *ids)
{
  struct proc *me = myproc();
  struct pidns *view = ns_or_root(me ? me->ns : 0);
  if (view->level == 0)          // the root sees every task by its real id
    return id;
  if (!pidns_within(ns, view))
    return 0;
  return ids->nr[view->level];
}

int
pid_seen(struct proc *p)
{
  return nr_seen(p->ns, p->pid, &p->nspid);
}

int
tid_seen(struct thread *t)
{
  return nr_seen(t->proc->ns, t->tid, &t->nstid);
}

struct proc *
pid_lookup(int nr, int *ppid)
{
  if (nr <= 0)
    return 0;
  if (ppid)
    acquire(&wait_lock);      // keeps every parent pointer (and parent) in place
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state != PS_UNUSED && p->state != PS_EMBRYO && pid_seen(p) == nr) {
      if (ppid) {
        // A parent outside the caller's namespace shows as 0 (Linux does too).
        *ppid = p->parent ? pid_seen(p->parent) : 0;
        release(&wait_lock);
      }
      return p;
    }
    release(&p->lock);
  }
  if (ppid)
    release(&wait_lock);
  return 0;
}
