# .gdbinit: attach gdb-multiarch to `make qemu-gdb`.
# Use: `gdb-multiarch -x .gdbinit` from the top of the repo (or allow gdb to
# auto-load it: add `add-auto-load-safe-path /path/to/weft/.gdbinit` to ~/.gdbinit).
set confirm off
set architecture riscv:rv64
file kernel/kernel
set disassemble-next-line auto
# The port make qemu-gdb uses: uid % 5000 + 25000 (see the Makefile).
python
import os
gdb.execute("target remote localhost:%d" % (os.getuid() % 5000 + 25000))
end
# Load a user program's symbols too:  (gdb) user-symbols ls
define user-symbols
  add-symbol-file user/$arg0.elf 0
end
document user-symbols
Load the symbols of user program NAME (user/NAME.elf), linked at address 0.
end
