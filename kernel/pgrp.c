// pgrp.c: process groups and the console's foreground group -- what job
// control in sh stands on (docs/jobs.md).
//
// A process group is only a number, p->pgid: no object is created or freed.
// A new process starts in its parent's group (clone copies it); setpgid()
// moves a process into a group of its own or into an existing one. Group
// numbers are pids, and ids are never reused (id_alloc counts up), so a
// stale number cannot name a newer group by accident. A group exists while
// some process -- alive or a zombie not yet reaped -- carries its number.
//
// The console has one foreground group, fg_pgid (0: none yet). ^C and ^Z
// typed at the console signal every process in it (console.c calls
// pgrp_signal_foreground). There are no sessions and no controlling
// terminal: any process may make any existing group the foreground one, and
// a process outside it still reads the console like everyone else.
//
// Locking: p->lock guards p->pgid (with p->state); wait_lock, taken before
// any p->lock, guards who is whose child. fg_pgid is a single int, read in
// the console's interrupt path and written by tcsetpgrp, always with atomic
// loads and stores: no reader needs it to agree with anything else.
//
// Group numbers are pids, so system calls take and return them as the
// caller's PID namespace numbers them (pgid_real, pgid_seen); the kernel
// keeps real ones.
//
// Reading order: group_exists, pgid_real and pgid_seen, setpgid, getpgid,
// tcsetpgrp and tcgetpgrp, then send_group, sig_send_pgrp, pgrp_named,
// sig_send_pgrp_seen and pgrp_signal_foreground (the signal side).

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "sysarg.h"
#include "sysnums.h"
#include "signal.h"
#include "pidns.h"
#include "pgrp.h"

static int fg_pgid;

// A process that counts as a member of its group: one that has started and
// has not been reaped.
static int
is_member(struct proc *p, int pgid)
{
  return p->pgid == pgid &&
         (p->state == PS_ALIVE || p->state == PS_DYING || p->state == PS_ZOMBIE);
}

// Is there a process in group pgid? Caller holds no p->lock.
static int
group_exists(int pgid)
{
  if (pgid <= 0)
    return 0;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    int found = is_member(p, pgid);
    release(&p->lock);
    if (found)
      return 1;
  }
  return 0;
}

// ---- group numbers as the caller sees them --------------------------------------
// A group is named by its leader's pid, so inside a PID namespace (pidns.c)
// a program names it by the leader's number there. The kernel keeps real
// numbers; these two translate at the system-call boundary.

static int
in_root_namespace(void)
{
  struct pidns *ns = myproc()->ns;
  return ns == 0 || ns->level == 0;
}

// The real number of the group the caller calls seen: its leader's real
// pid. -1 if the caller cannot name it: its leader is outside the caller's
// namespace, or gone and the caller is not in the root namespace (where
// numbers are real anyway).
static int
pgid_real(int seen)
{
  if (seen <= 0)
    return -1;
  struct proc *leader = pid_lookup(seen, 0);
  if (leader == 0)
    return in_root_namespace() ? seen : -1;
  int real = leader->pid;
  release(&leader->lock);
  return real;
}

// The caller's number for real group pgid, 0 if it cannot see the leader.
static int
pgid_seen(int pgid)
{
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pgid && p->state != PS_UNUSED && p->state != PS_EMBRYO) {
      int n = pid_seen(p);
      release(&p->lock);
      return n;
    }
    release(&p->lock);
  }
  return in_root_namespace() ? pgid : 0;
}

// setpgid(pid, pgid): put process pid (0: the caller) into group pgid (0:
// pid's own number, which starts a new group). Only the caller itself or
// one of its children may be moved, only while alive, and only into a new
// group of its own or a group that exists. Both numbers are the caller's
// (its PID namespace's). 0, or -1.
static int
setpgid(int pid, int pgid)
{
  struct proc *me = myproc();
  if (pid < 0 || pgid < 0)
    return -1;
  if (pid == 0) {
    pid = me->pid;
  } else {
    struct proc *p = pid_lookup(pid, 0);
    if (p == 0)
      return -1;
    pid = p->pid;
    release(&p->lock);
  }
  pgid = (pgid == 0) ? pid : pgid_real(pgid);
  // The group may empty out right after this check; the process then simply
  // forms it again under the old number, which nothing else can be using.
  if (pgid < 0 || (pgid != pid && !group_exists(pgid)))
    return -1;

  int r = -1;
  acquire(&wait_lock);          // p->parent stays put while we look
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p != me && p->parent != me)
      continue;
    acquire(&p->lock);
    if (p->pid == pid && p->state == PS_ALIVE) {
      p->pgid = pgid;
      r = 0;
    }
    release(&p->lock);
    if (r == 0)
      break;
  }
  release(&wait_lock);
  return r;
}

// getpgid(pid): the group of process pid (0: the caller), as the caller
// numbers it (0 if its leader is outside the caller's namespace), or -1 if
// the caller sees no such process. Anyone may ask about anyone it sees.
static int
getpgid(int pid)
{
  struct proc *p;
  if (pid < 0)
    return -1;
  if (pid == 0) {
    p = myproc();
    acquire(&p->lock);
  } else if ((p = pid_lookup(pid, 0)) == 0) {
    return -1;
  }
  int pgid = is_member(p, p->pgid) ? p->pgid : -1;
  release(&p->lock);
  return pgid < 0 ? -1 : pgid_seen(pgid);
}

uint64
sys_setpgid(void)
{
  int pid, pgid;
  argint(0, &pid);
  argint(1, &pgid);
  return setpgid(pid, pgid);
}

uint64
sys_getpgid(void)
{
  int pid;
  argint(0, &pid);
  return getpgid(pid);
}

// tcsetpgrp(pgid): make pgid the console's foreground group. -1 unless the
// group exists.
uint64
sys_tcsetpgrp(void)
{
  int pgid;
  argint(0, &pgid);
  pgid = pgid_real(pgid);
  if (!group_exists(pgid))
    return -1;
  __atomic_store_n(&fg_pgid, pgid, __ATOMIC_RELEASE);
  return 0;
}

// tcgetpgrp(): the console's foreground group as the caller numbers it, 0
// if none was ever set (or the caller cannot name it). The group may have
// emptied since.
uint64
sys_tcgetpgrp(void)
{
  int pgid = __atomic_load_n(&fg_pgid, __ATOMIC_ACQUIRE);
  return pgid > 0 ? pgid_seen(pgid) : 0;
}

// ---- signals to a whole group -------------------------------------------------

// Members are picked by pid under their lock and signalled by pid
// (sig_send_pid looks the pid up again), so a slot freed and reused between
// the two steps is never signalled by mistake. A member's child forked
// while this loop runs may miss the signal, as with any one-pass walk.
// With `caller`, only members the calling process can see are signalled,
// and not the init of its namespace with SIGKILL or SIGSTOP (as sigsend).
static int
send_group(int pgid, int sig, struct proc *caller)
{
  int r = -1;
  if (pgid <= 0)
    return -1;
  struct pidns *ns = caller ? caller->ns : 0;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    int pid = (p->pgid == pgid && p->state == PS_ALIVE) ? p->pid : 0;
    if (caller && (pid_seen(p) == 0 ||
                   (ns && p == ns->init && (sig == SIGKILL || sig == SIGSTOP))))
      pid = 0;
    release(&p->lock);
    if (pid && sig_send_pid(pid, sig) == 0)
      r = 0;
  }
  return r;
}

int
sig_send_pgrp(int pgid, int sig)
{
  return send_group(pgid, sig, 0);
}

// The real number of the group the caller calls pgid (0: its own), or -1.
int
pgrp_named(int pgid)
{
  struct proc *me = myproc();
  if (pgid != 0)
    return pgid_real(pgid);
  acquire(&me->lock);
  pgid = me->pgid;
  release(&me->lock);
  return pgid;
}

// sigsend(0, sig) and sigsend(-pgid, sig): the group the caller calls pgid
// (0: its own), members it can see only.
int
sig_send_pgrp_seen(int pgid, int sig)
{
  return send_group(pgrp_named(pgid), sig, myproc());
}

void
pgrp_signal_foreground(int sig)
{
  int pgid = __atomic_load_n(&fg_pgid, __ATOMIC_ACQUIRE);
  if (pgid > 0)
    sig_send_pgrp(pgid, sig);
}
