// ls.c: ls [path...] -- one line per entry: "NAME TYPE INO SIZE", with NAME
// padded to DIRSIZ characters (xv6's format). A directory argument lists
// its entries; anything else lists itself. No argument means ".".

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

// The last component of path ("a/b/c" -> "c").
static const char*
last_component(const char *path)
{
  const char *base = path;
  for (const char *p = path; *p; p++) {
    if (*p == '/' && p[1] != '\0')
      base = p + 1;
  }
  return base;
}

static void
print_entry(const char *name, struct stat *st)
{
  printf("%-14s %d %d %lu\n", name, st->type, st->ino, st->size);
}

// List every used slot of the directory open as fd, whose path is dir.
static void
list_directory(int fd, const char *dir)
{
  char path[512];
  int dirlen = strlen(dir);
  struct dirent de;
  struct stat st;

  if (dirlen + 1 + DIRSIZ + 1 > sizeof(path)) {
    fprintf(2, "ls: path too long\n");
    return;
  }
  strcpy(path, dir);
  path[dirlen] = '/';
  char *slot = path + dirlen + 1;

  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    // Directory names are not NUL-terminated when they fill DIRSIZ.
    memmove(slot, de.name, DIRSIZ);
    slot[DIRSIZ] = '\0';
    if (stat(path, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", path);
      continue;
    }
    print_entry(slot, &st);
  }
}

static void
ls(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    return;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", path);
  } else if (st.type == T_DIR) {
    list_directory(fd, path);
  } else {
    print_entry(last_component(path), &st);
  }
  close(fd);
}

int
main(int argc, char *argv[])
{
  if (argc < 2)
    ls(".");
  for (int i = 1; i < argc; i++)
    ls(argv[i]);
  exit(0);
}
