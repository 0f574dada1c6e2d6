"""test_fsck.py: the offline checker (mkfs/fsck) and the image after stress.

The checker must pass a fresh fs.img and catch each kind of damage it
claims to find (on damaged copies). Then weft boots on a private copy of
the image, runs the races that once corrupted it (create-while-rmdir,
many readers and writers) through user/fsstress, halts, and the copy must
pass the checker.

Run directly for a long stress run (`make fsstress MINUTES=`):
    python3 tests/test_fsck.py MINUTES
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FSCK = os.path.join(REPO, "mkfs", "fsck")
FSIMG = os.path.join(REPO, "fs.img")

BSIZE = 1024
DINODE = struct.Struct("<hhhhI13I")     # type major minor nlink size addrs[13]
DIRENT = struct.Struct("<H14s")
T_FILE = 2
STRESS_SECONDS = 20


def fsck(path):
    res = subprocess.run([FSCK, path], capture_output=True, text=True, timeout=60)
    return res.returncode, res.stdout + res.stderr


class Image:
    """A writable copy of fs.img with just enough layout to damage it."""

    def __init__(self, tmp_path):
        self.path = str(tmp_path / "fs.img")
        shutil.copyfile(FSIMG, self.path)
        with open(self.path, "rb") as f:
            self.data = bytearray(f.read())
        (magic, self.size, _, self.ninodes, _, _, self.inodestart,
         self.bmapstart) = struct.unpack_from("<8I", self.data, BSIZE)

    def save(self):
        with open(self.path, "wb") as f:
            f.write(self.data)

    def dinode_off(self, inum):
        return (self.inodestart + inum // (BSIZE // DINODE.size)) * BSIZE + \
            inum % (BSIZE // DINODE.size) * DINODE.size

    def dinode(self, inum):
        return list(DINODE.unpack_from(self.data, self.dinode_off(inum)))

    def set_dinode(self, inum, fields):
        DINODE.pack_into(self.data, self.dinode_off(inum), *fields)

    def marked(self, b):
        return self.data[self.bmapstart * BSIZE + b // 8] >> (b % 8) & 1

    def flip_bit(self, b):
        self.data[self.bmapstart * BSIZE + b // 8] ^= 1 << (b % 8)

    def root_entries(self):
        """(offset in image, inum, name) of each used entry of /'s first block."""
        block = self.dinode(1)[5]
        out = []
        for i in range(BSIZE // DIRENT.size):
            off = block * BSIZE + i * DIRENT.size
            inum, name = DIRENT.unpack_from(self.data, off)
            if inum:
                out.append((off, inum, name.rstrip(b"\0").decode()))
        return out

    def file_inum(self):
        return next(inum for _, inum, name in self.root_entries()
                    if name not in (".", ".."))


@pytest.fixture
def image(tmp_path):
    if not os.path.exists(FSCK) or not os.path.exists(FSIMG):
        pytest.fail("build first: `make all` makes fs.img and mkfs/fsck")
    return Image(tmp_path)


def test_fsck_passes_a_fresh_image():
    status, out = fsck(FSIMG)
    assert status == 0, "fsck on a fresh fs.img:\n" + out


def damaged(image, what):
    image.save()
    status, out = fsck(image.path)
    assert status == 1, "fsck missed %s (status %d):\n%s" % (what, status, out)
    return out


def test_fsck_finds_a_leaked_block(image):
    free = next(b for b in range(image.size - 1, 0, -1) if not image.marked(b))
    image.flip_bit(free)
    assert "leaked" in damaged(image, "a marked but unused block")


def test_fsck_finds_a_used_block_marked_free(image):
    used = image.dinode(image.file_inum())[5]
    image.flip_bit(used)
    assert "marked free" in damaged(image, "a used block marked free")


def test_fsck_finds_an_unreachable_inode(image):
    free = next(i for i in range(2, image.ninodes) if image.dinode(i)[0] == 0)
    image.set_dinode(free, [T_FILE, 0, 0, 1, 0] + [0] * 13)
    assert "no path reaches it" in damaged(image, "an allocated inode no name reaches")


def test_fsck_finds_a_wrong_link_count(image):
    inum = image.file_inum()
    d = image.dinode(inum)
    d[3] += 1
    image.set_dinode(inum, d)
    assert "nlink" in damaged(image, "an nlink one too high")


def test_fsck_finds_a_duplicate_name(image):
    entries = image.root_entries()
    off, inum, name = entries[-1]
    # Grow / by one entry that repeats the last name.
    root = image.dinode(1)
    new = root[5] * BSIZE + root[4]
    assert root[4] % BSIZE != 0, "root's first block is full; pick another case"
    DIRENT.pack_into(image.data, new, inum, name.encode())
    root[4] += DIRENT.size
    image.set_dinode(1, root)
    d = image.dinode(inum)
    d[3] += 1                        # keep nlink right: only the name is wrong
    image.set_dinode(inum, d)
    assert "appears twice" in damaged(image, "a name twice in one directory")


def stress_and_check(m, seconds):
    """Run fsstress on m for seconds, halt, check the image; its figures."""
    out = m.run("fsstress %d" % seconds, timeout=seconds + 300)
    figures = [l.strip() for l in out.splitlines() if l.startswith("fsstress:")]
    assert re.search(r"fsstress: .* ran \d+ ticks: OK", out), \
        "fsstress did not report OK:\n" + out + "\n" + m.tail()
    m.sendline("halt")
    m.wait_exit(60)
    assert not m.panic_seen, "the kernel panicked:\n" + m.tail()
    status, report = fsck(m.fsimg)
    assert status == 0, "fsck after fsstress %d:\n%s" % (seconds, report)
    return figures + [report.strip()]


def test_image_is_consistent_after_stress():
    if not os.path.exists(FSCK):
        pytest.fail("build first: `make all` makes mkfs/fsck")
    with weft.Weft("fsck-stress") as m:
        # The usertests races first: they leave nothing behind when correct.
        for case in ("rmdircreate", "bcachestress"):
            out = m.run("usertests " + case, timeout=300)
            assert "test %s: OK" % case in out, out
        stress_and_check(m, STRESS_SECONDS)


def main(minutes):
    if not os.path.exists(FSCK):
        sys.exit("build first: `make all` makes mkfs/fsck")
    start = time.time()
    with weft.Weft("fsstress-long", boot_timeout=120) as m:
        try:
            figures = stress_and_check(m, int(minutes * 60))
        except AssertionError as e:
            print("FAILED after %.0f s: %s" % (time.time() - start, e))
            print("console log: " + m.log_path)
            sys.exit(1)
    print("fsstress %g min on CPUS=%d, %.0f s wall:" % (minutes, weft.cpus(), time.time() - start))
    for line in figures:
        print("  " + line)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1)
