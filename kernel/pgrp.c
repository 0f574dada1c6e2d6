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
// Reading order: group_exists, setpgid, getpgid, tcsetpgrp and tcgetpgrp,
// then sig_send_pgrp and pgrp_signal_foreground (the signal side).

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "sysarg.h"
#include "sysnums.h"
#include "signal.h"
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

// setpgid(pid, pgid): put process pid (0: the caller) into group pgid (0:
// pid's own number, which starts a new group). Only the caller itself or
// one of its children may be moved, only while alive, and only into a new
// group of its own or a group that exists. 0, or -1.
static int
setpgid(int pid, int pgid)
{
  struct proc *me = myproc();
  if (pid < 0 || pgid < 0)
    return -1;
  if (pid == 0)
    pid = me->pid;
  if (pgid == 0)
    pgid = pid;
  // The group may empty out right after this check; the process then simply
  // forms it again under the old number, which nothing else can be using.
  if (pgid != pid && !group_exists(pgid))
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

// getpgid(pid): the group of process pid (0: the caller), or -1 if there is
// no such process. Anyone may ask about anyone.
static int
getpgid(int pid)
{
  if (pid < 0)
    return -1;
  if (pid == 0)
    pid = myproc()->pid;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    int pgid = (p->pid == pid && is_member(p, p->pgid)) ? p->pgid : -1;
    release(&p->lock);
    if (pgid > 0)
      return pgid;
  }
  return -1;
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
  if (!group_exists(pgid))
    return -1;
  __atomic_store_n(&fg_pgid, pgid, __ATOMIC_RELEASE);
  return 0;
}

// tcgetpgrp(): the console's foreground group, 0 if none was ever set. The
// group may have emptied since.
uint64
sys_tcgetpgrp(void)
{
  return __atomic_load_n(&fg_pgid, __ATOMIC_ACQUIRE);
}

// ---- signals to a whole group -------------------------------------------------

// Members are picked by pid under their lock and signalled by pid
// (sig_send_pid looks the pid up again), so a slot freed and reused between
// the two steps is never signalled by mistake. A member's child forked
// while this loop runs may miss the signal, as with any one-pass walk.
int
sig_send_pgrp(int pgid, int sig)
{
  int r = -1;
  if (pgid <= 0)
    return -1;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    int pid = (p->pgid == pgid && p->state == PS_ALIVE) ? p->pid : 0;
    release(&p->lock);
    if (pid && sig_send_pid(pid, sig) == 0)
      r = 0;
  }
  return r;
}

void
pgrp_signal_foreground(int sig)
{
  int pgid = __atomic_load_n(&fg_pgid, __ATOMIC_ACQUIRE);
  if (pgid > 0)
    sig_send_pgrp(pgid, sig);
}
