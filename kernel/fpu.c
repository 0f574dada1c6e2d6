// fpu.c: user threads' floating-point state, saved and restored lazily.
//
// User code may use F/D instructions (sstatus.FS is never Off in user
// mode); the kernel itself never does (built without F/D), so while a
// thread is in the kernel the hart's f0-f31/fcsr still hold its user
// values. The hardware tracks in sstatus.FS whether user code changed them
// (Dirty). So:
//   - trap entry (fpu_user_enter) notes the FS the user code left in
//     t->fp_status -- no copying;
//   - switching away (fpu_switch_out, from sched()) copies the registers to
//     t->fp only if t->fp_status is Dirty, then marks it Clean: a thread
//     that did not touch FP since it was last saved pays nothing;
//   - return to user (fpu_user_return) loads t->fp only when this hart's
//     registers are not already t's (cpu->fp_owner and t->fp_hart both
//     say so) -- and not even then when t's state is Initial (all zero)
//     and so are the registers (cpu->fp_zero): two threads that never
//     touch FP hand a hart back and forth without a copy. User code then
//     runs with sstatus.FS = t->fp_status.
// Invariants: when t->fp_status is Dirty, t's newest values are in the
// registers of the hart it runs on (it has not switched out since its
// user code ran); otherwise t->fp is current. t->fp_status is Initial
// only while t->fp is all zero (only fpu_init sets Initial). cpu->fp_zero
// is set only while the hart's f registers and fcsr are all zero: user
// code is let in with FS Initial only onto zero registers, and any write
// makes FS Dirty, which the next trap sees (fpu_user_enter).
// fork copies the caller's state (fpu_fork); a new thread and a program
// after exec start zeroed with FS Initial (fpu_init).
//
// Locking: none. t->fp* are touched only by t itself (or by its creator
// before it first runs), cpu->fp_owner and cpu->fp_zero only by their hart
// with interrupts off.
// Reading order: fpu_init, fpu_user_enter, fpu_switch_out, fpu_user_return,
// fpu_fork.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "sched.h"
#include "klib.h"
#include "fpu.h"

void fpu_save(struct fpstate *fp);   // fpuregs.S
void fpu_load(struct fpstate *fp);

static void
set_fs(uint64 fs)
{
  csr_clear(sstatus, SSTATUS_FS);
  csr_set(sstatus, fs);
}

#ifdef WEFT_TEST_TICK_IN_FPU
// Test build (tests/test_boot.py): a timer tick lands in the middle of
// replacing a thread's saved state, whenever one could land there.
#define TICK_HERE() do { if (intr_get()) yield(); } while (0)
#else
#define TICK_HERE() do { } while (0)
#endif

// A clean slate: zeroed registers, FS Initial, in no hart's registers.
// For the running thread (exec) interrupts stay off throughout: a switch in
// the middle would save its old, dirty registers over the half-cleared
// state, which would then pass for all zero (cpu->fp_zero) on any hart.
void
fpu_init(struct thread *t)
{
  push_off();
  memset(&t->fp, 0, sizeof(t->fp));
  TICK_HERE();
  t->fp_status = SSTATUS_FS_INITIAL;
  t->fp_hart = -1;
  pop_off();
}

// Trap from user mode (interrupts still off): remember whether user code
// dirtied the registers. Still Initial, they are still zero.
void
fpu_user_enter(struct thread *t)
{
  uint64 fs = csr_read(sstatus) & SSTATUS_FS;
  t->fp_status = fs;
  mycpu()->fp_zero = (fs == SSTATUS_FS_INITIAL);
}

// t gives up the hart (sched.c, interrupts off): save dirty registers.
void
fpu_switch_out(struct thread *t)
{
  if (t->fp_status != SSTATUS_FS_DIRTY)
    return;
  set_fs(SSTATUS_FS_CLEAN);          // fsd needs FS on; it does not dirty
  fpu_save(&t->fp);
  t->fp_status = SSTATUS_FS_CLEAN;
}

// t is about to return to user mode (trap.c, interrupts off): put its
// state in the registers unless they hold it already. Returns the
// sstatus.FS its user code is to run with; usertrapret writes it together
// with the rest of sstatus.
uint64
fpu_user_return(struct thread *t)
{
  struct cpu *c = mycpu();
  if (c->fp_owner != t || t->fp_hart != c->hartid) {
    if (!(t->fp_status == SSTATUS_FS_INITIAL && c->fp_zero)) {
      set_fs(SSTATUS_FS_CLEAN);
      fpu_load(&t->fp);
      c->fp_zero = (t->fp_status == SSTATUS_FS_INITIAL);
    }
    c->fp_owner = t;
    t->fp_hart = c->hartid;
  }
  return t->fp_status;
}

// A new task nt made by the running thread me (clone): a new process gets
// a copy of me's state, a new thread of the same process a clean one.
void
fpu_fork(struct thread *nt, struct thread *me, int copy)
{
  fpu_init(nt);
  if (!copy)
    return;
  push_off();                        // me's registers stay on this hart meanwhile
  fpu_switch_out(me);                // make me->fp current
  pop_off();
  nt->fp = me->fp;
  nt->fp_status = me->fp_status;
}

// Signal frames (signal.c): the running thread t's FP registers as its
// user code left them ...
void
fpu_get(struct thread *t, struct fpstate *out)
{
  push_off();                        // t's registers stay on this hart meanwhile
  fpu_switch_out(t);                 // make t->fp current
  pop_off();
  *out = t->fp;
}

// ... and, at sigreturn, replaced: t->fp is current and no hart holds it,
// so fpu_user_return loads it. Interrupts off, for the reason fpu_init says:
// a switch in the middle would save the handler's registers over the copy.
void
fpu_set(struct thread *t, const struct fpstate *in)
{
  push_off();
  t->fp = *in;
  TICK_HERE();
  t->fp_status = SSTATUS_FS_CLEAN;
  t->fp_hart = -1;
  pop_off();
}
