// pthread.h: weft's POSIX-style thread library (user/pthread.c).
// Threads are clone() tasks sharing the address space, files and cwd; every
// blocking primitive sleeps in the kernel with futex(), none busy-waits
// except pthread_spin_lock. Programs include "kernel/types.h" and
// "user/user.h" first. Functions return 0 or an error number (never set
// errno: weft's user library has none).
#ifndef WEFT_PTHREAD_H
#define WEFT_PTHREAD_H

// Error numbers the library returns (Linux's values).
#define PTHREAD_ESRCH     3   // no such thread: never created, or already joined/freed
#define PTHREAD_EAGAIN   11   // no memory or no thread slot
#define PTHREAD_EBUSY    16   // trylock: already locked; destroy: in use
#define PTHREAD_EINVAL   22   // bad argument, or thread not joinable
#define PTHREAD_EDEADLK  35   // a thread tried to join itself

// One thread. The descriptor lives just below the thread's TLS block
// (tp - sizeof(struct pthread)), so pthread_self() is one subtraction.
struct pthread;
typedef struct pthread *pthread_t;

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
typedef struct {
  uint64 stacksize;     // 0: the default (PTHREAD_STACK_DEFAULT)
  int detachstate;      // PTHREAD_CREATE_*
} pthread_attr_t;
#define PTHREAD_STACK_DEFAULT (16 * 1024)

// Mutex word: 0 unlocked, 1 locked, 2 locked and someone may be sleeping.
typedef struct {
  int state;
} pthread_mutex_t;
typedef int pthread_mutexattr_t;        // accepted, ignored
#define PTHREAD_MUTEX_INITIALIZER { 0 }

// Condition variable: waiters sleep on seq; signal/broadcast bump it.
typedef struct {
  int seq;
} pthread_cond_t;
typedef int pthread_condattr_t;         // accepted, ignored
#define PTHREAD_COND_INITIALIZER { 0 }

// Barrier: `phase` changes each time `count` threads have arrived.
typedef struct {
  int count;
  int arrived;
  int phase;
} pthread_barrier_t;
typedef int pthread_barrierattr_t;      // accepted, ignored
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

typedef int pthread_spinlock_t;         // 0 free, 1 held

// Threads.
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg);
// Wait for thread to end, store what it returned in *retval (if retval is
// not 0) and free it: 0. Errors, when it cannot be joined:
//   EDEADLK  thread is the caller;
//   EINVAL   thread is detached, is the main thread (weft cannot tell when it
//            ends), or another thread is already joining it;
//   ESRCH    no such thread: 0, never created, already joined, or a detached
//            thread already freed. A handle is valid until its thread is
//            joined or, detached, has ended: after that its memory may hold
//            a new thread, which the old handle would then name.
int pthread_join(pthread_t thread, void **retval);
void pthread_exit(void *retval) __attribute__((noreturn));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
// Nobody will join thread: it is freed once it ends. 0; EINVAL if it is
// already detached or being joined; ESRCH as for pthread_join.
int pthread_detach(pthread_t thread);
int pthread_gettid(pthread_t thread);   // weft: the kernel tid of a thread

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, uint64 size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);

// Mutexes.
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutex_destroy(pthread_mutex_t *m);

// Condition variables.
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_cond_destroy(pthread_cond_t *c);

// Barriers.
int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
                         unsigned count);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrier_destroy(pthread_barrier_t *b);

// Spinlocks (for very short critical sections; they never sleep).
int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s);
int pthread_spin_unlock(pthread_spinlock_t *s);
int pthread_spin_destroy(pthread_spinlock_t *s);

// weft: run fn(arg) in a new clone() task on `stack` (its top, 16-byte
// aligned; must not be 0) and end that task with thread_exit(fn's result).
// Returns what clone() returns in the caller: the new tid, or -1. The raw
// clone() stub cannot do this safely, because a child on a new stack must
// not return into the caller's stack frame.
int clone_run(int flags, void *stack, void *tls, int *ctid,
              int (*fn)(void *), void *arg);

// Signals (user/signal.h for the constants): sig to thread t of this
// process; the calling thread's mask (how: SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK;
// the sets are sigset_t). 0, or an error number.
int pthread_kill(pthread_t t, int sig);
int pthread_sigmask(int how, const uint64 *set, uint64 *old);

#endif
