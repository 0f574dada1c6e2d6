"""weft.py: boot weft in QEMU and talk to its console from Python.

Owns: one QEMU process per Weft object, a private copy of fs.img, the console
transcript (in memory, newlines only) and its log file (tests/out/NAME.log,
raw bytes as QEMU printed them).
Rules: every wait has a deadline; a kernel panic anywhere in the output (even
mid-line, after a user program's partial line) fails the current wait at
once; every failure message ends with the tail of the console. A boot that
fails without a panic is retried once with a fresh QEMU (noted in the log
and as a pytest warning), so one bad boot does not fail the rest; only after
two failed boot attempts in a row do later boots fail fast.
Invariant: QEMU never outlives the Python process -- close() kills it, and
atexit plus SIGINT/SIGTERM handlers close every Weft still open.

Environment: CPUS (default 3) is passed to `make print-qemu`;
WEFT_BOOT_TIMEOUT (default 60) is the seconds one boot may take;
WEFT_QEMU_CMD replaces the QEMU command (used to test this harness with a
fake machine); "{fsimg}" and "{cpus}" in it are substituted. Weft(...,
extra_args=[...]) appends arguments to QEMU's command (the gdb test adds
a gdb stub).
"""

import atexit
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import warnings

import pexpect

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)
OUT_DIR = os.path.join(TESTS_DIR, "out")

BOOT_TIMEOUT = int(os.environ.get("WEFT_BOOT_TIMEOUT", "60") or "60")
TAIL_LINES = 60
PROMPT = re.compile(r"(?m)^\$ ")        # the shell prompt at a line start
# The kernel's panic line is "panic: hart H thread ...". The kernel starts it
# on a fresh line, but look anywhere: an older or student kernel may glue it
# to a user program's unfinished line ("test x: abcpanic: hart 0 ...").
PANIC = re.compile(r"panic: hart \d+ |(?m:^)panic: ")
POLL = 0.25                             # longest single read from QEMU
# A kernel line printed while sh writes its first prompt can split it: "$",
# the kernel's line, then " ". Seeing a "$" at a line start without its
# space, boot() types an empty line so that sh prints a fresh prompt.
SPLIT_PROMPT = re.compile(r"(?m)^\$(?=[^ ])")    # not "$" at the end of a read


def kill_child(child):
    """Kill a pexpect child (QEMU, gdb) for good; safe to call twice."""
    try:
        if child.isalive():
            child.terminate(force=True)
        child.close(force=True)
    except Exception:
        pass


class WeftError(AssertionError):
    """A console operation failed; the message carries the console tail."""


class Exited(Exception):
    """QEMU exited (end of file on the console) while we were waiting."""


_open_machines = set()
_failed_boots = []           # failed boot attempts since the last good boot
_log_uses = {}               # log name -> machines that used it so far


def _close_all():
    for m in list(_open_machines):
        m.close()


def _on_signal(signum, frame):
    _close_all()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_close_all)
for _sig in (signal.SIGINT, signal.SIGTERM):
    try:
        signal.signal(_sig, _on_signal)
    except ValueError:        # not the main thread: atexit still covers us
        pass


def cpus():
    return int(os.environ.get("CPUS", "3") or "3")


def log_name(text):
    """A file-name-safe version of a test name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "weft"


def qemu_command(fsimg, ncpu):
    """The argv that boots weft on fsimg: WEFT_QEMU_CMD or `make print-qemu`."""
    override = os.environ.get("WEFT_QEMU_CMD")
    if override:
        line = override.replace("{fsimg}", fsimg).replace("{cpus}", str(ncpu))
        return shlex.split(line)
    try:
        res = subprocess.run(
            ["make", "-s", "--no-print-directory", "print-qemu",
             "FSIMG=" + fsimg, "CPUS=%d" % ncpu],
            cwd=REPO_DIR, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise WeftError("`make print-qemu` did not finish in 60 s")
    lines = [l for l in res.stdout.splitlines() if l.strip()]
    if res.returncode != 0 or not lines:
        raise WeftError("`make -s print-qemu` failed (status %d):\n%s%s"
                        % (res.returncode, res.stdout, res.stderr))
    return shlex.split(lines[-1])


class Weft:
    """One booted weft machine. Use as a context manager or call close()."""

    def __init__(self, name="weft", ncpu=None, boot_timeout=BOOT_TIMEOUT,
                 boot=True, extra_args=(), retry=True):
        # retry=False: one boot attempt, and no failing fast after earlier
        # failures either (tests/bootloop.py counts every boot itself).
        self.name = log_name(name)
        self.extra_args = list(extra_args)   # appended to QEMU's argv
        self.ncpu = ncpu if ncpu is not None else cpus()
        self.text = ""          # everything QEMU printed, "\r" removed
        self.pos = 0            # how much of self.text the waits consumed
        self.panic_seen = False
        self.broken = None      # why this machine can no longer be trusted
        self.exitstatus = None  # QEMU's status once it has exited
        self.child = None
        self.fsimg = None
        if boot and retry and len(_failed_boots) >= 2:
            raise WeftError("not booting again: the last %d boot attempts in this "
                            "run failed; the last one:\n%s"
                            % (len(_failed_boots), _failed_boots[-1]))
        os.makedirs(OUT_DIR, exist_ok=True)
        # A second machine of the same name must not overwrite the first log.
        _log_uses[self.name] = _log_uses.get(self.name, 0) + 1
        suffix = "" if _log_uses[self.name] == 1 else "-%d" % _log_uses[self.name]
        self.log_path = os.path.join(OUT_DIR, self.name + suffix + ".log")
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        _open_machines.add(self)
        try:
            self._start()
            if boot:
                self._boot_with_retry(boot_timeout, retry)
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- life

    def _start(self):
        src = os.path.join(REPO_DIR, "fs.img")
        fd, self.fsimg = tempfile.mkstemp(prefix="weft-%s-" % self.name,
                                          suffix=".img")
        os.close(fd)
        if os.path.exists(src):
            shutil.copyfile(src, self.fsimg)
        elif not os.environ.get("WEFT_QEMU_CMD"):
            raise WeftError("no fs.img in %s: run `make all` first" % REPO_DIR)
        argv = qemu_command(self.fsimg, self.ncpu) + self.extra_args
        self._note("weft: running %s\n" % " ".join(shlex.quote(a) for a in argv))
        # echo=False: the pty must not echo what we type (QEMU also sets
        # raw mode, but only once it is up); the kernel does its own echo.
        try:
            self.child = pexpect.spawn(argv[0], argv[1:], cwd=REPO_DIR,
                                       encoding="utf-8", codec_errors="replace",
                                       echo=False, timeout=POLL,
                                       dimensions=(24, 200))
        except pexpect.ExceptionPexpect as e:
            raise WeftError("cannot start %s: %s" % (argv[0], e))

    def _boot_with_retry(self, timeout, retry):
        """boot(); if that fails without a panic, once more on a fresh QEMU."""
        try:
            self.boot(timeout)
            return
        except WeftError as e:
            if not retry or self.panic_seen:
                raise
            first = str(e)
        why = first.split("\n", 1)[0]
        self._note("\nweft: boot failed (%s); retrying with a fresh QEMU\n" % why)
        warnings.warn("%s: boot failed once (%s) and was retried; console log %s"
                      % (self.name, why, self.log_path))
        kill_child(self.child)
        if self.fsimg and os.path.exists(self.fsimg):
            os.unlink(self.fsimg)
        self.text, self.pos, self.broken, self.child = "", 0, None, None
        self._start()
        self.boot(timeout)

    def boot(self, timeout=BOOT_TIMEOUT):
        """Wait for the first shell prompt (nudging sh once if it was split)."""
        deadline = time.monotonic() + timeout
        try:
            m = self.expect([PROMPT, SPLIT_PROMPT], timeout, what="the first shell prompt")
            if m.re is SPLIT_PROMPT:
                self._note("\nweft: the first prompt was split; sending an empty line\n")
                self.send("\r")
                self.expect(PROMPT, max(1, deadline - time.monotonic()),
                            what="the first shell prompt (after an empty line)")
        except WeftError as e:
            _failed_boots.append(str(e))
            raise
        del _failed_boots[:]

    def close(self):
        """Kill QEMU (always safe to call again) and drop the image copy."""
        if self.child is not None:
            kill_child(self.child)
            if self.exitstatus is None:
                self.exitstatus = self.child.exitstatus
        if self.fsimg and os.path.exists(self.fsimg):
            os.unlink(self.fsimg)
        self.fsimg = None
        if not self.log.closed:
            self.log.close()
        _open_machines.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def alive(self):
        return self.child is not None and self.child.isalive()

    # ---------------------------------------------------------------- reading

    def _note(self, s):
        if not self.log.closed:
            self.log.write(s)
            self.log.flush()

    def _read(self, timeout):
        """Append whatever QEMU prints within timeout; Exited at end of file."""
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            raise Exited()
        self._note(data)
        scan_from = max(0, len(self.text) - 16)  # a panic may straddle reads
        self.text += data.replace("\r", "")
        hit = None if self.panic_seen else PANIC.search(self.text, scan_from)
        if hit:
            self.panic_seen = True
            self._drain(1.0)      # let the rest of the panic report arrive
            line = self.text[hit.start():].split("\n", 1)[0]
            self.fail("kernel %s" % line)

    def _drain(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.2)
            except (pexpect.TIMEOUT, pexpect.EOF):
                if not self.child.isalive():
                    break
                continue
            self._note(data)
            self.text += data.replace("\r", "")

    def tail(self, n=TAIL_LINES):
        lines = self.text.splitlines()[-n:]
        return "\n".join(lines)

    def fail(self, why, tail=True):
        msg = "%s\n(console log: %s)" % (why, self.log_path)
        if tail:
            msg += ("\n---- last %d console lines ----\n%s\n---- end of console ----"
                    % (TAIL_LINES, self.tail()))
        self._note("\nweft: FAILURE: %s\n" % why)
        if self.broken is None:
            self.broken = why
        raise WeftError(msg)

    def expect(self, patterns, timeout, what=None):
        """Wait until one of the regexps matches console text not yet consumed.

        Returns the match (its .re says which); consumes text up to its end.
        Patterns are searched from the cursor, so "^" means a real line start.
        """
        if not isinstance(patterns, (list, tuple)):
            patterns = [patterns]
        pats = [re.compile(p) if isinstance(p, str) else p for p in patterns]
        m = self.wait_for(pats, timeout, what)
        if m is None:
            self.fail("timed out after %g s waiting for %s"
                      % (timeout, what or " or ".join(repr(p.pattern) for p in pats)))
        return m

    def wait_for(self, patterns, timeout, what=None):
        """Like expect(), but a timeout returns None instead of failing."""
        if not isinstance(patterns, (list, tuple)):
            patterns = [patterns]
        pats = [re.compile(p) if isinstance(p, str) else p for p in patterns]
        deadline = time.monotonic() + timeout
        while True:
            best = None
            for p in pats:
                m = p.search(self.text, self.pos)
                if m and (best is None or m.start() < best.start()):
                    best = m
            if best:
                self.pos = best.end()
                return best
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                self._read(min(POLL, left))
            except Exited:
                self._reap(5)
                self.fail("QEMU exited (status %s) while waiting for %s"
                          % (self.exitstatus, what or "console output"))

    def _reap(self, timeout):
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.child.isalive():
            self.exitstatus = self.child.exitstatus
            if self.exitstatus is None and self.child.signalstatus is not None:
                self.exitstatus = -self.child.signalstatus

    def wait_exit(self, timeout):
        """Wait for QEMU to exit by itself; returns its exit status."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("QEMU still running %g s later" % timeout)
            try:
                self._read(min(POLL, left))
            except Exited:
                self._reap(max(0.5, deadline - time.monotonic()))
                if self.child.isalive():
                    self.fail("console closed but QEMU did not exit")
                return self.exitstatus

    def consumed(self):
        """Text not yet consumed by a wait (and consume it)."""
        rest = self.text[self.pos:]
        self.pos = len(self.text)
        return rest

    def settle(self, quiet=0.5, timeout=5):
        """Read until the console has been quiet for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.text)
            try:
                self._read(quiet)
            except Exited:
                return
            if len(self.text) == before:
                return

    # ---------------------------------------------------------------- writing

    def send(self, s):
        if self.broken is not None:
            self.fail("machine unusable after an earlier failure: " + self.broken)
        if not self.alive():
            self.fail("QEMU is not running (cannot send %r)" % s)
        self.child.send(s)

    def sendline(self, line):
        self.send(line + "\r")        # Enter on a terminal sends CR

    def send_ctrl(self, ch):
        """Send control character ^ch, e.g. send_ctrl('P') lists processes."""
        code = ord(ch.upper()) & 0x1f
        self.send(chr(code))

    def run(self, cmd, timeout=30):
        """Type a command, return its output (echo and next prompt removed)."""
        self.sendline(cmd)
        self.expect(re.escape(cmd) + r"[ \t]*\n", 10,
                    what="the echo of %r" % cmd)
        start = self.pos
        m = self.expect(PROMPT, timeout, what="the prompt after %r" % cmd)
        return self.text[start:m.start()]


# ---------------------------------------------------------------- usertests

# "test NAME: OK" on one line, or "FAILED" alone at a line start after the
# explanation that followed "test NAME: ".
RESULT = re.compile(r"(?m)(?:^|test (?P<name>[^\s:]+): )(?P<res>OK|FAILED)[ \t]*\n")
TEST_START = re.compile(r"test (?P<name>[^\s:]+): ")
FINAL = re.compile(r"(?m)^(?P<final>ALL TESTS PASSED|SOME TESTS FAILED)[ \t]*\n")
LISTED = re.compile(r"(?m)^(?P<name>[^\s:]+) (?P<kind>quick|slow)[ \t]*$")


class Results:
    """What one usertests run printed: per test (status, explanation)."""

    def __init__(self):
        self.tests = {}       # name -> ("OK" | "FAILED", explanation text)
        self.order = []
        self.final = None     # "ALL TESTS PASSED" / "SOME TESTS FAILED"
        self.error = None     # WeftError text if the run did not finish
        self.tail = ""        # console tail when the run ended


def parse_listing(text):
    """[(name, "quick"|"slow")] from the output of `usertests -l`."""
    return [(m.group("name"), m.group("kind")) for m in LISTED.finditer(text)]


def collect_results(m, total_timeout, line_timeout):
    """Read usertests' output on machine m until the shell prompt returns.

    Each result line (and the final line, and the prompt) must come within
    line_timeout seconds of the previous one, the whole run within
    total_timeout. Never raises WeftError: a failure is kept in .error
    (its message carries the console tail).
    """
    res = Results()
    deadline = time.monotonic() + total_timeout
    try:
        while True:
            left = deadline - time.monotonic()
            start = m.pos
            what = ("the prompt after usertests" if res.final else
                    "the next usertests result line (%d seen%s)"
                    % (len(res.order),
                       ", last: " + res.order[-1] if res.order else ""))
            hit = m.expect([RESULT, FINAL, PROMPT],
                           max(0.1, min(line_timeout, left)), what=what)
            if hit.re is PROMPT:
                break
            if hit.re is FINAL:
                res.final = hit.group("final")
            else:
                _record(res, m.text[start:hit.start()], hit)
    except WeftError as e:
        running = list(TEST_START.finditer(m.text, m.pos))
        where = ("(usertests was in `test %s`) " % running[-1].group("name")
                 if running else "")
        res.error = where + str(e)
    res.tail = m.tail()
    return res


def _record(res, before, hit):
    """Store one result; `before` is the text since the previous one."""
    name = hit.group("name")
    explanation = before
    if name is None:
        starts = list(TEST_START.finditer(before))
        if not starts:
            return            # a stray OK/FAILED line: not a result
        last = starts[-1]
        name = last.group("name")
        explanation = before[:last.start()] + before[last.end():]
    else:
        explanation = before
    status = hit.group("res")
    if name not in res.tests:
        res.order.append(name)
    res.tests[name] = (status, explanation.strip("\n"))
