// ptests.c: tests of the POSIX flavour, written as standard C: stdio,
// files and errno, processes, time, math, memory, and every thread object.
// Each case prints "ptest NAME: OK" or "ptest NAME: FAILED: why"; the run
// ends with "ptests: ALL OK" or "ptests: SOME FAILED". tests/test_posix.py
// runs it and reports each case on its own. usage: ptests [NAME...]
// (ptests --exit N exits with N: the exec cases run it that way).

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cases.h"

static char why[200];

#define CHECK(cond, ...) do {                             \
    if (!(cond)) {                                        \
      snprintf(why, sizeof(why), __VA_ARGS__);            \
      return 1;                                           \
    }                                                     \
  } while (0)

static double
now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// ---- stdio, files, errno ------------------------------------------------------

static int
t_snprintf(void)
{
  char buf[128];
  int n = snprintf(buf, sizeof(buf), "%d|%5.2f|%s|%x|%ld|%e|%-3c|", -42, 3.14159, "str",
                   255, 1234567890123L, 12345.678, 'z');
  const char *want = "-42| 3.14|str|ff|1234567890123|1.234568e+04|z  |";
  CHECK(strcmp(buf, want) == 0, "got \"%s\", want \"%s\"", buf, want);
  CHECK(n == (int)strlen(want), "returned %d", n);
  volatile size_t small = 8;            // not a constant: no truncation warning
  n = snprintf(buf, small, "%s", "truncated string");
  CHECK(n == 16 && strcmp(buf, "truncat") == 0, "truncation: %d \"%s\"", n, buf);
  snprintf(buf, sizeof(buf), "%.3f %.1f %g", M_PI, -0.25, 0.5);
  CHECK(strcmp(buf, "3.142 -0.2 0.5") == 0 || strcmp(buf, "3.142 -0.3 0.5") == 0,
        "floats: \"%s\"", buf);
  double d = strtod("2.5e3", 0);
  CHECK(d == 2500.0, "strtod gave %f", d);
  int a = 0;
  float f = 0;
  CHECK(sscanf("17 0.5", "%d %f", &a, &f) == 2 && a == 17 && f == 0.5f, "sscanf");
  return 0;
}

static int
t_fileio(void)
{
  const char *path = "ptest.txt";
  FILE *f = fopen(path, "w");
  CHECK(f, "fopen w: errno %d", errno);
  for (int i = 0; i < 50; i++)
    fprintf(f, "line %d value %.2f\n", i, i / 4.0);
  CHECK(fclose(f) == 0, "fclose");
  f = fopen(path, "a");
  CHECK(f, "fopen a");
  fputs("appended\n", f);
  fclose(f);

  f = fopen(path, "r");
  CHECK(f, "fopen r");
  char line[64];
  int n = 0;
  while (fgets(line, sizeof(line), f)) {
    char want[64];
    if (n < 50)
      snprintf(want, sizeof(want), "line %d value %.2f\n", n, n / 4.0);
    else
      strcpy(want, "appended\n");
    CHECK(strcmp(line, want) == 0, "line %d: \"%s\"", n, line);
    n++;
  }
  CHECK(n == 51, "read %d lines", n);
  CHECK(fseek(f, 5, SEEK_SET) == 0 && fgetc(f) == '0', "fseek/fgetc");
  CHECK(ftell(f) == 6, "ftell %ld", ftell(f));
  fclose(f);

  struct stat st;
  CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode), "stat");
  long want_size = 0;
  for (int i = 0; i < 50; i++)
    want_size += snprintf(line, sizeof(line), "line %d value %.2f\n", i, i / 4.0);
  want_size += 9;
  CHECK(st.st_size == want_size, "size %ld, want %ld", (long)st.st_size, want_size);
  CHECK(remove(path) == 0, "remove");
  CHECK(fopen(path, "r") == NULL && errno == ENOENT, "fopen of removed file: errno %d", errno);
  fprintf(stderr, "ptest fileio: (this line went to stderr)\n");
  return 0;
}

static int
t_errno(void)
{
  int fd;
  errno = 0;
  CHECK(open("no-such-file", O_RDONLY) < 0 && errno == ENOENT, "open missing: errno %d", errno);
  CHECK(close(77) < 0 && errno == EBADF, "close(77): errno %d", errno);
  char c;
  CHECK(read(-1, &c, 1) < 0 && errno == EBADF, "read(-1): errno %d", errno);
  CHECK(write(55, "x", 1) < 0 && errno == EBADF, "write(55): errno %d", errno);
  CHECK(mkdir("/", 0755) < 0 && errno == EEXIST, "mkdir /: errno %d", errno);
  CHECK(chdir("/README.md") < 0 && errno == ENOTDIR, "chdir file: errno %d", errno);
  CHECK(chdir("/nowhere") < 0 && errno == ENOENT, "chdir missing: errno %d", errno);
  CHECK(open("/", O_WRONLY) < 0 && errno == EISDIR, "open / for writing: errno %d", errno);
  CHECK(open("/README.md", O_RDONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST,
        "O_EXCL: errno %d", errno);
  CHECK(unlink("no-such-file") < 0 && errno == ENOENT, "unlink missing: errno %d", errno);
  CHECK(waitpid(-1, 0, 0) < 0 && errno == ECHILD, "waitpid no child: errno %d", errno);
  CHECK(dup2(66, 3) < 0 && errno == EBADF, "dup2 bad: errno %d", errno);
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  CHECK(lseek(p[0], 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek pipe: errno %d", errno);
  close(p[0]);
  close(p[1]);
  CHECK(munmap((void *)0x1001, 4096) < 0 && errno == EINVAL, "munmap unaligned: errno %d", errno);
  CHECK(strstr(strerror(ENOENT), "No such file") != NULL, "strerror: %s", strerror(ENOENT));
  errno = ENOENT;
  fd = open("/README.md", O_RDONLY);
  CHECK(fd >= 0 && errno == ENOENT, "a success must leave errno alone");
  close(fd);
  return 0;
}

static int
t_fds(void)
{
  int fd = open("ptest.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0, "open: errno %d", errno);
  CHECK(write(fd, "0123456789", 10) == 10, "write");
  CHECK(lseek(fd, 0, SEEK_CUR) == 10, "SEEK_CUR");
  CHECK(lseek(fd, 3, SEEK_SET) == 3, "SEEK_SET");
  char buf[8] = { 0 };
  CHECK(read(fd, buf, 4) == 4 && memcmp(buf, "3456", 4) == 0, "read after seek: %s", buf);
  CHECK(lseek(fd, -2, SEEK_END) == 8, "SEEK_END");
  CHECK(read(fd, buf, 8) == 2 && memcmp(buf, "89", 2) == 0, "read at end");
  CHECK(lseek(fd, 1, SEEK_END) < 0 && errno == EINVAL, "seek past end: errno %d", errno);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 10, "fstat size %ld", (long)st.st_size);
  int fd2 = dup(fd);
  CHECK(fd2 > fd, "dup");
  CHECK(dup2(fd, 9) == 9, "dup2");
  CHECK(lseek(9, 0, SEEK_SET) == 0 && lseek(fd, 0, SEEK_CUR) == 0, "dup2 shares the offset");
  CHECK(dup2(9, 9) == 9, "dup2 to itself");
  close(9);
  close(fd2);
  close(fd);
  CHECK(unlink("ptest.dat") == 0, "unlink");

  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat pipe");
  CHECK(isatty(1) && !isatty(p[0]), "isatty");
  int saved = dup(1);
  CHECK(dup2(p[1], 1) == 1, "dup2 onto stdout");
  write(1, "via-1", 5);
  dup2(saved, 1);
  close(saved);
  close(p[1]);
  char got[8] = { 0 };
  CHECK(read(p[0], got, sizeof(got)) == 5 && strcmp(got, "via-1") == 0, "pipe got %s", got);
  close(p[0]);

  CHECK(mkdir("ptestdir", 0755) == 0, "mkdir");
  CHECK(chdir("ptestdir") == 0, "chdir");
  FILE *f = fopen("inner", "w");
  CHECK(f, "fopen in dir");
  fclose(f);
  CHECK(chdir("..") == 0, "chdir ..");
  CHECK(unlink("ptestdir") < 0 && errno == ENOTEMPTY, "unlink full dir: errno %d", errno);
  CHECK(unlink("ptestdir/inner") == 0 && unlink("ptestdir") == 0, "cleanup");
  return 0;
}

// ---- processes ----------------------------------------------------------------------

static int
t_process(void)
{
  int parent = getpid();
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  pid_t pid = fork();
  CHECK(pid >= 0, "fork");
  if (pid == 0) {
    int pp = getppid();
    write(p[1], &pp, sizeof(pp));
    _exit(7);
  }
  int pp = 0, status = 0;
  read(p[0], &pp, sizeof(pp));
  close(p[0]);
  close(p[1]);
  CHECK(pp == parent, "getppid in child %d, parent is %d", pp, parent);
  CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %x", status);

  // waitpid for a given child while another exits first.
  pid_t a = fork();
  if (a == 0)
    _exit(1);
  pid_t b = fork();
  if (b == 0) {
    usleep(300000);
    _exit(2);
  }
  CHECK(waitpid(b, &status, WNOHANG) == 0, "WNOHANG on a running child is not 0");
  CHECK(waitpid(b, &status, 0) == b && WEXITSTATUS(status) == 2, "waitpid(b)");
  CHECK(waitpid(a, &status, 0) == a && WEXITSTATUS(status) == 1, "waitpid(a) later");

  // exec: execv by path, execvp by name (found in /).
  char *args[] = { "ptests", "--exit", "5", 0 };
  if ((pid = fork()) == 0) {
    execv("/ptests", args);
    _exit(100);
  }
  CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 5, "execv: %x", status);
  if ((pid = fork()) == 0) {
    chdir("/");
    mkdir("ptestexec", 0755);
    chdir("ptestexec");
    execvp("ptests", args);
    _exit(100);
  }
  CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 5, "execvp: %x", status);
  unlink("/ptestexec");
  CHECK(execv("/no-such-program", args) < 0 && errno == ENOENT, "execv missing: %d", errno);
  return 0;
}

// ---- time and math ------------------------------------------------------------------

static int
t_time(void)
{
  time_t t = time(NULL);
  CHECK(t > 1600000000, "time() = %ld: not wall-clock time", (long)t);
  struct tm *tm = gmtime(&t);
  CHECK(tm && tm->tm_year + 1900 >= 2020, "gmtime year %d", tm ? tm->tm_year + 1900 : -1);
  char buf[32];
  CHECK(strftime(buf, sizeof(buf), "%Y-%m-%d", tm) == 10, "strftime %s", buf);
  struct timeval tv;
  CHECK(gettimeofday(&tv, NULL) == 0 && (tv.tv_sec - t) >= 0 && (tv.tv_sec - t) < 3,
        "gettimeofday %ld vs time %ld", (long)tv.tv_sec, (long)t);
  CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);

  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_MONOTONIC, &b);
  CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec), "monotonic");
  CHECK(clock_gettime((clockid_t)99, &a) < 0 && errno == EINVAL, "bad clock: errno %d", errno);

  double t0 = now_s();
  struct timespec req = { 0, 30 * 1000 * 1000 };
  CHECK(nanosleep(&req, NULL) == 0, "nanosleep");
  double slept = now_s() - t0;
  CHECK(slept >= 0.030 && slept < 0.5, "nanosleep(30 ms) took %.4f s", slept);
  t0 = now_s();
  usleep(3000);
  slept = now_s() - t0;
  CHECK(slept >= 0.003 && slept < 0.5, "usleep(3 ms) took %.4f s", slept);
  t0 = now_s();
  sleep(1);
  slept = now_s() - t0;
  CHECK(slept >= 1.0 && slept < 3.0, "sleep(1) took %.3f s", slept);
  req.tv_nsec = 2000000000L;
  CHECK(nanosleep(&req, NULL) < 0 && errno == EINVAL, "bad nanosleep: errno %d", errno);
  CHECK(sched_yield() == 0, "sched_yield");
  CHECK(clock() >= 0, "clock");
  return 0;
}

static int
t_math(void)
{
  volatile double two = 2.0, six = 6.0;   // no constant folding: real FP instructions
  CHECK(fabs(sqrt(two) - 1.41421356237) < 1e-9, "sqrt %f", sqrt(two));
  CHECK(fabs(sin(M_PI / six) - 0.5) < 1e-12, "sin %f", sin(M_PI / six));
  CHECK(fabs(exp(log(10.0 * two / 2)) - 10.0) < 1e-12, "exp(log)");
  CHECK(pow(two, 10) == 1024.0, "pow");
  CHECK(floor(-2.5) == -3.0 && ceil(2.1) == 3.0 && round(2.5) == 3.0, "floor/ceil/round");
  CHECK(fabs(atan2(1.0, 1.0) * 4 - M_PI) < 1e-12, "atan2");
  volatile float x = 2.0f;
  CHECK(fabsf(sqrtf(x) - 1.4142135f) < 1e-6f, "sqrtf");
  CHECK(isnan(sqrt(-two)) && isinf(1.0 / (two - 2.0)), "nan/inf");
  double acc = 0;
  for (int i = 1; i <= 1000; i++)
    acc += 1.0 / ((double)i * i);
  CHECK(fabs(acc - M_PI * M_PI / 6) < 1e-3, "series %f", acc);
  char buf[32];
  snprintf(buf, sizeof(buf), "%.2f", acc);
  CHECK(strcmp(buf, "1.64") == 0, "%%.2f gave %s", buf);
  return 0;
}

static int
t_memory(void)
{
  char *p = malloc(1 << 20);
  CHECK(p, "malloc 1 MiB");
  memset(p, 0xab, 1 << 20);
  char *q = realloc(p, 2 << 20);
  CHECK(q && (unsigned char)q[(1 << 20) - 1] == 0xab, "realloc");
  free(q);
  int *z = calloc(1000, sizeof(int));
  CHECK(z && z[0] == 0 && z[999] == 0, "calloc");
  free(z);
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED, "mmap: errno %d", errno);
  CHECK(m[0] == 0 && m[8191] == 0, "mmap zero");
  strcpy(m, "mapped");
  CHECK(mprotect(m, 8192, PROT_READ) == 0, "mprotect");
  CHECK(munmap(m, 8192) == 0, "munmap");
  CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == EINVAL,
        "file mmap: errno %d", errno);
  void *brk0 = sbrk(0);
  CHECK(sbrk(4096) == brk0 && sbrk(-4096) != (void *)-1, "sbrk");
  return 0;
}

// ---- threads --------------------------------------------------------------------------

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long count;

static void *
add_many(void *arg)
{
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&count_lock);
    count++;
    pthread_mutex_unlock(&count_lock);
  }
  return arg;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void once_fn(void) { usleep(10000); once_runs++; }
static void *call_once(void *arg) { pthread_once(&once, once_fn); return 0; }
static void *join_self(void *arg) { return (void *)(long)pthread_join(pthread_self(), 0); }

static int
t_pthread(void)
{
  pthread_t t[8];
  count = 0;
  for (long i = 0; i < 8; i++)
    CHECK(pthread_create(&t[i], NULL, add_many, (void *)i) == 0, "create");
  for (long i = 0; i < 8; i++) {
    void *ret;
    CHECK(pthread_join(t[i], &ret) == 0 && ret == (void *)i, "join %ld", i);
  }
  CHECK(count == 8 * 2000, "count %ld", count);
  CHECK(pthread_equal(pthread_self(), pthread_self()), "equal");
  CHECK(pthread_create(&t[0], NULL, join_self, NULL) == 0, "create");
  void *ret;
  pthread_join(t[0], &ret);
  CHECK((long)ret == EDEADLK, "self join gave %ld, not EDEADLK", (long)ret);
  CHECK(!pthread_equal(t[0], pthread_self()), "not equal");

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  CHECK(pthread_create(&t[0], &attr, add_many, NULL) == 0, "detached create");
  CHECK(pthread_create(&t[1], NULL, add_many, NULL) == 0, "create");
  CHECK(pthread_detach(t[1]) == 0, "detach");
  CHECK(pthread_join(t[1], NULL) == EINVAL || pthread_join(t[1], NULL) == ESRCH, "join detached");
  while (1) {                              // both detached threads finish
    pthread_mutex_lock(&count_lock);
    long c = count;
    pthread_mutex_unlock(&count_lock);
    if (c == 10 * 2000)
      break;
    usleep(1000);
  }

  for (int i = 0; i < 6; i++)
    pthread_create(&t[i], NULL, call_once, NULL);
  for (int i = 0; i < 6; i++)
    pthread_join(t[i], NULL);
  CHECK(once_runs == 1, "once ran %d times", once_runs);

  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  CHECK(pthread_mutex_trylock(&m) == 0, "trylock free");
  CHECK(pthread_mutex_trylock(&m) == EBUSY, "trylock held");
  CHECK(pthread_mutex_destroy(&m) == EBUSY, "destroy held");
  pthread_mutex_unlock(&m);
  CHECK(pthread_mutex_destroy(&m) == 0, "destroy");
  pthread_spinlock_t s;
  pthread_spin_init(&s, 0);
  CHECK(pthread_spin_lock(&s) == 0 && pthread_spin_trylock(&s) == EBUSY, "spin");
  pthread_spin_unlock(&s);
  return 0;
}

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int q_items[4], q_len, q_sum;

static void *
producer(void *arg)
{
  for (int i = 1; i <= 500; i++) {
    pthread_mutex_lock(&q_lock);
    while (q_len == 4)
      pthread_cond_wait(&q_nonfull, &q_lock);
    q_items[q_len++] = i;
    pthread_cond_signal(&q_nonempty);
    pthread_mutex_unlock(&q_lock);
  }
  return 0;
}

static void *
consumer(void *arg)
{
  for (int i = 0; i < 500; i++) {
    pthread_mutex_lock(&q_lock);
    while (q_len == 0)
      pthread_cond_wait(&q_nonempty, &q_lock);
    q_sum += q_items[--q_len];
    pthread_cond_signal(&q_nonfull);
    pthread_mutex_unlock(&q_lock);
  }
  return 0;
}

static void
abstime_in(struct timespec *ts, long ms)
{
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_nsec += (ms % 1000) * 1000000;
  ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000;
  ts->tv_nsec %= 1000000000;
}

static int cond_flag;

static void *
set_flag_later(void *arg)
{
  usleep(30000);
  pthread_mutex_lock(&q_lock);
  cond_flag = 1;
  pthread_cond_signal(&q_nonempty);
  pthread_mutex_unlock(&q_lock);
  return 0;
}

static int
t_cond(void)
{
  pthread_t p[2], c[2];
  q_sum = q_len = 0;
  for (int i = 0; i < 2; i++) {
    pthread_create(&p[i], NULL, producer, NULL);
    pthread_create(&c[i], NULL, consumer, NULL);
  }
  for (int i = 0; i < 2; i++) {
    pthread_join(p[i], NULL);
    pthread_join(c[i], NULL);
  }
  CHECK(q_sum == 2 * 500 * 501 / 2, "sum %d", q_sum);

  struct timespec ts;
  abstime_in(&ts, 100);
  double t0 = now_s();
  pthread_mutex_lock(&q_lock);
  int r = pthread_cond_timedwait(&q_nonempty, &q_lock, &ts);
  int relocked = pthread_mutex_trylock(&q_lock) == EBUSY;
  pthread_mutex_unlock(&q_lock);
  double waited = now_s() - t0;
  CHECK(r == ETIMEDOUT, "timedwait gave %d, not ETIMEDOUT", r);
  CHECK(relocked, "timedwait returned without the mutex");
  CHECK(waited >= 0.09 && waited < 1.0, "timedwait(100 ms) took %.3f s", waited);

  pthread_t t;
  cond_flag = 0;
  pthread_create(&t, NULL, set_flag_later, NULL);
  abstime_in(&ts, 5000);
  t0 = now_s();
  pthread_mutex_lock(&q_lock);
  r = 0;
  while (!cond_flag && r == 0)
    r = pthread_cond_timedwait(&q_nonempty, &q_lock, &ts);
  pthread_mutex_unlock(&q_lock);
  pthread_join(t, NULL);
  CHECK(r == 0 && cond_flag && now_s() - t0 < 2.0, "signalled timedwait: %d", r);
  return 0;
}

#define BARRIER_THREADS 4
static pthread_barrier_t barrier;
static int phase_seen[BARRIER_THREADS];
static int barrier_bad, serial_count;

static void *
barrier_worker(void *arg)
{
  long id = (long)arg;
  for (int round = 0; round < 50; round++) {
    phase_seen[id] = round;
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
      __atomic_add_fetch(&serial_count, 1, __ATOMIC_RELAXED);
    for (int j = 0; j < BARRIER_THREADS; j++)
      if (phase_seen[j] < round)
        __atomic_add_fetch(&barrier_bad, 1, __ATOMIC_RELAXED);
    pthread_barrier_wait(&barrier);
  }
  return 0;
}

static int
t_barrier(void)
{
  pthread_t t[BARRIER_THREADS];
  CHECK(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS) == 0, "init");
  for (long i = 0; i < BARRIER_THREADS; i++)
    pthread_create(&t[i], NULL, barrier_worker, (void *)i);
  for (int i = 0; i < BARRIER_THREADS; i++)
    pthread_join(t[i], NULL);
  CHECK(barrier_bad == 0, "%d threads passed the barrier early", barrier_bad);
  CHECK(serial_count == 50, "%d serial threads, want 50", serial_count);
  CHECK(pthread_barrier_destroy(&barrier) == 0, "destroy");
  return 0;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b;           // writers keep them equal
static int rw_bad, readers_in, max_readers;

static void *
rw_worker(void *arg)
{
  long id = (long)arg;
  for (int i = 0; i < 300; i++) {
    if (id % 3 == 0) {
      pthread_rwlock_wrlock(&rw);
      rw_a++;
      sched_yield();
      rw_b++;
      pthread_rwlock_unlock(&rw);
    } else {
      pthread_rwlock_rdlock(&rw);
      int in = __atomic_add_fetch(&readers_in, 1, __ATOMIC_RELAXED);
      if (in > max_readers)
        max_readers = in;
      if (rw_a != rw_b)
        rw_bad++;
      if (i % 16 == 0)
        usleep(1000);
      __atomic_sub_fetch(&readers_in, 1, __ATOMIC_RELAXED);
      pthread_rwlock_unlock(&rw);
    }
  }
  return 0;
}

static int
t_rwlock(void)
{
  CHECK(pthread_rwlock_rdlock(&rw) == 0 && pthread_rwlock_tryrdlock(&rw) == 0, "two readers");
  CHECK(pthread_rwlock_trywrlock(&rw) == EBUSY, "writer while read-locked");
  pthread_rwlock_unlock(&rw);
  pthread_rwlock_unlock(&rw);
  CHECK(pthread_rwlock_trywrlock(&rw) == 0, "trywrlock free");
  CHECK(pthread_rwlock_tryrdlock(&rw) == EBUSY, "reader while write-locked");
  pthread_rwlock_unlock(&rw);

  pthread_t t[6];
  for (long i = 0; i < 6; i++)
    pthread_create(&t[i], NULL, rw_worker, (void *)i);
  for (int i = 0; i < 6; i++)
    pthread_join(t[i], NULL);
  CHECK(rw_bad == 0, "readers saw a half-done write %d times", rw_bad);
  CHECK(rw_a == 600 && rw_b == 600, "writes lost: %ld %ld", rw_a, rw_b);
  CHECK(max_readers >= 1, "no reader ran");
  CHECK(pthread_rwlock_destroy(&rw) == 0, "destroy");
  return 0;
}

static pthread_key_t key;
static int destroyed;

static void
destroy_value(void *v)
{
  __atomic_add_fetch(&destroyed, (int)(long)v, __ATOMIC_RELAXED);
}

static void *
key_worker(void *arg)
{
  if (pthread_getspecific(key) != NULL)
    return (void *)1;
  pthread_setspecific(key, arg);
  usleep(5000);
  return pthread_getspecific(key) == arg ? 0 : (void *)1;
}

static int
t_keys(void)
{
  CHECK(pthread_key_create(&key, destroy_value) == 0, "key_create");
  pthread_setspecific(key, (void *)1000);
  pthread_t t[5];
  for (long i = 0; i < 5; i++)
    pthread_create(&t[i], NULL, key_worker, (void *)(i + 1));
  int bad = 0;
  for (int i = 0; i < 5; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad += r != 0;
  }
  CHECK(bad == 0, "%d threads saw another's value", bad);
  CHECK(destroyed == 1 + 2 + 3 + 4 + 5, "destructors added %d, want 15", destroyed);
  CHECK(pthread_getspecific(key) == (void *)1000, "main's value changed");
  CHECK(pthread_key_delete(key) == 0, "key_delete");
  CHECK(pthread_setspecific(key, (void *)1) == EINVAL, "set on a deleted key");
  return 0;
}

static sem_t ping, pong, slots;
static int in_section, max_in_section;

static void *
ponger(void *arg)
{
  for (int i = 0; i < 200; i++) {
    sem_wait(&ping);
    sem_post(&pong);
  }
  return 0;
}

static void *
limited(void *arg)
{
  for (int i = 0; i < 20; i++) {
    sem_wait(&slots);
    int in = __atomic_add_fetch(&in_section, 1, __ATOMIC_SEQ_CST);
    int m;
    while (in > (m = __atomic_load_n(&max_in_section, __ATOMIC_SEQ_CST)) &&
           !__atomic_compare_exchange_n(&max_in_section, &m, in, 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
      ;
    sched_yield();
    __atomic_sub_fetch(&in_section, 1, __ATOMIC_SEQ_CST);
    sem_post(&slots);
  }
  return 0;
}

static int
t_sem(void)
{
  CHECK(sem_init(&ping, 0, 0) == 0 && sem_init(&pong, 0, 0) == 0, "init");
  pthread_t t;
  pthread_create(&t, NULL, ponger, NULL);
  for (int i = 0; i < 200; i++) {
    sem_post(&ping);
    sem_wait(&pong);
  }
  pthread_join(t, NULL);
  int v = -1;
  CHECK(sem_getvalue(&ping, &v) == 0 && v == 0, "value %d", v);
  errno = 0;
  CHECK(sem_trywait(&ping) == -1 && errno == EAGAIN, "trywait: errno %d", errno);
  sem_post(&ping);
  CHECK(sem_trywait(&ping) == 0, "trywait after post");

  struct timespec ts;
  abstime_in(&ts, 50);
  double t0 = now_s();
  CHECK(sem_timedwait(&ping, &ts) == -1 && errno == ETIMEDOUT, "timedwait: errno %d", errno);
  CHECK(now_s() - t0 >= 0.045, "timedwait returned early");

  sem_init(&slots, 0, 2);
  pthread_t w[5];
  for (int i = 0; i < 5; i++)
    pthread_create(&w[i], NULL, limited, NULL);
  for (int i = 0; i < 5; i++)
    pthread_join(w[i], NULL);
  CHECK(max_in_section <= 2 && max_in_section >= 1, "%d threads inside a 2-slot section",
        max_in_section);
  CHECK(sem_init(&slots, 1, 0) == -1, "pshared semaphores are not supported");
  sem_destroy(&ping);
  sem_destroy(&pong);
  return 0;
}

static void *
print_lines(void *arg)
{
  FILE *f = arg;
  for (int i = 0; i < 100; i++)
    fprintf(f, "thread %lx line %03d %.1f\n", (unsigned long)pthread_self() & 0xfff, i, i * 0.5);
  return 0;
}

static int
t_stdiothreads(void)
{
  FILE *f = fopen("ptest.thr", "w");
  CHECK(f, "fopen");
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, print_lines, f);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  fclose(f);
  f = fopen("ptest.thr", "r");
  char line[80];
  int n = 0, bad = 0;
  while (fgets(line, sizeof(line), f)) {
    unsigned long id;
    int k;
    float x;
    if (sscanf(line, "thread %lx line %d %f", &id, &k, &x) != 3 || x != k * 0.5f)
      bad++;
    n++;
  }
  fclose(f);
  unlink("ptest.thr");
  CHECK(n == 400 && bad == 0, "%d lines, %d garbled", n, bad);
  return 0;
}

static const struct test_case cases[] = {
  { "snprintf", t_snprintf }, { "fileio", t_fileio }, { "errno", t_errno },
  { "fds", t_fds }, { "process", t_process }, { "time", t_time },
  { "math", t_math }, { "memory", t_memory }, { "pthread", t_pthread },
  { "cond", t_cond }, { "barrier", t_barrier }, { "rwlock", t_rwlock },
  { "keys", t_keys }, { "sem", t_sem }, { "stdiothreads", t_stdiothreads },
};

int
main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "--exit") == 0)
    return atoi(argv[2]);
  return run_cases("ptests", "ptest", cases, sizeof(cases) / sizeof(cases[0]), why, argc, argv);
}
