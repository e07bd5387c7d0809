#!/bin/sh
# Run the host benchmarks (build/bench/*) one after another.  Each prints
# "BENCH <name> ours=<v><unit> <baseline>=<v><unit> ratio=<r>" lines, having
# measured ours and its baseline interleaved in the same run.  Hugepage
# benchmarks need root (they reserve pages and give them back).
build=${1:-build}
rc=0
for b in "$build"/bench/*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || { echo "bench: $(basename "$b") failed" >&2; rc=1; }
done
exit $rc
