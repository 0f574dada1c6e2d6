"""test_jobs.py: job control at the console, and the console's line rules.

^C ends the foreground job and the shell prompts again as the same process;
^Z stops the job, `jobs` lists it, `fg` and `bg` resume it; `kill -NAME`
signals a job; ^L at the prompt is ignored; a line too long for the
console's buffer is discarded with a message (docs/jobs.md,
docs/devices.md); and the class demo sigdemo. `spin N` computes for N ticks, then prints "spin: done".
All tests share the module's booted machine (fixture sh); each leaves no job
behind.
"""

import re
import time

import weft


def lines(text):
    return [l.rstrip() for l in text.splitlines() if l.strip()]


def procs_named(sh, name):
    """Pids of the processes `ps` lists under name."""
    pids = set()
    for l in lines(sh.run("ps")):
        f = l.split()
        if f and f[0].isdigit() and name in f[1:]:
            pids.add(int(f[0]))
    return pids


def shell_pid(sh):
    pids = procs_named(sh, "sh")
    assert len(pids) == 1, "expected one sh in ps, found %r\n%s" % (pids, sh.tail())
    return pids.pop()


def start_spin(sh, arg=""):
    """Start `spin ARG` in the foreground; returns its pid once it runs."""
    sh.sendline(("spin " + arg).strip())
    m = sh.expect(r"spin: pid (\d+) pgid (\d+)", 15, what="spin's first line")
    assert m.group(1) == m.group(2), "spin is not the leader of its own group: " + m.group(0)
    return int(m.group(1))


def until_prompt(sh, timeout, what):
    """Everything printed from here up to the next prompt."""
    start = sh.pos
    m = sh.expect(weft.PROMPT, timeout, what=what)
    return sh.text[start:m.start()]


def no_spin_left(sh):
    for _ in range(40):
        if not procs_named(sh, "spin"):
            return
        time.sleep(0.25)
    raise AssertionError("a spin process is still there:\n" + sh.tail())


def test_ctrl_l_at_the_prompt_is_ignored(sh):
    sh.send("\x0c\r")
    out = until_prompt(sh, 10, "the prompt after ^L")
    assert "fail" not in out, "sh tried to run a form feed:\n" + out
    assert lines(sh.run("echo alive")) == ["alive"]


def test_line_that_just_fits_runs(sh):
    cmd = "echo " + "y" * 122           # 127 characters and the newline: 128
    assert lines(sh.run(cmd)) == ["y" * 122]


def test_overlong_line_is_discarded_with_a_message(sh):
    sh.send("echo " + "x" * 200 + "\r")
    out = until_prompt(sh, 15, "the prompt after a 205-character line")
    assert "too long" in out, "no message for a line longer than the buffer:\n" + out
    after = out[out.index("too long"):]
    assert "xxxxxxxxxx" not in after and "fail" not in after, \
        "part of the discarded line was run:\n" + out
    assert lines(sh.run("echo alive")) == ["alive"]


def test_ctrl_c_ends_the_foreground_job_and_the_shell_stays(sh):
    before = shell_pid(sh)
    start_spin(sh)
    sh.send("\x03")
    out = until_prompt(sh, 15, "the prompt after ^C")
    assert "^C" in out, "the console did not echo ^C:\n" + out
    assert shell_pid(sh) == before, "the shell is a new process after ^C"
    no_spin_left(sh)


def test_ctrl_c_reaches_every_process_of_a_pipeline(sh):
    before = shell_pid(sh)
    sh.sendline("spin | spin | spin")
    for _ in range(3):
        sh.expect(r"spin: pid \d+ pgid \d+", 15, what="each spin of the pipeline starting")
    sh.send("\x03")
    until_prompt(sh, 15, "the prompt after ^C at a pipeline")
    no_spin_left(sh)
    # The pipeline's helper shells (named sh) are gone too: one sh is left.
    assert shell_pid(sh) == before


def test_ctrl_c_at_the_prompt_drops_the_line(sh):
    before = shell_pid(sh)
    sh.send("echo typed")
    sh.send("\x03")
    out = until_prompt(sh, 10, "a fresh prompt after ^C at the prompt")
    assert "^C" in out
    assert lines(sh.run("echo alive")) == ["alive"], "the line before ^C was kept"
    assert shell_pid(sh) == before


def test_ctrl_z_stops_the_job_and_fg_resumes_it(sh):
    before = shell_pid(sh)
    start_spin(sh, "200")
    sh.send("\x1a")
    out = until_prompt(sh, 15, "the prompt after ^Z")
    assert "Stopped" in out, "sh did not report the job stopped:\n" + out
    time.sleep(3)                         # a running spin 200 would be done by now
    jobs = sh.run("jobs")
    assert re.search(r"\[1\].*Stopped.*spin 200", jobs), "jobs does not list it:\n" + jobs
    assert "spin: done" not in sh.consumed() + jobs, "the stopped job went on running"
    sh.sendline("fg")
    sh.expect("spin: done", 20, what="the resumed job finishing")
    until_prompt(sh, 10, "the prompt after the job ended")
    assert lines(sh.run("jobs")) == [], "the finished job is still listed"
    assert shell_pid(sh) == before


def test_bg_lets_a_stopped_job_finish_in_the_background(sh):
    start_spin(sh, "100")
    sh.send("\x1a")
    until_prompt(sh, 15, "the prompt after ^Z")
    sh.sendline("bg")
    sh.expect("spin: done", 20, what="the job finishing in the background")
    sh.settle(quiet=0.5, timeout=5)
    for _ in range(20):
        if "spin" not in sh.run("jobs"):
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the finished background job is still listed:\n" + sh.tail())
    no_spin_left(sh)


def test_kill_by_signal_name_and_kill_l(sh):
    names = sh.run("kill -l")
    for name in ("INT", "KILL", "TERM", "STOP", "CONT"):
        assert name in names, "kill -l does not list %s:\n%s" % (name, names)
    sh.sendline("spin &")
    m = sh.expect(r"spin: pid (\d+)", 15, what="the background spin's first line")
    sh.settle(quiet=0.5, timeout=5)
    pid = m.group(1)
    sh.run("kill -KILL %s" % pid)
    no_spin_left(sh)
    assert "no such signal" in sh.run("kill -NOSUCH %s" % pid)


def test_sigdemo_runs_as_described(sh):
    # sigdemo's first function is a signal handler: it must not be linked at
    # address 0, which reads as SIG_DFL (ulib.c puts _start there).
    out = sh.run("sigdemo", timeout=60)
    assert "sigdemo: everything as described" in out, "sigdemo:\n" + out
