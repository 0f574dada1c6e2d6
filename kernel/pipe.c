// pipe.c: pipes, a 512-byte ring between a reading and a writing file.
//
// head and tail count bytes ever read and ever written; they only grow (and
// wrap as unsigned numbers), so tail - head is the number of bytes waiting
// and byte k lives at ring[k % PIPE_BYTES]. Readers wait on &head for data,
// writers on &tail for room.
//
// Locking: pi->lock protects everything in the pipe. Invariant:
// 0 <= tail - head <= PIPE_BYTES; the pipe is freed exactly once, by the
// pipeclose() that leaves both ends closed.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "thread.h"
#include "sched.h"
#include "proc.h"
#include "file.h"
#include "mm.h"
#include "kalloc.h"
#include "signal.h"
#include "printf.h"

#define PIPE_BYTES 512

struct pipe {
  struct spinlock lock;
  char ring[PIPE_BYTES];
  uint head;             // bytes read so far
  uint tail;             // bytes written so far
  int reader_open;       // a read end is still open
  int writer_open;       // a write end is still open
};

// Undo a half-built pipealloc.
static void
pipe_discard(struct pipe *pi, struct file *rf, struct file *wf)
{
  if (pi)
    kfree(pi);
  if (rf)
    fileclose(rf);
  if (wf)
    fileclose(wf);
}

// Make a pipe and its two files: *rf reads, *wf writes. 0 or -1.
int
pipealloc(struct file **rf, struct file **wf)
{
  struct pipe *pi = kalloc();
  struct file *r = filealloc();
  struct file *w = filealloc();

  _Static_assert(sizeof(struct pipe) <= PGSIZE, "a pipe must fit in a page");
  if (pi == 0 || r == 0 || w == 0) {
    // The files are still FD_NONE, so closing them touches nothing else.
    pipe_discard(pi, r, w);
    return -1;
  }
  initlock(&pi->lock, "pipe");
  pi->head = pi->tail = 0;
  pi->reader_open = pi->writer_open = 1;

  r->type = FD_PIPE;
  r->readable = 1;
  r->pipe = pi;
  w->type = FD_PIPE;
  w->writable = 1;
  w->pipe = pi;
  *rf = r;
  *wf = w;
  return 0;
}

void
pipeclose(struct pipe *pi, int writable)
{
  int gone;

  acquire(&pi->lock);
  if (writable) {
    pi->writer_open = 0;
    wakeup(&pi->head);     // readers now see end of file
  } else {
    pi->reader_open = 0;
    wakeup(&pi->tail);     // writers now fail
  }
  gone = !pi->reader_open && !pi->writer_open;
  release(&pi->lock);
  if (gone)
    kfree(pi);
}

// Longest run that can be copied at once: at most want, and not past the
// end of the ring starting from position pos.
static uint
run_len(uint pos, uint want)
{
  uint to_end = PIPE_BYTES - pos % PIPE_BYTES;
  return want < to_end ? want : to_end;
}

// Write n bytes from user_src. Blocks while the ring is full. Returns n, a
// shorter count if user_src turns bad or a signal comes part way, or -1 if
// the read end is closed (weft raises no SIGPIPE), nothing was written before
// a kill or signal, or user_src is bad from the start.
int
pipewrite(struct pipe *pi, uint64 user_src, int n)
{
  uint done = 0;
  int bad = 0;

  if (n < 0)
    return -1;
  acquire(&pi->lock);
  while (done < (uint)n) {
    if (!pi->reader_open) {
      release(&pi->lock);
      return -1;
    }
    if (interrupted()) {       // a signal: report what was written (none: -1)
      wakeup(&pi->head);
      release(&pi->lock);
      return done ? done : -1;
    }
    uint room = PIPE_BYTES - (pi->tail - pi->head);
    if (room == 0) {
      wakeup(&pi->head);
      sleep_killable(&pi->tail, &pi->lock);
      continue;
    }
    uint len = run_len(pi->tail, room < n - done ? room : n - done);
    if (either_copyin(&pi->ring[pi->tail % PIPE_BYTES], 1, user_src + done, len) < 0) {
      bad = 1;
      break;
    }
    pi->tail += len;
    done += len;
  }
  wakeup(&pi->head);
  release(&pi->lock);
  return (bad && done == 0) ? -1 : done;
}

// Read up to n bytes into user_dst. Blocks while the ring is empty and a
// writer remains. Returns the count (0 at end of file) or -1 if killed or
// interrupted by a signal while waiting, or user_dst is bad.
int
piperead(struct pipe *pi, uint64 user_dst, int n)
{
  uint done = 0;
  int bad = 0;

  if (n < 0)
    return -1;
  acquire(&pi->lock);
  while (pi->tail == pi->head && pi->writer_open) {
    if (interrupted()) {
      release(&pi->lock);
      return -1;
    }
    sleep_killable(&pi->head, &pi->lock);
  }
  // Two runs at most: up to the end of the ring, then from its start.
  while (done < (uint)n && pi->head != pi->tail) {
    uint waiting = pi->tail - pi->head;
    uint len = run_len(pi->head, waiting < n - done ? waiting : n - done);
    if (either_copyout(1, user_dst + done, &pi->ring[pi->head % PIPE_BYTES], len) < 0) {
      bad = 1;
      break;
    }
    pi->head += len;
    done += len;
  }
  wakeup(&pi->tail);
  release(&pi->lock);
  return (bad && done == 0) ? -1 : done;
}
