// ut/fslimits.c: usertests on the file system at its resource limits and
// under races that once corrupted it: a buffer cache too small for its
// readers and writers, files created in a directory being removed, a full
// in-memory inode table, and the console given a bad pointer. (LINK_MAX is
// tested from the host on a prepared image, tests/test_fsck.py: 32767 real
// links take too long.) Each test runs in a child of the runner, in /, and
// removes what it made (see the note at the top of ut/fs.c).
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/ut/ut.h"

// Wait for n children; return how many did not exit 0.
static int
reap(int n)
{
  int bad = 0;
  for(int i = 0; i < n; i++){
    int st = -1;
    if(wait(&st) < 0 || st != 0)
      bad++;
  }
  return bad;
}

// Fork a child that runs prepare(arg) (if given: exit 1 if it fails), then
// blocks until every copy of the write end of gate[] is closed (the
// parent's close releases all such children at once), then runs fn(arg)
// and exits with its result.
static int
start_prepared(int gate[2], int (*prepare)(int), int (*fn)(int), int arg)
{
  int pid = fork();
  if(pid == 0){
    char c;
    if(prepare && prepare(arg) < 0)
      exit(1);
    close(gate[1]);
    read(gate[0], &c, 1);
    close(gate[0]);
    exit(fn(arg));
  }
  return pid;
}

static int
start_gated(int gate[2], int (*fn)(int), int arg)
{
  return start_prepared(gate, 0, fn, arg);
}

// ------------------------------------------------------------ buffer cache

// Each reader reads a file of its own (readers of one file queue on its
// inode lock and hold few buffers); NINODE bounds how many files.
enum { BC_FILES = 36, BC_BLOCKS = 16, BC_READERS = 45, BC_WRITERS = 3 };

// The reader's descriptor, opened before the gate: open and close would
// queue the readers behind the writers in begin_op.
static int bc_fd;

static int
bc_open_file(int i)
{
  char name[8];
  return bc_fd = open(mkname(name, "bcf", i % BC_FILES), O_RDONLY);
}

// Block b of file f says which one it is in its first word.
static int
bc_reader(int i)
{
  static char blk[BSIZE];
  for(int b = 0; b < BC_BLOCKS; b++)
    if(read(bc_fd, blk, BSIZE) != BSIZE || ((int *)blk)[0] != (i % BC_FILES) * 1000 + b)
      return 2;
  return 0;
}

// Writers rewrite files of their own in large writes, so that the log
// fills with pinned blocks from overlapping transactions.
static int
bc_writer(int i)
{
  char name[8];
  for(int round = 0; round < 2; round++){
    int fd = open(mkname(name, "bcw", i), O_CREATE | O_TRUNC | O_RDWR);
    if(fd < 0)
      return 3;
    for(int k = 0; k < 4; k++){
      memset(buf, k, sizeof(buf));
      if(write(fd, buf, sizeof(buf)) != sizeof(buf))
        return 4;
    }
    close(fd);
  }
  return 0;
}

// 45 readers and 3 writers released at once: far more buffers wanted than
// the cache holds. Callers must wait for a buffer, not panic the kernel.
void
t_bcachestress(void)
{
  char name[8];
  int gate[2];

  for(int f = 0; f < BC_FILES; f++){
    int fd = open(mkname(name, "bcf", f), O_CREATE | O_RDWR);
    CHECK(fd >= 0, "create %s failed", name);
    memset(buf, 0, sizeof(buf));
    for(int b = 0; b < BC_BLOCKS; b += sizeof(buf) / BSIZE){
      for(int k = 0; k < sizeof(buf) / BSIZE; k++)
        ((int *)(buf + k * BSIZE))[0] = f * 1000 + b + k;
      CHECK(write(fd, buf, sizeof(buf)) == sizeof(buf), "writing %s failed", name);
    }
    close(fd);
  }
  CHECK(pipe(gate) == 0, "pipe failed");
  int started = 0;
  for(int i = 0; i < BC_READERS + BC_WRITERS; i++){
    int pid = i < BC_READERS ? start_prepared(gate, bc_open_file, bc_reader, i)
                             : start_gated(gate, bc_writer, i - BC_READERS);
    CHECK(pid >= 0 || started >= 30, "only %d children could be forked", started);
    started += pid >= 0;
  }
  close(gate[0]);
  close(gate[1]);
  int bad = reap(started);
  for(int f = 0; f < BC_FILES; f++)
    unlink(mkname(name, "bcf", f));
  for(int i = 0; i < BC_WRITERS; i++)
    unlink(mkname(name, "bcw", i));
  CHECK(bad == 0, "%d of %d readers and writers failed", bad, started);
}

// ------------------------------------------------- create while rmdir

// A directory that has been removed takes no new names: creating or linking
// into it would leave an inode allocated, nlink 1, reachable from nowhere.
// A process whose cwd is the removed directory reaches it most simply; a
// creator racing rmdir reaches it the same way through a path it walked
// before the removal (tests/test_fsck.py runs that race).
void
t_rmdircreate(void)
{
  struct stat st;
  int fd = open("rcf", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && close(fd) == 0, "create rcf failed");
  CHECK(mkdir("rcd") == 0 && chdir("rcd") == 0, "mkdir/chdir rcd failed");
  CHECK(unlink("../rcd") == 0, "removing the (empty) cwd rcd failed");
  fd = open("f", O_CREATE | O_RDWR);
  if(fd >= 0){
    fstat(fd, &st);
    CHECK(0, "create in a removed directory returned fd %d (inode %d, nlink %d), "
          "expected -1", fd, (int)st.ino, st.nlink);
  }
  CHECK(mkdir("d") == -1, "mkdir in a removed directory: expected -1");
  CHECK(mknod("n", 1, 1) == -1, "mknod in a removed directory: expected -1");
  CHECK(link("/rcf", "l") == -1, "link into a removed directory: expected -1");
  CHECK(stat("/rcf", &st) == 0 && st.nlink == 1, "/rcf has nlink %d, expected 1", st.nlink);
  CHECK(open(".", O_RDONLY) >= 0, "the removed cwd cannot be opened for reading");
  CHECK(chdir("/") == 0 && unlink("rcf") == 0, "cleanup failed");
}

// ------------------------------------------- inodes freed while allocated

enum { RR_CHILDREN = 4, RR_TICKS = 300 };

// How many more inodes can be allocated now: create rri/0, rri/1, ...
// until create fails, then remove them all.
static int
free_inodes(void)
{
  char name[16];
  int n = 0, fd;
  CHECK(mkdir("rri") == 0, "mkdir(rri) failed");
  while((fd = open(mkname(name, "rri/", n), O_CREATE | O_RDWR)) >= 0){
    close(fd);
    n++;
  }
  for(int i = 0; i < n; i++)
    CHECK(unlink(mkname(name, "rri/", i)) == 0, "unlink %s failed", name);
  CHECK(unlink("rri") == 0, "unlink(rri) failed");
  return n + 1;   // rri itself
}

// One racer: stand in a directory of its own that has been removed, and
// create there until the time is up. Every create allocates an inode and,
// when the name is refused, frees it at once, so the racers keep freeing
// and reallocating the same few inode numbers.
static int
rr_racer(int k)
{
  char dir[16];
  mkname(dir, "rrd", k);
  if(mkdir(dir) < 0 || chdir(dir) < 0 || unlink(mkname(dir, "../rrd", k)) < 0)
    return 1;
  int end = uptime() + RR_TICKS;
  while(uptime() < end)
    if(open("x", O_CREATE | O_RDWR) >= 0 || mkdir("y") == 0)
      return 1;
  return 0;
}

// An inode number freed by one iput must not be handed out while that iput
// still holds the table entry: the new owner then saw two references at
// its own last iput, left the reclaim to the other, and the other had
// already finished -- an inode allocated with nlink 0, lost for good.
void
t_reclaimrace(void)
{
  int gate[2];
  int before = free_inodes();
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int k = 0; k < RR_CHILDREN; k++)
    CHECK(start_gated(gate, rr_racer, k) > 0, "fork failed");
  close(gate[0]);
  close(gate[1]);
  CHECK(reap(RR_CHILDREN) == 0, "a racer's create in a removed directory succeeded");
  int after = free_inodes();
  CHECK(after == before, "%d inodes lost: %d could be allocated before the race, %d after",
        before - after, before, after);
}

// ---------------------------------------------------- full inode table

enum { IT_FILES = NINODE + 10 };

// Open files f<first>.. until the fd table or the inode table is full;
// tell the parent how many on ready[1], then hold them until release[]
// closes.
static void
it_holder(int first, int ready[2], int release[2])
{
  char name[16];
  uchar n = 0;
  close(release[1]);
  close(ready[0]);
  while(first + n < IT_FILES && open(mkname(name, "f", first + n), O_RDONLY) >= 0)
    n++;
  write(ready[1], &n, 1);
  read(release[0], &n, 1);
  exit(0);
}

// Entries named name in directory dir.
static int
entries_named(char *dir, char *name)
{
  struct dirent de;
  int n = 0;
  int fd = open(dir, O_RDONLY);
  CHECK(fd >= 0, "open(%s) failed", dir);
  while(read(fd, &de, sizeof(de)) == sizeof(de))
    if(de.inum != 0 && strcmp(de.name, name) == 0)
      n++;
  close(fd);
  return n;
}

// With every in-memory inode in use, an existing name must not look absent:
// link over it, create it, unlink it, all fail and leave one entry.
void
t_itablefull(void)
{
  char name[16];
  int ready[2], release[2];
  CHECK(mkdir("itd") == 0, "mkdir(itd) failed");
  for(int i = 0; i < IT_FILES; i++){
    int fd = open(mkname(name, "itd/f", i), O_CREATE | O_RDWR);
    CHECK(fd >= 0, "create %s failed", name);
    close(fd);
  }
  int fd = open("itd/old", O_CREATE | O_RDWR);   // we hold it: link can find it
  CHECK(fd >= 0, "create itd/old failed");
  CHECK(chdir("itd") == 0, "chdir(itd) failed");
  fd = open("victim", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && close(fd) == 0, "create victim failed");
  CHECK(pipe(ready) == 0 && pipe(release) == 0, "pipe failed");
  int holders = 0, held = 0, full = 0;
  while(!full && held < IT_FILES && holders < 10){
    int pid = fork();
    CHECK(pid >= 0, "fork failed");
    if(pid == 0)
      it_holder(held, ready, release);
    holders++;
    uchar n;
    CHECK(read(ready[0], &n, 1) == 1, "holder %d did not report", holders);
    held += n;
    // Full when a name not cached yet cannot be opened.
    int vfd = open("victim", O_RDONLY);
    full = vfd < 0;
    if(vfd >= 0)
      close(vfd);
  }
  int linked = link("old", "victim");
  int created = open("victim", O_CREATE | O_RDWR);
  int unlinked = unlink("victim");
  close(release[1]);
  close(release[0]);
  CHECK(reap(holders) == 0, "an inode holder failed");
  CHECK(full, "the inode table did not fill (NINODE %d, %d files held)", NINODE, held);
  int copies = entries_named(".", "victim");
  struct stat st;
  CHECK(copies == 1, "after link over victim with a full inode table: %d entries named victim,"
        " expected 1", copies);
  CHECK(linked == -1, "link over an existing name with a full inode table returned %d, "
        "expected -1", linked);
  CHECK(created == -1 && unlinked == -1, "open(O_CREATE) %d / unlink %d with a full inode "
        "table: expected -1 each", created, unlinked);
  CHECK(stat("old", &st) == 0 && st.nlink == 1, "old has nlink %d, expected 1", st.nlink);
  for(int i = 0; i < IT_FILES; i++)
    CHECK(unlink(mkname(name, "f", i)) == 0, "unlink(%s) failed", name);
  CHECK(unlink("old") == 0 && unlink("victim") == 0, "cleanup in itd failed");
  CHECK(chdir("..") == 0 && unlink("itd") == 0, "rmdir itd failed");
}

// ------------------------------------------------------------- console

// The console refuses a bad buffer like any file does.
void
t_consolebad(void)
{
  char *unmapped = last_heap_page() + PGSIZE;
  char *bad[] = { unmapped, (char *)0x80000000L, (char *)0x1000000000L, (char *)-4096L };
  for(int i = 0; i < 4; i++){
    int r = write(1, bad[i], 10);
    CHECK(r == -1, "write(console, %p, 10) returned %d, expected -1", bad[i], r);
  }
  CHECK(write(1, "", 0) == 0, "write of 0 bytes to the console: expected 0");
}
