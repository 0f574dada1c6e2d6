#!/usr/bin/python3
"""profile.py: where one bench figure's instructions go, function by function.

Usage (after `make`): python3 bench/profile.py FIGURE MARK [PER [STEPS]]
  e.g.  python3 bench/profile.py futex_pingpong futex_wake_addr 2
        python3 bench/profile.py null_syscall sys_getpid 1 3000

Boots the current build on one hart with QEMU's gdb stub, types
`bench FIGURE`, lets the kernel function MARK run 50 times (the figure's
warm-up), then single-steps STEPS instructions (default 30000), kernel and
user alike, recording each pc. MARK runs PER times per round trip of the
figure; the steps between its third run and its last whole round trip are
the sample. Prints the instructions per round trip and, per function
(kernel/kernel's and user/bench.elf's symbols), its share and how often it
was entered. docs/performance.md's breakdowns were made with it.
Single-stepping masks interrupts, so a timer tick never lands in the
sample: the total is a little below the figure `bench` prints.
Owns: one QEMU (tests/weft.py kills it) and a TCP port (GDBPORT, 12345).
Speaks the gdb remote protocol itself: a gdb per step would be far slower.
"""

import bisect
import collections
import os
import socket
import subprocess
import sys
import threading
import time

REPO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["CPUS"] = "1"
os.environ["MEM"] = "256M"          # as make bench
sys.path.insert(0, os.path.join(REPO_DIR, "tests"))
import weft  # noqa: E402  (needs the environment above)

WARMUP = 50


class Stub:
    """The few gdb remote-protocol packets we need, acknowledged by hand."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        # One packet per step each way: without this, Nagle's algorithm and
        # delayed acks cost ~40 ms a step.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def reply(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                data, self.buf = self.buf[i + 1:j], self.buf[j + 3:]
                self.sock.sendall(b"+")
                return data.decode()
            more = self.sock.recv(65536)
            if not more:
                raise EOFError("QEMU closed the gdb connection")
            self.buf += more

    def ask(self, data):
        self.sock.sendall(b"$%s#%02x" % (data.encode(), sum(data.encode()) & 0xff))
        return self.reply()

    def stop_reply(self, data):
        r = self.ask(data)
        while r[:1] not in ("T", "S"):
            r = self.reply()

    def pc(self):
        regs = self.ask("g")            # x0..x31, then pc, 16 hex digits each
        return int.from_bytes(bytes.fromhex(regs[32 * 16:33 * 16]), "little")


def symbols(elf):
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", elf], capture_output=True,
                         text=True, check=True).stdout
    syms = [(int(f[0], 16), f[2]) for f in (l.split() for l in out.splitlines())
            if len(f) == 3 and f[1] in "tTwW"]
    return [a for a, _ in syms], [n for _, n in syms]


def trace(port, mark, steps, pcs):
    stub = Stub(port)
    r = stub.ask("qSupported")
    while "PacketSize" not in r:
        r = stub.reply()
    stub.ask("?")
    stub.ask("Z0,%x,4" % mark)
    for _ in range(WARMUP + 1):
        stub.stop_reply("c")
    stub.ask("z0,%x,4" % mark)
    for _ in range(steps):
        pcs.append(stub.pc())
        stub.stop_reply("s")
    stub.sock.sendall(b"$D#44")         # detach: the machine runs on


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[1])
        return 2
    figure, mark_name = sys.argv[1], sys.argv[2]
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 30000
    port = int(os.environ.get("GDBPORT", "12345"))
    kaddr, kname = symbols(os.path.join(REPO_DIR, "kernel/kernel"))
    uaddr, uname = symbols(os.path.join(REPO_DIR, "user/bench.elf"))
    if mark_name not in kname:
        print("profile: no kernel function %s" % mark_name)
        return 2
    mark = kaddr[kname.index(mark_name)]
    pcs = []
    with weft.Weft("profile", ncpu=1, extra_args=["-gdb", "tcp::%d" % port]) as m:
        th = threading.Thread(target=trace, args=(port, mark, steps, pcs), daemon=True)
        th.start()
        time.sleep(2)
        m.sendline("bench " + figure)
        th.join(600)
    hits = [i for i, pc in enumerate(pcs) if pc == mark]
    trips = (len(hits) - 3) // per
    if trips < 1:
        print("profile: %s ran %d times in %d steps: too few" % (mark_name, len(hits), steps))
        return 1
    sample = pcs[hits[2]:hits[2 + trips * per]]

    def name(pc):
        addrs, names, prefix = (kaddr, kname, "") if pc >= 0x80000000 else (uaddr, uname, "user:")
        j = bisect.bisect_right(addrs, pc) - 1
        return prefix + (names[j] if j >= 0 else "?")

    count, entries = collections.Counter(), collections.Counter()
    starts = set(kaddr) | set(uaddr)
    prev = None
    for pc in sample:
        n = name(pc)
        count[n] += 1
        if n != prev and pc in starts:
            entries[n] += 1
        prev = n
    print("%s: %d round trips sampled, %.0f instructions each" % (figure, trips, len(sample) / trips))
    print("%8s %6s %8s  %s" % ("instr", "share", "entered", "function (per round trip)"))
    for n, k in count.most_common():
        print("%8.1f %5.1f%% %8.1f  %s" % (k / trips, 100.0 * k / len(sample), entries[n] / trips, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
