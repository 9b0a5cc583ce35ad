# Per-lane time-mean speed at detector overpass (6300 m) of us101-sb-sr92: lanesim solid, SUMO dashed (tools/sumo_compare.py --plot overpass).
set terminal pngcairo size 1000,520 font 'sans,11'
set output 'sumo-us101-sb-sr92.png'
set title 'us101-sb-sr92: speed per lane at overpass (6300 m), 300 s periods'
set xlabel 'time of day (h)'
set ylabel 'time-mean speed (km/h)'
set yrange [0:*]
set grid
set key outside right
set datafile missing '?'
plot 'sumo-us101-sb-sr92.dat' using 1:2 with lines lw 2 lc 1 title 'lanesim lane 1', \
     'sumo-us101-sb-sr92.dat' using 1:3 with lines lw 2 lc 2 title 'lanesim lane 2', \
     'sumo-us101-sb-sr92.dat' using 1:4 with lines lw 2 lc 3 title 'lanesim lane 3', \
     'sumo-us101-sb-sr92.dat' using 1:5 with lines lw 2 lc 4 title 'lanesim lane 4', \
     'sumo-us101-sb-sr92.dat' using 1:6 with lines lw 2 lc 1 dt 2 title 'SUMO lane 1', \
     'sumo-us101-sb-sr92.dat' using 1:7 with lines lw 2 lc 2 dt 2 title 'SUMO lane 2', \
     'sumo-us101-sb-sr92.dat' using 1:8 with lines lw 2 lc 3 dt 2 title 'SUMO lane 3', \
     'sumo-us101-sb-sr92.dat' using 1:9 with lines lw 2 lc 4 dt 2 title 'SUMO lane 4'
