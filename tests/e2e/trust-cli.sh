#!/bin/bash
# Roots, ownertrust, path checks, gossip and exit statuses of the trust
# commands; ownertrust compared with sq-wot --gpg-ownertrust, which weft's
# rule follows.
. "$(dirname "$0")/lib.sh"

# A root (own key in gpg), three marginal introducers by ownertrust, a
# full one, and targets.  gpg makes every key; lsigns from the root.
export GNUPGHOME
mk() { G --quick-gen-key "$1" ed25519 sign,cert never; }
for n in root m1 m2 m3 full t1 t2 t3 lone; do mk "$n <$n@example.org>"; done
f() { G --with-colons --list-keys "$1@example.org" | awk -F: '$1=="fpr"{print $10; exit}'; }
R=$(f root) M1=$(f m1) M2=$(f m2) M3=$(f m3) FU=$(f full)
T1=$(f t1) T2=$(f t2) T3=$(f t3) LONE=$(f lone)
for k in $M1 $M2 $M3 $FU; do G --local-user $R --quick-lsign-key $k; done
# t1: certified by all three marginals; t2: by two; t3: by the full one.
for k in $M1 $M2 $M3; do G --local-user $k --quick-sign-key $T1; done
for k in $M1 $M2; do G --local-user $k --quick-sign-key $T2; done
G --local-user $FU --quick-sign-key $T3
G --export --export-options export-local-sigs > "$T/kr.pgp"
printf '%s:6:\n%s:4:\n%s:4:\n%s:4:\n%s:5:\n' $R $M1 $M2 $M3 $FU > "$T/ot.txt"
W import "$T/kr.pgp" >/dev/null

# -- roots -----------------------------------------------------------------
check_eq "no roots yet: root list --json" "$(W --json root list | J 'len(d["roots"])')" 0
check_rc "not authenticated without roots: exit 1" 1 W authenticate $T3 "t3 <t3@example.org>"
check_rc "root add" 0 W root add $R
check_eq "root list shows it, explicit, 120" \
	"$(W --json root list | J '[(r["fingerprint"],r["amount"],r["explicit"],r["ownertrust"]) for r in d["roots"]]')" \
	"[[\"$R\", 120, true, false]]"
check_rc "root's own user ID: authenticated" 0 W authenticate $R "root <root@example.org>"
check_eq "root's own user ID: ultimate" "$(W --json authenticate $R 'root <root@example.org>' | J 'd["validity"]')" ultimate
check_eq "lsigned key: full (local certifications count)" "$(W --json authenticate $M1 'm1 <m1@example.org>' | J 'd["amount"]')" 120
check_rc "t1 without ownertrust: not authenticated" 1 W authenticate $T1 "t1 <t1@example.org>"
check_rc "root add --amount 0: exit 2" 2 W root add $LONE --amount 0
check_rc "root add --amount 121: exit 2" 2 W root add $LONE --amount 121
check_rc "root add of an unknown key: exit 1" 1 W root add 0000000000000000000000000000000000000000
check_rc "root remove of a non-root: exit 1" 1 W root remove $LONE
W root add $LONE --amount 40 >/dev/null
check_eq "partial root: its own user ID at 40" "$(W --json authenticate $LONE 'lone <lone@example.org>' | J 'd["amount"]')" 40
check_rc "root remove" 0 W root remove $LONE
check_eq "removed root: amount 0" "$(W --json authenticate $LONE 'lone <lone@example.org>' | J 'd["amount"]')" 0

# -- ownertrust --------------------------------------------------------------
check_rc "import-ownertrust" 0 W import-ownertrust "$T/ot.txt"
check_eq "ownertrust roots: root + 3 marginal + 1 full" \
	"$(W --json root list | J 'sorted((r["fingerprint"][:8],r["amount"]) for r in d["roots"])')" \
	"$(python3 -c "print(__import__('json').dumps(sorted([('${R:0:8}',120),('${M1:0:8}',40),('${M2:0:8}',40),('${M3:0:8}',40),('${FU:0:8}',120)])))")"
check_eq "three marginals: 120" "$(W --json authenticate $T1 't1 <t1@example.org>' | J 'd["amount"]')" 120
check_eq "two marginals: 80" "$(W --json authenticate $T2 't2 <t2@example.org>' | J 'd["amount"]')" 80
check_rc "two marginals: not fully authenticated" 1 W authenticate $T2 "t2 <t2@example.org>"
check_eq "one full: 120" "$(W --json authenticate $T3 't3 <t3@example.org>' | J 'd["amount"]')" 120
check_eq "t2 listed as marginal" "$(W --json list $T2 | J 'd["keys"][0]["userids"][0]["validity"]')" marginal
# sq-wot --gpg-ownertrust reads gpg's keyring and ownertrust.  A clean gpg
# home (the one that made the keys gave them all ultimate ownertrust) with
# the same keyring (local signatures included) and the same values; compare
# the percentage sq-wot prints (amount * 100 / 120, rounded down).
GS=$(new_gpg_home)
GH=$GS G --import-options import-local-sigs --import "$T/kr.pgp"
GH=$GS G --import-ownertrust "$T/ot.txt"
for k in $T1 $T2 $T3 $M1 $R; do
	uid=$(G --with-colons --list-keys $k | awk -F: '$1=="uid"{print $10; exit}')
	ours=$(W --json authenticate $k "$uid" | J 'd["amount"]')
	theirs=$(GNUPGHOME=$GS sq-wot --gpg authenticate "$uid" $k 2>/dev/null |
		 grep -oE '\(([0-9]+)%\)' | head -n 1 | tr -dc 0-9)
	check_eq "sq-wot --gpg-ownertrust agrees on $uid" "$(( ours * 100 / 120 ))" "${theirs:-0}"
done
W export-ownertrust > "$T/ot-out.txt"
check_eq "export-ownertrust writes gpg's format" \
	"$(grep -v '^#' "$T/ot-out.txt" | sort)" "$(grep -v '^#' "$T/ot.txt" | sort)"
G2=$(new_gpg_home)
GH=$G2 G --import-ownertrust "$T/ot-out.txt"
check_eq "gpg reads it back" "$(GH=$G2 G --export-ownertrust | grep -v '^#' | sort)" "$(sort "$T/ot.txt")"
check_rc "trust never: exit 0" 0 W trust $M3 never
check_eq "m3 never: t1 drops to 80" "$(W --json authenticate $T1 't1 <t1@example.org>' | J 'd["amount"]')" 80
check_rc "trust with a bad level: exit 2" 2 W trust $M3 sometimes
printf 'garbage line\n' > "$T/bad.txt"
check_rc "import-ownertrust of garbage: exit 2" 2 W import-ownertrust "$T/bad.txt"
check "import-ownertrust of garbage names the line" bash -c "'$WEFT' --home '$T/home' import-ownertrust '$T/bad.txt' 2>&1 | grep -q 'line 1'"
check_eq "garbage changed nothing" "$(W --json authenticate $T1 't1 <t1@example.org>' | J 'd["amount"]')" 80

# -- path --------------------------------------------------------------------------
check_rc "path root -> m1 -> t1 (m1 is only lsigned, not a trusted introducer): exit 1" 1 \
	W path --root $R $R $M1 $T1 "t1 <t1@example.org>"
check_rc "path m1 -> t1 with m1 as root: exit 0" 0 W path --root $M1 $M1 $T1 "t1 <t1@example.org>"
check_eq "path --json: fingerprints" \
	"$(W --json path --root $M1 $M1 $T1 't1 <t1@example.org>' | J 'd["paths"][0]["fingerprints"]')" "[\"$M1\", \"$T1\"]"
check_rc "path to a user ID nobody certified: exit 1" 1 W path --root $M1 $M1 $T2 "t1 <t1@example.org>"
check_rc "path whose first key is not a root: exit 1" 1 W path --root $R $M1 $T1 "t1 <t1@example.org>"

# -- gossip -------------------------------------------------------------------------
check_rc "gossip authenticates nothing: exit 1" 1 W authenticate --gossip $T1 "t1 <t1@example.org>"
check_eq "gossip shows the three certifiers, and the root behind them" \
	"$(W --json authenticate --gossip $T1 't1 <t1@example.org>' | J 'sorted((len(p["fingerprints"]),p["fingerprints"][0]) for p in d["paths"])')" \
	"$(python3 -c "print(__import__('json').dumps(sorted([(2,'$M1'),(2,'$M2'),(2,'$M3'),(3,'$R')])))")"

# -- lookup / identify / check ---------------------------------------------------------
check_eq "lookup by address" "$(W --json lookup t3@example.org | J '[b["fingerprint"] for b in d["bindings"]]')" "[\"$T3\"]"
check_rc "lookup of an address nobody has: exit 1" 1 W lookup nobody@example.org
check_eq "identify" "$(W --json identify $T3 | J '[(b["userid"],b["amount"]) for b in d["bindings"]]')" '[["t3 <t3@example.org>", 120]]'
check_eq "check --json: bindings" "$(W --json check | J 'd["bindings"]')" 9
check_rc "authenticate --amount garbage: exit 2" 2 W authenticate --amount lots $T3 "t3 <t3@example.org>"
check_rc "authenticate with one argument: exit 2" 2 W authenticate $T3
check_rc "authenticate --root with a bad fingerprint: exit 2" 2 W authenticate --root XYZ $T3 "t3 <t3@example.org>"
finish
