#!/usr/bin/python3
"""bootloop.py: boot weft many times and check every boot's banner.

    make bootloop [N=400] [JOBS=3] [CPUS=3]
    /usr/bin/python3 tests/bootloop.py -n 400 -j 3

Owns: the banner rules (check_banner, also used by tests/test_boot.py) and
the loop. A boot is good when it reaches the first shell prompt without a
panic, and its banner has exactly one "weft: boot hart" line, a
"weft: hart H started" line for every other hart below NCPU, no "did not
start", one "weft: N harts running" with N = min(CPUS, NCPU), and, when
CPUS > NCPU, one "weft: parked harts ..." line naming every extra hart.
JOBS machines boot at once (loading the host is the point: the boot races
showed up on a busy host). A boot is never retried here. Logs of bad boots
stay in tests/out/bootloop-I.log; good ones are deleted.
Prints "N boots, M bad" last; exit status 1 if any boot was bad.
"""

import argparse
import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft  # noqa: E402


def kernel_ncpu():
    """NCPU as kernel/param.h (or EXTRA_CFLAGS=-DNCPU=) sets it."""
    m = re.search(r"-DNCPU=(\d+)", os.environ.get("EXTRA_CFLAGS", ""))
    if m:
        return int(m.group(1))
    with open(os.path.join(weft.REPO_DIR, "kernel", "param.h")) as f:
        return int(re.search(r"#define NCPU\s+(\d+)", f.read()).group(1))


def check_banner(text, ncpu, nslots):
    """Problems (a list of strings) with the boot banner in console text."""
    problems = []
    want = min(ncpu, nslots)
    boots = re.findall(r"(?m)^weft: boot hart (\d+)", text)
    if len(boots) != 1:
        problems.append("%d 'weft: boot hart' lines (want 1)" % len(boots))
    running = re.findall(r"(?m)^weft: (\d+) harts? running", text)
    if len(running) != 1:
        problems.append("%d 'harts running' lines (want 1)" % len(running))
    elif int(running[0]) != want:
        problems.append("%s harts running (want %d)" % (running[0], want))
    for m in re.finditer(r"(?m)^weft: hart \d+ did not start.*$", text):
        problems.append(m.group(0))
    if boots:
        started = set(int(h) for h in re.findall(r"(?m)^weft: hart (\d+) started", text))
        missing = set(range(want)) - started - {int(boots[0])}
        if missing and int(boots[0]) < nslots:
            problems.append("no 'started' line for harts %s" % sorted(missing))
    if ncpu > nslots:
        parked = re.findall(r"(?m)^weft: parked harts ([\d ]+)", text)
        ids = sorted(int(h) for h in parked[0].split()) if parked else []
        if ids != list(range(nslots, ncpu)):
            problems.append("parked harts %s (want %s)" % (ids, list(range(nslots, ncpu))))
    return problems


def boot_once(i, ncpu, nslots):
    """One boot: (good?, one-line story, log path)."""
    name = "bootloop-%s" % i
    try:
        m = weft.Weft(name, ncpu=ncpu, retry=False)
    except weft.WeftError as e:
        return False, str(e).split("\n", 1)[0], os.path.join(weft.OUT_DIR, name + ".log")
    try:
        m.settle(quiet=0.3, timeout=2)     # a late second banner would show now
        problems = check_banner(m.text, ncpu, nslots)
        if m.panic_seen:
            problems.append("panic")
        return not problems, "; ".join(problems), m.log_path
    except weft.WeftError as e:
        return False, str(e).split("\n", 1)[0], m.log_path
    finally:
        m.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=int(os.environ.get("N", "100") or 100))
    ap.add_argument("-j", type=int, default=int(os.environ.get("JOBS", "3") or 3))
    args = ap.parse_args()
    ncpu, nslots = weft.cpus(), kernel_ncpu()
    bad = []
    done = [0]
    lock = threading.Lock()

    def one(i):
        ok, story, log = boot_once(i, ncpu, nslots)
        with lock:
            done[0] += 1
            if ok:
                os.unlink(log)
            else:
                bad.append((i, story, log))
                print("boot %d: BAD: %s (log %s)" % (i, story, log), flush=True)
            if done[0] % 25 == 0:
                print("... %d boots, %d bad" % (done[0], len(bad)), flush=True)

    print("bootloop: %d boots, CPUS=%d, NCPU=%d, %d at a time"
          % (args.n, ncpu, nslots, args.j), flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
        list(pool.map(one, range(args.n)))
    print("%d boots, %d bad" % (args.n, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
