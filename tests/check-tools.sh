#!/bin/sh
# check-tools.sh CC QEMU: is everything weft's build and tests need installed?
#
# Checks the cross compiler, picolibc for it (the POSIX flavour, docs/user.md),
# QEMU (qemu-system-riscv64 >= 7.0), pytest and
# pexpect under /usr/bin/python3, and gdb-multiarch (a warning only). When
# something is missing it installs the Debian packages if it can (root, or
# sudo without a password, and apt-get present); otherwise it prints the
# apt-get line to run and exits 1. Silent and fast when all is present.

CC=${1:-riscv64-unknown-elf-gcc}
QEMU=${2:-qemu-system-riscv64}
PY=/usr/bin/python3
PKGS="gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc opensbi python3-pytest python3-pexpect gdb-multiarch"
APT_LINE="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $PKGS"

# Print one line per missing tool; print nothing when all is well.
missing() {
  command -v "$CC" >/dev/null 2>&1 || echo "cross compiler $CC not found"
  # gcc prints the name back unchanged when it finds no such file.
  case $("$CC" -print-file-name=picolibc.specs 2>/dev/null) in
    /*) ;;
    *) echo "picolibc for $CC not found (picolibc.specs)" ;;
  esac
  if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "$QEMU not found"
  else
    # "QEMU emulator version 7.2.22 (Debian ...)" -> 7.2.22
    ver=$("$QEMU" --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
    major=${ver%%.*}
    case $major in
      ''|*[!0-9]*) echo "cannot tell the version of $QEMU" ;;
      *) [ "$major" -ge 7 ] || echo "$QEMU is version $ver; weft needs 7.0 or later" ;;
    esac
  fi
  if [ ! -x "$PY" ]; then
    echo "$PY not found"
  else
    # find_spec is much faster than importing pytest.
    "$PY" -c '
import importlib.util, sys
gone = [m for m in ("pytest", "pexpect") if importlib.util.find_spec(m) is None]
for m in gone:
    print("python module %s missing under %s" % (m, sys.executable))
' 2>/dev/null || echo "$PY does not run"
  fi
}

problems=$(missing)
if [ -z "$problems" ]; then
  command -v gdb-multiarch >/dev/null 2>&1 ||
    echo "check-tools: warning: gdb-multiarch not found (only needed for make qemu-gdb)" >&2
  exit 0
fi

echo "check-tools: missing or too old:" >&2
echo "$problems" | sed 's/^/  /' >&2

if [ "$(id -u)" = 0 ]; then
  SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  SUDO=none
fi
if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "check-tools: install them with:" >&2
  echo "  sudo sh -c '$APT_LINE'" >&2
  exit 1
fi

echo "check-tools: installing: $PKGS" >&2
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update ||
   ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $PKGS; then
  echo "check-tools: apt-get failed; run by hand:" >&2
  echo "  sudo sh -c '$APT_LINE'" >&2
  exit 1
fi

problems=$(missing)
if [ -n "$problems" ]; then
  echo "check-tools: still missing after installing:" >&2
  echo "$problems" | sed 's/^/  /' >&2
  exit 1
fi
exit 0
