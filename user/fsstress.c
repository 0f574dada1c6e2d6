// fsstress.c: hammer the file system from many processes for a while.
//
//   usage: fsstress [SECONDS]      (default 30)
//
// In a fresh directory /fss it starts, all at once: NREADERS readers that
// read files of their own and check every block's tag; NWRITERS writers
// that rewrite their files in large writes and read them back; one remover
// that makes and removes directory fss/d over and over, while NCREATORS
// creators create and link names inside fss/d (create-while-rmdir: some
// by full path, some from inside it as their cwd); and
// NLINKERS linkers that link, unlink and create a few shared names. It runs
// until SECONDS have passed, prints what each kind did, removes everything
// and exits 0 if no check failed. The checks inside only see wrong data and
// failed cleanups; whether the image stayed consistent is for the offline
// checker (mkfs/fsck, run by tests/test_fsck.py and `make fsstress`).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

enum { NREADERS = 40, NRFILES = 20, RBLOCKS = 32, NWRITERS = 3, NCREATORS = 3, NLINKERS = 2 };
enum { READER, WRITER, REMOVER, CREATOR, LINKER, NKINDS };
static char *kind_name[NKINDS] = { "reader", "writer", "remover", "creator", "linker" };

// What one worker sends back on the result pipe.
struct tally {
  int kind;
  int ops;        // operations that succeeded
  int refused;    // operations that failed as they may under the race
  int errors;     // checks that failed: wrong data, a name that should exist
};

static char blk[8192];
static int deadline;

static char *
name_of(char *dst, char *prefix, int n)
{
  char digits[12];
  int k = 0;
  strcpy(dst, prefix);
  do { digits[k++] = '0' + n % 10; n /= 10; } while (n > 0);
  char *end = dst + strlen(dst);
  while (k > 0)
    *end++ = digits[--k];
  *end = 0;
  return dst;
}

static int
time_left(void)
{
  return uptime() < deadline;
}

static void
reader(int i, struct tally *t)
{
  char name[16];
  int f = i % NRFILES;
  name_of(name, "fss/r", f);
  while (time_left()) {
    int fd = open(name, O_RDONLY);
    if (fd < 0) {
      t->refused++;               // e.g. the inode table is full
      continue;
    }
    for (int b = 0; b < RBLOCKS; b++)
      if (read(fd, blk, BSIZE) != BSIZE || ((int *)blk)[0] != f * 1000 + b)
        t->errors++;
    close(fd);
    t->ops++;
  }
}

static void
writer(int i, struct tally *t)
{
  char name[16];
  name_of(name, "fss/w", i);
  for (int round = 0; time_left(); round++) {
    int fd = open(name, O_CREATE | O_TRUNC | O_RDWR);
    if (fd < 0) {
      t->refused++;
      continue;
    }
    memset(blk, round, sizeof(blk));
    for (int k = 0; k < 3; k++)
      if (write(fd, blk, sizeof(blk)) != sizeof(blk))
        t->errors++;
    close(fd);
    fd = open(name, O_RDONLY);
    if (fd < 0 || read(fd, blk, 100) != 100 || blk[99] != (char)round)
      t->errors++;
    close(fd);
    t->ops++;
  }
}

// Empty fss/d of whatever the creators left there.
static void
empty_d(void)
{
  char name[16];
  for (int c = 0; c < NCREATORS; c++) {
    unlink(name_of(name, "fss/d/f", c));
    unlink(name_of(name, "fss/d/l", c));
  }
}

static void
remover(int unused, struct tally *t)
{
  while (time_left()) {
    mkdir("fss/d");
    if (unlink("fss/d") == 0) {
      t->ops++;
      continue;
    }
    t->refused++;
    empty_d();
  }
}

// Create fss/d/fC, link fss/d/lC to it, remove both, over and over. Odd
// creators stand in fss/d (their cwd) and use short names, so the remover
// often removes the directory they are in; even ones use full paths and
// race the removal through the path walk.
static void
creator(int c, struct tally *t)
{
  char f[16], l[16];
  int in_d = c & 1;
  name_of(f, in_d ? "f" : "/fss/d/f", c);
  name_of(l, in_d ? "l" : "/fss/d/l", c);
  while (time_left()) {
    if (in_d && chdir("/fss/d") < 0) {
      t->refused++;
      continue;
    }
    int fd = open(f, O_CREATE | O_RDWR);
    if (fd < 0) {
      t->refused++;
      continue;
    }
    write(fd, f, 8);
    close(fd);
    t->ops++;
    if (link(f, l) == 0)
      t->ops++;
    else
      t->refused++;
    unlink(l);
    unlink(f);
  }
}

static void
linker(int i, struct tally *t)
{
  char a[16], b[16];
  uint seed = i * 7919 + 13;
  while (time_left()) {
    seed = seed * 1103515245 + 12345;
    uint r = seed >> 8;
    name_of(a, "fss/n", r % 6);
    name_of(b, "fss/n", (r / 6) % 6);
    int fd, ok;
    switch ((r / 36) % 3) {
    case 0:
      ok = (fd = open(a, O_CREATE | O_RDWR)) >= 0;
      if (ok)
        close(fd);
      break;
    case 1:
      ok = link(a, b) == 0;
      break;
    default:
      ok = unlink(a) == 0;
      break;
    }
    if (ok)
      t->ops++;
    else
      t->refused++;
  }
}

static void (*work[NKINDS])(int, struct tally *) = { reader, writer, remover, creator, linker };
static int count[NKINDS] = { NREADERS, NWRITERS, 1, NCREATORS, NLINKERS };

static int
setup(void)
{
  char name[16];
  if (mkdir("fss") < 0) {
    printf("fsstress: cannot make /fss (left from an earlier run?)\n");
    return -1;
  }
  for (int f = 0; f < NRFILES; f++) {
    int fd = open(name_of(name, "fss/r", f), O_CREATE | O_RDWR);
    if (fd < 0)
      return -1;
    memset(blk, 0, sizeof(blk));
    for (int b = 0; b < RBLOCKS; b += sizeof(blk) / BSIZE) {
      for (int k = 0; k < sizeof(blk) / BSIZE; k++)
        ((int *)(blk + k * BSIZE))[0] = f * 1000 + b + k;
      if (write(fd, blk, sizeof(blk)) != sizeof(blk))
        return -1;
    }
    close(fd);
  }
  return 0;
}

// Remove everything; a name that will not go is an error.
static int
cleanup(void)
{
  char name[16];
  int bad = 0;
  for (int f = 0; f < NRFILES; f++)
    bad += unlink(name_of(name, "fss/r", f)) < 0;
  for (int i = 0; i < NWRITERS; i++)
    unlink(name_of(name, "fss/w", i));
  for (int i = 0; i < 6; i++)
    unlink(name_of(name, "fss/n", i));
  empty_d();
  unlink("fss/d");
  bad += unlink("fss") < 0;
  return bad;
}

int
main(int argc, char *argv[])
{
  int seconds = argc > 1 ? atoi(argv[1]) : 30;
  int results[2];
  struct tally sum[NKINDS];

  if (seconds <= 0 || setup() < 0 || pipe(results) < 0) {
    printf("fsstress: setup failed\n");
    exit(1);
  }
  printf("fsstress: %d s, %d readers, %d writers, 1 remover, %d creators, %d linkers\n",
         seconds, NREADERS, NWRITERS, NCREATORS, NLINKERS);
  int start = uptime();
  deadline = start + seconds * 100;
  int started = 0;
  for (int k = 0; k < NKINDS; k++)
    for (int i = 0; i < count[k]; i++) {
      int pid = fork();
      if (pid == 0) {
        struct tally t = { k, 0, 0, 0 };
        close(results[0]);
        work[k](i, &t);
        write(results[1], &t, sizeof(t));
        exit(0);
      }
      started += pid > 0;
    }
  close(results[1]);
  memset(sum, 0, sizeof(sum));
  struct tally t;
  int reports = 0;
  while (read(results[0], &t, sizeof(t)) == sizeof(t)) {
    if (t.kind >= 0 && t.kind < NKINDS) {
      sum[t.kind].ops += t.ops;
      sum[t.kind].refused += t.refused;
      sum[t.kind].errors += t.errors;
    }
    reports++;
  }
  for (int i = 0; i < started; i++)
    wait(0);
  int errors = cleanup();
  if (errors)
    printf("fsstress: %d names could not be removed\n", errors);
  for (int k = 0; k < NKINDS; k++) {
    printf("fsstress: %s: %d ops, %d refused, %d errors\n", kind_name[k],
           sum[k].ops, sum[k].refused, sum[k].errors);
    errors += sum[k].errors;
  }
  if (reports != started)
    errors++;
  printf("fsstress: %d workers (%d reported) ran %d ticks: %s\n", started, reports,
         uptime() - start, errors ? "FAILED" : "OK");
  exit(errors ? 1 : 0);
}
