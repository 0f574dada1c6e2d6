// cat.c: copy each named file (or standard input) to standard output.
// Exits 1 on the first file that cannot be opened, read or written.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char chunk[1024];

// Copy fd to stdout until end of file; name is for error messages.
static void
copy_out(int fd, const char *name)
{
  int got;
  while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
    if (write(1, chunk, got) != got) {
      fprintf(2, "cat: write error\n");
      exit(1);
    }
  }
  if (got < 0) {
    fprintf(2, "cat: read error on %s\n", name);
    exit(1);
  }
}

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    copy_out(0, "standard input");
    exit(0);
  }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      exit(1);
    }
    copy_out(fd, argv[i]);
    close(fd);
  }
  exit(0);
}
