#!/bin/sh
# Helpers for guest test cases.  A case reports with pass/fail/skip; the
# host counts the UDTEST lines.

EDU=1234:11e8
E1000E=8086:10d3
NVME=1b36:0010

pass() { echo "UDTEST PASS $1"; }
fail() { echo "UDTEST FAIL $1: $2"; }
skip() { echo "UDTEST SKIP $1: $2"; }

# check NAME CMD...: run CMD, show its output indented, pass if it exits 0.
check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		[ -n "$_out" ] && echo "$_out" | sed 's/^/    /'
		pass "$_name"
	else
		_rc=$?
		[ -n "$_out" ] && echo "$_out" | sed 's/^/    /'
		fail "$_name" "'$*' exited $_rc"
	fi
}

# expect NAME WANT GOT: pass if the strings are equal.
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

# pci_find VENDOR:DEVICE [N]: the Nth (from 1) device's address.
pci_find() {
	_n=0
	for _d in /sys/bus/pci/devices/*; do
		_id="$(sed 's/^0x//' "$_d/vendor"):$(sed 's/^0x//' "$_d/device")"
		if [ "$_id" = "$1" ]; then
			_n=$((_n + 1))
			if [ "$_n" = "${2:-1}" ]; then
				basename "$_d"
				return 0
			fi
		fi
	done
	return 1
}

# driver_of BDF: the bound driver's name, or "none".
driver_of() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# bind DRIVER BDF: take BDF from its driver and bind it to DRIVER.
bind() {
	[ -e "/sys/bus/pci/devices/$2/driver" ] &&
		echo "$2" > "/sys/bus/pci/devices/$2/driver/unbind"
	echo "$1" > "/sys/bus/pci/devices/$2/driver_override"
	echo "$2" > "/sys/bus/pci/drivers/$1/bind"
}

# unbind BDF: release BDF from its driver and clear the override.
unbind() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo > "/sys/bus/pci/devices/$1/driver_override"
}

# uio_of BDF: the uioN node of a device bound to a UIO driver.
uio_of() {
	ls "/sys/bus/pci/devices/$1/uio" 2>/dev/null | head -n 1
}

# load_uio_dma [PARAMS]: (re)load uio_dma with module parameters.
load_uio_dma() {
	lsmod | grep -q '^uio_dma ' && rmmod uio_dma
	modprobe uio_dma "$@"
}
