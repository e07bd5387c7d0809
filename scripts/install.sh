#!/bin/sh
# SPDX-License-Identifier: MIT
# make install / make uninstall: the library (shared, static, pkg-config
# file), the headers, the tools, the manual (sections 1, 3 and 4) and the
# udev rule.  The module is installed with DKMS (scripts/dkms.sh).
#
# usage: scripts/install.sh install|uninstall BUILD
# with, from the Makefile: VERSION SONAME DESTDIR PREFIX LIBDIR INCLUDEDIR
# BINDIR MANDIR UDEVRULESDIR.
#
# Installing to the live system (no DESTDIR) runs ldconfig and asks udev to
# reload its rules.  uninstall removes exactly what install puts there; in
# a DESTDIR it also removes the directories left empty, so the tree is as
# before.
set -eu
action=$1
build=$2
top=$(cd "$(dirname "$0")/.." && pwd)
: "${VERSION:?}" "${SONAME:?}" "${PREFIX:?}" "${LIBDIR:?}" "${INCLUDEDIR:?}"
: "${BINDIR:?}" "${MANDIR:?}" "${UDEVRULESDIR:?}"
D=${DESTDIR:-}
cd "$top"

tools=$(for d in tools/*/; do basename "$d"; done)
man3=$(cd "$build/man/man3" && ls)

# Every file installed, as "MODE SOURCE TARGET-DIR" (SOURCE "-": a link or
# generated file handled below).
files() {
	echo "755 $build/lib/libuiodma.so.$VERSION $LIBDIR"
	echo "644 $build/lib/libuiodma.a $LIBDIR"
	echo "644 include/uiodma.h $INCLUDEDIR"
	for h in include/uiodma/*.h; do echo "644 $h $INCLUDEDIR/uiodma"; done
	for t in $tools; do echo "755 $build/tools/$t $BINDIR"; done
	for m in doc/*.1; do echo "644 $m $MANDIR/man1"; done
	for m in doc/*.4; do echo "644 $m $MANDIR/man4"; done
	for m in $man3; do echo "644 $build/man/man3/$m $MANDIR/man3"; done
	for r in udev/*.rules; do echo "644 $r $UDEVRULESDIR"; done
}
links="$LIBDIR/$SONAME:libuiodma.so.$VERSION $LIBDIR/libuiodma.so:$SONAME"
pc=$LIBDIR/pkgconfig/uiodma.pc

live() {
	[ -z "$D" ] || return 0
	if [ "$(id -u)" = 0 ]; then
		ldconfig
		command -v udevadm >/dev/null &&
			udevadm control --reload 2>/dev/null || true
	else
		echo "install.sh: not root: run ldconfig as root to use the new library"
	fi
}

case $action in
install)
	files | while read -r mode src dir; do
		install -d "$D$dir"
		install -m "$mode" "$src" "$D$dir/"
	done
	for l in $links; do
		ln -sfn "${l#*:}" "$D${l%%:*}"
	done
	install -d "$D${pc%/*}"
	sed -e "s|@PREFIX@|$PREFIX|; s|@LIBDIR@|$LIBDIR|; s|@INCLUDEDIR@|$INCLUDEDIR|" \
	    -e "s|@VERSION@|$VERSION|" lib/uiodma.pc.in >"$D$pc"
	chmod 644 "$D$pc"
	live ;;
uninstall)
	dirs=$(files | while read -r mode src dir; do
		rm -f "$D$dir/${src##*/}"
		echo "$dir"
	done | sort -u)
	for l in $links; do rm -f "$D${l%%:*}"; done
	rm -f "$D$pc"
	dirs="$dirs ${pc%/*} $LIBDIR"
	if [ -n "$D" ]; then
		# a staging tree: every directory left empty, up to DESTDIR
		for dir in $dirs; do
			while [ "$dir" != / ] && [ -n "$dir" ] &&
			      rmdir "$D$dir" 2>/dev/null; do
				dir=${dir%/*}
			done
		done
	else
		rmdir "$INCLUDEDIR/uiodma" 2>/dev/null || true
	fi
	live ;;
*)
	echo "usage: install.sh install|uninstall BUILD" >&2
	exit 2 ;;
esac
