// exec.c: load an ELF program into a fresh address space.
//
// The new image is built completely in a new mm; only when nothing can fail
// any more does the process switch to it and drop the old one, so a failed
// exec leaves the caller exactly as it was. Layout of the new space:
//   [0 ...) PT_LOAD segments | guard page (no PTE_U) | stack page | heap -> 
// Locking: none of its own; the file system and mm do their own.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "thread.h"
#include "proc.h"
#include "mm.h"
#include "tlb.h"
#include "vm.h"
#include "kalloc.h"
#include "inode.h"
#include "log.h"
#include "elf.h"
#include "exec.h"
#include "signal.h"
#include "sysarg.h"
#include "klib.h"
#include "printf.h"

#define USTACK_PAGES 1

static int
segment_perm(uint32 flags)
{
  int perm = PTE_U;
  if (flags & ELF_PROG_FLAG_READ)
    perm |= PTE_R;
  if (flags & ELF_PROG_FLAG_WRITE)
    perm |= PTE_W | PTE_R;
  if (flags & ELF_PROG_FLAG_EXEC)
    perm |= PTE_X;
  return perm;
}

// Map fresh pages for one PT_LOAD segment and read its file bytes into them;
// the rest up to memsz is zero. Returns 0 or -1.
static int
load_segment(struct mm *mm, struct inode *ip, struct proghdr *ph)
{
  if (ph->memsz < ph->filesz || ph->vaddr + ph->memsz < ph->vaddr ||
      ph->vaddr % PGSIZE != 0 || ph->vaddr + ph->memsz > MMAP_TOP ||
      IN_KWIN(ph->vaddr, ph->vaddr + ph->memsz))
    return -1;
  int perm = segment_perm(ph->flags);
  for (uint64 off = 0; off < ph->memsz; off += PGSIZE) {
    uint64 va = ph->vaddr + off;
    pte_t *old = walk(mm->pagetable, va, 0);
    if (old && (*old & PTE_V))
      return -1;                       // segments overlap: malformed file
    char *page = kalloc();
    if (page == 0)
      return -1;
    memset(page, 0, PGSIZE);
    if (mappages(mm->pagetable, va, PGSIZE, (uint64)page, perm) < 0) {
      kfree(page);
      return -1;
    }
    if (va + PGSIZE > mm->sz)
      mm->sz = va + PGSIZE;
    if (off < ph->filesz) {
      uint n = ph->filesz - off < PGSIZE ? ph->filesz - off : PGSIZE;
      if (readi(ip, 0, (uint64)page, ph->off + off, n) != n)
        return -1;
    }
  }
  return 0;
}

// Read the program's headers and load every PT_LOAD segment. Returns the
// entry point, or -1 (as uint64) on a malformed or unreadable file.
static uint64
load_program(struct mm *mm, struct inode *ip)
{
  struct elfhdr eh;
  if (readi(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || eh.magic != ELF_MAGIC)
    return -1;
  for (int i = 0; i < eh.phnum; i++) {
    struct proghdr ph;
    uint off = eh.phoff + i * sizeof(ph);
    if (readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type == ELF_PROG_LOAD && ph.memsz > 0 && load_segment(mm, ip, &ph) < 0)
      return -1;
  }
  return eh.entry;
}

// Add the guard page and stack above the program, then copy argv strings
// and the argv array onto the stack. Returns the new sp (argv array at sp),
// or 0 on failure; *argc_out gets argc.
static uint64
build_stack(struct mm *mm, char **argv, int *argc_out)
{
  uint64 base = PGROUNDUP(mm->sz);
  mm->sz = base;
  if (mm_grow(mm, (USTACK_PAGES + 1) * PGSIZE) == (uint64)-1)
    return 0;
  // The lowest of the new pages is the guard: no PTE_U, so user access faults.
  pte_t *guard = walk(mm->pagetable, base, 0);
  *guard &= ~PTE_U;
  uint64 top = mm->sz, sp = top, stack_low = top - USTACK_PAGES * PGSIZE;

  uint64 uargv[MAXARG + 1];
  int argc = 0;
  for (; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    sp -= strlen(argv[argc]) + 1;
    sp -= sp % 16;                        // RISC-V wants sp 16-byte aligned
    if (sp < stack_low || copyout(mm, sp, argv[argc], strlen(argv[argc]) + 1) < 0)
      return 0;
    uargv[argc] = sp;
  }
  uargv[argc] = 0;
  sp -= (argc + 1) * sizeof(uint64);
  sp -= sp % 16;
  if (sp < stack_low || copyout(mm, sp, uargv, (argc + 1) * sizeof(uint64)) < 0)
    return 0;
  *argc_out = argc;
  return sp;
}

static void
set_name(struct proc *p, char *path)
{
  char *last = path;
  for (char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));
}

int
exec(char *path, char **argv)
{
  struct thread *t = mythread();
  struct proc *p = t->proc;

  begin_op();
  struct inode *ip = namei(path);
  if (ip == 0) {
    end_op();
    return -1;
  }
  ilock(ip);
  struct mm *mm = mm_alloc();
  uint64 entry = mm ? load_program(mm, ip) : (uint64)-1;
  iunlockput(ip);
  end_op();
  if (mm == 0)
    return -1;

  int argc = 0;
  uint64 sp = 0;
  if (entry != (uint64)-1)
    sp = build_stack(mm, argv, &argc);
  if (sp == 0 || proc_single_thread() < 0) {
    mm_put(mm);
    return -1;
  }
  mm->heap_base = mm->sz;

  // Point of no return: this hart runs in the new space from now on.
  struct mm *old = p->mm;
  thread_clear_child_tid(t, old);  // it names a word of the old program
  p->mm = mm;
  mm_enter(mm);
  mm_put(old);

  t->trapframe->epc = entry;
  t->trapframe->sp = sp;
  t->trapframe->a1 = sp;           // argv
  t->trapframe->tp = 0;
  sig_exec(p);
  set_name(p, path);
  return argc;                     // becomes a0: main's argc
}

// exec(path, argv): copy the path and every argument into kernel pages,
// then exec. Bad pointers, too many arguments -> -1.
uint64
sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  uint64 uargv;
  int n;

  argaddr(1, &uargv);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  memset(argv, 0, sizeof(argv));
  int ret = -1;
  for (n = 0; ; n++) {
    uint64 uarg;
    if (n > MAXARG || fetchaddr(uargv + n * sizeof(uint64), &uarg) < 0)
      goto out;
    if (uarg == 0)
      break;
    if (n == MAXARG || (argv[n] = kalloc()) == 0)
      goto out;
    if (fetchstr(uarg, argv[n], PGSIZE) < 0)
      goto out;
  }
  ret = exec(path, argv);
out:
  for (int i = 0; i <= MAXARG && argv[i]; i++)
    kfree(argv[i]);
  return ret;
}
