// procpid.c: what a process looks like in /proc -- the text of
// /proc/PID/{status,stat,maps}, fd/N and task/TID/{stat,status}
// (procfs.c finds the process, locks it and calls these).
//
// Locking: every function here runs with the proc's lock held (so its
// thread list, and while it is ALIVE its mm and fd table, stay put) and
// takes only locks that come after it: a thread's, the mm's, the fd
// table's. It writes into procfs.c's window, never to user memory.
// Reading order: look_at, the stat and status lines, maps, descriptors.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "stat.h"
#include "fs.h"
#include "inode.h"
#include "file.h"
#include "thread.h"
#include "proc.h"
#include "pidns.h"
#include "mm.h"
#include "vm.h"
#include "procfs.h"
#include "weftabi.h"
#include "klib.h"

// ---- what a process looks like -------------------------------------------------

// The short and long name of a thread's state (docs/proc.md's legend).
char
thread_letter(struct thread *t)
{
  if (t->proc->stopped && t->state != TS_ZOMBIE)
    return 'T';                     // its process is stopped (SIGSTOP, ^Z)
  switch (t->state) {
  case TS_SLEEPING: return 'S';
  case TS_ZOMBIE: return 'Z';
  default: return 'R';              // running, runnable, or about to be
  }
}

static char *
thread_state_text(struct thread *t)
{
  if (t->proc->stopped && t->state != TS_ZOMBIE)
    return "T (stopped)";
  switch (t->state) {
  case TS_RUNNING: return "R (running)";
  case TS_SLEEPING: return "S (sleeping)";
  case TS_ZOMBIE: return "Z (zombie)";
  default: return "R (runnable)";
  }
}

// Pages present in [start, end) of mm (caller holds mm->lock).
static int
present_pages(struct mm *mm, uint64 start, uint64 end)
{
  int n = 0;
  for (uint64 va = start; walk_next(mm->pagetable, &va, end) != 0; va += PGSIZE)
    n++;
  return n;
}

// Gather what stat and status show of p (struct look, procfs.h).
void
look_at(struct proc *p, int ppid, struct look *l)
{
  memset(l, 0, sizeof(*l));
  l->pid = pid_seen(p);
  l->ppid = ppid;
  l->nthreads = p->nthreads;
  l->hart = -1;
  l->state = p->state == PS_ALIVE ? 'S' : 'Z';
  for (struct thread *t = p->threads; t; t = t->next_in_proc) {
    acquire(&t->lock);
    if (t->state != TS_SLEEPING && t->state != TS_ZOMBIE && l->state != 'Z')
      l->state = 'R';
    l->running |= t->state == TS_RUNNING;
    if (l->hart < 0 || t->tid == p->pid)
      l->hart = t->hart;
    release(&t->lock);
  }
  if (p->stopped && l->state != 'Z')
    l->state = 'T';
  // p->mm is only safe while p is ALIVE: exec swaps it under p->lock, and
  // the last thread drops it only after making p DYING.
  struct mm *mm = p->state == PS_ALIVE ? p->mm : 0;
  if (mm) {
    acquire(&mm->lock);
    l->vm_bytes = mm->sz;
    l->rss_pages = present_pages(mm, 0, mm->sz);
    for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++) {
      if (v->end) {
        l->vm_bytes += v->end - v->start;
        l->rss_pages += present_pages(mm, v->start, v->end);
      }
    }
    release(&mm->lock);
  }
}

// "pid (name) state ppid threads vm_bytes rss_pages hart" -- the order of
// Linux's /proc/PID/stat for the fields weft has. A thread's line (t != 0)
// has its own tid, state and hart.
void
out_stat(struct out *o, struct proc *p, struct look *l, struct thread *t)
{
  out_num(o, t ? tid_seen(t) : l->pid);
  out_str(o, " (");
  out_str(o, t && t->name[0] ? t->name : p->name);
  out_str(o, ") ");
  char state = l->state;
  int hart = l->hart;
  if (t) {
    acquire(&t->lock);
    state = thread_letter(t);
    hart = t->hart;
    release(&t->lock);
  }
  out_bytes(o, &state, 1);
  long rest[] = { l->ppid, l->nthreads, l->vm_bytes, l->rss_pages, hart };
  for (int i = 0; i < NELEM(rest); i++) {
    out_str(o, " ");
    out_num(o, rest[i]);
  }
  out_str(o, "\n");
}

// "Label:\t" and a signal set as 8 hex digits (bit n-1 is signal n), as
// Linux's status files show them.
static void
out_sigset(struct out *o, const char *label, sigset_t set)
{
  out_str(o, label);
  out_str(o, ":\t");
  out_hex(o, set, 8);
  out_str(o, "\n");
}

void
out_status(struct out *o, struct proc *p, struct look *l)
{
  out_str(o, "Name:\t");
  out_str(o, p->name);
  out_str(o, "\nState:\t");
  out_str(o, l->state == 'Z' ? "Z (zombie)" : l->state == 'T' ? "T (stopped)" :
             l->state == 'S' ? "S (sleeping)" : l->running ? "R (running)" : "R (runnable)");
  out_str(o, "\n");
  out_field(o, "Pid", l->pid);
  out_field(o, "PPid", l->ppid);
  out_field(o, "Threads", l->nthreads);
  out_field(o, "VmPages", PGROUNDUP(l->vm_bytes) / PGSIZE);
  out_field(o, "RssPages", l->rss_pages);
  out_sigset(o, "ShdPnd", p->sigpending);   // process-directed, not yet taken
}

void
out_task_status(struct out *o, struct proc *p, struct look *l, struct thread *t)
{
  out_str(o, "Name:\t");
  out_str(o, t->name[0] ? t->name : p->name);
  acquire(&t->lock);
  char *state = thread_state_text(t);
  int hart = t->hart;
  release(&t->lock);
  out_str(o, "\nState:\t");
  out_str(o, state);
  out_str(o, "\n");
  out_field(o, "Tid", tid_seen(t));
  out_field(o, "Pid", l->pid);
  out_field(o, "Hart", hart);
  acquire(&t->lock);
  sigset_t pending = t->sigpending, blocked = t->sigblocked;
  release(&t->lock);
  out_sigset(o, "SigPnd", pending);           // directed at this thread
  out_sigset(o, "SigBlk", blocked);
}

// ---- maps ------------------------------------------------------------------------

// The stack pointer of each thread of the process being shown, as of its
// last entry into the kernel: a region holding one is that thread's stack.
static struct {
  uint64 sp;
  int tid;
} stacks[NTHREAD_PROC];
static int nstacks;

static int
stack_owner(uint64 start, uint64 end)
{
  for (int i = 0; i < nstacks; i++)
    if (start < stacks[i].sp && stacks[i].sp <= end)
      return stacks[i].tid;
  return 0;
}

// One line: "start-end perms kind[ tid N]".
static void
out_region(struct out *o, uint64 start, uint64 end, char *perms, char *kind, int tid)
{
  out_hex(o, start, 10);
  out_str(o, "-");
  out_hex(o, end, 10);
  out_str(o, " ");
  out_str(o, perms);
  out_str(o, " ");
  out_str(o, kind);
  if (tid) {
    out_str(o, " tid ");
    out_num(o, tid);
  }
  out_str(o, "\n");
}

// A COW page is writable to the program: it becomes its own copy on a write.
static void
pte_perms(pte_t pte, char perms[5])
{
  perms[0] = (pte & PTE_U) && (pte & PTE_R) ? 'r' : '-';
  perms[1] = (pte & PTE_U) && (pte & (PTE_W | PTE_COW)) ? 'w' : '-';
  perms[2] = (pte & PTE_U) && (pte & PTE_X) ? 'x' : '-';
  perms[3] = 'p';
  perms[4] = 0;
}

// exec's part, [0, heap_base): runs of pages with equal permissions. Below
// the guard page they are text (executable) or data; right above it, the
// stack; then the heap up to the break.
static void
out_program(struct out *o, struct mm *mm)
{
  uint64 run = 0, run_end = 0, va;
  char perms[5] = "", now[5];
  int past_guard = 0;
  pte_t *pte;
  for (va = 0; ; va += PGSIZE) {
    pte = walk_next(mm->pagetable, &va, mm->heap_base);
    if (pte)
      pte_perms(*pte, now);
    if (run_end > run && (!pte || va != run_end || strncmp(now, perms, 5) != 0)) {
      int guard = perms[0] == '-' && perms[1] == '-';
      char *kind = guard ? "guard" : past_guard ? "stack" : perms[2] == 'x' ? "text" : "data";
      out_region(o, run, run_end, perms, kind, guard ? 0 : stack_owner(run, run_end));
      past_guard |= guard;
      run = va;
    }
    if (!pte)
      break;
    if (run_end <= run)
      run = va;
    memmove(perms, now, 5);
    run_end = va + PGSIZE;
  }
  if (mm->sz > mm->heap_base)
    out_region(o, mm->heap_base, mm->sz, "rw-p", "heap", stack_owner(mm->heap_base, mm->sz));
}

static void
out_vma(struct out *o, struct vma *v)
{
  char perms[5] = "---p";
  if (v->prot & PROT_READ)
    perms[0] = 'r';
  if (v->prot & PROT_WRITE)
    perms[0] = 'r', perms[1] = 'w';      // RISC-V has no write-only pages
  if (v->prot & PROT_EXEC)
    perms[2] = 'x';
  if (v->shared)
    perms[3] = 's';
  uint64 low = v->start + (uint64)v->guard * PGSIZE;
  if (v->guard)
    out_region(o, v->start, low, "---p", "guard", 0);
  int tid = stack_owner(low, v->end);
  out_region(o, low, v->end, perms, tid || v->guard ? "stack" : "anon", tid);
}

// Caller holds p->lock; p is ALIVE.
void
out_maps(struct out *o, struct proc *p)
{
  nstacks = 0;
  for (struct thread *t = p->threads; t; t = t->next_in_proc) {
    stacks[nstacks].sp = t->trapframe->sp;
    stacks[nstacks].tid = tid_seen(t);
    nstacks++;
  }
  struct mm *mm = p->mm;
  acquire(&mm->lock);
  out_program(o, mm);
  // The mappings, lowest first.
  uint64 after = 0;
  for (;;) {
    struct vma *next = 0;
    for (struct vma *v = mm->vmas; v < &mm->vmas[NVMA]; v++)
      if (v->end && v->start >= after && (!next || v->start < next->start))
        next = v;
    if (!next)
      break;
    out_vma(o, next);
    after = next->end;
  }
  release(&mm->lock);
}

// ---- descriptors -----------------------------------------------------------------

// One line saying what descriptor fd is: its kind, what it names, how it
// is open. -1 if it is not open.
static int
out_fd_line(struct out *o, struct file *f)
{
  switch (f->type) {
  case FD_PIPE:
    out_str(o, "pipe");
    break;
  case FD_INODE:
    out_str(o, f->ip->type == T_DIR ? "dir ino " : "file ino ");
    out_num(o, f->ip->inum);
    out_str(o, " off ");
    out_num(o, f->off);
    break;
  case FD_DEVICE:
    out_str(o, "device major ");
    out_num(o, f->major);
    break;
  case FD_PROC:
    out_str(o, "proc");
    break;
  default:
    return -1;
  }
  out_str(o, f->readable && f->writable ? " rw\n" : f->readable ? " r\n" : " w\n");
  return 0;
}

// Caller holds p->lock; p is ALIVE (so p->files is in place).
int
out_fds(struct out *o, struct proc *p, int one, int fd_wanted)
{
  struct fdtable *t = p->files;
  int r = one ? -1 : 0;
  if (t == 0)
    return r;
  acquire(&t->lock);
  for (int fd = 0; fd < NOFILE; fd++) {
    struct file *f = t->ofile[fd];
    if (f == 0)
      continue;
    if (!one)
      out_dirent_nr(o, fd, PN_FD, p->pid);
    else if (fd == fd_wanted)
      r = out_fd_line(o, f);
  }
  release(&t->lock);
  return r;
}

