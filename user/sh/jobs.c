// sh/jobs.c: the shell's job control (docs/jobs.md): process groups, the
// console's foreground group, and the fg, bg and jobs built-ins.
//
// Each top-level element of a line (user/sh.c's run_list) is a job. A
// job's process group is led by the child the shell forked for it, so
// its number is that child's pid; waitpid on the leader tells when the job
// ended or stopped. The shell catches SIGINT (^C at the prompt gives a
// fresh prompt) and ignores SIGTSTP; every child puts both back to the
// default before it runs anything.
// State: jobs[] lists the stopped and background jobs across lines; it is
// touched only between commands, never by the signal handler, which only
// sets got_interrupt. Off unless standard input is the console: then no
// groups are made, fg, bg and jobs only say so, and `sh < script` runs
// xv6 scripts as it always did.
// Reading order: jobs_init, job_child_setup, job_run and wait_foreground,
// jobs_reap, job_builtin.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/signal.h"
#include "user/sh/sh.h"

#define MAX_JOBS 8
#define JOB_TEXT 48

struct job {
  int pgid;              // 0: a free slot
  int stopped;
  int seq;               // when it last stopped or went to the background
  char text[JOB_TEXT];   // the command, for messages
};

static struct job jobs[MAX_JOBS];
static int job_seq;
static int job_control;          // standard input is the console
static int shell_pgid;
static volatile int got_interrupt;

static void
on_interrupt(int sig)
{
  got_interrupt = 1;
}

static void
set_action(int sig, void (*handler)(int))
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = handler;
  sigaction(sig, &sa, 0);
}

int
jobs_on(void)
{
  return job_control;
}

// A ^C came since the last call (and the flag is cleared).
int
prompt_interrupted(void)
{
  int got = got_interrupt;
  got_interrupt = 0;
  return got;
}

// Interactive only: a group of our own that owns the console.
void
jobs_init(void)
{
  struct stat st;
  if (fstat(0, &st) < 0 || st.type != T_DEVICE)
    return;
  job_control = 1;
  setpgid(0, 0);
  shell_pgid = getpid();
  tcsetpgrp(shell_pgid);
  set_action(SIGINT, on_interrupt);
  set_action(SIGTSTP, SIG_IGN);
}

// In a job's child, before anything runs: its own group, default signals
// (exec keeps an ignored signal ignored).
void
job_child_setup(void)
{
  setpgid(0, 0);
  set_action(SIGINT, SIG_DFL);
  set_action(SIGTSTP, SIG_DFL);
}

static void
append(char *out, const char *s)
{
  int len = strlen(out);
  while (*s && len < JOB_TEXT - 1)
    out[len++] = *s++;
  out[len] = '\0';
}

// The command n, roughly as typed (no redirections or quotes), into out.
static void
describe(struct node *n, char *out)
{
  switch (n->kind) {
  case N_CMD:
    for (int i = 0; i < n->argc; i++) {
      append(out, i ? " " : "");
      append(out, n->argv[i]);
    }
    break;
  case N_SUBSHELL:
    append(out, "(");
    for (struct node *b = n->body; b; b = b->next) {
      describe(b, out);
      append(out, b->background ? " &" : "");
      append(out, b->next ? "; " : "");
    }
    append(out, ")");
    break;
  case N_PIPE:
    describe(n->left, out);
    append(out, " | ");
    describe(n->right, out);
    break;
  }
}

static void
job_print(struct job *j, const char *what)
{
  fprintf(2, "[%d] %s  %s\n", (int)(j - jobs) + 1, what, j->text);
}

// Remember group pgid, running command n; 0 if jobs[] is full.
static struct job *
job_add(int pgid, struct node *n)
{
  for (struct job *j = jobs; j < &jobs[MAX_JOBS]; j++) {
    if (j->pgid == 0) {
      j->pgid = pgid;
      j->stopped = 0;
      j->seq = ++job_seq;
      j->text[0] = '\0';
      describe(n, j->text);
      return j;
    }
  }
  return 0;
}

static struct job *
job_find(int pgid)
{
  for (struct job *j = jobs; j < &jobs[MAX_JOBS]; j++)
    if (j->pgid == pgid)
      return j;
  return 0;
}

// A job just sent to the background with '&'.
static void
job_started(int pgid, struct node *n)
{
  struct job *j = job_add(pgid, n);
  if (j)
    fprintf(2, "[%d] %d\n", (int)(j - jobs) + 1, pgid);
  else
    fprintf(2, "sh: more than %d jobs: pid %d is not listed\n", MAX_JOBS, pgid);
}

// The leader of job pgid stopped: list it (j, or a new entry for n).
static void
job_stopped(int pgid, struct job *j, struct node *n)
{
  if (j == 0 && (j = job_add(pgid, n)) == 0) {
    fprintf(2, "sh: more than %d jobs: pid %d goes on in the background\n",
            MAX_JOBS, pgid);
    killpg(pgid, SIGCONT);
    return;
  }
  j->stopped = 1;
  j->seq = ++job_seq;
  job_print(j, "Stopped");
}

// Give the console to group pgid, wait until its leader ends or stops,
// and take the console back. j is the job if it is listed already (fg),
// else n is its command. Returns the leader's status word.
static int
wait_foreground(int pgid, struct job *j, struct node *n)
{
  int status = 0;
  tcsetpgrp(pgid);
  int r;
  // Only a SIGINT sent to the shell itself (kill -INT) can cut this short.
  while ((r = waitpid(pgid, &status, WUNTRACED)) < 0 && prompt_interrupted())
    ;
  tcsetpgrp(shell_pgid);
  if (r == pgid && WIFSTOPPED(status))
    job_stopped(pgid, j, n);
  else if (j)
    j->pgid = 0;
  return status;
}

// The shell's side of a job whose leader it just forked: the leader's
// status for a foreground job, 0 for a background one.
int
job_run(int pid, struct node *n)
{
  setpgid(pid, pid);          // the child does the same: whichever runs first
  if (!n->background)
    return wait_foreground(pid, 0, n);
  job_started(pid, n);
  return 0;
}

// Before each prompt: report background jobs that ended or stopped, and
// reap every other child that ended.
void
jobs_reap(void)
{
  int status, pid;
  if (!job_control)
    return;
  while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
    struct job *j = job_find(pid);
    if (j == 0)
      continue;
    if (WIFSTOPPED(status)) {
      job_stopped(pid, j, 0);
    } else {
      job_print(j, WIFSIGNALED(status) ? "Killed" : "Done");
      j->pgid = 0;
    }
  }
}

// The job `fg N` or `bg N` names (%N works too); the newest without N.
static struct job *
job_named(struct node *n)
{
  struct job *pick = 0;
  if (n->argc > 1) {
    int k = atoi(n->argv[1] + (n->argv[1][0] == '%'));
    if (k >= 1 && k <= MAX_JOBS && jobs[k - 1].pgid)
      pick = &jobs[k - 1];
  } else {
    for (struct job *j = jobs; j < &jobs[MAX_JOBS]; j++)
      if (j->pgid && (pick == 0 || j->seq > pick->seq))
        pick = j;
  }
  if (pick == 0)
    fprintf(2, "sh: %s: no such job\n", n->argv[0]);
  return pick;
}

// fg, bg and jobs run in the shell itself. Returns 1 if n was one of them.
int
job_builtin(struct node *n)
{
  if (n->kind != N_CMD || n->background)
    return 0;
  char *name = n->argv[0];
  if (strcmp(name, "jobs") && strcmp(name, "fg") && strcmp(name, "bg"))
    return 0;
  if (!job_control) {
    fprintf(2, "sh: %s: no job control (input is not the console)\n", name);
    return 1;
  }
  if (strcmp(name, "jobs") == 0) {
    for (struct job *j = jobs; j < &jobs[MAX_JOBS]; j++)
      if (j->pgid)
        job_print(j, j->stopped ? "Stopped" : "Running");
    return 1;
  }
  struct job *j = job_named(n);
  if (j == 0)
    return 1;
  j->stopped = 0;
  if (name[0] == 'f') {
    fprintf(2, "%s\n", j->text);
    tcsetpgrp(j->pgid);           // before it runs: its first read is in front
    killpg(j->pgid, SIGCONT);
    wait_foreground(j->pgid, j, 0);
  } else {
    j->seq = ++job_seq;
    fprintf(2, "[%d] %s &\n", (int)(j - jobs) + 1, j->text);
    killpg(j->pgid, SIGCONT);
  }
  return 1;
}

// The shell is leaving: a stopped job would wait for ever, so hang it up
// (SIGHUP, then SIGCONT so it can act on it), as Linux does to orphans.
void
jobs_hang_up(void)
{
  for (struct job *j = jobs; j < &jobs[MAX_JOBS]; j++) {
    if (j->pgid && j->stopped) {
      killpg(j->pgid, SIGHUP);
      killpg(j->pgid, SIGCONT);
    }
  }
}

