// klib.h: the few C library routines the kernel needs (klib.c).
#ifndef WEFT_KLIB_H
#define WEFT_KLIB_H

void *memset(void *dst, int c, uint n);
void *memmove(void *dst, const void *src, uint n);
void *memcpy(void *dst, const void *src, uint n);
int   memcmp(const void *a, const void *b, uint n);
int   strlen(const char *s);
int   strncmp(const char *a, const char *b, uint n);
char *strncpy(char *dst, const char *src, int n);
// Copy at most n-1 bytes and always NUL-terminate.
char *safestrcpy(char *dst, const char *src, int n);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
