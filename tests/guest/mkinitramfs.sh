#!/bin/sh
# Build the guest's initramfs for one kernel.
#
# usage: tests/guest/mkinitramfs.sh BUILD RELEASE KERNELDIR OUT KO...
#
# It holds busybox, uio.ko and the other kernel modules the tests use (with
# their dependencies, from the same kernel package, decompressed), the
# out-of-tree modules KO... (the fresh uio_dma.ko, igb_uio.ko), the programs in BUILD/guest/bin and BUILD/tools with the shared
# libraries they need, and the guest scripts from tests/guest/.
set -eu
build=$1 rel=$2 out=$4
kdir=$(cd "$3" && pwd)
shift 4
here=$(cd "$(dirname "$0")" && pwd)
pkg=$kdir/pkg
root=$build/guest/$rel/root

# Modules the guest may load, besides uio_dma itself (pktgen: the kernel's
# packet generator, the NIC apps' peer; vfio-pci and vfio_iommu_type1, which
# --show-depends does not pull in (a softdep): VA mode behind the IOMMU).
MODULES="uio uio_pci_generic e1000e nvme ext4 crc32c_generic bridge tcp_diag udp_diag raw_diag
	pktgen vfio-pci vfio_iommu_type1"

[ -f "$pkg/lib/modules/$rel/modules.dep" ] || depmod -b "$pkg" "$rel"

rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/modules/$rel/extra" "$root/guest/bin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"

for m in $MODULES; do
	modprobe -d "$pkg" -S "$rel" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | sort -u | while read -r path; do
	rp=${path#"$pkg"}
	dst=$root${rp%.xz}
	dst=${dst%.zst}
	mkdir -p "$(dirname "$dst")"
	case $path in
	*.xz) xz -dc "$path" > "$dst" ;;
	*.zst) zstd -qdc "$path" > "$dst" ;;
	*) cp "$path" "$dst" ;;
	esac
done
cp "$@" "$root/lib/modules/$rel/extra/"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$pkg/lib/modules/$rel/$f" "$root/lib/modules/$rel/"
done
depmod -b "$root" "$rel"

# Programs and the shared libraries they load.
for b in "$build"/guest/bin/* "$build"/tools/* "$build"/apps/*; do
	[ -f "$b" ] && [ -x "$b" ] && cp "$b" "$root/guest/bin/"
done
# fio, the kernel's side of make bench's NVMe comparison, when asked
# (UD_GUEST_FIO=1: make bench) and the host has it (scripts/deps.sh bench
# installs it); with its 60 libraries the initramfs grows from 12 to 44 MB,
# which the test runs do without.
[ "${UD_GUEST_FIO:-0}" = 1 ] && [ -x /usr/bin/fio ] && cp /usr/bin/fio "$root/guest/bin/"
[ -f "$build/lib/libuiodma.so" ] &&
	cp "$build/lib/libuiodma.so" "$root/lib/libuiodma.so.0"
for b in "$root"/guest/bin/*; do
	ldd "$b" 2>/dev/null | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i}'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

# udevd (udevadm is multi-call: systemd-udevd is a link to it) and our
# rules, so the guest tests exercise udev/ for real.
if [ -x /bin/udevadm ]; then
	cp /bin/udevadm "$root/guest/bin/udevadm"
	mkdir -p "$root/lib/systemd" "$root/etc/udev/rules.d"
	ln -s /guest/bin/udevadm "$root/lib/systemd/systemd-udevd"
	cp "$here"/../../udev/*.rules "$root/etc/udev/rules.d/"
	ldd /bin/udevadm | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i}' |
		while read -r lib; do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
fi

cp "$here/init" "$root/init"
cp "$here"/*.sh "$root/guest/"
cp -r "$here/cases" "$root/guest/"
[ -d "$here/bench" ] && cp -r "$here/bench" "$root/guest/"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
