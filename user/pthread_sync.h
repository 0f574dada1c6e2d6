// pthread_sync.h: the rest of the thread library (user/pthread_sync.c):
// once, timed condition waits, read-write locks, thread-specific keys and
// semaphores. Included by user/pthread.h, so both flavours see it: xv6
// programs through "user/pthread.h", POSIX programs through <pthread.h>
// and <semaphore.h> (user/posix/include/).
// The pthread_* functions return 0 or an error number; the sem_* functions
// return 0, or -1 with errno set (the POSIX flavour; xv6 programs have no
// errno and see only the -1).
#ifndef WEFT_PTHREAD_SYNC_H
#define WEFT_PTHREAD_SYNC_H

#define PTHREAD_ETIMEDOUT 116   // timed wait: the time passed (picolibc's ETIMEDOUT)
#define PTHREAD_ENOMEM     12   // out of keys or memory
#define PTHREAD_KEYS_MAX   32

// Once: 0 not run, 1 running, 2 done.
typedef struct {
  int state;
} pthread_once_t;
#define PTHREAD_ONCE_INIT { 0 }

// Read-write lock: state > 0 readers inside, -1 a writer, 0 free; waiters
// counts threads asleep on state. Readers are not held back by waiting
// writers (a writer may wait while readers keep coming).
typedef struct {
  int state;
  int waiters;
} pthread_rwlock_t;
typedef int pthread_rwlockattr_t;       // accepted, ignored
#define PTHREAD_RWLOCK_INITIALIZER { 0, 0 }

typedef unsigned pthread_key_t;

// Counting semaphore (unnamed, one process: pshared must be 0).
typedef struct {
  int value;
  int waiters;
} sem_t;
#define SEM_VALUE_MAX 0x7fffffff

// An absolute CLOCK_REALTIME time; the POSIX flavour's <time.h> defines
// it (LP64: two longs, seconds and nanoseconds).
struct timespec;

int pthread_once(pthread_once_t *once, void (*fn)(void));
// pthread_cond_wait, but give up at abstime: PTHREAD_ETIMEDOUT (the mutex
// is held again either way). The kernel counts 10 ms ticks, so a timeout
// can be up to a tick late.
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                           const struct timespec *abstime);

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);

// Keys: each thread's value starts as 0; at pthread_exit (or return from
// the start function) a non-0 value's destructor runs with it.
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

int sem_init(sem_t *s, int pshared, unsigned value);
int sem_wait(sem_t *s);
int sem_trywait(sem_t *s);              // -1, EAGAIN when the value is 0
int sem_timedwait(sem_t *s, const struct timespec *abstime);  // -1, ETIMEDOUT
int sem_post(sem_t *s);
int sem_getvalue(sem_t *s, int *value);
int sem_destroy(sem_t *s);

void __pthread_keys_exit(void);         // pthread_exit: run the destructors

#endif
