#!/usr/bin/python3
"""run.py: `make bench` -- run user/bench.c in QEMU for a COW and a COW=0 kernel.

Owns: results.json, fork.dat, switch.dat, tlb.dat and the plots fork.png,
switch.png, tlb.png (written only when every run finishes) -- in bench/out/
(untracked), or, with UPDATE=1 (`make bench UPDATE=1`), in bench/ as the
committed baseline, together with docs/performance.md's generated tables;
the console logs tests/out/bench-{nocow,cow,smp,rt1}.log.
`run.py --doc` only rewrites docs/performance.md's tables from the committed
bench/results.json (`--doc --check`: exit 1 if the page is out of step).
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
# Where a run writes: bench/out/ unless asked to update the baseline.
UPDATE = os.environ.get("UPDATE", "") not in ("", "0")
OUT_DIR = BENCH_DIR if UPDATE else os.path.join(BENCH_DIR, "out")
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
        for cmd in (["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", "gnuplot-nox"]):
            try:
                subprocess.run(cmd, env=env, timeout=300, check=False)
            except subprocess.TimeoutExpired:
                break
    return shutil.which("gnuplot") is not None


def write_dat(results):
    """fork.dat (the fork figures), switch.dat (the ping-pongs) and tlb.dat
    in OUT_DIR."""
    def cell(kind, name):
        fig = results.get(kind, {}).get(name)
        return "?" if not fig or fig["value"] is None else str(fig["value"])
    with open(os.path.join(OUT_DIR, "fork.dat"), "w") as f:
        f.write("# touched_heap_kib cow_us nocow_us  (? = fork failed)\n")
        for name, kib in FORK_SIZES:
            f.write("%d %s %s\n" % (kib, cell("cow", name), cell("nocow", name)))
    with open(os.path.join(OUT_DIR, "switch.dat"), "w") as f:
        f.write("# figure cow_ns nocow_ns  (one round trip: two switches)\n")
        for name in SWITCH_FIGURES:
            f.write("%s %s %s\n" % (name, cell("cow", name), cell("nocow", name)))
    with open(os.path.join(OUT_DIR, "tlb.dat"), "w") as f:
        f.write("# pages_touched_per_turn thread_ns proc_ns  (one round trip, real time)\n")
        for n in TLB_SIZES:
            f.write("%d %s %s\n" % (n, cell("rt1", "tlb_%d_thread" % n),
                                    cell("rt1", "tlb_%d_proc" % n)))


def gnuplot(script):
    try:
        res = subprocess.run(["gnuplot", os.path.join(BENCH_DIR, script)], cwd=OUT_DIR,
                             capture_output=True,
                             text=True, timeout=60)
    except subprocess.TimeoutExpired:
        print("bench: gnuplot %s did not finish" % script)
        return
    if res.returncode != 0:
        print("bench: gnuplot %s failed:\n%s" % (script, res.stderr))


def plot(results):
    """The .dat files, then fork.png, switch.png and tlb.png (in OUT_DIR)."""
    write_dat(results)
    if not have_gnuplot():
        print("bench: gnuplot missing: fork.png, switch.png, tlb.png not drawn")
        return
    gnuplot("fork.gp")
    gnuplot("switch.gp")
    gnuplot("tlb.gp")


# docs/performance.md's tables (the figures, the targets, the TLB figure)
# are written from results.json between "<!-- NAME: written by ... -->" and
# "<!-- end of NAME -->" lines, so the page and the numbers cannot drift apart.
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


def value(results, kind, name):
    fig = results.get(kind, {}).get(name)
    return None if not fig else fig.get("value")


def tlb_table(results):
    """The TLB figure as a table: N, thread and process round trips, ratio."""
    rows = ["| N | thread | process | ratio |", "|---|---|---|---|"]
    for n in TLB_SIZES:
        t, p = value(results, "rt1", "tlb_%d_thread" % n), value(results, "rt1", "tlb_%d_proc" % n)
        if t is None or p is None:
            rows.append("| %d | - | - | - |" % n)
            continue
        rows.append("| %d | %.1f us | %.1f us | %.2f |" % (n, t / 1000, p / 1000, t / p))
    return "\n".join(rows)


# The targets issues 10 and 11 set: (text, kind, figure, limit) for "figure
# <= limit", or (text, function(results) -> (measured text, met?)).
def _ratio_target(results):
    r = value(results, "rt1", "tlb_256_ratio_x100")
    return ("-" if r is None else "%.2f (`tlb_256_ratio_x100` = %d)" % (r / 100, r),
            r is not None and r <= 75)


def _satp_target(results):
    t, p = (value(results, "cow", "pingpong_thread_satp"),
            value(results, "cow", "pingpong_proc_satp"))
    return "%s and %s" % (t, p), t == 0 and p == 2


def _fraction_target(name, of, divisor):
    def target(results):
        v, o = value(results, "cow", name), value(results, "cow", of)
        if v is None or o is None:
            return "-", False
        return "%d us (`%s` / %d = %.1f us)" % (v, of, divisor, o / divisor), v <= o / divisor
    return target


def _speedup_target(results):
    s, busy = value(results, "smp", "par_speedup_x100"), value(results, "smp", "host_busy_cpus_x100")
    return ("-" if s is None else "%.2fx (`host_busy_cpus_x100` = %s)" % (s / 100, busy),
            s is not None and s >= 160)


TARGETS = [
    ("`null_syscall` <= 400 instructions (10)", "cow", "null_syscall", 400),
    ("`pingpong_thread_satp` = 0, `pingpong_proc_satp` = 2 (10)", _satp_target),
    ("real time, N = 256: thread round trip <= 0.75 x process (10)", _ratio_target),
    ("`pingpong_proc` <= 10,000 instructions (11)", "cow", "pingpong_proc", 10000),
    ("`futex_pingpong` <= 6,000 (11)", "cow", "futex_pingpong", 6000),
    ("`fork_4k` <= 60 us = 60,000 instructions (11)", "cow", "fork_4k", 60),
    ("`thread_create_join` <= `fork_4k` / 4 (11)", _fraction_target("thread_create_join", "fork_4k", 4)),
    ("`thread_create_join` <= `fork_1m` / 10 (11)", _fraction_target("thread_create_join", "fork_1m", 10)),
    ("`fork_64m` <= 5,000 us (11)", "cow", "fork_64m", 5000),
    ("`cow_fault` <= 5,000 instructions (11)", "cow", "cow_fault", 5000),
    ("`zero_fault` <= 3,000 (11)", "cow", "zero_fault", 3000),
    ("`par` speedup >= 1.6x on two harts, quiet host (11)", _speedup_target),
]


def targets_table(results):
    rows = ["| target (issue) | measured | met? |", "|---|---|---|"]
    for t in TARGETS:
        if callable(t[1]):
            measured, met = t[1](results)
        else:
            v = value(results, t[1], t[2])
            measured, met = ("-" if v is None else "{:,}".format(v)), v is not None and v <= t[3]
        rows.append("| %s | %s | %s |" % (t[0], measured, "yes" if met else "**no**"))
    return "\n".join(rows)


def generated_blocks(results):
    """{block name: markdown} for every generated block of performance.md."""
    try:
        with open(BASELINE) as f:
            baseline = json.load(f)
    except (OSError, ValueError):
        baseline = {}
    return {
        "bench-table": "Run of %s (commit %s):\n\n%s" % (
            results.get("date", "?"), results.get("commit", "?"),
            figure_table(results, baseline)),
        "bench-targets": targets_table(results),
        "bench-tlb": tlb_table(results),
    }


def doc_with_tables(text, results):
    """text (performance.md) with each generated block rewritten."""
    for name, body in generated_blocks(results).items():
        begin = "<!-- %s: written by bench/run.py from bench/results.json -->" % name
        end = "<!-- end of %s -->" % name
        a, b = text.find(begin), text.find(end)
        if a < 0 or b < a:
            print("bench: docs/performance.md has no %s block; not updated" % name)
            continue
        text = text[:a] + begin + "\n\n" + body + "\n\n" + text[b:]
    return text


def write_doc_table(results, check=False):
    """Rewrite docs/performance.md's generated blocks; with check, only
    say whether they are out of step (True when they are)."""
    doc = os.path.join(REPO_DIR, "docs", "performance.md")
    with open(doc) as f:
        text = f.read()
    new = doc_with_tables(text, results)
    if check:
        return new != text
    if new != text:
        with open(doc, "w") as f:
            f.write(new)
    return False


def main():
    if "--doc" in sys.argv[1:]:
        with open(os.path.join(BENCH_DIR, "results.json")) as f:
            committed = json.load(f)
        stale = write_doc_table(committed, check="--check" in sys.argv[1:])
        if stale:
            print("bench: docs/performance.md is out of step with bench/results.json "
                  "(python3 bench/run.py --doc rewrites it)")
        return 1 if stale else 0
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "results.json")
    if not os.path.exists(path):        # compare with the committed baseline
        path_prev = os.path.join(BENCH_DIR, "results.json")
    else:
        path_prev = path
    prev = None
    if os.path.exists(path_prev):
        try:
            with open(path_prev) as f:
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
    if UPDATE:
        write_doc_table(results)
    if prev:
        compare_with_previous(prev, results)
    where = os.path.relpath(OUT_DIR, REPO_DIR)
    print("bench: wrote %s/results.json, fork.png, switch.png, tlb.png (%.0f s)%s"
          % (where, time.monotonic() - _start, "" if UPDATE else
             "; the committed baseline (bench/) and docs/performance.md are unchanged: "
             "make bench UPDATE=1 updates them"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
