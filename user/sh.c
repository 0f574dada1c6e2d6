// sh.c: the weft shell.
//
// A line goes through three stages:
//   1. lex()   splits it into tokens (words and the operators | ; & < > >> ( )),
//              copying each word, unquoted, into a per-line arena;
//   2. parse_*() builds a small tree of struct node by recursive descent:
//        list     := pipeline { (';' | '&') pipeline }
//        pipeline := command [ '|' pipeline ]
//        command  := '(' list ')' { redir } | { word | redir }+
//        redir    := ('<' | '>' | '>>') word
//   3. run_list() walks the top-level list in the shell itself (so `cd`,
//      `fg`, `bg` and `jobs` can act on the shell) and forks one child for
//      each other element; run_node() runs a subtree inside such a child and
//      never returns.
// Job control (docs/jobs.md), on when standard input is the console: each
// top-level element runs in a process group of its own, the console's
// foreground group unless it ends with '&'; a job that stops (^Z) or runs
// in the background waits in jobs[] for fg, bg and jobs. Read from a file
// (`sh < script`), the shell runs xv6 scripts as before: no groups.
// State: all nodes, tokens and words live in static per-line pools that are
// reset before each line, so nothing is ever freed; jobs[] lives across
// lines (sh/jobs.c). Single-threaded; sh/jobs.c's SIGINT handler only sets
// a flag.
// Invariant: the shell process itself never execs and never changes its own
// fds 0-2; redirections happen only in children.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/sh/sh.h"

#define LINE_MAX   512
#define MAX_TOKENS 128
#define MAX_NODES  64

// ---------------------------------------------------------------- tokens

enum tokkind { TK_END, TK_WORD, TK_PIPE, TK_SEMI, TK_AMP, TK_IN, TK_OUT,
               TK_APPEND, TK_OPEN, TK_CLOSE };

struct token {
  enum tokkind kind;
  char *word;          // TK_WORD only: NUL-terminated, in the arena
};

static struct token tokens[MAX_TOKENS];
static char arena[LINE_MAX * 2];

// Spaces, tabs, newlines -- and every other control character: a ^L (form
// feed) typed at the prompt is not a command, and no program is named
// with one.
static int
is_blank(char c)
{
  return c == ' ' || (c != '\0' && (uchar)c < ' ') || c == 0x7f;
}

static int
is_special(char c)
{
  return strchr("|;&<>()", c) != 0;
}

// Operator starting at *s, or TK_END when *s does not start one.
static enum tokkind
operator_at(const char *s, int *len)
{
  *len = 1;
  switch (*s) {
  case '|': return TK_PIPE;
  case ';': return TK_SEMI;
  case '&': return TK_AMP;
  case '<': return TK_IN;
  case '(': return TK_OPEN;
  case ')': return TK_CLOSE;
  case '>':
    if (s[1] == '>') {
      *len = 2;
      return TK_APPEND;
    }
    return TK_OUT;
  }
  return TK_END;
}

// Copy one word starting at *sp into the arena at *ap, honouring '...' and
// "..." quoting. Returns 0, or -1 for an unterminated quote.
static int
lex_word(const char **sp, char **ap)
{
  const char *s = *sp;
  char *out = *ap;
  while (*s && !is_blank(*s) && !is_special(*s)) {
    if (*s == '\'' || *s == '"') {
      char quote = *s++;
      while (*s && *s != quote)
        *out++ = *s++;
      if (*s != quote)
        return -1;
      s++;
    } else {
      *out++ = *s++;
    }
  }
  *out++ = '\0';
  *sp = s;
  *ap = out;
  return 0;
}

// Split line into tokens[]; the last one is TK_END. A '#' at the start of
// a word begins a comment. Returns 0, or -1 after printing what was wrong.
static int
lex(const char *line)
{
  char *ap = arena;
  int n = 0;

  for (;;) {
    while (is_blank(*line))
      line++;
    if (n == MAX_TOKENS - 1) {
      fprintf(2, "sh: line too complicated\n");
      return -1;
    }
    if (*line == '\0' || *line == '#') {
      tokens[n].kind = TK_END;
      return 0;
    }
    int len;
    enum tokkind op = operator_at(line, &len);
    if (op != TK_END) {
      tokens[n++].kind = op;
      line += len;
      continue;
    }
    tokens[n].kind = TK_WORD;
    tokens[n].word = ap;
    n++;
    if (lex_word(&line, &ap) < 0) {
      fprintf(2, "sh: unterminated quote\n");
      return -1;
    }
  }
}

// ---------------------------------------------------------------- tree

static struct node nodes[MAX_NODES];
static int nodes_used;

struct parser {
  int pos;       // index of the current token
  int failed;    // set once; every parse_* then unwinds with 0
};

static struct node *parse_list(struct parser *p);

static struct node*
new_node(struct parser *p, enum nodekind kind)
{
  if (nodes_used == MAX_NODES) {
    fprintf(2, "sh: line too complicated\n");
    p->failed = 1;
    return 0;
  }
  struct node *n = &nodes[nodes_used++];
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  return n;
}

static enum tokkind
peek(struct parser *p)
{
  return tokens[p->pos].kind;
}

static struct node*
syntax_error(struct parser *p, const char *what)
{
  if (!p->failed)
    fprintf(2, "sh: syntax error: %s\n", what);
  p->failed = 1;
  return 0;
}

static int
is_redirect(enum tokkind k)
{
  return k == TK_IN || k == TK_OUT || k == TK_APPEND;
}

// Parse one redirection (current token is <, > or >>) into n.
static int
parse_redirect(struct parser *p, struct node *n)
{
  enum tokkind op = tokens[p->pos++].kind;
  if (peek(p) != TK_WORD) {
    syntax_error(p, "redirection without a file name");
    return -1;
  }
  if (n->nredir == MAX_REDIRS) {
    syntax_error(p, "too many redirections");
    return -1;
  }
  struct redir *r = &n->redirs[n->nredir++];
  r->path = tokens[p->pos++].word;
  r->append = 0;
  if (op == TK_IN) {
    r->fd = 0;
    r->flags = O_RDONLY;
  } else {
    r->fd = 1;
    r->flags = (op == TK_OUT ? O_WRONLY | O_TRUNC : O_RDWR) | O_CREATE;
    r->append = (op == TK_APPEND);
  }
  return 0;
}

static struct node*
parse_command(struct parser *p)
{
  struct node *n;

  if (peek(p) == TK_OPEN) {
    p->pos++;
    if ((n = new_node(p, N_SUBSHELL)) == 0)
      return 0;
    n->body = parse_list(p);
    if (p->failed)
      return 0;
    if (peek(p) != TK_CLOSE)
      return syntax_error(p, "missing )");
    p->pos++;
    if (n->body == 0)
      return syntax_error(p, "empty ( )");
    while (is_redirect(peek(p)))
      if (parse_redirect(p, n) < 0)
        return 0;
    return n;
  }

  if ((n = new_node(p, N_CMD)) == 0)
    return 0;
  for (;;) {
    enum tokkind k = peek(p);
    if (k == TK_WORD) {
      if (n->argc == MAXARG)
        return syntax_error(p, "too many arguments");
      n->argv[n->argc++] = tokens[p->pos++].word;
    } else if (is_redirect(k)) {
      if (parse_redirect(p, n) < 0)
        return 0;
    } else {
      break;
    }
  }
  if (n->argc == 0)
    return syntax_error(p, "missing command");
  n->argv[n->argc] = 0;
  return n;
}

static struct node*
parse_pipeline(struct parser *p)
{
  struct node *lhs = parse_command(p);
  if (lhs == 0 || peek(p) != TK_PIPE)
    return lhs;
  p->pos++;
  struct node *rhs = parse_pipeline(p);
  if (rhs == 0)
    return 0;
  struct node *n = new_node(p, N_PIPE);
  if (n == 0)
    return 0;
  n->left = lhs;
  n->right = rhs;
  return n;
}

// A list ends at the end of the line or at a ')' (left for the caller).
// Returns its first element, or 0 for an empty list or an error (p->failed).
static struct node*
parse_list(struct parser *p)
{
  struct node *head = 0, *tail = 0;

  while (peek(p) != TK_END && peek(p) != TK_CLOSE) {
    struct node *n = parse_pipeline(p);
    if (n == 0)
      return 0;
    if (peek(p) == TK_AMP) {
      n->background = 1;
      p->pos++;
    } else if (peek(p) == TK_SEMI) {
      p->pos++;
    } else if (peek(p) != TK_END && peek(p) != TK_CLOSE) {
      return syntax_error(p, "unexpected token");
    }
    if (tail)
      tail->next = n;
    else
      head = n;
    tail = n;
  }
  return head;
}

// ---------------------------------------------------------------- running

static int run_list(struct node *head, int top);

static void
fail(const char *what)
{
  fprintf(2, "sh: %s\n", what);
  exit(1);
}

// Fork, reporting failure; the shell carries on without the command.
static int
spawn(void)
{
  int pid = fork();
  if (pid < 0)
    fprintf(2, "sh: fork failed\n");
  return pid;
}

// Wait for one particular child; other children reaped on the way (old
// background jobs) are simply let go. Returns its exit status.
static int
wait_for(int pid)
{
  int status = -1;
  for (;;) {
    int done = wait(&status);
    if (done == pid)
      return status;
    if (done < 0)
      return -1;
  }
}

// In a child: point fd 0 or 1 at each redirection's file, in order.
static void
apply_redirects(struct node *n)
{
  for (int i = 0; i < n->nredir; i++) {
    struct redir *r = &n->redirs[i];
    close(r->fd);
    // open returns the lowest free fd, which is the one just closed.
    int fd = open(r->path, r->flags);
    if (fd < 0) {
      fprintf(2, "sh: cannot open %s\n", r->path);
      exit(1);
    }
    if (fd != r->fd)
      fail("redirection landed on the wrong fd");
    // There is no O_APPEND or lseek: reading to the end moves the offset there.
    if (r->append) {
      char skip[512];
      while (read(fd, skip, sizeof(skip)) > 0)
        ;
    }
  }
}

// Make fd `target` a copy of `fd`, then close both ends of the pipe.
static void
wire_pipe(int target, int fd, int pipefds[2])
{
  close(target);
  if (dup(fd) != target)
    fail("pipe setup");
  close(pipefds[0]);
  close(pipefds[1]);
}

// Run one pipeline element in the current (child) process. Never returns.
static void __attribute__((noreturn))
run_node(struct node *n)
{
  switch (n->kind) {
  case N_CMD:
    apply_redirects(n);
    exec(n->argv[0], n->argv);
    // Programs live in the root directory: let "ls" work from anywhere.
    if (strchr(n->argv[0], '/') == 0) {
      char full[MAXPATH];
      if (strlen(n->argv[0]) + 2 <= sizeof(full)) {
        full[0] = '/';
        strcpy(full + 1, n->argv[0]);
        exec(full, n->argv);
      }
    }
    fprintf(2, "exec %s failed\n", n->argv[0]);
    exit(1);

  case N_SUBSHELL:
    apply_redirects(n);
    exit(run_list(n->body, 0));

  case N_PIPE: {
    int ends[2];
    if (pipe(ends) < 0)
      fail("pipe failed");
    int writer = spawn();
    if (writer == 0) {
      wire_pipe(1, ends[1], ends);
      run_node(n->left);
    }
    int reader = spawn();
    if (reader == 0) {
      wire_pipe(0, ends[0], ends);
      run_node(n->right);
    }
    // Close our copies, or the reader would never see end-of-file.
    close(ends[0]);
    close(ends[1]);
    if (writer > 0)
      wait_for(writer);
    exit(reader > 0 ? wait_for(reader) : 1);
  }
  }
  fail("unknown command node");
  exit(1);
}

// `cd DIR` (default "/") runs in the shell itself: a child's directory
// would vanish with the child.
static int
is_cd(struct node *n)
{
  return n->kind == N_CMD && strcmp(n->argv[0], "cd") == 0;
}

static int
builtin_cd(struct node *n)
{
  const char *dir = n->argc > 1 ? n->argv[1] : "/";
  if (chdir(dir) < 0) {
    fprintf(2, "cannot cd %s\n", dir);
    return 1;
  }
  return 0;
}

// Run each element of a list in turn; '&' elements are not waited for.
// At the top level (top) of an interactive shell each element is a job.
// Returns the status of the last foreground element.
static int
run_list(struct node *head, int top)
{
  int status = 0;
  for (struct node *n = head; n; n = n->next) {
    if (is_cd(n) && !n->background) {
      status = builtin_cd(n);
      continue;
    }
    if (top && job_builtin(n))
      continue;
    int as_job = top && jobs_on();
    int pid = spawn();
    if (pid == 0) {
      if (as_job)
        job_child_setup();
      run_node(n);
    }
    if (pid < 0) {
      status = 1;
    } else if (as_job) {
      status = job_run(pid, n);
    } else if (!n->background) {
      status = wait_for(pid);
    }
  }
  return status;
}

// ---------------------------------------------------------------- main

// Read one line into buf after prompting; returns 0 at end of input. A ^C
// typed at the prompt interrupts the read (SIGINT's handler): the line so
// far is dropped and an empty one returned, so the caller prompts again.
static int
read_line(char *buf, int size)
{
  int n = 0;
  prompt_interrupted();
  fprintf(2, "$ ");
  while (n + 1 < size) {
    int r = read(0, buf + n, 1);
    if (r < 0 && prompt_interrupted()) {
      buf[0] = '\n';
      n = 1;
      break;
    }
    if (r != 1)
      break;
    char c = buf[n++];
    if (c == '\n' || c == '\r')
      break;
  }
  buf[n] = '\0';
  return n > 0;
}

// The shell writes prompts to fd 2 and commands inherit 0-2, so make sure
// all three are open, on the console if nothing else.
static void
ensure_std_fds(void)
{
  int fd;
  while ((fd = open("console", O_RDWR)) >= 0) {
    if (fd >= 3) {
      close(fd);
      return;
    }
  }
}

int
main(void)
{
  static char line[LINE_MAX];

  ensure_std_fds();
  jobs_init();
  for (;;) {
    jobs_reap();
    if (!read_line(line, sizeof(line)))
      break;
    if (lex(line) < 0)
      continue;
    struct parser p = { 0, 0 };
    nodes_used = 0;
    struct node *list = parse_list(&p);
    if (!p.failed && peek(&p) != TK_END)
      syntax_error(&p, "unmatched )");
    if (p.failed || list == 0)
      continue;
    run_list(list, 1);
  }
  jobs_hang_up();
  exit(0);
}
