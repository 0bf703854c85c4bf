#!/usr/bin/env bash
# Every test: install what is missing, then build and run the suites under
# ASan+UBSan (default preset), ThreadSanitizer (tsan), valgrind memcheck and,
# for the suites labelled threads, helgrind (valgrind preset), then the
# kernel build checks of lib/. Ends with one
# summary line "shrinkwrap: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
logdir=build/logs
passed=0
failed=0
failures=()

stage() { printf '\n=== %s ===\n' "$*"; }

# ctest_run PRESET [ctest args...]: count its tests into the totals.
ctest_run() {
	local preset=$1 out rc p f
	shift
	out=$(mktemp)
	ctest --preset "$preset" -j"$jobs" "$@" 2>&1 | tee "$out" | grep -E '^ *[0-9]+/[0-9]+ Test|tests passed|FAILED|\*\*\*'
	rc=${PIPESTATUS[0]}
	p=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$out" | awk '{print $6 - $1}')
	f=$(grep -Eo '[0-9]+ tests failed out of' "$out" | awk '{print $1}')
	if [ -z "$p" ]; then
		echo "ctest ($preset) produced no summary"
		p=0
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -ne 0 ] && failures+=("ctest $preset")
	# The data-integrity run's figures (tests/test_pressure.c), per preset.
	grep -h '^integrity: [0-9]* operations' \
		"build/$preset/Testing/Temporary/LastTest.log" 2>/dev/null |
		sed "s/^/[$preset] /"
	cp "$out" "$logdir/ctest-$preset.log"
	rm -f "$out"
}

build() {
	local preset=$1
	if ! { cmake --preset "$preset" && cmake --build --preset "$preset" -j"$jobs"; } \
		>"$logdir/build-$preset.log" 2>&1; then
		tail -40 "$logdir/build-$preset.log"
		echo "build of preset $preset failed (log: $logdir/build-$preset.log)"
		failed=$((failed + 1))
		failures+=("build $preset")
		return 1
	fi
}

stage "dependencies"
bash scripts/deps.sh --with-sparse || { echo "shrinkwrap: 0 passed, 1 failed"; exit 1; }
mkdir -p "$logdir"

stage "default preset: ASan + UBSan"
build default && ctest_run default

stage "tsan preset: ThreadSanitizer"
build tsan && ctest_run tsan

stage "valgrind preset: memcheck (all suites), helgrind (suites labelled threads)"
build valgrind && ctest_run valgrind

stage "kernel build of lib/: Kbuild W=1, modpost, sparse, kernel-doc, includes"
if [ -f scripts/kbuild-check.sh ]; then
	if bash scripts/kbuild-check.sh 2>&1 | tee "$logdir/kbuild.log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("kbuild-check")
	fi
fi

echo
[ ${#failures[@]} -gt 0 ] && echo "failed stages: ${failures[*]}"
echo "shrinkwrap: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
