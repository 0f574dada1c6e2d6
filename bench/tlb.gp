# tlb.gp: bench/tlb.png from bench/tlb.dat (written by bench/run.py).
# A round trip between two threads vs two processes on one hart when each
# side touches N pages of its own working set per turn: a thread switch
# keeps the address space (and its TLB entries), a process switch writes
# satp, and QEMU then flushes its whole software TLB. Real time, no icount.
set terminal pngcairo size 800,520 noenhanced font ",11"
set output "tlb.png"
set datafile missing "?"
set title "weft: what keeping the address space is worth\n(QEMU virt, 1 hart, real time, median; each side touches N pages per turn)"
set xlabel "pages of its own working set each side touches per turn (N)"
set ylabel "microseconds per round trip"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set yrange [0:*]
set grid ytics
set key top left
plot "tlb.dat" using ($2/1000):xtic(1) title "two threads (one address space)" lc rgb "#4a7ab5", \
     "" using ($3/1000) title "two processes (satp written at each switch)" lc rgb "#c0504d"
