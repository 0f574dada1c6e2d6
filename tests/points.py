"""points.py: the one table of points for `make grade` (tests/grade.py).

Owns: how many points each graded test is worth, which tests make up a lab
(`make grade LAB=NAME`), each test's time limit, and Gradescope's
per-test fields (visibility, tags, number). An instructor overlay
(GRADE_OVERLAY=DIR, see load_overlay) adds hidden tests and changes points
without touching the student's tree.
Rules: a usertests case is keyed by its name as `usertests -l` prints it;
any other graded test by its pytest function name, under the file that
holds it. A case usertests lists but this table does not still counts,
with default_points(), and the grade output warns about it; a case in the
table that never ran scores 0 (so deleting a test cannot raise a score).
A lab's case that already passes on the lab's skeleton (REGRESSION) is
worth 0: it is a regression check, reported but not scored, so a student
tree earns nothing for its lab before any work (`make labcheck` checks
this stays true).
Invariant: every lab named here maps to a prefix of usertests case names;
LABS is in teaching order (a skeleton of lab k keeps labs before k solved).
"""

import json
import os

# usertests case -> points.
USERTESTS = {
    # processes, kill, scheduling
    "exitwait": 1, "killspin": 1, "killbad": 1, "killpipe": 1,
    "killsleep": 1, "orphan": 1, "preempt": 1, "forkmem": 1, "forkall": 1,
    "killinit": 1, "exitrecords": 1,
    # user memory and the address space
    "copyin": 1, "copyout": 1, "copyinstr": 1, "sbrkgrow": 1, "sbrkhuge": 1,
    "sbrkshrink": 1, "sbrkfreed": 1, "sbrkneg": 1, "readkernel": 1,
    "writekernel": 1, "badaddr": 1, "trampoline": 1, "writetext": 1,
    "stackguard": 1, "recursion": 1, "outofmemory": 1,
    # exec
    "execbadpath": 1, "execbadargv": 1, "execmaxarg": 1, "execargs": 1,
    # pipes and file descriptors
    "pipedata": 1, "pipeclose": 1, "fdlimit": 1, "dupshare": 1,
    # the file system
    "fileops": 1, "unlinkopen": 1, "mkdirchdir": 1, "dotdot": 1,
    "rmdirfull": 1, "opendirwrite": 1, "concreate": 1, "linkrace": 1,
    "bigdir": 1, "bigfile": 1, "diskfull": 1, "noinodes": 1,
    "bcachestress": 1, "rmdircreate": 1, "reclaimrace": 1, "itablefull": 1,
    "consolebad": 1,
    # LAB=syscall: the meminfo() system call
    "meminfo": 2, "meminfobad": 2,
    # slow cases (run one by one; `make grade` sets WEFT_SLOW=1)
    "manyforks": 2, "diskrefill": 2,
    # LAB=cow: copy-on-write fork
    # (cowoverlap, cowisolation, cowpipe, cowtext: REGRESSION, worth 0)
    "cowbig": 4, "cowoverlap": 2, "cowisolation": 2, "cowpipe": 2,
    "cowtext": 2, "cowoom": 4, "cowexec": 4, "cowcounters": 4,
    # LAB=threads: clone, futex, the pthread library, thread semantics
    "threadjoin": 2, "threadmutex": 2, "threadtls": 2, "threadguard": 2,
    "threadfutex": 2, "threadcond": 2, "threadexit": 2, "threadexec": 2,
    "threadfork": 2, "threadclone": 2, "threadfiles": 2, "threadvm": 2,
    "threadwait": 2, "threadexecrace": 2, "threadexectid": 2, "threadslot": 2,
    "threadjoinbad": 2,
    # mmap/munmap/mprotect (outside the labs)
    "mmapzero": 1, "mmapshared": 1, "mmapguard": 1, "mmapbad": 1,
    # the scheduler
    "rrfair": 1, "killfutexrace": 1,
    # the address space shared with the kernel, ASIDs, shootdowns
    "kernwindow": 1, "kwinalloc": 1, "threadnosatp": 1, "tlbremap": 1,
    "mmapexec": 1, "mmapstack": 1, "sparsefork": 1, "munmaprace": 1, "sbrkrace": 1,
    # (cow and threads labs)
    "cowmprotect": 2, "threadstacks": 2,
    # signals
    "sighandler": 1, "sigignore": 1, "sigdefault": 1, "sigkillblocked": 1,
    "sigthreadmask": 1, "sigregs": 1, "signested": 1, "sigrestart": 1,
    "sigsuspend": 1, "sigpending": 1, "sigalarm": 1, "sigchld": 1, "sigwnohang": 1, "sigstop": 1,
    "sigclone": 1, "sigexec": 1, "sigfault": 1, "sigbadframe": 1, "sigbadptr": 1,
    "sigfpregs": 1,
    # process groups and job control
    "pgrpset": 1, "pgrptc": 1, "pgrpstop": 1, "pgrpsend": 1, "pgrpwait": 1,
    # /proc and PID namespaces
    "procthreads": 1, "procmaps": 1, "procstacks": 1, "procfds": 1, "proczombie": 1,
    "procbad": 1, "procroot": 1, "procsignals": 1,
    "pidnsself": 1, "pidnskill": 1, "pidnsreap": 1, "pidnsdeath": 1, "pidnsnest": 1,
    "pidnspgrp": 1,
    # the POSIX runtime's calls
    "posixcalls": 1,
}

# Graded test file -> {pytest function -> points}. test_usertest (one test
# per usertests case) takes its points from USERTESTS above; the boot
# pseudo-test (`test_usertest[boot]`, only when weft did not boot) is worth 0.
# The overlay adds files and functions here.
PYTESTS = {
    "test_usertests.py": {},     # test_usertest only (see UNGRADED)
    "test_shell.py": {
        "test_echo_prints_its_arguments": 1,
        "test_pipe_into_wc_counts_lines_words_bytes": 1,
        "test_output_redirect_then_input_redirect": 1,
        "test_append_redirect": 1,
        "test_semicolon_runs_commands_in_order": 1,
        "test_parentheses_group_a_list": 1,
        "test_background_job_returns_prompt_and_finishes": 1,
        "test_ls_lists_files_with_types": 1,
        "test_mkdir_cd_ls": 1,
        "test_cd_to_missing_directory_fails": 1,
        "test_unknown_program_reports_exec_failure": 1,
        "test_kill_of_missing_pid_leaves_shell_alive": 1,
        "test_ctrl_p_lists_init_and_sh_with_ids": 1,
        "test_kernel_survives_everything_above": 1,
        "test_halt_powers_off_with_status_0": 1,
    },
}

# Lab -> (prefix of its usertests case names, default points for a case of
# the lab that USERTESTS does not list), in teaching order. A lab grades
# only its usertests cases (and overlay tests that name it); `make grade`
# without LAB grades everything in PYTESTS' files.
LABS = {
    "syscall": ("meminfo", 2),
    "cow": ("cow", 2),
    "threads": ("thread", 2),
}

# Cases of a lab that pass on that lab's skeleton (tests/skeleton.py) as
# well: regression checks, worth 0 (`make labcheck` finds any that are
# missing here: a skeleton must score 0 on its lab).
REGRESSION = {
    # the cow skeleton (and make COW=0) copies every page at fork: memory is
    # already isolated, text already shared read-only
    "cowoverlap", "cowisolation", "cowpipe", "cowtext", "cowmprotect",
}

# Other documented starting points of a lab (make variables on this tree):
# like the skeleton, they must score 0 on the lab (`make labcheck`).
STARTING_POINTS = {
    "cow": ["COW=0"],
}

# Seconds one usertests case may take when graded on its own (start to the
# prompt after it); a case that takes longer is stopped and QEMU rebooted.
QUICK_TIMEOUT = int(os.environ.get("WEFT_CASE_TIMEOUT", "60"))   # env: for selftests
SLOW_TIMEOUT = max(600, QUICK_TIMEOUT)
TIMEOUTS = {
    "outofmemory": 120, "diskfull": 120, "noinodes": 120, "bigfile": 120,
    "bcachestress": 120, "forkall": 120, "execmaxarg": 120,
}

# Pytest functions graded outside the usertests cases but left out of a
# grade: test_usertests_all_passed_and_no_pages_lost repeats the whole
# quick run, and a graded case already checks the pages it used.
UNGRADED = {
    "test_usertests.py": {"test_usertests_all_passed_and_no_pages_lost"},
}

# Gradescope fields. VISIBILITY: test name -> "visible" | "hidden" |
# "after_due_date" | "after_published" (the overlay sets these).
VISIBILITY = {}
PYTEST_LABS = {}        # (file, function) -> lab, for overlay tests
OVERLAY_FILES = []      # absolute paths of the overlay's test files

DEFAULT_POINTS = 1      # an unlisted case outside every lab
BOOT_CASE = "boot"      # conftest's stand-in when `usertests -l` failed


def lab_of(case):
    """The lab a usertests case belongs to, or None."""
    for lab, (prefix, _) in LABS.items():
        if case.startswith(prefix):
            return lab
    return None


def parse_labs(text):
    """"cow,threads" -> ["cow", "threads"]; "" or "all" -> [] (everything)."""
    labs = [l.strip() for l in (text or "").replace(" ", ",").split(",") if l.strip()]
    return [] if any(l in ("all", "*") for l in labs) else labs


def in_lab(case, labs):
    """Is usertests case graded under labs ([] or "" = the full grade)?"""
    if isinstance(labs, str):
        labs = parse_labs(labs)
    return not labs or lab_of(case) in labs


def pytest_in_lab(filename, function, labs):
    """Is a pytest function (not a usertests case) graded under labs?"""
    if isinstance(labs, str):
        labs = parse_labs(labs)
    return not labs or PYTEST_LABS.get((filename, function)) in labs


def usertest_points(case):
    """(points, listed in USERTESTS?) for a usertests case."""
    if case == BOOT_CASE:
        return 0, True
    if case in REGRESSION:
        return 0, True
    if case in USERTESTS:
        return USERTESTS[case], True
    lab = lab_of(case)
    return (LABS[lab][1] if lab else DEFAULT_POINTS), False


def case_timeout(case, kind="quick"):
    """Seconds a usertests case may take when it runs on its own."""
    return TIMEOUTS.get(case, SLOW_TIMEOUT if kind == "slow" else QUICK_TIMEOUT)


def pytest_points(filename, function):
    """(points, listed?) for a graded pytest function other than test_usertest."""
    table = PYTESTS.get(filename, {})
    if function in table:
        return table[function], True
    return DEFAULT_POINTS, False


def graded(filename, function):
    """False for the pytest functions a grade leaves out (UNGRADED)."""
    return function not in UNGRADED.get(filename, ())


def graded_files(labs):
    """The test files (paths) a grade of labs runs."""
    if isinstance(labs, str):
        labs = parse_labs(labs)
    here = os.path.dirname(os.path.abspath(__file__))
    files = ["test_usertests.py"] if labs else list(PYTESTS)
    files = [os.path.join(here, f) for f in files if f in PYTESTS or f == "test_usertests.py"]
    for path in OVERLAY_FILES:
        name = os.path.basename(path)
        if not labs or any(PYTEST_LABS.get((name, fn)) in labs for fn in PYTESTS.get(name, {})):
            files.append(path)
    return files


def tags(case, filename, function):
    """Gradescope tags: the lab (or "regression") and the test's file."""
    out = []
    lab = lab_of(case) if case else PYTEST_LABS.get((filename, function))
    if lab:
        out.append("lab:" + lab)
    if case in REGRESSION:
        out.append("regression")
    out.append(filename[len("test_"):-len(".py")] if filename.startswith("test_") else filename)
    return out


def visibility(name):
    return VISIBILITY.get(name, "visible")


def expected(labs):
    """[(file, function, case or None, points)] the table expects labs to run."""
    if isinstance(labs, str):
        labs = parse_labs(labs)
    out = [("test_usertests.py", "test_usertest", case, usertest_points(case)[0])
           for case in USERTESTS if in_lab(case, labs)]
    for filename, table in PYTESTS.items():
        for fn, pts in table.items():
            if graded(filename, fn) and (not labs or pytest_in_lab(filename, fn, labs)):
                out.append((filename, fn, None, pts))
    return out


def load_overlay(directory):
    """Merge an instructor overlay: DIR/points.json and DIR/test_*.py.

    points.json (every key optional):
      {"usertests": {"CASE": POINTS or {"points": N, "visibility": V}},
       "tests": {"test_FILE.py": {"test_FUNC": {"points": N, "lab": LAB,
                                               "visibility": V}}},
       "regression": ["CASE", ...], "timeouts": {"CASE": SECONDS}}
    The overlay's test_*.py files run with the student's tests/ on the
    import path (import weft to boot the student's kernel). Returns the
    list of problems found (empty when the overlay is sound).
    """
    problems = []
    directory = os.path.abspath(directory)
    path = os.path.join(directory, "points.json")
    table = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                table = json.load(f)
        except (OSError, ValueError) as e:
            return ["overlay %s: %s" % (path, e)]
    elif not os.path.isdir(directory):
        return ["overlay %s: no such directory" % directory]
    for case, v in table.get("usertests", {}).items():
        v = v if isinstance(v, dict) else {"points": v}
        USERTESTS[case] = v.get("points", USERTESTS.get(case, DEFAULT_POINTS))
        if "visibility" in v:
            VISIBILITY["usertests/" + case] = v["visibility"]
    for case in table.get("regression", []):
        REGRESSION.add(case)
    TIMEOUTS.update(table.get("timeouts", {}))
    for filename, fns in table.get("tests", {}).items():
        if not os.path.exists(os.path.join(directory, filename)):
            problems.append("overlay: %s names %s, which is not in %s"
                            % (path, filename, directory))
            continue
        for fn, v in fns.items():
            v = v if isinstance(v, dict) else {"points": v}
            PYTESTS.setdefault(filename, {})[fn] = v.get("points", DEFAULT_POINTS)
            if v.get("lab"):
                PYTEST_LABS[(filename, fn)] = v["lab"]
            if "visibility" in v:
                short = fn[len("test_"):] if fn.startswith("test_") else fn
                VISIBILITY["%s/%s" % (filename[len("test_"):-len(".py")], short)] = \
                    v["visibility"]
        full = os.path.join(directory, filename)
        if full not in OVERLAY_FILES:
            OVERLAY_FILES.append(full)
    return problems


OVERLAY_PROBLEMS = (load_overlay(os.environ["WEFT_GRADE_OVERLAY"])
                    if os.environ.get("WEFT_GRADE_OVERLAY") else [])
