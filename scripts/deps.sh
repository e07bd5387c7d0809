#!/bin/sh
# Make sure the Debian packages a make target needs are installed.
#
# usage: scripts/deps.sh TARGET...   (TARGET: build, unit, guest, kmod, bench, fuzz,
# pkg) (bench: DPDK's libdpdk-dev, the baseline of the host benchmarks; fuzz:
# clang and its libFuzzer; pkg: Debian packaging and its tests: debhelper,
# dh-dkms, lintian, abigail-tools, debootstrap, C++ compilers, man)
#
# As root, missing packages are installed with apt-get.  Otherwise the script
# names what is missing and how to install it, and fails.
set -eu

pkgs=""
for t in "$@"; do
	case $t in
	build) pkgs="$pkgs gcc make pkg-config libudev-dev" ;;
	unit)  pkgs="$pkgs check libudev-dev pkg-config" ;;
	kmod)  pkgs="$pkgs sparse kmod dkms" ;;
	guest) pkgs="$pkgs qemu-system-x86 ipxe-qemu busybox-static cpio xz-utils zstd kmod udev" ;;
	bench) pkgs="$pkgs libdpdk-dev pkg-config fio" ;;
	fuzz)  pkgs="$pkgs clang libclang-rt-14-dev" ;;
	pkg)   pkgs="$pkgs gcc g++ clang make pkg-config libudev-dev dpkg-dev debhelper dh-dkms dkms lintian abigail-tools debootstrap man-db groff-base" ;;
	*) echo "deps.sh: unknown target '$t'" >&2; exit 2 ;;
	esac
done

# Kernel headers for the guest kernels: the newest 6.1 and 6.12 series
# packages, the same ones scripts/guest-kernels.sh boots.
case " $* " in
*" kmod "*|*" guest "*)
	for series in '^linux-headers-6\.1\.0-[0-9]+-amd64$' \
		      '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$'; do
		h=$(apt-cache search --names-only "$series" 2>/dev/null |
		    awk '{print $1}' | sort -V | tail -n 1)
		if [ -z "$h" ] && [ "$(id -u)" = 0 ]; then
			apt-get update -q >/dev/null
			h=$(apt-cache search --names-only "$series" |
			    awk '{print $1}' | sort -V | tail -n 1)
		fi
		if [ -z "$h" ]; then
			echo "deps.sh: no package matches $series; run 'apt-get update' as root" >&2
			exit 1
		fi
		pkgs="$pkgs $h"
	done ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
