#!/bin/sh
# Install or build uio_dma through DKMS, as a user would.
#
# usage: scripts/dkms.sh install          add, build and install for the
#                                         running kernel (and future ones)
#        scripts/dkms.sh build RELEASE    add and build for RELEASE only
#        scripts/dkms.sh remove           remove every version from DKMS
#
# The source tree DKMS builds from is /usr/src/uio_dma-VERSION: dkms.conf
# and kmod/, copied from this checkout.  Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/uio_dma-$ver

if [ "$(id -u)" != 0 ]; then
	echo "dkms.sh: DKMS needs root: run 'sudo $0 $*'" >&2
	exit 1
fi
command -v dkms >/dev/null || {
	echo "dkms.sh: dkms is missing: apt-get install dkms" >&2
	exit 1
}

add() {
	dkms remove "uio_dma/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
	mkdir -p "$src/kmod/probes" "$src/include/uiodma"
	cp "$top/dkms.conf" "$src/"
	cp "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild \
		"$top"/kmod/Makefile "$src/kmod/"
	cp "$top"/kmod/probes/*.c "$src/kmod/probes/"
	cp "$top"/include/uiodma/uio_dma_ioctl.h "$src/include/uiodma/"
	dkms add "uio_dma/$ver"
}

case ${1:-} in
install)
	add
	dkms install "uio_dma/$ver" ;;
build)
	rel=${2:?usage: dkms.sh build RELEASE}
	add
	dkms build "uio_dma/$ver" -k "$rel"
	find /var/lib/dkms/uio_dma/"$ver"/"$rel" -name 'uio_dma.ko*' | head -n 1 ;;
remove)
	dkms remove "uio_dma/$ver" --all ;;
*)
	echo "usage: dkms.sh install | build RELEASE | remove" >&2
	exit 2 ;;
esac
