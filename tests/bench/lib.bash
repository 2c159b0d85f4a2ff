# lib.bash - what scale.sh and flood.sh share (sourced, not run: the
# name does not end in .sh).
#
# Sets top, bench, WEFT (a private copy of the binary: a rebuild during
# the run must not swap it under us), CACHE, SEED, T (a temporary
# directory removed at exit) and WORK (the run's shared directory:
# WEFT_BENCH_WORK from tests/bench/run, else a directory under T).
set -u
export LC_ALL=C
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$top/tests/bench
WEFT=${WEFT:-$top/build/weft}
BUILD=${BUILD:-$top/build}
CACHE=${WEFT_BENCH_CACHE:-$BUILD/bench-cache}
SEED=${WEFT_BENCH_SEED:-1}

[ -x "$WEFT" ] || { echo "bench: $WEFT missing (make)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (make deps installs the time package)"; exit 1; }
T=$(mktemp -d /tmp/weft-bench.XXXXXX)
GPG_HOMES=()
cleanup() {
	local h
	for h in "${GPG_HOMES[@]}"; do gpgconf --homedir "$h" --kill all >/dev/null 2>&1; done
	rm -rf "$T"
}
trap cleanup EXIT
WORK=${WEFT_BENCH_WORK:-$T/work}
mkdir -p "$WORK" "$CACHE" && chmod 700 "$CACHE"
cp "$WEFT" "$T/weft" && WEFT=$T/weft

# ---- timing ------------------------------------------------------------------
# run1 CMD...: one run under GNU time; stdout in $T/out, stderr in
# $T/err.  Sets DT (wall seconds, from $EPOCHREALTIME: time's own %e has
# a resolution of 10 ms), RSS (the process's maximum resident set, KiB)
# and RC.
run1() {
	local s e
	s=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$T/rss" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	e=$EPOCHREALTIME
	DT=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", b - a }')
	RSS=$(tail -n 1 "$T/rss" 2>/dev/null)
	case $RSS in ''|*[!0-9]*) RSS="" ;; esac
}
# run0 CMD...: the same without GNU time (a fork and exec less: it
# matters for commands that take milliseconds).
run0() {
	local s e
	s=$EPOCHREALTIME
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	e=$EPOCHREALTIME
	DT=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", b - a }')
}
median() { printf '%s\n' "$@" | grep . | sort -g | awk '{ a[NR] = $1 } END { if (!NR) print ""; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxof() { printf '%s\n' "$@" | grep . | sort -g | tail -n 1; }
# runs_for SECONDS: how many runs a command of that length gets: several
# when it is short (the median of them), one when it is long.
runs_for() { awk -v t="$1" 'BEGIN { print (t < 0.5) ? 7 : (t < 5) ? 3 : 1 }'; }

# measure PREP CMD...: the first run under GNU time (RSS), then more
# (runs_for) with PREP (a command, ":" for none) before each, untimed.
# Sets MED, MRSS (KiB), NRUNS and MRC (the first run's exit status); the
# last run's output stays in $T/out and $T/err.
measure() {
	local prep=$1 t=() r n
	shift
	$prep
	run1 "$@"
	MRC=$RC; MRSS=$RSS; t+=("$DT")
	n=$(runs_for "$DT")
	for ((r = 1; r < n; r++)); do
		$prep
		run0 "$@"
		t+=("$DT")
	done
	MED=$(median "${t[@]}"); NRUNS=${#t[@]}
}

# ft SECONDS: a time, in ms below 1 s; "-" when empty.
ft() {
	if [ -z "${1:-}" ]; then printf '%10s' "-"
	else awk -v t="$1" 'BEGIN { if (t < 1) printf "%7.1f ms", t * 1000; else printf "%8.2f s", t }'; fi
}
fm() { [ -n "${1:-}" ] && awk -v k="$1" 'BEGIN { printf "%6.1f MB", k / 1024 }' || printf '%9s' "-"; }
say() { echo "  .. $*"; }
commas() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
load() { cut -d" " -f1-3 /proc/loadavg; }
# failed WHAT: after a run, report an exit status above 1 (2 = error,
# 128+N = killed by signal N).
failed() { [ "$RC" -le 1 ] && return 1; echo "  FAILED: $1: exit $RC $(head -c 300 "$T/err" | tr '\n' ' ')"; }

# ---- the generated keyrings ----------------------------------------------------
GEN_HASH=$(sha256sum "$bench/genkeyring.py" | cut -c1-12)

# check_generator: once per version of genkeyring.py, a 50-key instance
# imported into gpg: every signature must check (gpg --check-sigs), the
# detached signature must verify (gpg --verify), and sq inspect must read
# every certificate.  The verdict is kept in the cache and printed.
check_generator() {
	local m=$CACHE/genkeyring-$GEN_HASH.checked g=$T/gencheck k nk good bad revs sqi v
	if [ ! -f "$m" ]; then
		rm -rf "$g"; mkdir -m 700 "$g"; GPG_HOMES+=("$g")
		k=$T/gencheck.pgp
		python3 "$bench/genkeyring.py" -q -n 50 -s "$SEED" "$k" || { echo "genkeyring failed"; exit 1; }
		gpg --homedir "$g" --batch --quiet --import "$k" 2>/dev/null
		gpg --homedir "$g" --batch --check-sigs >"$T/cs" 2>/dev/null
		nk=$(grep -c '^pub' "$T/cs")
		good=$(grep -c '^sig!' "$T/cs")
		revs=$(grep -c '^rev!' "$T/cs")
		bad=$(grep -E '^(sig|rev)' "$T/cs" | grep -Evc '^(sig|rev)!')
		v=bad; gpg --homedir "$g" --batch --verify "$k.sig" "$k.msg" 2>/dev/null && v=good
		sqi=$(sq inspect "$k" 2>/dev/null | grep -c '^OpenPGP Certificate')
		gpgconf --homedir "$g" --kill all >/dev/null 2>&1
		echo "genkeyring $GEN_HASH, 50 keys: gpg imported $nk; --check-sigs: $good certifications and $revs revocations good, $bad not; detached signature $v; sq inspect: $sqi certificates" >"$m"
		if [ "$nk" != 50 ] || [ "$bad" != 0 ] || [ "$v" != good ] || [ "$sqi" != 50 ]; then
			cat "$m"; rm -f "$m"; echo "genkeyring: its output does not check; stopping"; exit 1
		fi
	fi
	say "$(cat "$m")"
}

# keyring N: the generated keyring of N keys in S (generated into the
# cache if missing; sets of older versions of the generator are removed).
keyring() {
	local n=$1 f
	S=$CACHE/synth-$n-s$SEED-$GEN_HASH.pgp
	[ -f "$S.json" ] && return 0
	check_generator
	for f in "$CACHE"/synth-*.pgp.json; do
		[ -e "$f" ] || continue
		case $f in *-$GEN_HASH.pgp.json) ;; *) rm -f "${f%.json}" "${f%.json}".*;; esac
	done
	say "generating $n keys into $S"
	run0 python3 "$bench/genkeyring.py" -q -n "$n" -s "$SEED" "$S"
	[ "$RC" = 0 ] || { echo "genkeyring failed: $(cat "$T/err")"; exit 1; }
	say "generated in $(ft "$DT")"
}
jget() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d[int(k) if isinstance(d, list) else k]
print(" ".join(d) if isinstance(d, list) else d)' "$@"; }
