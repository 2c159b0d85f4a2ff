#!/bin/bash
# Trust questions, weft side by side with sq-wot and gpg in the same run
# (issue 3 item 7).  Prints wall times and ratios; never pass/fail.
#
# 1. debian-keyring.gpg, one root (Steve McIntyre, CEBB…684E, added with
#    "weft root add"; sq-wot gets it with -r).  The bindings asked about
#    are the user IDs the root certified, sorted by (fingerprint, user
#    ID), every k-th to make WEFT_BENCH_QUERIES (20); many of the root's
#    certifications have expired by now (sq-wot 0.2.0 only evaluates at
#    "now"), so some bindings authenticate and some do not: both are
#    counted.  Each binding: "weft authenticate KEY UID" (3 runs, the
#    median) and "sq-wot authenticate UID KEY" (1 run: it rebuilds its
#    network from the 28 MB file on every call, seconds each), then
#    "lookup UID" with both.  The two tools must agree on authenticated or
#    not (and, for lookup, on which keys): mismatches are printed.  Then
#    every binding at once: "weft check" against "sq-wot list".
#    Target: weft at least 100 times faster per query.
# 2. "weft check" against "gpg --check-trustdb --yes --batch" (the root
#    with ultimate ownertrust) on the same keyring.  Target: 10 times.
#    gpg takes ~100 s to import the keyring: the imported gpg home is
#    kept in $WEFT_BENCH_CACHE (default build/bench-cache, mode 0700) as
#    debian-gpg-<first 16 hex of the keyring's sha256>/ and copied for
#    each run; delete that directory to rebuild it.
# 3. (make bench leaves this part to scale.sh, which runs gpg and sq-wot
#    on the same keyrings at several sizes: tests/bench/run sets
#    WEFT_BENCH_KEYS=0.)
#    A generated web of trust of WEFT_BENCH_KEYS keys (default 100,000;
#    tests/bench/genkeyring.py, seed WEFT_BENCH_SEED, default 1), kept in
#    the same cache as synth-<keys>-s<seed>-<hash of genkeyring.py>.pgp
#    (+ .json: roots and the bindings to ask about).  Before the first
#    generation a 20-key instance is checked with gpg --check-sigs and
#    sq inspect.  weft imports it (timed: every Ed25519 signature is
#    verified, minutes for 100,000 keys) in one run (WEFT_BENCH_IMPORT_CHUNK
#    = N imports it in runs of N keys instead; the end state is the same:
#    certifications whose issuer comes in a later run are checked
#    then).  Then weft answers the 20 questions;
#    sq-wot answers WEFT_BENCH_SQ_QUERIES (3) of them, since each call
#    parses and verifies the whole keyring.  gpg is not run here: its
#    import grows quadratically (55 s for 5,100 keys), hours for 100,000.
#
# Times are wall clock of whole processes (start-up included), medians;
# the header shows the load average, as other work on the machine skews
# both columns.  The weft binary is copied first, so a rebuild during the
# run does not change it.
#
# Environment: WEFT, BUILD, KEYRING, WEFT_BENCH_ROOT, WEFT_BENCH_QUERIES,
# WEFT_BENCH_KEYS (0 skips part 3), WEFT_BENCH_SEED, WEFT_BENCH_SQ_QUERIES,
# WEFT_BENCH_IMPORT_CHUNK, WEFT_BENCH_CACHE, WEFT_BENCH_DEBIAN=0 (skip
# parts 1 and 2), WEFT_BENCH_VERBOSE=1 (a line per question).
set -u
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
bench=$top/tests/bench
WEFT=${WEFT:-$top/build/weft}
BUILD=${BUILD:-$top/build}
KR=${KEYRING:-/usr/share/keyrings/debian-keyring.gpg}
ROOT=${WEFT_BENCH_ROOT:-CEBB52301D617E910390FE16587979573442684E}
NQ=${WEFT_BENCH_QUERIES:-20}
NKEYS=${WEFT_BENCH_KEYS:-100000}
SEED=${WEFT_BENCH_SEED:-1}
SQQ=${WEFT_BENCH_SQ_QUERIES:-3}
CACHE=${WEFT_BENCH_CACHE:-$BUILD/bench-cache}
VERBOSE=${WEFT_BENCH_VERBOSE:-0}
CHUNK=${WEFT_BENCH_IMPORT_CHUNK:-0}
DEBIAN=${WEFT_BENCH_DEBIAN:-1}

[ -x "$WEFT" ] || { echo "bench trust: $WEFT missing (make)"; exit 1; }
[ -r "$KR" ] || { echo "bench trust: $KR missing (make deps installs debian-keyring)"; exit 1; }
have_sq=1; command -v sq-wot >/dev/null || { have_sq=0; echo "bench trust: sq-wot not installed, its columns stay empty"; }
T=$(mktemp -d /tmp/weft-bench-trust.XXXXXX)
trap 'gpgconf --homedir "$T/gpg" --kill all >/dev/null 2>&1; rm -rf "$T"' EXIT
mkdir -p "$CACHE" && chmod 700 "$CACHE"
# A private copy of the binary: a rebuild during the run (make in another
# shell) must not swap it under us.
cp "$WEFT" "$T/weft-bin" && WEFT=$T/weft-bin

# ---- helpers ------------------------------------------------------------------
# timed CMD...: runs CMD with stdout in $T/out, stderr in $T/err; sets RC
# and DT (wall seconds; $EPOCHREALTIME costs no fork).
timed() {
	local s=$EPOCHREALTIME e
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	e=$EPOCHREALTIME
	DT=$(echo "$e - $s" | bc -l)
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (!NR) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
sum() { printf '%s\n' "$@" | awk '{s+=$1} END {print s+0}'; }
# ft SECONDS: a time, in ms below 1 s.
ft() {
	if [ -z "$1" ]; then printf '%10s' "-"
	elif [ "$(echo "$1 < 1" | bc -l)" = 1 ]; then printf '%7.1f ms' "$(echo "$1 * 1000" | bc -l)"
	else printf '%8.2f s' "$1"; fi
}
# ratio SLOW FAST
ratio() {
	if [ -z "$1" ] || [ -z "$2" ] || [ "$(echo "$2 <= 0" | bc -l)" = 1 ]; then printf '%9s' "-"
	else printf '%8.0fx' "$(echo "$1 / $2" | bc -l)"; fi
}
row() { printf '%-40s %s %s %s%s\n' "$1" "$(ft "$2")" "$(ft "$3")" "$(ratio "$3" "$2")" "${4:+   $4}"; }
say() { echo "  .. $*"; }
# failed WHAT: after timed, report an exit status above 1 (2 = error,
# 128+N = killed by signal N, e.g. 139 = segmentation fault).
failed() { [ "$RC" -le 1 ] && return 1; echo "  WEFT FAILED: $1: exit $RC $(head -c 300 "$T/err" | tr '\n' ' ')"; }
# Output of one answer: "AMOUNT FPR,FPR" (amount of the first binding,
# authenticated fingerprints).  weft: "(amount N of M)"; sq-wot: "(P%)".
weft_ans() {
	sed -n -e 's/^\[✓\] \([0-9A-F]*\) .*(amount \([0-9]*\) of [0-9]*)$/Y \1 \2/p' \
	       -e 's/^\[ \] \([0-9A-F]*\) .*(amount \([0-9]*\) of [0-9]*)$/N \1 \2/p' "$T/out" | answer
}
sq_ans() {
	sed -n -e 's/^\[✓\] \([0-9A-F]*\) .*(\([0-9]*\)%)$/Y \1 \2/p' \
	       -e 's/^\[ \] \([0-9A-F]*\) .*(\([0-9]*\)%)$/N \1 \2/p' "$T/out" |
		awk '{print $1, $2, int($3 * 120 / 100 + 0.5)}' | answer
}
# answer: lines "Y|N FPR AMOUNT" -> "AMOUNT-OF-THE-FIRST FPR,FPR..." (the
# authenticated ones, "-" if none).
answer() { awk '{if (NR == 1) a = $3 + 0; if ($1 == "Y") f = f (f ? "," : "") $2} END {print a + 0, (f ? f : "-")}'; }
sortset() { echo "$1" | tr , '\n' | sort | paste -sd, -; }

# ask LABEL ROOTARGS QUERYFILE NSQ: authenticate and lookup every line
# "FPR<TAB>UID" of QUERYFILE with weft (3 runs each, median) and the first
# NSQ (spread over the file) with sq-wot; fills W_AUTH W_LOOK S_AUTH S_LOOK
# (per-query seconds) and prints mismatches.
ask() {
	local label=$1 home=$2 sqargs=$3 qf=$4 nsq=$5
	local n i fpr uid t1 t2 t3 wa sa wrc src wl sl every
	W_AUTH=(); W_LOOK=(); S_AUTH=(); S_LOOK=(); AGREE=0; AGREE_L=0; ASKED_SQ=0
	N_AUTH=0; N_NOT=0; MISMATCH=0
	n=$(wc -l <"$qf")
	every=$(( nsq > 0 ? (n + nsq - 1) / nsq : 0 ))
	i=0
	while IFS=$'\t' read -r fpr uid; do
		i=$((i + 1))
		timed "$WEFT" --home "$home" authenticate "$fpr" "$uid"; t1=$DT
		timed "$WEFT" --home "$home" authenticate "$fpr" "$uid"; t2=$DT
		timed "$WEFT" --home "$home" authenticate "$fpr" "$uid"; t3=$DT
		wrc=$RC; wa=$(weft_ans); failed "authenticate $fpr \"$uid\""
		[ "$wrc" = 0 ] && N_AUTH=$((N_AUTH + 1)) || N_NOT=$((N_NOT + 1))
		W_AUTH+=("$(median "$t1" "$t2" "$t3")")
		timed "$WEFT" --home "$home" lookup "$uid"; t1=$DT
		timed "$WEFT" --home "$home" lookup "$uid"; t2=$DT
		timed "$WEFT" --home "$home" lookup "$uid"; t3=$DT
		local wlrc=$RC; wl=$(weft_ans); failed "lookup \"$uid\""
		W_LOOK+=("$(median "$t1" "$t2" "$t3")")
		local line
		line=$(printf '%3d %s weft %-4s %s' "$i" "${fpr:0:16}" "$([ "$wrc" = 0 ] && echo yes || echo no)" "$(ft "${W_AUTH[-1]}")")
		if [ "$have_sq" = 1 ] && [ "$nsq" -gt 0 ] && [ $(( (i - 1) % every )) = 0 ]; then
			ASKED_SQ=$((ASKED_SQ + 1))
			timed sq-wot $sqargs authenticate "$uid" "$fpr"; src=$RC; sa=$(sq_ans)
			S_AUTH+=("$DT")
			line+=$(printf '   sq-wot %-4s %s' "$([ "$src" = 0 ] && echo yes || echo no)" "$(ft "$DT")")
			if [ "$wrc" = "$src" ] && [ "${wa%% *}" = "${sa%% *}" ]; then
				AGREE=$((AGREE + 1))
			else
				MISMATCH=$((MISMATCH + 1))
				echo "  MISMATCH authenticate $fpr \"$uid\": weft exit $wrc amount ${wa%% *}, sq-wot exit $src amount ${sa%% *}"
			fi
			timed sq-wot $sqargs lookup "$uid"; local slrc=$RC; sl=$(sq_ans)
			S_LOOK+=("$DT")
			if [ "$wlrc" = "$slrc" ] && [ "$(sortset "${wl#* }")" = "$(sortset "${sl#* }")" ]; then
				AGREE_L=$((AGREE_L + 1))
			else
				MISMATCH=$((MISMATCH + 1))
				echo "  MISMATCH lookup \"$uid\": weft exit $wlrc keys ${wl#* }, sq-wot exit $slrc keys ${sl#* }"
			fi
		fi
		[ "$VERBOSE" = 1 ] && echo "  $line \"$uid\""
		[ "$VERBOSE" = 1 ] || [ $((i % 5)) != 0 ] || say "$label: $i of $n questions"
	done <"$qf"
}

# report NAME: the per-query table of the last ask.
report() {
	local wa wl sa sl
	wa=$(median "${W_AUTH[@]}"); wl=$(median "${W_LOOK[@]}")
	sa=""; sl=""
	[ "${#S_AUTH[@]}" -gt 0 ] && sa=$(median "${S_AUTH[@]}")
	[ "${#S_LOOK[@]}" -gt 0 ] && sl=$(median "${S_LOOK[@]}")
	printf '%-40s %10s %10s %9s\n' "" "weft" "sq-wot" "sq/weft"
	row "authenticate, median per query" "$wa" "$sa" "target 100x"
	row "lookup USERID, median per query" "$wl" "$sl"
	row "${#W_AUTH[@]} authenticate + lookup, in sequence" "$(sum "${W_AUTH[@]}" "${W_LOOK[@]}")" \
	    "$( [ "${#S_AUTH[@]}" = "${#W_AUTH[@]}" ] && sum "${S_AUTH[@]}" "${S_LOOK[@]}")"
	echo "bindings asked: ${#W_AUTH[@]} (weft: $N_AUTH authenticated, $N_NOT not);" \
	     "sq-wot asked $ASKED_SQ: agrees on $AGREE authenticate, $AGREE_L lookup, $MISMATCH mismatches"
}

cores=$(nproc)
load() { cut -d" " -f1-3 /proc/loadavg; }

if [ "$DEBIAN" = 1 ]; then
# ---- 1. debian-keyring: per-query ------------------------------------------------
echo "== trust: $(basename "$KR") ($(du -h "$KR" | cut -f1)), root $ROOT, $cores cores, load $(load)"
timed "$WEFT" --home "$T/deb" -q import "$KR"; deb_import=$DT
say "weft import: $(ft "$deb_import") (exit $RC)"
"$WEFT" --home "$T/deb" -q root add "$ROOT" || echo "weft root add $ROOT failed"

# The bindings: user IDs certified by the root, every k-th in order.
"$WEFT" --home "$T/deb" --json list >"$T/list.json"
python3 - "$T/list.json" >"$T/fprs" <<'EOF'
import json, sys
for k in json.load(open(sys.argv[1]))["keys"]:
    print(k["fingerprint"])
EOF
# shellcheck disable=SC2046
"$WEFT" --home "$T/deb" --json show $(cat "$T/fprs") >"$T/show.json"
python3 - "$T/show.json" "$ROOT" "$NQ" >"$T/deb.q" 2>"$T/err.q" <<'EOF'
import json, sys
d, root, nq = json.load(open(sys.argv[1])), sys.argv[2].upper(), int(sys.argv[3])
c = sorted((k["fingerprint"], u["uid"]) for k in d["keys"] for u in k["userids"]
           if not u.get("attribute") and "\t" not in u["uid"] and "\n" not in u["uid"]
           and any(x["issuer"] == root for x in u.get("certifications", [])))
step = max(1, len(c) / nq)
seen = []
for i in range(min(nq, len(c))):
    b = c[int(i * step)]
    if b not in seen:
        seen.append(b)
for f, u in seen:
    print(f"{f}\t{u}")
print(f"{len(c)} bindings certified by the root", file=sys.stderr)
EOF
say "$(cat "$T/err.q"); asking $(wc -l <"$T/deb.q") of them; sq-wot takes seconds per question"
ask debian "$T/deb" "--keyring $KR -r $ROOT" "$T/deb.q" "$NQ"

# Every binding: weft check (5 runs, median) / sq-wot list (1 run).
c=(); for r in 1 2 3 4 5; do timed "$WEFT" --home "$T/deb" check; failed check; c+=("$DT"); done
wcheck=$(median "${c[@]}")
wcount=$(sed -n 's/.*bindings: \([0-9]*\) authenticated.*/\1/p' "$T/out")
slist=""; scount="-"
if [ "$have_sq" = 1 ]; then
	timed sq-wot --keyring "$KR" -r "$ROOT" list; slist=$DT
	scount=$(grep -c '^\[✓\]' "$T/out")
fi
echo
report
row "every binding: weft check / sq-wot list" "$wcheck" "$slist" \
    "authenticated: weft $wcount, sq-wot $scount"

# ---- 2. weft check vs gpg --check-trustdb ----------------------------------------
sha=$(sha256sum "$KR" | cut -c1-16)
G=$CACHE/debian-gpg-$sha
if [ ! -f "$G/pubring.kbx" ]; then
	say "gpg: importing $(basename "$KR") into $G (once; ~100 s)"
	rm -rf "$G.tmp"; mkdir -m 700 "$G.tmp"
	timed gpg --homedir "$G.tmp" --batch --quiet --import "$KR"
	gpgconf --homedir "$G.tmp" --kill all >/dev/null 2>&1
	say "gpg import: $(ft "$DT") (exit $RC)"
	rm -f "$G.tmp"/S.* "$G.tmp"/pubring.kbx~ "$G.tmp"/*.lock "$G.tmp"/.#* 2>/dev/null
	rm -rf "$G"; mv "$G.tmp" "$G"
fi
cp -a "$G" "$T/gpg"
echo "$ROOT:6:" | gpg --homedir "$T/gpg" --batch --quiet --import-ownertrust 2>/dev/null
timed gpg --homedir "$T/gpg" --batch --yes --check-trustdb; gcheck=$DT
gvalid=$(sed -n 's/.*depth: [0-9]*  valid: *\([0-9]*\) .*/\1/p' "$T/err" | awk '{s+=$1} END {print s+0}')
gm=""; timed "$WEFT" --home "$T/deb" check --model gnupg; [ "$RC" = 0 ] && gm=$DT
gmcount=$(sed -n 's/.*bindings: \([0-9]*\) authenticated.*/\1/p' "$T/out")
printf '\n%-40s %10s %10s %9s\n' "" "weft" "gpg" "gpg/weft"
row "check (wot model) / --check-trustdb" "$wcheck" "$gcheck" "target 10x; gpg: $gvalid valid keys"
if [ -n "$gm" ]; then row "check --model gnupg / --check-trustdb" "$gm" "$gcheck" "weft: $gmcount bindings full"
else echo "check --model gnupg: not available ($(head -1 "$T/err"))"; fi

fi
# ---- 3. a generated keyring -----------------------------------------------------
[ "$NKEYS" -gt 0 ] 2>/dev/null || exit 0
gh=$(sha256sum "$bench/genkeyring.py" | cut -c1-12)
S=$CACHE/synth-$NKEYS-s$SEED-$gh.pgp
echo
echo "== trust: generated web of trust, $NKEYS keys (seed $SEED), $cores cores, load $(load)"
if [ ! -f "$S" ] || [ ! -f "$S.json" ]; then
	# A small instance first: every signature must check with gpg.
	mkdir -m 700 "$T/g20"
	python3 "$bench/genkeyring.py" -q -n 20 -s "$SEED" "$T/k20.pgp" || { echo "genkeyring failed"; exit 1; }
	gpg --homedir "$T/g20" --batch --quiet --import "$T/k20.pgp" 2>/dev/null
	good=$(gpg --homedir "$T/g20" --batch --check-sigs 2>/dev/null | grep -c '^sig!')
	bad=$(gpg --homedir "$T/g20" --batch --check-sigs 2>/dev/null | grep '^sig' | grep -vc '^sig!')
	nk=$(gpg --homedir "$T/g20" --batch --with-colons --list-keys 2>/dev/null | grep -c '^pub')
	gpgconf --homedir "$T/g20" --kill all >/dev/null 2>&1
	sqi=$(sq inspect "$T/k20.pgp" 2>/dev/null | grep -c '^OpenPGP Certificate')
	say "genkeyring check, 20 keys: gpg imported $nk, signatures $good good, $bad not; sq inspect: $sqi certificates"
	say "generating $S"
	timed python3 "$bench/genkeyring.py" -q -n "$NKEYS" -s "$SEED" "$S"
	[ "$RC" = 0 ] || { echo "genkeyring failed: $(cat "$T/err")"; exit 1; }
	say "generated in $(ft "$DT")"
fi
nsig=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signatures"])' "$S.json")
say "$(du -h "$S" | cut -f1), $nsig signatures; weft import verifies each (Ed25519, ~0.6 ms), minutes"
if [ "$CHUNK" -gt 0 ] && [ "$NKEYS" -gt "$CHUNK" ]; then
	# One "weft import" per CHUNK keys (see the top of this file).
	python3 - "$S" "$T/part" "$CHUNK" <<'EOF'
import sys
data, prefix, chunk = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
pos, start, keys, part = 0, 0, 0, 0
def cut(end):
    global part
    open(f"{prefix}{part:04d}.pgp", "wb").write(data[start:end])
    part += 1
while pos < len(data):
    b = data[pos]
    if b & 0x40:                                  # new format
        tag, l0 = b & 0x3f, data[pos + 1]
        if l0 < 192: hl, n = 2, l0
        elif l0 < 224: hl, n = 3, ((l0 - 192) << 8) + data[pos + 2] + 192
        else: hl, n = 6, int.from_bytes(data[pos + 2:pos + 6], "big")
    else:                                         # old format
        tag, lt = (b >> 2) & 0xf, b & 3
        w = (1, 2, 4)[lt]
        hl, n = 1 + w, int.from_bytes(data[pos + 1:pos + 1 + w], "big")
    if tag == 6:
        if keys == chunk:
            cut(pos); start, keys = pos, 0
        keys += 1
    pos += hl + n
cut(len(data))
EOF
	nparts=$(ls "$T"/part*.pgp | wc -l)
	say "weft import in $nparts runs of $CHUNK keys"
	syn_import=0
	for f in "$T"/part*.pgp; do
		timed "$WEFT" --home "$T/syn" -q import "$f"
		[ "$RC" = 0 ] || echo "weft import $(basename "$f"): exit $RC $(head -c 200 "$T/err")"
		syn_import=$(echo "$syn_import + $DT" | bc -l)
		say "weft import: $(basename "$f") $(ft "$DT")"
	done
	rm -f "$T"/part*.pgp
	import_how="weft import, $nparts runs of $CHUNK keys"
else
	timed "$WEFT" --home "$T/syn" -q import "$S"; syn_import=$DT
	say "weft import: $(ft "$syn_import") (exit $RC) $(head -c 200 "$T/err")"
	import_how="weft import, one file"
fi
sqargs="--keyring $S"
for r in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["roots"]))' "$S.json"); do
	"$WEFT" --home "$T/syn" -q root add "$r" || echo "weft root add $r failed"
	sqargs="$sqargs -r $r"
done
python3 -c '
import json, sys
for q in json.load(open(sys.argv[1]))["queries"]:
    print(q["fingerprint"] + "\t" + q["userid"])' "$S.json" >"$T/syn.q"
say "$(wc -l <"$T/syn.q") bindings; sq-wot on $SQQ of them (each call reads and verifies all $NKEYS keys)"
ask synthetic "$T/syn" "$sqargs" "$T/syn.q" "$SQQ"
c=(); for r in 1 2 3; do timed "$WEFT" --home "$T/syn" check; failed check; c+=("$DT"); done
wcheck=$(median "${c[@]}")
checknote=$(head -1 "$T/out"); [ "$RC" -le 1 ] || checknote="FAILED: exit $RC"
echo
printf '%-40s %10s   %s\n' "$import_how" "$(ft "$syn_import")" "$nsig signatures, $(echo "$syn_import * 1000000 / $nsig" | bc) us each"
report
row "every binding: weft check" "$wcheck" "" "$checknote"
echo "gpg: not run on the generated keyring (its import grows quadratically: 55 s for 5,100 keys)"
exit 0
