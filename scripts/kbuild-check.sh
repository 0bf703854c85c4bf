#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The kernel side of lib/: it must build as an out-of-tree module against
# Debian 12's Linux 6.12 headers, cleanly. Checks, in order:
#
#   headers     the 6.12 headers, sparse and perl are there; if not, runs
#               scripts/install-kernel-headers.sh (needs root or sudo -n)
#   build       make -C $KDIR M=<copy of lib> W=1 KCFLAGS=-Werror: no
#               error, no "warning:" line (this includes the kernel-doc
#               run W=1 does on every .c, and modpost's warnings)
#   sparse      make ... C=2 (sparse on every source): no warning
#   modpost     the .ko exists, modpost reported nothing, and every symbol
#               the module imports is exported by $KDIR/Module.symvers
#   kernel-doc  $KDIR/scripts/kernel-doc -none -Wall over lib/*.c and
#               include/panthor_*.h: no output
#   includes    scripts/check-lib-includes.sh (no libc or harness header)
#
# The module is built in a temporary copy of lib/ and include/, removed on
# exit, so the source tree is never written to. Prints one PASS/FAIL line
# per check and a summary line; exits 1 if any check failed.
#
# Usage: bash scripts/kbuild-check.sh
# Environment: KDIR=<kernel build dir> to use other headers;
#              KBUILD_CHECK_KEEP=1 to keep the temporary build directory.
set -uo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$SECONDS
results=()
failed=0

say() { printf '%s\n' "$*"; }

# report NAME STATUS DETAIL
report() {
	local line
	line="$(printf '%-4s  %-10s  %s' "$2" "$1" "$3")"
	say "$line"
	results+=("$line")
	[ "$2" = PASS ] || failed=$((failed + 1))
}

# Show the lines of a log that explain a failure (bounded).
show_log() {
	local log="$1" pattern="${2:-warning:|error:|Error|ERROR|undefined}" hits
	hits="$(grep -E -i -- "$pattern" "$log" | head -n 40)"
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | sed 's/^/      | /'
	else
		tail -n 20 "$log" | sed 's/^/      | /'
	fi
}

# Newest usable Debian 6.12 amd64 kdir (same rules as the install script).
find_kdir() {
	local d best=""
	for d in /usr/src/linux-headers-6.12.*-amd64; do
		[ -d "$d" ] || continue
		case "$d" in *-cloud-amd64 | *-rt-amd64) continue ;; esac
		kdir_usable "$d" || continue
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)" = "$d" ]; then
			best="$d"
		fi
	done
	printf '%s' "$best"
}

kdir_usable() {
	[ -f "$1/Makefile" ] && [ -e "$1/Module.symvers" ] &&
		[ -x "$1/scripts/mod/modpost" ] && [ -e "$1/scripts/kernel-doc" ]
}

tools_present() {
	command -v make >/dev/null && command -v sparse >/dev/null &&
		command -v perl >/dev/null
}

# ---- headers ---------------------------------------------------------------
t0=$SECONDS
if [ -n "${KDIR:-}" ]; then
	kdir="$KDIR"
else
	kdir="$(find_kdir)"
fi

if [ -z "${KDIR:-}" ] && { [ -z "$kdir" ] || ! tools_present; }; then
	say "kbuild-check: kernel headers or tools missing, running" \
		"scripts/install-kernel-headers.sh (about a minute; apt's output is shown only on failure)"
	runner=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			runner=(sudo -n)
		else
			runner=(false)
		fi
	fi
	install_log="$(mktemp)"
	if [ "${runner[0]:-}" = false ]; then
		say "kbuild-check: not root and no passwordless sudo; run as root:" \
			"bash scripts/install-kernel-headers.sh" >"$install_log"
		install_rc=1
	else
		"${runner[@]}" bash "$root/scripts/install-kernel-headers.sh" >"$install_log" 2>&1
		install_rc=$?
	fi
	if [ "$install_rc" -eq 0 ]; then
		kdir="$(sed -n 's/^KDIR=//p' "$install_log" | tail -n 1)"
	else
		show_log "$install_log" 'error|E:|must|not root|no '
	fi
	rm -f "$install_log"
fi

if [ -n "$kdir" ] && kdir_usable "$kdir" && tools_present; then
	report headers PASS "$(basename "$kdir"), $(sparse --version 2>/dev/null | head -n 1 | sed 's/^/sparse /') ($((SECONDS - t0))s)"
else
	report headers FAIL "no usable kernel headers (${kdir:-none}) or make/sparse/perl missing"
	for c in build sparse modpost; do
		report "$c" FAIL "not run: no kernel headers"
	done
	kdir=""
fi

# ---- temporary copy of lib/ and include/ -------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/kbuild-check.XXXXXX")"
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	if [ "${KBUILD_CHECK_KEEP:-0}" = 1 ]; then
		say "kbuild-check: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# lib/'s sources; a <module>.mod.c left by an in-tree build is not one.
lib_sources() {
	local f
	for f in "$root"/lib/*."$1"; do
		[ -e "$f" ] || continue
		case "$f" in *.mod.c) continue ;; esac
		printf '%s\n' "$f"
	done
}
mapfile -t srcs < <(lib_sources c)
mapfile -t hdrs < <(lib_sources h)

mkdir -p "$work/lib" "$work/include"
cp "$root/lib/Kbuild" "${srcs[@]}" "${hdrs[@]}" "$work/lib/"
cp -r "$root"/include/. "$work/include/"
jobs="$(nproc 2>/dev/null || echo 2)"
kmake=(make -C "$kdir" M="$work/lib" W=1 KCFLAGS=-Werror -k -j"$jobs")

# ---- build -------------------------------------------------------------------
if [ -n "$kdir" ]; then
	t0=$SECONDS
	build_log="$work/build.log"
	"${kmake[@]}" modules >"$build_log" 2>&1
	build_rc=$?
	nwarn="$(grep -c -i 'warning:' "$build_log")"
	nobj="$(grep -E '^ *CC \[M\] .*/lib/[^/.]+\.o$' "$build_log" | grep -c -v '\.mod\.o$')"
	if [ "$build_rc" -eq 0 ] && [ "$nwarn" -eq 0 ]; then
		report build PASS "make W=1 KCFLAGS=-Werror: $nobj objects, 0 warnings ($((SECONDS - t0))s)"
	else
		report build FAIL "make W=1 KCFLAGS=-Werror: exit $build_rc, $nwarn warning line(s)"
		show_log "$build_log"
	fi

	# ---- sparse --------------------------------------------------------------
	# C=2 runs sparse on every source. Kbuild runs it after compiling each
	# file, so this pass drops -Werror (a gcc warning, already failed above,
	# must not hide sparse's view of the file), and CHECK is a wrapper that
	# keeps sparse's own output apart from the compiler's.
	t0=$SECONDS
	sparse_log="$work/sparse.log"
	sparse_out="$work/sparse.out"
	sparse_wrap="$work/sparse-wrap"
	: >"$sparse_out"
	cat >"$sparse_wrap" <<WRAP
#!/bin/sh
exec sparse "\$@" 2>>"$sparse_out"
WRAP
	chmod +x "$sparse_wrap"
	make -C "$kdir" M="$work/lib" W=1 -k -j"$jobs" C=2 CHECK="$sparse_wrap" \
		modules >"$sparse_log" 2>&1
	nchecked="$(grep -E '^ *CHECK +.*/lib/[^/]+\.c$' "$sparse_log" | grep -c -v '\.mod\.c$')"
	nwarn="$(grep -c . "$sparse_out")"
	if [ "$nwarn" -eq 0 ] && [ "$nchecked" -ge "${#srcs[@]}" ]; then
		report sparse PASS "make C=2: $nchecked files checked, 0 warnings ($((SECONDS - t0))s)"
	else
		why="$nwarn line(s) from sparse"
		[ "$nchecked" -ge "${#srcs[@]}" ] ||
			why="$why; sparse skips a source that does not compile"
		report sparse FAIL "make C=2: $nchecked of ${#srcs[@]} sources checked, $why"
		if [ "$nwarn" -gt 0 ]; then
			show_log "$sparse_out" '.'
		fi
	fi

	# ---- modpost -------------------------------------------------------------
	ko="$(find "$work/lib" -maxdepth 1 -name '*.ko' | head -n 1)"
	# The sparse pass links the module even when -Werror stopped the build.
	modpost_msgs="$(cat "$build_log" "$sparse_log" | grep -E 'modpost' |
		grep -E -i 'error|warning|undefined' | sort -u)"
	if [ -z "$ko" ]; then
		report modpost FAIL "no module was linked"
		[ -n "$modpost_msgs" ] && printf '%s\n' "$modpost_msgs" | sed 's/^/      | /'
	else
		missing=()
		nsyms=0
		while read -r sym; do
			[ -n "$sym" ] || continue
			nsyms=$((nsyms + 1))
			awk -F'\t' -v s="$sym" '$2 == s { found = 1; exit } END { exit !found }' \
				"$kdir/Module.symvers" || missing+=("$sym")
		done < <(nm -u "$ko" | awk '{ print $2 }')
		if [ -z "$modpost_msgs" ] && [ "${#missing[@]}" -eq 0 ]; then
			report modpost PASS "$(basename "$ko"): $nsyms imported symbols, all exported by the kernel"
		else
			report modpost FAIL "$(basename "$ko"): ${#missing[@]} symbol(s) not exported: ${missing[*]:-}"
			[ -n "$modpost_msgs" ] && printf '%s\n' "$modpost_msgs" | sed 's/^/      | /'
		fi
	fi
fi

# ---- kernel-doc ----------------------------------------------------------------
kdoc="${kdir:+$kdir/scripts/kernel-doc}"
shopt -s nullglob
docfiles=("${srcs[@]}" "$root"/include/panthor_*.h)
shopt -u nullglob
if [ -n "$kdoc" ] && [ -e "$kdoc" ]; then
	kdoc_log="$work/kernel-doc.log"
	(cd "$root" && perl "$kdoc" -none -Wall "${docfiles[@]#"$root"/}") >"$kdoc_log" 2>&1
	kdoc_rc=$?
	nlines="$(grep -c . "$kdoc_log")"
	if [ "$kdoc_rc" -eq 0 ] && [ "$nlines" -eq 0 ]; then
		report kernel-doc PASS "kernel-doc -none -Wall: ${#docfiles[@]} files, 0 warnings"
	else
		report kernel-doc FAIL "kernel-doc -none -Wall: exit $kdoc_rc, $nlines line(s) of output"
		show_log "$kdoc_log" '.'
	fi
else
	report kernel-doc FAIL "not run: no scripts/kernel-doc (kernel headers missing)"
fi

# ---- includes ------------------------------------------------------------------
inc_log="$work/includes.log"
bash "$root/scripts/check-lib-includes.sh" "$root" >"$inc_log" 2>&1
inc_rc=$?
if [ "$inc_rc" -eq 0 ]; then
	report includes PASS "$(sed -n 's/^check-lib-includes: OK: //p' "$inc_log"), none libc or harness"
else
	report includes FAIL "forbidden #include lines in lib/ (see scripts/check-lib-includes.sh)"
	show_log "$inc_log" '<-|FAIL|no lib'
fi

# ---- summary -------------------------------------------------------------------
if [ "$failed" -eq 0 ]; then
	say "kbuild-check: PASS (${#results[@]}/${#results[@]} checks) in $((SECONDS - start))s"
	exit 0
fi
say "kbuild-check: FAIL ($failed of ${#results[@]} checks failed) in $((SECONDS - start))s"
exit 1
