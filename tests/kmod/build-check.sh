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

for rel in $rels; do
	if "$top/scripts/dkms.sh" build "$rel" >"$build/kmod/dkms-$rel.log" 2>&1; then
		record "PASS kmod:$rel:dkms-build"
	else
		cat "$build/kmod/dkms-$rel.log"
		record "FAIL kmod:$rel:dkms-build"
		rc=1
	fi
done
exit $rc
