// weftabi.h: weft's own user ABI beyond xv6 (docs/abi.md): clone flags, futex
// operations, mmap constants and the records procinfo()/meminfo() fill in.
// Shared by the kernel and user programs.
#ifndef WEFT_WEFTABI_H
#define WEFT_WEFTABI_H

// clone() flags: Linux's values.
#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_THREAD         0x00010000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_NEWPID         0x20000000   // child is pid 1 of a new PID namespace

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
// Linux's value. weft: the mapping's lowest page is a guard page that no
// access (nor mprotect) ever makes usable, so a thread stack and its guard
// are one region. Private only, at least two pages.
#define MAP_STACK     0x20000
#define MAP_FAILED ((void *)-1)

// One thread, as procinfo() reports it (one record per thread).
#define PI_NAMELEN 16
struct procinfo {
  int pid;
  int ppid;            // 0 for init
  int tid;
  int nthreads;        // live threads in this process
  char pstate;         // 'A' alive, 'Z' zombie
  char tstate;         // 'R' runnable, 'X' running, 'S' sleeping, 'Z' zombie
  short hart;          // hart running it, or last ran it; -1 never ran
  uint64 mem;          // bytes of the address space (heap break)
  char name[PI_NAMELEN];    // the process's name
  char tname[PI_NAMELEN];   // the thread's: a kthread's own, else the process's
};

// System-wide memory counters for tests and benchmarks.
struct meminfo {
  uint64 total_pages;    // pages the allocator manages
  uint64 free_pages;     // pages on the free list now
  uint64 cow_faults;     // copy-on-write faults resolved
  uint64 cow_copied;     // ... of which copied the page
  uint64 cow_reclaimed;  // ... of which found refcount 1 and just made it writable
  uint64 zero_fills;     // demand-zero pages allocated by faults
};

// One hart's scheduling and TLB counters, as hartstat() reports them.
struct hartstat {
  int hart;
  int asid_bits;             // ASID bits the harts implement (0: none)
  uint64 switches;           // threads switched to
  uint64 mm_switches;        // address-space switches (satp writes)
  uint64 tlb_flushes;        // whole-TLB flushes
  uint64 shootdowns_sent;    // remote TLB flush requests it made
  uint64 shootdowns_recv;    // remote TLB flush requests aimed at it
  uint64 idle_waits;         // times it had nothing to run and waited in wfi
};

#endif
