#!/usr/bin/env bash
# Install what shrinkwrap needs to build and test, if it is missing.
# Debian 12 packages only; runs apt-get as root (directly or through sudo).
set -euo pipefail

# gdb: the suites' watchdog (SW_WATCHDOG) prints a hung suite's stacks with it.
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libcmocka-dev liburcu-dev libfuse3-dev fuse3 valgrind gdb)
# Optional extras, each for one command only.
case "${1:-}" in
--with-sparse) pkgs+=(sparse) ;;
--with-gnuplot) pkgs+=(gnuplot-nox) ;;	# scripts/bench.sh draws its plots with it
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null; then
	as_root=(sudo)
else
	echo "deps: need root to install: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
