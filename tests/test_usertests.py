"""test_usertests.py: every usertests case as its own pytest test.

The quick cases come from one `usertests -q` run per session (fixture
quick_run); slow cases run one by one with `usertests NAME` when WEFT_SLOW=1.
Under `make grade` (WEFT_GRADE_ISOLATE=1) every case runs on its own, with
its own time limit (points.case_timeout): a panic or a hang costs only that
case -- the machine is rebooted for the next one.
A failure shows the lines usertests printed before FAILED, or the console
tail when the run never reached the case.
"""

import os
import re

import pytest

import points
import weft

SLOW_TIMEOUT = 600      # one slow case, start to prompt


def _missing(name, results):
    why = "usertests never reported `test %s: ...`" % name
    if results.error:
        return why + "; the run stopped early:\n" + results.error
    return (why + " (its run ended with %r); last console lines:\n%s"
            % (results.final or "no final line", results.tail))


def test_usertest(usertest, listing, request):
    name, kind = usertest
    if name == "boot" and kind == "error":
        pytest.fail("could not list the usertests cases:\n" + listing.error,
                    pytrace=False)
    if kind == "slow" or os.environ.get("WEFT_GRADE_ISOLATE") == "1":
        _run_slow(name, request.getfixturevalue("slow_slot"),
                  points.case_timeout(name, kind))
        return
    results = request.getfixturevalue("quick_run")
    if name not in results.tests:
        pytest.fail(_missing(name, results), pytrace=False)
    status, explanation = results.tests[name]
    if status != "OK":
        pytest.fail("usertests %s FAILED; it printed:\n%s" % (name, explanation),
                    pytrace=False)


def _run_slow(name, slot, timeout=SLOW_TIMEOUT):
    """`usertests NAME` alone; a machine broken by an earlier case is rebooted."""
    m = slot.get()
    m.sendline("usertests " + name)
    m.expect(re.escape("usertests " + name) + r"[ \t]*\n", 10,
             what="the echo of `usertests %s`" % name)
    results = weft.collect_results(m, timeout, timeout)
    if results.error and not m.broken:
        m.broken = "usertests %s did not finish" % name    # hung: reboot next time
    if name not in results.tests:
        pytest.fail(_missing(name, results), pytrace=False)
    for which in (name, "freepages"):
        status, explanation = results.tests.get(which, ("OK", ""))
        if status != "OK":
            pytest.fail("usertests %s: %s FAILED; it printed:\n%s"
                        % (name, which, explanation), pytrace=False)


def test_usertests_all_passed_and_no_pages_lost(quick_run):
    if quick_run.error:
        pytest.fail("usertests -q did not finish:\n" + quick_run.error,
                    pytrace=False)
    failed = [n for n in quick_run.order if quick_run.tests[n][0] != "OK"]
    if "freepages" not in quick_run.tests:
        pytest.fail("usertests -q printed no `test freepages: OK|FAILED` line",
                    pytrace=False)
    if quick_run.tests["freepages"][0] != "OK":
        pytest.fail("free pages lost during usertests -q:\n"
                    + quick_run.tests["freepages"][1], pytrace=False)
    if quick_run.final != "ALL TESTS PASSED":
        pytest.fail("usertests -q ended with %r; failed: %s"
                    % (quick_run.final, ", ".join(failed) or "(none named)"),
                    pytrace=False)
