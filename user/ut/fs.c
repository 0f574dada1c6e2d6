// ut/fs.c: usertests on pipes, file descriptors and the file system:
// pipe data and end-of-file, the per-process fd limit, shared offsets,
// unlink of open files, big files and directories, concurrent creates and
// links, directories, a full disk and running out of inodes.
// Each test runs in a child of the runner (user/usertests.c), in /, and must
// remove every file and directory it made, also when it fails half-way where
// the cleanup is cheap: a later run of the suite reuses the names.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/ut/ut.h"


// dst = prefix followed by n in decimal; returns dst. (Shared: ut.h.)
char *
mkname(char *dst, char *prefix, int n)
{
  char digits[12];
  int k = 0;
  strcpy(dst, prefix);
  do { digits[k++] = '0' + n % 10; n /= 10; } while(n > 0);
  char *end = dst + strlen(dst);
  while(k > 0)
    *end++ = digits[--k];
  *end = 0;
  return dst;
}

// ------------------------------------------------------------------- pipes

static uchar
pipe_byte(int i)
{
  return (uchar)(i * 13 + (i >> 8));
}

void
t_pipedata(void)
{
  enum { TOTAL = 7000 };
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(p[0]);
    for(int sent = 0; sent < TOTAL; ){
      int n = TOTAL - sent < 97 ? TOTAL - sent : 97;
      for(int k = 0; k < n; k++)
        buf[k] = pipe_byte(sent + k);
      if(write(p[1], buf, n) != n)
        exit(2);
      sent += n;
    }
    exit(0);
  }
  close(p[1]);
  int got = 0, chunk = 1, n;
  uint sum = 0, want = 0;
  while((n = read(p[0], buf, chunk)) > 0){
    for(int k = 0; k < n; k++){
      CHECK((uchar)buf[k] == pipe_byte(got + k), "pipe byte %d: got %d, expected %d",
            got + k, (uchar)buf[k], pipe_byte(got + k));
      sum += (uchar)buf[k];
    }
    got += n;
    chunk = chunk * 3 + 1 > 1500 ? 1 : chunk * 3 + 1;
  }
  for(int i = 0; i < TOTAL; i++)
    want += pipe_byte(i);
  CHECK(got == TOTAL && sum == want, "pipe carried %d bytes (checksum %d), expected %d (%d)",
        got, sum, TOTAL, want);
  int st = 0;
  CHECK(wait(&st) == pid && st == 0, "pipe writer ended with status %d", st);
  close(p[0]);
}

void
t_pipeclose(void)
{
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  close(p[1]);
  CHECK(read(p[0], buf, 10) == 0, "read with no writers left: expected 0");
  close(p[0]);

  CHECK(pipe(p) == 0, "pipe failed");
  close(p[0]);
  CHECK(write(p[1], "x", 1) == -1, "write to a pipe with no reader: expected -1");
  close(p[1]);

  // The writer end closes when a child that held it exits.
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  if(pid == 0){
    write(p[1], "hi", 2);
    exit(0);
  }
  close(p[1]);
  CHECK(wait(0) == pid, "wait failed");
  CHECK(read(p[0], buf, 10) == 2, "data from an exited writer was lost");
  CHECK(read(p[0], buf, 10) == 0, "read after the writer exited: expected 0");
  close(p[0]);

  // A writer blocked on a full pipe wakes with an error when the reader goes.
  CHECK(pipe(p) == 0, "pipe failed");
  pid = fork();
  if(pid == 0){
    close(p[0]);
    int n = write(p[1], buf, 8000);
    exit(n < 8000 ? 0 : 2);
  }
  close(p[1]);
  CHECK(read(p[0], buf, 10) > 0, "read from the blocked writer failed");
  sleep(1);
  close(p[0]);
  int st = 0;
  wait(&st);
  CHECK(st == 0, "writer to a closed pipe: status %d (2: it wrote everything)", st);
}

// ------------------------------------------------------ file descriptors

void
t_fdlimit(void)
{
  int fd = open("fdl", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(fdl) failed");
  int n = 1, last = fd, fds[NOFILE];
  fds[0] = fd;
  while((fd = open("fdl", O_RDONLY)) >= 0){
    CHECK(fd < NOFILE && fd > last, "open returned fd %d after %d", fd, last);
    fds[n++] = last = fd;
  }
  CHECK(last == NOFILE - 1, "opens stopped at fd %d, expected %d (NOFILE-1)", last, NOFILE - 1);
  CHECK(dup(fds[0]) < 0, "dup with a full table: expected -1");
  int p[2];
  CHECK(pipe(p) < 0, "pipe with a full table: expected -1");
  close(fds[n - 1]);
  CHECK(pipe(p) < 0, "pipe with one free slot: expected -1");
  CHECK(open("fdl", O_RDONLY) == fds[n - 1], "the slot a failed pipe took was not freed");
  close(fds[2]);
  CHECK(dup(fds[0]) == fds[2], "dup did not take the lowest free fd %d", fds[2]);
  for(int i = 0; i < n; i++)
    CHECK(close(fds[i]) == 0, "close(%d) failed", fds[i]);
  CHECK(close(fds[0]) == -1, "closing fd %d twice: expected -1", fds[0]);
  CHECK(close(-1) == -1 && close(NOFILE) == -1, "close of an out-of-range fd: expected -1");
  CHECK(dup(NOFILE) == -1 && dup(-1) == -1, "dup of an out-of-range fd: expected -1");
  CHECK(read(fds[0], buf, 1) == -1 && write(fds[0], "x", 1) == -1,
        "read/write on a closed fd: expected -1");
  CHECK(read(NOFILE, buf, 1) == -1 && write(-1, buf, 1) == -1,
        "read/write on a bad fd: expected -1");
  struct stat st;
  CHECK(fstat(NOFILE + 5, &st) == -1, "fstat of a bad fd: expected -1");
  CHECK(unlink("fdl") == 0, "unlink(fdl) failed");
}

// Duplicated and inherited descriptors share one file offset.
void
t_dupshare(void)
{
  int fd = open("dsh", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(dsh) failed");
  write(fd, "ab", 2);
  int fd2 = dup(fd);
  CHECK(fd2 >= 0, "dup failed");
  write(fd2, "cd", 2);
  close(fd);
  int pid = fork();
  if(pid == 0){
    write(fd2, "ef", 2);
    exit(0);
  }
  wait(0);
  write(fd2, "gh", 2);
  close(fd2);
  fd = open("dsh", O_RDONLY);
  int n = read(fd, buf, 100);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  CHECK(strcmp(buf, "abcdefgh") == 0, "file holds \"%s\", expected \"abcdefgh\"", buf);
  unlink("dsh");
}

void
t_fileops(void)
{
  int fd = open("fo", O_CREATE | O_WRONLY);
  CHECK(fd >= 0, "open(fo, O_CREATE|O_WRONLY) failed");
  CHECK(write(fd, "hello", 5) == 5, "write failed");
  CHECK(read(fd, buf, 5) == -1, "read on a write-only fd: expected -1");
  close(fd);
  fd = open("fo", O_CREATE | O_RDONLY);
  CHECK(write(fd, "x", 1) == -1, "write on a read-only fd: expected -1");
  CHECK(read(fd, buf, 100) == 5 && memcmp(buf,
        "hello", 5) == 0, "O_CREATE of an existing file lost its data");
  CHECK(read(fd, buf, 100) == 0, "read at end of file: expected 0");
  close(fd);
  fd = open("fo", O_RDWR | O_TRUNC);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.size == 0 && st.type == T_FILE,
        "O_TRUNC left size %d", (int)st.size);
  close(fd);
  CHECK(open("no-such-file", O_RDONLY) == -1, "open of a missing file: expected -1");
  CHECK(unlink("fo") == 0, "unlink(fo) failed");
  CHECK(unlink("fo") == -1, "second unlink(fo): expected -1");
}

// --------------------------------------------------------------- file system

void
t_unlinkopen(void)
{
  int fd = open("uo", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(uo) failed");
  write(fd, "persist", 7);
  int rd = open("uo", O_RDONLY);
  CHECK(unlink("uo") == 0, "unlink of an open file failed");
  CHECK(open("uo", O_RDONLY) < 0, "unlinked name still opens");
  struct stat st;
  CHECK(fstat(rd, &st) == 0 && st.nlink == 0, "unlinked open file: nlink %d, expected 0", st.nlink);
  CHECK(read(rd, buf, 7) == 7 && memcmp(buf,
        "persist", 7) == 0, "read of an unlinked open file failed");
  CHECK(write(fd, "more", 4) == 4, "write to an unlinked open file failed");
  CHECK(read(rd, buf, 10) == 4 && memcmp(buf,
        "more", 4) == 0, "data written after unlink not readable");
  close(fd); close(rd);
  fd = open("uo", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.size == 0, "re-created uo is not a new empty file");
  close(fd);
  unlink("uo");
}

static uchar big_byte(int block, int i) { return (uchar)((block * 31 + i) % 251); }

void
t_bigfile(void)
{
  int fd = open("bigf", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(bigf) failed");
  for(int b = 0; b < MAXFILE; b++){
    for(int i = 0; i < BSIZE; i++)
      buf[i] = big_byte(b, i);
    int n = write(fd, buf, BSIZE);
    if(n != BSIZE){ close(fd); unlink("bigf"); }
    CHECK(n == BSIZE, "write of block %d of %d returned %d", b, (int)MAXFILE, n);
  }
  int n = write(fd, buf, 1);
  struct stat st;
  fstat(fd, &st);
  close(fd);
  CHECK(n <= 0, "write past MAXFILE blocks: expected -1, got %d", n);
  CHECK(st.size == MAXFILE * BSIZE, "size %d, expected %d", (int)st.size, (int)(MAXFILE * BSIZE));
  fd = open("bigf", O_RDONLY);
  for(int b = 0; b < MAXFILE; b++){
    CHECK(read(fd, buf, BSIZE) == BSIZE, "read of block %d failed", b);
    for(int i = 0; i < BSIZE; i++)
      CHECK((uchar)buf[i] == big_byte(b, i), "block %d byte %d wrong", b, i);
  }
  CHECK(read(fd, buf, 1) == 0, "read past the end: expected 0");
  close(fd);
  CHECK(unlink("bigf") == 0, "unlink(bigf) failed");
}

void
t_bigdir(void)
{
  enum { NLINK = 250 };
  char name[32];
  CHECK(mkdir("bdd") == 0, "mkdir(bdd) failed");
  int fd = open("bdd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(bdd/f) failed");
  close(fd);
  for(int i = 0; i < NLINK; i++)
    CHECK(link("bdd/f", mkname(name, "bdd/l", i)) == 0, "link #%d failed", i);
  struct stat st, s2;
  CHECK(stat("bdd/f", &st) == 0 && st.nlink == NLINK + 1,
        "nlink %d, expected %d", st.nlink, NLINK + 1);
  for(int i = 0; i < NLINK; i++){
    mkname(name, "bdd/l", i);
    CHECK(stat(name, &s2) == 0 && s2.ino == st.ino, "%s does not name bdd/f", name);
    CHECK(unlink(name) == 0, "unlink(%s) failed", name);
  }
  CHECK(stat("bdd/f", &st) == 0 && st.nlink == 1, "nlink %d after unlinking, expected 1", st.nlink);
  CHECK(unlink("bdd/f") == 0 && unlink("bdd") == 0, "cleanup of bdd failed");
}

// Several children create and unlink files in one directory at once.
void
t_concreate(void)
{
  enum { NCHILD = 4, NPER = 16 };
  char name[16];
  CHECK(mkdir("ccd") == 0 && chdir("ccd") == 0, "mkdir/chdir ccd failed");
  for(int c = 0; c < NCHILD; c++){
    if(fork() == 0){
      for(int j = 0; j < NPER; j++){
        int fd = open(mkname(name, "f", c * 100 + j), O_CREATE | O_RDWR);
        if(fd < 0)
          exit(1);
        char data[2] = { c, j };
        write(fd, data, 2);
        close(fd);
        if((j & 1) && unlink(name) != 0)
          exit(2);
      }
      int fd = open("same", O_CREATE | O_RDWR);   // all children, one name
      exit(fd < 0 ? 3 : 0);
    }
  }
  for(int c = 0; c < NCHILD; c++){
    int st = -1;
    wait(&st);
    CHECK(st == 0, "creating child failed with status %d", st);
  }
  for(int c = 0; c < NCHILD; c++)
    for(int j = 0; j < NPER; j++){
      int fd = open(mkname(name, "f", c * 100 + j), O_RDONLY);
      CHECK((fd >= 0) == !(j & 1), "%s: %s", name, (j & 1) ? "unlinked but present" : "missing");
      if(fd >= 0){
        CHECK(read(fd, buf, 10) == 2 && buf[0] == c && buf[1] == j, "%s has wrong contents", name);
        close(fd);
      }
    }
  // Now all race to unlink every name: exactly one unlink of each succeeds.
  for(int c = 0; c < NCHILD; c++){
    if(fork() == 0){
      int wins = unlink("same") == 0;
      for(int k = 0; k < NCHILD * NPER; k += 2)
        wins += unlink(mkname(name, "f", (k / NPER) * 100 + k % NPER)) == 0;
      exit(wins);
    }
  }
  int total = 0;
  for(int c = 0; c < NCHILD; c++){
    int st = 0;
    wait(&st);
    total += st;
  }
  CHECK(total == NCHILD * NPER / 2 + 1,
        "%d unlinks succeeded, expected %d", total, NCHILD * NPER / 2 + 1);
  CHECK(chdir("..") == 0 && unlink("ccd") == 0, "ccd not empty after all unlinks");
}

// Children link, unlink and create the same few names at random.
void
t_linkrace(void)
{
  enum { NNAME = 6, NCHILD = 4 };
  char a[8], b[8];
  CHECK(mkdir("lrd") == 0 && chdir("lrd") == 0, "mkdir/chdir lrd failed");
  for(int c = 0; c < NCHILD; c++){
    if(fork() != 0)
      continue;
    uint seed = c * 7919 + 17;
    for(int it = 0; it < 120; it++){
      seed = seed * 1103515245 + 12345;
      uint r = seed >> 8;
      mkname(a, "n", r % NNAME);
      mkname(b, "n", (r / NNAME) % NNAME);
      int fd, op = (r / (NNAME * NNAME)) % 4;
      struct stat st;
      if(op == 0 && (fd = open(a, O_CREATE | O_RDWR)) >= 0){
        write(fd, "data", 4);
        close(fd);
      } else if(op == 1){
        link(a, b);
      } else if(op == 2){
        unlink(a);
      } else if(op == 3 && (fd = open(a, O_RDONLY)) >= 0){
        if(fstat(fd, &st) < 0 || st.type != T_FILE)
          exit(1);
        close(fd);
      }
    }
    exit(0);
  }
  for(int c = 0; c < NCHILD; c++){
    int st = -1;
    wait(&st);
    CHECK(st == 0, "racing child saw a non-file (status %d)", st);
  }
  // Each surviving inode's nlink must equal the names that lead to it.
  uint ino[NNAME];
  struct stat st;
  for(int i = 0; i < NNAME; i++)
    ino[i] = stat(mkname(a, "n", i), &st) == 0 ? st.ino : 0;
  for(int i = 0; i < NNAME; i++){
    if(ino[i] == 0)
      continue;
    int names = 0;
    for(int j = 0; j < NNAME; j++)
      names += ino[j] == ino[i];
    stat(mkname(a, "n", i), &st);
    CHECK(st.type == T_FILE && st.nlink == names,
          "%s: type %d nlink %d, expected a file with nlink %d",
          a, st.type, st.nlink, names);
  }
  for(int i = 0; i < NNAME; i++)
    if(ino[i])
      CHECK(unlink(mkname(a, "n", i)) == 0, "unlink(%s) failed", a);
  CHECK(chdir("..") == 0 && unlink("lrd") == 0, "lrd not empty after cleanup");
}

void
t_mkdirchdir(void)
{
  CHECK(mkdir("mcd") == 0, "mkdir(mcd) failed");
  CHECK(mkdir("mcd") == -1, "mkdir of an existing directory: expected -1");
  int fd = open("mcd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(mcd/f) failed");
  write(fd, "F", 1);
  close(fd);
  CHECK(mkdir("mcd/f/g") == -1, "mkdir under a file: expected -1");
  CHECK(open("mcd/f/g", O_CREATE | O_RDWR) == -1, "create under a file: expected -1");
  CHECK(chdir("mcd/f") == -1, "chdir into a file: expected -1");
  CHECK(chdir("no-such-dir") == -1, "chdir into a missing directory: expected -1");
  CHECK(chdir("mcd") == 0, "chdir(mcd) failed");
  CHECK(mkdir("sub") == 0 && chdir("sub") == 0, "mkdir/chdir sub failed");
  char *relative[] = { "../f", "./../f", "../../mcd/f", "../sub/../f", ".././f" };
  for(int i = 0; i < 5; i++){
    fd = open(relative[i], O_RDONLY);
    CHECK(fd >= 0, "open(%s) from mcd/sub failed", relative[i]);
    CHECK(read(fd, buf, 4) == 1 && buf[0] == 'F', "%s read wrong data", relative[i]);
    close(fd);
  }
  CHECK(chdir("../..") == 0, "chdir(../..) failed");
  CHECK(unlink("mcd/sub") == 0 && unlink("mcd/f") == 0 && unlink("mcd") == 0,
        "cleanup of mcd failed");
}

void
t_dotdot(void)
{
  struct stat root, up, here, dir;
  CHECK(stat("/", &root) == 0 && root.type == T_DIR, "stat(/) failed or not a directory");
  CHECK(stat("/..", &up) == 0 && up.ino == root.ino, "/.. is not /");
  CHECK(stat("/.", &here) == 0 && here.ino == root.ino, "/. is not /");
  CHECK(stat(".", &here) == 0 && here.type == T_DIR, "stat(.) failed");
  CHECK(mkdir("ddt") == 0 && mkdir("ddt/in") == 0, "mkdir ddt/in failed");
  CHECK(stat("ddt", &dir) == 0, "stat(ddt) failed");
  CHECK(stat("ddt/.", &here) == 0 && here.ino == dir.ino, "ddt/. is not ddt");
  CHECK(stat("ddt/in/..", &up) == 0 && up.ino == dir.ino, "ddt/in/.. is not ddt");
  CHECK(stat("ddt/in/../in/./..", &up) == 0 && up.ino == dir.ino, "ddt/in/../in/./.. is not ddt");
  CHECK(dir.nlink >= 2, "directory ddt has nlink %d", dir.nlink);
  CHECK(unlink("ddt/in") == 0 && unlink("ddt") == 0, "cleanup of ddt failed");
}

void
t_rmdirfull(void)
{
  CHECK(mkdir("rmd") == 0, "mkdir(rmd) failed");
  int fd = open("rmd/f", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "open(rmd/f) failed");
  close(fd);
  CHECK(unlink("rmd") == -1, "unlink of a non-empty directory: expected -1");
  CHECK(unlink("rmd/.") == -1, "unlink(rmd/.): expected -1");
  CHECK(unlink("rmd/..") == -1, "unlink(rmd/..): expected -1");
  CHECK(link("rmd", "rmd2") == -1, "link of a directory: expected -1");
  CHECK(open("rmd/f", O_RDONLY) >= 0, "rmd/f vanished");
  CHECK(unlink("rmd/f") == 0, "unlink(rmd/f) failed");
  CHECK(unlink("rmd") == 0, "unlink of the emptied directory failed");
  struct stat st;
  CHECK(stat("rmd", &st) == -1, "rmd still exists");
}

void
t_opendirwrite(void)
{
  CHECK(mkdir("odw") == 0, "mkdir(odw) failed");
  CHECK(open("odw", O_WRONLY) == -1, "open(dir, O_WRONLY): expected -1");
  CHECK(open("odw", O_RDWR) == -1, "open(dir, O_RDWR): expected -1");
  CHECK(open("odw", O_CREATE | O_RDWR) == -1, "open(dir, O_CREATE|O_RDWR): expected -1");
  CHECK(open("/", O_RDWR) == -1, "open(/, O_RDWR): expected -1");
  int fd = open("odw", O_RDONLY);
  CHECK(fd >= 0, "open(dir, O_RDONLY) failed");
  CHECK(write(fd, "x", 1) == -1, "write to a directory fd: expected -1");
  close(fd);
  CHECK(unlink("odw") == 0, "unlink(odw) failed");
}

// Fill the disk with files of MAXFILE blocks until a write fails; return the
// number of blocks written. Leaves the files in dfd/.
static int
fill_disk(int *nfiles)
{
  char name[16];
  int blocks = 0;
  memset(buf, 'd', BSIZE);
  for(*nfiles = 0; *nfiles < 100; ){
    int fd = open(mkname(name, "dfd/f", *nfiles), O_CREATE | O_RDWR);
    if(fd < 0)
      return blocks;
    (*nfiles)++;
    for(int b = 0; b < MAXFILE; b++, blocks++)
      if(write(fd, buf, BSIZE) != BSIZE){
        close(fd);
        return blocks;
      }
    close(fd);
  }
  return -1;
}

static void
empty_disk(int nfiles)
{
  char name[16];
  for(int i = 0; i < nfiles; i++)
    CHECK(unlink(mkname(name, "dfd/f", i)) == 0, "unlink(%s) failed", name);
}

static void
disk_check_usable(void)
{
  int fd = open("dfd/ok", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create after freeing the disk failed");
  for(int b = 0; b < 20; b++)
    CHECK(write(fd, buf, BSIZE) == BSIZE, "write %d after freeing the disk failed", b);
  close(fd);
  CHECK(unlink("dfd/ok") == 0 && unlink("dfd") == 0, "cleanup of dfd failed");
}

void
t_diskfull(void)
{
  int nfiles;
  CHECK(mkdir("dfd") == 0, "mkdir(dfd) failed");
  int blocks = fill_disk(&nfiles);
  CHECK(blocks >= 0, "wrote 100 files of MAXFILE blocks without filling the disk");
  empty_disk(nfiles);
  CHECK(blocks > 0, "no block could be written (disk already full?)");
  disk_check_usable();
}

// Fill twice: the second time at least as many blocks fit (none leaked).
void
t_diskrefill(void)
{
  int n1, n2;
  CHECK(mkdir("dfd") == 0, "mkdir(dfd) failed");
  int first = fill_disk(&n1);
  empty_disk(n1);
  int second = fill_disk(&n2);
  empty_disk(n2);
  CHECK(first > 0 && second >= first,
        "first fill %d blocks, second %d: blocks leaked", first, second);
  disk_check_usable();
}

void
t_noinodes(void)
{
  char name[16];
  int n = 0;
  CHECK(mkdir("ind") == 0 && chdir("ind") == 0, "mkdir/chdir ind failed");
  for(;;){
    int fd = open(mkname(name, "i", n), O_CREATE | O_RDWR);
    if(fd < 0)
      break;
    close(fd);
    CHECK(++n < 5000, "created 5000 files without running out of inodes");
  }
  CHECK(n > 0, "could not create a single file");
  for(int i = 0; i < n; i++)
    CHECK(unlink(mkname(name, "i", i)) == 0, "unlink(%s) failed", name);
  int fd = open("again", O_CREATE | O_RDWR);
  CHECK(fd >= 0, "create after freeing the inodes failed");
  close(fd);
  CHECK(unlink("again") == 0 && chdir("..") == 0 && unlink("ind") == 0, "cleanup of ind failed");
}
