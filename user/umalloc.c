// umalloc.c: malloc and free for user programs, on top of sbrk().
//
// Every block, free or in use, starts with a struct chunk header; sizes are
// counted in header-sized units (16 bytes), so every pointer handed out is
// 16-byte aligned. Free blocks sit on one singly linked list kept sorted by
// address: malloc takes the first block big enough (first fit) and splits off
// the rest; free puts a block back in address order and merges it with the
// free neighbours it touches, so the heap does not fragment into slivers.
//
// Locking: the free list is global. Single-threaded programs need nothing;
// a thread library makes malloc thread-safe by defining the weak hooks
// __malloc_lock/__malloc_unlock (called around every list operation).
// Invariant: the free list is address-sorted and no two entries are adjacent
// (adjacent free blocks are always merged).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

struct chunk {
  struct chunk *next;   // next free chunk (higher address); unused when allocated
  uint64 units;         // size of this chunk including its header, in units
};

#define UNIT          sizeof(struct chunk)
#define GROW_MIN_UNITS (16384 / UNIT)   // ask sbrk for at least 16 KiB at once

static struct chunk *free_list;   // lowest-addressed free chunk, or 0

extern void __malloc_lock(void) __attribute__((weak));
extern void __malloc_unlock(void) __attribute__((weak));

static void
heap_lock(void)
{
  if (__malloc_lock)
    __malloc_lock();
}

static void
heap_unlock(void)
{
  if (__malloc_unlock)
    __malloc_unlock();
}

static int
touches(struct chunk *lo, struct chunk *hi)
{
  return lo + lo->units == hi;
}

// Put chunk c on the free list in address order, merging with neighbours.
static void
release_chunk(struct chunk *c)
{
  struct chunk *before = 0, *after = free_list;

  while (after && after < c) {
    before = after;
    after = after->next;
  }

  // Merge with the following chunk first, then let the preceding one absorb c.
  c->next = after;
  if (after && touches(c, after)) {
    c->units += after->units;
    c->next = after->next;
  }
  if (before && touches(before, c)) {
    before->units += c->units;
    before->next = c->next;
  } else if (before) {
    before->next = c;
  } else {
    free_list = c;
  }
}

// Extend the heap by at least `units` units; returns 0 when sbrk refuses.
static int
grow_heap(uint64 units)
{
  if (units < GROW_MIN_UNITS)
    units = GROW_MIN_UNITS;
  if ((units + 1) * UNIT > 0x7fffffff)
    return 0;
  char *mem = sbrk((int)(units * UNIT));
  if (mem == (char *)-1)
    return 0;
  // The break normally sits on a page boundary. If something left it at an
  // odd address, start the chunk at the next UNIT boundary and extend the
  // heap by the difference, which also realigns the break for next time.
  uint64 pad = (UNIT - (uint64)mem % UNIT) % UNIT;
  if (pad != 0) {
    mem += pad;
    if (sbrk((int)pad) == (char *)-1)
      units -= 1;         // could not extend: give up the cut-off unit
  }
  struct chunk *c = (struct chunk *)mem;
  c->units = units;
  release_chunk(c);
  return 1;
}

// First fit: unlink (or split) the first free chunk of at least `units`.
static struct chunk*
take_first_fit(uint64 units)
{
  struct chunk **link = &free_list;

  for (struct chunk *c = free_list; c; link = &c->next, c = c->next) {
    if (c->units < units)
      continue;
    if (c->units == units) {
      *link = c->next;
      return c;
    }
    // Hand out the tail so the free chunk stays where it is in the list.
    c->units -= units;
    struct chunk *tail = c + c->units;
    tail->units = units;
    return tail;
  }
  return 0;
}

void*
malloc(uint nbytes)
{
  if (nbytes == 0)
    nbytes = 1;
  uint64 units = ((uint64)nbytes + UNIT - 1) / UNIT + 1;   // +1 for the header

  heap_lock();
  struct chunk *c = take_first_fit(units);
  if (c == 0 && grow_heap(units))
    c = take_first_fit(units);
  heap_unlock();

  if (c == 0)
    return 0;
  c->next = 0;
  return (void *)(c + 1);
}

void
free(void *ptr)
{
  if (ptr == 0)
    return;
  heap_lock();
  release_chunk((struct chunk *)ptr - 1);
  heap_unlock();
}
