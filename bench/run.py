#!/usr/bin/python3
"""run.py: `make bench` -- run user/bench.c in QEMU for a COW and a COW=0 kernel.

Owns: bench/results.json, bench/fork.dat, bench/switch.dat, bench/tlb.dat
and the plots bench/fork.png, bench/switch.png, bench/tlb.png (written only
when every run finishes), the console logs tests/out/bench-{nocow,cow,smp,rt1}.log.
Steps: build with COW=0, boot QEMU (one hart, `-icount shift=0`, so the
time CSR counts instructions: 1 ns each), run every figure `bench -l` lists
with `bench NAME`, kill QEMU; the same with COW=1; then one more boot of the
COW=1 kernel with SMP_CPUS harts and no icount (icount runs the harts one
after another) for the figures `bench -m` lists (the parallel speedup, in
real time, so it does not repeat exactly); one boot on one hart without
icount for the figures `bench -r` lists (the TLB figure); then results.json
and the plots.
The tree is always rebuilt with COW=1 at the end (also after a failure), so
it is left in its default state.
Rules: every build, boot and figure has a timeout, QEMU is always killed
(weft.Weft), and the whole run stops after RUN_BUDGET seconds.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(REPO_DIR, "tests"))

ICOUNT = "-icount shift=0"
CPUS = 1
SMP_CPUS = 2              # harts for the `bench -m` figures
RUN_BUDGET = 720          # seconds for the whole run (builds included)
BUILD_TIMEOUT = 300
FIGURE_TIMEOUT = 120
# "name value unit", or "name fail -" when the figure could not run.
LINE = re.compile(r"(?m)^([a-z0-9_]+) (\d+|fail) (\S+)[ \t]*$")
# The fork figures plotted, and the heap each one touches (KiB).
FORK_SIZES = [("fork_4k", 4), ("fork_1m", 1024), ("fork_16m", 16384),
              ("fork_48m", 49152), ("fork_64m", 65536)]
# The bars of switch.png: a round trip between two processes or two threads.
SWITCH_FIGURES = ["pingpong_proc", "pingpong_thread", "futex_pingpong"]
# The working-set sizes (pages per turn) of the TLB figure, bench/tlb.png.
TLB_SIZES = [0, 16, 64, 256]

# weft.py reads CPUS and `make print-qemu` reads QEMUEXTRA from the
# environment; set both before the first machine boots.
os.environ["CPUS"] = str(CPUS)
# 256 MiB of RAM (the kernel reads the size from the device tree), so that
# even the eager COW=0 kernel can fork a process with 64 MiB of touched heap.
os.environ["MEM"] = "256M"
QEMUEXTRA_PLAIN = os.environ.get("QEMUEXTRA", "").strip()
os.environ["QEMUEXTRA"] = (QEMUEXTRA_PLAIN + " " + ICOUNT).strip()
import weft  # noqa: E402  (needs the environment above)

_start = time.monotonic()


def budget_left():
    return RUN_BUDGET - (time.monotonic() - _start)


def make_env():
    """The environment for a nested make: our COW wins over the caller's."""
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "COW"):
        env.pop(var, None)
    return env


def build(cow):
    print("bench: building with COW=%d" % cow, flush=True)
    try:
        res = subprocess.run(["make", "-s", "--no-print-directory", "COW=%d" % cow, "all"],
                             cwd=REPO_DIR, env=make_env(), capture_output=True,
                             text=True, timeout=min(BUILD_TIMEOUT, max(10, budget_left())))
    except subprocess.TimeoutExpired:
        raise SystemExit("bench: build with COW=%d did not finish in time" % cow)
    if res.returncode != 0:
        raise SystemExit("bench: build with COW=%d failed:\n%s%s"
                         % (cow, res.stdout[-3000:], res.stderr[-3000:]))


def run_figures(label, ncpu=CPUS, list_flag="-l"):
    """Boot the current build and run each figure `bench LIST_FLAG` names;
    {name: {value, unit}}."""
    figures = {}
    with weft.Weft("bench-" + label, ncpu=ncpu) as m:
        names = [l.strip() for l in m.run("bench " + list_flag, timeout=30).splitlines()
                 if l.strip()]
        for name in names:
            left = budget_left()
            if left < 5:
                raise SystemExit("bench: out of time (RUN_BUDGET %d s)" % RUN_BUDGET)
            t0 = time.monotonic()
            out = m.run("bench " + name, timeout=min(FIGURE_TIMEOUT, left))
            for fig, value, unit in LINE.findall(out):
                figures[fig] = ({"value": None, "unit": "fail"} if value == "fail"
                                else {"value": int(value), "unit": unit})
                print("  %-6s %-26s %10s %s" % (label, fig, value,
                                                unit if value != "fail" else ""),
                      flush=True)
            if not LINE.search(out):
                raise SystemExit("bench: `bench %s` printed no figure:\n%s" % (name, out))
            if time.monotonic() - t0 > FIGURE_TIMEOUT / 2:
                print("bench: warning: %s took %.0f s" % (name, time.monotonic() - t0))
    return figures


def host_busy_cpus(seconds=2.0):
    """How many host CPUs other programs kept busy over the next seconds
    (from /proc/stat; 0.0 where it cannot be read)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + (v[4] if len(v) > 4 else 0)     # total, idle+iowait
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    if total1 == total0:
        return 0.0
    return (os.cpu_count() or 1) * (1.0 - (idle1 - idle0) / (total1 - total0))


def run_smp_figures():
    """The `bench -m` figures: SMP_CPUS harts, real time (no icount)."""
    os.environ["QEMUEXTRA"] = QEMUEXTRA_PLAIN
    busy = host_busy_cpus()
    # Each hart is a host thread: other busy programs take harts away.
    if busy > 0.3:
        print("bench: %.1f host CPUs busy before the run: the speedup will be lower" % busy)
    try:
        figures = run_figures("smp", ncpu=SMP_CPUS, list_flag="-m")
        figures["host_busy_cpus_x100"] = {"value": int(busy * 100), "unit": "cpus*100"}
        return figures, qemu_args(SMP_CPUS)
    finally:
        os.environ["QEMUEXTRA"] = (QEMUEXTRA_PLAIN + " " + ICOUNT).strip()


def run_rt1_figures():
    """The `bench -r` figures: one hart, real time (no icount) -- the TLB
    figure, where what QEMU does on a satp write is the point."""
    os.environ["QEMUEXTRA"] = QEMUEXTRA_PLAIN
    try:
        return run_figures("rt1", ncpu=1, list_flag="-r")
    finally:
        os.environ["QEMUEXTRA"] = (QEMUEXTRA_PLAIN + " " + ICOUNT).strip()


def qemu_args(ncpu=CPUS):
    argv = weft.qemu_command("fs.img", ncpu)
    return " ".join(argv)


def git_head():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def compare_with_previous(prev, new):
    """Print how far each figure moved since the last results.json."""
    print("bench: change since the previous run (%s):" % prev.get("date", "?"))
    worst = 0.0
    for kind in ("cow", "nocow"):
        for name, cur in sorted(new[kind].items()):
            old = prev.get(kind, {}).get(name)
            if not old or old.get("value") is None or cur["value"] is None:
                continue
            a, b = old["value"], cur["value"]
            pct = 0.0 if a == b else 100.0 * (b - a) / max(a, 1)
            worst = max(worst, abs(pct))
            if a != b:
                print("  %-6s %-26s %10d -> %-10d %+.2f%%" % (kind, name, a, b, pct))
    print("bench: largest change %.2f%% (icount figures)" % worst)
    for kind in ("smp", "rt1"):
        for name, cur in sorted(new.get(kind, {}).items()):
            old = prev.get(kind, {}).get(name)
            if old and old.get("value") is not None and cur["value"] is not None:
                print("  %-6s %-26s %10d -> %-10d (real time: not expected to repeat)"
                      % (kind, name, old["value"], cur["value"]))


def have_gnuplot():
    """gnuplot on PATH, installing gnuplot-nox with apt-get if we may."""
    if shutil.which("gnuplot"):
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("bench: installing gnuplot-nox", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "gnuplot-nox"]):
            try:
                subprocess.run(cmd, env=env, timeout=300, check=False)
            except subprocess.TimeoutExpired:
                break
    return shutil.which("gnuplot") is not None


def write_dat(results):
    """bench/fork.dat (the fork figures) and bench/switch.dat (the ping-pongs)."""
    def cell(kind, name):
        fig = results.get(kind, {}).get(name)
        return "?" if not fig or fig["value"] is None else str(fig["value"])
    with open(os.path.join(BENCH_DIR, "fork.dat"), "w") as f:
        f.write("# touched_heap_kib cow_us nocow_us  (? = fork failed)\n")
        for name, kib in FORK_SIZES:
            f.write("%d %s %s\n" % (kib, cell("cow", name), cell("nocow", name)))
    with open(os.path.join(BENCH_DIR, "switch.dat"), "w") as f:
        f.write("# figure cow_ns nocow_ns  (one round trip: two switches)\n")
        for name in SWITCH_FIGURES:
            f.write("%s %s %s\n" % (name, cell("cow", name), cell("nocow", name)))
    with open(os.path.join(BENCH_DIR, "tlb.dat"), "w") as f:
        f.write("# pages_touched_per_turn thread_ns proc_ns  (one round trip, real time)\n")
        for n in TLB_SIZES:
            f.write("%d %s %s\n" % (n, cell("rt1", "tlb_%d_thread" % n),
                                    cell("rt1", "tlb_%d_proc" % n)))


def gnuplot(script):
    try:
        res = subprocess.run(["gnuplot", script], cwd=BENCH_DIR, capture_output=True,
                             text=True, timeout=60)
    except subprocess.TimeoutExpired:
        print("bench: gnuplot %s did not finish" % script)
        return
    if res.returncode != 0:
        print("bench: gnuplot %s failed:\n%s" % (script, res.stderr))


def plot(results):
    """The .dat files, then bench/fork.png and bench/switch.png with gnuplot."""
    write_dat(results)
    if not have_gnuplot():
        print("bench: gnuplot missing: bench/fork.png, bench/switch.png, bench/tlb.png not drawn")
        return
    gnuplot("fork.gp")
    gnuplot("switch.gp")
    gnuplot("tlb.gp")


# docs/performance.md's table of figures is written from results.json
# between these two lines, so the page and the numbers cannot drift apart.
TABLE_BEGIN = "<!-- bench-table: written by bench/run.py from bench/results.json -->"
TABLE_END = "<!-- end of bench-table -->"
BASELINE = os.path.join(BENCH_DIR, "baseline-turn1.json")


def figure_table(results, baseline):
    """Markdown rows: figure, its value now (COW=1, COW=0 or real time), and
    the same figure in the turn-1 baseline where it existed."""
    def fmt(fig):
        if not fig or fig.get("value") is None:
            return "-" if not fig else "fail"
        return "%d %s" % (fig["value"], fig["unit"])
    rows = ["| figure | kind | now | turn 1 (%s) |" % baseline.get("commit", "?"),
            "|---|---|---|---|"]
    for kind in ("cow", "nocow", "smp", "rt1"):
        for name in sorted(results.get(kind, {})):
            old = baseline.get(kind, {}).get(name)
            rows.append("| `%s` | %s | %s | %s |" % (name, kind, fmt(results[kind][name]),
                                                     fmt(old) if old else "-"))
    return "\n".join(rows)


def write_doc_table(results):
    """Replace the bench-table block of docs/performance.md."""
    doc = os.path.join(REPO_DIR, "docs", "performance.md")
    try:
        with open(BASELINE) as f:
            baseline = json.load(f)
    except (OSError, ValueError):
        baseline = {}
    with open(doc) as f:
        text = f.read()
    a, b = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if a < 0 or b < a:
        print("bench: docs/performance.md has no bench-table block; not updated")
        return
    block = "%s\n\nRun of %s (commit %s):\n\n%s\n\n" % (
        TABLE_BEGIN, results.get("date", "?"), results.get("commit", "?"),
        figure_table(results, baseline))
    with open(doc, "w") as f:
        f.write(text[:a] + block + text[b:])


def main():
    path = os.path.join(BENCH_DIR, "results.json")
    prev = None
    if os.path.exists(path):
        try:
            with open(path) as f:
                prev = json.load(f)
        except (OSError, ValueError):
            prev = None
    results = {}
    try:
        build(0)
        results["nocow"] = run_figures("nocow")
        build(1)
        results["cow"] = run_figures("cow")
        results["smp"], results["smp_qemu_args"] = run_smp_figures()
        results["rt1"] = run_rt1_figures()
    finally:
        if "cow" not in results:        # leave the default (COW=1) build behind
            build(1)
    results["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["qemu_args"] = qemu_args()
    results["cpus"] = CPUS
    results["smp_cpus"] = SMP_CPUS
    results["commit"] = git_head()
    with open(path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    plot(results)
    write_doc_table(results)
    if prev:
        compare_with_previous(prev, results)
    print("bench: wrote bench/results.json, bench/fork.png, bench/switch.png, bench/tlb.png (%.0f s)"
          % (time.monotonic() - _start))


if __name__ == "__main__":
    main()
