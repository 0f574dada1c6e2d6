"""conftest.py: shared fixtures for weft's host-side tests.

Owns: the one boot that lists the usertests cases at collection time (its
machine is then reused for the single `usertests -q` run of the session)
and the machines the fixtures hand out.
Invariant: every machine started here is closed by the fixture that started
it (and, as a last resort, by weft.py's atexit/signal handlers).
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft  # noqa: E402

QUICK_TOTAL_TIMEOUT = 600
QUICK_LINE_TIMEOUT = 180


class Listing:
    """The result of booting once and running `usertests -l`."""

    def __init__(self):
        self.tests = []       # [(name, "quick" | "slow")]
        self.error = None
        self.machine = None   # still booted, for the -q run


_listing = None


def usertests_listing():
    global _listing
    if _listing is not None:
        return _listing
    _listing = Listing()
    try:
        m = weft.Weft("usertests")
    except Exception as e:      # a collection error would stop every test
        _listing.error = "weft did not boot:\n%s" % e
        return _listing
    try:
        out = m.run("usertests -l", timeout=60)
        _listing.tests = weft.parse_listing(out)
        if not _listing.tests:
            m.fail("`usertests -l` listed no tests (expected lines `NAME quick` "
                   "or `NAME slow`)")
        _listing.machine = m
    except Exception as e:
        _listing.error = str(e)
        m.close()
    return _listing


def pytest_generate_tests(metafunc):
    """Each usertests case is its own test: test_usertest[NAME]."""
    if "usertest" not in metafunc.fixturenames:
        return
    listing = usertests_listing()
    if listing.error:
        metafunc.parametrize("usertest", [pytest.param(("boot", "error"), id="boot")])
        return
    slow_ok = os.environ.get("WEFT_SLOW") == "1"
    params = []
    for name, kind in listing.tests:
        marks = []
        if kind == "slow" and not slow_ok:
            marks = [pytest.mark.skip(reason="slow test: set WEFT_SLOW=1 to run it")]
        params.append(pytest.param((name, kind), id=name, marks=marks))
    metafunc.parametrize("usertest", params)


def pytest_sessionfinish(session, exitstatus):
    if _listing is not None and _listing.machine is not None:
        _listing.machine.close()
        _listing.machine = None


@pytest.fixture(scope="session")
def listing():
    return usertests_listing()


@pytest.fixture(scope="session")
def quick_run(listing):
    """`usertests -q`, run once per session; a weft.Results."""
    m = listing.machine
    listing.machine = None
    try:
        if m is None or m.broken or not m.alive():
            if m is not None:
                m.close()
            m = weft.Weft("usertests-q")
        m.sendline("usertests -q")
        m.expect(r"usertests -q[ \t]*\n", 10, what="the echo of `usertests -q`")
        results = weft.collect_results(m, QUICK_TOTAL_TIMEOUT, QUICK_LINE_TIMEOUT)
    except Exception as e:
        results = weft.Results()
        results.error = str(e)
    try:
        yield results
    finally:
        if m is not None:
            m.close()


class MachineSlot:
    """Hands out a booted machine, booting a new one when the last broke."""

    def __init__(self, name):
        self.name = name
        self.machine = None

    def get(self):
        m = self.machine
        if m is not None and (m.broken or not m.alive()):
            m.close()
            m = None
        if m is None:
            self.machine = None
            m = self.machine = weft.Weft(self.name)
        return m

    def close(self):
        if self.machine is not None:
            self.machine.close()
            self.machine = None


@pytest.fixture(scope="session")
def slow_slot(listing):
    slot = MachineSlot("usertests-slow")
    if os.environ.get("WEFT_GRADE_ISOLATE") == "1" and listing.machine is not None:
        # make grade runs every case alone: no -q run will want the listing's
        # machine, so the cases start on it instead of booting another.
        slot.machine, listing.machine = listing.machine, None
    yield slot
    slot.close()


@pytest.fixture(scope="module")
def shell_slot():
    slot = MachineSlot("shell")
    yield slot
    slot.close()


@pytest.fixture
def sh(shell_slot):
    """A booted machine at a shell prompt, shared by a module's tests."""
    return shell_slot.get()
