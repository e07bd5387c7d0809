#!/bin/sh
# Guest side: run the test cases (cases/*.sh), the demo or the benchmarks.
. /guest/lib.sh
# QEMU 7.2's e1000e offers a PM reset (D3hot->D0 without No_Soft_Reset)
# that resets nothing in the emulated device, and the kernel tries it
# before the secondary bus reset (on hardware the PM reset does reset the
# function).  Have the kernel use the bus reset, which QEMU carries out, so
# that uio_dma's reset between holders is real here.
for _d in /sys/bus/pci/devices/*; do
	[ "$(cat "$_d/vendor"):$(cat "$_d/device")" = 0x8086:0x10d3 ] &&
		echo bus > "$_d/reset_method"
done

case $1 in
test)
	# Cases are numbered with three digits, so the glob's order is theirs;
	# UD_CASES (udcases= on the kernel command line) picks some.
	for c in /guest/cases/${UD_CASES:-*}.sh; do
		echo "UDGUEST CASE $(basename "$c" .sh)"
		timeout 120 sh -c ". /guest/lib.sh; . $c" ||
			fail "$(basename "$c" .sh)" "case exited $? (timeout or error)"
	done ;;
iommu)
	sh -c ". /guest/lib.sh; . /guest/iommu.sh" ;;
demo)
	sh -c ". /guest/lib.sh; . /guest/demo.sh" ;;
bench)
	for b in /guest/bench/*.sh; do
		[ -e "$b" ] && sh -c ". /guest/lib.sh; . $b"
	done ;;
*)
	echo "UDTEST FAIL guest: unknown mode '$1'" ;;
esac
