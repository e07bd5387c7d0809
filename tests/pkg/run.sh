#!/bin/sh
# SPDX-License-Identifier: MIT
# make check-pkg: libuiodma as an installed library and the Debian packages.
#
#   exports       libuiodma.so exports exactly lib/libuiodma.map, every name
#                 versioned, and that is what the headers declare
#   abi           the ABI is abi/libuiodma-MAJOR.MINOR.abi's (tests/pkg/abi.sh)
#   install       make install DESTDIR=... then make uninstall: nothing left
#   man           every exported symbol and API function has a page; pages
#                 render without warnings
#   consumer-*    tests/pkg/consumer.c, copied out of the tree, builds against
#                 the installed tree with nothing but pkg-config in C11
#                 (-pedantic, gcc and clang), GNU C11, C++17 (g++, clang++)
#                 and with libuiodma.a, and runs; C and C++ agree on layouts
#   deb           make deb: dpkg-buildpackage, lintian without errors
#   debroot-*     the .debs in a Debian 12 root (tests/pkg/debroot.sh)
#
# usage: tests/pkg/run.sh BUILD     (records PASS/FAIL pkg:... in $UD_RESULTS)
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mkdir -p "$build/pkg"
build=$(cd "$build" && pwd)
log=$build/pkg
rc=0
record() { echo "$1" >>"${UD_RESULTS:-/dev/null}"; echo "$1"; }
check() {	# check NAME COMMAND...
	name=$1
	shift
	if "$@" >"$log/$name.log" 2>&1; then
		record "PASS pkg:$name"
	else
		tail -n 40 "$log/$name.log"
		record "FAIL pkg:$name"
		rc=1
	fi
}
tmp=$(mktemp -d /tmp/uiodma-pkg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

vh=include/uiodma/version.h
num() { sed -n "s/^#define UIODMA_VERSION_$1 \([0-9]*\)$/\1/p" "$vh"; }
ver=$(num MAJOR).$(num MINOR).$(num PATCH)
so=$build/lib/libuiodma.so.$ver
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
if ! make -s --no-print-directory BUILD="$build" lib tools man >"$log/make.log" 2>&1; then
	cat "$log/make.log"
	record "FAIL pkg:build"
	exit 1
fi
hdrs="include/uiodma.h $(ls include/uiodma/*.h | grep -v uio_dma_ioctl.h)"

# ---- exports --------------------------------------------------------------
# shellcheck disable=SC2086
scripts/apidoc.pl list $hdrs >"$log/api.txt"
exports_versioned() {
	nm -D --defined-only "$so" | awk '
		$2 == "A" && $3 ~ /^UIODMA_[0-9]+\.[0-9]+$/ { next }
		$3 ~ /^ud_[a-z0-9_]+@@UIODMA_[0-9]+\.[0-9]+$/ { next }
		{ print "not a versioned ud_ symbol: " $0; bad = 1 }
		END { exit bad }'
}
exports_match() {
	nm -D --defined-only "$so" | sed -n 's/.* \(ud_[a-z0-9_]*\)@@.*/\1/p' |
		sort >"$log/exported.txt"
	sed -n 's/^[ \t]*\(ud_[a-z0-9_]*\);.*/\1/p' lib/libuiodma.map | sort >"$log/map.txt"
	awk '$1 == "func" || $1 == "abi" || $1 == "undoc" { print $2 }' "$log/api.txt" |
		sort >"$log/declared.txt"
	ok=0
	diff "$log/map.txt" "$log/exported.txt" >"$log/d1" ||
		{ echo "lib/libuiodma.map (<) vs exported (>):"; cat "$log/d1"; ok=1; }
	diff "$log/declared.txt" "$log/map.txt" >"$log/d2" ||
		{ echo "declared in the headers (<) vs lib/libuiodma.map (>):"; cat "$log/d2"
		  echo "(a function of the headers goes into lib/libuiodma.map, see its comment)"; ok=1; }
	# no node newer than the version
	for n in $(sed -n 's/^UIODMA_\([0-9]*\.[0-9]*\) .*/\1/p' lib/libuiodma.map); do
		[ "$(printf '%s\n%s\n' "$n" "${ver%.*}" | sort -V | tail -n 1)" = "${ver%.*}" ] ||
			{ echo "node UIODMA_$n is newer than version $ver"; ok=1; }
	done
	return $ok
}
api_documented() {
	! grep '^undoc ' "$log/api.txt"
}
check exports-versioned exports_versioned
check exports-match-map-and-headers exports_match
check api-documented api_documented
check abi tests/pkg/abi.sh "$build"

# ---- install, uninstall ----------------------------------------------------
stage=$tmp/stage
install_uninstall() {
	d=$tmp/iu
	make -s --no-print-directory BUILD="$build" install DESTDIR="$d" || return 1
	(cd "$d" && find . | sort) >"$log/installed-files.txt"
	for f in usr/local/lib/$ma/libuiodma.so.$ver usr/local/lib/$ma/libuiodma.so.0 \
		 usr/local/lib/$ma/libuiodma.so usr/local/lib/$ma/libuiodma.a \
		 usr/local/lib/$ma/pkgconfig/uiodma.pc usr/local/include/uiodma.h \
		 usr/local/include/uiodma/version.h usr/local/bin/uiodma \
		 usr/local/share/man/man3/ud_zone_reserve.3 usr/local/share/man/man4/uio_dma.4 \
		 usr/local/share/man/man1/uiodma.1 usr/lib/udev/rules.d/60-uio-dma.rules; do
		[ -e "$d/$f" ] || { echo "not installed: $f"; return 1; }
	done
	[ "$(readlink "$d/usr/local/lib/$ma/libuiodma.so.0")" = "libuiodma.so.$ver" ] || return 1
	make -s --no-print-directory BUILD="$build" uninstall DESTDIR="$d" || return 1
	left=$(cd "$d" && find . -mindepth 1)
	[ -z "$left" ] || { echo "left after make uninstall:"; echo "$left"; return 1; }
}
check install-uninstall-empty install_uninstall
make -s --no-print-directory BUILD="$build" install DESTDIR="$stage" PREFIX=/usr \
	>"$log/stage.log" 2>&1 || { cat "$log/stage.log"; record "FAIL pkg:stage-install"; exit 1; }

# ---- manual ---------------------------------------------------------------
man_every_function() {
	ok=0
	for n in $(awk '{ print $2 }' "$log/api.txt") $(cat "$log/exported.txt"); do
		[ -f "$stage/usr/share/man/man3/$n.3" ] || { echo "no page for $n"; ok=1; }
	done
	case $(man -M "$stage/usr/share/man" -w ud_zone_reserve) in
	"$stage"/usr/share/man/man3/*.3) ;;
	*) echo "man -w ud_zone_reserve finds no page"; ok=1 ;;
	esac
	MANWIDTH=80 man -M "$stage/usr/share/man" 3 ud_zone_reserve | grep -q 'ud_zone_reserve()' ||
		{ echo "man ud_zone_reserve does not show its section"; ok=1; }
	for o in --version --driver --no-restore --dir --json 'info'; do
		grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" doc/uiodma.1 || { echo "uiodma.1 lacks $o"; ok=1; }
	done
	return $ok
}
man_render() {
	ok=0
	for p in "$stage"/usr/share/man/man3/*.3 doc/*.1 doc/*.4; do
		grep -q '^\.so ' "$p" && continue
		w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -E UTF-8 -l "$p" 2>&1 >/dev/null)
		[ -z "$w" ] || { echo "$p: $w"; ok=1; }
	done
	return $ok
}
check man-every-function man_every_function
check man-render man_render

# ---- a program of one's own, through pkg-config ------------------------------
cp tests/pkg/consumer.c "$tmp/consumer.c"
export PKG_CONFIG_SYSROOT_DIR="$stage"
export PKG_CONFIG_LIBDIR="$stage/usr/lib/$ma/pkgconfig:/usr/lib/$ma/pkgconfig:/usr/share/pkgconfig"
consumer() {	# consumer MODE COMPILER FLAGS...
	mode=$1
	shift
	(cd "$tmp" &&
	 case $mode in
	 static*) "$@" -Wall -Wextra -Werror -o "c-$mode" consumer.c \
			$(pkg-config --cflags uiodma) -Wl,--as-needed -l:libuiodma.a \
			$(pkg-config --static --libs uiodma) &&
		  ! ldd "./c-$mode" | grep libuiodma ;;
	 *)	  "$@" -Wall -Wextra -Werror -o "c-$mode" consumer.c \
			$(pkg-config --cflags --libs uiodma) &&
		  LD_LIBRARY_PATH=$stage/usr/lib/$ma ldd "./c-$mode" |
			grep "libuiodma.so.0 => $stage/usr/lib/$ma/libuiodma.so.0" ;;
	 esac &&
	 LD_LIBRARY_PATH=$stage/usr/lib/$ma "./c-$mode" | tee "layout-$mode" |
		grep "^uiodma-consumer OK version=$ver ")
}
check consumer-c11-pedantic-gcc consumer c11-gcc gcc -std=c11 -pedantic
check consumer-c11-pedantic-clang consumer c11-clang clang -std=c11 -pedantic
check consumer-gnu11-gcc consumer gnu11-gcc gcc -std=gnu11
check consumer-cxx17-g++ consumer cxx17-gxx g++ -std=c++17 -x c++
check consumer-cxx17-clang++ consumer cxx17-clangxx clang++ -std=c++17 -x c++
check consumer-static-c11-pedantic consumer static-c11 gcc -std=c11 -pedantic
same_layout() {
	cat "$tmp"/layout-*
	[ "$(cat "$tmp"/layout-* | sed 's/.*layout=//' | sort -u | wc -l)" = 1 ] &&
	[ "$(ls "$tmp"/layout-* | wc -l)" = 6 ]
}
check consumer-c-cxx-same-layout same_layout
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# ---- Debian packages --------------------------------------------------------
if scripts/deb.sh "$build" >"$log/deb.log" 2>&1; then
	record "PASS pkg:deb-build-lintian"
	if [ "$(id -u)" = 0 ]; then
		tests/pkg/debroot.sh "$build" "$build/deb" || rc=1
	else
		record "SKIP pkg:debroot (needs root: chroot, dpkg -i)"
	fi
else
	tail -n 40 "$log/deb.log"
	record "FAIL pkg:deb-build-lintian"
	rc=1
fi
exit $rc
