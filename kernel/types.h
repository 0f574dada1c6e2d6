// types.h: fixed-width integer names shared by the kernel, mkfs-free user code
// and user programs (xv6's names, so xv6 programs compile unchanged).
#ifndef WEFT_TYPES_H
#define WEFT_TYPES_H

typedef unsigned int   uint;
typedef unsigned short ushort;
typedef unsigned char  uchar;

typedef unsigned char  uint8;
typedef unsigned short uint16;
typedef unsigned int   uint32;
typedef unsigned long  uint64;

typedef uint64 pde_t;

#endif
