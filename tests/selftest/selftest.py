"""selftest.py: test the harness itself against fakeqemu.py (no kernel needed).

Runs the real test suite (tests/) with WEFT_QEMU_CMD pointing at the fake
machine in each FAKE_QEMU_MODE and checks pytest's verdicts, that failures
come fast where they should, and that no fake machine is left running.
Usage: /usr/bin/python3 tests/selftest/selftest.py [--slow]
(--slow adds the hang cases: about 4 more minutes of timeouts.)
"""

import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# mode, expected failing test ids (substrings), longest acceptable run (s)
CASES = [
    ("ok", [], 30),
    ("fail", ["test_usertest[beta]", "test_usertests_all_passed"], 30),
    ("panic-q", ["test_usertest[beta]", "test_usertest[gamma]",
                 "test_usertests_all_passed"], 30),
    ("panic-boot", ["test_usertest[boot]", "test_halt", "test_echo"], 30),
    ("exit-boot", ["test_usertest[boot]", "test_halt", "test_echo"], 30),
    ("exit-q", ["test_usertest[beta]", "test_usertest[gamma]",
                "test_usertests_all_passed"], 30),
    ("nolist", ["test_usertest[boot]"], 30),
    ("panic-midline-q", ["test_usertest[beta]", "test_usertest[gamma]",
                         "test_usertests_all_passed"], 30),
    ("split-prompt", [], 60),
    ("exit-first-boot", [], 30),
]
SLOW_CASES = [
    ("hang-boot", ["test_usertest[boot]", "test_halt"], 150),
    ("hang-q", ["test_usertest[beta]", "test_usertest[gamma]"], 220),
]


def fakes_running():
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True)
    return [l for l in ps.stdout.splitlines()
            if "selftest/fakeqemu.py" in l and "ps -eo" not in l]


def run_case(mode, expect_failed, limit):
    state = os.path.join(tempfile.mkdtemp(prefix="weft-selftest-"), "booted")
    env = dict(os.environ, FAKE_QEMU_MODE=mode, FAKE_QEMU_STATE=state,
               WEFT_QEMU_CMD="/usr/bin/python3 %s/fakeqemu.py" % HERE)
    env.pop("WEFT_SLOW", None)
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfE", "tests"],
                       cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=limit + 60)
    took = time.monotonic() - t0
    failed = re.findall(r"^(?:FAILED|ERROR) \S+::(\S+)", p.stdout, re.M)
    problems = []
    for want in expect_failed:
        if not any(f.startswith(want) for f in failed):
            problems.append("expected %s to fail" % want)
    if not expect_failed and (failed or p.returncode != 0):
        problems.append("expected a clean pass, got %s" % failed)
    if expect_failed and p.returncode == 0:
        problems.append("pytest exited 0")
    if took > limit:
        problems.append("took %.0f s (limit %d)" % (took, limit))
    if not re.search(r"\d+ (passed|failed|error)", p.stdout.splitlines()[-1]):
        problems.append("no pytest summary line")
    if fakes_running():
        problems.append("fake machine left running")
    status = "ok  " if not problems else "FAIL"
    print("%s %-10s %5.1f s  %s" % (status, mode, took, "; ".join(problems)
                                      or p.stdout.splitlines()[-1]))
    return not problems


def main():
    cases = CASES + (SLOW_CASES if "--slow" in sys.argv else [])
    ok = all([run_case(*c) for c in cases])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
