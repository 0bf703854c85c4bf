# PNG plots of the benchmarks' CSV files (scripts/bench.sh runs this).
# Usage: gnuplot -e "dir='OUT'" bench/plots.gp   (reads and writes OUT)
if (!exists("dir")) dir = "build/release/bench-out"
set datafile separator ","
set terminal pngcairo size 900,560 font ",10" noenhanced
set key outside right top
set grid
set logscale x 10
# The data rows of a CSV file whose column c equals v (and column c2 equals v2).
sel(f, c, v) = sprintf("< awk -F, 'NR > 1 && $%d == \"%s\"' '%s'", c, v, f)
sel2(f, c, v, c2, v2) = sprintf("< awk -F, 'NR > 1 && $%d == \"%s\" && $%d == \"%s\"' '%s'", \
	c, v, c2, v2, f)

# 1 and 2 (shim LRUs): ns per BO by LRU, as N grows.
set output dir."/lru.png"
set title "panthor shrinker: ns per one-page BO, by LRU, as the number of BOs grows"
set xlabel "BOs on the LRU"
set ylabel "ns per BO"
set logscale y 10
plot for [r in "count contended unused mmapped vm validate"] sel(dir."/lru.csv", 2, r) \
	using 1:3 with linespoints title r

# 2: drm_gem_lru_scan() against the bare-walk floor.
set output dir."/scan.png"
set multiplot layout 1,2 title "drm_gem_lru_scan(): cost per object and ratio to a bare locked walk"
set title "ns per object"
set xlabel "objects on the LRU"
set ylabel "ns per object"
set key inside left top
plot for [m in "floor decline evict evict_1% evict_10% evict_50%"] sel(dir."/scan.csv", 2, m) \
	using 1:3 with linespoints title m
set title "ratio to the floor"
set ylabel "x floor"
plot for [m in "decline evict evict_1% evict_10% evict_50%"] sel(dir."/scan.csv", 2, m) \
	using 1:4 with linespoints title m
unset multiplot

# 3: panthor_mmu_reclaim_priv_bos() per VM and per BO.
set output dir."/vm.png"
set multiplot layout 1,2 title "panthor_mmu_reclaim_priv_bos() over V VMs of B BOs"
set xlabel "VMs"
set key below horizontal maxrows 2
set title "ns per VM"
set ylabel "ns per VM"
plot for [m in "walk evict"] for [b in "1 16 256"] sel2(dir."/vm.csv", 2, b, 3, m) \
	using 1:4 with linespoints title m." B=".b
set title "ns per BO"
set ylabel "ns per BO"
plot for [m in "walk evict"] for [b in "1 16 256"] sel2(dir."/vm.csv", 2, b, 3, m) \
	using 1:5 with linespoints title m." B=".b
unset multiplot

# 4: per-VM against per-BO LRUs.
set output dir."/lru_model.png"
set multiplot layout 1,3 title "per-BO LRU against per-VM LRUs (64 VMs of B BOs)"
set xlabel "BOs per VM (B)"
set key inside left top
set title "cost of one submit"
set ylabel "ns per submit"
plot for [d in "per_bo per_vm"] sel(dir."/lru_model.csv", 2, d) using 1:4 \
	with linespoints title d
set title "following scan, all declined"
set ylabel "ns per BO"
plot for [d in "per_bo per_vm"] sel(dir."/lru_model.csv", 2, d) using 1:5 \
	with linespoints title d
set title "following scan, evicting 1/4"
set ylabel "ns per BO evicted"
plot for [d in "per_bo per_vm"] sel(dir."/lru_model.csv", 2, d) using 1:6 \
	with linespoints title d
unset multiplot

# 5: reclaim and restore throughput against the memcpy floor.
set output dir."/reclaim.png"
unset logscale x
set title "unused BOs through shrink_slab(): pages per second (log), memcpy floor for reference"
set xlabel ""
set ylabel "pages per second"
set style fill solid 0.6 border -1
set boxwidth 0.6
set xrange [-0.5:3.5]
set key inside right top
plot dir."/reclaim.csv" every ::1 using ($0):4:xtic(sprintf("%s KiB %s", strcol(1), strcol(2))) \
	with boxes title "measured", \
	dir."/reclaim.csv" every ::1 using ($0):5 with linespoints lw 2 title "memcpy floor"
