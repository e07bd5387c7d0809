#!/bin/sh
# Build DPDK's igb_uio (Debian package dpdk-kmods-dkms, unmodified) for one
# kernel release: the baseline the benchmarks and compatibility tests use.
#
# usage: scripts/build-igb-uio.sh BUILD RELEASE   (prints the module's path)
#
# The package is fetched with apt-get download and unpacked under
# BUILD/baseline/; nothing of it is kept in this repository.
set -eu
build=$1 rel=$2
kdir=/usr/src/linux-headers-$rel
base=$build/baseline
out=$base/igb_uio/$rel

if [ ! -d "$base/pkg/usr/src" ]; then
	mkdir -p "$base/pkg"
	(cd "$base" && apt-get download -q -o APT::Sandbox::User=root dpdk-kmods-dkms >/dev/null) || {
		echo "build-igb-uio: cannot download dpdk-kmods-dkms; run apt-get update" >&2
		exit 1
	}
	dpkg -x "$base"/dpdk-kmods-dkms_*.deb "$base/pkg"
fi
if [ ! -f "$out/igb_uio.ko" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	cp "$base"/pkg/usr/src/dpdk-kmods-*/* "$out/"
	make -C "$kdir" M="$(cd "$out" && pwd)" modules >"$out/build.log" 2>&1 || {
		cat "$out/build.log" >&2
		exit 1
	}
fi
echo "$out/igb_uio.ko"
