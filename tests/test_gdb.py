"""test_gdb.py: gdb-multiarch can debug weft through QEMU's gdb stub.

QEMU starts halted (-S) with a stub on a port picked here, so the test owns
and kills it (not `make qemu-gdb`). gdb runs in batch mode, twice: once from
reset to a breakpoint in kinit (then detaches so weft boots), once attached
to the booted machine with a breakpoint in sys_fork that the shell reaches
when we type a command. A second test checks that the repo's .gdbinit
parses and connects (it uses the fixed port uid % 5000 + 25000).
Invariant: every wait has a deadline; QEMU and gdb are killed on every path.
"""

import os
import re
import shutil
import socket
import time

import pexpect
import pytest

import weft

GDB = "gdb-multiarch"
KERNEL = os.path.join(weft.REPO_DIR, "kernel", "kernel")
STEP = 20            # seconds for any one gdb step


def _need_tools():
    if shutil.which(GDB) is None:
        pytest.skip("%s is not installed (apt-get install gdb-multiarch)" % GDB)
    if os.environ.get("WEFT_QEMU_CMD"):
        pytest.skip("WEFT_QEMU_CMD is set: no real QEMU to attach to")
    if not os.path.exists(KERNEL):
        pytest.skip("no kernel/kernel: run `make all` first")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            return False
        return True


def _stub_machine(name, port):
    """QEMU halted at reset with a gdb stub on port (not booted yet)."""
    return weft.Weft(name, boot=False,
                     extra_args=["-S", "-gdb", "tcp::%d" % port])


class Gdb:
    """One gdb-multiarch -batch run; its output is also logged next to QEMU's."""

    def __init__(self, name, port, commands, use_gdbinit=False):
        argv = ["-nx", "-batch"]
        if use_gdbinit:
            argv += ["-x", ".gdbinit"]
        else:
            argv += ["-ex", "set confirm off", "-ex", "set pagination off",
                     "-ex", "set architecture riscv:rv64",
                     "-ex", "file kernel/kernel",
                     "-ex", "target remote 127.0.0.1:%d" % port]
        for c in commands:
            argv += ["-ex", c]
        self.log_path = os.path.join(weft.OUT_DIR, name + ".log")
        self.log = open(self.log_path, "w")
        self.child = pexpect.spawn(GDB, argv, cwd=weft.REPO_DIR, encoding="utf-8",
                                   codec_errors="replace", echo=False,
                                   timeout=STEP, logfile=self.log,
                                   dimensions=(24, 200))

    def expect(self, pattern, what, timeout=STEP):
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            why = "timed out" if isinstance(e, pexpect.TIMEOUT) else "gdb exited"
            raise AssertionError("%s waiting for %s; gdb printed:\n%s\n(gdb log: %s)"
                                 % (why, what, self.text(), self.log_path))

    def finish(self, timeout=STEP):
        """Wait for gdb to run its last command and exit; all its output."""
        self.expect(pexpect.EOF, "gdb to finish its commands", timeout)
        return self.text()

    def text(self):
        """Everything gdb printed so far (pexpect flushes it to the log)."""
        with open(self.log_path, errors="replace") as f:
            return f.read().replace("\r", "")

    def close(self):
        weft.kill_child(self.child)
        self.log.close()


def test_gdb_breaks_in_kinit_and_in_sys_fork():
    _need_tools()
    port = _free_port()
    m = _stub_machine("gdb", port)
    gdbs = []
    try:
        # 1. From reset to kinit: the stub works and symbols match the image.
        g = Gdb("gdb-boot", port, ["break kinit", "continue", "bt",
                                   "delete", "detach"])
        gdbs.append(g)
        out = g.finish()
        assert re.search(r"Breakpoint 1, .*kinit \(", out), \
            "gdb never stopped at kinit:\n" + out
        assert re.search(r"(?m)^#0 .*\bkinit \(", out), "bt does not name kinit:\n" + out
        assert re.search(r"(?m)^#1 ", out), "bt shows no caller of kinit:\n" + out
        # entry.S's CFI says enter_c has no caller: the backtrace ends there.
        assert re.search(r"(?m)^#\d+ .*\benter_c \(", out) and \
            "Backtrace stopped" not in out, "bt does not end cleanly at enter_c:\n" + out

        # 2. weft boots once gdb has detached.
        m.boot()

        # 3. Attach again; the shell's fork for `echo hi` hits sys_fork.
        g = Gdb("gdb-fork", port, ["break sys_fork", "continue", "bt",
                                   "delete", "detach"])
        gdbs.append(g)
        # Batch mode does not print "Continuing.": once the breakpoint is
        # set, type; the UART holds the bytes until gdb resumes the harts.
        g.expect(r"Breakpoint 1 at ", "gdb to set the breakpoint in sys_fork")
        time.sleep(0.3)
        m.sendline("echo hi")
        g.expect(r"Breakpoint 1, .*sys_fork", "the breakpoint in sys_fork")
        out = g.finish()
        assert re.search(r"(?m)^#0 .*\bsys_fork \(", out), \
            "bt does not name sys_fork:\n" + out

        # 4. Detached, the machine finishes the command.
        m.expect(r"(?m)^hi[ \t]*\n", 15, what="`echo hi` to print hi after detach")
        m.expect(weft.PROMPT, 15, what="the prompt after `echo hi`")
    finally:
        for g in gdbs:
            g.close()
        m.close()


def test_dot_gdbinit_parses_and_connects():
    _need_tools()
    port = os.getuid() % 5000 + 25000      # as in the Makefile and .gdbinit
    if not _port_is_free(port):
        pytest.skip("port %d (the one .gdbinit uses) is busy" % port)
    m = _stub_machine("gdbinit", port)
    g = None
    try:
        g = Gdb("gdb-gdbinit", port, ["help user-symbols", "info registers pc",
                                      "detach"], use_gdbinit=True)
        out = g.finish()
        assert re.search(r"0x0*1000 in \?\? \(\)", out), \
            ".gdbinit did not connect (no stop at the reset vector):\n" + out
        assert "Load the symbols of user program" in out, \
            ".gdbinit did not define user-symbols:\n" + out
        assert re.search(r"(?m)^pc\s+0x[0-9a-f]+", out), "no pc from the stub:\n" + out
        bad = [l for l in out.splitlines()
               if re.search(r"rror|Undefined command|No symbol|No such file", l)]
        assert not bad, ".gdbinit reported errors:\n" + "\n".join(bad)
    finally:
        if g is not None:
            g.close()
        m.close()
