"""points.py: the one table of points for `make grade` (tests/grade.py).

Owns: how many points each graded test is worth and which tests make up a
lab (`make grade LAB=NAME`).
Rules: a usertests case is keyed by its name as `usertests -l` prints it;
any other graded test by its pytest function name, under the file that
holds it. A case usertests lists but this table does not still counts,
with default_points(), and the grade output warns about it; a case in the
table that never ran scores 0 (so deleting a test cannot raise a score).
Invariant: every lab named here maps to a prefix of usertests case names;
a lab whose prefix matches nothing yet grades as "no tests" (score 0).
"""

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
    # slow cases (run one by one; `make grade` sets WEFT_SLOW=1)
    "manyforks": 2, "diskrefill": 2,
    # LAB=cow: copy-on-write fork
    "cowbig": 2, "cowoverlap": 2, "cowisolation": 2, "cowpipe": 2,
    "cowtext": 2, "cowoom": 2, "cowexec": 2, "cowcounters": 2,
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
    "sigsuspend": 1, "sigpending": 1, "sigalarm": 1, "sigchld": 1, "sigstop": 1,
    "sigclone": 1, "sigexec": 1, "sigfault": 1, "sigbadframe": 1, "sigbadptr": 1,
    "sigfpregs": 1,
}

# Graded test file -> {pytest function -> points}. test_usertest (one test
# per usertests case) takes its points from USERTESTS above; the boot
# pseudo-test (`test_usertest[boot]`, only when weft did not boot) is worth 0.
PYTESTS = {
    "test_usertests.py": {
        "test_usertests_all_passed_and_no_pages_lost": 5,
    },
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
# the lab that USERTESTS does not list). A lab grades only its usertests
# cases; `make grade` without LAB grades everything in PYTESTS' files.
LABS = {
    "cow": ("cow", 2),
    "threads": ("thread", 2),
}

DEFAULT_POINTS = 1      # an unlisted case outside every lab
BOOT_CASE = "boot"      # conftest's stand-in when `usertests -l` failed


def lab_of(case):
    """The lab a usertests case belongs to, or None."""
    for lab, (prefix, _) in LABS.items():
        if case.startswith(prefix):
            return lab
    return None


def in_lab(case, lab):
    """Is usertests case graded under lab (None or "" = the full grade)?"""
    return not lab or lab_of(case) == lab


def usertest_points(case):
    """(points, listed in USERTESTS?) for a usertests case."""
    if case == BOOT_CASE:
        return 0, True
    if case in USERTESTS:
        return USERTESTS[case], True
    lab = lab_of(case)
    return (LABS[lab][1] if lab else DEFAULT_POINTS), False


def pytest_points(filename, function):
    """(points, listed?) for a graded pytest function other than test_usertest."""
    table = PYTESTS.get(filename, {})
    if function in table:
        return table[function], True
    return DEFAULT_POINTS, False


def graded_files(lab):
    """The test files a grade of lab runs."""
    return ["test_usertests.py"] if lab else list(PYTESTS)


def expected(lab):
    """[(file, function, case or None, points)] the table expects lab to run."""
    out = [("test_usertests.py", "test_usertest", case, pts)
           for case, pts in USERTESTS.items() if in_lab(case, lab)]
    if not lab:
        for filename, table in PYTESTS.items():
            out += [(filename, fn, None, pts) for fn, pts in table.items()]
    return out
