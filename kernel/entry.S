# entry.S: the first instructions weft runs on each hart.
#
# OpenSBI enters the kernel in S-mode with the MMU off and a0 = hart id,
# a1 = device-tree address (or junk). Every hart comes in at _entry: the
# boot hart from the firmware, the others from sbi_hart_start() -- and,
# with some firmware, an other hart early and at the wrong address (Debian's
# OpenSBI 1.1 marks a hart START_PENDING before it stores the address, so a
# hart that wakes early jumps to the firmware's first address: here). So
# the entry point decides nothing from how a hart arrived:
#
#   - the first hart to swap 1 into boot_claim wins the boot path, once,
#     atomically, whatever the firmware does;
#   - every other hart waits until the boot hart hands it its turn
#     (hart_turn == its hart id), then runs khartmain (main.c);
#   - a hart id >= NCPU has no boot stack and no struct cpu: if it wins,
#     it hands the boot to a hart that has (boot_handoff, main.c) and
#     stops; as a loser it simply never gets a turn (parked).
#
# The words the harts meet on live in .data, not .bss: their first value
# comes from the image itself, and the winner clears .bss (a loader need
# not) before anyone can use it.
# Reading order: _entry, take_turn, enter_c; then main.c.

#include "param.h"
#define BOOT_STACK 8192
#define HANDOFF_STACK 1024

        .section .text.entry
        .globl _entry
_entry:
        la   t0, boot_claim
        li   t1, 1
        amoswap.w.aqrl t1, t1, (t0)  # t1 = old claim; the claim is now 1
        bnez t1, take_turn      # somebody else has the boot path

        # Won: this is the boot hart. Nobody else runs kernel code until
        # we hand out turns, so .bss may be cleared now.
        la   t0, boot_dtb
        sd   a1, 0(t0)          # the device tree, for kmain
        la   t0, bss_start
        la   t1, bss_end
1:      bgeu t0, t1, 2f
        sd   zero, 0(t0)        # kernel.ld aligns both ends to 8 bytes
        addi t0, t0, 8
        j    1b
2:      li   t1, NCPU
        bgeu a0, t1, hand_off   # no boot stack for this hart id
#ifdef WEFT_TEST_HANDOFF
        j    hand_off           # test build: act as if this hart had no slot
#endif
        la   t0, boot_hart
        sd   a0, 0(t0)          # read back by enter_c below
        j    enter_c

hand_off:
        la   sp, handoff_stack + HANDOFF_STACK
        mv   tp, a0
        li   fp, 0
        call boot_handoff       # main.c; does not return

# Lost: wait until hart_turn holds our hart id, then take it back to -1 so
# the boot hart sees we have left (lr/sc: take it only if it is still ours).
take_turn:
        la   t0, hart_turn
3:      lr.d.aq t1, (t0)
        bne  t1, a0, 3b         # not our turn (yet, or ever: parked)
        li   t2, -1
        sc.d.rl t3, t2, (t0)
        bnez t3, 3b             # lost the reservation: look again

# Point sp at the top of this hart's boot stack (a0 < NCPU here), then go to
# kmain(hartid, dtb) if we hold the boot path, khartmain(hartid) otherwise.
# The CFI lines tell gdb that enter_c has no caller (ra undefined), so its
# backtraces end here instead of at a made-up frame.
enter_c:
        .cfi_startproc
        .cfi_undefined ra
        mv   tp, a0             # the hart id, until cpu_attach points tp at its struct cpu
        la   sp, boot_stacks
        li   t1, BOOT_STACK
        addi t2, a0, 1
        mul  t1, t1, t2         # (hartid + 1) * BOOT_STACK
        add  sp, sp, t1         # stacks grow down from the top of the slot
        li   fp, 0              # end of the frame chain for backtraces
        la   t0, boot_hart
        ld   t0, 0(t0)
        la   t1, boot_dtb
        ld   a1, 0(t1)
        bne  t0, a0, 4f
        call kmain              # never returns
4:      call khartmain          # never returns
        .cfi_endproc

        .section .data
        .align 3
        .globl boot_claim, boot_hart, boot_dtb, hart_turn
boot_claim:     .word 0         # 1 once a hart has taken the boot path
                .word 0
boot_hart:      .dword -1       # the hart that runs kmain
boot_dtb:       .dword 0        # a1 as the boot hart found it
hart_turn:      .dword -1       # the one hart allowed past take_turn

        .section .bss
        .align 4
        .globl boot_stacks
boot_stacks:
        .space BOOT_STACK * NCPU
handoff_stack:
        .space HANDOFF_STACK
