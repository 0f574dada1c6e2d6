"""test_shell.py: the shell and the user programs, driven through the console.

All tests but halt share one booted machine (fixture sh, rebooted only if a
test left it broken); halt boots its own. Tests that change directory go
back to / before they finish.
"""

import re
import time

import weft


def lines(text):
    return [l.rstrip() for l in text.splitlines() if l.strip()]


def ls_entries(text):
    """{name: (type, ino, size)} from ls's `NAME TYPE INO SIZE` lines."""
    entries = {}
    for l in lines(text):
        f = l.split()
        if len(f) == 4 and all(x.isdigit() for x in f[1:]):
            entries[f[0]] = tuple(int(x) for x in f[1:])
    return entries


def test_echo_prints_its_arguments(sh):
    assert lines(sh.run("echo hello")) == ["hello"]


def test_pipe_into_wc_counts_lines_words_bytes(sh):
    # "a b c\n" is 1 line, 3 words, 6 bytes; wc prints no name for stdin.
    assert lines(sh.run("echo a b c | wc")) == ["1 3 6"]


def test_output_redirect_then_input_redirect(sh):
    assert lines(sh.run("echo hi > redir.txt")) == []
    assert lines(sh.run("cat < redir.txt")) == ["hi"]
    assert lines(sh.run("wc redir.txt")) == ["1 1 3 redir.txt"]


def test_append_redirect(sh):
    sh.run("echo one > append.txt")
    sh.run("echo two >> append.txt")
    assert lines(sh.run("cat append.txt")) == ["one", "two"]


def test_semicolon_runs_commands_in_order(sh):
    assert lines(sh.run("echo first; echo second; echo third")) == \
        ["first", "second", "third"]


def test_parentheses_group_a_list(sh):
    assert lines(sh.run("(echo a; echo b c) | wc")) == ["2 3 6"]
    sh.run("(echo x; echo y) > group.txt")
    assert lines(sh.run("cat group.txt")) == ["x", "y"]


def test_background_job_returns_prompt_and_finishes(sh):
    # Output goes to a file so it cannot interleave with the prompt.
    sh.run("echo bg > bg.txt &", timeout=10)
    for _ in range(20):
        if lines(sh.run("cat bg.txt")) == ["bg"]:
            return
        time.sleep(0.25)
    raise AssertionError("background `echo bg > bg.txt` never wrote bg.txt\n"
                         + sh.tail())


def test_ls_lists_files_with_types(sh):
    entries = ls_entries(sh.run("ls"))
    readme = [n for n in entries if n.startswith("README")]
    assert readme, "ls shows no README:\n" + sh.tail()
    for prog in ("cat", "sh", "usertests"):
        assert prog in entries, "ls does not show %s:\n%s" % (prog, sh.tail())
        assert entries[prog][0] == 2, "%s is not a file (type 2): %r" % (prog, entries[prog])
    assert entries["."][0] == 1, "'.' is not a directory (type 1)"


def test_mkdir_cd_ls(sh):
    try:
        assert lines(sh.run("mkdir d")) == []
        assert lines(sh.run("cd d")) == []
        entries = ls_entries(sh.run("ls"))
        assert sorted(entries) == [".", ".."], "new directory not empty: %r" % entries
        sh.run("echo inside > f")
        assert "f" in ls_entries(sh.run("ls"))
        sh.run("cd ..")
        assert lines(sh.run("cat d/f")) == ["inside"]
    finally:
        sh.run("cd /")


def test_cd_to_missing_directory_fails(sh):
    out = sh.run("cd nosuchdir")
    assert "cannot cd" in out
    assert lines(sh.run("echo still here")) == ["still here"]


def test_unknown_program_reports_exec_failure(sh):
    out = sh.run("nosuchprogram")
    assert "nosuchprogram" in out and "fail" in out, out
    assert lines(sh.run("echo alive")) == ["alive"]


def test_kill_of_missing_pid_leaves_shell_alive(sh):
    sh.run("kill 12345")      # an error message or nothing: both are fine
    assert lines(sh.run("echo alive")) == ["alive"]


def test_ctrl_p_lists_init_and_sh_with_ids(sh):
    sh.send_ctrl("P")
    sh.settle(quiet=0.5, timeout=5)
    dump = sh.consumed()
    for prog in ("init", "sh"):
        found = [i for i, l in enumerate(lines(dump)) if re.search(r"\b%s\b" % prog, l)]
        assert found, "^P listing does not mention %s:\n%s" % (prog, dump)
        near = lines(dump)[found[0]:found[0] + 2]
        assert any(re.search(r"\d", l) for l in near), \
            "^P listing shows no ids for %s:\n%s" % (prog, dump)
    assert lines(sh.run("echo after dump")) == ["after dump"]


def test_kernel_survives_everything_above(sh):
    assert lines(sh.run("echo still running")) == ["still running"]
    assert sh.broken is None


def test_halt_powers_off_with_status_0():
    # QEMU's exit status alone proves nothing (any path to SBI shutdown gives
    # 0): the console must show init's and the kernel's power-off lines, and
    # no panic (wait_exit fails at once on one).
    with weft.Weft("halt") as m:
        m.sendline("halt")
        status = m.wait_exit(10)
        assert status == 0, "QEMU exit status %r after halt\n%s" % (status, m.tail())
        assert re.search(r"(?m)^weft: power off \(status 0\)$", m.text), \
            "no clean power-off line before QEMU exited:\n" + m.tail()
        assert not weft.PANIC.search(m.text), m.tail()
