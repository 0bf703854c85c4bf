#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# lib/ is kernel C: it may include kernel headers and its own panthor_*.h
# headers, never a libc header nor the userspace harness API
# (include/shrinkwrap/*.h). This checks every #include of lib/*.[ch] and of
# the kernel-side headers include/panthor_*.h, which lib/ compiles in.
#
# Allowed:  #include <linux/...>  <drm/...>  <asm/...>  <uapi/...>  <trace/...>
#           #include "panthor_<name>.h"
# Anything else (<stdio.h>, <shrinkwrap/world.h>, "../shim/x.h", a macro)
# is printed as file:line: text, with the reason, and the script exits 1.
#
# Usage: bash scripts/check-lib-includes.sh [repository root]
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

shopt -s nullglob
files=()
for f in lib/*.c lib/*.h include/panthor_*.h; do
	# modpost's output of an in-tree module build is not a lib/ source.
	case "$f" in *.mod.c) continue ;; esac
	files+=("$f")
done
shopt -u nullglob

if [ "${#files[@]}" -eq 0 ]; then
	echo "check-lib-includes: no lib/ sources found under $root" >&2
	exit 2
fi

# The C headers of the C standard library and of POSIX that userspace code
# reaches for first; anything not on the allow list fails anyway, this
# only picks the message.
libc_re='^<(assert|complex|ctype|errno|fenv|float|inttypes|iso646|limits|locale|math|setjmp|signal|stdalign|stdarg|stdatomic|stdbool|stddef|stdint|stdio|stdlib|stdnoreturn|string|strings|tgmath|threads|time|uchar|wchar|wctype|unistd|fcntl|pthread|dirent|dlfcn|poll|sched|semaphore|spawn|syslog|termios|execinfo|malloc|alloca|features|err|getopt|libgen|search)\.h>$|^<(sys|bits|gnu|netinet|arpa|net)/'

bad=0
checked=0
for f in "${files[@]}"; do
	n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[[ "$line" =~ ^[[:space:]]*#[[:space:]]*include(_next)?[[:space:]]*(.*)$ ]] || continue
		checked=$((checked + 1))
		directive="${BASH_REMATCH[1]}"
		arg="${BASH_REMATCH[2]}"
		# Keep only the header name: drop a trailing comment.
		arg="${arg%%/\**}"
		arg="${arg%%//*}"
		arg="${arg%"${arg##*[![:space:]]}"}"

		reason=""
		if [ -n "$directive" ]; then
			reason="#include_next is not kernel style"
		elif [[ "$arg" =~ ^\<(linux|drm|asm|uapi|trace)/[A-Za-z0-9_./-]+\.h\>$ ]]; then
			:
		elif [[ "$arg" =~ ^\"panthor_[A-Za-z0-9_]+\.h\"$ ]]; then
			:
		elif [[ "$arg" =~ shrinkwrap/ ]]; then
			reason="harness API header"
		elif [[ "$arg" =~ shim/ ]]; then
			reason="shim header (lib sees the shim as <linux/...>, <drm/...>)"
		elif [[ "$arg" =~ $libc_re ]]; then
			reason="libc header"
		else
			reason="not a kernel or panthor_*.h header"
		fi

		if [ -n "$reason" ]; then
			echo "$f:$n: $line    <- $reason"
			bad=$((bad + 1))
		fi
	done < "$f"
done

# Test back doors are not kernel API: lib/ calls no *_shim function and no
# sw_* harness or introspection call (include/shrinkwrap/introspect.h).
for f in "${files[@]}"; do
	while IFS=: read -r n text; do
		echo "$f:$n: $text    <- test back door (not kernel API)"
		bad=$((bad + 1))
	done < <(grep -nE '\b[A-Za-z_0-9]+_shim\b|\bsw_[a-z_0-9]+[[:space:]]*\(' "$f" || true)
done

if [ "$bad" -ne 0 ]; then
	echo "check-lib-includes: FAIL: $bad forbidden #include or back-door line(s) in ${#files[@]} files"
	exit 1
fi
echo "check-lib-includes: OK: $checked #include lines in ${#files[@]} files"
