#!/bin/bash
# The shared CLI contract (../shared/contract/check-cli.sh), run against
# this build once every command it touches exists.
. "$(dirname "$0")/lib.sh"
contract=$(cd "$(dirname "$0")/../.." && pwd)/../shared/contract/check-cli.sh
if [ ! -f "$contract" ]; then
	echo "contract script not present (../shared); nothing to run"
	finish
	exit
fi
missing=""
for cmd in import export list show root authenticate lookup fsck; do
	"$WEFT" help "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
done
if [ -n "$missing" ]; then
	echo "NOTE contract not run yet: weft lacks$missing (the trust engine)"
	finish
	exit
fi
out=$(bash "$contract" "$WEFT" 2>&1)
echo "$out" | grep -E '^(PASS|FAIL)'
p=$(echo "$out" | grep -c '^PASS')
f=$(echo "$out" | grep -c '^FAIL')
_pass=$((_pass + p)); _fail=$((_fail + f))
finish
