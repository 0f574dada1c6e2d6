"""test_firsthour.py: what a new user meets in the first hour holds.

The build checks its tools before it compiles; MEM above what the kernel
manages is refused by make and reported by the kernel; the boot banner
names harts, RAM and copy-on-write; and the claims the docs make about the
code (the ^P example, the sample banner, where the ABI is described, the
generated tables of docs/performance.md, the qemu-gdb hint, where `make
bench` writes) are true. Two boots; everything else reads files or runs
`make -n`.
"""

import os
import re
import subprocess
import sys

import points
import weft

REPO = weft.REPO_DIR


def read(*path):
    with open(os.path.join(REPO, *path), encoding="utf-8") as f:
        return f.read()


def make(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MEM")}
    e.update(env or {})
    return subprocess.run(["make", "--no-print-directory"] + list(args), cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=e)


# ---------------------------------------------------------------- make

def test_plain_make_checks_the_tools_before_it_compiles():
    out = make("-n", "-B").stdout.splitlines()
    check = [i for i, l in enumerate(out) if "check-tools.sh" in l]
    compile_ = [i for i, l in enumerate(out) if " -c -o kernel/" in l]
    assert check and compile_, "make -n -B printed no tool check or no compile:\n%s" % out[:5]
    assert check[0] < compile_[0], "the tool check comes after the first compile"
    assert any("fs.img" in l and "mkfs" in l for l in out), "plain make does not build fs.img"


def test_mem_above_what_the_kernel_manages_is_refused():
    for mem in ("1G", "513M", "600"):
        p = make("-s", "print-qemu", "MEM=" + mem)
        assert p.returncode != 0, "make print-qemu MEM=%s was accepted:\n%s" % (mem, p.stdout)
        assert "512 MiB" in p.stderr, p.stderr
    for mem in ("512M", "128M", "256"):
        p = make("-s", "print-qemu", "MEM=" + mem)
        assert p.returncode == 0 and "-m " + mem in p.stdout, p.stdout + p.stderr


def test_qemu_gdb_hint_says_how_to_start_gdb():
    out = make("-n", "qemu-gdb").stdout
    assert "gdb-multiarch -x .gdbinit" in out, out
    assert os.path.exists(os.path.join(REPO, ".gdbinit"))


# ---------------------------------------------------------------- the banner

BANNER = re.compile(r"(?m)^weft: (\d+) harts? running, (\d+) MiB RAM, (\d+) free pages, "
                    r"copy-on-write fork (on|off \(COW=0\))$")


def test_banner_names_harts_ram_and_cow_and_warns_of_unused_ram():
    # QEMU takes the last -m: a 1 GiB machine, of which the kernel manages 512 MiB.
    with weft.Weft("firsthour-1g", extra_args=["-m", "1G"]) as m:
        text = m.text
    hit = BANNER.search(text)
    assert hit, "no banner line like `weft: N harts running, M MiB RAM, F free pages, " \
        "copy-on-write fork on`:\n" + text[-1500:]
    assert int(hit.group(1)) == min(weft.cpus(), 8), hit.group(0)
    assert hit.group(2) == "512" and hit.group(4) == "on", hit.group(0)
    assert re.search(r"(?m)^weft: warning: the machine has 1024 MiB RAM; weft uses only "
                     r"the first 512 MiB", text), text[-1500:]


def test_boot_md_sample_banner_has_the_kernel_s_format():
    doc = read("docs", "boot.md")
    sample = [l for l in doc.splitlines() if "harts running" in l and l.startswith("weft:")]
    assert sample and all(BANNER.match(l) for l in sample), sample


# ---------------------------------------------------------------- the docs

def test_devices_md_ctrl_p_example_is_what_the_kernel_prints():
    doc = read("docs", "devices.md")
    block = doc[doc.index("`^P` output"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    documented = re.findall(r"(?m)^pid (\d+) (\S+) ", block)
    with weft.Weft("firsthour-ctrlp") as m:
        m.send_ctrl("P")
        m.settle(1.0)
        listed = re.findall(r"(?m)^pid (\d+) (\S+) ", m.consumed())
    assert documented == listed, "docs/devices.md shows %r, the kernel lists %r" % (
        documented, listed)


def test_docs_readme_points_only_to_files_that_exist():
    text = read("docs", "README.md")
    for name in re.findall(r"`([A-Za-z]+\.md)`", text):
        assert os.path.exists(os.path.join(REPO, "docs", name)) or \
            os.path.exists(os.path.join(REPO, name)), "docs/README.md names %s" % name
    for link in re.findall(r"\]\(([^)#]+)\)", text):
        assert os.path.exists(os.path.join(REPO, "docs", link)), link


def test_sources_cite_docs_abi_md():
    bad = []
    for top in ("kernel", "user", "mkfs"):
        for dirpath, _, files in os.walk(os.path.join(REPO, top)):
            for f in files:
                if f.endswith((".c", ".h", ".S", ".sh")):
                    text = open(os.path.join(dirpath, f), errors="replace").read()
                    if re.search(r"(?<!docs/)\bABI\.md", text):
                        bad.append(os.path.relpath(os.path.join(dirpath, f), REPO))
    assert not bad, "these cite ABI.md (it is docs/abi.md): %s" % bad


def test_traps_md_unknown_call_number_really_is_unknown():
    used = {int(n) for n in re.findall(r"(?m)^#define SYS_\w+\s+(\d+)", read("kernel", "syscall.h"))}
    shown = re.findall(r"unknown system call (\d+)", read("docs", "traps.md"))
    assert shown and all(int(n) not in used for n in shown), (shown, sorted(used))


def test_performance_md_tables_come_from_bench_results_json():
    p = subprocess.run([sys.executable, os.path.join(REPO, "bench", "run.py"), "--doc",
                        "--check"], cwd=REPO, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, QEMUEXTRA=""))
    assert p.returncode == 0, p.stdout + p.stderr
    doc = read("docs", "performance.md")
    for block in ("bench-table", "bench-targets", "bench-tlb"):
        assert "<!-- %s: written by bench/run.py" % block in doc, block


def test_bench_writes_an_untracked_folder_unless_asked():
    probe = ("import sys; sys.argv = ['run.py']; sys.path.insert(0, 'bench'); "
             "import run; print(run.OUT_DIR)")
    for update, want in (("", os.path.join(REPO, "bench", "out")),
                         ("1", os.path.join(REPO, "bench"))):
        p = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, UPDATE=update))
        assert p.stdout.strip() == want, (update, p.stdout, p.stderr)
    ignored = subprocess.run(["git", "check-ignore", "-q", "bench/out/results.json"],
                             cwd=REPO, timeout=30)
    assert ignored.returncode == 0, "bench/out/ is not ignored by git"
    assert "--no-install-recommends" in read("bench", "run.py")


def test_docs_say_what_lab_grades():
    text = read("docs", "testing.md")
    for lab, (prefix, _) in points.LABS.items():
        assert "`%s`: `%s*`" % (lab, prefix) in text, "testing.md does not say LAB=%s " \
            "grades the %s* cases" % (lab, prefix)


def test_readme_names_the_oldest_qemu_and_ubuntu_22_04():
    text = read("README.md")
    assert "QEMU 7.0" in text and "22.04" in text
    assert "7.0" in read("tests", "check-tools.sh")
