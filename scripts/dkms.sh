#!/bin/sh
# Install or build uio_dma through DKMS, as a user would.
#
# usage: scripts/dkms.sh install [RELEASE]  build and install for RELEASE, or
#                                           for every kernel whose headers are
#                                           installed (DKMS then rebuilds it
#                                           for each new kernel)
#        scripts/dkms.sh build [RELEASE]    build only, for RELEASE or every
#                                           kernel with headers; prints the
#                                           .ko of RELEASE
#        scripts/dkms.sh remove             remove uio_dma from DKMS and
#                                           /usr/src
#        scripts/dkms.sh status             what DKMS has built
#        scripts/dkms.sh sources DIR        copy the tree DKMS builds from to
#                                           DIR (for the uiodma-dkms package)
#
# (make dkms-install [KERNEL=RELEASE], make dkms-uninstall.)
#
# The source tree DKMS builds from is /usr/src/uio_dma-VERSION: dkms.conf,
# kmod/ and the ABI header, copied from this checkout.  Builds for other
# kernels are kept; when the sources changed, the kernels built from the
# old ones are rebuilt from the new.  Debian's DKMS signs the module with
# its own key (/var/lib/dkms/mok.key); on a machine with Secure Boot, enrol
# that key once: mokutil --import /var/lib/dkms/mok.pub, then reboot and
# confirm in the MOK manager.  (Secure Boot also locks the kernel down, and
# there uio_dma refuses to bind: see uio_dma(4).)  Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
mod=uio_dma/$ver
src=/usr/src/uio_dma-$ver

# The tree DKMS builds from: dkms.conf, kmod/ and the ABI header.
sources() {
	mkdir -p "$1/kmod/probes" "$1/include/uiodma"
	cp "$top/dkms.conf" "$1/"
	cp "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild \
		"$top"/kmod/Makefile "$1/kmod/"
	cp "$top"/kmod/probes/*.c "$1/kmod/probes/"
	cp "$top"/include/uiodma/uio_dma_ioctl.h "$1/include/uiodma/"
}
if [ "${1:-}" = sources ]; then
	sources "${2:?usage: dkms.sh sources DIR}"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "dkms.sh: DKMS needs root: run 'sudo $0 $*'" >&2
	exit 1
fi
command -v dkms >/dev/null || {
	echo "dkms.sh: dkms is missing: apt-get install dkms" >&2
	exit 1
}

# Kernels DKMS has built or installed uio_dma for.
built_kernels() {
	dkms status "$mod" 2>/dev/null |
		sed -n 's/^[^,]*, \([^,]*\), [^:]*: \(built\|installed\).*/\1/p'
}

# Kernels whose headers are installed.
header_kernels() {
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] && basename "$(dirname "$d")"
	done
}

# Copy the sources to $src and register them, unless DKMS has these very
# sources already.  Changed sources: every kernel built from the old ones
# is rebuilt (or reinstalled) from the new.
add() {
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	sources "$stage"
	rebuild=""
	if [ -n "$(dkms status "$mod" 2>/dev/null)" ]; then
		if diff -r "$stage" "$src" >/dev/null 2>&1; then
			return 0
		fi
		rebuild=$(built_kernels)
		echo "dkms.sh: sources changed; rebuilding for:" $rebuild
		dkms remove "$mod" --all >/dev/null
	fi
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$stage"/. "$src/"
	dkms add "$mod"
	for k in $rebuild; do
		dkms "$1" "$mod" -k "$k"
	done
}

# run build|install RELEASE...
run() {
	what=$1
	shift
	[ $# -gt 0 ] || {
		echo "dkms.sh: no kernel headers found (/lib/modules/*/build): apt-get install linux-headers-\$(uname -r)" >&2
		exit 1
	}
	# (DKMS skips a kernel it has built these sources for already)
	for k in "$@"; do
		dkms "$what" "$mod" -k "$k"
	done
}

case ${1:-} in
install)
	add install
	# shellcheck disable=SC2046
	if [ -n "${2:-}" ]; then run install "$2"; else run install $(header_kernels); fi
	dkms status "$mod" ;;
build)
	add build
	# shellcheck disable=SC2046
	if [ -n "${2:-}" ]; then run build "$2"; else run build $(header_kernels); fi
	[ -z "${2:-}" ] || find "/var/lib/dkms/$mod/$2" -name 'uio_dma.ko*' | head -n 1 ;;
remove)
	if [ -n "$(dkms status "$mod" 2>/dev/null)" ]; then
		dkms remove "$mod" --all
	fi
	rm -rf "$src" ;;
status)
	dkms status uio_dma ;;
*)
	echo "usage: dkms.sh install [RELEASE] | build [RELEASE] | remove | status | sources DIR" >&2
	exit 2 ;;
esac
