#!/bin/sh
# Print the totals of a results file (lines "PASS|FAIL|SKIP name...") and
# fail if anything failed or nothing ran.
f=$1
[ -s "$f" ] || { echo "summary: no results recorded in $f"; exit 1; }
p=$(grep -c '^PASS' "$f"); x=$(grep -c '^FAIL' "$f"); s=$(grep -c '^SKIP' "$f")
echo "==== results ($f) ===="
grep '^FAIL\|^SKIP' "$f"
echo "$p passed, $x failed, $s skipped"
[ "$x" -eq 0 ] && [ "$p" -gt 0 ]
