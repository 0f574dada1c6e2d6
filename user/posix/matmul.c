// matmul.c: multiply two N x N matrices of doubles with 1, 2, 3 and 4
// threads and print how long each took and the speedup over one thread.
// Each thread computes a band of rows of C = A * B: no locks, no sharing
// of what is written -- the threads only read A and B together. The speedup
// is bounded by the harts QEMU was given (CPUS); each figure is the best
// of three runs, after one untimed run that faults the pages in.
// usage: matmul [N]
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static int n = 150;
static double *a, *b, *c;

struct band {
  int lo, hi;
};

static void *
multiply(void *arg)
{
  struct band *band = arg;
  for (int i = band->lo; i < band->hi; i++)
    for (int j = 0; j < n; j++) {
      double sum = 0;
      for (int k = 0; k < n; k++)
        sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  return NULL;
}

static double
now(void)
{
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

static double
run(int nthreads)
{
  pthread_t t[8];
  struct band bands[8];
  double start = now();
  for (int i = 0; i < nthreads; i++) {
    bands[i].lo = i * n / nthreads;
    bands[i].hi = (i + 1) * n / nthreads;
    pthread_create(&t[i], NULL, multiply, &bands[i]);
  }
  for (int i = 0; i < nthreads; i++)
    pthread_join(t[i], NULL);
  return now() - start;
}

int
main(int argc, char **argv)
{
  if (argc > 1)
    n = atoi(argv[1]);
  if (n < 1 || n > 400) {
    fprintf(stderr, "usage: matmul [N], 1 <= N <= 400\n");
    return 1;
  }
  a = malloc(n * n * sizeof(double));
  b = malloc(n * n * sizeof(double));
  c = malloc(n * n * sizeof(double));
  if (!a || !b || !c) {
    fprintf(stderr, "matmul: out of memory\n");
    return 1;
  }
  for (int i = 0; i < n * n; i++) {
    a[i] = (i % 7) * 0.5;
    b[i] = (i % 5) * 0.25;
  }
  run(1);                               // fault everything in first
  double one = 0;
  for (int threads = 1; threads <= 4; threads++) {
    double s = run(threads);
    for (int again = 0; again < 2; again++) {
      double s2 = run(threads);
      if (s2 < s)
        s = s2;
    }
    if (threads == 1)
      one = s;
    // Check one entry against a direct computation.
    double want = 0;
    for (int k = 0; k < n; k++)
      want += a[(n / 2) * n + k] * b[k * n + n / 3];
    if (c[(n / 2) * n + n / 3] != want) {
      printf("matmul: wrong result with %d threads\n", threads);
      return 1;
    }
    printf("matmul %dx%d: %d thread%s %.3f s, speedup %.2f\n", n, n, threads,
           threads == 1 ? " " : "s", s, one / s);
  }
  return 0;
}
