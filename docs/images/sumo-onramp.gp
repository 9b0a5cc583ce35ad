# Per-lane time-mean speed at detector merge (3100 m) of onramp: lanesim solid, SUMO dashed (tools/sumo_compare.py --plot merge).
set terminal pngcairo size 1000,520 font 'sans,11'
set output 'sumo-onramp.png'
set title 'onramp: speed per lane at merge (3100 m), 60 s periods'
set xlabel 'time (s)'
set ylabel 'time-mean speed (km/h)'
set yrange [0:*]
set grid
set key outside right
set datafile missing '?'
plot 'sumo-onramp.dat' using 1:2 with lines lw 2 lc 1 title 'lanesim lane 1', \
     'sumo-onramp.dat' using 1:3 with lines lw 2 lc 2 title 'lanesim lane 2', \
     'sumo-onramp.dat' using 1:4 with lines lw 2 lc 3 title 'lanesim lane 3', \
     'sumo-onramp.dat' using 1:5 with lines lw 2 lc 1 dt 2 title 'SUMO lane 1', \
     'sumo-onramp.dat' using 1:6 with lines lw 2 lc 2 dt 2 title 'SUMO lane 2', \
     'sumo-onramp.dat' using 1:7 with lines lw 2 lc 3 dt 2 title 'SUMO lane 3'
