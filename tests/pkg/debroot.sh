#!/bin/sh
# SPDX-License-Identifier: MIT
# The .debs in a Debian 12 root, as on a user's machine: dpkg -i, DKMS
# builds (and signs) uio_dma for the root's kernel headers, the example
# applications and tests/pkg/consumer.c build with pkg-config and run,
# uiodma --version runs, dpkg -r leaves no file of ours behind; then make
# dkms-install and dkms-uninstall from the source tree in the same root.
#
# usage: tests/pkg/debroot.sh BUILD DEBDIR
#
# The root is made once with debootstrap from the mirror apt uses
# (/etc/apt/sources.list*) and kept in BUILD/pkg/debroot-base; each run
# works in a fresh copy.  Needs root.  Records "PASS|FAIL pkg:debroot-..."
# in $UD_RESULTS.
set -u
build=$1
debs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
base=$build/pkg/debroot-base
root=$build/pkg/debroot
inc=dkms,openssl,kmod,linux-headers-amd64,gcc,make,libc6-dev,pkg-config,libudev-dev
rc=0
record() { echo "$1" >>"${UD_RESULTS:-/dev/null}"; echo "$1"; }
check() {	# check NAME COMMAND...: record the outcome of COMMAND
	name=$1
	shift
	if "$@" >"$build/pkg/debroot-$name.log" 2>&1; then
		record "PASS pkg:debroot-$name"
	else
		tail -n 40 "$build/pkg/debroot-$name.log"
		record "FAIL pkg:debroot-$name"
		rc=1
	fi
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 "$@"; }

# The Debian mirror apt is set up with (one-line or deb822 sources).
mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" && $3 == "bookworm" {
			for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk 'BEGIN { RS = ""; FS = "\n" }
			/Suites:[^\n]*bookworm( |\n|$)/ && /Components:[^\n]*main/ {
				for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) {
					split($i, u, " "); print u[2]; exit } }' "$f"
	done
}

if [ ! -f "$base/.complete" ]; then
	url=$(mirror | grep -v security | head -n 1)
	url=${url:-http://deb.debian.org/debian}
	echo "debroot.sh: debootstrap bookworm from $url into $base (once; kept)"
	rm -rf "$base"
	if ! debootstrap --variant=minbase --include="$inc" bookworm "$base" "$url" \
		>"$build/pkg/debootstrap.log" 2>&1; then
		tail -n 20 "$build/pkg/debootstrap.log"
		grep -q "/proc" /proc/mounts && umount "$base/proc" 2>/dev/null
		record "FAIL pkg:debroot-debootstrap ($url: see $build/pkg/debootstrap.log)"
		exit 1
	fi
	umount "$base/proc" 2>/dev/null || true
	touch "$base/.complete"
fi

rm -rf "$root"
cp -a "$base" "$root"
cleanup() { umount "$root/proc" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
mount -t proc proc "$root/proc"

# Every path in the root but the package manager's own state and logs.
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o \
		-path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \
		-o -path ./var/lib/dkms/mok.key -o -path ./var/lib/dkms/mok.pub \
		-o -path ./root \) -prune -o -print) |
		grep -v '/lib/modules/[^/]*/modules\.[a-z.]*$' | sort
	# (depmod's indexes: made by depmod for every kernel, not ours)
}
snapshot >"$build/pkg/debroot-before.txt"
krel=$(ls "$root/lib/modules" | head -n 1)

mkdir -p "$root/tmp/debs" "$root/tmp/consumer"
cp "$debs"/*.deb "$root/tmp/debs/"
rm -f "$root"/tmp/debs/*-dbgsym_*.deb
cp "$top/tests/pkg/consumer.c" "$root/tmp/consumer/"

check dpkg-install in_root sh -c 'dpkg -i /tmp/debs/*.deb'

# DKMS built and installed the module for the root's kernel, signed.
dkms_ok() {
	in_root dkms status uio_dma
	in_root dkms status uio_dma | grep -q ", $krel, [^:]*: installed" || return 1
	ko=$(find "$root/lib/modules/$krel/updates/dkms" -name 'uio_dma.ko*' | head -n 1)
	[ -n "$ko" ] || { echo "no uio_dma.ko in /lib/modules/$krel/updates/dkms"; return 1; }
	ko=/${ko#"$root"/}
	in_root modinfo "$ko"
	[ "$(in_root modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ] || return 1
	in_root modinfo -F signer "$ko" | grep -q . ||
		{ echo "uio_dma.ko is not signed"; return 1; }
}
check dkms-built-for-$krel dkms_ok

# The examples, copied out of the package, build with pkg-config.
check examples-build in_root sh -c 'cp -r /usr/share/doc/libuiodma-dev/examples /tmp/ex &&
	make -C /tmp/ex && ls -l /tmp/ex/bin/edu-dma /tmp/ex/bin/e1000e-loop /tmp/ex/bin/nvme-rw'

# A program of one's own, shared and static, with nothing but pkg-config.
check consumer-shared in_root sh -c 'cd /tmp/consumer &&
	cc -std=c11 -pedantic -Wall -Wextra -Werror -o c consumer.c $(pkg-config --cflags --libs uiodma) &&
	ldd ./c | grep "libuiodma.so.0 => /" && ./c'
check consumer-static in_root sh -c 'cd /tmp/consumer &&
	cc -std=c11 -pedantic -Wall -Wextra -Werror -o s consumer.c $(pkg-config --cflags uiodma) \
		-Wl,--as-needed -l:libuiodma.a $(pkg-config --static --libs uiodma) &&
	! ldd ./s | grep libuiodma && ./s'
check tool in_root uiodma --version
check man in_root sh -c 'test -e /usr/share/man/man3/ud_zone_reserve.3.gz &&
	test -e /usr/share/man/man4/uio_dma.4.gz && test -e /usr/share/man/man1/uiodma.1.gz'

# dpkg -r: the module, its DKMS tree, the library, everything goes.
removed_clean() {
	in_root dpkg -r uiodma-tools libuiodma-dev uiodma-dkms libuiodma0 || return 1
	snapshot >"$build/pkg/debroot-after.txt"
	if ! diff "$build/pkg/debroot-before.txt" "$build/pkg/debroot-after.txt"; then
		echo "files left behind or gone (< before, > after)"
		return 1
	fi
}
check dpkg-remove-clean removed_clean

# make dkms-install / dkms-uninstall from a source tree, in the same root.
mkdir -p "$root/tmp/tree/include"
cp -r "$top/Makefile" "$top/dkms.conf" "$top/kmod" "$top/scripts" "$root/tmp/tree/"
cp -r "$top/include/uiodma" "$root/tmp/tree/include/"
dkms_from_tree() {
	in_root make -C /tmp/tree dkms-install || return 1
	in_root dkms status uio_dma | grep -q ", $krel, [^:]*: installed" || return 1
	ls "$root/lib/modules/$krel/updates/dkms/"uio_dma.ko* || return 1
	in_root make -C /tmp/tree dkms-uninstall || return 1
	[ -z "$(in_root dkms status uio_dma)" ] && [ ! -e "$root/var/lib/dkms/uio_dma" ] &&
		! ls "$root"/usr/src/uio_dma-* 2>/dev/null &&
		! ls "$root/lib/modules/$krel/updates/dkms/"uio_dma.ko* 2>/dev/null
}
check make-dkms-install-uninstall dkms_from_tree
exit $rc
