# weft: build the kernel, the user programs and the disk image; run QEMU.
# `make help` lists the targets and the variables you can set.

K := kernel
U := user

.DEFAULT_GOAL := all

# ---- knobs -------------------------------------------------------------
CPUS ?= 3
MEM  ?= 128M
COW  ?= 1
# DEBUG=1: built for gdb (-Og) and with the allocator's junk fills on
# (kalloc.c), which catch readers of uninitialised or freed pages.
DEBUG ?= 0

# More harts than the kernel has slots for (NCPU in kernel/param.h, unless
# EXTRA_CFLAGS sets it): the extra harts are parked at boot.
NCPU_BUILD := $(or $(patsubst -DNCPU=%,%,$(filter -DNCPU=%,$(EXTRA_CFLAGS))),\
	$(shell sed -n 's/^\#define NCPU  *\([0-9]*\).*/\1/p' $(K)/param.h))
ifeq ($(shell [ "$(CPUS)" -gt "$(NCPU_BUILD)" ] 2>/dev/null && echo yes),yes)
$(warning CPUS=$(CPUS) is more than NCPU=$(NCPU_BUILD): harts $(NCPU_BUILD) and up will be parked)
endif

# MEM above the RAM the kernel can manage (RAMTOP_MAX in memlayout.h) is
# refused where QEMU is started (check-mem), not silently left unused.
RAM_MAX_MIB := $(shell sed -n 's/^\#define RAMTOP_MAX *(KERNBASE + \([0-9]*\)\*1024\*1024).*/\1/p' $(K)/memlayout.h)

# Toolchain: the first riscv64 cross compiler found, unless TOOLPREFIX is set.
ifndef TOOLPREFIX
TOOLPREFIX := $(shell for p in riscv64-unknown-elf- riscv64-linux-gnu- riscv64-elf-; do \
	if command -v $${p}gcc >/dev/null 2>&1; then echo $$p; exit 0; fi; done; echo riscv64-unknown-elf-)
endif
CC      := $(TOOLPREFIX)gcc
LD      := $(TOOLPREFIX)ld
OBJDUMP := $(TOOLPREFIX)objdump
OBJCOPY := $(TOOLPREFIX)objcopy

QEMU ?= qemu-system-riscv64
# OpenSBI from Debian's opensbi package; QEMU's bundled copy otherwise.
OPENSBI := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
BIOS ?= $(if $(wildcard $(OPENSBI)),$(OPENSBI),default)

# The kernel and the xv6-flavour programs use no floating point (the kernel
# must not: it would clobber user FP registers, which fpu.c saves lazily).
# POSIX-flavour programs use hardware FP (PARCH below).
ARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
OPT := $(if $(filter 1,$(DEBUG)),-Og,-O2)
CFLAGS := -Wall -Werror $(OPT) -g -fno-omit-frame-pointer $(ARCH) \
	-ffreestanding -fno-common -nostdlib -fno-builtin -fno-stack-protector \
	-fno-tree-loop-distribute-patterns \
	-fno-pie -no-pie -I. -DCOW=$(COW) -DWEFT_DEBUG=$(DEBUG) $(EXTRA_CFLAGS)
ASFLAGS := $(ARCH) -I. -g $(EXTRA_CFLAGS)
LDFLAGS := -z max-page-size=4096 --no-warn-rwx-segments

# ---- kernel --------------------------------------------------------------
KSRCS := $(wildcard $(K)/*.c)
KASMS := $(wildcard $(K)/*.S)
KOBJS := $(KASMS:.S=.o) $(KSRCS:.c=.o)
# entry.o must come first: OpenSBI jumps to the start of the image.
KOBJS := $(K)/entry.o $(filter-out $(K)/entry.o,$(KOBJS))

# Rebuild everything when a knob changes. Every object depends on the
# stamp, and the stamp on the tool check: a plain `make` checks the tools
# (tests/check-tools.sh, which can install them) before it compiles.
CONFIG := .config.$(COW).$(DEBUG).$(subst $(space),_,$(EXTRA_CFLAGS))
space := $(empty) $(empty)
.config.stamp: FORCE | check-tools
	@echo '$(CONFIG)' | cmp -s - $@ || echo '$(CONFIG)' > $@

$(K)/%.o: $(K)/%.c .config.stamp
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(K)/%.o: $(K)/%.S .config.stamp
	$(CC) $(ASFLAGS) -MMD -MP -c -o $@ $<

$(K)/kernel: $(KOBJS) $(K)/kernel.ld
	$(LD) $(LDFLAGS) -T $(K)/kernel.ld -o $@ $(KOBJS)
	$(OBJDUMP) -S $@ > $(K)/kernel.asm
	$(OBJDUMP) -t $@ | sed '1,/SYMBOL TABLE/d; s/ .* / /; /^$$/d' > $(K)/kernel.sym

# ---- user ------------------------------------------------------------------
ULIBSRC := ulib printf umalloc signal $(basename $(notdir $(wildcard $(U)/pthread.c $(U)/pthread_sync.c)))
ULIB := $(addprefix $(U)/,$(addsuffix .o,$(ULIBSRC))) $(U)/usys.o
UPROGS := $(addprefix $(U)/_,$(filter-out $(ULIBSRC),$(basename $(notdir $(wildcard $(U)/*.c)))))

$(U)/usys.S: $(U)/usys.sh $(K)/syscall.h
	sh $(U)/usys.sh $(K)/syscall.h > $@
$(U)/%.o: $(U)/%.c .config.stamp
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(U)/%.o: $(U)/%.S
	$(CC) $(ASFLAGS) -c -o $@ $<
# user/NAME.elf keeps debug info (for gdb and NAME.asm); the copy on the
# disk, user/_NAME, is stripped so the programs fit in FSSIZE blocks.
$(U)/_%: $(U)/%.o $(ULIB) $(U)/user.ld
	$(LD) $(LDFLAGS) -T $(U)/user.ld -o $(U)/$*.elf $< $(ULIB)
	$(OBJDUMP) -S $(U)/$*.elf > $(U)/$*.asm
	$(OBJCOPY) --strip-debug $(U)/$*.elf $@

.PRECIOUS: $(U)/%.o

# sparse: user.ld plus one R W segment at 0x3000000000 (section .sparse), a
# sparse address space for the usertest sparsefork (docs/memory.md).
$(U)/sparse.ld: $(U)/user.ld
	sed -e '/^ *tls *PT_TLS/a\  high    PT_LOAD FLAGS(6);' \
	    -e '/^ *\/DISCARD\//i\  .sparse 0x3000000000 : { *(.sparse) } :high' $< > $@
$(U)/_sparse: $(U)/sparse.o $(ULIB) $(U)/sparse.ld
	$(LD) $(LDFLAGS) -T $(U)/sparse.ld -o $(U)/sparse.elf $< $(ULIB)
	$(OBJDUMP) -S $(U)/sparse.elf > $(U)/sparse.asm
	$(OBJCOPY) --strip-debug $(U)/sparse.elf $@

# usertests is split by subject: user/usertests.c (the runner) plus every
# user/ut/*.c (the test groups), all linked into one program.
UTSRCS := $(wildcard $(U)/ut/*.c)
UTOBJS := $(UTSRCS:.c=.o)
$(U)/ut/%.o: $(U)/ut/%.c .config.stamp
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(U)/_usertests: $(U)/usertests.o $(UTOBJS) $(ULIB) $(U)/user.ld
	$(LD) $(LDFLAGS) -T $(U)/user.ld -o $(U)/usertests.elf $(U)/usertests.o $(UTOBJS) $(ULIB)
	$(OBJDUMP) -S $(U)/usertests.elf > $(U)/usertests.asm
	$(OBJCOPY) --strip-debug $(U)/usertests.elf $@

# bench is split the same way: user/bench.c (the runner) plus every
# user/bench/*.c (the figure groups), all linked into one program.
BENCHSRCS := $(wildcard $(U)/bench/*.c)
BENCHOBJS := $(BENCHSRCS:.c=.o)
$(U)/bench/%.o: $(U)/bench/%.c .config.stamp
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(U)/_bench: $(U)/bench.o $(BENCHOBJS) $(ULIB) $(U)/user.ld
	$(LD) $(LDFLAGS) -T $(U)/user.ld -o $(U)/bench.elf $(U)/bench.o $(BENCHOBJS) $(ULIB)
	$(OBJDUMP) -S $(U)/bench.elf > $(U)/bench.asm
	$(OBJCOPY) --strip-debug $(U)/bench.elf $@

# sh is split the same way: user/sh.c (parser and runner) plus every
# user/sh/*.c (job control, docs/jobs.md), linked into one program.
SHSRCS := $(wildcard $(U)/sh/*.c)
SHOBJS := $(SHSRCS:.c=.o)
$(U)/sh/%.o: $(U)/sh/%.c .config.stamp
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(U)/_sh: $(U)/sh.o $(SHOBJS) $(ULIB) $(U)/user.ld
	$(LD) $(LDFLAGS) -T $(U)/user.ld -o $(U)/sh.elf $(U)/sh.o $(SHOBJS) $(ULIB)
	$(OBJDUMP) -S $(U)/sh.elf > $(U)/sh.asm
	$(OBJCOPY) --strip-debug $(U)/sh.elf $@

# ---- POSIX flavour (docs/user.md) -------------------------------------------
# user/posix/NAME.c -> user/_NAME: programs that include only standard
# headers, built for hardware floating point (rv64gc, lp64d) against
# picolibc, with weft's runtime (user/posix/rt/) and the thread library
# (user/pthread*.c, compiled a second time for this ABI into user/posix/obj/).
P := $(U)/posix
PARCH := -march=rv64gc -mabi=lp64d -mcmodel=medany
# The feature macros: picolibc declares clock_gettime/nanosleep, CLOCK_MONOTONIC
# and sched_yield only when the system says it has them; weft does.
PFEATURES := -D_POSIX_TIMERS=200809L -D_POSIX_MONOTONIC_CLOCK=200809L \
	-D_POSIX_PRIORITY_SCHEDULING=200809L
PCFLAGS := -Wall -Werror -O2 -g $(PARCH) --specs=picolibc.specs -I$(P)/include -I. \
	$(PFEATURES) \
	-fno-common -fno-stack-protector -fno-pie -no-pie -ffunction-sections -fdata-sections \
	$(EXTRA_CFLAGS)
PLIBCFLAGS := $(filter-out $(ARCH),$(CFLAGS)) $(PARCH) -ffunction-sections -fdata-sections
PLDFLAGS := $(PARCH) --specs=picolibc.specs -nostartfiles -static -T $(P)/posix.ld \
	-Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments \
	-Wl,--wrap=vfprintf,--wrap=fputs,--wrap=puts,--wrap=fwrite
PRT := $(addprefix $(P)/rt/,start.o files.o proc.o time.o signal.o) \
	$(P)/obj/pthread.o $(P)/obj/pthread_sync.o
PPROGS := $(addprefix $(U)/_,$(basename $(notdir $(wildcard $(P)/*.c))))

$(P)/obj/%.o: $(U)/%.c .config.stamp
	@mkdir -p $(P)/obj
	$(CC) $(PLIBCFLAGS) -MMD -MP -c -o $@ $<
$(P)/rt/%.o: $(P)/rt/%.c .config.stamp
	$(CC) $(PCFLAGS) -MMD -MP -c -o $@ $<
$(P)/%.o: $(P)/%.c .config.stamp
	$(CC) $(PCFLAGS) -MMD -MP -c -o $@ $<
# user.ld plus the constructor/destructor tables picolibc walks.
$(P)/posix.ld: $(U)/user.ld
	sed -e '/^  \.data : {/i\  .init_array : { PROVIDE(__preinit_array_start = .); PROVIDE(__preinit_array_end = .); PROVIDE(__init_array_start = .); KEEP(*(SORT(.init_array.*))) KEEP(*(.init_array)) PROVIDE(__init_array_end = .); } :rw' \
	    -e '/^  \.data : {/i\  .fini_array : { PROVIDE(__fini_array_start = .); KEEP(*(SORT(.fini_array.*))) KEEP(*(.fini_array)) PROVIDE(__fini_array_end = .); } :rw' $< > $@
$(U)/_%: $(P)/%.o $(PRT) $(P)/posix.ld
	$(CC) $(PLDFLAGS) -o $(P)/$*.elf $< $(PRT) -lm
	$(OBJDUMP) -S $(P)/$*.elf > $(P)/$*.asm
	$(OBJCOPY) --strip-all $(P)/$*.elf $@

.PRECIOUS: $(P)/%.o $(P)/rt/%.o $(P)/obj/%.o

# ---- file system image -------------------------------------------------------
mkfs/mkfs: mkfs/mkfs.c $(K)/fs.h $(K)/param.h
	gcc -Wall -Werror -O2 -I. -o $@ mkfs/mkfs.c

fs.img: mkfs/mkfs README.md $(UPROGS) $(PPROGS)
	mkfs/mkfs $@ README.md $(UPROGS) $(PPROGS)

# The offline checker (docs/fs.md): `make fsck [FSIMG=]` checks an image.
mkfs/fsck: mkfs/fsck.c $(K)/fs.h
	gcc -Wall -Werror -O2 -I. -o $@ mkfs/fsck.c
fsck: mkfs/fsck
	mkfs/fsck $(FSIMG)

# Long file-system stress: boot on a copy of fs.img, run user/fsstress for
# MINUTES (default 1), halt, check the copy with mkfs/fsck; prints figures.
fsstress: check-tools all
	CPUS=$(CPUS) /usr/bin/python3 tests/test_fsck.py $(or $(MINUTES),1)

# ---- running -------------------------------------------------------------------
GDBPORT := $(shell expr `id -u` % 5000 + 25000)
QEMUOPTS = -machine virt -bios $(BIOS) -kernel $(K)/kernel -m $(MEM) -smp $(CPUS) -nographic \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(FSIMG),if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0 $(QEMUEXTRA)
FSIMG ?= fs.img

all: $(K)/kernel fs.img mkfs/fsck

qemu: check-tools check-mem $(K)/kernel fs.img
	$(QEMU) $(QEMUOPTS)

# .gdbinit (in this directory) loads kernel/kernel's symbols and connects to
# this port; gdb reads it only when told to (-x) or when auto-load allows it.
qemu-gdb: check-tools check-mem $(K)/kernel fs.img
	@echo "*** gdb stub on tcp::$(GDBPORT); in another window, in this directory, run:"
	@echo "***   gdb-multiarch -x .gdbinit"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

# The exact QEMU command line (the test harness runs QEMU itself so it can kill it).
print-qemu: check-mem
	@echo $(QEMU) $(QEMUOPTS)

check-mem:
	@m='$(MEM)'; u=1; \
	case $$m in *[Gg]) m=$${m%?}; u=1024;; *[Mm]) m=$${m%?};; esac; \
	case $$m in ''|*[!0-9]*) \
	  echo "MEM=$(MEM): give the RAM size as NNNM or NG (default 128M)" >&2; exit 2;; esac; \
	if [ $$((m * u)) -gt "$(RAM_MAX_MIB)" ]; then \
	  echo "MEM=$(MEM) is more than the $(RAM_MAX_MIB) MiB weft's kernel manages" \
	    "(RAMTOP_MAX in kernel/memlayout.h); the rest would go unused" >&2; exit 2; fi

check-tools:
	@sh tests/check-tools.sh "$(CC)" "$(QEMU)"

PYTEST := /usr/bin/python3 -m pytest
test: check-tools all
	CPUS=$(CPUS) $(PYTEST) -q tests

# ---- boot loop: make bootloop [N=400] [JOBS=3] (tests/bootloop.py) --------
# Boots N times, JOBS at once, and checks every banner (one boot hart, every
# hart up or parked, no panic, a prompt). Prints "N boots, M bad".
N ?= 100
JOBS ?= 3
bootloop: check-tools all
	CPUS=$(CPUS) /usr/bin/python3 tests/bootloop.py -n $(N) -j $(JOBS)
.PHONY: bootloop

# ---- fuzz: make fuzz [SEED=] [MINUTES=1] (tests/fuzzrun.py, user/fuzz.c) ----
# Boots weft and runs the system-call fuzzer; exits non-zero on a panic, a
# hang or a lost page. The seed is printed; SEED= replays it.
MINUTES ?= 1
fuzz: check-tools all
	CPUS=$(CPUS) SEED=$(SEED) MINUTES=$(MINUTES) /usr/bin/python3 tests/fuzzrun.py
.PHONY: fuzz

# ---- grading: make grade (tests/grade.py, points in tests/points.py) -------
# Builds (a failed build grades as 0), runs the graded tests with the slow
# cases, each usertests case alone with its own time limit (a panic or a
# hang reboots QEMU and costs only that case), prints a score table and
# writes Gradescope's results.json. LAB=cow (or LAB=syscall,cow) grades
# labs, T=NAME one test, GRADE_OVERLAY=DIR adds an instructor's hidden tests
# and points (tests/overlay-sample); RESULTS= moves the json. Exits 0
# whenever results.json was written, however many tests failed.
RESULTS ?= results.json
grade: check-tools
	+CPUS=$(CPUS) /usr/bin/python3 tests/grade.py --build "$(MAKE)" --lab "$(LAB)" \
	  --test "$(T)" --overlay "$(GRADE_OVERLAY)" --out "$(RESULTS)"
.PHONY: grade

# Labs (docs/labs.md): `make skeleton LAB=cow OUT=../weft-cow` writes the
# student tree of a lab (tests/skeleton.py); `make labcheck` checks every
# lab's skeleton (builds, boots, 0 on its lab, the labs before it full) and
# this tree (full marks) -- a few minutes; .ci/run runs it.
skeleton:
	@test -n "$(LAB)" -a -n "$(OUT)" || { echo "usage: make skeleton LAB=<lab> OUT=<dir>"; exit 2; }
	/usr/bin/python3 tests/skeleton.py --lab "$(LAB)" --out "$(OUT)"
labcheck: check-tools all
	+CPUS=$(CPUS) /usr/bin/python3 tests/labcheck.py $(if $(LAB),--lab $(LAB))
.PHONY: skeleton labcheck
# ---- end of grading ------------------------------------------------------------

clean:
	rm -f $(K)/*.o $(K)/*.d $(K)/kernel $(K)/kernel.asm $(K)/kernel.sym \
	  $(U)/*.o $(U)/*.d $(U)/ut/*.o $(U)/ut/*.d $(U)/bench/*.o $(U)/bench/*.d $(U)/sh/*.o $(U)/sh/*.d $(U)/_* $(U)/*.elf $(U)/*.asm $(U)/usys.S $(U)/sparse.ld mkfs/mkfs \
	  $(P)/*.o $(P)/*.d $(P)/*.elf $(P)/*.asm $(P)/posix.ld $(P)/rt/*.o $(P)/rt/*.d mkfs/fsck fs.img .config.stamp
	rm -rf $(P)/obj tests/__pycache__ .pytest_cache

help:
	@echo "weft make targets:"
	@echo "  make qemu       build everything and boot weft in QEMU (quit: Ctrl-A then x)"
	@echo "  make test       build, boot headless, run the test suite (tests/)"
	@echo "  make bootloop   boot N=100 times (JOBS=3 at once), check every banner"
	@echo "  make fuzz       the system-call fuzzer for MINUTES=1 (SEED= replays a run)"
	@echo "  make grade      run the graded tests, print scores, write results.json (LAB=, T=, GRADE_OVERLAY=)"
	@echo "  make skeleton   a lab's student tree: LAB=syscall|cow|threads OUT=dir"
	@echo "  make labcheck   every lab's skeleton scores 0, this tree full (minutes)"
	@echo "  make bench      benchmarks, COW vs COW=0, into bench/out/ (UPDATE=1: the committed baseline)"
	@echo "  make qemu-gdb   boot halted with a gdb stub on port $(GDBPORT); then gdb-multiarch"
	@echo "  make fsck       check fs.img (or FSIMG=) offline with mkfs/fsck"
	@echo "  make fsstress   file-system stress for MINUTES (default 1), then fsck the image"
	@echo "  make clean      remove build products"
	@echo "variables: CPUS=$(CPUS) MEM=$(MEM) COW=$(COW) TOOLPREFIX=$(TOOLPREFIX) BIOS=$(BIOS)"

# ==== bench: `make bench` (owned by bench/; see docs/performance.md) ====
# bench/run.py builds COW=0 then COW=1, boots each on one hart with
# -icount shift=0 and runs user/bench.c's figures; it leaves a COW=1 build.
# Results go to bench/out/ (untracked); UPDATE=1 rewrites the committed
# baseline (bench/results.json, the plots, docs/performance.md's tables).
bench: check-tools
	UPDATE=$(UPDATE) /usr/bin/python3 bench/run.py
.PHONY: bench
# ==== end bench ====

FORCE:
.PHONY: all qemu qemu-gdb test clean help check-tools check-mem print-qemu fsck fsstress FORCE

-include $(K)/*.d $(U)/*.d $(U)/ut/*.d $(U)/bench/*.d $(U)/sh/*.d $(P)/*.d $(P)/rt/*.d $(P)/obj/*.d
