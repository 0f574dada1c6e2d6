// start.c: where a POSIX-flavour program begins (_start), its standard
// streams, and the locks picolibc asks for.
//
// _start sets up thread-local storage (user/pthread.c's __tls_setup:
// picolibc's errno is per thread), points the streams at their locks,
// runs constructors, then main, then exit() -- which runs atexit handlers,
// flushing stdout and stderr last.
//
// Streams: picolibc's buffered stdio on descriptors 0, 1 and 2 (the
// read/write wrappers in files.c). stdout and stderr are line buffered
// (stderr is not unbuffered: a message without '\n' appears at the next
// newline, fflush or exit).
//
// Locks: picolibc (built with retargetable locking) calls
// __retarget_lock_* around malloc, each FILE and a few globals. Each is a
// recursive lock on a pthread mutex (user/pthread.c), so stdio and malloc
// are safe from many threads. The owner is named by its tp, which is
// different in every thread. picolibc takes a FILE's lock per character;
// POSIX wants each call whole, so the Makefile links with --wrap for
// vfprintf, fputs, puts and fwrite and the wrappers below hold the FILE's
// lock across the call (the per-character locking then nests).

#include <stdarg.h>
#include <stdio.h>
#include <stdio-bufio.h>
#include <stdlib.h>
#include <sys/lock.h>
#include <unistd.h>
#include "user/pthread.h"

struct __lock {
  pthread_mutex_t mutex;
  void *owner;        // tp of the holder, 0 when free
  int depth;          // nested acquisitions by the owner
};

struct __lock __lock___libc_recursive_mutex;

static void *
self(void)
{
  return __builtin_thread_pointer();
}

void
__retarget_lock_acquire_recursive(struct __lock *l)
{
  if (l == 0)
    return;
  // Only this thread ever stores self() into owner, so this read is exact
  // when it matches and harmless when it does not.
  if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self()) {
    l->depth++;
    return;
  }
  pthread_mutex_lock(&l->mutex);
  __atomic_store_n(&l->owner, self(), __ATOMIC_RELAXED);
  l->depth = 1;
}

int
__retarget_lock_try_acquire_recursive(struct __lock *l)
{
  if (l == 0)
    return 1;
  if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self()) {
    l->depth++;
    return 1;
  }
  if (pthread_mutex_trylock(&l->mutex) != 0)
    return 0;
  __atomic_store_n(&l->owner, self(), __ATOMIC_RELAXED);
  l->depth = 1;
  return 1;
}

void
__retarget_lock_release_recursive(struct __lock *l)
{
  if (l == 0 || --l->depth > 0)
    return;
  __atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&l->mutex);
}

void
__retarget_lock_init_recursive(struct __lock **lp)
{
  *lp = calloc(1, sizeof(struct __lock));   // 0: that FILE goes unlocked
}

void
__retarget_lock_close_recursive(struct __lock *l)
{
  free(l);
}

// The non-recursive kind: the same locks (recursion is never wrong here).
void __retarget_lock_init(struct __lock **lp) { __retarget_lock_init_recursive(lp); }
void __retarget_lock_close(struct __lock *l) { __retarget_lock_close_recursive(l); }
void __retarget_lock_acquire(struct __lock *l) { __retarget_lock_acquire_recursive(l); }
int __retarget_lock_try_acquire(struct __lock *l) { return __retarget_lock_try_acquire_recursive(l); }
void __retarget_lock_release(struct __lock *l) { __retarget_lock_release_recursive(l); }

// ---- standard streams --------------------------------------------------------

static char inbuf[256], outbuf[1024], errbuf[256];
static struct __file_bufio in =
  FDEV_SETUP_BUFIO(0, inbuf, sizeof(inbuf), read, write, lseek, close, __SRD, 0);
static struct __file_bufio out =
  FDEV_SETUP_BUFIO(1, outbuf, sizeof(outbuf), read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio err =
  FDEV_SETUP_BUFIO(2, errbuf, sizeof(errbuf), read, write, lseek, close, __SWR, __BLBF);
static struct __lock in_lock, out_lock, err_lock;

FILE *const stdin = &in.xfile.cfile.file;
FILE *const stdout = &out.xfile.cfile.file;
FILE *const stderr = &err.xfile.cfile.file;

static void
flush_streams(void)
{
  fflush(stdout);
  fflush(stderr);
}

// ---- one lock per stdio call -------------------------------------------------

static struct __lock *
file_lock(FILE *f)
{
  return (f->flags & __SBUF) ? ((struct __file_bufio *)f)->lock : 0;
}

int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_fputs(const char *s, FILE *f);
int __real_puts(const char *s);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);

int
__wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
  struct __lock *l = file_lock(f);
  __retarget_lock_acquire_recursive(l);
  int r = __real_vfprintf(f, fmt, ap);
  __retarget_lock_release_recursive(l);
  return r;
}

int
__wrap_fputs(const char *s, FILE *f)
{
  struct __lock *l = file_lock(f);
  __retarget_lock_acquire_recursive(l);
  int r = __real_fputs(s, f);
  __retarget_lock_release_recursive(l);
  return r;
}

int
__wrap_puts(const char *s)
{
  struct __lock *l = file_lock(stdout);
  __retarget_lock_acquire_recursive(l);
  int r = __real_puts(s);
  __retarget_lock_release_recursive(l);
  return r;
}

size_t
__wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
  struct __lock *l = file_lock(f);
  __retarget_lock_acquire_recursive(l);
  size_t r = __real_fwrite(p, size, n, f);
  __retarget_lock_release_recursive(l);
  return r;
}

// ---- the entry point ---------------------------------------------------------

extern int main(int, char **);
void __tls_setup(void);               // user/pthread.c
void __libc_init_array(void);         // picolibc: constructors

// exec() enters here with argc in a0 and argv in a1.
__attribute__((section(".text.start")))
void
_start(int argc, char **argv)
{
  __tls_setup();
  in.lock = &in_lock;
  out.lock = &out_lock;
  err.lock = &err_lock;
  atexit(flush_streams);
  __libc_init_array();
  exit(main(argc, argv));
}
