#!/usr/bin/env bash
# setup.sh: Gradescope's image setup for a weft lab (template).
#
# Upload this directory's files as the autograder zip, with the instructor
# overlay (points.json + hidden test_*.py, see tests/overlay-sample) in a
# folder named overlay/ beside them. Gradescope runs this once, as root, on
# its Ubuntu image; it installs what `make grade` needs and nothing else.
# Ubuntu 22.04's QEMU is 6.2, older than weft needs (README.md: QEMU 7.0 or
# newer), so pick Gradescope's Ubuntu 24.04 base image.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  make gcc gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf \
  qemu-system-misc opensbi python3 python3-pytest python3-pexpect git
qemu-system-riscv64 --version | head -n 1
