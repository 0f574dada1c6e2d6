// sbi.c: the Supervisor Binary Interface -- weft's only way to ask M-mode
// firmware (OpenSBI) for anything. A call puts the extension id in a7, the
// function id in a6 and arguments in a0-a5, executes ecall, and gets an
// error code in a0 and a value in a1. No state, no locks.

#include "types.h"
#include "sbi.h"

#define EXT_LEGACY_PUTCHAR 0x01
#define EXT_TIME   0x54494D45   // "TIME"
#define EXT_IPI    0x00735049   // "sPI"
#define EXT_RFENCE 0x52464E43   // "RFNC"
#define EXT_HSM    0x0048534D   // "HSM"
#define EXT_SRST   0x53525354   // "SRST"

struct sbiret {
  long error;   // 0 on success
  long value;
};

static struct sbiret
sbi_ecall5(uint64 ext, uint64 fn, uint64 arg0, uint64 arg1, uint64 arg2, uint64 arg3,
           uint64 arg4)
{
  register uint64 a0 asm("a0") = arg0;
  register uint64 a1 asm("a1") = arg1;
  register uint64 a2 asm("a2") = arg2;
  register uint64 a3 asm("a3") = arg3;
  register uint64 a4 asm("a4") = arg4;
  register uint64 a6 asm("a6") = fn;
  register uint64 a7 asm("a7") = ext;
  asm volatile("ecall"
               : "+r"(a0), "+r"(a1)
               : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
               : "memory");
  struct sbiret r = { (long)a0, (long)a1 };
  return r;
}

static struct sbiret
sbi_ecall(uint64 ext, uint64 fn, uint64 arg0, uint64 arg1, uint64 arg2, uint64 arg3)
{
  return sbi_ecall5(ext, fn, arg0, arg1, arg2, arg3, 0);
}

void
sbi_console_putchar(int c)
{
  sbi_ecall(EXT_LEGACY_PUTCHAR, 0, c, 0, 0, 0);
}

// Ask for a supervisor timer interrupt once the time CSR reaches when.
// Also clears the pending timer interrupt.
void
sbi_set_timer(uint64 when)
{
  sbi_ecall(EXT_TIME, 0, when, 0, 0, 0);
}

// Start a stopped hart at start_addr (physical, MMU off) with a0 = hartid
// and a1 = opaque. Returns 0 or a negative SBI error.
int
sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque)
{
  return sbi_ecall(EXT_HSM, 0, hartid, start_addr, opaque, 0).error;
}

// Stop the calling hart for good (weft never restarts a stopped hart).
void
sbi_hart_stop(void)
{
  sbi_ecall(EXT_HSM, 1, 0, 0, 0, 0);
  for (;;)
    asm volatile("wfi");
}

// HSM state (0 started, 1 stopped, ...), or a negative error for a hart
// that does not exist.
int
sbi_hart_status(uint64 hartid)
{
  struct sbiret r = sbi_ecall(EXT_HSM, 2, hartid, 0, 0, 0);
  return r.error ? (int)r.error : (int)r.value;
}

// Raise a supervisor software interrupt on the harts in the mask.
void
sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base)
{
  sbi_ecall(EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0);
}

// sfence.vma on other harts, for the whole address space; returns after
// they have done it.
void
sbi_remote_sfence_vma(uint64 hart_mask, uint64 hart_mask_base)
{
  sbi_ecall(EXT_RFENCE, 1, hart_mask, hart_mask_base, 0, (uint64)-1);
}

// The same for one address space: entries tagged asid (global ones stay).
void
sbi_remote_sfence_vma_asid(uint64 hart_mask, uint64 hart_mask_base, uint64 asid)
{
  sbi_ecall5(EXT_RFENCE, 2, hart_mask, hart_mask_base, 0, (uint64)-1, asid);
}

// System reset: shutdown. QEMU exits. A non-zero status is reported to the
// firmware as a system failure.
void
sbi_poweroff(int status)
{
  sbi_ecall(EXT_SRST, 0, 0, status ? 1 : 0, 0, 0);
  for (;;)
    asm volatile("wfi");
}
