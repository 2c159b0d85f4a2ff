#!/bin/bash
# tests/e2e/fuzz-replay.sh - every fuzz target's seeds (tests/fuzz/seeds)
# and every input that once crashed it (tests/fuzz/regress/NAME/) run
# through the target built with the ordinary compiler (and, under
# make check SANITIZE=1, with ASan and UBSan): what fuzzing found stays
# fixed.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-$top/build}
n=0
for bin in "$B"/fuzz-replay/*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	dirs=("$top/tests/fuzz/regress/$name")
	while read -r t rest; do
		[ "$t" = "$name" ] || continue
		for d in $rest; do dirs+=("$top/$d"); done
	done < "$top/tests/fuzz/seeds"
	if out=$("$bin" "${dirs[@]}" 2>&1); then
		pass "replay $name: $(echo "$out" | grep -o 'replayed [0-9]* inputs')"
	else
		fail "replay $name" "$(echo "$out" | grep -E 'ERROR|runtime error|SUMMARY' | head -3 | tr '\n' '|')"
	fi
	n=$((n + 1))
done
check "fuzz targets replayed ($n)" [ "$n" -gt 0 ]
finish
