// ut.h: what the usertests groups (user/ut/*.c) share with the runner
// (user/usertests.c): the CHECK macro, scratch buffers, a few helpers and
// the test functions the runner's table names.
// Include after "kernel/types.h" and "user/user.h".
// A test is a void function run in its own child process: it passes by
// returning (or exit(0)) and fails by exiting non-zero, which CHECK does.
#ifndef WEFT_UT_H
#define WEFT_UT_H

// Stop the current test, saying what was expected and what came instead.
// fmt is always a string literal, so the newline joins it and the message
// leaves in one write.
#define CHECK(cond, fmt, ...) \
  do { if(!(cond)) { printf(fmt "\n", ##__VA_ARGS__); exit(1); } } while(0)

#define NOMEMINFO ((uint64)-1)
#define FAILED_PTR ((char *)-1)

extern char buf[8192];          // scratch for file and pipe data
extern volatile char sink;      // keeps faulting loads from being optimised away

// ---- helpers (user/usertests.c) ----
uint64 free_pages(void);                  // NOMEMINFO without meminfo()
uint64 settled_free_pages(uint64 expect); // free pages once exits have settled
int run_child(void (*fn)(void));          // fn in a child; its wait() status
int start_child(void (*fn)(void));        // fn in a child that must not return; its pid
void check_fork_works(char *what);        // fork+exit+wait still work, else FAILED with what
void expect_killed(void (*fn)(void), char *what);
char *last_heap_page(void);               // a fresh heap page, unmapped above
void exec_must_fail(char *path, char **argv, char *what);
char *mkname(char *dst, char *prefix, int n);   // prefix + n in decimal (ut/fs.c)

// ---- processes: fork, exit, wait, kill, exec (ut/proc.c) ----
void t_execbadpath(void);
void t_execbadargv(void);
void t_execmaxarg(void);
void t_execargs(void);
void t_exitwait(void);
void t_killspin(void);
void t_killbad(void);
void t_killinit(void);
void t_exitrecords(void);
void t_killpipe(void);
void t_killsleep(void);
void t_orphan(void);
void t_preempt(void);
void t_forkall(void);
void t_forkmem(void);
void t_manyforks(void);
void t_outofmemory(void);

// ---- process groups and the console's foreground group (ut/pgrp.c) ----
void t_pgrpset(void);
void t_pgrptc(void);
void t_pgrpstop(void);
void t_pgrpsend(void);
void t_pgrpwait(void);

// ---- memory: bad pointers, sbrk, faults (ut/mem.c) ----
void t_copyin(void);
void t_copyout(void);
void t_copyinstr(void);
void t_sbrkgrow(void);
void t_sbrkhuge(void);
void t_sbrkshrink(void);
void t_sbrkfreed(void);
void t_sbrkneg(void);
void t_readkernel(void);
void t_writekernel(void);
void t_badaddr(void);
void t_trampoline(void);
void t_writetext(void);
void t_stackguard(void);
void t_recursion(void);
void t_sparsefork(void);

// ---- pipes, file descriptors, file system (ut/fs.c) ----
void t_pipedata(void);
void t_pipeclose(void);
void t_fdlimit(void);
void t_dupshare(void);
void t_fileops(void);
void t_unlinkopen(void);
void t_bigfile(void);
void t_bigdir(void);
void t_concreate(void);
void t_linkrace(void);
void t_mkdirchdir(void);
void t_dotdot(void);
void t_rmdirfull(void);
void t_opendirwrite(void);
void t_diskfull(void);
void t_diskrefill(void);
void t_noinodes(void);

// ---- file system at its limits, races, console (ut/fslimits.c) ----
void t_bcachestress(void);
void t_rmdircreate(void);
void t_reclaimrace(void);
void t_itablefull(void);
void t_consolebad(void);

// ---- copy-on-write fork (ut/cow.c) ----
void t_cowbig(void);
void t_cowoverlap(void);
void t_cowisolation(void);
void t_cowpipe(void);
void t_cowtext(void);
void t_cowoom(void);
void t_cowexec(void);
void t_cowcounters(void);
void t_cowmprotect(void);

// ---- the meminfo() system call (ut/meminfo.c) ----
void t_meminfo(void);
void t_meminfobad(void);

// ---- the thread library: pthreads, TLS, futex (ut/thread.c) ----
// spawn is declared only where "user/pthread.h" came first.
#ifdef WEFT_PTHREAD_H
pthread_t spawn(void *(*fn)(void *), void *arg);  // pthread_create or fail
// ---- anonymous mappings (ut/mmap.c) ----
void t_mmapzero(void);
void t_mmapshared(void);
void t_mmapguard(void);
void t_mmapbad(void);

#endif
int count_threads(int pid, int *sleeping);        // live threads of pid
void t_threadjoin(void);
void t_threadmutex(void);
void t_threadtls(void);
void t_threadguard(void);
void t_threadfutex(void);
void t_threadcond(void);
void t_threadslot(void);
void t_threadjoinbad(void);

// ---- processes with threads, clone between the two (ut/task.c) ----
void t_threadexit(void);
void t_threadexec(void);
void t_threadfork(void);
void t_threadclone(void);
void t_threadfiles(void);
void t_threadvm(void);
void t_threadwait(void);
void t_threadexecrace(void);
void t_threadexectid(void);
void exec_helper(char *what);                     // usertests -x NAME

// ---- anonymous mappings (ut/mmap.c) ----
void t_mmapzero(void);
void t_mmapshared(void);
void t_mmapguard(void);
void t_mmapbad(void);
void t_mmapexec(void);
void t_mmapstack(void);

// ---- memory shared by threads: races with munmap/sbrk, stack guards (ut/mmthread.c) ----
void t_munmaprace(void);
void t_sbrkrace(void);
void t_threadstacks(void);

// ---- the scheduler (ut/sched.c) ----
void t_rrfair(void);
void t_killfutexrace(void);

// ---- the POSIX runtime's calls 46-50 (ut/posixcalls.c) ----
void t_posixcalls(void);

// ---- the shared address space (ut/aspace.c) ----
void t_kernwindow(void);
void t_kwinalloc(void);
void t_threadnosatp(void);
void t_tlbremap(void);

// ---- /proc (ut/procfs.c) ----
void t_procthreads(void);
void t_procmaps(void);
void t_procstacks(void);
void t_procfds(void);
void t_proczombie(void);
void t_procbad(void);
void t_procroot(void);
void t_procsignals(void);

// ---- PID namespaces (ut/pidns.c) ----
void t_pidnsself(void);
void t_pidnskill(void);
void t_pidnsreap(void);
void t_pidnsdeath(void);
void t_pidnsnest(void);
void t_pidnspgrp(void);
// ---- signals (ut/signal.c, ut/sigcalls.c; shared helpers in ut/sig.h) ----
void t_sighandler(void);
void t_sigignore(void);
void t_sigdefault(void);
void t_sigkillblocked(void);
void t_sigthreadmask(void);
void t_sigregs(void);
void t_signested(void);
void t_sigrestart(void);
void t_sigsuspend(void);
void t_sigpending(void);
void t_sigalarm(void);
void t_sigchld(void);
void t_sigwnohang(void);
void t_sigstop(void);
void t_sigclone(void);
void t_sigexec(void);
void t_sigfault(void);
void t_sigbadframe(void);
void t_sigbadptr(void);
void t_sigfpregs(void);
void t_fpswitch(void);
void sigexec_after_exec(void);                    // usertests -x sigexec

#endif
