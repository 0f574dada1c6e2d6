# switch.gp: bench/switch.png from bench/switch.dat (written by bench/run.py).
# One round trip of a byte or a turn between two tasks -- two switches and
# four system calls -- between two processes (pipes), two threads of one
# process (pipes), and two threads through a futex word. COW=1 kernel.
set terminal pngcairo size 800,520 noenhanced font ",11"
set output "switch.png"
set datafile missing "?"
set title "weft: one round trip = two switches + four system calls\n(QEMU virt, 1 hart, -icount shift=0, COW=1 kernel)"
set ylabel "nanoseconds per round trip (median)"
set style data histograms
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set grid ytics
set key off
set bmargin 4
set xtics ("processes\n(pipes)" 0, "threads\n(pipes)" 1, "threads\n(futex)" 2)
plot "switch.dat" using 2 lc rgb "#4a7ab5", \
     "" using 0:2:(sprintf("%d ns", $2)) with labels offset 0,0.8 notitle
