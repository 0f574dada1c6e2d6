"""test_skeleton.py: tests/skeleton.py strips the marked solutions right.

Fast checks of the marker rules on small texts, and that every lab's
skeleton of this tree can be written (markers balanced, stubs well formed).
Whether a skeleton builds, boots and scores 0 is `make labcheck`'s job
(tests/labcheck.py, minutes).
"""

import os

import pytest

import points
import skeleton

TEXT = """int
f(void)
{
  // LAB cow: BEGIN SOLUTION
  return solved();
  // LAB cow: STUB
  //> // write me
  //> return -1;
  // LAB cow: END
}
# LAB threads: BEGIN SOLUTION
threads only
# LAB threads: END
"""


def test_a_stripped_lab_gets_its_stub_and_the_others_lose_their_markers():
    out = skeleton.strip(TEXT, "x.c", {"cow"})
    assert "solved" not in out and "  // write me\n  return -1;\n" in out
    assert "threads only" in out and "LAB" not in out


def test_a_kept_lab_keeps_its_solution_without_stub_or_markers():
    out = skeleton.strip(TEXT, "x.c", set())
    assert "return solved();" in out and "write me" not in out and "LAB" not in out
    assert "threads only" not in skeleton.strip(TEXT, "x.c", {"threads"})


@pytest.mark.parametrize("bad", [
    "// LAB cow: BEGIN SOLUTION\nx\n",                               # never ends
    "// LAB cow: STUB\n",                                             # outside a region
    "// LAB cow: BEGIN SOLUTION\n// LAB cow: BEGIN SOLUTION\n",      # nested
    "// LAB cow: BEGIN SOLUTION\n// LAB cow: STUB\nplain\n// LAB cow: END\n",  # stub not //>
    "// LAB cow: BEGIN SOLUTION\n// LAB threads: END\n",             # another lab's end
])
def test_unbalanced_markers_are_an_error(bad):
    with pytest.raises(skeleton.MarkerError):
        skeleton.strip(bad, "x.c", {"cow"})


def test_every_lab_of_this_tree_can_be_stripped():
    for rel in skeleton.tree_files():
        if not skeleton.MARKED.search(rel):
            continue
        try:
            text = open(os.path.join(skeleton.REPO_DIR, rel), encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for lab in points.LABS:
            skeleton.strip(text, rel, skeleton.later_labs(lab))


def test_every_lab_has_a_marked_region_and_a_handout():
    marked = set()
    for rel in skeleton.tree_files():
        if skeleton.MARKED.search(rel):
            try:
                text = open(os.path.join(skeleton.REPO_DIR, rel), encoding="utf-8").read()
            except UnicodeDecodeError:
                continue
            marked |= {m.group("lab") for m in map(skeleton.MARKER.match, text.splitlines())
                       if m}
    for lab in points.LABS:
        assert lab in marked, "lab %s has no marked solution" % lab
        assert os.path.exists(os.path.join(skeleton.REPO_DIR, "docs", "labs", lab + ".md"))


def test_the_skeleton_is_written_outside_the_tree_only(tmp_path):
    with pytest.raises(SystemExit):
        skeleton.write_skeleton("cow", os.path.join(skeleton.REPO_DIR, "student"))
    changed = skeleton.write_skeleton("cow", str(tmp_path / "t"))
    assert "kernel/mm.c" in changed and "docs/labs.md" not in changed
    mm = (tmp_path / "t" / "kernel" / "mm.c").read_text()
    assert "\ncow_resolve(" not in mm and "LAB cow" not in mm
    assert not (tmp_path / "t" / "fs.img").exists()
