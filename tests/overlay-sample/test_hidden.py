"""test_hidden.py: a sample of the hidden tests an instructor overlay adds.

Runs from GRADE_OVERLAY=DIR with the student's tests/ on the import path:
it boots the student's kernel with weft.Weft (tests/weft.py) and types at
its shell. points.json in this directory gives each test its points, its
lab and its Gradescope visibility.
"""

import pytest

import weft


@pytest.fixture(scope="module")
def machine():
    m = weft.Weft("overlay-hidden")
    yield m
    m.close()


def test_forktest_many_children_then_all_reaped(machine):
    out = machine.run("forktest", timeout=120)
    assert "fork test OK" in out, "forktest printed:\n" + out


def test_ls_after_many_forks(machine):
    out = machine.run("ls", timeout=30)
    assert "README.md" in out, "ls printed:\n" + out
