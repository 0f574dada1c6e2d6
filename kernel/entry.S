# entry.S: the first instructions weft runs on each hart.
#
# OpenSBI enters the kernel in S-mode with the MMU off, a0 = hart id and
# a1 = device-tree address (boot hart) or the opaque value given to
# sbi_hart_start (other harts). All we need before C is a stack: each hart
# gets its own BOOT_STACK bytes of boot_stacks, indexed by hart id.

#include "param.h"
#define BOOT_STACK 8192

        .section .text.entry
        .globl _entry
_entry:                         # boot hart, from OpenSBI
        la   t0, kmain
        j    enter_c

        .globl _entry_hart
_entry_hart:                    # other harts, from sbi_hart_start()
        la   t0, khartmain

# Point sp at the top of this hart's boot stack, then jump to t0(a0, a1).
enter_c:
        mv   tp, a0             # the kernel keeps the hart id in tp
        la   sp, boot_stacks
        li   t1, BOOT_STACK
        addi t2, a0, 1
        mul  t1, t1, t2         # (hartid + 1) * BOOT_STACK
        add  sp, sp, t1         # stacks grow down from the top of the slot
        li   fp, 0              # end of the frame chain for backtraces
        jr   t0

        .section .bss
        .align 4
        .globl boot_stacks
boot_stacks:
        .space BOOT_STACK * NCPU
