// sh/sh.h: what the shell's two files share: the command tree the parser
// (user/sh.c) builds, and job control (user/sh/jobs.c, docs/jobs.md).
// Include after "kernel/types.h", "kernel/param.h" and "user/user.h".
#ifndef WEFT_SH_H
#define WEFT_SH_H

#define MAX_REDIRS 4

enum nodekind { N_CMD, N_SUBSHELL, N_PIPE };

struct redir {
  int fd;        // 0 for <, 1 for > and >>
  int append;    // >>: start writing at the end of the file
  int flags;     // open() flags
  char *path;
};

struct node {
  enum nodekind kind;
  // N_CMD
  char *argv[MAXARG + 1];
  int argc;
  // N_CMD and N_SUBSHELL
  struct redir redirs[MAX_REDIRS];
  int nredir;
  // N_SUBSHELL: body is a list; N_PIPE: left | right
  struct node *body, *left, *right;
  // list linkage: the next element, and whether this one ends with '&'
  struct node *next;
  int background;
};

// ---- job control (sh/jobs.c); all of it does nothing unless jobs_init
// found the console on standard input ----
void jobs_init(void);                // our own group, the console's foreground
int  jobs_on(void);                  // job control is on
void job_child_setup(void);          // in a job's child, before it runs anything
int  job_run(int pid, struct node *n); // the shell's side of a new job: its status
int  job_builtin(struct node *n);    // fg, bg, jobs: 1 if n was one (and ran)
void jobs_reap(void);                // before a prompt: report ended and stopped jobs
int  prompt_interrupted(void);       // a ^C came since the last call
void jobs_hang_up(void);             // the shell is leaving: SIGHUP stopped jobs

#endif
