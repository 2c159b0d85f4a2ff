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
rc=$?
# gpg prints key listings without a final newline, so checks may not start
# a line: take them, and the script's own summary, wherever they are.
echo "$out" | grep -oE '(PASS|FAIL)  .*'
summary=$(echo "$out" | grep -oE '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -z "$summary" ]; then
	fail "contract script ran" "no summary line (exit $rc)"
	finish
	exit
fi
p=${summary%% passed*}; f=${summary#*passed, }; f=${f%% failed}
_pass=$((_pass + p)); _fail=$((_fail + f))
[ "$rc" = 0 ] || [ "$f" != 0 ] || fail "contract script exit status" "exit $rc"
finish
