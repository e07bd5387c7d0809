#!/bin/sh
# SPDX-License-Identifier: MIT
# make deb: build the Debian packages with Debian's own tooling
# (dpkg-buildpackage, debhelper, dh-dkms) from a copy of this tree, then
# check them with lintian, failing on any error.
#
# usage: scripts/deb.sh BUILD     -> BUILD/deb/*.deb, BUILD/deb/lintian.txt
#
# The copy holds the files git tracks or would track (the work tree as it
# is, without build output), so the packages build from the sources alone.
set -eu
build=$1
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
out=$(cd "$top" && mkdir -p "$build" && cd "$build" && pwd)/deb
src=$out/src/uiodma-$ver

rm -rf "$out"
mkdir -p "$src"
cd "$top"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh |
		tar -cf - -T - | tar -xf - -C "$src"
else
	tar --exclude='./build*' -cf - . | tar -xf - -C "$src"
fi

cd "$src"
echo "deb.sh: dpkg-buildpackage in $src"
if ! dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1; then
	tail -n 60 "$out/build.log"
	echo "deb.sh: dpkg-buildpackage failed; the whole log: $out/build.log" >&2
	exit 1
fi
cd "$out"
mv src/*.deb src/*.changes src/*.buildinfo .
ls ./*.deb
changes=$(ls ./*.changes)
# lintian: errors fail; warnings and the rest are shown.
if lintian --fail-on error --display-level '>=warning' "$changes" >lintian.txt 2>&1; then
	cat lintian.txt
	echo "deb.sh: lintian: no errors"
else
	cat lintian.txt
	echo "deb.sh: lintian found errors" >&2
	exit 1
fi
