#!/usr/bin/python3
"""skeleton.py: `make skeleton LAB=NAME OUT=DIR` -- a student tree from this one.

    skeleton.py --lab NAME --out DIR [--force]
    skeleton.py --list            (every marked region, for reviewers)

Owns: the solution markers and what a skeleton is. A lab's solution lives
in the source between marker lines, the student's stub after them:

    // LAB cow: BEGIN SOLUTION     <- (or "# LAB cow: ..." in a Makefile)
    ...the code the students write...
    // LAB cow: STUB               <- optional
    //> ...what they start from, commented out in this tree...
    // LAB cow: END                <- (markers are whole lines, no text after)

A region may have no STUB part (the solution simply goes). A skeleton of
lab k (LABS order in tests/points.py) keeps the labs before k solved and
replaces the regions of k and every later lab by their stubs; the marker
lines of the kept labs vanish, so the student tree shows no markers at all.
Rules: only files git knows (tracked or not ignored) are copied, so build
products never reach a student; markers count only in source files (.c .h
.S .ld .sh, Makefile), so docs may show them; a file with unbalanced markers is an
error, never half-stripped.
Invariant: the skeleton builds with -Werror, boots, passes the tests of
the labs before k and scores 0 on lab k (`make labcheck`, tests/labcheck.py).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)
sys.path.insert(0, TESTS_DIR)
import points  # noqa: E402

# Files whose markers count: source, not the docs that show the markers.
MARKED = re.compile(r"(\.(c|h|S|ld|sh)|/Makefile|^Makefile)$")
MARKER = re.compile(r"^\s*(//|#) LAB (?P<lab>[a-z0-9_]+): (?P<what>BEGIN SOLUTION|STUB|END)\s*$")
STUB_LINE = re.compile(r"^(?P<indent>\s*)(//|#)> ?(?P<code>.*)$")


class MarkerError(Exception):
    pass


def strip(text, path, remove):
    """text with the regions of the labs in `remove` replaced by their stubs
    and the markers of every other lab dropped. Raises MarkerError."""
    out, lab, part, start = [], None, None, 0
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        m = MARKER.match(line)
        if m:
            what = m.group("what")
            if what == "BEGIN SOLUTION":
                if lab is not None:
                    raise MarkerError("%s:%d: BEGIN inside the region opened at line %d"
                                      % (path, n, start))
                lab, part, start = m.group("lab"), "solution", n
            elif lab != m.group("lab"):
                raise MarkerError("%s:%d: %s for lab %s outside its region"
                                  % (path, n, what, m.group("lab")))
            elif what == "STUB":
                if part != "solution":
                    raise MarkerError("%s:%d: a second STUB" % (path, n))
                part = "stub"
            else:
                lab, part = None, None
            continue
        if lab is None:
            out.append(line)
        elif part == "solution":
            if lab not in remove:
                out.append(line)
        else:                               # a stub line
            s = STUB_LINE.match(line)
            if s is None:
                raise MarkerError("%s:%d: a stub line must start with //> or #>" % (path, n))
            if lab in remove:
                code = s.group("code")
                out.append(s.group("indent") + code + "\n" if code else "\n")
    if lab is not None:
        raise MarkerError("%s:%d: region never ends" % (path, start))
    return "".join(out)


def tree_files():
    """Paths (relative) git knows in the tree: tracked plus untracked-not-ignored."""
    res = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], cwd=REPO_DIR, capture_output=True)
    if res.returncode != 0:
        raise SystemExit("skeleton: git ls-files failed: %s" % res.stderr.decode())
    return sorted(p for p in res.stdout.decode().split("\0")
                  if p and os.path.isfile(os.path.join(REPO_DIR, p)))


def later_labs(lab):
    """lab and every lab after it, in points.LABS order."""
    order = list(points.LABS)
    return set(order[order.index(lab):])


def write_skeleton(lab, out_dir, force=False):
    if lab not in points.LABS:
        raise SystemExit("skeleton: unknown LAB=%s; labs: %s" % (lab, ", ".join(points.LABS)))
    out_dir = os.path.abspath(out_dir)
    if os.path.realpath(out_dir).startswith(os.path.realpath(REPO_DIR) + os.sep):
        raise SystemExit("skeleton: OUT=%s is inside the tree; pick a directory outside it"
                         % out_dir)
    if os.path.exists(out_dir) and os.listdir(out_dir):
        if not force:
            raise SystemExit("skeleton: %s exists and is not empty" % out_dir)
        shutil.rmtree(out_dir)
    remove = later_labs(lab)
    changed = []
    for rel in tree_files():
        src = os.path.join(REPO_DIR, rel)
        dst = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            with open(src, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            shutil.copy2(src, dst)
            continue
        new = strip(text, rel, remove) if MARKED.search(rel) and "LAB " in text else text
        with open(dst, "w", encoding="utf-8") as f:
            f.write(new)
        shutil.copymode(src, dst)
        if new != text:
            changed.append(rel)
    return changed


def list_regions():
    for rel in tree_files():
        if not MARKED.search(rel):
            continue
        try:
            text = open(os.path.join(REPO_DIR, rel), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            m = MARKER.match(line)
            if m and m.group("what") == "BEGIN SOLUTION":
                print("%s:%d: %s" % (rel, n, m.group("lab")))


def main():
    ap = argparse.ArgumentParser(description="write a lab's student tree")
    ap.add_argument("--lab")
    ap.add_argument("--out")
    ap.add_argument("--force", action="store_true", help="replace a non-empty OUT")
    ap.add_argument("--list", action="store_true", help="list the marked regions")
    args = ap.parse_args()
    if args.list:
        list_regions()
        return 0
    if not args.lab or not args.out:
        ap.error("--lab and --out are needed (make skeleton LAB=cow OUT=../cow-student)")
    try:
        changed = write_skeleton(args.lab, args.out, args.force)
    except MarkerError as e:
        raise SystemExit("skeleton: %s" % e)
    print("skeleton: wrote %s for LAB=%s (files changed: %s)"
          % (args.out, args.lab, ", ".join(changed) or "nothing"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
