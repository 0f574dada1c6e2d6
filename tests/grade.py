#!/usr/bin/python3
"""grade.py: `make grade` -- score the test suite, write Gradescope's results.json.

    grade.py [--lab LAB[,LAB]] [--test NAME] [--overlay DIR] [--out results.json]
             [--build MAKE] [--timeout SECS]

Owns: building (with --build), running pytest in a child process with
gradeplugin.py, scoring each test from tests/points.py, printing the score
table and writing results.json ({"score", "execution_time", "output",
"visibility", "tests": [{"name", "number", "score", "max_score", "status",
"output", "tags", "visibility"}]}, Gradescope's format).
Every usertests case runs on its own with its own time limit
(WEFT_GRADE_ISOLATE=1, see test_usertests.py): a panic or a hang costs
that case only. --overlay DIR (GRADE_OVERLAY=) merges an instructor's
points.json and hidden test files (points.load_overlay) without touching
the tree being graded.
Rules: a broken kernel (no build, panic, hang, no prompt) is a grade, not
an error: its tests score 0 and results.json is still complete. The child
gets --timeout seconds in all (WEFT_GRADE_TIMEOUT, default 2400), then is
stopped with SIGTERM (which makes weft.py kill its QEMUs), then SIGKILL.
Invariant: exit status 0 iff results.json was written (2 for an unknown
LAB, after writing a results.json that says so).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)
OUT_DIR = os.path.join(TESTS_DIR, "out")
sys.path.insert(0, TESTS_DIR)
import points  # noqa: E402

TAIL = 40               # lines of a log quoted when something went wrong
OUTPUT_LIMIT = 8000     # characters of output kept per test


def tail(text, n=TAIL):
    return "\n".join(text.rstrip("\n").splitlines()[-n:])


def clip(text):
    if len(text) <= OUTPUT_LIMIT:
        return text
    return "[... %d characters cut ...]\n" % (len(text) - OUTPUT_LIMIT) + \
        text[-OUTPUT_LIMIT:]


# ---------------------------------------------------------------- running

def run_logged(argv, log_path, timeout, env=None):
    """Run argv, echoing its output and saving it to log_path.

    Returns (exit status, output, None) or, when the child had to be
    stopped, (None, output, why). A timeout or a SIGTERM/^C to the grader
    sends SIGTERM to the child, then SIGKILL to its process group.
    """
    log = open(log_path, "w", encoding="utf-8", errors="replace")
    chunks = []
    try:
        child = subprocess.Popen(argv, cwd=REPO_DIR, env=env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        log.close()
        return -1, "cannot run %s: %s" % (argv[0], e), None

    def pump():
        for raw in iter(lambda: child.stdout.read1(4096), b""):
            s = raw.decode("utf-8", "replace")
            chunks.append(s)
            log.write(s)
            log.flush()
            sys.stdout.write(s)
            sys.stdout.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    status, why = None, None
    try:
        status = child.wait(timeout)
    except subprocess.TimeoutExpired:
        why = "the grader stopped it after %d s" % timeout
    except (KeyboardInterrupt, SystemExit) as e:
        why = "the grader was interrupted (%s)" % (e or "^C")
    finally:
        if child.poll() is None:
            stop(child)
    reader.join(5)
    log.close()
    return status, "".join(chunks), why


def stop(child):
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(15)
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def build(make, log_path):
    """`make all`; returns None when it worked, else the reason."""
    status, out, why = run_logged([make, "--no-print-directory", "all"], log_path, 900)
    if status == 0:
        return None
    errors = [l for l in out.splitlines()
              if "error:" in l or "Error " in l or "*** " in l][:20]
    return ("the build failed (`%s all` %s); its errors (whole log: %s):\n%s"
            % (make, why or "exit status %s" % status, log_path,
               "\n".join(errors) or tail(out, 10)))


def run_pytest(lab, one, record, log_path, timeout):
    env = dict(os.environ)
    env["WEFT_GRADE_RECORD"] = record
    env["WEFT_GRADE_LAB"] = lab
    env["WEFT_GRADE_TEST"] = one
    env["WEFT_GRADE_ISOLATE"] = "1"
    env.setdefault("WEFT_SLOW", "1")        # a grade runs the slow cases too
    env["PYTHONPATH"] = TESTS_DIR + os.pathsep + env.get("PYTHONPATH", "")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "gradeplugin",
            "-p", "no:cacheprovider"]
    files = points.graded_files(lab)
    if one:     # one test: only the file that can hold it
        group = one.split("/")[0]
        picked = [f for f in files if os.path.basename(f) in
                  ("test_%s.py" % group, "test_usertests.py")]
        files = picked or files
    argv += files
    return run_logged(argv, log_path, timeout, env)


def read_record(path):
    """(collected items or None, {nodeid: result}, pytest exit status or None)."""
    collected, results, finished = None, {}, None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return collected, results, finished
    for line in lines:
        try:
            ev = json.loads(line)
        except ValueError:
            continue            # a line cut short by a kill
        if ev.get("event") == "collected":
            collected = ev["items"]
        elif ev.get("event") == "result":
            results[ev["nodeid"]] = ev
        elif ev.get("event") == "finished":
            finished = ev["exitstatus"]
    return collected, results, finished


# ---------------------------------------------------------------- scoring

def display_name(filename, function, case):
    group = filename[len("test_"):-len(".py")]
    if case is not None:
        return "%s/%s" % (group, case)
    short = function[len("test_"):] if function.startswith("test_") else function
    if short.startswith(group + "_"):
        short = short[len(group) + 1:]
    return "%s/%s" % (group, short)


def score(lab, collected, results, not_run_reason, one=""):
    """The Gradescope tests list and warnings, from what pytest recorded."""
    tests, warnings, seen = [], [], set()
    boot_failure = None
    for item in collected or []:
        fname, fn, case = item["file"], item["function"], item["case"]
        seen.add((fname, fn, case))
        if case is not None:
            pts, listed = points.usertest_points(case)
        else:
            pts, listed = points.pytest_points(fname, fn)
        if not listed:
            warnings.append("%s is not in tests/points.py: worth %d (default)"
                            % (display_name(fname, fn, case), pts))
        res = results.get(item["nodeid"])
        if res is None:
            status, got = "failed", 0
            output = ("did not finish (or never started): %s\n(console logs: tests/out/)"
                      % not_run_reason)
        else:
            status = res["outcome"]
            got = pts if status == "passed" else 0
            output = res["output"] or ("passed in %.1f s" % res["duration"])
        if case == points.BOOT_CASE:
            boot_failure = output
            if status == "passed":
                continue
        tests.append(entry(fname, fn, case, got, pts, status == "passed", output))
    if collected is None:
        why = "pytest never collected its tests: " + not_run_reason
    elif boot_failure:
        why = "weft did not boot, so this test never ran:\n" + boot_failure
    else:
        why = "the suite has no such test (usertests -l did not list it?)"
    for fname, fn, case, pts in points.expected(lab):
        if one and one not in (case, fn, display_name(fname, fn, case)):
            continue
        if (fname, fn, case) not in seen:
            tests.append(entry(fname, fn, case, 0, pts, False, "not run: " + why))
    number(tests)
    return tests, warnings


def entry(fname, fn, case, got, pts, passed, output):
    """One Gradescope test result."""
    name = display_name(fname, fn, case)
    return {"name": name, "score": got, "max_score": pts,
            "status": "passed" if passed else "failed", "output": clip(output),
            "tags": points.tags(case, fname, fn),
            "visibility": points.visibility(name)}


def number(tests):
    """Gradescope's "number", "G.N": G is the lab's place in points.LABS,
    or, after the labs, one group per test file; N counts within G."""
    groups = list(points.LABS)
    counts = {}
    for t in tests:
        lab = next((x[4:] for x in t["tags"] if x.startswith("lab:")), None)
        key = lab if lab in points.LABS else t["tags"][-1]
        if key not in groups:
            groups.append(key)
        g = groups.index(key) + 1
        counts[g] = counts.get(g, 0) + 1
        t["number"] = "%d.%d" % (g, counts[g])


# ---------------------------------------------------------------- reporting

def table(tests, lab):
    rows = ["%-50s %7s  %s" % ("test", "points", "")]
    for t in tests:
        mark = "ok" if t["status"] == "passed" else "FAILED"
        rows.append("%-50s %3d/%-3d  %s" % (t["name"][:50], t["score"],
                                             t["max_score"], mark))
    got = sum(t["score"] for t in tests)
    total = sum(t["max_score"] for t in tests)
    rows.append("%-50s %3d/%-3d" % ("TOTAL" + (" (LAB=%s)" % lab if lab else ""),
                                    got, total))
    return "\n".join(rows)


def write_results(path, result):
    """Write results.json atomically; True on success."""
    try:
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=d)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
        return True
    except (OSError, TypeError, ValueError) as e:
        sys.stderr.write("grade: cannot write %s: %s\n" % (path, e))
        return False


def grade(args):
    labs = points.parse_labs(args.lab)
    lab = ",".join(labs)
    one = (args.test or "").strip()
    if args.overlay:
        os.environ["WEFT_GRADE_OVERLAY"] = os.path.abspath(args.overlay)
        problems = points.load_overlay(args.overlay)
        if problems:
            msg = "GRADE_OVERLAY: " + "; ".join(problems)
            return 2, {"score": 0, "output": msg, "tests": []}, msg
    unknown = [l for l in labs if l not in points.LABS and
               l not in points.PYTEST_LABS.values()]
    if unknown:
        msg = ("unknown LAB=%s; labs: %s (or no LAB for the full grade)"
               % (",".join(unknown), ", ".join(points.LABS)))
        return 2, {"score": 0, "output": msg, "tests": []}, msg

    os.makedirs(OUT_DIR, exist_ok=True)
    notes = []
    broken = build(args.build, os.path.join(OUT_DIR, "grade-build.log")) \
        if args.build else None
    collected, results = None, {}
    if broken:
        not_run = broken
        notes.append(broken)
    else:
        fd, record = tempfile.mkstemp(prefix="weft-grade-", suffix=".jsonl")
        os.close(fd)
        try:
            status, out, why = run_pytest(
                lab, one, record, os.path.join(OUT_DIR, "grade-pytest.log"), args.timeout)
            collected, results, finished = read_record(record)
        finally:
            os.unlink(record)
        if why is not None:
            not_run = "pytest did not finish: " + why
            notes.append(not_run)
        elif finished is None:
            not_run = ("pytest ended (status %s) before the test finished; "
                       "last lines:\n%s" % (status, tail(out)))
            notes.append(not_run)
        else:
            not_run = "pytest did not report it (status %s)" % status
    tests, warnings = score(lab, collected, results, not_run, one)
    got = sum(t["score"] for t in tests)
    total = sum(t["max_score"] for t in tests)
    head = "weft grade%s%s: %d/%d points" % (" LAB=" + lab if lab else "",
                                            " T=" + one if one else "", got, total)
    if not tests:
        notes.append("no test named %s" % one if one else
                     "lab %s has no tests yet (no usertests case starts with %s)"
                     % (lab, " or ".join(repr(points.LABS[l][0]) for l in labs
                                         if l in points.LABS))
                     if lab else "no tests were graded")
    text = "\n".join([head] + notes + ["warning: " + w for w in warnings])
    result = {"score": got, "output": text, "visibility": "visible",
              "tests": tests}
    return 0, result, table(tests, lab) + "\n\n" + text


def _terminated(signum, frame):
    raise SystemExit("grade: terminated by signal %d" % signum)


def main():
    started = time.monotonic()
    ap = argparse.ArgumentParser(description="grade weft's test suite")
    ap.add_argument("--lab", default=os.environ.get("LAB", ""))
    ap.add_argument("--test", default=os.environ.get("T", ""),
                    help="grade one test: a usertests case or a test name")
    ap.add_argument("--overlay", default=os.environ.get("GRADE_OVERLAY", ""),
                    help="an instructor overlay directory (points.json, test_*.py)")
    ap.add_argument("--out", default=os.path.join(REPO_DIR, "results.json"))
    ap.add_argument("--build", metavar="MAKE", default=None,
                    help="run MAKE all first; a failed build grades as 0")
    ap.add_argument("--timeout", type=int,
                    default=int(os.environ.get("WEFT_GRADE_TIMEOUT", "2400")))
    args = ap.parse_args()
    # SIGTERM (a platform's time limit) unwinds like ^C: the child is
    # stopped and results.json still written.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        os.unlink(args.out)          # never leave an old grade behind
    except OSError:
        pass
    try:
        status, result, report = grade(args)
    except BaseException as e:       # the grader's own bug, or ^C
        status = 1
        report = "grade: internal error:\n" + traceback.format_exc()
        result = {"score": 0, "output": report, "tests": []}
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            report = "grade: interrupted (%s)" % (e or "^C")
            result["output"] = report
    result["execution_time"] = round(time.monotonic() - started, 1)
    print("\n" + report)
    if not write_results(args.out, result):
        return 1
    print("grade: wrote %s" % args.out)
    return status


if __name__ == "__main__":
    sys.exit(main())
