#!/bin/bash
# Scale: weft against gpg and sq-wot on generated webs of trust of
# 1,000, 10,000 and 100,000 keys (issue 7), every tool on the same
# keyring in the same run.  Prints a table of medians, peak memory and
# ratios; never pass/fail (speed targets are read from these numbers,
# not tested).
#
# For each size in WEFT_BENCH_SIZES (default "1000 10000 100000"):
#   keyring   tests/bench/genkeyring.py, seed WEFT_BENCH_SEED (1), kept in
#             the bench cache (WEFT_BENCH_CACHE, default build/bench-cache)
#             as synth-<keys>-s<seed>-<hash of genkeyring.py>.pgp with its
#             .json, .msg, .sig and .vrec; a new version of the generator
#             is first checked on 50 keys with gpg and sq (lib.bash);
#   limit     the physical limit of an import: verifyrate.c (built by
#             make bench) verifies the keyring's first 100,000 signatures
#             on 2 threads with weft's verifier, as weft does, and nothing
#             else; scaled to all of the keyring's signatures (the line
#             also gives libgcrypt's gcry_pk_verify per signature);
#   weft      import into an empty keyring, import again (nothing new),
#             root add of the 3 roots, check, list, verify (a detached
#             signature by one of the keys), authenticate and lookup of
#             the 20 bindings the generator chose (each the median of its
#             runs; the row is the median over bindings);
#   gpg       --import into an empty home (under a time cap,
#             WEFT_BENCH_GPG_CAP seconds, default 900: its import grows
#             quadratically; when the cap stops it, the row says how many
#             keys it had imported), the roots' ownertrust set to
#             ultimate, --check-trustdb (each run from a copy of the home
#             as it was before the check), --list-keys, --verify;
#   sq-wot    authenticate and lookup of WEFT_BENCH_SQ_QUERIES of the 20
#             bindings (default 5, 2 above 10,000 keys: every call reads
#             and verifies the whole keyring), list (every binding:
#             weft check's counterpart).  weft and sq-wot must agree on
#             every answer: mismatches are printed.
# A command that takes under 0.5 s runs 7 times, under 5 s 3 times, else
# once; the median counts.  Every first run is under GNU time for its
# peak memory (max RSS).  Times are wall clock of whole processes.
#
# Results go to $WORK/scale.tsv (WEFT_BENCH_WORK, from tests/bench/run);
# the imported homes stay in $WORK (weft-N, gpg-N) for flood.sh.  The
# table is printed by report.py, which tests/bench/run also asks for
# BENCHMARKS.md and the plot.
#
# WEFT_BENCH_PROFILE=1 also records perf profiles (flat, cpu-clock) of
# weft import, check and list at the largest size, each for at most
# WEFT_BENCH_PROFILE_SECS (90) seconds, with the peak anonymous and
# file-backed memory in that time, into $WORK/perf-*.txt; BENCHMARKS.md
# shows them.
. "$(dirname "$0")/lib.bash"

SIZES=${WEFT_BENCH_SIZES:-1000 10000 100000}
GPG_CAP=${WEFT_BENCH_GPG_CAP:-900}
PROFILE=${WEFT_BENCH_PROFILE:-0}
PROFILE_SECS=${WEFT_BENCH_PROFILE_SECS:-90}
RES=$WORK/scale.tsv
: >"$RES"
have_sq=1; command -v sq-wot >/dev/null || { have_sq=0; echo "bench scale: sq-wot not installed, its columns stay empty"; }
have_gpg=1; command -v gpg >/dev/null || { have_gpg=0; echo "bench scale: gpg not installed, its columns stay empty"; }

# record SIZE OP TOOL SECONDS RSS_KIB RUNS NOTE
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RES"; }
# meta SIZE KEY VALUE
meta() { record "$1" meta "$2" "$3" "" "" ""; }
show() { printf '  %-8s %-14s %-7s %s  %s  (%s run%s)%s\n' "$1" "$2" "$3" "$(ft "$4")" "$(fm "$5")" "$6" "$([ "$6" = 1 ] || echo s)" "${7:+  $7}"; }
rec() { record "$@"; show "$@"; }

# verifyrate, built by make bench with libweft.a.
VR=${BUILD:+$BUILD/bench/verifyrate}
[ -n "$VR" ] && [ -x "$VR" ] ||
	{ echo "bench scale: no verifyrate (run through make bench)"; VR=""; }

# Answers, as trust.sh reads them: "AMOUNT FPR,FPR" (the amount of the
# first binding, the authenticated fingerprints).
answer() { awk '{ if (NR == 1) a = $3 + 0; if ($1 == "Y") f = f (f ? "," : "") $2 } END { print a + 0, (f ? f : "-") }'; }
weft_ans() {
	sed -n -e 's/^\[✓\] \([0-9A-F]*\) .*(amount \([0-9]*\) of [0-9]*)$/Y \1 \2/p' \
	       -e 's/^\[ \] \([0-9A-F]*\) .*(amount \([0-9]*\) of [0-9]*)$/N \1 \2/p' "$T/out" | answer
}
sq_ans() {
	sed -n -e 's/^\[✓\] \([0-9A-F]*\) .*(\([0-9]*\)%)$/Y \1 \2/p' \
	       -e 's/^\[ \] \([0-9A-F]*\) .*(\([0-9]*\)%)$/N \1 \2/p' "$T/out" |
		awk '{ print $1, $2, int($3 * 120 / 100 + 0.5) }' | answer
}
sortset() { echo "$1" | tr , '\n' | sort | paste -sd, -; }

# queries TOOL OP: OP (authenticate or lookup) of the bindings in
# $T/q (every line "FPR<TAB>UID") with TOOL; sets MED (median over
# bindings of each binding's median), MRSS (the largest) and NQ; each
# answer goes to $T/ans.TOOL.OP (a line per binding).
queries() {
	local tool=$1 op=$2 fpr uid meds=() rss=() runs=0
	: >"$T/ans.$tool.$op"
	while IFS=$'\t' read -r fpr uid; do
		case $tool/$op in
		weft/authenticate) measure : "$WEFT" --home "$H" authenticate "$fpr" "$uid" ;;
		weft/lookup)       measure : "$WEFT" --home "$H" lookup "$uid" ;;
		sq-wot/authenticate) measure : sq-wot $SQARGS authenticate "$uid" "$fpr" ;;
		sq-wot/lookup)     measure : sq-wot $SQARGS lookup "$uid" ;;
		esac
		[ "$tool" = weft ] && failed "weft $op $fpr \"$uid\""
		meds+=("$MED"); rss+=("$MRSS"); runs=$((runs + NRUNS))
		if [ "$tool" = weft ]; then echo "$MRC $(weft_ans)"; else echo "$MRC $(sq_ans)"; fi >>"$T/ans.$tool.$op"
	done <"$T/q"
	MED=$(median "${meds[@]}"); MRSS=$(maxof "${rss[@]}"); NQ=${#meds[@]}; NRUNS=$runs
}

# memwatch PID: PID is perf, its child timeout, its child weft: prints
# weft's peak anonymous and file-backed resident memory (KiB, sampled
# every 0.2 s) and how long it ran (s), when PID is gone.
memwatch() {
	local p=$1 w="" a=0 f=0 x y s=$EPOCHREALTIME
	while kill -0 "$p" 2>/dev/null; do
		[ -n "$w" ] || w=$(pgrep -P "$(pgrep -P "$p" | head -n 1)" 2>/dev/null | head -n 1)
		if [ -n "$w" ] && read -r x y < <(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { print a + 0, f + 0 }' "/proc/$w/status" 2>/dev/null); then
			[ "$x" -gt "$a" ] && a=$x
			[ "$y" -gt "$f" ] && f=$y
		fi
		sleep 0.2
	done
	echo "$a $f $(awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
}

# gpg_count HOME: the number of keys in a gpg home.
gpg_count() { gpg --homedir "$1" --batch --no-auto-check-trustdb --with-colons --list-keys 2>/dev/null | grep -c '^pub'; }

largest=0
for n in $SIZES; do [ "$n" -gt "$largest" ] && largest=$n; done

for n in $SIZES; do
	echo
	keyring "$n"
	nsig=$(jget "$S.json" signatures)
	echo "== scale: $n keys, $nsig signatures ($(du -h "$S" | cut -f1)), $(nproc) cores, load $(load)"
	meta "$n" signatures "$nsig"
	meta "$n" bytes "$(stat -c %s "$S")"
	meta "$n" degree "$(python3 - "$S.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g, c = d["degree"], d["counts"]
print(f"certifications received: median {g['in_median']}, 99th percentile {g['in_p99']}, "
      f"largest {', '.join(map(str, g['in_top5']))}; {g['keys_certified_1000_times']} keys "
      f"certified 1,000 times or more; {c['trust_signatures']} trust signatures, "
      f"{c['expired']} expired and {c['revoked']} revoked certifications")
PY
)"
	say "$(grep -P "^$n\tmeta\tdegree" "$RES" | cut -f4)"
	roots=$(jget "$S.json" roots)
	SQARGS="--keyring $S"
	for r in $roots; do SQARGS="$SQARGS -r $r"; done
	python3 -c '
import json, sys
for q in json.load(open(sys.argv[1]))["queries"]:
    print(q["fingerprint"] + "\t" + q["userid"])' "$S.json" >"$T/q.all"

	# ---- the physical limit ----
	if [ -n "$VR" ]; then
		run0 "$VR" "$S.vrec" 2
		if [ "$RC" = 0 ]; then
			read -r vc vt vs vk gc gs vd <"$T/out"
			# the verifications scale with the signatures, the
			# decodings with the keys (each decoded once)
			lim=$(awk -v s="$vs" -v d="$vd" -v c="$vc" -v k="$vk" -v n="$nsig" -v K="$n" 'BEGIN { printf "%.6f", (s - d) * n / c + d * K / k }')
			rec "$n" limit verifyrate "$lim" "" 1 "weft's Ed25519 verifier (ed25519.c) decoded $vk keys in $(printf '%.2f' "$vd") s and verified $vc signatures in $(awk -v s="$vs" -v d="$vd" 'BEGIN { printf "%.2f", s - d }') s on $vt threads ($(awk -v s="$vs" -v d="$vd" -v c="$vc" 'BEGIN { printf "%.0f", (s - d) * 1e6 / c }') us a signature; libgcrypt's gcry_pk_verify: $(awk -v s="$gs" -v c="$gc" 'BEGIN { printf "%.0f", s * 1e6 / c }') us over $gc); scaled to $nsig signatures and $n keys"
		else
			echo "  verifyrate: $(head -c 300 "$T/err")"
		fi
	fi

	# ---- weft ----
	H=$WORK/weft-$n
	wprep() { rm -rf "$H"; }
	measure wprep "$WEFT" --home "$H" -q import "$S"; RC=$MRC; failed "weft import"
	rec "$n" import weft "$MED" "$MRSS" "$NRUNS" "$(awk -v t="$MED" -v s="$nsig" 'BEGIN { printf "%.0f us per signature", t * 1e6 / s }')"
	measure : "$WEFT" --home "$H" -q import "$S"; RC=$MRC; failed "weft import again"
	rec "$n" reimport weft "$MED" "$MRSS" "$NRUNS" "the same file again: nothing new"
	for r in $roots; do "$WEFT" --home "$H" -q root add "$r" || echo "  weft root add $r failed"; done
	measure : "$WEFT" --home "$H" check; RC=$MRC; failed "weft check"
	wcount=$(sed -n 's/.*bindings: \([0-9]*\) authenticated.*/\1/p' "$T/out")
	rec "$n" check weft "$MED" "$MRSS" "$NRUNS" "$wcount bindings authenticated"
	measure : "$WEFT" --home "$H" list; RC=$MRC; failed "weft list"
	rec "$n" list weft "$MED" "$MRSS" "$NRUNS" ""
	measure : "$WEFT" --home "$H" verify --signature "$S.sig" "$S.msg"; RC=$MRC; failed "weft verify"
	rec "$n" verify weft "$MED" "$MRSS" "$NRUNS" "exit $MRC"
	cp "$T/q.all" "$T/q"
	queries weft authenticate
	rec "$n" authenticate weft "$MED" "$MRSS" "$NRUNS" "median of $NQ bindings"
	queries weft lookup
	rec "$n" lookup weft "$MED" "$MRSS" "$NRUNS" "median of $NQ user IDs"

	# ---- gpg ----
	if [ "$have_gpg" = 1 ]; then
		G=$WORK/gpg-$n
		GPG_HOMES+=("$G" "$G.0")
		gprep() { gpgconf --homedir "$G" --kill all >/dev/null 2>&1; rm -rf "$G"; mkdir -m 700 "$G"; }
		if [ "$GPG_CAP" -gt 0 ] 2>/dev/null; then
			say "gpg --import (stopped after $GPG_CAP s)"
			measure gprep timeout -k 10 "$GPG_CAP" gpg --homedir "$G" --batch --quiet --import "$S"
		else
			MRC=124; MED=""; MRSS=""; NRUNS=0
		fi
		gpgconf --homedir "$G" --kill all >/dev/null 2>&1
		if [ "$MRC" = 124 ] || [ "$MRC" = 137 ]; then
			got=$([ -d "$G" ] && gpg_count "$G" || echo 0)
			rec "$n" import gpg "" "$MRSS" 1 "not finished: stopped after $GPG_CAP s (WEFT_BENCH_GPG_CAP) with $got of $n keys imported"
			gpg_done=0
		else
			got=$(gpg_count "$G")
			rec "$n" import gpg "$MED" "$MRSS" "$NRUNS" "$got keys"
			gpg_done=1
		fi
		if [ "$gpg_done" = 1 ]; then
			for r in $roots; do echo "$r:6:"; done |
				gpg --homedir "$G" --batch --quiet --no-auto-check-trustdb --import-ownertrust 2>/dev/null
			gpgconf --homedir "$G" --kill all >/dev/null 2>&1
			rm -rf "$G.0"; cp -a "$G" "$G.0"
			cprep() { rm -rf "$G"; cp -a "$G.0" "$G"; }
			measure cprep gpg --homedir "$G" --batch --yes --check-trustdb
			gvalid=$(sed -n 's/.*depth: [0-9]*  valid: *\([0-9]*\) .*/\1/p' "$T/err" | awk '{ s += $1 } END { print s + 0 }')
			rec "$n" check gpg "$MED" "$MRSS" "$NRUNS" "--check-trustdb: $gvalid keys valid"
			measure : gpg --homedir "$G" --batch --no-auto-check-trustdb --list-keys
			rec "$n" list gpg "$MED" "$MRSS" "$NRUNS" ""
			measure : gpg --homedir "$G" --batch --no-auto-check-trustdb --verify "$S.sig" "$S.msg"
			rec "$n" verify gpg "$MED" "$MRSS" "$NRUNS" "exit $MRC"
			gpgconf --homedir "$G" --kill all >/dev/null 2>&1
			rm -rf "$G.0"
		else
			for op in check list verify; do
				record "$n" "$op" gpg "" "" 0 "not run: the import did not finish"
			done
		fi
	fi

	# ---- sq-wot ----
	if [ "$have_sq" = 1 ]; then
		sqq=${WEFT_BENCH_SQ_QUERIES:-$([ "$n" -gt 10000 ] && echo 2 || echo 5)}
		# sqq of the bindings, spread over the list.
		awk -v k="$sqq" -v n="$(wc -l <"$T/q.all")" 'BEGIN { srand(0) } { if (k > 0 && int((NR - 1) * k / n) != int(NR * k / n)) print }' "$T/q.all" >"$T/q"
		say "sq-wot: $(wc -l <"$T/q") of the bindings (each call reads and verifies all $n keys)"
		queries sq-wot authenticate
		rec "$n" authenticate sq-wot "$MED" "$MRSS" "$NRUNS" "median of $NQ bindings"
		queries sq-wot lookup
		rec "$n" lookup sq-wot "$MED" "$MRSS" "$NRUNS" "median of $NQ user IDs"
		# weft's answers to the same bindings.
		mism=0; agree=0
		while IFS=$'\t' read -r fpr uid; do
			w=$(grep -nF "$fpr" "$T/q.all" | head -n 1 | cut -d: -f1)
			for op in authenticate lookup; do
				a=$(sed -n "${w}p" "$T/ans.weft.$op")
				b=$(sed -n "$(grep -nF "$fpr" "$T/q" | head -n 1 | cut -d: -f1)p" "$T/ans.sq-wot.$op")
				# exit status, amount (authenticate) or the set of keys (lookup)
				set -- $a; wa="$1 $([ "$op" = authenticate ] && echo "$2" || sortset "$3")"
				set -- $b; sa="$1 $([ "$op" = authenticate ] && echo "$2" || sortset "$3")"
				if [ "$wa" = "$sa" ]; then agree=$((agree + 1))
				else mism=$((mism + 1)); echo "  MISMATCH $op $fpr \"$uid\": weft $wa, sq-wot $sa"; fi
			done
		done <"$T/q"
		meta "$n" agreement "weft and sq-wot agree on $agree of $((agree + mism)) answers"
		say "weft and sq-wot agree on $agree of $((agree + mism)) answers"
		measure : sq-wot $SQARGS list
		scount=$(grep -c '^\[✓\]' "$T/out")
		rec "$n" check sq-wot "$MED" "$MRSS" "$NRUNS" "sq-wot list: $scount bindings authenticated"
	fi

	# ---- profiles ----
	if [ "$PROFILE" = 1 ] && [ "$n" = "$largest" ] && command -v perf >/dev/null; then
		for op in import check list; do
			P=$WORK/perf-$op-$n
			case $op in
			import) rm -rf "$T/prof"; cmd=("$WEFT" --home "$T/prof" -q import "$S") ;;
			check)  cmd=("$WEFT" --home "$H" check) ;;
			list)   cmd=("$WEFT" --home "$H" list) ;;
			esac
			perf record -q -F 499 -o "$P.data" -- timeout -s INT "$PROFILE_SECS" "${cmd[@]}" >/dev/null 2>&1 &
			memwatch $! >"$T/mem"
			wait
			read -r anon file secs <"$T/mem"
			rm -rf "$T/prof"
			{
				echo "weft $op, $(commas "$n") keys: perf record -F 499 (cpu-clock) of the first $secs s (at most WEFT_BENCH_PROFILE_SECS = $PROFILE_SECS)"
				echo "peak memory in that time: $(fm "$anon" | xargs) anonymous (heap), $(fm "$file" | xargs) file-backed (binary, libraries, the LMDB map)"
				echo "self time per library:"
				perf report -i "$P.data" --stdio --sort dso 2>/dev/null | grep '%' | head -n 6
				echo "self time per function (libgcrypt has no symbols here: its lines are left out):"
				perf report -i "$P.data" --stdio --sort dso,sym 2>/dev/null | grep '%' | grep -v '\] 0x0000' | head -n 15
			} >"$P.txt"
			rm -f "$P.data"
			say "profile of weft $op: $P.txt"
		done
	fi
done

echo
python3 "$bench/report.py" --table "$RES"
