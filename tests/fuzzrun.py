#!/usr/bin/python3
"""fuzzrun.py: `make fuzz [SEED=] [MINUTES=]` -- run user/fuzz.c on a booted weft.

Boots one machine (CPUS harts), types `fuzz -s SEED -t SECONDS`, and
watches: a panic anywhere (weft.py fails at once), a hang (no line from
fuzz for HANG_SECONDS: it prints one every 50 batches, and its watchdog
ends each batch within a second), lost pages ("fuzz: batch N lost ..."),
and at the end the shell must still answer. Prints one summary line and
exits non-zero on any panic, hang or lost page. The console log is
tests/out/fuzz-cpusN.log (N = CPUS); the seed replays the same calls.
"""

import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft  # noqa: E402

HANG_SECONDS = 180
PROGRESS = re.compile(r"fuzz: (\d+) batches\n|fuzz: batch (\d+) lost (\d+) pages.*\n|"
                      r"fuzz: done: seed \d+, (\d+) batches of \d+ calls, (\d+) pages lost\n")


def main():
    seed = int(os.environ.get("SEED") or random.randrange(1, 1000000000))
    minutes = float(os.environ.get("MINUTES") or 1)
    seconds = max(1, int(minutes * 60))
    name = "fuzz-cpus%d" % weft.cpus()
    print("fuzz: CPUS=%d seed %d for %d s (log %s)"
          % (weft.cpus(), seed, seconds, os.path.join(weft.OUT_DIR, name + ".log")),
          flush=True)
    lost, batches, problem = 0, 0, None
    try:
        with weft.Weft(name, retry=False) as m:
            cmd = "fuzz -s %d -t %d" % (seed, seconds)
            m.sendline(cmd)
            m.expect(re.escape(cmd) + r"[ \t]*\n", 10, what="the echo of " + cmd)
            while True:
                hit = m.wait_for(PROGRESS, HANG_SECONDS)
                if hit is None:
                    problem = "hang: no progress from fuzz for %d s" % HANG_SECONDS
                    break
                if hit.group(1):
                    print("fuzz: %s batches" % hit.group(1), flush=True)
                elif hit.group(2):
                    lost += int(hit.group(3))
                    print(hit.group(0).strip(), flush=True)
                else:
                    batches = int(hit.group(4))
                    break
            if problem is None:
                m.expect(weft.PROMPT, 60, what="the prompt after fuzz")
                if m.run("echo alive").strip() != "alive":
                    problem = "the shell did not answer after fuzz"
    except weft.WeftError as e:
        problem = str(e).split("\n", 1)[0]
        print(str(e), flush=True)     # the console tail: panic line, backtrace
    panic = problem is not None and "panic" in problem
    print("fuzz: seed %d, CPUS=%d, %d batches: %d panics, %d hangs, %d pages lost%s"
          % (seed, weft.cpus(), batches, 1 if panic else 0,
             1 if problem and not panic else 0, lost,
             "" if problem is None else "\n  " + problem))
    return 1 if problem or lost else 0


if __name__ == "__main__":
    sys.exit(main())
