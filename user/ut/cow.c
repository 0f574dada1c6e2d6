// ut/cow.c: usertests on copy-on-write fork.
// Each test runs in a child of the runner (user/usertests.c); the runner
// checks that free pages come back, so every test gives its heap back with
// cow_shrink before it returns.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/ut/ut.h"


// ------------------------------------------------------- copy-on-write fork
// fork shares the parent's pages read-only and copies one only when someone
// stores to it (or just makes it writable again when nobody else holds it).
// These tests fail on a kernel that copies at fork: cowbig, cowoom and
// cowexec because the fork runs out of memory or costs too many pages, and
// cowcounters because the counters in meminfo never move.

static void
cow_meminfo(struct meminfo *mi)
{
  CHECK(meminfo(mi) == 0, "meminfo: expected 0, got -1");
}

static uint64
cow_free(void)
{
  struct meminfo mi;
  cow_meminfo(&mi);
  return mi.free_pages;
}

// The word each heap page of a cow test holds, so a page seen through the
// wrong process (or lost in a copy) is told apart from the right one.
static uint64
cow_tag(int page, int who)
{
  return ((uint64)who << 32) | (uint64)(page * 2654435761U);
}

// Grow the heap by npages page-aligned pages and store cow_tag(i, 0) at the
// start of each (so each is really there before the fork). *oldbrk gets
// the break to shrink back to.
static char *
cow_heap(int npages, char **oldbrk)
{
  *oldbrk = sbrk(0);
  uint64 cur = (uint64)*oldbrk;
  if(PGROUNDUP(cur) != cur)
    CHECK(sbrk(PGROUNDUP(cur) - cur) != FAILED_PTR, "sbrk to a page boundary failed");
  char *heap = sbrk(npages * PGSIZE);
  CHECK(heap != FAILED_PTR, "sbrk(%d pages) for the shared heap failed", npages);
  for(int i = 0; i < npages; i++)
    *(uint64 *)(heap + (uint64)i * PGSIZE) = cow_tag(i, 0);
  return heap;
}

static void
cow_shrink(char *oldbrk)
{
  sbrk(-(int)(sbrk(0) - oldbrk));
  CHECK(sbrk(0) == oldbrk, "break %p after shrinking, expected %p", sbrk(0), oldbrk);
}

static uint64 *
cow_word(char *heap, int page)
{
  return (uint64 *)(heap + (uint64)page * PGSIZE);
}

// Index of the first byte in p[0..len) that is not want, or -1.
static int
cow_mismatch(volatile char *p, int len, char want)
{
  for(int i = 0; i < len; i++)
    if(p[i] != want)
      return i;
  return -1;
}

// Child i of cowbig: check and overwrite a few pages spread over the heap,
// wait until every sibling exists, then check its own writes again.
static void
cowbig_child(char *heap, int npages, int me, int gate_rd)
{
  enum { NWRITE = 4 };
  int pages[NWRITE];
  for(int k = 0; k < NWRITE; k++){
    pages[k] = (int)(((uint64)me * 7919 + (uint64)k * 1543 + 11) % npages);
    uint64 *w = cow_word(heap, pages[k]);
    CHECK(*w == cow_tag(pages[k], 0) || *w == cow_tag(pages[k], me + 1),
          "child %d: heap page %d holds %lx before its write, expected %lx",
          me, pages[k], *w, cow_tag(pages[k], 0));
    *w = cow_tag(pages[k], me + 1);
  }
  char c;
  read(gate_rd, &c, 1);              // 0 once the parent closes the gate
  for(int k = 0; k < NWRITE; k++)
    CHECK(*cow_word(heap, pages[k]) == cow_tag(pages[k], me + 1),
          "child %d: its write to heap page %d was lost", me, pages[k]);
  exit(0);
}

// Fork ten times while 60% of free memory sits in the heap: a fork that
// copied would need more pages than are left.
void
t_cowbig(void)
{
  enum { NFORK = 10 };
  int npages = (int)(cow_free() * 6 / 10);
  char *oldbrk;
  char *heap = cow_heap(npages, &oldbrk);
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int i = 0; i < NFORK; i++){
    int pid = fork();
    CHECK(pid >= 0, "fork %d of %d with %d pages (60%% of free memory) in the heap: "
          "expected it to succeed by sharing, got -1 (%d pages free)",
          i + 1, NFORK, npages, (int)cow_free());
    if(pid == 0){
      close(gate[1]);
      cowbig_child(heap, npages, i, gate[0]);
    }
  }
  close(gate[1]);
  for(int i = 0; i < NFORK; i++){
    int st = -5;
    CHECK(wait(&st) > 0 && st == 0, "child %d of %d: expected status 0, got %d", i + 1, NFORK, st);
  }
  close(gate[0]);
  for(int i = 0; i < npages; i++)
    CHECK(*cow_word(heap, i) == cow_tag(i, 0), "parent: heap page %d holds %lx, expected %lx "
          "(a child's write leaked into the parent)", i, *cow_word(heap, i), cow_tag(i, 0));
  cow_shrink(oldbrk);
}

// Process who (0 parent, 1 and 2 children) fills its own byte range of the
// shared region; neighbouring ranges overlap by three pages and do not start
// on page boundaries. Then it checks every byte of the region.
static void
cowoverlap_round(char *region, int len, int who)
{
  int lo = who * 3 * PGSIZE + 100 * who + 50;
  int hi = lo + 6 * PGSIZE + 77;
  char mine = 'A' + who;
  for(int pass = 0; pass < 2; pass++)          // even pages, then odd ones
    for(int i = lo; i < hi; i++)
      if((i / PGSIZE) % 2 == pass)
        region[i] = mine;
  int bad;
  bad = cow_mismatch(region, lo, '.');
  CHECK(bad < 0, "process %d: byte %d before its range holds '%c', expected '.'",
        who, bad, region[bad]);
  bad = cow_mismatch(region + lo, hi - lo, mine);
  CHECK(bad < 0, "process %d: byte %d of its range holds '%c', expected '%c'",
        who, lo + bad, region[lo + bad], mine);
  bad = cow_mismatch(region + hi, len - hi, '.');
  CHECK(bad < 0, "process %d: byte %d after its range holds '%c', expected '.'",
        who, hi + bad, region[hi + bad]);
}

void
t_cowoverlap(void)
{
  enum { NPAGE = 13 };
  int len = NPAGE * PGSIZE;
  char *oldbrk;
  char *region = cow_heap(NPAGE, &oldbrk);
  memset(region, '.', len);
  int gate[2], pids[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int who = 1; who <= 2; who++){
    pids[who - 1] = fork();
    CHECK(pids[who - 1] >= 0, "fork failed");
    if(pids[who - 1] == 0){
      char c;
      close(gate[1]);
      read(gate[0], &c, 1);          // all three start writing together
      cowoverlap_round(region, len, who);
      exit(0);
    }
  }
  close(gate[1]);
  cowoverlap_round(region, len, 0);
  for(int k = 0; k < 2; k++){
    int st = -5;
    int w = wait(&st);
    CHECK(st == 0, "child %d (pid %d): expected status 0, got %d", w == pids[0] ? 1 : 2, w, st);
  }
  cowoverlap_round(region, len, 0);
  close(gate[0]);
  cow_shrink(oldbrk);
}

static int cow_data = 7;      // in .data: shared after fork like the heap

// Writes to heap, data and stack after fork stay in the process that made
// them; the pipes make each side look only after the other has written.
void
t_cowisolation(void)
{
  int p2c[2], c2p[2];
  CHECK(pipe(p2c) == 0 && pipe(c2p) == 0, "pipe failed");
  char *page = last_heap_page();
  memset(page, 'a', PGSIZE);
  cow_data = 100;
  volatile int on_stack = 1000;
  char c;
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    CHECK(read(p2c[0], &c, 1) == 1, "child: no word from the parent");
    int bad = cow_mismatch(page, PGSIZE, 'a');
    CHECK(bad < 0, "child: heap byte %d is '%c' after the parent wrote its copy, expected 'a'",
          bad, page[bad]);
    CHECK(cow_data == 100, "child: data word is %d after the parent wrote its copy, expected 100",
          cow_data);
    CHECK(on_stack == 1000, "child: stack word is %d, expected 1000", on_stack);
    memset(page, 'c', PGSIZE);
    cow_data = 300;
    on_stack = 3000;
    write(c2p[1], "c", 1);
    CHECK(read(p2c[0], &c, 1) == 1, "child: no second word from the parent");
    bad = cow_mismatch(page, PGSIZE, 'c');
    CHECK(bad < 0, "child: heap byte %d is '%c' after the parent wrote again, expected 'c'",
          bad, page[bad]);
    CHECK(cow_data == 300 && on_stack == 3000, "child: data %d stack %d, expected 300 3000",
          cow_data, on_stack);
    exit(0);
  }
  memset(page, 'p', PGSIZE);
  cow_data = 200;
  on_stack = 2000;
  write(p2c[1], "p", 1);
  CHECK(read(c2p[0], &c, 1) == 1, "parent: no word from the child");
  int bad = cow_mismatch(page, PGSIZE, 'p');
  CHECK(bad < 0, "parent: heap byte %d is '%c' after the child wrote its copy, expected 'p'",
        bad, page[bad]);
  CHECK(cow_data == 200 && on_stack == 2000,
        "parent: data %d stack %d after the child wrote its copies, expected 200 2000",
        cow_data, on_stack);
  memset(page, 'q', PGSIZE);
  write(p2c[1], "q", 1);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  bad = cow_mismatch(page, PGSIZE, 'q');
  CHECK(bad < 0, "parent: heap byte %d is '%c' after the child exited, expected 'q'",
        bad, page[bad]);
  close(p2c[0]); close(p2c[1]); close(c2p[0]); close(c2p[1]);
}

enum { COWPIPE_LEN = 300 };

static char
cowpipe_byte(int i, int who)
{
  return (char)('A' + who * 20 + i % 19);
}

// read() exactly COWPIPE_LEN bytes from fd into dst, in as many calls as the
// pipe needs; the kernel writes into a page that is still copy-on-write.
static void
cowpipe_fill(int fd, char *dst, char *who)
{
  for(int got = 0; got < COWPIPE_LEN; ){
    int n = read(fd, dst + got, COWPIPE_LEN - got);
    CHECK(n > 0, "%s: read() into a copy-on-write buffer returned %d after %d of %d bytes",
          who, n, got, COWPIPE_LEN);
    got += n;
  }
}

// Check the two heap pages: the window holds who's message (or 'o' when
// who < 0), everything else still 'o'.
static void
cowpipe_check(char *pages, int off, int who, char *name)
{
  for(int i = 0; i < 2 * PGSIZE; i++){
    int in = i >= off && i < off + COWPIPE_LEN;
    char want = in && who >= 0 ? cowpipe_byte(i - off, who) : 'o';
    CHECK(pages[i] == want, "%s: buffer byte %d is '%c', expected '%c'", name, i, pages[i], want);
  }
}

static void
cowpipe_send(int fd, int who)
{
  char msg[COWPIPE_LEN];
  for(int i = 0; i < COWPIPE_LEN; i++)
    msg[i] = cowpipe_byte(i, who);
  CHECK(write(fd, msg, COWPIPE_LEN) == COWPIPE_LEN, "write of %d bytes to a pipe failed",
        COWPIPE_LEN);
}

// A heap buffer straddling two pages, filled before fork. The child, then
// the parent, read() from a pipe into it; neither sees the other's data.
void
t_cowpipe(void)
{
  int tochild[2], toparent[2];
  CHECK(pipe(tochild) == 0 && pipe(toparent) == 0, "pipe failed");
  char *oldbrk;
  char *pages = cow_heap(2, &oldbrk);
  memset(pages, 'o', 2 * PGSIZE);
  int off = PGSIZE - 100;
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    cowpipe_fill(tochild[0], pages + off, "child");
    cowpipe_check(pages, off, 1, "child after its read");
    write(toparent[1], "r", 1);      // the parent may look at its buffer now
    cowpipe_send(toparent[1], 2);
    char c = 0;
    CHECK(read(tochild[0], &c, 1) == 1 && c == 'd', "child: no final word from the parent");
    cowpipe_check(pages, off, 1, "child after the parent's read");
    exit(0);
  }
  cowpipe_send(tochild[1], 1);
  char c = 0;
  CHECK(read(toparent[0], &c, 1) == 1 && c == 'r', "parent: the child never read its message");
  cowpipe_check(pages, off, -1, "parent after the child's read");
  cowpipe_fill(toparent[0], pages + off, "parent");
  cowpipe_check(pages, off, 2, "parent after its read");
  write(tochild[1], "d", 1);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  cowpipe_check(pages, off, 2, "parent after the child exited");
  close(tochild[0]); close(tochild[1]); close(toparent[0]); close(toparent[1]);
  cow_shrink(oldbrk);
}

__attribute__((noinline)) static int
text_probe(int x)
{
  return x * 5 + 3;
}

// Called through a pointer the compiler cannot see through, so the call
// really runs the bytes in the text page.
static int (*volatile text_probe_ptr)(int) = text_probe;

// Text is shared after fork but is not copy-on-write: neither a store nor
// a kernel write through read() may give the child a writable copy.
void
t_cowtext(void)
{
  char *text = (char *)(uint64)text_probe;
  char before[32];
  memmove(before, text, sizeof(before));
  int p[2];
  CHECK(pipe(p) == 0, "pipe failed");
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    sink = text[0];
    write(p[1], "0123456789abcdef0123456789abcdef", 32);
    int n = read(p[0], text, 32);
    if(n > 0 || memcmp(text, before, sizeof(before)) != 0){
      printf("child: read() into its text after fork returned %d, expected -1 (or 0)\n", n);
      exit(3);
    }
    *(volatile int *)text = 0;
    exit(2);
  }
  int st = 0;
  CHECK(wait(&st) == pid, "wait did not return the child");
  CHECK(st == -1, "child storing to its text after fork: expected it killed (status -1), "
        "got %d (2: the store worked, 3: read() wrote the text)", st);
  CHECK(memcmp(text, before, sizeof(before)) == 0, "parent: its text changed after the child's store");
  int r = text_probe_ptr(4);
  CHECK(r == 23, "parent: text_probe(4) returned %d after the child's store, expected 23", r);
  close(p[0]); close(p[1]);
}

// Child i of cowoom writes every page of the heap the parent still shares.
// Copies of all of it do not fit, so the kernel must kill it on the way.
static void
cowoom_child(char *heap, int npages, int me, int gate_rd)
{
  char c;
  read(gate_rd, &c, 1);
  for(int i = 0; i < npages; i++)
    *cow_word(heap, i) = cow_tag(i, me + 1);
  for(int i = 0; i < npages; i++)
    if(*cow_word(heap, i) != cow_tag(i, me + 1))
      exit(2);
  exit(0);
}

// Out of memory in a copy-on-write fault kills the faulting process only,
// leaks no page, and leaves the kernel running.
void
t_cowoom(void)
{
  enum { NCHILD = 4 };
  int npages = (int)(cow_free() * 7 / 10);     // two copies do not fit
  char *oldbrk;
  char *heap = cow_heap(npages, &oldbrk);
  uint64 start = cow_free();
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  for(int i = 0; i < NCHILD; i++){
    int pid = fork();
    CHECK(pid >= 0, "fork %d of %d with %d pages (70%% of free memory) in the heap: "
          "expected it to succeed by sharing, got -1", i + 1, NCHILD, npages);
    if(pid == 0){
      close(gate[1]);
      cowoom_child(heap, npages, i, gate[0]);
    }
  }
  // Each fork shared the stack again. Copy it now, while memory is still
  // plentiful: this process must not fault while the children use it up.
  volatile int touch = 1;
  touch++;
  close(gate[1]);
  int killed = 0, done = 0;
  for(int i = 0; i < NCHILD; i++){
    int st = -5;
    CHECK(wait(&st) > 0, "wait for child %d of %d failed", i + 1, NCHILD);
    CHECK(st == 0 || st == -1, "child writing %d shared pages: expected status 0 or -1 "
          "(killed out of memory), got %d", npages, st);
    killed += st == -1;
    done += st == 0;
  }
  close(gate[0]);
  CHECK(killed >= 1, "none of %d children writing %d shared pages was killed "
        "(%d finished): memory was never short", NCHILD, npages, done);
  uint64 after = settled_free_pages(start);
  CHECK(after >= start, "free pages: %d before the forks, %d after all children were reaped",
        (int)start, (int)after);
  for(int i = 0; i < npages; i += 97)
    CHECK(*cow_word(heap, i) == cow_tag(i, 0), "parent: heap page %d changed by a child", i);
  check_fork_works("fork after the out-of-memory children failed");
  cow_shrink(oldbrk);
}

static char *cow_echo_argv[] = { "echo", 0 };   // in .data: built before fork

// A fork followed at once by exec copies nothing the child had: exec drops
// its shares, so the parent's later writes only make pages writable again.
// Two copies are allowed. The parent's first store to its stack after fork
// (meminfo's record) comes while the child, held at the gate, still shares
// that page; and a kernel may make the heap page the child names as read()'s
// buffer writable (a copy) before it finds the pipe empty. The child itself
// stores nothing between fork and exec (checked in usertests.asm).
void
t_cowexec(void)
{
  enum { NPAGE = 256 };
  char *oldbrk;
  char *heap = cow_heap(NPAGE, &oldbrk);
  int gate[2];
  CHECK(pipe(gate) == 0, "pipe failed");
  struct meminfo m0, m1, m2, m3;
  cow_meminfo(&m0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    close(gate[1]);
    read(gate[0], heap, 1);          // returns 0, copying nothing, when the gate closes
    close(1);                        // echo prints an empty line: keep it off the console
    exec("/echo", cow_echo_argv);
    exit(43);
  }
  cow_meminfo(&m1);                  // the child is held at the gate
  close(gate[1]);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: exec /echo ended with status %d, expected 0 "
        "(43: exec failed)", st);
  close(gate[0]);
  cow_meminfo(&m2);
  for(int i = 0; i < NPAGE; i++)
    *cow_word(heap, i) = cow_tag(i, 1);
  cow_meminfo(&m3);
  int cost = (int)(m0.free_pages - m1.free_pages);
  CHECK(cost < NPAGE / 2, "fork of a process with %d heap pages took %d free pages "
        "(%d before, %d after): expected far fewer (pages shared, not copied)",
        NPAGE, cost, (int)m0.free_pages, (int)m1.free_pages);
  CHECK(m3.cow_copied - m0.cow_copied <= 2, "cow_copied rose by %d across fork+exec and the "
        "parent rewriting its heap (%d -> %d -> %d): expected at most 2",
        (int)(m3.cow_copied - m0.cow_copied), (int)m0.cow_copied, (int)m2.cow_copied,
        (int)m3.cow_copied);
  CHECK(m3.cow_reclaimed - m2.cow_reclaimed >= NPAGE, "parent rewriting %d heap pages after "
        "the child exec'd: cow_reclaimed rose by %d, expected at least %d",
        NPAGE, (int)(m3.cow_reclaimed - m2.cow_reclaimed), NPAGE);
  CHECK(m3.free_pages >= m2.free_pages, "parent rewriting its heap after the child exec'd "
        "took %d pages, expected 0", (int)(m2.free_pages - m3.free_pages));
  cow_shrink(oldbrk);
}

// The counters: a child's store to a shared page is a fault and a copy; the
// parent's store to the same page once the child is gone is a reclaim.
void
t_cowcounters(void)
{
  volatile char *page = last_heap_page();
  page[0] = 1;
  struct meminfo m0, m1, m2;
  cow_meminfo(&m0);
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if(pid == 0){
    page[0] = 2;
    exit(page[0] == 2 ? 0 : 2);
  }
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "child: expected status 0, got %d", st);
  cow_meminfo(&m1);
  CHECK(page[0] == 1, "parent sees %d in the heap page after the child wrote 2, expected 1",
        page[0]);
  CHECK(m1.cow_faults > m0.cow_faults, "cow_faults %d -> %d across a fork whose child wrote "
        "a shared page: expected an increase", (int)m0.cow_faults, (int)m1.cow_faults);
  CHECK(m1.cow_copied > m0.cow_copied, "cow_copied %d -> %d across a fork whose child wrote "
        "a page the parent shared: expected an increase", (int)m0.cow_copied, (int)m1.cow_copied);
  page[0] = 3;                       // the child is gone: the page is the parent's alone
  cow_meminfo(&m2);
  CHECK(m2.cow_reclaimed > m1.cow_reclaimed, "cow_reclaimed %d -> %d when the parent wrote a "
        "page nobody else holds: expected an increase", (int)m1.cow_reclaimed,
        (int)m2.cow_reclaimed);
  CHECK(m2.cow_copied == m1.cow_copied, "cow_copied %d -> %d when the parent wrote a page "
        "nobody else holds: expected no copy", (int)m1.cow_copied, (int)m2.cow_copied);
  CHECK(m2.free_pages >= m1.free_pages, "the reclaim took %d free pages, expected 0",
        (int)(m1.free_pages - m2.free_pages));
  CHECK(page[0] == 3, "parent's store of 3 reads back as %d", page[0]);
}

// A private page that is read-only (or PROT_NONE) when fork shares it must
// still be copied before either side writes it, however mprotect changes
// the mapping afterwards: a writable PTE on a page both processes map would
// let each see the other's stores.
static char *mp_page;
static int mp_gate[2];

static void
mp_child_writes(void)
{
  CHECK(mprotect(mp_page, PGSIZE, PROT_READ | PROT_WRITE) == 0, "child: mprotect RW failed");
  mp_page[0] = 'c';
}

static void
mp_child_reads_after_parent_wrote(void)
{
  char c;
  close(mp_gate[1]);
  read(mp_gate[0], &c, 1);           // the parent has written by now
  CHECK(mprotect(mp_page, PGSIZE, PROT_READ) == 0, "child: mprotect PROT_READ failed");
  CHECK(mp_page[0] == 'a', "child sees %d at a private page the parent wrote after fork "
        "and mprotect(RW), expected its own 'a'", mp_page[0]);
}

static void
mprotect_round(int prot_at_fork)
{
  mp_page = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mp_page != MAP_FAILED, "mmap failed");
  mp_page[0] = 'a';
  CHECK(mprotect(mp_page, PGSIZE, prot_at_fork) == 0, "mprotect(%d) failed", prot_at_fork);

  // The child makes its copy writable and writes: the parent keeps 'a'.
  CHECK(run_child(mp_child_writes) == 0, "child that wrote after mprotect(RW) failed");
  CHECK(mprotect(mp_page, PGSIZE, PROT_READ) == 0, "mprotect PROT_READ failed");
  CHECK(mp_page[0] == 'a', "prot %d at fork: parent sees %d after the child's mprotect(RW) "
        "and store, expected its own 'a'", prot_at_fork, mp_page[0]);
  CHECK(mprotect(mp_page, PGSIZE, prot_at_fork) == 0, "mprotect(%d) failed", prot_at_fork);

  // The parent makes its copy writable and writes: the child keeps 'a'.
  CHECK(pipe(mp_gate) == 0, "pipe failed");
  int pid = start_child(mp_child_reads_after_parent_wrote);
  close(mp_gate[0]);
  CHECK(mprotect(mp_page, PGSIZE, PROT_READ | PROT_WRITE) == 0, "mprotect RW failed");
  mp_page[0] = 'p';
  close(mp_gate[1]);
  int st = -5;
  CHECK(wait(&st) == pid && st == 0, "prot %d at fork: the child saw the parent's store "
        "(status %d, expected 0)", prot_at_fork, st);
  CHECK(munmap(mp_page, PGSIZE) == 0, "munmap failed");
}

void
t_cowmprotect(void)
{
  mprotect_round(PROT_READ);
  mprotect_round(PROT_NONE);
}
