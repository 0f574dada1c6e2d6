// fdt.c: just enough of a flattened device tree reader to learn how much
// RAM the machine has.
//
// OpenSBI hands the kernel the device tree's address in a1. The tree is a
// block of big-endian 32-bit tokens: BEGIN_NODE name..., PROP len nameoff
// value..., END_NODE, END. We look for the first node named "memory@..."
// directly under the root and read its "reg" property (address and size,
// two 32-bit cells each on QEMU's virt machine). No locks: called once, on
// the boot hart, before anything else runs.

#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "klib.h"
#include "fdt.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32
be32(const void *p)
{
  const uchar *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

static uint64
be64(const void *p)
{
  return ((uint64)be32(p) << 32) | be32((const uchar *)p + 4);
}

static uint64
align4(uint64 x)
{
  return (x + 3) & ~3UL;
}

// The end of the first RAM range in the tree at dtb, or 0 if there is no
// readable tree or no memory node.
uint64
fdt_memory_end(uint64 dtb)
{
  if (dtb == 0 || dtb % 4 != 0 || be32((void *)dtb) != FDT_MAGIC)
    return 0;
  const uchar *structs = (const uchar *)(dtb + be32((void *)(dtb + 8)));
  const char *strings = (const char *)(dtb + be32((void *)(dtb + 12)));
  uint64 total = be32((void *)(dtb + 4));
  const uchar *p = structs, *limit = (const uchar *)(dtb + total);
  int depth = 0, in_memory = 0;

  while (p < limit) {
    uint32 token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      depth++;
      in_memory = (depth == 2 && strncmp(name, "memory", 6) == 0);
      p += align4(strlen(name) + 1);
    } else if (token == FDT_END_NODE) {
      depth--;
      in_memory = 0;
    } else if (token == FDT_PROP) {
      uint32 len = be32(p);
      const char *pname = strings + be32(p + 4);
      const uchar *value = p + 8;
      if (in_memory && strncmp(pname, "reg", 4) == 0 && len >= 16)
        return be64(value) + be64(value + 8);
      p += 8 + align4(len);
    } else if (token == FDT_END) {
      break;
    } else if (token != FDT_NOP) {
      break;      // malformed: stop rather than wander
    }
  }
  return 0;
}
