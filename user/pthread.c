// pthread.c: weft's thread library -- TLS setup, thread create/join/exit/
// detach, futex-based mutex, condition variable and barrier, spinlocks, and
// the hooks that make malloc thread-safe. Linked into every user program, so
// __tls_setup runs before every main().
//
// Memory of a created thread: one MAP_STACK region from mmap (the kernel
// keeps its lowest page a guard) -- or, when a thread of the same stack
// size has been joined, that thread's region again, from the stack cache
// ("pools of available stacks"): its TLS block and descriptor are filled
// in anew. Laid out from low to high addresses as
//   [guard page][stack ... grows down][struct pthread][TLS block]
//                                     ^stack top      ^tp
// The main thread's descriptor and TLS block sit in a static buffer (sbrk
// when .tdata+.tbss are large). pthread_self() is tp - sizeof(struct pthread).
//
// Every thread pthread_create made is on the `created` list until its region
// is freed, so join and detach look a handle up there before they read the
// descriptor: a stale handle (joined already, a detached thread freed)
// points at unmapped memory and gets ESRCH instead of a crash.
//
// Locking: list_lock (a mutex) guards the `created` list and each listed
// descriptor's detached/joining flags; heap_lock guards malloc's free list.
// A thread never frees its own region: it is still running on that stack
// when it ends. The kernel zeroes tid_word only when the
// thread is gone for good (CLONE_CHILD_CLEARTID), so whoever sees tid_word == 0
// -- a joiner, or the reaper of detached threads -- may unmap the region.
// Invariant: tid_word == 0 is the one and only "region may be freed" signal.

#include "kernel/types.h"
#include "kernel/syscall.h"
#include "user/user.h"
#include "user/pthread.h"

#define PAGE 4096UL
#define ROUND_UP(x, a) (((x) + (a) - 1) & ~((uint64)(a) - 1))

struct pthread {
  int tid_word;           // kernel: our tid at clone, 0 once we have exited
  int tid;                // our tid (stays valid after exit)
  void *(*start)(void *);
  void *arg;
  void *retval;           // what start returned or pthread_exit was given
  int detached;           // nobody will join: the reaper frees us
  int joining;            // a pthread_join is waiting for us: no second one
  char *region;           // whole allocation; 0 for the main thread
  uint64 region_len;
  struct pthread *next;   // on the `created` list
} __attribute__((aligned(16)));

// The TLS template, from user/user.ld.
extern char __tdata_start[], __tdata_end[], __tls_size[], __tls_align[];

// ---- atomics and futex shorthands -----------------------------------------

#define LOAD(p)        __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define SWAP(p, v)     __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define ADD(p, v)      __atomic_add_fetch((p), (v), __ATOMIC_ACQ_REL)

// LAB threads: BEGIN SOLUTION
static int
cas(int *p, int expect, int desired)
{
  return __atomic_compare_exchange_n(p, &expect, desired, 0,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
// LAB threads: END

static void
futex_sleep(int *word, int while_value)
{
  futex(word, FUTEX_WAIT, while_value, 0);
}

static void
futex_wake(int *word, int how_many)
{
  futex(word, FUTEX_WAKE, how_many, 0);
}

#define WAKE_ALL 0x7fffffff

// ---- clone_run: the one piece that must be assembly ------------------------
// In C, the child would come back from clone() inside this function's stack
// frame -- but it runs on a different stack, where that frame does not exist.
// So the wrapper stores fn and arg at the top of the new stack before the
// ecall; the child finds them through its own sp and never returns.
#define STR_(x) #x
#define STR(x) STR_(x)
asm(
  "  .text\n"
  "  .globl clone_run\n"
  "  .type clone_run, @function\n"
  "clone_run:\n"                  // a0 flags a1 stack a2 tls a3 ctid a4 fn a5 arg
  "  andi t0, a1, 15\n"
  "  bnez t0, 2f\n"               // stack must be 16-byte aligned ...
  "  beqz a1, 2f\n"               // ... and present
  "  addi a1, a1, -16\n"          // child's sp: two slots below the top
  "  sd a4, 0(a1)\n"              //   slot 0: fn
  "  sd a5, 8(a1)\n"              //   slot 1: arg
  "  li a7, " STR(SYS_clone) "\n"
  "  ecall\n"
  "  beqz a0, 1f\n"
  "  ret\n"                       // caller: new tid, or -1
  "1:\n"                          // child: sp = new stack, a0 = 0
  "  ld t0, 0(sp)\n"
  "  ld a0, 8(sp)\n"
  "  li s0, 0\n"                  // no caller frame: end backtraces here
  "  li ra, 0\n"
  "  jalr t0\n"                   // a0 = fn(arg)
  "  call thread_exit\n"          // never returns
  "2:\n"
  "  li a0, -1\n"
  "  ret\n"
  "  .size clone_run, .-clone_run\n");

// ---- TLS blocks ------------------------------------------------------------

static uint64
tls_align(void)
{
  uint64 a = (uint64)__tls_align;
  return a < 16 ? 16 : a;     // the descriptor below tp needs 16 too
}

// Bytes a descriptor plus a TLS block can need, wherever they are placed.
static uint64
tls_area_size(void)
{
  return sizeof(struct pthread) + (uint64)__tls_size + tls_align();
}

// Place the TLS block as high as fits in [base, base+len), the descriptor
// right below it; fill the block from the template. Returns the descriptor;
// the block (the thread's tp) starts at descriptor + 1.
static struct pthread *
carve_tls(char *base, uint64 len)
{
  uint64 tls = ((uint64)base + len - (uint64)__tls_size) & ~(tls_align() - 1);
  uint64 init_len = __tdata_end - __tdata_start;
  memmove((char *)tls, __tdata_start, init_len);
  memset((char *)tls + init_len, 0, (uint64)__tls_size - init_len);
  struct pthread *d = (struct pthread *)tls - 1;
  memset(d, 0, sizeof(*d));
  return d;
}

static struct pthread *
current(void)
{
  char *tp;
  asm volatile("mv %0, tp" : "=r"(tp));
  return (struct pthread *)tp - 1;
}

// The main thread's block, when the program's TLS is small.
static char main_tls_buf[512] __attribute__((aligned(16)));
static struct pthread *main_thread;   // its descriptor; never on the `created` list

// Called by _start before main. Uses neither malloc nor any lock.
void
__tls_setup(void)
{
  char *base = main_tls_buf;
  uint64 len = sizeof(main_tls_buf);
  if (tls_area_size() > len) {
    len = tls_area_size();
    base = sbrk((int)len);
    if (base == (char *)-1) {
      write(2, "tls: no memory for thread-local data\n", 37);
      exit(1);
    }
  }
  struct pthread *d = carve_tls(base, len);
  d->tid = gettid();
  main_thread = d;
  asm volatile("mv tp, %0" : : "r"(d + 1) : "memory");
}

// ---- malloc hooks ------------------------------------------------------------
// A fork() while another thread holds this lock leaves the child's copy
// locked forever, as on any system: fork in a threaded program, then exec.

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;

void
__malloc_lock(void)
{
  pthread_mutex_lock(&heap_lock);
}

void
__malloc_unlock(void)
{
  pthread_mutex_unlock(&heap_lock);
}

// ---- thread regions and the list of created threads -------------------------

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pthread *created;       // linked through ->next

// The stack cache: regions of threads that are gone, kept mapped (their
// pages stay backed) for the next pthread_create of the same size, which
// then needs no mmap, no page faults and no munmap. Guarded by list_lock.
#define STACK_CACHE 8
static struct { char *region; uint64 len; } stack_cache[STACK_CACHE];

static void
region_free(struct pthread *t)
{
  if (t->region == 0)
    return;                       // the main thread: nothing was allocated
  pthread_mutex_lock(&list_lock);
  for (int i = 0; i < STACK_CACHE; i++) {
    if (stack_cache[i].region == 0) {
      stack_cache[i].region = t->region;
      stack_cache[i].len = t->region_len;
      pthread_mutex_unlock(&list_lock);
      return;
    }
  }
  pthread_mutex_unlock(&list_lock);
  munmap(t->region, t->region_len);
}

// LAB threads: BEGIN SOLUTION
// A cached region of exactly len bytes, taken out of the cache, or 0.
static char *
region_from_cache(uint64 len)
{
  char *base = 0;
  pthread_mutex_lock(&list_lock);
  for (int i = 0; i < STACK_CACHE && base == 0; i++) {
    if (stack_cache[i].region && stack_cache[i].len == len) {
      base = stack_cache[i].region;
      stack_cache[i].region = 0;
    }
  }
  pthread_mutex_unlock(&list_lock);
  return base;
}
// LAB threads: END

// Is t a descriptor on the list? Caller holds list_lock.
static int
listed(struct pthread *t)
{
  for (struct pthread *l = created; l; l = l->next)
    if (l == t)
      return 1;
  return 0;
}

// LAB threads: BEGIN SOLUTION
static void
list_add(struct pthread *t)
{
  pthread_mutex_lock(&list_lock);
  t->next = created;
  created = t;
  pthread_mutex_unlock(&list_lock);
}

// Take t off the list. Caller holds list_lock.
static void
unlist(struct pthread *t)
{
  struct pthread **link = &created;
  while (*link != t)
    link = &(*link)->next;
  *link = t->next;
}
// LAB threads: END

// Free every detached thread that has finished.
static void
reap_detached(void)
{
  struct pthread *done = 0;
  pthread_mutex_lock(&list_lock);
  struct pthread **link = &created;
  while (*link) {
    struct pthread *t = *link;
    if (t->detached && LOAD(&t->tid_word) == 0) {
      *link = t->next;
      t->next = done;
      done = t;
    } else {
      link = &t->next;
    }
  }
  pthread_mutex_unlock(&list_lock);
  // Unmap after unlocking: other threads need not wait for the system calls.
  while (done) {
    struct pthread *t = done;
    done = t->next;
    region_free(t);
  }
}

// LAB threads: BEGIN SOLUTION
// Allocate guard + stack + descriptor + TLS as one mapping; returns the
// descriptor, or 0 when the kernel refuses (pthread_create: EAGAIN). There
// is no fallback: a stack without a guard page would let an overflow
// corrupt memory unnoticed.
static struct pthread *
region_alloc(uint64 stacksize)
{
  uint64 len = PAGE + ROUND_UP(stacksize, PAGE) + ROUND_UP(tls_area_size(), PAGE);
  char *base = region_from_cache(len);
  // MAP_STACK: the lowest page is a guard the kernel never backs, so an
  // overflowing stack faults there instead of writing over what lies below.
  if (base == 0)
    base = mmap(0, len, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (base == MAP_FAILED)
    return 0;
  struct pthread *t = carve_tls(base, len);
  t->region = base;
  t->region_len = len;
  return t;
}

// ---- create, exit, join, detach ----------------------------------------------

// First C code of every created thread, on its own stack with tp set.
static int
thread_main(void *arg)
{
  struct pthread *self = arg;
  // CLONE_PARENT_SETTID wrote our tid into tid_word before we ran.
  STORE(&self->tid, LOAD(&self->tid_word));
  pthread_exit(self->start(self->arg));
}

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
                      CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

int
pthread_create(pthread_t *out, const pthread_attr_t *attr,
               void *(*start)(void *), void *arg)
{
  // No test of start against 0: user text begins at address 0, so the first
  // function of a program really is at address 0.
  if (out == 0)
    return PTHREAD_EINVAL;
  reap_detached();      // reuse memory of detached threads that are done

  uint64 stacksize = PTHREAD_STACK_DEFAULT;
  if (attr && attr->stacksize)
    stacksize = attr->stacksize;
  struct pthread *t = region_alloc(stacksize);
  if (t == 0)
    return PTHREAD_EAGAIN;
  t->start = start;
  t->arg = arg;
  t->detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;

  // Listed before it runs, so it may detach itself at once. tid_word is
  // not 0 meanwhile (0 would let the reaper free it); clone replaces it
  // with the tid before the child can run (CLONE_PARENT_SETTID).
  t->tid_word = -1;
  list_add(t);
  int tid = clone_run(THREAD_FLAGS, t, t + 1, &t->tid_word, thread_main, t);
  if (tid < 0) {
    pthread_mutex_lock(&list_lock);
    unlist(t);
    pthread_mutex_unlock(&list_lock);
    region_free(t);
    return PTHREAD_EAGAIN;
  }
  STORE(&t->tid, tid);
  *out = t;
  return 0;
}
// LAB threads: STUB
//> // ---- create, exit, join, detach ----------------------------------------------
//>
//> // Lab threads (docs/labs/threads.md): a stack region with a guard page,
//> // the TLS block and descriptor in it, then clone_run with the thread flags.
//> int
//> pthread_create(pthread_t *out, const pthread_attr_t *attr,
//>                void *(*start)(void *), void *arg)
//> {
//>   return PTHREAD_EAGAIN;
//> }
// LAB threads: END

void
pthread_exit(void *retval)
{
  // LAB threads: BEGIN SOLUTION
  struct pthread *self = current();
  self->retval = retval;
  // LAB threads: STUB
  //> // Lab threads: keep retval where pthread_join will find it.
  // LAB threads: END
  __pthread_keys_exit();      // key destructors (pthread_sync.c)
  // The kernel clears tid_word (and wakes a joiner) only after this thread
  // has left user space for good, so its stack is no longer in use.
  thread_exit(0);
}

// The errors pthread.h promises, checked in this order. Only a listed
// descriptor is ever read: t may point at memory freed long ago.
int
pthread_join(pthread_t t, void **retval)
{
  // LAB threads: BEGIN SOLUTION
  if (t == current())
    return PTHREAD_EDEADLK;
  if (t == main_thread)
    return PTHREAD_EINVAL;            // the kernel does not report its end
  pthread_mutex_lock(&list_lock);
  int err = 0;
  if (!listed(t))
    err = PTHREAD_ESRCH;
  else if (t->detached || t->joining)
    err = PTHREAD_EINVAL;
  else
    t->joining = 1;
  pthread_mutex_unlock(&list_lock);
  if (err)
    return err;

  int tid;
  while ((tid = LOAD(&t->tid_word)) != 0)
    futex_sleep(&t->tid_word, tid);   // returns at once if it changed already
  if (retval)
    *retval = t->retval;
  pthread_mutex_lock(&list_lock);
  unlist(t);
  pthread_mutex_unlock(&list_lock);
  region_free(t);
  reap_detached();
  return 0;
  // LAB threads: STUB
  //> // Lab threads: check t (pthread.h lists the errors), wait on the
  //> // futex word the kernel clears when the thread is gone, free its region.
  //> return PTHREAD_ESRCH;
  // LAB threads: END
}

int
pthread_detach(pthread_t t)
{
  int err = 0;
  pthread_mutex_lock(&list_lock);
  if (t != main_thread && !listed(t))
    err = PTHREAD_ESRCH;
  else if (t->detached || t->joining)
    err = PTHREAD_EINVAL;
  else
    t->detached = 1;                  // the main thread's region is not ours to free
  pthread_mutex_unlock(&list_lock);
  reap_detached();                    // it may be finished already
  return err;
}

pthread_t
pthread_self(void)
{
  return current();
}

int
pthread_equal(pthread_t a, pthread_t b)
{
  return a == b;
}

int
pthread_gettid(pthread_t t)
{
  // After fork() the copied descriptor names the parent's thread: ask.
  if (t == current())
    return gettid();
  return LOAD(&t->tid);
}

int
pthread_attr_init(pthread_attr_t *attr)
{
  attr->stacksize = 0;
  attr->detachstate = PTHREAD_CREATE_JOINABLE;
  return 0;
}

int
pthread_attr_destroy(pthread_attr_t *attr)
{
  return 0;
}

int
pthread_attr_setstacksize(pthread_attr_t *attr, uint64 size)
{
  if (size < PAGE || size > (64UL << 20))
    return PTHREAD_EINVAL;
  attr->stacksize = size;
  return 0;
}

int
pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
    return PTHREAD_EINVAL;
  attr->detachstate = state;
  return 0;
}

// ---- mutex ----------------------------------------------------------------------
// state: 0 free, 1 held and nobody asleep, 2 held and maybe sleepers.
// A thread that had to wait always leaves 2 behind, even if it turns out to
// be the last waiter: one needless wake-up is cheaper than a lost one.

int
pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
  m->state = 0;
  return 0;
}

// LAB threads: BEGIN SOLUTION
static void
mutex_lock_slow(pthread_mutex_t *m)
{
  while (SWAP(&m->state, 2) != 0)
    futex_sleep(&m->state, 2);
}

int
pthread_mutex_lock(pthread_mutex_t *m)
{
  if (!cas(&m->state, 0, 1))
    mutex_lock_slow(m);
  return 0;
}

int
pthread_mutex_trylock(pthread_mutex_t *m)
{
  return cas(&m->state, 0, 1) ? 0 : PTHREAD_EBUSY;
}

int
pthread_mutex_unlock(pthread_mutex_t *m)
{
  if (SWAP(&m->state, 0) == 2)
    futex_wake(&m->state, 1);
  return 0;
}
// LAB threads: STUB
//> // Lab threads: a futex-based mutex (0 free, 1 held, 2 held with
//> // sleepers). Until threads exist a mutex has nothing to exclude.
//> // mutex_lock_slow: take m, leaving state 2 (pthread_cond_wait uses it).
//> static void
//> mutex_lock_slow(pthread_mutex_t *m)
//> {
//> }
//>
//> int
//> pthread_mutex_lock(pthread_mutex_t *m)
//> {
//>   return 0;
//> }
//>
//> int
//> pthread_mutex_trylock(pthread_mutex_t *m)
//> {
//>   return 0;
//> }
//>
//> int
//> pthread_mutex_unlock(pthread_mutex_t *m)
//> {
//>   return 0;
//> }
// LAB threads: END

int
pthread_mutex_destroy(pthread_mutex_t *m)
{
  return LOAD(&m->state) == 0 ? 0 : PTHREAD_EBUSY;
}

// ---- condition variable ------------------------------------------------------------
// A waiter samples seq while still holding the mutex, so a signal sent after
// it unlocks changes seq and its futex_wait returns at once: no lost wake-up.
// As with POSIX, wake-ups may be spurious; callers re-test in a loop.

int
pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
  c->seq = 0;
  return 0;
}

int
pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
  int seen = LOAD(&c->seq);
  pthread_mutex_unlock(m);
  futex_sleep(&c->seq, seen);
  // Others may have been woken with us: take the mutex in the "maybe
  // sleepers" state so our unlock will wake the next one.
  mutex_lock_slow(m);
  return 0;
}

int
pthread_cond_signal(pthread_cond_t *c)
{
  ADD(&c->seq, 1);
  futex_wake(&c->seq, 1);
  return 0;
}

int
pthread_cond_broadcast(pthread_cond_t *c)
{
  ADD(&c->seq, 1);
  futex_wake(&c->seq, WAKE_ALL);
  return 0;
}

int
pthread_cond_destroy(pthread_cond_t *c)
{
  return 0;
}

// ---- barrier ---------------------------------------------------------------------
// The last thread to arrive resets `arrived` and only then advances `phase`;
// a thread cannot arrive for the next round before it has seen the new phase,
// so the reset never erases a next-round arrival.

int
pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
  if (count == 0 || count > 0x7fffffff)
    return PTHREAD_EINVAL;
  b->count = count;
  b->arrived = 0;
  b->phase = 0;
  return 0;
}

int
pthread_barrier_wait(pthread_barrier_t *b)
{
  int phase = LOAD(&b->phase);
  if (ADD(&b->arrived, 1) == b->count) {
    STORE(&b->arrived, 0);
    ADD(&b->phase, 1);
    futex_wake(&b->phase, WAKE_ALL);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  while (LOAD(&b->phase) == phase)
    futex_sleep(&b->phase, phase);
  return 0;
}

int
pthread_barrier_destroy(pthread_barrier_t *b)
{
  return LOAD(&b->arrived) == 0 ? 0 : PTHREAD_EBUSY;
}

// ---- spinlock -------------------------------------------------------------------------
// Test-and-test-and-set: spin on a plain load so waiting harts do not keep
// stealing the cache line from the holder with atomic writes.

int
pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
  *s = 0;
  return 0;
}

int
pthread_spin_lock(pthread_spinlock_t *s)
{
  while (SWAP(s, 1) != 0) {
    while (__atomic_load_n(s, __ATOMIC_RELAXED) != 0)
      ;
  }
  return 0;
}

int
pthread_spin_trylock(pthread_spinlock_t *s)
{
  return SWAP(s, 1) == 0 ? 0 : PTHREAD_EBUSY;
}

int
pthread_spin_unlock(pthread_spinlock_t *s)
{
  STORE(s, 0);
  return 0;
}

int
pthread_spin_destroy(pthread_spinlock_t *s)
{
  return 0;
}

// ---- signals to and masks of threads (docs/signals.md) -----------------------

// Send sig to thread t of this process (tgkill with t's kernel tid).
int
pthread_kill(pthread_t t, int sig)
{
  int tid = pthread_gettid(t);
  if (tid <= 0)
    return PTHREAD_ESRCH;
  return tgkill(getpid(), tid, sig) == 0 ? 0 : PTHREAD_EINVAL;
}

// The calling thread's signal mask: sigprocmask, which is per thread.
int
pthread_sigmask(int how, const uint64 *set, uint64 *old)
{
  return sigprocmask(how, set, old) == 0 ? 0 : PTHREAD_EINVAL;
}
