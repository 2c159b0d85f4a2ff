# tests/e2e/lib.sh - shared by every end-to-end test script (source it).
#
# Gives each script a private temporary directory ($T) that is removed at
# exit, wrappers for weft (W), gpg (G) and sq (SQ) on private homes, and
# check helpers.  Every check prints "PASS name" or "FAIL name: detail";
# finish prints "N passed, M failed" and sets the exit status, which is
# what tests/run adds up.
#
#   WEFT   path of the weft binary (tests/run sets it)
#   WEFT_E2E_KEEP=1  keep $T after the run (for debugging)
set -u
WEFT=${WEFT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/weft}
[ -x "$WEFT" ] || { echo "FAIL setup: no weft binary at $WEFT"; echo "0 passed, 1 failed"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-e2e.XXXXXX")
export GNUPGHOME="$T/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
	for h in "$T"/g*; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	if [ -n "${WEFT_E2E_KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
export TZ=UTC
_pass=0 _fail=0

# weft on the default test home ($T/home), or WH=dir to choose one.
W() { "$WEFT" --home "${WH:-$T/home}" "$@"; }
# gpg on $GNUPGHOME (or GH=dir), batch, no passphrase prompts.
G() {
	gpg --homedir "${GH:-$GNUPGHOME}" --batch --quiet --no-tty \
	    --pinentry-mode loopback --passphrase '' "$@"
}
# sq with its own (empty) home so nothing leaks between tests.
SQ() { SEQUOIA_HOME="$T/sq" sq "$@"; }
# New private gpg home: echo its path.
new_gpg_home() {
	local d
	d=$(mktemp -d "$T/g.XXXXXX")
	chmod 700 "$d"
	echo "$d"
}

pass() { _pass=$((_pass + 1)); echo "PASS $1"; }
fail() { _fail=$((_fail + 1)); echo "FAIL $1${2:+: $2}"; }
# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got [$2], want [$3]"; fi
}
# check_rc NAME WANT CMD...: passes when CMD exits with status WANT.
check_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then pass "$name"; else fail "$name" "exit $rc, want $want"; fi
}
# check_diff NAME FILE1 FILE2: passes when identical; shows the first lines
# of the difference otherwise.
check_diff() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(diff "$2" "$3" | head -n 8 | tr '\n' '|')"
	fi
}
# JSON query: jq-like via python3.  J 'expr' < file  (d is the document)
J() { python3 -c "import json,sys; d=json.load(sys.stdin); r=($1); print(r if not isinstance(r,(list,dict,bool)) else json.dumps(r))"; }

finish() {
	echo "$_pass passed, $_fail failed"
	[ "$_fail" = 0 ]
}
