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

# edu_dma_banner WANT ARGS...: one round of edu-dma ARGS; prints its banner
# and fails unless the banner says "memory in WANT".
edu_dma_banner() {
	_want=$1
	shift
	_b=$(edu-dma --rounds 1 "$@" 2>&1 | head -n 1)
	echo "$_b"
	case $_b in *"memory in $_want") ;; *) return 1 ;; esac
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

# start_bg OUT CMD...: run CMD in the background, its output (stdout and
# stderr) in the file OUT; its PID in $bg_pid.  This shell empties OUT
# before the fork: with a plain 'CMD > OUT &' the child truncates OUT
# only when it gets to run, so a wait_for on OUT's content right after
# can still read what an earlier run left there (and then see it vanish).
start_bg() {
	_bg_out=$1
	shift
	: > "$_bg_out"
	"$@" >> "$_bg_out" 2>&1 &
	bg_pid=$!
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

# wait_gone PID SECONDS: wait up to SECONDS for PID to end; 0 if it did
# (collect its status with wait), 1 if it still runs.
wait_gone() {
	_t=$(($2 * 10))
	while kill -0 "$1" 2>/dev/null; do
		[ $_t -le 0 ] && return 1
		sleep 0.1
		_t=$((_t - 1))
	done
	return 0
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

# nvme_disk_check NAME SEED OUT BDF: BDF is back with the kernel's nvme
# driver; its block device must hold what nvme-rw --seed SEED wrote (the
# "disk: sector S count C" lines of its output OUT), read without the
# application's help: NAME-blockdev, NAME-header, NAME-ranges (6),
# NAME-reads-data.
nvme_disk_check() {
	_name=$1 _seed=$2 _out=$3
	wait_for 15 blockdev_of "$4"
	_blk=$(blockdev_of "$4")
	if [ -z "$_blk" ] || ! wait_for 5 test -b "/dev/$_blk"; then
		fail "$_name-blockdev" "no block device for $4 after uiodma unbind"
		return
	fi
	pass "$_name-blockdev"
	# The first sector's header, checked without the application's help.
	_hdr=$(dd if="/dev/$_blk" bs=512 skip=16 count=1 2>/dev/null | head -c 40)
	expect "$_name-header" "nvme-rw seed ${_seed#0x} sector 0000000016" "$_hdr"
	_n=0 _bad=0
	for _r in $(sed -n 's/^disk: sector \([0-9]*\) count \([0-9]*\) .*/\1:\2/p' "$_out"); do
		_s=${_r%:*} _c=${_r#*:}
		dd if="/dev/$_blk" of=/tmp/got bs=512 skip="$_s" count="$_c" 2>/dev/null
		nvme_harness pattern "$_seed" "$_s" "$_c" > /tmp/want
		if cmp /tmp/want /tmp/got; then
			echo "    sectors $_s+$_c: as written"
		else
			echo "    sectors $_s+$_c: DIFFER"
			od -A d -t x1 /tmp/got | head -n 4 | sed 's/^/    /'
			_bad=$((_bad + 1))
		fi
		_n=$((_n + 1))
	done
	expect "$_name-ranges" 6 "$_n"
	expect "$_name-reads-data" 0 "$_bad"
	rm -f /tmp/got /tmp/want
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

# ask_host VERB ID: have the host run a QEMU monitor command, "device_del ID"
# or "device_add ID" (ID: nic0, nic1, nvme0; run.sh's host_watch knows
# their device_add arguments).  The request goes out on the console as a
# "UDHOST" line, the answer comes back on ttyS1; a request not answered in
# 10 s is repeated (the host runs each one once).  0 once the host answered
# ok; device_del only starts the unplug (the guest's pciehp then takes ~5 s).
ask_host() {
	_seq=$(($(cat /tmp/.udhost.seq 2>/dev/null || echo 0) + 1))
	echo $_seq > /tmp/.udhost.seq
	exec 9< /dev/ttyS1 || return 1
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	_ans= _try=0
	while [ -z "$_ans" ] && [ $_try -lt 3 ]; do
		_try=$((_try + 1))
		echo "UDHOST $_seq $1 $2" > /dev/console
		_end=$(($(date +%s) + 10))
		while [ -z "$_ans" ] && [ "$(date +%s)" -lt $_end ]; do
			read -r -t 1 _t _s _r <&9 || continue
			[ "$_t" = UDACK ] && [ "$_s" = "$_seq" ] && _ans=$_r
		done
	done
	exec 9<&-
	echo "    host: $1 $2: ${_ans:-no answer}"
	[ "$_ans" = ok ]
}

# ended PID: PID is gone, or a zombie that `wait` reaps at once (a thread
# stuck in the kernel keeps a zombie leader's process alive).
ended() {
	[ -e "/proc/$1" ] || return 0
	[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ] &&
		[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -le 1 ]
}

# run_bounded SECS OUT CMD...: run CMD with its output in OUT; return its
# exit status, or 124 if it has not ended after SECS (it is sent SIGKILL
# and left behind, so a process hung in the kernel cannot hang the case).
run_bounded() {
	_secs=$1 _rbout=$2
	shift 2
	"$@" > "$_rbout" 2>&1 &
	_rbpid=$!
	_i=0
	while [ $_i -lt $((_secs * 10)) ]; do
		if ended $_rbpid; then
			wait $_rbpid
			return
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	# Where its threads are stuck, for the report.
	for _t in /proc/$_rbpid/task/*; do
		[ -e "$_t/stack" ] || continue
		echo "    still running after ${_secs}s: $(cat "$_t/comm") (task ${_t##*/}, state $(cut -d' ' -f3 "$_t/stat")):"
		sed 's/^/        /' "$_t/stack"
	done
	kill -9 $_rbpid 2>/dev/null
	sleep 0.5
	ended $_rbpid && wait $_rbpid
	return 124
}

# at_least NAME MIN GOT WHY: pass "NAME-GOT" (the count in the name) if GOT
# is a number of at least MIN, else fail saying WHY.
at_least() {
	if [ "${3:-0}" -ge "$2" ] 2>/dev/null; then
		pass "$1-$3"
	else
		fail "$1-${3:-0}" "$4"
	fi
}

# race_run NAME SECS BDF CYCLES RELOAD_EVERY THREADS: one racetest run
# (progs/racetest.c, given at most SECS) and its checks.
race_run() {
	run_bounded "$2" /tmp/race.out racetest "$3" "$4" "$5" "$6" \
		"/lib/modules/$(uname -r)/extra/uio_dma.ko"
	_rc=$?
	sed 's/^/    /' /tmp/race.out
	_v() { sed -n "s/^race: $1 \([0-9-]*\).*/\1/p" /tmp/race.out; }
	_c=$(_v cycles) _r=$(_v reloads)
	if [ "$_rc" = 0 ]; then
		pass "$1-cycles-${_c}-reloads-${_r}"
	else
		fail "$1-cycles-${_c:-0}-reloads-${_r:-0}" "racetest exited $_rc"
	fi
	expect "$1-module-refcount-0" 0 "$(_v refcnt)"
	expect "$1-no-pin-leak" 0 "$(_v pins_leaked)"
	expect "$1-no-hugepage-leak" 0 "$(_v hugepages_leaked)"
	expect "$1-bound-at-end" 1 "$(_v bound_at_end)"
}
