#!/usr/bin/python3
"""labcheck.py: `make labcheck` -- every lab's skeleton is fair, the tree is full.

    labcheck.py [--lab NAME] [--keep DIR]

For each lab in tests/points.py's LABS order it writes the skeleton
(tests/skeleton.py) into a temporary directory and checks there that
  - it builds (-Werror) and boots (the grade lists the usertests cases),
  - `make grade LAB=<lab>` scores 0, with every case of the lab that still
    passes named in points.REGRESSION (else it would earn points unworked),
  - `make grade LAB=<the labs before it>` scores full marks;
then that the other documented starting points of a lab
(points.STARTING_POINTS, e.g. `make COW=0`) score 0 on it, and that this
tree scores full marks on every lab. Prints one line per
check and exits non-zero if any failed. Takes a few minutes (one build and
two grades per lab); .ci/run runs it after `make test`.
Invariant: nothing is written into this tree except tests/out/labcheck-*.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)
OUT_DIR = os.path.join(TESTS_DIR, "out")
sys.path.insert(0, TESTS_DIR)
import points  # noqa: E402
import skeleton  # noqa: E402

failures = []


def check(ok, what, detail=""):
    print("labcheck: %-4s %s" % ("ok" if ok else "FAIL", what), flush=True)
    if not ok:
        failures.append(what)
        if detail:
            print("    " + detail.replace("\n", "\n    "), flush=True)


def grade(tree, labs, name, make_vars=()):
    """`make grade LAB=labs` in tree; (results dict or None, log path)."""
    out = os.path.join(tree, "labcheck-results.json")
    log = os.path.join(OUT_DIR, "labcheck-%s.log" % name)
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "LAB", "T", "GRADE_OVERLAY",
                        "WEFT_QEMU_CMD", "WEFT_GRADE_OVERLAY")}
    started = time.monotonic()
    p = subprocess.run(["make", "--no-print-directory", "grade", "LAB=" + ",".join(labs),
                        "RESULTS=" + out] + list(make_vars), cwd=tree, env=env, capture_output=True,
                       text=True, timeout=1800)
    with open(log, "w") as f:
        f.write(p.stdout + p.stderr)
    res = None
    if os.path.exists(out):
        with open(out) as f:
            res = json.load(f)
        os.unlink(out)
    print("labcheck:      (make grade LAB=%s in %s: %.0f s, log %s)"
          % (" ".join([",".join(labs)] + list(make_vars)),
             "this tree" if tree == REPO_DIR else "the skeleton",
             time.monotonic() - started, log), flush=True)
    return res, log


def booted(res):
    return res is not None and not any("did not boot" in t["output"] or
                                       "build failed" in t["output"]
                                       for t in res["tests"]) \
        and "build failed" not in res["output"]


def full(res):
    return res is not None and res["tests"] and \
        all(t["status"] == "passed" for t in res["tests"])


def check_lab(lab, keep):
    order = list(points.LABS)
    before = order[:order.index(lab)]
    tree = os.path.join(keep, lab) if keep else tempfile.mkdtemp(prefix="weft-skel-%s-" % lab)
    try:
        skeleton.write_skeleton(lab, tree, force=True)
        res, log = grade(tree, [lab], "skeleton-" + lab)
        check(booted(res), "LAB=%s skeleton builds and boots" % lab,
              res["output"][-2000:] if res else "no results.json; log " + log)
        if not booted(res):
            return
        earned = [t["name"] for t in res["tests"] if t["score"] > 0]
        check(res["score"] == 0, "LAB=%s skeleton scores 0 on its lab" % lab,
              "these pass on the skeleton and earn points (add them to "
              "points.REGRESSION): " + ", ".join(earned))
        passing = sorted(t["name"].split("/")[-1] for t in res["tests"]
                         if t["status"] == "passed")
        stale = sorted(c for c in points.REGRESSION if points.lab_of(c) == lab
                       and c not in passing)
        if stale:
            print("labcheck: note: REGRESSION cases of %s that fail on its skeleton "
                  "(they could earn points): %s" % (lab, ", ".join(stale)))
        if before:
            res, log = grade(tree, before, "skeleton-%s-before" % lab)
            failed = [t["name"] for t in (res or {}).get("tests", [])
                      if t["status"] != "passed"]
            check(full(res), "LAB=%s skeleton passes the labs before it (%s)"
                  % (lab, ",".join(before)), "failed: %s (log %s)" % (", ".join(failed), log))
    finally:
        if not keep:
            shutil.rmtree(tree, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description="check every lab's skeleton and the full tree")
    ap.add_argument("--lab", help="check this lab only")
    ap.add_argument("--keep", help="write the skeletons under this directory and keep them")
    args = ap.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    labs = [args.lab] if args.lab else list(points.LABS)
    for lab in labs:
        if lab not in points.LABS:
            raise SystemExit("labcheck: unknown lab %s" % lab)
        check_lab(lab, args.keep and os.path.abspath(args.keep))
    for lab in labs:
        for make_vars in points.STARTING_POINTS.get(lab, []):
            res, log = grade(REPO_DIR, [lab], "start-%s" % lab, make_vars.split())
            earned = [t["name"] for t in (res or {}).get("tests", []) if t["score"] > 0]
            check(booted(res) and res["score"] == 0,
                  "LAB=%s starting point `make %s` scores 0" % (lab, make_vars),
                  "earned points: %s (log %s)" % (", ".join(earned), log))
    res, log = grade(REPO_DIR, labs, "full-tree")
    failed = [t["name"] for t in (res or {}).get("tests", []) if t["status"] != "passed"]
    check(full(res), "this tree scores full marks on %s" % ",".join(labs),
          "failed: %s (log %s)" % (", ".join(failed), log))
    print("labcheck: %s" % ("all passed" if not failures else
                            "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
