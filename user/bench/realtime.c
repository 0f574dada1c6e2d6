// bench/realtime.c: the figures that want real time (no icount) -- par,
// the speedup of two threads over one and wakeup_idle, the latency of waking
// a thread on an idle hart (several harts, bench -m), and tlb, what keeping
// the address space across a switch is worth (one hart, bench -r).
// The runner is user/bench.c (the table, main and the helpers declared in
// bench.h); docs/performance.md says what each figure shows.
// Reading order: bench_parallel, bench_wakeup, bench_tlb, each after its
// helpers.
#include "kernel/types.h"
#include "user/user.h"
#include "user/pthread.h"
#include "user/bench/bench.h"

// ---------------------------------------------------------------- harts

// A fixed amount of integer work: `steps` rounds of a xorshift generator.
// The result is used, so the compiler cannot drop any round.
// Not inlined, and aligned: both threads run this one copy of the loop,
// which cannot straddle a page boundary. (QEMU cannot chain translated
// blocks across pages: a loop that straddles one runs several times
// slower, which once made the two-thread figure slower than one thread.)
static uint64 __attribute__((noinline, aligned(64)))
integer_work(uint64 steps, uint64 seed)
{
  uint64 x = seed | 1;
  for (uint64 i = 0; i < steps; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

struct work_share {
  uint64 steps, seed, result;
};

static void *
work_thread(void *arg)
{
  struct work_share *w = arg;
  w->result = integer_work(w->steps, w->seed);
  return 0;
}

static volatile uint64 work_sink;

// All f->size steps on this thread. Returns ticks.
static long
time_work_1thread(uint64 steps)
{
  uint64 t0 = now();
  work_sink = integer_work(steps, 7);
  return (long)(now() - t0);
}

// Half the steps on a new thread, half here; the time includes the create
// and the join. Returns ticks, or -1 if the thread could not be created.
static long
time_work_2threads(uint64 steps)
{
  struct work_share other = { steps / 2, 11, 0 };
  pthread_t t;
  uint64 t0 = now();
  if (pthread_create(&t, 0, work_thread, &other) != 0)
    return -1;
  uint64 mine = integer_work(steps - steps / 2, 7);
  pthread_join(t, 0);
  uint64 ticks = now() - t0;
  work_sink = mine ^ other.result;
  return (long)ticks;
}

// par_1thread, par_2threads (us) and their ratio x100. Samples alternate,
// so a busy host slows both kinds alike. Meaningful only on a multi-hart
// boot without icount (bench -m); on one hart the ratio is about 100.
int
bench_parallel(const struct figure *f)
{
  uint64 one[MAXREPS], two[MAXREPS];
  for (int i = 0; i < f->reps; i++) {
    long a = time_work_1thread(f->size);
    long b = time_work_2threads(f->size);
    if (b <= 0) {
      report_fail(f->name, "_1thread");
      report_fail(f->name, "_2threads");
      return report_fail(f->name, "_speedup_x100");
    }
    one[i] = ticks_to_ns(a);
    two[i] = ticks_to_ns(b);
  }
  uint64 m1 = median(one, f->reps), m2 = median(two, f->reps);
  report(f->name, "_1thread", ns_to_us(m1), "us");
  report(f->name, "_2threads", ns_to_us(m2), "us");
  report(f->name, "_speedup_x100", (m1 * 100 + m2 / 2) / m2, "%");
  return 0;
}

// ---------------------------------------------------------------- idle wake-up

// How long a thread blocked in read() on an idle hart takes to run again
// after another hart writes to its pipe. The writer never blocks (it spins
// on the shared word), so the reader can only run on the other hart, which
// is idle in wfi: the figure is the time from the write to the reader's
// first instruction after read() returns. Meaningful on two harts, real time.
struct wake_share {
  int pipe[2];
  volatile uint64 sent_at;    // time CSR just before the write
  volatile uint64 woke_at;    // time CSR just after the read; 0 until then
  int rounds;
};

static void *
wake_reader(void *arg)
{
  struct wake_share *w = arg;
  char c;
  for (int i = 0; i < w->rounds; i++) {
    if (read(w->pipe[0], &c, 1) != 1)
      break;
    w->woke_at = now();
  }
  return 0;
}

static void
spin_ticks(uint64 n)
{
  uint64 t0 = now();
  while (now() - t0 < n)
    ;
}

int
bench_wakeup(const struct figure *f)
{
  struct wake_share w = { .rounds = f->reps };
  uint64 lat[MAXREPS];
  pthread_t t;
  if (pipe(w.pipe) < 0)
    return report_fail(f->name, "_ns");
  if (pthread_create(&t, 0, wake_reader, &w) != 0) {
    close(w.pipe[0]);
    close(w.pipe[1]);
    return report_fail(f->name, "_ns");
  }
  int ok = 1;
  for (int i = 0; i < f->reps && ok; i++) {
    spin_ticks(20000);          // 2 ms: the reader is asleep, its hart idle
    w.woke_at = 0;
    w.sent_at = now();
    ok = write(w.pipe[1], "x", 1) == 1;
    uint64 give_up = w.sent_at + 10000000;   // 1 s
    while (ok && w.woke_at == 0 && now() < give_up)
      ;
    ok = ok && w.woke_at != 0;
    lat[i] = ok ? ticks_to_ns(w.woke_at - w.sent_at) : 0;
  }
  close(w.pipe[1]);             // a reader still waiting sees end of file
  pthread_join(t, 0);
  close(w.pipe[0]);
  if (!ok)
    return report_fail(f->name, "_ns");
  report(f->name, "_ns", median(lat, f->reps), "ns");
  return 0;
}

// ---------------------------------------------------------------- the TLB

// What keeping the address space is worth. Two tasks bounce a byte through
// pipes on one hart; at each turn the receiver reads one word of each of
// the npages pages of its own working set. Between threads the hart keeps
// the address space -- its TLB entries survive the switch; between
// processes every switch loads another one. (QEMU flushes its whole
// software TLB when satp is written, so there each process switch costs a
// refill of the working set; real hardware with ASIDs keeps both sets
// tagged, until they no longer fit.) Real time, one hart, no icount:
// samples alternate between threads and processes so host noise hits
// both alike.
#define TLB_ROUNDS 100
#define TLB_SAMPLES 15
static volatile uint64 tlb_sink;

static char *
working_set(int npages)
{
  if (npages == 0)
    return 0;
  char *p = mmap(0, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  for (int i = 0; i < npages; i++)
    p[i * PAGE] = (char)i;      // backed, and ours alone
  return p;
}

static void
touch_set(char *p, int npages)
{
  uint64 sum = 0;
  for (int i = 0; i < npages; i++)
    sum += ((volatile char *)p)[i * PAGE];
  tlb_sink += sum;
}

struct tlb_echo {
  int in, out, npages;
};

// The echoing side: its own working set, touched after every byte.
static void
tlb_echo(struct tlb_echo *e)
{
  char *set = working_set(e->npages);
  char c;
  while (read(e->in, &c, 1) == 1) {
    touch_set(set, e->npages);
    if (write(e->out, &c, 1) != 1)
      break;
  }
  if (set)
    munmap(set, e->npages * PAGE);
}

static void *
tlb_echo_thread(void *arg)
{
  tlb_echo(arg);
  return 0;
}

// One sample: TLB_ROUNDS round trips, each side touching its set; ns per trip.
static uint64
tlb_sample(int to, int from, char *set, int npages)
{
  char c = 'x';
  uint64 t0 = now();
  for (int i = 0; i < TLB_ROUNDS; i++) {
    if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
      return 0;
    touch_set(set, npages);
  }
  return ticks_to_ns(now() - t0) / TLB_ROUNDS;
}

// "tlb_N_thread", "tlb_N_proc", "tlb_N_ratio_x100": the names of one size's figures.
static void
tlb_names(char names[3][24], int npages)
{
  static const char *kind[3] = { "_thread", "_proc", "_ratio_x100" };
  char num[12];
  int len = 0;
  do {
    num[len++] = '0' + npages % 10;
    npages /= 10;
  } while (npages > 0);
  for (int k = 0; k < 3; k++) {
    char *p = names[k];
    strcpy(p, "tlb_");
    p += 4;
    for (int i = len - 1; i >= 0; i--)
      *p++ = num[i];
    strcpy(p, kind[k]);
  }
}

// One working-set size: a thread partner and a process partner, samples
// interleaved. Prints tlb_N_thread, tlb_N_proc and their ratio x100.
static int
tlb_one_size(int npages)
{
  char sfx[3][24];
  tlb_names(sfx, npages);
  int td[2], tu[2], pd[2], pu[2];
  if (open_pipes(td, tu) < 0)
    return -1;
  if (open_pipes(pd, pu) < 0)
    return -1;
  struct tlb_echo te = { td[0], tu[1], npages }, pe = { pd[0], pu[1], npages };
  pthread_t t;
  int have_thread = pthread_create(&t, 0, tlb_echo_thread, &te) == 0;
  int pid = fork();
  if (pid == 0) {
    close(pd[1]);
    close(pu[0]);
    tlb_echo(&pe);
    exit(0);
  }
  char *set = working_set(npages);
  uint64 th[TLB_SAMPLES], pr[TLB_SAMPLES];
  int ok = have_thread && pid > 0 && (npages == 0 || set);
  for (int i = 0; i < TLB_SAMPLES && ok; i++) {
    th[i] = tlb_sample(td[1], tu[0], set, npages);
    pr[i] = tlb_sample(pd[1], pu[0], set, npages);
    ok = th[i] && pr[i];
  }
  close(td[1]); close(tu[0]); close(pd[1]); close(pu[0]);
  if (have_thread)
    pthread_join(t, 0);
  if (pid > 0)
    wait(0);
  close(td[0]); close(tu[1]); close(pd[0]); close(pu[1]);
  if (set)
    munmap(set, npages * PAGE);
  if (!ok) {
    for (int k = 0; k < 3; k++)
      report_fail(sfx[k], "");
    return -1;
  }
  uint64 mt = median(th, TLB_SAMPLES), mp = median(pr, TLB_SAMPLES);
  report(sfx[0], "", mt, "ns");
  report(sfx[1], "", mp, "ns");
  report(sfx[2], "", (mt * 100 + mp / 2) / mp, "%");
  return 0;
}

int
bench_tlb(const struct figure *f)
{
  static const int sizes[] = { 0, 16, 64, 256 };
  int failed = 0;
  for (int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    failed |= tlb_one_size(sizes[i]) < 0;
  return failed ? -1 : 0;
}
