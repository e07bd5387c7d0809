#!/bin/sh
# Build uio_dma.ko for one kernel release, with W=1 and sparse (C=1), and
# fail on any compiler or sparse warning.
#
# usage: scripts/build-kmod.sh BUILD RELEASE
#
# Headers come from /usr/src/linux-headers-RELEASE (Debian's package).  The
# sources are copied to BUILD/kmod/RELEASE so both kernels build side by side.
# Prints the path of the built module on success.
set -eu
build=$1 rel=$2
kdir=/usr/src/linux-headers-$rel
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/kmod
out=$build/kmod/$rel/kmod

if [ ! -d "$kdir" ]; then
	echo "build-kmod: no headers for $rel in $kdir; install linux-headers-$rel (scripts/deps.sh kmod)" >&2
	exit 1
fi
command -v sparse >/dev/null || {
	echo "build-kmod: sparse is missing; install the Debian package sparse" >&2
	exit 1
}
# The copy keeps the tree's layout (kmod/ beside include/) for Kbuild's
# include path.  Copy only what changed so kbuild's dependency tracking
# stays useful.
mkdir -p "$out/probes" "$out/../include/uiodma"
for f in "$src"/*.c "$src"/*.h "$src"/Kbuild "$src"/Makefile \
	 "$src"/probes/*.c "$top"/include/uiodma/uio_dma_ioctl.h; do
	[ -e "$f" ] || continue
	d=$out/${f#"$src"/}
	case $f in "$top"/include/*) d=$out/../${f#"$top"/} ;; esac
	cmp -s "$f" "$d" || cp "$f" "$d"
done
log=$out/build.log
# Force sparse and W=1 over every file each time: warnings must be seen.
rm -f "$out"/*.o
if ! make -C "$out" KDIR="$kdir" W=1 C=1 >"$log" 2>&1; then
	cat "$log" >&2
	echo "build-kmod: build failed for $rel" >&2
	exit 1
fi
if grep -E 'warning:|error:|sparse:' "$log" | grep -v 'probe.sh' >&2; then
	echo "build-kmod: warnings building for $rel (log: $log)" >&2
	exit 1
fi
echo "$out/uio_dma.ko"
