// stressfs.c: exercise the file system from several processes at once.
// Each of NWORKERS children writes its own file (stressfsN) of NBLOCKS
// blocks filled with a per-worker byte, reads it back and checks every
// byte, then removes it. The parent waits for all of them and reports.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define NWORKERS 4
#define NBLOCKS  20
#define BLOCK    512

static char block[BLOCK];

static void
file_name(char *name, int worker)
{
  strcpy(name, "stressfs0");
  name[8] = '0' + worker;
}

static int
write_file(const char *name, char fill)
{
  int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return -1;
  memset(block, fill, sizeof(block));
  for (int i = 0; i < NBLOCKS; i++) {
    if (write(fd, block, sizeof(block)) != sizeof(block)) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return 0;
}

static int
verify_file(const char *name, char fill)
{
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int total = 0, got;
  while ((got = read(fd, block, sizeof(block))) > 0) {
    for (int i = 0; i < got; i++) {
      if (block[i] != fill) {
        close(fd);
        return -1;
      }
    }
    total += got;
  }
  close(fd);
  return total == NBLOCKS * BLOCK ? 0 : -1;
}

static void __attribute__((noreturn))
worker(int id)
{
  char name[16];
  char fill = 'a' + id;

  file_name(name, id);
  if (write_file(name, fill) < 0) {
    printf("stressfs: worker %d: write %s failed\n", id, name);
    exit(1);
  }
  if (verify_file(name, fill) < 0) {
    printf("stressfs: worker %d: %s read back wrong\n", id, name);
    exit(1);
  }
  unlink(name);
  exit(0);
}

int
main(void)
{
  printf("stressfs starting\n");
  int started = 0;
  for (int i = 0; i < NWORKERS; i++) {
    int pid = fork();
    if (pid == 0)
      worker(i);
    if (pid > 0)
      started++;
  }

  int failures = NWORKERS - started;
  for (int i = 0; i < started; i++) {
    int status;
    if (wait(&status) < 0 || status != 0)
      failures++;
  }
  if (failures) {
    printf("stressfs: %d workers failed\n", failures);
    exit(1);
  }
  printf("stressfs ok\n");
  exit(0);
}
