// <sys/mman.h> for weft's POSIX flavour (picolibc has none). The values
// are weft's (kernel/weftabi.h, docs/abi.md): anonymous mappings only, so
// fd must be -1 and off 0. MAP_STACK makes the lowest page a guard.
#ifndef _WEFT_SYS_MMAN_H
#define _WEFT_SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS
#define MAP_STACK     0x20000
#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#endif
