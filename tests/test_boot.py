"""test_boot.py: boot, the banner, panics and power.

Quick: five boots whose banners must be right (tests/bootloop.py's rules;
`make bootloop` does hundreds), a boot with more harts than NCPU (the extra
ones parked, the boot completes), a kernel line that must start on a fresh
line after a user program's unfinished one, and poweroff refused to
anything but init. Slow (WEFT_SLOW=1, rebuilds the kernel in a copy of the
tree): a kernel broken on purpose panics in syscall(), and every address of
its backtrace must resolve with addr2line to the calling line; a hart that
turns up after the boot hart stopped waiting is named and kept out; a kernel
whose boot hart always hands the boot path on (WEFT_TEST_HANDOFF, the path
a hart id >= NCPU takes) must still boot with every hart.
"""

import os
import re
import shutil
import subprocess

import pytest

import bootloop
import weft

slow = pytest.mark.skipif(os.environ.get("WEFT_SLOW") != "1",
                          reason="slow test: set WEFT_SLOW=1 to run it")
real_kernel = pytest.mark.skipif(bool(os.environ.get("WEFT_QEMU_CMD")),
                                 reason="needs the real kernel")


@real_kernel
def test_five_boots_each_have_one_boot_hart_and_every_hart_up():
    ncpu, nslots = weft.cpus(), bootloop.kernel_ncpu()
    bad = []
    for i in range(5):
        ok, story, log = bootloop.boot_once("quick-%d" % i, ncpu, nslots)
        if not ok:
            bad.append("boot %d: %s (log %s)" % (i, story, log))
    assert not bad, "bad boots:\n" + "\n".join(bad)


@real_kernel
def test_more_harts_than_ncpu_parks_the_extra_ones():
    nslots = bootloop.kernel_ncpu()
    ncpu = nslots + 2
    with weft.Weft("smp-above-ncpu", ncpu=ncpu) as m:
        m.settle(quiet=0.3, timeout=2)
        problems = bootloop.check_banner(m.text, ncpu, nslots)
        assert not problems, "%s\n%s" % ("; ".join(problems), m.tail())
        assert m.run("echo up").strip() == "up"


@real_kernel
def test_kernel_message_starts_on_a_fresh_line(sh):
    # fuzz -k prints "fuzz: unfinished" with no newline, then makes an
    # unknown system call; the kernel's complaint must start a line.
    out = sh.run("fuzz -k")
    assert re.search(r"fuzz: unfinished\n+pid \d+ tid \d+ \(fuzz\): unknown system call",
                     out), "kernel line not on a fresh line:\n" + out


@real_kernel
def test_poweroff_is_refused_to_an_ordinary_program(sh):
    out = sh.run("fuzz -p")
    assert "poweroff(0) returned -1" in out, out
    assert sh.run("echo still running").strip() == "still running"
    assert sh.alive()


# ---------------------------------------------------------------- backtrace

BREAK = "-DWEFT_BREAK_SYSCALL=SYS_sigsend"   # `kill 12345` (sigsend) panics in syscall()
SKIP_COPY = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", "out",
                                   "results.json")


def addr2line(kernel, addrs):
    """[(function, "file:line")] for each address."""
    tool = None
    for p in ("riscv64-unknown-elf-", "riscv64-linux-gnu-", "riscv64-elf-"):
        if shutil.which(p + "addr2line"):
            tool = p + "addr2line"
            break
    if tool is None:
        pytest.skip("no riscv64 addr2line")
    out = subprocess.run([tool, "-f", "-e", kernel] + addrs, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    return [(out[i], out[i + 1].split(" ")[0]) for i in range(0, len(out), 2)]


def source_line(tree, where):
    path, line = where.rsplit(":", 1)
    if not os.path.isabs(path):
        path = os.path.join(tree, path)
    with open(path) as f:
        return f.read().splitlines()[int(line) - 1]


def build_copy(tmp_path, cflags):
    """A copy of the tree built with EXTRA_CFLAGS=cflags; returns its path."""
    tree = str(tmp_path / "weft")
    shutil.copytree(weft.REPO_DIR, tree, ignore=SKIP_COPY, symlinks=True)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    subprocess.run(["make", "-s", "clean"], cwd=tree, env=env, check=True)
    b = subprocess.run(["make", "-s", "all", "EXTRA_CFLAGS=" + cflags], cwd=tree, env=env,
                       capture_output=True, text=True)
    assert b.returncode == 0, b.stdout + b.stderr
    return tree


class booted_from:
    """Context: weft.Weft machines boot tree's kernel and fs.img meanwhile."""

    def __init__(self, tree):
        self.tree = tree

    def __enter__(self):
        self.saved, weft.REPO_DIR = weft.REPO_DIR, self.tree

    def __exit__(self, *exc):
        weft.REPO_DIR = self.saved


@real_kernel
@slow
def test_boot_path_handed_to_another_hart_still_boots_every_hart(tmp_path):
    if weft.cpus() < 2:
        pytest.skip("a hand-off needs a second hart")
    tree = build_copy(tmp_path, "-DWEFT_TEST_HANDOFF")
    with booted_from(tree), weft.Weft("handoff", retry=False) as m:
        m.settle(quiet=0.3, timeout=2)
        problems = bootloop.check_banner(m.text, weft.cpus(), bootloop.kernel_ncpu())
        if not re.search(r"(?m)^weft: boot hart \d+ \(the firmware chose hart \d+", m.text):
            problems.append("no hand-off in the banner")
        assert not problems, "%s\n%s" % ("; ".join(problems), m.tail())
        assert m.run("echo up").strip() == "up"


@real_kernel
@slow
def test_a_hart_that_never_comes_up_is_named_and_the_boot_completes(tmp_path):
    # WEFT_TEST_LATE_HART=H: hart H turns up only after the boot hart's wait
    # (10 s) ran out; it must then stop, not join in uncounted.
    ncpu = weft.cpus()
    if ncpu < 2:
        pytest.skip("needs a second hart")
    late = ncpu - 1
    tree = build_copy(tmp_path, "-DWEFT_TEST_LATE_HART=%d" % late)
    with booted_from(tree), weft.Weft("late-hart", retry=False) as m:
        m.settle(quiet=0.3, timeout=2)
        boot = re.search(r"(?m)^weft: boot hart (\d+)", m.text)
        if boot and int(boot.group(1)) == late:
            pytest.skip("the firmware picked the late hart as boot hart this time")
        assert re.search(r"(?m)^weft: hart %d did not start$" % late, m.text), m.tail()
        assert re.search(r"(?m)^weft: %d harts? running" % (ncpu - 1), m.text), m.tail()
        m.settle(quiet=3, timeout=5)       # the late hart arrives, finds it is too late
        assert m.run("echo up").strip() == "up"
        assert "started" not in m.text[m.text.index("harts running"):], m.tail()


@real_kernel
@slow
def test_backtrace_addresses_name_the_calling_lines(tmp_path):
    tree = build_copy(tmp_path, BREAK)
    with booted_from(tree), weft.Weft("backtrace", retry=False) as m:
        m.sendline("kill 12345")
        with pytest.raises(weft.WeftError):
            m.expect(r"\$ ", 20)
        m._drain(1.0)
        text = m.text
    assert "deliberately broken" in text, text[-2000:]
    trace = text[text.index("backtrace:"):].splitlines()[1:]
    addrs = [l.strip() for l in trace if re.match(r"\s+0x[0-9a-f]+$", l)]
    frames = addr2line(os.path.join(tree, "kernel", "kernel"), addrs)
    funcs = [f for f, _ in frames]
    # backtrace() is called by panic, panic by syscall, syscall by usertrap;
    # usertrap was entered by a jump from the trampoline, so the walk ends.
    assert funcs == ["panic", "syscall", "usertrap"], "frames %r from\n%s" % (
        frames, "\n".join(trace))
    want = ["backtrace(", "panic(", "syscall("]
    for (func, where), call in zip(frames, want):
        line = source_line(tree, where)
        assert call in line, "%s in %s is `%s`, not the call of %s" % (
            where, func, line.strip(), call)


@real_kernel
@slow
def test_a_tick_while_fp_state_is_replaced_leaks_nothing(tmp_path):
    # WEFT_TEST_TICK_IN_FPU: kernel/fpu.c yields wherever a timer tick could
    # land while exec clears a thread's FP state or sigreturn restores it. A
    # switch there once saved the old registers over the new state: a program
    # exec'd from one that used FP started with its registers, and a handler's
    # values leaked into the code it interrupted.
    tree = build_copy(tmp_path, "-DWEFT_TEST_TICK_IN_FPU")
    with booted_from(tree), weft.Weft("fpu-tick", retry=False) as m:
        out = m.run("fptest dirtyexec", timeout=60)
        assert "fptest dirtyexec: OK" in out, out
        out = m.run("psignals fpregs", timeout=120)
        assert "psignal fpregs: OK" in out, out
