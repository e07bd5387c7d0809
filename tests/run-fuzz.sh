#!/bin/sh
# Run libFuzzer harnesses (tests/fuzz/fuzz_NAME.c) for SECONDS each.  Each
# reads its seeds from tests/fuzz/corpus/NAME and keeps what it finds in
# corpus/NAME beside the binary, so later runs start from there; a failing
# input is saved in crashes/NAME/ beside the binary.  Records one line per
# harness in $UD_RESULTS (if set): "PASS|FAIL fuzz:NAME", and prints how
# many inputs each tried.  Exits non-zero if any harness failed.
#
# usage: tests/run-fuzz.sh SECONDS BIN...
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
rc=0 total=0
for b in "$@"; do
	name=$(basename "$b" | sed 's/^fuzz_//')
	dir=$(dirname "$b")
	mkdir -p "$dir/corpus/$name" "$dir/crashes/$name"
	out=$(mktemp)
	if "$b" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name/" \
		"$dir/corpus/$name" "$top/tests/fuzz/corpus/$name" >"$out" 2>&1; then
		res=PASS
	else
		res=FAIL
		rc=1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
	total=$((total + ${runs:-0}))
	if [ $res = FAIL ]; then
		# the report: what broke, and the saved input
		grep -v '^#\|^INFO\|^stat::' "$out" | tail -n 40
	fi
	echo "$res fuzz:$name" >>"${UD_RESULTS:-/dev/null}"
	echo "$res fuzz:$name (${runs:-?} inputs in ${secs}s)"
	rm -f "$out"
done
echo "fuzz: $total inputs tried"
exit $rc
