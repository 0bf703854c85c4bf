#!/usr/bin/env bash
# Install Debian 12's Linux 6.12 amd64 kernel headers (plus kbuild, the
# compiler they were built with, and sparse) so lib/ can be built as an
# out-of-tree module:  make -C "$KDIR" M=<dir> W=1
#
# Idempotent, non-interactive, must run as root.  Prints KDIR=<path> last.
#
# Notes (see docs/kernel-6.12-api.md):
#  * linux-6.12 for bookworm is served both by bookworm-security
#    (6.12.x-1~deb12uN, built with gcc-12) and by bookworm-backports
#    (6.12.x-1~bpo12+N).  We add bookworm-backports as an extra source (a new
#    file; existing sources are left alone) and pick the newest
#    linux-headers-6.12.<n>+<tag>-amd64 over all sources, installing it by
#    exact name and without -t, so nothing already installed is upgraded
#    to backports.
#  * linux-headers-*-amd64 Depends on the matching linux-image (which needs
#    a linux-initramfs-tool).  initramfs-tools would pull in udev and with it
#    a systemd upgrade, so unless some initramfs tool is already installed we
#    satisfy that with the tiny 'tiny-initramfs' package; the kernel image is
#    never booted here.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
    echo "install-kernel-headers.sh: must run as root" >&2
    exit 1
fi

log() { echo "install-kernel-headers: $*" >&2; }

# Newest installed, usable kdir (plain -amd64 flavour, not cloud/rt).
find_kdir() {
    local d best=""
    for d in /usr/src/linux-headers-6.12.*-amd64; do
        [ -d "$d" ] || continue
        case "$d" in *-cloud-amd64|*-rt-amd64) continue ;; esac
        [ -f "$d/Makefile" ] && [ -e "$d/Module.symvers" ] && \
            [ -x "$d/scripts/mod/modpost" ] || continue
        if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n1)" = "$d" ]; then
            best="$d"
        fi
    done
    printf '%s' "$best"
}

pkg_installed() {
    dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed
}

# Extra tools the module build / checks use.  gcc is whatever the headers
# package depends on (added below).  sparse: `make C=1`.  perl (with
# perl-modules): scripts/kernel-doc, which W=1 runs on every source file.
EXTRA_PKGS=(make sparse perl)

KDIR="$(find_kdir)"
missing_extra=()
for p in "${EXTRA_PKGS[@]}"; do pkg_installed "$p" || missing_extra+=("$p"); done

if [ -n "$KDIR" ] && [ "${#missing_extra[@]}" -eq 0 ]; then
    log "already installed: $KDIR"
    echo "KDIR=$KDIR"
    exit 0
fi

# ---- add bookworm-backports beside the existing Debian source -------------
SRC=/etc/apt/sources.list.d/debian.sources
BPO=/etc/apt/sources.list.d/backports.sources
if [ -z "$KDIR" ] && [ ! -e "$BPO" ] && \
   ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uris="http://deb.debian.org/debian"
    signed="/usr/share/keyrings/debian-archive-keyring.gpg"
    if [ -f "$SRC" ]; then
        # Take URIs / Signed-By from the stanza whose Suites include 'bookworm'
        # (the main archive, not debian-security).
        IFS=$'\t' read -r u s < <(awk '
            BEGIN { RS=""; FS="\n" }
            {
                uri=""; sb=""; main=0
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/)      { uri=$i; sub(/^URIs:[ \t]*/, "", uri) }
                    if ($i ~ /^Signed-By:/) { sb=$i;  sub(/^Signed-By:[ \t]*/, "", sb) }
                    if ($i ~ /^Suites:/ && $i ~ /(^|[ \t])bookworm([ \t]|$)/) main=1
                }
                if (main && uri != "") { print uri "\t" sb; exit }
            }' "$SRC") || true
        [ -n "${u:-}" ] && uris="$u"
        [ -n "${s:-}" ] && signed="$s"
    fi
    log "adding $BPO ($uris)"
    cat > "$BPO" <<SRCEOF
Types: deb
URIs: $uris
Suites: bookworm-backports
Components: main
Signed-By: $signed
SRCEOF
fi

apt-get update -q >&2

# ---- pick the newest linux-headers-6.12.<n>+<tag>-amd64 --------------------
if [ -z "$KDIR" ]; then
    best_pkg=""; best_ver=""
    while read -r name _; do
        [[ "$name" =~ ^linux-headers-6\.12\.[0-9]+\+[a-z0-9]+-amd64$ ]] || continue
        ver="$(apt-cache policy "$name" | awk '/Candidate:/ { print $2 }')"
        [ -n "$ver" ] && [ "$ver" != "(none)" ] || continue
        if [ -z "$best_ver" ] || dpkg --compare-versions "$ver" gt "$best_ver"; then
            best_pkg="$name"; best_ver="$ver"
        fi
    done < <(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+')
    if [ -z "$best_pkg" ]; then
        log "no linux-headers-6.12.*-amd64 package found"
        exit 1
    fi
    log "newest headers: $best_pkg $best_ver"

    pkgs=("$best_pkg")
    # The compiler the headers were built with (Depends: gcc-NN), by exact name.
    deps="$(apt-cache show "$best_pkg=$best_ver" | awk '/^Depends:/ { sub(/^Depends:[ \t]*/, ""); print; exit }')"
    gcc_pkg="$(printf '%s\n' "$deps" | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' | grep -E '^gcc-[0-9]+$' | head -n1 || true)"
    if [ -n "$gcc_pkg" ]; then
        log "headers were built with $gcc_pkg"
        # Named explicitly only when missing: naming an installed package
        # would upgrade it if a newer version were available.
        pkg_installed "$gcc_pkg" || pkgs+=("$gcc_pkg")
    fi
    # Satisfy linux-image's 'initramfs-tools | linux-initramfs-tool' cheaply.
    have_irt=0
    for p in initramfs-tools tiny-initramfs dracut dracut-core; do
        pkg_installed "$p" && have_irt=1
    done
    [ "$have_irt" -eq 1 ] || pkgs+=(tiny-initramfs)
    pkgs+=("${missing_extra[@]}")
else
    pkgs=("${missing_extra[@]}")
fi

log "installing: ${pkgs[*]}"
apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2

KDIR="$(find_kdir)"
if [ -z "$KDIR" ]; then
    log "headers installed but no usable /usr/src/linux-headers-6.12.*-amd64 found"
    exit 1
fi
echo "KDIR=$KDIR"
