// fdt.h: reading the RAM size from the device tree OpenSBI passes (fdt.c).
#ifndef WEFT_FDT_H
#define WEFT_FDT_H

uint64 fdt_memory_end(uint64 dtb);

#endif
