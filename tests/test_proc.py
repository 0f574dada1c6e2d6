"""test_proc.py: /proc, ps, pstree and container, driven through the console.

One machine for the module, booted here (container leaves a nested shell
behind, so no other module's shell is shared). Formats: docs/proc.md.
"""

import re
import time

import pytest

import weft

# A `ps -L` line: PID TID S HART NAME.
PS_L = re.compile(r"(?m)^\s*(\d+)\s+(\d+)\s+([RSZ])\s+(-?\d+)\s+(\S+)\s*$")
# A `ps` line: PID PPID S THREADS PAGES NAME.
PS = re.compile(r"(?m)^\s*(\d+)\s+(\d+)\s+([RSZ])\s+(\d+)\s+(\d+)\s+(\S+)\s*$")


@pytest.fixture(scope="module")
def machine():
    with weft.Weft("proc") as m:
        yield m


def test_ps_L_shows_each_thread_of_threaddemo_with_its_tid_and_hart(machine):
    # The four workers sleep 300 ticks (3 s) before working: long enough to look.
    machine.run("threaddemo park 300 > park.txt &", timeout=10)
    seen = {}
    for _ in range(40):
        out = machine.run("ps -L", timeout=30)
        seen = {int(m.group(2)): m for m in PS_L.finditer(out)
                if m.group(5) == "threaddemo"}
        if len(seen) >= 5 and all(int(m.group(4)) >= 0 for m in seen.values()):
            break                             # all five have run somewhere
        time.sleep(0.25)
    assert len(seen) >= 5, "ps -L showed %d threaddemo threads, expected 5:\n%s" % (
        len(seen), machine.tail())
    pids = {int(m.group(1)) for m in seen.values()}
    assert len(pids) == 1, "threaddemo's threads show different pids: %s" % pids
    pid = pids.pop()
    assert pid in seen, "no thread has tid == pid %d (the main thread)" % pid
    for tid, m in seen.items():
        assert int(m.group(4)) >= 0, "thread %d shows no hart:\n%s" % (tid, m.group(0))
    assert "STATE" not in out and "S: R running" in out, "ps -L has no legend:\n" + out
    # And /proc agrees: one task directory per thread.
    tasks = machine.run("ls /proc/%d/task" % pid, timeout=30)
    for tid in seen:
        assert re.search(r"(?m)^%d\s" % tid, tasks), "task/ lacks %d:\n%s" % (tid, tasks)
    for _ in range(80):                       # let it finish before the next test
        if "all checks OK" in machine.run("cat park.txt", timeout=30):
            break
        time.sleep(0.25)


def test_ps_columns_line_up_and_running_is_R(machine):
    out = machine.run("ps", timeout=30)
    rows = [m for m in PS.finditer(out)]
    assert rows, "ps printed no process lines:\n" + out
    me = [m for m in rows if m.group(6) == "ps"]
    assert me and me[0].group(3) == "R", "ps itself should be R (running):\n" + out
    header = [l for l in out.splitlines() if "PID" in l][0]
    col = header.index("PPID") + len("PPID")
    for m in rows:                            # right-aligned under its header
        line = m.group(0)
        assert line[:col].rstrip().endswith(m.group(2)), "PPID not aligned:\n" + out


def test_ps_s_shows_each_threads_signal_sets(machine):
    out = machine.run("ps -s", timeout=30)
    assert re.search(r"(?m)^\s*PID\s+TID\s+S\s+BLOCKED\s+PENDING\s+SHARED\s+NAME", out), \
        "ps -s header:\n" + out
    rows = re.findall(r"(?m)^\s*(\d+)\s+(\d+)\s+([RSTZ])\s+([0-9a-f]{8})\s+([0-9a-f]{8})"
                      r"\s+([0-9a-f]{8})\s+(\S+)\s*$", out)
    assert any(r[6] == "sh" for r in rows) and any(r[6] == "ps" for r in rows), \
        "ps -s shows no sh or ps thread line:\n" + out


def test_container_sh_is_pid_1_and_ps_shows_only_its_tree(machine):
    out = machine.run("container sh", timeout=30)
    m = re.search(r"container: sh is pid (\d+) here", out)
    assert m, "container did not report the real pid:\n" + machine.tail()
    real = int(m.group(1))
    assert real != 1
    ps = machine.run("ps", timeout=30)
    procs = {int(r.group(1)): r for r in PS.finditer(ps)}
    assert 1 in procs and len(procs) == 2, "inside: expected only sh (1) and ps, got:\n" + ps
    assert procs[1].group(6) == "sh" and procs[1].group(2) == "0", "pid 1 is not sh:\n" + ps
    tree = machine.run("pstree -p", timeout=30)
    assert tree.strip().splitlines()[0].startswith("sh(1)"), "pstree -p inside:\n" + tree
    assert "init" not in tree, "the outer init is visible inside:\n" + tree
    status = machine.run("cat /proc/self/status", timeout=30)
    assert re.search(r"PPid:\t1\n", status.replace("\r", "")), "cat's parent is not 1:\n" + status
