#!/bin/sh
# Guest side: run the test cases (cases/*.sh), the demo or the benchmarks.
. /guest/lib.sh
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
edu)
	sh -c ". /guest/lib.sh; . /guest/edu-icount.sh" ;;
vfio)
	sh -c ". /guest/lib.sh; . /guest/vfio.sh" ;;
vabench)
	sh -c ". /guest/lib.sh; . /guest/bench-va.sh" ;;
demo)
	sh -c ". /guest/lib.sh; . /guest/demo.sh" ;;
bench)
	# UD_CASES picks benchmarks by name too (e.g. UD_CASES=irq-rtt).
	for b in /guest/bench/${UD_CASES:-*}.sh; do
		[ -e "$b" ] && sh -c ". /guest/lib.sh; . $b"
	done ;;
*)
	echo "UDTEST FAIL guest: unknown mode '$1'" ;;
esac
