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

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 0 if it did.
wait_for() {
	_t=$(($1 * 10))
	shift
	while [ $_t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

# netif_of BDF: the network interface of a device bound to a NIC driver.
netif_of() {
	ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -n 1
}

# blockdev_of BDF: the first block device (disk) of a storage device.
blockdev_of() {
	for _b in /sys/class/block/*; do
		[ -e "$_b/partition" ] && continue
		case $(readlink -f "$_b") in
		*/$1/*) basename "$_b"; return 0 ;;
		esac
	done
	return 1
}

# expect_fail NAME RC GREP CMD...: CMD must exit RC with GREP in its stderr.
expect_fail() {
	_name=$1 _want=$2 _pat=$3
	shift 3
	_err=$("$@" 2>&1 >/dev/null)
	_rc=$?
	[ -n "$_err" ] && echo "$_err" | sed 's/^/    /'
	if [ "$_rc" != "$_want" ]; then
		fail "$_name" "'$*' exited $_rc, expected $_want"
	elif ! echo "$_err" | grep -q -- "$_pat"; then
		fail "$_name" "stderr of '$*' does not mention '$_pat'"
	else
		pass "$_name"
	fi
}

# has_netif BDF: the device has a network interface.
has_netif() {
	[ -n "$(netif_of "$1")" ]
}

# e1000e_netif BDF: load e1000e and print BDF's interface once it has one
# (nothing if none appeared within 10 s).
e1000e_netif() {
	modprobe e1000e >/dev/null 2>&1
	wait_for 10 has_netif "$1"
	netif_of "$1"
}
