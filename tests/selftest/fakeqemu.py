"""fakeqemu.py: a stand-in for QEMU running weft, to test the harness itself.

It speaks weft's console protocol on a tty: banner, "init: starting sh",
"$ " prompts, echo of typed characters (CR becomes LF), canned answers for
the commands tests/test_shell.py types, a usertests with three quick cases
and one slow one, ^P process listing and halt (exit status 0).
FAKE_QEMU_MODE picks a misbehaviour: ok, fail, panic-boot, hang-boot,
exit-boot, panic-q, hang-q, exit-q, nolist, panic-midline-q (the panic
glued to a test's unfinished output line), split-prompt (a kernel line
splits every first prompt), exit-first-boot (only the first machine of the
run dies while booting; FAKE_QEMU_STATE names the file that remembers it).
"""

import os
import sys
import termios
import time
import tty

MODE = os.environ.get("FAKE_QEMU_MODE", "ok")
FILES = {}
CWD = [""]     # "" at the root, "d/" inside d


def path(name):
    return name if "/" in name else CWD[0] + name


def out(s):
    os.write(1, s.replace("\n", "\r\n").encode())


def hang():
    while True:
        time.sleep(1)


def usertests(args):
    if args == ["-l"]:
        if MODE == "nolist":
            return "usage: usertests [-q|-l|NAME]\n"
        return "alpha quick\nbeta quick\ngamma quick\nbigslow slow\n"
    if args == ["-q"]:
        text = "usertests starting\n"
        out(text)
        for name in ("alpha", "beta", "gamma"):
            out("test %s: " % name)
            time.sleep(0.05)
            if MODE == "panic-q" and name == "beta":
                out("panic: hart 1 thread 5 (usertests): fake kernel bug in beta\n"
                    "backtrace:\n  0x80001234\n")
                hang()
            if MODE == "panic-midline-q" and name == "beta":
                out("writing")
                out("panic: hart 1 thread 5 (usertests): fake kernel bug in beta\n")
                hang()
            if MODE == "hang-q" and name == "beta":
                hang()
            if MODE == "exit-q" and name == "beta":
                return "pid 5 tid 5 (usertests): killed: scause 0xd sepc 0x12 stval 0x0\n"
            if MODE == "fail" and name == "beta":
                out("write returned -1, expected 512\nFAILED\n")
            else:
                out("OK\n")
        out("test freepages: OK\n")
        return ("SOME TESTS FAILED\n" if MODE == "fail" else "ALL TESTS PASSED\n")
    if len(args) == 1:     # one case alone (make grade): the modes apply to beta
        out("usertests starting\ntest %s: " % args[0])
        if args[0] == "beta" and MODE in ("panic-q", "panic-midline-q"):
            out("panic: hart 1 thread 5 (usertests): fake kernel bug in beta\n")
            hang()
        if args[0] == "beta" and MODE == "hang-q":
            hang()
        if args[0] == "beta" and MODE == "fail":
            return "write returned -1, expected 512\nFAILED\nSOME TESTS FAILED\n"
        return "OK\ntest freepages: OK\nALL TESTS PASSED\n"
    return "usage\n"


def run_simple(argv, stdin=""):
    cmd, args = argv[0], argv[1:]
    if cmd == "echo":
        return " ".join(args) + "\n"
    if cmd == "cat":
        return FILES.get(path(args[0]), "") if args else stdin
    if cmd == "wc":
        data = FILES.get(path(args[0]), "") if args else stdin
        return "%d %d %d %s\n" % (data.count("\n"), len(data.split()), len(data),
                                  args[0] if args else "")
    if cmd == "ls" and CWD[0]:
        names = [(".", 1), ("..", 1)] + [(n.split("/")[1], 2) for n in FILES
                                         if n.startswith(CWD[0])]
        return "".join("%-14s %d %d %d\n" % (n, t, i + 1, 100)
                       for i, (n, t) in enumerate(names))
    if cmd == "ls":
        names = [("." , 1), ("..", 1), ("README.md", 2), ("cat", 2), ("sh", 2),
                 ("usertests", 2), ("console", 3)]
        names += [(n, 2) for n in FILES if "/" not in n]
        return "".join("%-14s %d %d %d\n" % (n, t, i + 1, 100)
                       for i, (n, t) in enumerate(names))
    if cmd in ("mkdir", "kill"):
        return ""
    if cmd == "usertests":
        return usertests(args)
    return "exec %s failed\n" % cmd


def run_line(line):
    """Just enough shell for the canned commands: ; & | > >> < ( )."""
    line = line.rstrip(" &")
    if line.startswith("(") and ")" in line:
        inner, rest = line[1:].split(")", 1)
        result = "".join(run_line(p) for p in inner.split(";"))
        return finish(result, rest)
    if ";" in line:
        return "".join(run_line(p) for p in line.split(";"))
    if "|" in line:
        left, right = line.split("|", 1)
        return run_simple(right.split(), stdin=run_line(left))
    if line.strip().startswith("cd"):
        parts = line.split()
        if len(parts) > 1 and parts[1] == "nosuchdir":
            return "cannot cd nosuchdir\n"
        CWD[0] = "d/" if len(parts) > 1 and parts[1] == "d" else ""
        return ""
    words = line.split()
    if not words:
        return ""
    if "<" in words:
        i = words.index("<")
        return run_simple(words[:i], stdin=FILES.get(path(words[i + 1]), ""))
    return finish(None, None, words)


def finish(result, rest, words=None):
    if words is not None:
        for op in (">>", ">"):
            if op in words:
                i = words.index(op)
                text = run_simple(words[:i])
                name = path(words[i + 1])
                FILES[name] = (FILES.get(name, "") if op == ">>" else "") + text
                return ""
        return run_simple(words)
    rest = rest.split()
    if rest and rest[0] in (">", ">>"):
        FILES[path(rest[1])] = result
        return ""
    if rest and rest[0] == "|":
        return run_simple(rest[1:], stdin=result)
    return result


def main():
    fd = 0
    if os.isatty(fd):
        tty.setraw(fd, termios.TCSANOW)
    out("\nOpenSBI v1.2 (fake)\nweft kernel is booting\nhart 1 starting\n")
    if MODE == "exit-boot":
        sys.exit(3)
    if MODE == "panic-boot":
        out("panic: hart 0 thread - (-): fake panic while booting\n")
        hang()
    if MODE == "hang-boot":
        hang()
    if MODE == "exit-first-boot":
        state = os.environ["FAKE_QEMU_STATE"]
        if not os.path.exists(state):
            open(state, "w").close()
            sys.exit(3)
    if MODE == "split-prompt":
        out("init: starting sh\n$\nweft: hart 2 started\n ")
    else:
        out("init: starting sh\n$ ")
    line = ""
    while True:
        c = os.read(fd, 1).decode()
        if not c:
            return
        if c == "\x10":
            out("\n1 init sleeping\n   tid 1 sleeping\n2 sh running\n   tid 2 running\n")
            continue
        if c in "\r\n":
            out("\n")
            if line == "halt":
                out("init: power off, as pid 3 asked\nweft: power off (status 0)\n")
                sys.exit(0)
            out(run_line(line))
            out("$ ")
            line = ""
            continue
        out(c)
        line += c


if __name__ == "__main__":
    main()
