#!/bin/sh
# Build uio_dma.ko for every guest kernel (Debian's current 6.1 and 6.12)
# with W=1 and sparse, failing on any warning; then build it through DKMS
# from dkms.conf as a user would install it.
#
# usage: tests/kmod/build-check.sh BUILD [--build-only]
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
record() { echo "$1" >>"${UD_RESULTS:-/dev/null}"; echo "$1"; }

rels=$("$top/scripts/guest-kernels.sh" "$build/kernels" | cut -d' ' -f1) || exit 1
for rel in $rels; do
	if "$top/scripts/build-kmod.sh" "$build" "$rel" >/dev/null; then
		record "PASS kmod:$rel:w1-sparse-clean"
	else
		record "FAIL kmod:$rel:w1-sparse-clean"
		rc=1
	fi
done
[ "${2:-}" = --build-only ] && exit $rc

# The standard out-of-tree command, as igb_uio is built: from a clean copy
# of the tree for each kernel, then in one copy for each kernel in turn, so
# a build for one kernel must not pass its API probe answers to the next.
# kbuild_std DIR REL: build in DIR for REL; print the probe defines used.
kbuild_std() {
	make -C "/usr/src/linux-headers-$2" M="$1/kmod" modules \
		>"$1/build-$2.log" 2>&1 || { cat "$1/build-$2.log"; return 1; }
	[ "$(modinfo -F vermagic "$1/kmod/uio_dma.ko" | cut -d' ' -f1)" = "$2" ] ||
		{ echo "uio_dma.ko in $1 is not for $2"; return 1; }
	grep -o 'UIO_DMA_HAVE_[A-Z0-9_]*' "$1/kmod/.main.o.cmd" | sort -u | tr '\n' ' '
}
fresh_copy() {
	rm -rf "$1" && mkdir -p "$1/include/uiodma" &&
	cp -r "$top/kmod" "$1/" &&
	cp "$top/include/uiodma/uio_dma_ioctl.h" "$1/include/uiodma/"
}
std=$(cd "$build" && pwd)/kmod/kbuild-std
for rel in $rels; do
	if fresh_copy "$std-$rel" &&
	   kbuild_std "$std-$rel" "$rel" >"$std-$rel/probes"; then
		record "PASS kmod:$rel:kbuild-standard-clean-tree"
	else
		record "FAIL kmod:$rel:kbuild-standard-clean-tree"
		rc=1
	fi
done
fresh_copy "$std-turns"
for rel in $rels $rels; do
	want=$(cat "$std-$rel/probes" 2>/dev/null)
	if got=$(kbuild_std "$std-turns" "$rel") && [ "$got" = "$want" ]; then
		record "PASS kmod:$rel:kbuild-after-other-kernel"
	else
		echo "probes for $rel after another kernel's build: '$got', clean tree: '$want'"
		record "FAIL kmod:$rel:kbuild-after-other-kernel"
		rc=1
	fi
done

for rel in $rels; do
	if "$top/scripts/dkms.sh" build "$rel" >"$build/kmod/dkms-$rel.log" 2>&1; then
		record "PASS kmod:$rel:dkms-build"
	else
		cat "$build/kmod/dkms-$rel.log"
		record "FAIL kmod:$rel:dkms-build"
		rc=1
	fi
done
# Building for one kernel keeps the others' builds.
st=$(dkms status uio_dma 2>&1)
for rel in $rels; do
	if echo "$st" | grep -q "^uio_dma/[^,]*, $rel, [^:]*: \(built\|installed\)"; then
		record "PASS kmod:$rel:dkms-kept-beside-other-kernels"
	else
		echo "$st"
		record "FAIL kmod:$rel:dkms-kept-beside-other-kernels"
		rc=1
	fi
done
exit $rc
