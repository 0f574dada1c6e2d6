// montecarlo.c: estimate pi with threads -- an ordinary C program written
// for Linux (only standard headers, nothing of weft's), built unchanged in
// weft's POSIX flavour (docs/user.md). It uses stdio with %f, random(),
// gettimeofday, assert and a mutex.
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#define NTHREADS 4
#define NPOINTS  200000

static double xs[NPOINTS], ys[NPOINTS];
static long inside;                       // guarded by lock
static long counted;                      // guarded by lock
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *
count_slice(void *arg)
{
  long id = (long)arg;
  long lo = id * NPOINTS / NTHREADS, hi = (id + 1) * NPOINTS / NTHREADS;
  long mine = 0;
  for (long i = lo; i < hi; i++)
    if (xs[i] * xs[i] + ys[i] * ys[i] <= 1.0)
      mine++;
  pthread_mutex_lock(&lock);
  inside += mine;
  counted += hi - lo;
  pthread_mutex_unlock(&lock);
  return NULL;
}

static double
seconds_since(struct timeval *start)
{
  struct timeval now;
  gettimeofday(&now, NULL);
  return (now.tv_sec - start->tv_sec) + (now.tv_usec - start->tv_usec) / 1e6;
}

int
main(void)
{
  struct timeval start;
  pthread_t threads[NTHREADS];

  srandom(12345);
  for (long i = 0; i < NPOINTS; i++) {
    xs[i] = (double)random() / RAND_MAX;
    ys[i] = (double)random() / RAND_MAX;
  }
  gettimeofday(&start, NULL);
  for (long t = 0; t < NTHREADS; t++)
    assert(pthread_create(&threads[t], NULL, count_slice, (void *)t) == 0);
  for (long t = 0; t < NTHREADS; t++)
    assert(pthread_join(threads[t], NULL) == 0);

  double pi = 4.0 * inside / counted;
  assert(counted == NPOINTS);
  assert(pi > 3.10 && pi < 3.18);
  printf("pi is about %f (%ld of %d points inside), %d threads, %.3f s\n",
         pi, inside, NPOINTS, NTHREADS, seconds_since(&start));
  printf("montecarlo: ok\n");
  return 0;
}
