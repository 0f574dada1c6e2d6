"""test_posix.py: the POSIX flavour (docs/user.md), driven through the console.

One machine per module (fixture sh). user/posix/ptests runs once and each of
its cases is reported as its own test; fptest (FP registers per thread) the
same; the demos run and must report correct results (their speedups depend on
the host and are not checked).
"""

import re

import pytest

# The cases user/posix/ptests.c runs, in its order.
PTESTS = ["snprintf", "fileio", "errno", "fds", "process", "time", "math",
          "memory", "pthread", "cond", "barrier", "rwlock", "keys", "sem",
          "stdiothreads"]
FPTESTS = ["exec", "fork", "newthread", "threads", "preempt"]
# The cases user/posix/psignals.c runs (<signal.h>), in its order.
PSIGNALS = ["handler", "ignore", "raise", "mask", "alarm", "killchild", "abort",
            "errors", "fpregs", "pthreadkill", "threadmask", "groups"]

RESULT = re.compile(r"(?m)^(?P<prog>ptest|fptest|psignal) (?P<name>\w+): "
                    r"(?P<res>OK|FAILED)(?P<rest>.*)$")


class Run:
    def __init__(self, output):
        self.output = output
        self.results = {m.group("name"): (m.group("res"), m.group("rest"))
                        for m in RESULT.finditer(output)}


@pytest.fixture(scope="module")
def ptests_run(shell_slot):
    return Run(shell_slot.get().run("ptests", timeout=240))


@pytest.fixture(scope="module")
def fptest_run(shell_slot):
    return Run(shell_slot.get().run("fptest", timeout=240))


def _check(run, prog, name):
    if name not in run.results:
        pytest.fail("%s printed no `%s %s: OK|FAILED` line; it printed:\n%s"
                    % (prog, prog, name, run.output[-3000:]), pytrace=False)
    res, rest = run.results[name]
    if res != "OK":
        pytest.fail("%s %s FAILED%s" % (prog, name, rest), pytrace=False)


@pytest.fixture(scope="module")
def psignals_run(shell_slot):
    return Run(shell_slot.get().run("psignals", timeout=240))


@pytest.mark.parametrize("name", PTESTS)
def test_ptest(ptests_run, name):
    _check(ptests_run, "ptest", name)


def test_ptests_ran_exactly_the_listed_cases(ptests_run):
    assert sorted(ptests_run.results) == sorted(PTESTS), ptests_run.output[-2000:]
    assert "ptests: ALL OK" in ptests_run.output


@pytest.mark.parametrize("name", FPTESTS)
def test_fptest(fptest_run, name):
    _check(fptest_run, "fptest", name)


@pytest.mark.parametrize("name", PSIGNALS)
def test_psignal(psignals_run, name):
    _check(psignals_run, "psignal", name)


def test_psignals_ran_exactly_the_listed_cases(psignals_run):
    assert sorted(psignals_run.results) == sorted(PSIGNALS), psignals_run.output[-2000:]
    assert "psignals: ALL OK" in psignals_run.output


def test_ordinary_pthread_program_runs_unchanged(sh):
    out = sh.run("montecarlo", timeout=120)
    assert "montecarlo: ok" in out, out
    assert re.search(r"pi is about 3\.1\d{5} ", out), out


def test_matmul_demo_is_right_with_1_to_4_threads(sh):
    out = sh.run("matmul 60", timeout=120)
    assert "wrong" not in out, out
    assert len(re.findall(r"speedup \d+\.\d\d", out)) == 4, out


@pytest.mark.parametrize("mode", ["", " global"])
def test_hashtable_demo_loses_no_keys(sh, mode):
    out = sh.run("hashtable" + mode, timeout=120)
    assert "lost" not in out, out
    assert len(re.findall(r"speedup \d+\.\d\d", out)) == 4, out
