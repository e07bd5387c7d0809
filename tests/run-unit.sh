#!/bin/sh
# Run Check unit-test programs; record one result line per program in
# $UD_RESULTS (if set): "PASS|FAIL|SKIP unit:<name>".  A program that prints
# "SKIP ..." lines still passes for what it ran; its skips are recorded too.
# Exits non-zero if any program fails.
set -u
rc=0
for t in "$@"; do
	name=unit:$(basename "$t")${UD_VARIANT:+-$UD_VARIANT}
	out=$(mktemp)
	if "$t" >"$out" 2>&1; then
		res=PASS
	else
		res=FAIL
		rc=1
	fi
	cat "$out"
	grep '^SKIP ' "$out" | sed "s|^SKIP |SKIP $name/|" >>"${UD_RESULTS:-/dev/null}"
	echo "$res $name" >>"${UD_RESULTS:-/dev/null}"
	echo "$res $name"
	rm -f "$out"
done
exit $rc
