// sbi.h: calls into OpenSBI, the M-mode firmware (sbi.c). weft asks SBI for
// everything machine-mode: the timer, other harts, IPIs, remote fences, power.
#ifndef WEFT_SBI_H
#define WEFT_SBI_H

void sbi_console_putchar(int c);        // legacy, for the earliest boot output
void sbi_set_timer(uint64 stime_value);
int  sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque);
int  sbi_hart_status(uint64 hartid);    // HSM state, or <0 if no such hart
void sbi_hart_stop(void) __attribute__((noreturn));
#define SBI_HSM_STARTED 0                 // sbi_hart_status() values
#define SBI_HSM_STOPPED 1
void sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base);
void sbi_remote_sfence_vma(uint64 hart_mask, uint64 hart_mask_base);
void sbi_remote_sfence_vma_asid(uint64 hart_mask, uint64 hart_mask_base, uint64 asid);
void sbi_poweroff(int status) __attribute__((noreturn));

#endif
