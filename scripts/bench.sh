#!/usr/bin/env bash
# The benchmarks: install what is missing (gnuplot-nox too), build the release
# preset, run every benchmark (tables on stdout and in OUT/*.txt, CSV in
# OUT/*.csv), and draw PNG plots into OUT with gnuplot.
#
# Usage: bash scripts/bench.sh [--quick] [--out DIR] [--docs]
#   --quick    tiny sizes (seconds): checks the pipeline, not figures
#   --out DIR  output directory (default build/release/bench-out)
#   --docs     also copy the tables and plots to docs/bench/ (the README's)
set -euo pipefail
cd "$(dirname "$0")/.."

args="$*"
quick=()
out=build/release/bench-out
docs=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=(--quick) ;;
	--out) out="${2:?--out needs a directory}"; shift ;;
	--docs) docs=1 ;;
	*) echo "bench: unknown option '$1' (see the top of $0)" >&2; exit 2 ;;
	esac
	shift
done

benches=(lru scan vm lru_model reclaim)

bash scripts/deps.sh --with-gnuplot
cmake --preset release >/dev/null
targets=()
for b in "${benches[@]}"; do targets+=("sw_${b}_bench"); done
cmake --build --preset release -j"$(nproc)" --target "${targets[@]}" >/dev/null
mkdir -p "$out"

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "command: bash scripts/bench.sh $args"
} | tee "$out/machine.txt"

start=$(date +%s)
for b in "${benches[@]}"; do
	echo
	build/release/bench/sw_${b}_bench "${quick[@]}" --out "$out" | tee "$out/$b.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
echo "benchmarks took $(( $(date +%s) - start )) s" | tee -a "$out/machine.txt"

# --quick runs lack some of the series the plots name: gnuplot says so, harmlessly.
gnuplot -e "dir='$out'" bench/plots.gp 2>&1 | { grep -v -e 'no valid points' -e '^$' || true; }
echo "plots: $out/{lru,scan,vm,lru_model,reclaim}.png"

if [ "$docs" = 1 ]; then
	mkdir -p docs/bench
	cp "$out"/*.png "$out"/*.txt "$out"/*.csv docs/bench/
	echo "copied to docs/bench/"
fi
