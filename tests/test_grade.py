"""test_grade.py: `make grade` (tests/grade.py) writes a sound results.json.

Quick tests run grade.py against tests/selftest/fakeqemu.py (no kernel, a
few seconds each): a passing machine, a panic in the middle of usertests,
a hang cut short by the grader's timeout, an unknown LAB, an empty lab.
One quick real-kernel test checks `usertests -g PREFIX` and `usertests NAME...`.
The real check -- a copy of the tree built with a kernel that panics in
link(), graded by `make grade` -- takes minutes, so it runs only when
WEFT_GRADE_SELFTEST=1.
Invariant: nothing here writes into the work tree except tests/out/ logs
(the full check works on its own copy of the tree).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import points
import weft

GRADE = os.path.join(weft.TESTS_DIR, "grade.py")
FAKE = os.path.join(weft.TESTS_DIR, "selftest", "fakeqemu.py")
FIELDS = {"score", "execution_time", "output", "tests"}
TEST_FIELDS = {"name", "score", "max_score", "output"}

needs_fake = pytest.mark.skipif(
    bool(os.environ.get("WEFT_QEMU_CMD")),
    reason="already running under a fake machine (harness selftest)")
selftest = pytest.mark.skipif(
    os.environ.get("WEFT_GRADE_SELFTEST") != "1",
    reason="rebuilds the kernel and grades it (minutes): set WEFT_GRADE_SELFTEST=1")


def load_results(path):
    """Parse results.json and check its shape; returns the dict."""
    with open(path) as f:
        res = json.load(f)
    assert FIELDS <= set(res), "results.json lacks %s" % (FIELDS - set(res))
    assert isinstance(res["output"], str) and isinstance(res["tests"], list)
    assert isinstance(res["execution_time"], (int, float))
    for t in res["tests"]:
        assert TEST_FIELDS <= set(t), "test entry lacks fields: %r" % t
        assert 0 <= t["score"] <= t["max_score"], t
    assert res["score"] == sum(t["score"] for t in res["tests"])
    return res


def by_name(res):
    return {t["name"]: t for t in res["tests"]}


def fake_grade(tmp_path, mode, *extra, env=None):
    """grade.py on the fake machine; (exit status, stdout, results or None)."""
    out = tmp_path / "results.json"
    env = dict(os.environ, FAKE_QEMU_MODE=mode, **(env or {}),
               WEFT_QEMU_CMD="/usr/bin/python3 " + FAKE)
    for k in ("LAB", "T", "GRADE_OVERLAY", "WEFT_GRADE_OVERLAY"):
        env.pop(k, None)
    p = subprocess.run([sys.executable, GRADE, "--out", str(out)] + list(extra),
                       cwd=weft.REPO_DIR, env=env, capture_output=True, text=True,
                       timeout=120)
    res = load_results(out) if out.exists() else None
    return p.returncode, p.stdout + p.stderr, res


@needs_fake
def test_fake_ok_machine_scores_its_tests(tmp_path):
    rc, out, res = fake_grade(tmp_path, "ok")
    assert rc == 0 and res is not None, out
    tests = by_name(res)
    for name in ("usertests/alpha", "usertests/bigslow", "shell/echo_prints_its_arguments"):
        assert tests[name]["score"] == tests[name]["max_score"] > 0, tests[name]
    # The table's real cases are not on the fake machine: 0, and said why.
    assert tests["usertests/exitwait"]["score"] == 0
    assert "not run" in tests["usertests/exitwait"]["output"]
    assert "not in tests/points.py" in res["output"]    # alpha, beta, ...
    assert "TOTAL" in out and "wrote" in out
    # Gradescope's fields, on every test.
    assert res["visibility"] == "visible"
    numbers = [t["number"] for t in res["tests"]]
    assert len(set(numbers)) == len(numbers), numbers
    assert "lab:cow" in tests["usertests/cowbig"]["tags"]
    assert tests["usertests/cowbig"]["number"].startswith("%d." % (list(points.LABS).index("cow") + 1))
    assert all(t["visibility"] == "visible" for t in res["tests"])


@needs_fake
def test_fake_panic_costs_only_its_own_case(tmp_path):
    rc, out, res = fake_grade(tmp_path, "panic-q")
    assert rc == 0 and res is not None, out
    tests = by_name(res)
    assert tests["usertests/alpha"]["score"] > 0
    assert tests["usertests/beta"]["score"] == 0
    assert "panic" in tests["usertests/beta"]["output"]
    assert tests["usertests/gamma"]["score"] > 0        # QEMU rebooted for it
    assert tests["shell/echo_prints_its_arguments"]["score"] == 1


@needs_fake
def test_fake_hang_costs_only_its_own_case(tmp_path):
    rc, out, res = fake_grade(tmp_path, "hang-q", env={"WEFT_CASE_TIMEOUT": "4"})
    assert rc == 0 and res is not None, out
    tests = by_name(res)
    assert tests["usertests/beta"]["score"] == 0
    assert "timed out" in tests["usertests/beta"]["output"]
    assert tests["usertests/gamma"]["score"] > 0
    assert res["execution_time"] < 100


@needs_fake
def test_fake_hang_is_cut_short_by_the_grader_timeout(tmp_path):
    rc, out, res = fake_grade(tmp_path, "hang-boot", "--timeout", "5")
    assert rc == 0 and res is not None, out
    assert "grader stopped it" in res["output"]
    assert res["execution_time"] < 60


@needs_fake
def test_fake_one_test_with_T(tmp_path):
    rc, out, res = fake_grade(tmp_path, "ok", "--test", "gamma")
    assert rc == 0 and res is not None, out
    assert [t["name"] for t in res["tests"]] == ["usertests/gamma"], res["tests"]
    assert res["score"] == res["tests"][0]["max_score"] > 0
    rc, out, res = fake_grade(tmp_path, "ok", "--test", "shell/echo_prints_its_arguments")
    assert rc == 0 and [t["name"] for t in res["tests"]] == \
        ["shell/echo_prints_its_arguments"], out


@needs_fake
def test_fake_unknown_lab_still_writes_results(tmp_path):
    rc, out, res = fake_grade(tmp_path, "ok", "--lab", "nosuchlab")
    assert rc == 2, out
    assert res is not None and res["tests"] == [] and "unknown LAB" in res["output"]


@needs_fake
def test_fake_lab_without_tests_grades_zero_tests(tmp_path):
    # The fake machine has no cow* or thread* cases; two labs at once.
    rc, out, res = fake_grade(tmp_path, "ok", "--lab", "cow,threads")
    assert rc == 0 and res is not None, out
    assert res["tests"] and all(t["score"] == 0 for t in res["tests"])
    assert all(t["name"].startswith(("usertests/cow", "usertests/thread"))
               for t in res["tests"]), [t["name"] for t in res["tests"]]


@needs_fake
def test_fake_overlay_adds_hidden_tests_and_points(tmp_path):
    overlay = os.path.join(weft.TESTS_DIR, "overlay-sample")
    rc, out, res = fake_grade(tmp_path, "ok", "--overlay", overlay, "--lab", "cow")
    assert rc == 0 and res is not None, out
    tests = by_name(res)
    hidden = tests["hidden/forktest_many_children_then_all_reaped"]
    assert hidden["max_score"] == 4 and hidden["visibility"] == "hidden", hidden
    assert hidden["score"] == 0          # the fake machine has no forktest
    assert tests["hidden/ls_after_many_forks"]["score"] == 1
    assert tests["usertests/cowbig"]["max_score"] == 3
    assert tests["usertests/cowcounters"]["visibility"] == "after_due_date"
    # The overlay changed nothing in the tree.
    assert not os.path.exists(os.path.join(weft.TESTS_DIR, "test_hidden.py"))


# ---------------------------------------------------------------- the real one

@needs_fake
def test_usertests_runs_a_group_or_the_cases_named():
    """What the isolated grade and `usertests -g` rely on, on the real kernel."""
    with weft.Weft("usertests-groups") as m:
        out = m.run("usertests -g meminfo", timeout=120)
        assert re.findall(r"test (\w+): OK", out) == ["meminfo", "meminfobad", "freepages"], out
        out = m.run("usertests meminfobad exitwait", timeout=120)
        assert re.findall(r"test (\w+): OK", out) == ["exitwait", "meminfobad", "freepages"], out
        assert "no test matches nosuch" in m.run("usertests -g nosuch", timeout=60)
        assert "usage" in m.run("usertests -z", timeout=60)


BREAK = "-DWEFT_BREAK_SYSCALL=SYS_link"   # usertests copyinstr calls link()
SKIP_COPY = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", "out",
                                   "results.json", "*.img")


def make_grade(tree, *args, timeout=2400):
    out = os.path.join(tree, "selftest-results.json")
    p = subprocess.run(["make", "grade", "RESULTS=" + out] + list(args), cwd=tree,
                       capture_output=True, text=True, timeout=timeout,
                       env={k: v for k, v in os.environ.items()
                            if k not in ("WEFT_QEMU_CMD", "MAKEFLAGS", "MAKELEVEL")})
    res = load_results(out) if os.path.exists(out) else None
    return p.returncode, p.stdout + p.stderr, res


def link_free_cow_cases():
    """The cow* cases whose code (user/ut/cow.c) never calls link()."""
    src = open(os.path.join(weft.REPO_DIR, "user", "ut", "cow.c")).read()
    assert "link(" not in src, "a cow case calls link(): list the others by hand"
    return [c for c in points.USERTESTS if points.lab_of(c) == "cow"]


@selftest
def test_grade_a_deliberately_broken_kernel(tmp_path):
    tree = str(tmp_path / "weft")
    shutil.copytree(weft.REPO_DIR, tree, ignore=SKIP_COPY, symlinks=True)
    log = os.path.join(weft.OUT_DIR, "grade-selftest.log")

    # LAB=cow on a kernel that panics in link(): every cow case passes --
    # each runs alone, so the panics of other cases cannot reach them.
    rc, out, lab_res = make_grade(tree, "EXTRA_CFLAGS=" + BREAK, "LAB=cow", timeout=1200)
    with open(log, "w") as f:
        f.write(out)
    assert rc == 0 and lab_res is not None, "make grade failed (log %s):\n%s" % (log, out[-3000:])
    tests = by_name(lab_res)
    for case in link_free_cow_cases():
        t = tests["usertests/" + case]
        assert t["status"] == "passed" and t["score"] == t["max_score"], t

    # The full grade of the same kernel: copyinstr (it calls link) panics
    # and scores 0; cases after it still score, on a rebooted QEMU.
    rc, out, res = make_grade(tree, "EXTRA_CFLAGS=" + BREAK)
    with open(log, "a") as f:
        f.write(out)
    assert rc == 0 and res is not None, "make grade failed (log %s):\n%s" % (log, out[-3000:])
    tests = by_name(res)
    assert tests["usertests/copyinstr"]["score"] == 0
    assert "deliberately broken" in tests["usertests/copyinstr"]["output"]
    for name in ("usertests/exitwait", "usertests/sbrkgrow", "usertests/cowbig",
                 "usertests/threadjoin", "shell/echo_prints_its_arguments"):
        assert tests[name]["score"] == tests[name]["max_score"] > 0, tests[name]
    assert "TOTAL" in out
    # One lab takes less than half the time of everything.
    print("grade times: LAB=cow %.1f s, everything %.1f s"
          % (lab_res["execution_time"], res["execution_time"]))
    assert lab_res["execution_time"] < res["execution_time"] / 2, \
        (lab_res["execution_time"], res["execution_time"])

    # T=: one test; an unknown lab.
    rc, out, res = make_grade(tree, "EXTRA_CFLAGS=" + BREAK, "T=cowpipe", timeout=600)
    assert rc == 0 and res is not None and [t["name"] for t in res["tests"]] == \
        ["usertests/cowpipe"] and res["tests"][0]["status"] == "passed", out[-3000:]
    rc, out, res = make_grade(tree, "EXTRA_CFLAGS=" + BREAK, "LAB=nosuchlab", timeout=600)
    assert rc == 2 and res is not None and res["tests"] == [], out[-3000:]

    # A kernel that does not compile grades as all zeros.
    with open(os.path.join(tree, "kernel", "zz_selftest_broken.c"), "w") as f:
        f.write("#error deliberately broken build (tests/test_grade.py)\n")
    rc, out, res = make_grade(tree, timeout=600)
    assert rc == 0 and res is not None, out[-3000:]
    assert res["score"] == 0 and res["tests"], res["output"]
    assert "build failed" in res["output"]
