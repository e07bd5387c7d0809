#!/bin/sh
# Helpers of the guest benchmarks (bench/*.sh) that compare ours with a
# baseline in the same guest, sourced after lib.sh: rounds in A B B A
# order, samples in files, BENCH lines with medians and the median of the
# per-round ratios, CPU time from the guest's own accounting.
#
# Samples: sample SIDE KEY ROUND VALUE appends VALUE to /tmp/b-SIDE-KEY-ROUND
# (SIDE: ours or the baseline's name; KEY: what was measured, e.g. iops-1).

# busy: the guest's busy time so far (user, nice, system, irq, softirq of
# every CPU) in clock ticks of 10 ms (USER_HZ 100).
busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# per_op_ns BUSY0 OPS: nanoseconds of busy time per operation since BUSY0.
per_op_ns() {
	awk -v b0="$1" -v b1="$(busy)" -v n="$2" \
		'BEGIN { if (n > 0) printf "%.0f", (b1 - b0) * 1e7 / n }'
}

sample() {
	echo "$4" >> "/tmp/b-$1-$2-$3"
}

# median FILES...: the median of the numbers in FILES (or stdin).
median() {
	cat "$@" | sort -n | awk '{ a[NR] = $1 }
		END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# abba ROUNDS OURS BASE: run "OURS R" and "BASE R" for R = 1..ROUNDS, ours
# first in odd rounds and last in even ones, so a drift in the machine's
# speed favours neither side.
abba() {
	_r=1
	while [ $_r -le "$1" ]; do
		if [ $((_r % 2)) = 1 ]; then
			"$2" $_r
			"$3" $_r
		else
			"$3" $_r
			"$2" $_r
		fi
		_r=$((_r + 1))
	done
}

# bench_line NAME KEY UNIT BASE ROUNDS [EXTRA]: "BENCH NAME ours=<median><UNIT>
# BASE=<median><UNIT> ratio=<median of the per-round ratios> EXTRA".
bench_line() {
	_ratio=$(_r=1; while [ $_r -le "$5" ]; do
		echo "$(median /tmp/b-ours-$2-$_r) $(median /tmp/b-$4-$2-$_r)" |
			awk '{ if ($2 > 0) printf "%.4f\n", $1 / $2 }'
		_r=$((_r + 1))
	done | median)
	echo "BENCH $1 ours=$(median /tmp/b-ours-$2-*)$3 $4=$(median /tmp/b-$4-$2-*)$3" \
		"ratio=$(printf %.2f "${_ratio:-0}") rounds=$5${6:+ $6}"
}
