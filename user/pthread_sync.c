// pthread_sync.c: once, timed condition waits, read-write locks, keys and
// semaphores -- the thread objects beyond pthread.c's, on the same futex
// shorthands. Part of the one thread library both flavours link (docs/
// user.md): built with the xv6 headers, it calls only weft's system calls,
// so the same code serves xv6 and POSIX programs.
//
// Reading order: time (for the timed waits), once, cond_timedwait, rwlock,
// keys, semaphores.
// Locking: each object is its own futex word(s), changed only atomically.
// key_lock (a mutex) guards the key table; each thread's key values are
// its own (a TLS pointer to an array it allocates on first use).

#include "kernel/types.h"
#include "kernel/syscall.h"
#include "user/user.h"
#include "user/pthread.h"

#define LOAD(p)        __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ADD(p, v)      __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define WAKE_ALL 0x7fffffff

// sem_* errno values (picolibc's <errno.h>) beyond pthread.h's.
#define SEM_ENOSYS    88
#define SEM_EOVERFLOW 139

static int
cas(int *p, int expect, int desired)
{
  return __atomic_compare_exchange_n(p, &expect, desired, 0,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

// The POSIX flavour's runtime sets errno here (user/posix/rt/proc.c);
// xv6 programs have no errno.
__attribute__((weak)) void
__weft_set_errno(int err)
{
}

// ---- time ---------------------------------------------------------------------
// Timed waits take an absolute CLOCK_REALTIME time and sleep in futex ticks
// (10 ms). The clock is read with the raw system call, not a library
// function: the two flavours name their clocks differently.

struct abstime {               // struct timespec's LP64 layout
  long sec, nsec;
};

#define NS_PER_TICK 10000000L

// Ticks from now until t, rounded up; 0 if t has passed.
static int
ticks_until(const struct timespec *t)
{
  const struct abstime *at = (const struct abstime *)t;
  struct abstime now;
  register long a0 asm("a0") = 0;               // the kernel's CLOCK_REALTIME
  register long a1 asm("a1") = (long)&now;
  register long a7 asm("a7") = SYS_clock_gettime;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  long ns = (at->sec - now.sec) * 1000000000L + (at->nsec - now.nsec);
  if (ns <= 0)
    return 0;
  long ticks = (ns + NS_PER_TICK - 1) / NS_PER_TICK;
  return ticks > 0x7fffffff ? 0x7fffffff : (int)ticks;
}

static int
valid_abstime(const struct timespec *t)
{
  const struct abstime *at = (const struct abstime *)t;
  return at && at->nsec >= 0 && at->nsec < 1000000000L;
}

// ---- once ----------------------------------------------------------------------

int
pthread_once(pthread_once_t *once, void (*fn)(void))
{
  if (LOAD(&once->state) == 2)
    return 0;
  if (cas(&once->state, 0, 1)) {
    fn();
    STORE(&once->state, 2);
    futex(&once->state, FUTEX_WAKE, WAKE_ALL, 0);
    return 0;
  }
  while (LOAD(&once->state) != 2)
    futex(&once->state, FUTEX_WAIT, 1, 0);
  return 0;
}

// ---- cond_timedwait ---------------------------------------------------------------
// As pthread_cond_wait (pthread.c): sample seq under the mutex, unlock,
// sleep while seq is unchanged -- here for at most the ticks left. A futex
// timeout may end up to a tick early (its deadline counts whole ticks), so
// the wait goes on until seq changes or abstime has really passed.

int
pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
  if (!valid_abstime(abstime))
    return PTHREAD_EINVAL;
  int seen = LOAD(&c->seq);
  int ticks = ticks_until(abstime);
  if (ticks == 0)
    return PTHREAD_ETIMEDOUT;
  pthread_mutex_unlock(m);
  while (LOAD(&c->seq) == seen && (ticks = ticks_until(abstime)) > 0)
    futex(&c->seq, FUTEX_WAIT, seen, ticks);
  // As in pthread_cond_wait: others may have been woken with us, so lock
  // in the "maybe sleepers" state (mutex word 2).
  while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQ_REL) != 0)
    futex(&m->state, FUTEX_WAIT, 2, 0);
  return LOAD(&c->seq) == seen ? PTHREAD_ETIMEDOUT : 0;
}

// ---- read-write lock ------------------------------------------------------------------

int
pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
  rw->state = 0;
  rw->waiters = 0;
  return 0;
}

int
pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
  int s;
  while ((s = LOAD(&rw->state)) >= 0)
    if (cas(&rw->state, s, s + 1))
      return 0;
  return PTHREAD_EBUSY;
}

int
pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
  return cas(&rw->state, 0, -1) ? 0 : PTHREAD_EBUSY;
}

// Sleep until state is no longer s (returns at once if it changed already).
static void
rwlock_sleep(pthread_rwlock_t *rw, int s)
{
  ADD(&rw->waiters, 1);
  futex(&rw->state, FUTEX_WAIT, s, 0);
  ADD(&rw->waiters, -1);
}

int
pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
  int s;
  while (pthread_rwlock_tryrdlock(rw) != 0)
    if ((s = LOAD(&rw->state)) < 0)
      rwlock_sleep(rw, s);
  return 0;
}

int
pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
  int s;
  while (!cas(&rw->state, 0, -1))
    if ((s = LOAD(&rw->state)) != 0)
      rwlock_sleep(rw, s);
  return 0;
}

int
pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
  int s = LOAD(&rw->state);
  if (s == 0)
    return PTHREAD_EINVAL;              // not locked
  if (s < 0)
    __atomic_store_n(&rw->state, 0, __ATOMIC_SEQ_CST);
  else
    ADD(&rw->state, -1);
  // A sleeper counted itself before it slept on the old state, which has
  // changed now, so it cannot miss this wake. SEQ_CST orders the state
  // change before the read of waiters.
  if (__atomic_load_n(&rw->waiters, __ATOMIC_SEQ_CST) > 0)
    futex(&rw->state, FUTEX_WAKE, WAKE_ALL, 0);
  return 0;
}

int
pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
  return LOAD(&rw->state) == 0 ? 0 : PTHREAD_EBUSY;
}

// ---- keys ---------------------------------------------------------------------------

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  int used;
  void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];
static __thread void **key_values;      // this thread's, PTHREAD_KEYS_MAX long

int
pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
  int err = PTHREAD_EAGAIN;             // POSIX: no key left
  pthread_mutex_lock(&key_lock);
  for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
    if (!keys[k].used) {
      keys[k].used = 1;
      keys[k].destructor = destructor;
      *key = k;
      err = 0;
      break;
    }
  }
  pthread_mutex_unlock(&key_lock);
  return err;
}

// Values other threads hold for key are forgotten, not destroyed (POSIX).
int
pthread_key_delete(pthread_key_t key)
{
  int err = 0;
  pthread_mutex_lock(&key_lock);
  if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
    err = PTHREAD_EINVAL;
  else
    keys[key].used = 0;
  pthread_mutex_unlock(&key_lock);
  return err;
}

void *
pthread_getspecific(pthread_key_t key)
{
  if (key >= PTHREAD_KEYS_MAX || key_values == 0)
    return 0;
  return key_values[key];
}

int
pthread_setspecific(pthread_key_t key, const void *value)
{
  if (key >= PTHREAD_KEYS_MAX || !LOAD(&keys[key].used))
    return PTHREAD_EINVAL;
  if (key_values == 0) {
    key_values = malloc(PTHREAD_KEYS_MAX * sizeof(void *));
    if (key_values == 0)
      return PTHREAD_ENOMEM;
    memset(key_values, 0, PTHREAD_KEYS_MAX * sizeof(void *));
  }
  key_values[key] = (void *)value;
  return 0;
}

// A destructor may set values again: up to 4 rounds, as POSIX allows.
void
__pthread_keys_exit(void)
{
  if (key_values == 0)
    return;
  for (int round = 0; round < 4; round++) {
    int again = 0;
    for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
      void *v = key_values[k];
      void (*d)(void *) = keys[k].destructor;
      if (v && keys[k].used && d) {
        key_values[k] = 0;
        d(v);
        again = 1;
      }
    }
    if (!again)
      break;
  }
  free(key_values);
  key_values = 0;
}

// ---- semaphores ------------------------------------------------------------------------
// A waiter counts itself in waiters, then sleeps while value is 0; sem_post
// raises value, then wakes one if anyone counted. Both steps are SEQ_CST,
// so either the poster sees the waiter or the waiter's futex_wait sees the
// new value and does not sleep.

int
sem_init(sem_t *s, int pshared, unsigned value)
{
  if (pshared || value > SEM_VALUE_MAX) {
    __weft_set_errno(pshared ? SEM_ENOSYS : PTHREAD_EINVAL);   // no shared ones
    return -1;
  }
  s->value = value;
  s->waiters = 0;
  return 0;
}

int
sem_trywait(sem_t *s)
{
  int v;
  while ((v = LOAD(&s->value)) > 0)
    if (cas(&s->value, v, v - 1))
      return 0;
  __weft_set_errno(PTHREAD_EAGAIN);
  return -1;
}

// Wait for the value to be positive, at most until abstime (0: forever).
static int
sem_wait_until(sem_t *s, const struct timespec *abstime)
{
  for (;;) {
    int v;
    while ((v = LOAD(&s->value)) > 0)
      if (cas(&s->value, v, v - 1))
        return 0;
    int ticks = 0;
    if (abstime && (ticks = ticks_until(abstime)) == 0) {
      __weft_set_errno(PTHREAD_ETIMEDOUT);
      return -1;
    }
    ADD(&s->waiters, 1);
    futex(&s->value, FUTEX_WAIT, 0, ticks);
    ADD(&s->waiters, -1);
  }
}

int
sem_wait(sem_t *s)
{
  return sem_wait_until(s, 0);
}

int
sem_timedwait(sem_t *s, const struct timespec *abstime)
{
  if (!valid_abstime(abstime)) {
    __weft_set_errno(PTHREAD_EINVAL);
    return -1;
  }
  return sem_wait_until(s, abstime);
}

int
sem_post(sem_t *s)
{
  if (LOAD(&s->value) == SEM_VALUE_MAX) {
    __weft_set_errno(SEM_EOVERFLOW);
    return -1;
  }
  ADD(&s->value, 1);
  if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST) > 0)
    futex(&s->value, FUTEX_WAKE, 1, 0);
  return 0;
}

int
sem_getvalue(sem_t *s, int *value)
{
  *value = LOAD(&s->value);
  return 0;
}

int
sem_destroy(sem_t *s)
{
  return 0;
}
