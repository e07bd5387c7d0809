#!/bin/sh
# SPDX-License-Identifier: MIT
# libuiodma's ABI against its baseline, abi/libuiodma-MAJOR.MINOR.abi (the
# output of abidw, Debian's abigail-tools, over the public headers: types
# only the library's sources define are opaque there).
#
# usage: tests/pkg/abi.sh BUILD            check BUILD/lib/libuiodma.so.X.Y.Z
#        tests/pkg/abi.sh BUILD --update   write a new baseline (make abi-baseline)
#
# The check passes when the ABI is the baseline's and the baseline is for
# this MAJOR.MINOR (include/uiodma/version.h).  A new baseline is written
# only with the version bump the change needs: functions or variables
# added, and nothing else changed, need a new MINOR (and their own node
# UIODMA_MAJOR.MINOR in lib/libuiodma.map); anything removed or changed
# (a public struct, a prototype) needs a new MAJOR, the soname.  Until
# MAJOR.MINOR is released (a git tag vMAJOR.MINOR.*), its ABI is still open:
# the baseline may be rewritten without a bump, and the check failing
# until then is what makes each change a deliberate one.
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
vh=$top/include/uiodma/version.h
num() { sed -n "s/^#define UIODMA_VERSION_$1 \([0-9]*\)$/\1/p" "$vh"; }
maj=$(num MAJOR) min=$(num MINOR) pat=$(num PATCH)
so=$build/lib/libuiodma.so.$maj.$min.$pat
cur=$build/pkg/libuiodma.abi

mkdir -p "$build/pkg"
[ -f "$so" ] || { echo "abi.sh: $so is not built (make lib)"; exit 1; }
abidw --headers-dir "$top/include" --drop-private-types --no-corpus-path \
	--no-comp-dir-path --no-show-locs --type-id-style hash "$so" >"$cur" ||
	{ echo "abi.sh: abidw failed on $so"; exit 1; }

mode=${2:-}
set -- "$top"/abi/libuiodma-*.abi
[ $# -le 1 ] || { echo "abi.sh: one baseline in abi/, not: $*"; exit 1; }
base=$1
[ -f "$base" ] || base=""
bver=${base##*/libuiodma-}
bver=${bver%.abi}
bmaj=${bver%%.*} bmin=${bver#*.}

diffout=$build/pkg/abidiff.txt
if [ -n "$base" ]; then
	abidiff "$base" "$cur" >"$diffout" 2>&1
	rc=$?
else
	rc=0
fi
if [ $((rc & 3)) -ne 0 ]; then
	cat "$diffout"
	echo "abi.sh: abidiff failed (exit $rc)"
	exit 1
fi
# additions only: nothing removed or changed, in functions and variables
additions_only() {
	! grep -q 'summary: [1-9][0-9]* Removed\|Removed, [1-9][0-9]* Changed' "$diffout"
}

released() { [ -n "$(git -C "$top" tag -l "v$1.*" 2>/dev/null)" ]; }

if [ "$mode" = --update ]; then
	if [ -n "$base" ] && [ $rc -ne 0 ] && ! released "$bver"; then
		cat "$diffout"
		echo "abi.sh: $bver is not released (no tag v$bver.*): its ABI may still change"
	elif [ -n "$base" ] && [ $rc -ne 0 ]; then
		cat "$diffout"
		if ! additions_only && [ "$maj" = "$bmaj" ]; then
			echo "abi.sh: something was removed or changed: raise UIODMA_VERSION_MAJOR (the soname; debian/control's libuiodmaN) first"
			exit 1
		fi
		if [ "$maj.$min" = "$bver" ]; then
			echo "abi.sh: the ABI grew: raise UIODMA_VERSION_MINOR and put the new symbols in a node UIODMA_$maj.$((min + 1)) of lib/libuiodma.map first"
			exit 1
		fi
	fi
	[ -z "$base" ] || git -C "$top" rm -q --cached "$base" 2>/dev/null || true
	rm -f "$top"/abi/libuiodma-*.abi
	mkdir -p "$top/abi"
	cp "$cur" "$top/abi/libuiodma-$maj.$min.abi"
	echo "abi.sh: new baseline abi/libuiodma-$maj.$min.abi (commit it)"
	exit 0
fi

if [ -z "$base" ]; then
	echo "abi.sh: no baseline in abi/: make abi-baseline, and commit it"
	exit 1
fi
if [ $rc -ne 0 ]; then
	cat "$diffout"
	if [ "$maj.$min" = "$bver" ]; then
		if ! released "$bver"; then
			echo "abi.sh: the ABI changed; $bver is not released yet (no tag v$bver.*), so after reviewing the changes above: make abi-baseline, and commit abi/"
		elif additions_only; then
			echo "abi.sh: the ABI grew without a version bump: raise UIODMA_VERSION_MINOR, put the new symbols in a node UIODMA_$maj.$((min + 1)) of lib/libuiodma.map, then make abi-baseline"
		else
			echo "abi.sh: the ABI changed without a version bump: something was removed or changed, which needs a new UIODMA_VERSION_MAJOR (soname), then make abi-baseline"
		fi
	else
		echo "abi.sh: version $maj.$min, baseline $bver: review the changes above, then make abi-baseline"
	fi
	exit 1
fi
if [ "$maj.$min" != "$bver" ]; then
	echo "abi.sh: the version is $maj.$min but the ABI is still $bver's: a bump without an ABI change (only UIODMA_VERSION_PATCH needs none), or make abi-baseline"
	exit 1
fi
echo "abi.sh: ABI $maj.$min as in abi/libuiodma-$bver.abi"
