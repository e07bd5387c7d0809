#!/bin/sh
# Fetch Debian's current 6.1 and 6.12 amd64 kernels for the guest tests.
#
# usage: scripts/guest-kernels.sh OUTDIR
#
# For each series it picks the newest linux-image-*-amd64-unsigned package
# that apt knows, downloads and unpacks it under OUTDIR/<release>/, turns the
# compressed bzImage into a plain ELF vmlinux (the kernels have CONFIG_PVH, so
# QEMU boots the ELF directly and skips the slow in-guest decompression), and
# prints one line per kernel: "<release> <dir>".  Headers come from the
# matching linux-headers package, which scripts/deps.sh installs.
set -eu
out=${1:?usage: guest-kernels.sh OUTDIR}
mkdir -p "$out"

newest() {
	apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -n 1
}

# Decompress the payload of a bzImage: find the first xz or zstd frame and
# unpack it; trailing garbage after the frame is expected and ignored.
extract_vmlinux() {
	img=$1 dst=$2
	for magic in 'fd377a585a00:xz -dc' '28b52ffd:zstd -dc' '1f8b0800:gzip -dc'; do
		hex=${magic%%:*} cmd=${magic#*:}
		pat=$(echo "$hex" | sed 's/../\\x&/g')
		for off in $(LC_ALL=C grep -obUaP "$pat" "$img" | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | $cmd > "$dst.tmp" 2>/dev/null || true
			if [ -s "$dst.tmp" ] && head -c 4 "$dst.tmp" | grep -q ELF; then
				mv "$dst.tmp" "$dst"
				return 0
			fi
		done
	done
	rm -f "$dst.tmp"
	echo "guest-kernels: cannot extract vmlinux from $img" >&2
	return 1
}

for series in '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' \
	      '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$'; do
	pkg=$(newest "$series")
	if [ -z "$pkg" ]; then
		echo "guest-kernels: apt knows no package matching $series; run apt-get update" >&2
		exit 1
	fi
	rel=${pkg#linux-image-}
	rel=${rel%-unsigned}
	dir=$out/$rel
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/pkg"
		(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
		dpkg -x "$dir"/*.deb "$dir/pkg"
		rm -f "$dir"/*.deb
		extract_vmlinux "$dir/pkg/boot/vmlinuz-$rel" "$dir/vmlinux"
		touch "$dir/.done"
	fi
	echo "$rel $dir"
done
