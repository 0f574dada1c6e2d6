// hashtable.c: a hash table shared by threads, one mutex per bucket, so
// threads inserting into different buckets do not wait for each other.
// Each of T threads inserts its share of K keys and then looks all of its
// keys up; the run is timed for T = 1..4 and the speedup printed. With one
// lock for the whole table (argument "global") the threads serialise and
// the speedup stays near 1. Each figure is the best of three runs.
// usage: hashtable [global]
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define NBUCKETS 512
#define NKEYS    40000

struct entry {
  long key;
  double value;
  struct entry *next;
};

static struct entry *buckets[NBUCKETS];
static pthread_mutex_t locks[NBUCKETS];
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static int use_global;
static int nthreads;

static pthread_mutex_t *
lock_for(long key)
{
  return use_global ? &global_lock : &locks[key % NBUCKETS];
}

static void
insert(long key, double value, struct entry *e)
{
  e->key = key;
  e->value = value;
  pthread_mutex_t *m = lock_for(key);
  pthread_mutex_lock(m);
  e->next = buckets[key % NBUCKETS];
  buckets[key % NBUCKETS] = e;
  pthread_mutex_unlock(m);
}

static int
lookup(long key, double *value)
{
  int found = 0;
  pthread_mutex_t *m = lock_for(key);
  pthread_mutex_lock(m);
  for (struct entry *e = buckets[key % NBUCKETS]; e; e = e->next)
    if (e->key == key) {
      *value = e->value;
      found = 1;
      break;
    }
  pthread_mutex_unlock(m);
  return found;
}

static struct entry *pool;

static void *
worker(void *arg)
{
  long id = (long)arg;
  long missing = 0;
  for (long k = id; k < NKEYS; k += nthreads)
    insert(k, k * 1.5, &pool[k]);
  for (long k = id; k < NKEYS; k += nthreads) {
    double v;
    if (!lookup(k, &v) || v != k * 1.5)
      missing++;
  }
  return (void *)missing;
}

static double
now(void)
{
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
  use_global = argc > 1 && strcmp(argv[1], "global") == 0;
  pool = malloc(NKEYS * sizeof(struct entry));
  if (!pool)
    return 1;
  for (int i = 0; i < NBUCKETS; i++)
    pthread_mutex_init(&locks[i], NULL);
  memset(pool, 0, NKEYS * sizeof(struct entry));   // fault the pages in first
  double one = 0;
  for (nthreads = 1; nthreads <= 4; nthreads++) {
    long missing = 0;
    double s = 1e9;
    for (int run = 0; run < 3; run++) {
      memset(buckets, 0, sizeof(buckets));
      pthread_t t[4];
      double start = now();
      for (long i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
      for (int i = 0; i < nthreads; i++) {
        void *r;
        pthread_join(t[i], &r);
        missing += (long)r;
      }
      if (now() - start < s)
        s = now() - start;
    }
    if (nthreads == 1)
      one = s;
    if (missing) {
      printf("hashtable: %ld keys lost with %d threads\n", missing, nthreads);
      return 1;
    }
    printf("hashtable (%s): %d thread%s %.3f s, speedup %.2f\n",
           use_global ? "one lock" : "lock per bucket", nthreads,
           nthreads == 1 ? " " : "s", s, one / s);
  }
  return 0;
}
