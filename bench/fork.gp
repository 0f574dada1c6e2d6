# fork.gp: bench/fork.png from bench/fork.dat (written by bench/run.py).
# Fork+exit+wait latency against the heap the parent has touched, for the
# copy-on-write kernel and the eager-copy one (make COW=0); log-log axes.
# A "?" in fork.dat is a fork that failed (out of memory).
set terminal pngcairo size 900,560 noenhanced font ",11"
set output "fork.png"
set datafile missing "?"
set title "weft: fork + exit + wait vs touched heap (QEMU virt, 256 MiB, 1 hart, -icount shift=0)"
set xlabel "heap touched by the parent before fork"
set ylabel "microseconds (median)"
set logscale xy
set xtics ("4 KiB" 4, "64 KiB" 64, "1 MiB" 1024, "16 MiB" 16384, "64 MiB" 65536)
set format y "%.0f"
set xrange [2:200000]
set yrange [100:5000000]
set grid xtics ytics mytics
set key top left
# Each point carries its value, COW=0 above its line and COW=1 below, except
# 48 MiB (an older stand-in for 64 MiB): its labels would overlap 64 MiB's.
unlabelled = 49152
plot "fork.dat" using 1:3 with linespoints lw 2 pt 7 title "COW=0 (eager copy)", \
     "fork.dat" using 1:2 with linespoints lw 2 pt 5 title "COW=1 (copy-on-write)", \
     "fork.dat" using 1:($1 == unlabelled ? NaN : $3):(sprintf("%d", $3)) \
       with labels offset 0,1 notitle, \
     "fork.dat" using 1:($1 == unlabelled ? NaN : $2):(sprintf("%d", $2)) \
       with labels offset 0,-1 notitle
