#!/bin/bash
# Flooding: one certificate carrying WEFT_BENCH_FLOOD (150,000)
# certifications by unknown keys, as in the 2019 attack on the SKS
# keyservers, plus 3 legitimate ones by the roots of a generated keyring
# (tests/bench/genflood.py), imported into that keyring by weft and by
# gpg (issue 7 item 3).  Prints times and what each kept; never
# pass/fail.
#
# The base is the generated keyring of WEFT_BENCH_FLOOD_BASE keys
# (default: 10,000 if WEFT_BENCH_SIZES has it, else its first size),
# imported by scale.sh earlier in the run (its homes in $WORK are copied)
# or here.  Then:
#   1. weft import of the flooded certificate (its report kept), and gpg
#      --import of it (GnuPG 2.2.40 refuses a keyblock this large and
#      retries keeping only self-signatures: the legitimate
#      certifications go too), each into a copy of the base keyring;
#   2. what survived: weft --json show VICTIM (certifications, those
#      verified, the legitimate ones verified) and weft authenticate of
#      the victim; gpg --check-sigs VICTIM (signatures kept, good ones,
#      legitimate ones) and the victim's validity after --check-trustdb;
#      the size of each keyring on disk;
#   3. queries on other keys before and after: weft authenticate and
#      lookup of 5 of the generator's bindings (none the victim), weft
#      check, gpg --list-keys of one of them, 7 runs each on the base
#      keyring and on the flooded one, alternately, so that a change in
#      the machine's load falls on both alike.
# weft's engine decides what it keeps of a flood (issue 7 item 3); this
# only measures and reports it.
#
# Writes $WORK/flood.md (a section of BENCHMARKS.md) and prints it.
. "$(dirname "$0")/lib.bash"

FLOOD=${WEFT_BENCH_FLOOD:-150000}
GPG_CAP=${WEFT_BENCH_GPG_CAP:-900}
SIZES=${WEFT_BENCH_SIZES:-1000 10000 100000}
if [ -n "${WEFT_BENCH_FLOOD_BASE:-}" ]; then BASE=$WEFT_BENCH_FLOOD_BASE
else BASE=${SIZES%% *}; for n in $SIZES; do [ "$n" = 10000 ] && BASE=10000; done; fi
MD=$WORK/flood.md

keyring "$BASE"
roots=$(jget "$S.json" roots)
fh=$(cat "$bench/genflood.py" "$bench/genkeyring.py" | sha256sum | cut -c1-12)
F=$CACHE/flood-$FLOOD-s$SEED-$fh.pgp
if [ ! -f "$F.json" ]; then
	rm -f "$CACHE"/flood-*.pgp "$CACHE"/flood-*.pgp.json
	say "generating the flooded certificate: $F"
	run0 python3 "$bench/genflood.py" -q -n "$FLOOD" -s "$SEED" "$F"
	[ "$RC" = 0 ] || { echo "genflood failed: $(cat "$T/err")"; exit 1; }
fi
VICTIM=$(jget "$F.json" victim)
VUID=$(jget "$F.json" userid)
LEGIT=$(jget "$F.json" legitimate)
LEGIT_IDS=$(jget "$F.json" legitimate_keyids)
echo
echo "== flood: $(commas "$FLOOD") certifications by unknown keys + 3 by the roots on one key ($(du -h "$F" | cut -f1)), into the keyring of $BASE keys; $(nproc) cores, load $(load)"

# ---- the base keyrings -------------------------------------------------------
W0=$T/weft-base; G0=$T/gpg-base; GPG_HOMES+=("$G0" "$T/flooded-gpg")
if [ -d "$WORK/weft-$BASE" ]; then
	cp -a "$WORK/weft-$BASE" "$W0"
else
	say "weft: importing the base keyring"
	"$WEFT" --home "$W0" -q import "$S" || echo "  weft import of the base failed"
	for r in $roots; do "$WEFT" --home "$W0" -q root add "$r"; done
fi
have_gpg=0
if command -v gpg >/dev/null; then
	if [ -f "$WORK/gpg-$BASE/pubring.kbx" ] && [ -f "$WORK/gpg-$BASE/trustdb.gpg" ] &&
	   [ "$(gpg --homedir "$WORK/gpg-$BASE" --batch --no-auto-check-trustdb --with-colons --list-keys 2>/dev/null | grep -c '^pub')" = "$BASE" ]; then
		cp -a "$WORK/gpg-$BASE" "$G0"; have_gpg=1
	else
		say "gpg: importing the base keyring (stopped after $GPG_CAP s)"
		mkdir -m 700 "$G0"
		run0 timeout -k 10 "$GPG_CAP" gpg --homedir "$G0" --batch --quiet --import "$S"
		if [ "$RC" = 0 ]; then
			for r in $roots; do echo "$r:6:"; done | gpg --homedir "$G0" --batch --quiet --import-ownertrust 2>/dev/null
			gpg --homedir "$G0" --batch --yes --check-trustdb >/dev/null 2>&1
			have_gpg=1
		else
			echo "  gpg could not import the base keyring in $GPG_CAP s: its column stays empty"
		fi
	fi
	gpgconf --homedir "$G0" --kill all >/dev/null 2>&1
fi

# ---- queries on other keys ---------------------------------------------------------
python3 -c '
import json, sys
q = json.load(open(sys.argv[1]))["queries"]
for x in q[::max(1, len(q) // 5)][:5]:
    print(x["fingerprint"] + "\t" + x["userid"])' "$S.json" >"$T/q"
OTHER=$(head -n 1 "$T/q" | cut -f1)
# The keyrings before the flood stay as they were: the queries below run
# on both, alternately (before, after, before, after, ...), so that drift
# in the machine's load falls on both alike.
wsize0=$(du -sk "$W0" | cut -f1)
gsize0=$( [ "$have_gpg" = 1 ] && du -sk "$G0" | cut -f1)

# ---- the flooded import ----------------------------------------------------------
W=$T/flooded-weft
wprep() { rm -rf "$W"; cp -a "$W0" "$W"; }
measure wprep "$WEFT" --home "$W" import "$F"
w_imp=$MED; w_rss=$MRSS; w_runs=$NRUNS; w_rc=$MRC
cp "$T/out" "$T/weft-import.out"; cp "$T/err" "$T/weft-import.err"
say "weft import: $(ft "$w_imp") (exit $w_rc), $(fm "$w_rss")"
g_imp=""; g_rss=""; g_note=""
if [ "$have_gpg" = 1 ]; then
	G=$T/flooded-gpg
	gprep() { gpgconf --homedir "$G" --kill all >/dev/null 2>&1; rm -rf "$G"; cp -a "$G0" "$G"; }
	measure gprep timeout -k 10 "$GPG_CAP" gpg --homedir "$G" --batch --import "$F"
	g_rss=$MRSS; g_runs=$NRUNS
	if [ "$MRC" = 124 ] || [ "$MRC" = 137 ]; then g_note="stopped after $GPG_CAP s"; else g_imp=$MED; fi
	grep -v '^gpg: Total\|^gpg: *\(imported\|processed\|unchanged\|new \)' "$T/err" | head -n 6 >"$T/gpg-import.err"
	gpgconf --homedir "$G" --kill all >/dev/null 2>&1
	say "gpg import: $(ft "$g_imp") ${g_note:+($g_note) }(exit $MRC), $(fm "$g_rss")"
fi

# ---- what survived ------------------------------------------------------------
"$WEFT" --home "$W" --json show "$VICTIM" >"$T/show.json" 2>"$T/show.err"
read -r w_total w_verified w_legit <<EOF
$(python3 - "$T/show.json" $LEGIT <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("- - -"); sys.exit()
legit = set(sys.argv[2:])
c = [x for k in d.get("keys", []) for u in k.get("userids", []) for x in u.get("certifications", [])]
print(len(c), sum(1 for x in c if x.get("verified")),
      len({x["issuer"] for x in c if x.get("verified") and x.get("issuer") in legit}))
PY
)
EOF
run0 "$WEFT" --home "$W" authenticate "$VICTIM" "$VUID"
w_auth=$([ "$RC" = 0 ] && echo "authenticated" || echo "not authenticated (exit $RC)")
w_amount=$(grep -o '(amount [0-9]* of [0-9]*)' "$T/out" | head -n 1)
wsize1=$(du -sk "$W" | cut -f1)
g_total="-"; g_good="-"; g_legit="-"; g_valid="-"; gsize1=""
if [ "$have_gpg" = 1 ] && [ -z "$g_note" ]; then
	gpg --homedir "$G" --batch --check-sigs "$VICTIM" >"$T/cs" 2>/dev/null
	vkid=${VICTIM: -16}
	g_total=$(grep '^sig' "$T/cs" | grep -vc " $vkid ")
	g_good=$(grep '^sig!' "$T/cs" | grep -vc " $vkid ")
	g_legit=0; for k in $LEGIT_IDS; do grep -q "^sig! .*$k" "$T/cs" && g_legit=$((g_legit + 1)); done
	run0 gpg --homedir "$G" --batch --yes --check-trustdb; g_check=$DT
	g_valid=$(gpg --homedir "$G" --batch --no-auto-check-trustdb --with-colons --list-keys "$VICTIM" 2>/dev/null |
		awk -F: '$1 == "uid" { v = $2 } END { print v }')
	case $g_valid in f) g_valid="full";; u) g_valid="ultimate";; m) g_valid="marginal";; -|q|"") g_valid="unknown";; n) g_valid="never";; esac
	gsize1=$(du -sk "$G" | cut -f1)
	gpgconf --homedir "$G" --kill all >/dev/null 2>&1
fi

# ---- queries on other keys: before against after ------------------------------------
# ab CMD-BEFORE... -- CMD-AFTER...: 7 runs of each, alternately; sets
# A_B and A_A (the medians).
ab() {
	local b=() a=() tb=() ta=() r
	while [ "$1" != -- ]; do b+=("$1"); shift; done
	shift; a=("$@")
	for ((r = 0; r < 7; r++)); do
		run0 "${b[@]}"; tb+=("$DT")
		run0 "${a[@]}"; ta+=("$DT")
	done
	A_B=$(median "${tb[@]}"); A_A=$(median "${ta[@]}")
}
pb=(); pa=(); lb=(); la=()
while IFS=$'\t' read -r fpr uid; do
	ab "$WEFT" --home "$W0" authenticate "$fpr" "$uid" -- "$WEFT" --home "$W" authenticate "$fpr" "$uid"
	pb+=("$A_B"); pa+=("$A_A")
	ab "$WEFT" --home "$W0" lookup "$uid" -- "$WEFT" --home "$W" lookup "$uid"
	lb+=("$A_B"); la+=("$A_A")
done <"$T/q"
b_auth=$(median "${pb[@]}"); a_auth=$(median "${pa[@]}")
b_look=$(median "${lb[@]}"); a_look=$(median "${la[@]}")
ab "$WEFT" --home "$W0" check -- "$WEFT" --home "$W" check
b_check=$A_B; a_check=$A_A
b_glist=""; a_glist=""
if [ "$have_gpg" = 1 ] && [ -z "$g_note" ]; then
	ab gpg --homedir "$G0" --batch --no-auto-check-trustdb --list-keys "$OTHER" -- \
	   gpg --homedir "$G" --batch --no-auto-check-trustdb --list-keys "$OTHER"
	b_glist=$A_B; a_glist=$A_A
	gpgconf --homedir "$G" --kill all >/dev/null 2>&1
fi
say "before / after: weft authenticate $(ft "$b_auth") / $(ft "$a_auth"), lookup $(ft "$b_look") / $(ft "$a_look"), check $(ft "$b_check") / $(ft "$a_check")"

# ---- report -----------------------------------------------------------------
rt() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }' || echo "-"; }
kb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }' || echo "-"; }
fast=$( [ -n "$g_imp" ] && awk -v w="$w_imp" -v g="$g_imp" 'BEGIN { print (w <= g) ? "met" : "MISSED" }' ||
	{ [ -n "$g_note" ] && echo "met (gpg did not finish)"; } || echo "n/a")
slower() { awk -v b="$1" -v a="$2" 'BEGIN { print (a <= b * 1.25) ? "no slower" : "SLOWER" }'; }
{
	echo "## Flooding"
	echo
	echo "One certificate, \`$VUID\` ($VICTIM), carrying $(commas "$FLOOD") certifications by unknown keys (random issuers: well formed, not verifiable) and 3 legitimate certifications by the keyring's roots (real signatures, at a third, two thirds and the end of the flood), $(du -h "$F" | cut -f1)B, imported into the generated keyring of $(commas "$BASE") keys (tests/bench/flood.sh, genflood.py). Same run as above."
	echo
	echo "| | weft | gpg |"
	echo "|---|---:|---:|"
	echo "| import of the flooded certificate | $(ft "$w_imp" | xargs) ($w_runs run$([ "$w_runs" = 1 ] || echo s)) | $( [ -n "$g_imp" ] && ft "$g_imp" | xargs || echo "${g_note:--}") |"
	echo "| peak memory of that import | $(kb "$w_rss") | $(kb "$g_rss") |"
	echo "| third-party certifications of the victim kept | $w_total | $g_total |"
	echo "| ... of them verified (good) | $w_verified | $g_good |"
	echo "| legitimate certifications kept and verified | $w_legit of 3 | $g_legit of 3 |"
	echo "| the victim's user ID | $w_auth ${w_amount} | validity $g_valid |"
	echo "| keyring on disk, before / after | $(kb "$wsize0") / $(kb "$wsize1") | $(kb "$gsize0") / $(kb "$gsize1") |"
	echo
	echo "Target: weft imports it at least as fast as gpg: **$fast** (gpg/weft $(rt "$w_imp" "$g_imp"))."
	echo
	echo "Queries on other keys, before and after the flooded import (medians of 7 runs on each keyring, alternately; authenticate and lookup: the median over 5 bindings from the generator, none the victim):"
	echo
	echo "| | before | after | after/before | |"
	echo "|---|---:|---:|---:|---|"
	echo "| weft authenticate | $(ft "$b_auth" | xargs) | $(ft "$a_auth" | xargs) | $(rt "$b_auth" "$a_auth") | $(slower "$b_auth" "$a_auth") |"
	echo "| weft lookup | $(ft "$b_look" | xargs) | $(ft "$a_look" | xargs) | $(rt "$b_look" "$a_look") | $(slower "$b_look" "$a_look") |"
	echo "| weft check (every binding) | $(ft "$b_check" | xargs) | $(ft "$a_check" | xargs) | $(rt "$b_check" "$a_check") | $(slower "$b_check" "$a_check") |"
	[ -n "$b_glist" ] && [ -n "$a_glist" ] &&
	echo "| gpg --list-keys of another key | $(ft "$b_glist" | xargs) | $(ft "$a_glist" | xargs) | $(rt "$b_glist" "$a_glist") | $(slower "$b_glist" "$a_glist") |"
	echo
	echo "(\"no slower\": within 25%, the noise of this machine.)"
	echo
	echo "weft import's report of the flooded certificate:"
	echo
	echo '```'
	cat "$T/weft-import.out" "$T/weft-import.err" | tr -d '\r' | grep -v '^\s*$' | tail -n 12
	echo '```'
	if [ -s "$T/gpg-import.err" ]; then
		echo
		echo "gpg --import said:"
		echo
		echo '```'
		cat "$T/gpg-import.err"
		echo '```'
	fi
} >"$MD"
echo
cat "$MD"
