#!/bin/sh
# The kernel's packet generator (net/core/pktgen.c, documented in the
# kernel's Documentation/networking/pktgen.rst) as a traffic source for
# our receivers, on thread 0 (kpktgend_0).  Sourced after lib.sh.

PKTGEN=/proc/net/pktgen

# pktgen_set FILE SETTING: write one command to a pktgen file; when the
# write fails, print the command and pktgen's own Result line and return 1.
pktgen_set() {
	echo "$2" > "$1" 2>/dev/null && return 0
	echo "'$2' > $1 failed: $(sed -n 's/^Result: //p' "$1" 2>/dev/null)"
	return 1
}

# pktgen_prepare IFC SETTING...: give thread 0 the interface IFC alone,
# configured by the SETTINGs in order.  Prints why it failed (nothing on
# success); the status says the same.
pktgen_prepare() {
	_pg_if=$1
	shift
	# rem_device_all only flags the thread and waits 125 ms for it, which
	# a slow guest can outlast; an add_device before the thread got to
	# it fails (or is removed along with the old one): wait for the
	# interface's file to go.
	pktgen_set $PKTGEN/kpktgend_0 rem_device_all > /dev/null
	wait_for 10 test ! -e "$PKTGEN/$_pg_if"
	pktgen_set $PKTGEN/kpktgend_0 "add_device $_pg_if" || return 1
	for _pg_c in "$@"; do
		pktgen_set "$PKTGEN/$_pg_if" "$_pg_c" || return 1
	done
}

# pktgen_release: thread 0 lets go of its interfaces.
pktgen_release() {
	pktgen_set $PKTGEN/kpktgend_0 rem_device_all > /dev/null
}
