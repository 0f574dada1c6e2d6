// kill.c: kill [-SIGNAME | -SIGSIGNAME | -N] pid... -- send a signal to
// each listed process, as Linux's kill does. Without a signal it sends
// SIGTERM, whose default action ends the process (xv6's kill, the kill()
// system call, ends it outright with status -1; `kill -KILL` is the
// signal-number way to do that). A negative pid -G means every process of
// group G. `kill -l` lists the signal names and numbers.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/signal.h"

static const struct {
  char *name;
  int sig;
} names[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "ILL", SIGILL },
  { "ABRT", SIGABRT }, { "BUS", SIGBUS },   { "FPE", SIGFPE },   { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
  { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
  { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static int
is_number(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return 0;
  return 1;
}

// "9", "KILL" or "SIGKILL" -> 9; -1 if it names no signal.
static int
parse_signal(const char *s)
{
  if (is_number(s)) {
    int n = atoi(s);
    return n < NSIG ? n : -1;
  }
  if (s[0] == 'S' && s[1] == 'I' && s[2] == 'G')
    s += 3;
  for (int i = 0; i < NNAMES; i++)
    if (strcmp(s, names[i].name) == 0)
      return names[i].sig;
  return -1;
}

static void
list_signals(void)
{
  for (int i = 0; i < NNAMES; i++)
    printf("%d %s\n", names[i].sig, names[i].name);
}

int
main(int argc, char **argv)
{
  int sig = SIGTERM;
  int first = 1;

  if (argc == 2 && strcmp(argv[1], "-l") == 0) {
    list_signals();
    exit(0);
  }
  if (argc > 1 && argv[1][0] == '-') {
    sig = parse_signal(argv[1] + 1);
    if (sig < 0) {
      fprintf(2, "kill: no such signal: %s (kill -l lists them)\n", argv[1] + 1);
      exit(1);
    }
    first = 2;
  }
  if (first >= argc) {
    fprintf(2, "usage: kill [-SIGNAME | -N] pid...   (-G: group G; kill -l: the names)\n");
    exit(1);
  }
  int status = 0;
  for (int i = first; i < argc; i++) {
    char *arg = argv[i];
    int group = (arg[0] == '-');
    if (!is_number(arg + group)) {
      fprintf(2, "kill: not a pid: %s\n", arg);
      status = 1;
      continue;
    }
    int id = atoi(arg + group);
    if ((group ? killpg(id, sig) : sigsend(id, sig)) < 0) {
      fprintf(2, "kill: no %s %d\n", group ? "process group" : "process", id);
      status = 1;
    }
  }
  exit(status);
}
