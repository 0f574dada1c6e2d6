"""test_console.py: the console device refuses bad user pointers.

A read into an unmapped buffer returns -1 and gives the typed line back
for the next read (before, the line was consumed and lost). The write side
is usertests consolebad.
"""

import os
import re

import pytest

import weft


@pytest.mark.skipif(bool(os.environ.get("WEFT_QEMU_CMD")),
                    reason="running under a fake machine (harness selftest)")
def test_console_read_into_bad_pointer_keeps_the_line():
    with weft.Weft("console-readbad") as m:
        m.sendline("readbad")
        m.expect(re.escape("readbad") + r"[ \t]*\n", 10, what="the echo of readbad")
        m.sendline("hello")
        m.settle(quiet=2, timeout=15)
        if "readbad: first" not in m.text[m.pos:]:
            m.sendline("again")     # "hello" was lost: let the second read end
        got = m.expect(r"readbad: first (-?\d+), second (-?\d+): (.*)\n", 20,
                       what="readbad's report")
        first, second, text = int(got.group(1)), int(got.group(2)), got.group(3)
        assert first == -1, "read into an unmapped buffer returned %d, expected -1" % first
        assert (second, text) == (6, "hello"), \
            "the next read got %d bytes %r, expected the line 'hello' back" % (second, text)
