// ut/pgrp.c: usertests on process groups and the console's foreground
// group (kernel/pgrp.c, docs/jobs.md): who may move whom into which group,
// what tcsetpgrp accepts, and a whole group stopped, continued and killed
// while a process outside it runs on.
// Each test runs in a child of the runner and may move that child into a
// group of its own; it reaps every child it forks and puts the console's
// foreground group back as it found it.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/signal.h"
#include "user/ut/ut.h"

#define NO_SUCH_ID 999999     // ids count up from 1: none is this large

// A child that waits until its parent closes the pipe, then exits.
static int
waiting_child(int ends[2])
{
  int pid = fork();
  CHECK(pid >= 0, "fork failed");
  if (pid == 0) {
    char c;
    close(ends[1]);
    read(ends[0], &c, 1);
    exit(0);
  }
  return pid;
}

void
t_pgrpset(void)
{
  int me = getpid();
  int mine = getpgid(0);
  CHECK(mine > 0, "getpgid(0) = %d, expected a group number", mine);
  CHECK(getpgid(me) == mine, "getpgid(getpid()) = %d, getpgid(0) = %d", getpgid(me), mine);

  // A new group of our own: its number is our pid.
  CHECK(setpgid(0, 0) == 0, "setpgid(0, 0) failed");
  CHECK(getpgid(0) == me, "after setpgid(0, 0): group %d, expected our pid %d", getpgid(0), me);

  int ends[2];
  CHECK(pipe(ends) == 0, "pipe failed");
  int a = waiting_child(ends);
  int b = waiting_child(ends);
  CHECK(getpgid(a) == me, "a child starts in group %d, expected ours (%d)", getpgid(a), me);

  // A child leads a new group; a second child joins it.
  CHECK(setpgid(a, 0) == 0, "setpgid(child, 0) failed");
  CHECK(getpgid(a) == a, "child's group %d, expected its pid %d", getpgid(a), a);
  CHECK(setpgid(b, a) == 0, "setpgid(child b, group of a) failed");
  CHECK(getpgid(b) == a, "child b's group %d, expected %d", getpgid(b), a);
  // And back into ours.
  CHECK(setpgid(b, me) == 0, "setpgid(child b, our group) failed");
  CHECK(getpgid(b) == me, "child b's group %d, expected ours (%d)", getpgid(b), me);

  // What must be refused.
  CHECK(setpgid(b, NO_SUCH_ID) == -1, "setpgid into a group that does not exist succeeded");
  CHECK(setpgid(1, 0) == -1, "setpgid of init (not our child) succeeded");
  CHECK(setpgid(NO_SUCH_ID, 0) == -1, "setpgid of a pid that does not exist succeeded");
  CHECK(setpgid(-1, 0) == -1, "setpgid(-1, 0) succeeded");
  CHECK(setpgid(0, -5) == -1, "setpgid(0, -5) succeeded");
  CHECK(getpgid(-1) == -1, "getpgid(-1) = %d", getpgid(-1));
  CHECK(getpgid(NO_SUCH_ID) == -1, "getpgid of no process = %d", getpgid(NO_SUCH_ID));
  CHECK(getpgid(1) > 0, "getpgid(1) = %d: anyone may ask about init", getpgid(1));

  // A grandchild is not our child.
  int g[2];
  CHECK(pipe(g) == 0, "pipe failed");
  int mid = fork();
  CHECK(mid >= 0, "fork failed");
  if (mid == 0) {
    int grand = waiting_child(ends);
    close(ends[1]);         // or the grandchild would never see end of file
    write(g[1], &grand, sizeof(grand));
    wait(0);
    exit(0);
  }
  int grand = 0;
  CHECK(read(g[0], &grand, sizeof(grand)) == sizeof(grand), "no grandchild pid");
  CHECK(setpgid(grand, 0) == -1, "setpgid of a grandchild succeeded");
  CHECK(getpgid(grand) == me, "grandchild's group %d, expected ours (%d)", getpgid(grand), me);
  close(g[0]);
  close(g[1]);

  close(ends[0]);
  close(ends[1]);
  for (int i = 0; i < 3; i++)
    CHECK(wait(0) > 0, "a child was lost");

  // A zombie child cannot move any more, but its group number is still known.
  int z = fork();
  CHECK(z >= 0, "fork failed");
  if (z == 0)
    exit(0);
  // Allowed while it lives; refused once it has exited (give it 5 s).
  int tries = 0;
  while (setpgid(z, z) == 0 && tries++ < 500)
    sleep(1);
  CHECK(setpgid(z, 0) == -1, "setpgid of a zombie child succeeded");
  CHECK(wait(0) == z, "the zombie was not reaped");
  CHECK(getpgid(z) == -1, "getpgid of a reaped child = %d", getpgid(z));
}

void
t_pgrptc(void)
{
  int old = tcgetpgrp();
  CHECK(old >= 0, "tcgetpgrp() = %d", old);
  CHECK(tcsetpgrp(0) == -1, "tcsetpgrp(0) succeeded");
  CHECK(tcsetpgrp(-3) == -1, "tcsetpgrp(-3) succeeded");
  CHECK(tcsetpgrp(NO_SUCH_ID) == -1, "tcsetpgrp of a group that does not exist succeeded");
  CHECK(tcgetpgrp() == old, "a refused tcsetpgrp changed the foreground to %d", tcgetpgrp());

  CHECK(setpgid(0, 0) == 0, "setpgid(0, 0) failed");
  CHECK(tcsetpgrp(getpid()) == 0, "tcsetpgrp of our own new group failed");
  CHECK(tcgetpgrp() == getpid(), "tcgetpgrp() = %d, expected %d", tcgetpgrp(), getpid());

  // A group whose last member was reaped is gone.
  int c = fork();
  CHECK(c >= 0, "fork failed");
  if (c == 0) {
    setpgid(0, 0);
    exit(0);
  }
  CHECK(wait(0) == c, "child not reaped");
  CHECK(tcsetpgrp(c) == -1, "tcsetpgrp of a group whose only member was reaped succeeded");

  if (old > 0)
    CHECK(tcsetpgrp(old) == 0, "could not give the foreground back to group %d", old);
}

// ---- a whole group stopped, continued and killed (killpg, waitpid) ---------

#define NMEMBERS 3

// Count for ever in a shared page, so the parent can see who runs.
static void __attribute__((noreturn))
count_forever(volatile uint64 *counter)
{
  for (;;)
    (*counter)++;
}

// Wait until every counter in c[0..n) has moved past its value in before[].
static int
all_moving(volatile uint64 *c, uint64 *before, int n)
{
  for (int t = 0; t < 300; t++) {
    int moved = 0;
    for (int i = 0; i < n; i++)
      moved += (c[i] != before[i]);
    if (moved == n)
      return 1;
    sleep(1);
  }
  return 0;
}

void
t_pgrpstop(void)
{
  volatile uint64 *c = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(c != MAP_FAILED, "mmap of a shared page failed");
  int pid[NMEMBERS + 1];
  // Members 0..NMEMBERS-1 form a group led by the first; the last child
  // stays outside it and must not notice anything.
  for (int i = 0; i <= NMEMBERS; i++) {
    pid[i] = fork();
    CHECK(pid[i] >= 0, "fork failed");
    if (pid[i] == 0)
      count_forever(&c[i]);
    if (i < NMEMBERS)
      CHECK(setpgid(pid[i], pid[0]) == 0, "setpgid(member %d, %d) failed", i, pid[0]);
  }
  int g = pid[0];
  uint64 before[NMEMBERS + 1];
  memset(before, 0, sizeof(before));
  CHECK(all_moving(c, before, NMEMBERS + 1), "the children never started counting");

  CHECK(killpg(g, SIGSTOP) == 0, "killpg(%d, SIGSTOP) failed", g);
  for (int i = 0; i < NMEMBERS; i++) {
    int st = 0;
    CHECK(waitpid(pid[i], &st, WUNTRACED) == pid[i], "waitpid(member %d, WUNTRACED) failed", i);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
          "member %d: status 0x%x, expected stopped by SIGSTOP", i, st);
  }
  for (int i = 0; i <= NMEMBERS; i++)
    before[i] = c[i];
  sleep(10);
  for (int i = 0; i < NMEMBERS; i++)
    CHECK(c[i] == before[i], "member %d went on counting while stopped", i);
  CHECK(c[NMEMBERS] != before[NMEMBERS], "the child outside the group stopped too");

  CHECK(killpg(g, SIGCONT) == 0, "killpg(%d, SIGCONT) failed", g);
  for (int i = 0; i < NMEMBERS; i++)
    before[i] = c[i];
  CHECK(all_moving(c, before, NMEMBERS), "a member did not go on after SIGCONT");

  CHECK(killpg(g, SIGKILL) == 0, "killpg(%d, SIGKILL) failed", g);
  for (int i = 0; i < NMEMBERS; i++) {
    int st = 0;
    CHECK(waitpid(pid[i], &st, 0) == pid[i], "member %d was not reaped", i);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "member %d: status 0x%x, expected killed by SIGKILL", i, st);
  }
  CHECK(killpg(g, SIGKILL) == -1, "killpg of a group with no process left succeeded");
  CHECK(sigsend(pid[NMEMBERS], SIGKILL) == 0, "the outsider is gone");
  CHECK(waitpid(pid[NMEMBERS], 0, 0) == pid[NMEMBERS], "the outsider was not reaped");
  munmap((void *)c, PGSIZE);
}

// ---- sigsend(-pgid) and sigsend(0): the kernel signals a whole group ------

void
t_pgrpsend(void)
{
  int pid[NMEMBERS + 1];
  for (int i = 0; i <= NMEMBERS; i++) {
    pid[i] = fork();
    CHECK(pid[i] >= 0, "fork failed");
    if (pid[i] == 0) {
      if (i == NMEMBERS - 1) {
        // The last member signals its own group, itself included: sigsend(0, ...).
        sleep(5);
        sigsend(0, SIGTERM);
        exit(3);               // not reached if the signal came
      }
      sleep(300);              // the signal should end this much sooner
      exit(4);
    }
    if (i < NMEMBERS)
      CHECK(setpgid(pid[i], pid[0]) == 0, "setpgid(member %d, %d) failed", i, pid[0]);
  }
  int g = pid[0];
  for (int i = 0; i < NMEMBERS; i++) {
    int st = 0;
    CHECK(waitpid(pid[i], &st, 0) == pid[i], "member %d was not reaped", i);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
          "member %d: status 0x%x, expected killed by SIGTERM from sigsend(0, SIGTERM)", i, st);
  }
  CHECK(sigsend(pid[NMEMBERS], 0) == 0, "the child outside the group was signalled too");
  CHECK(sigsend(-g, 0) == -1, "sigsend(-%d, 0) of an empty group succeeded", g);
  CHECK(sigsend(-999999, SIGKILL) == -1, "sigsend to a group that never existed succeeded");
  CHECK(sigsend(-1, SIGKILL) == -1, "sigsend(-1, ...) (every process) is not supported: expected -1");

  // A group the kernel walks: the outsider alone, by -pid.
  CHECK(setpgid(pid[NMEMBERS], 0) == 0, "setpgid(outsider, 0) failed");
  CHECK(sigsend(-pid[NMEMBERS], SIGKILL) == 0, "sigsend(-%d, SIGKILL) failed", pid[NMEMBERS]);
  int st = 0;
  CHECK(waitpid(pid[NMEMBERS], &st, 0) == pid[NMEMBERS] && WIFSIGNALED(st) &&
        WTERMSIG(st) == SIGKILL, "the outsider: status 0x%x, expected killed by SIGKILL", st);
}

// ---- waitpid(0) and waitpid(-pgid): waiting for the children of a group ---

void
t_pgrpwait(void)
{
  int ends[2], st = 0;
  CHECK(setpgid(0, 0) == 0, "setpgid(0, 0) failed");   // waitpid(0) now means our own group
  CHECK(pipe(ends) == 0, "pipe failed");
  int a = waiting_child(ends);       // a leads a group; b joins it
  int b = waiting_child(ends);
  CHECK(setpgid(a, a) == 0 && setpgid(b, a) == 0, "setpgid of the children failed");
  int c = fork();                    // stays in our group and exits at once
  CHECK(c >= 0, "fork failed");
  if (c == 0)
    exit(7);

  // c may already be a zombie, but it is not in a's group.
  CHECK(waitpid(-a, 0, WNOHANG) == 0,
        "waitpid(-%d, WNOHANG) reported a child though no member of the group has exited", a);
  CHECK(waitpid(0, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7,
        "waitpid(0) did not reap child %d of our group (status 0x%x)", c, st);
  CHECK(waitpid(0, 0, WNOHANG) == -1, "waitpid(0) with no child left in our group: expected -1");

  close(ends[0]);
  close(ends[1]);                    // a and b exit now
  int got = 0;
  for (int i = 0; i < 2; i++) {
    int w = waitpid(-a, &st, 0);
    CHECK(w == a || w == b, "waitpid(-%d) returned %d, expected %d or %d", a, w, a, b);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "member %d: status 0x%x", w, st);
    got |= (w == a) ? 1 : 2;
  }
  CHECK(got == 3, "waitpid(-%d) reported one member twice", a);
  CHECK(waitpid(-a, 0, 0) == -1, "waitpid(-%d) of an emptied group: expected -1", a);
  CHECK(waitpid(-NO_SUCH_ID, 0, 0) == -1, "waitpid of a group that never existed: expected -1");
}
