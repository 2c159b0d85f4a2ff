#!/bin/bash
# wot-sqwot.sh - weft's trust engine against the real sq-wot 0.2.0.
#
# Builds small webs of trust at test time, with gpg 2.2 (keys, quick-sign-
# key, quick-lsign-key, tsign with trust value / depth / domain, revsig,
# revkey with a reason, revuid) and sq 0.27 (certify with --amount, --depth,
# --regex, --time, --expires).  gpg's --faked-system-time and sq's --time
# put every event on a known day of the last 100 days, so that sq-wot,
# which only knows "now", sees certifications that are valid now (or
# expired, revoked, in the future: as each scenario wants).
#
# Then, for every binding (every user ID of every key of the keyring):
#   auth      `sq-wot authenticate` against `weft authenticate`: the same
#             amount, the same paths (fingerprints and amounts, in order)
#             and the same exit status.  Main roots with requests 1, 120,
#             240 (the request changes which paths are collected), and
#             every key of the scenario alone as a root with request 120.
#   list      `sq-wot list` against `weft list --bindings`: the same
#             bindings with an amount above 0, the same amounts and paths,
#             the same exit status (main roots).
#   identify  `sq-wot identify KEY` against `weft identify KEY`.
#   lookup    `sq-wot lookup USERID` against `weft lookup USERID`; some
#             scenarios add more questions (--email, list PATTERN).
#   scope     regex-grammar only: per introducer (one regex scope each),
#             the user IDs its scope lets through, in weft and in sq-wot.
#   sanity    sq-wot itself gives the amount the scenario was built for
#             (guards the construction: a scenario that silently built
#             nothing would make every comparison vacuous).
# Scenarios: chain (depths 255, 2, 1, 0; an exhausted depth; amount 200),
# gpg-tsign (full/partial trust signatures, depths, lsign), fork-merge
# (partial introducers adding up, shared capacity of one issuer -> key pair
# across user IDs), cycle, regex (gpg domains, sq regexes, look-alike
# domains, scope of the target only), expiry (expired certifications,
# newest live certification wins, amount 0, future, expired key in the
# middle, issuer not alive, re-extended key), revoked (revsig and
# re-certification, soft and hard key revocations before/after
# certifications, revoked user IDs as targets and as delegations), roots,
# policy (SHA-1 self-signatures, critical notations), ties (fingerprint
# order), ownertrust (sq-wot --gpg-ownertrust: marginal roots at 40),
# email (--email, list PATTERN), regex-grammar.
#
# sq-wot's amount: the sum of the "trust amount N" of its paths or, for a
# single path, the weakest certification on it ("amount: N of 120", else
# 120); cross-checked with its percentage.  The reference is sq-wot.
#
# No scenario has an issuer certify two user IDs of one key with the same
# amount: sq-wot keeps such certifications in a HashMap (CertificationSet,
# certification.rs), whose order is random per process, and takes the
# first of equally good ones, so its path (direct, or via the other user ID
# and the self-signature) changes from run to run; only the amount is
# stable then.
. "$(dirname "$0")/lib.sh"
# A copy of the binary: a rebuild while this runs must not break it.
cp "$WEFT" "$T/weft" && WEFT=$T/weft

for tool in sq-wot sq gpg; do
	command -v $tool >/dev/null || { fail "setup: $tool not installed"; finish; exit; }
done

day=86400
NOW=$(date +%s)
B0=$((NOW - 100 * day))         # day 0; "now" is day 100
at() { echo $((B0 + $1 * day)); }
isotime() { date -u -d "@$(at "$1")" +%Y%m%dT%H%M%SZ; }
# gpg with the clock frozen at day $1
GT() { local d=$1; shift; G --utf8-strings --faked-system-time "$(at "$d")!" "$@"; }

declare -A F                    # key name -> fingerprint (this scenario)
KEYS=() SCN= SD=

# scenario NAME: a new gpg home and directory for a new keyring
scenario() {
	SCN=$1 SD=$T/sc/$1
	mkdir -p "$SD"
	echo "$1" >>"$T/sc.list"
	GH=$(new_gpg_home)
	F=() KEYS=()
	: >"$SD/names"; : >"$SD/rootsets"; : >"$SD/expect"; : >"$SD/also"
}
# key NAME [--expire DAYS] [--rsa] [--sha1] UID [UID...]: a key made on
# day 0 (ed25519, or rsa2048; self-signatures with SHA-1)
key() {
	local n=$1 exp=never algo=ed25519 fpr u opts=()
	shift
	if [ "$1" = --expire ]; then exp=$2d; shift 2; fi
	if [ "$1" = --rsa ]; then algo=rsa2048; shift; fi
	if [ "$1" = --sha1 ]; then opts=(--cert-digest-algo SHA1); shift; fi
	fpr=$(GT 0 "${opts[@]}" --status-fd 1 --quick-gen-key "$1" "$algo" cert "$exp" 2>/dev/null |
		awk '$2 == "KEY_CREATED" {print $4}')
	if [ -z "$fpr" ]; then fail "$SCN: gpg quick-gen-key $1"; return; fi
	shift
	for u; do
		GT 0 --quick-add-uid "$fpr" "$u" >/dev/null 2>&1 || fail "$SCN: gpg quick-add-uid $u"
	done
	F[$n]=$fpr
	KEYS+=("$n")
	echo "$n $fpr" >>"$SD/names"
}
uidhash() {
	G --with-colons --list-keys "${F[$1]}" | awk -F: -v u="$2" '$1 == "uid" && $10 == u {print $8; exit}'
}
# sign DAY ISSUER TARGET UID [gpg options]: gpg --quick-sign-key
sign() {
	local d=$1 i=$2 t=$3 u=$4
	shift 4
	GT "$d" "$@" -u "${F[$i]}" --quick-sign-key "${F[$t]}" "$u" >/dev/null 2>&1 ||
		fail "$SCN: gpg sign $i -> $t $u"
}
# lsign DAY ISSUER TARGET UID: gpg --quick-lsign-key (a local certification)
lsign() {
	GT "$1" -u "${F[$2]}" --quick-lsign-key "${F[$3]}" "$4" >/dev/null 2>&1 ||
		fail "$SCN: gpg lsign $2 -> $3 $4"
}
# tsign DAY ISSUER TARGET UID VALUE DEPTH [DOMAIN]: gpg edit-key tsign;
# VALUE 1 = partial (60), 2 = full (120); DOMAIN becomes gpg's regex
# <[^>]+[@.]DOMAIN>$
tsign() {
	local d=$1 i=$2 t=$3 u=$4 v=$5 dep=$6 dom=${7:-} h
	h=$(uidhash "$t" "$u")
	printf 'uid %s\ntsign\n%s\n%s\n%s\ny\nsave\n' "$h" "$v" "$dep" "$dom" |
		GT "$d" --command-fd 0 -u "${F[$i]}" --edit-key "${F[$t]}" >/dev/null 2>&1 ||
		fail "$SCN: gpg tsign $i -> $t $u"
}
# cert DAY ISSUER TARGET UID [sq certify options]: a certification by sq
cert() {
	local d=$1 i=$2 t=$3 u=$4
	shift 4
	[ -s "$SD/$i.key" ] || G --export-secret-keys "${F[$i]}" >"$SD/$i.key"
	G --export "${F[$t]}" >"$SD/tmp.pgp"
	if SQ certify -B --time "$(isotime "$d")" "$@" "$SD/$i.key" "$SD/tmp.pgp" "$u" \
		>"$SD/tmp2.pgp" 2>"$SD/sq.err"; then
		G --import "$SD/tmp2.pgp" 2>/dev/null || fail "$SCN: gpg import of sq certify $i -> $t $u"
	else
		fail "$SCN: sq certify $i -> $t $u" "$(grep -v WARNING "$SD/sq.err" | head -c 200)"
	fi
}
# certby DAY TARGET UID ISSUER...: plain certifications of one user ID by
# several issuers (sq; one gpg round trip)
certby() {
	local d=$1 t=$2 u=$3 i
	shift 3
	G --export "${F[$t]}" >"$SD/tmp.pgp"
	for i; do
		[ -s "$SD/$i.key" ] || G --export-secret-keys "${F[$i]}" >"$SD/$i.key"
		SQ certify -B --time "$(isotime "$d")" "$SD/$i.key" "$SD/tmp.pgp" "$u" \
			>"$SD/tmp2.pgp" 2>"$SD/sq.err" && mv "$SD/tmp2.pgp" "$SD/tmp.pgp" ||
			fail "$SCN: sq certify $i -> $t $u" "$(grep -v WARNING "$SD/sq.err" | head -c 200)"
	done
	G --import "$SD/tmp.pgp" 2>/dev/null || fail "$SCN: gpg import of $t"
}
# revsig DAY ISSUER TARGET: ISSUER revokes its certification of TARGET (its
# only one), in a gpg home that has ISSUER's secret key only, so that gpg
# asks about exactly that signature
revsig() {
	local d=$1 i=$2 t=$3 h2
	h2=$(new_gpg_home)
	G --export-secret-keys "${F[$i]}" | GH=$h2 G --import 2>/dev/null
	G --export "${F[$t]}" | GH=$h2 G --import 2>/dev/null
	printf 'revsig\ny\ny\n0\n\ny\nsave\n' |
		GH=$h2 GT "$d" --command-fd 0 --edit-key "${F[$t]}" >/dev/null 2>&1 ||
		fail "$SCN: gpg revsig $i -> $t"
	GH=$h2 G --export "${F[$t]}" | G --import 2>/dev/null
}
# revkey DAY KEY CODE: KEY revokes itself; CODE 0 none, 1 compromised
# (both hard), 2 superseded, 3 retired (both soft).  After this gpg will
# not sign with or for KEY: call it after all certifications.
revkey() {
	printf 'revkey\ny\n%s\n\ny\nsave\n' "$3" |
		GT "$1" --command-fd 0 --edit-key "${F[$2]}" >/dev/null 2>&1 ||
		fail "$SCN: gpg revkey $2"
}
# revuid DAY KEY UID CODE: KEY revokes its UID; CODE 0 none, 4 no longer valid
revuid() {
	printf 'uid %s\nrevuid\ny\n%s\n\ny\nsave\n' "$(uidhash "$2" "$3")" "$4" |
		GT "$1" --command-fd 0 --edit-key "${F[$2]}" >/dev/null 2>&1 ||
		fail "$SCN: gpg revuid $2 $3"
}
# roots NAME[,NAME...]: a root set (the first is the main one); the root
# set "@ownertrust" is sq-wot --gpg-ownertrust (see ownertrust) against
# weft with the keyring's own roots
roots() { echo "$1" >>"$SD/rootsets"; }
# ownertrust NAME=LEVEL...: GnuPG ownertrust (ultimate, full, marginal) in
# a gpg home of its own for sq-wot --gpg-ownertrust, and the same through
# `weft trust` in the scenario's weft home.  Call after keyring.
ownertrust() {
	local oh a n lvl code
	oh=$(new_gpg_home)
	echo "$oh" >"$SD/ownertrust-home"
	GH=$oh G --import "$SD/kr.pgp" 2>/dev/null
	WH=$SD/weft W -q import "$SD/kr.pgp" || fail "$SCN: weft import"
	for a; do
		n=${a%=*} lvl=${a#*=}
		case $lvl in ultimate) code=6 ;; full) code=5 ;; marginal) code=4 ;; esac
		echo "${F[$n]}:$code:" | GH=$oh G --import-ownertrust 2>/dev/null ||
			fail "$SCN: gpg --import-ownertrust $a"
		WH=$SD/weft W -q trust "${F[$n]}" "$lvl" >/dev/null || fail "$SCN: weft trust $a"
	done
}
# also VERB EMAIL-FLAG USERID [KEY]: one more question (lookup, authenticate)
# for both tools, with the main roots
also() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$SD/also"; }
# expect ROOTS REQUEST NAME UID AMOUNT: what sq-wot must say (sanity)
expect() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$SD/expect"; }
# the scenario's keyring: every key, local certifications included
keyring() {
	local n fprs=()
	for n in "${KEYS[@]}"; do fprs+=("${F[$n]}"); done
	G --export --export-options export-local-sigs "${fprs[@]}" >"$SD/kr.pgp"
}
# e NAME: the usual user ID of key NAME
e() { echo "<$1@example.org>"; }

# -- chain: depths 255, 2, 1, 0 (sq), and an exhausted depth ------------------
scenario chain
for n in r a b c d e x y z a2 b2; do key $n "$(e $n)"; done
cert 1 r a "$(e a)" --depth 255 --amount 120
cert 2 a b "$(e b)" --depth 2 --amount 100
cert 3 b c "$(e c)" --depth 1 --amount 80
cert 4 c d "$(e d)" --depth 0 --amount 60
cert 5 d e "$(e e)"
cert 1 r x "$(e x)" --depth 1
cert 2 x y "$(e y)" --depth 1
cert 3 y z "$(e z)"
cert 1 r a2 "$(e a2)" --depth 1 --amount 200          # counts as 120
cert 2 a2 b2 "$(e b2)" --amount 110
keyring
roots r
for p in r:120 a:120 b:100 c:80 d:60 e:0 x:120 y:120 z:0 a2:120 b2:110; do
	expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}
done
expect a 120 d "$(e d)" 60
expect b 120 e "$(e e)" 0

# -- gpg: tsign full/partial with depths 2, 1, 255; lsign ----------------------
scenario gpg-tsign
for n in r a b c d e f g; do key $n "$(e $n)"; done
tsign 1 r a "$(e a)" 2 2
tsign 2 a b "$(e b)" 1 1
sign 3 b c "$(e c)"
sign 4 c d "$(e d)"
lsign 1 r e "$(e e)"
tsign 1 r f "$(e f)" 2 255
sign 2 f g "$(e g)"
keyring
roots r
for p in a:120 b:60 c:60 d:0 e:120 f:120 g:120; do
	expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}
done

# -- forks and merges; capacity shared by the user IDs of one key -------------
scenario fork-merge
for n in r p1 p2 p3 t u a b1 b2 t2 q1 q2 t3; do key $n "$(e $n)"; done
key m "$(e m)" "<m2@example.org>"
cert 1 r p1 "$(e p1)" --depth 1 --amount 40
cert 1 r p2 "$(e p2)" --depth 1 --amount 50
cert 1 r p3 "$(e p3)" --depth 1 --amount 60
for n in p1 p2 p3; do cert 2 $n t "$(e t)"; done
cert 1 r m "$(e m)" --depth 1 --amount 60
cert 1 r m "<m2@example.org>" --depth 1 --amount 50    # not 60: see above
cert 2 m u "$(e u)"
cert 1 r a "$(e a)" --depth 2 --amount 100
cert 2 a b1 "$(e b1)" --depth 1 --amount 70
cert 2 a b2 "$(e b2)" --depth 1 --amount 70
cert 3 b1 t2 "$(e t2)"
cert 3 b2 t2 "$(e t2)"
tsign 1 r q1 "$(e q1)" 1 1
tsign 1 r q2 "$(e q2)" 1 1
sign 2 q1 t3 "$(e t3)"
sign 2 q2 t3 "$(e t3)"
keyring
roots r
for p in p1:40 p2:50 p3:60 t:150 m:60 u:60 a:100 b1:70 b2:70 t2:100 q1:60 q2:60 t3:120; do
	expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}
done
expect r 120 m "<m2@example.org>" 60
expect r 1 t "$(e t)" 60

# -- cycles ---------------------------------------------------------------------
scenario cycle
for n in r a b c d; do key $n "$(e $n)"; done
cert 1 r a "$(e a)" --depth 255 --amount 120
cert 2 a b "$(e b)" --depth 255 --amount 90
cert 3 b c "$(e c)" --depth 255 --amount 80
cert 4 c a "$(e a)" --depth 255 --amount 120
cert 5 c d "$(e d)"
cert 6 a r "$(e r)" --depth 255
cert 7 b a "$(e a)" --depth 255 --amount 50
keyring
roots r
for p in r:120 a:120 b:90 c:80 d:80; do expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}; done
expect c 120 a "$(e a)" 120
expect c 120 b "$(e b)" 90

# -- regex scopes: gpg domains, sq regexes, look-alike domains -------------------
scenario regex
key r "$(e r)"
key a "$(e a)"
key t1 "<t1@example.org>"
key t2 "<t2@other.org>"
key t3 "<t3@notexample.org>"
key t4 "<t4@sub.example.org>"
key t5 "<t5@example.org.evil.net>"
key i "<i@example.org>"
key j "<j@other.org>"
key k "<k@example.org>"
key s "<s@other.org>"
key t6 "<t6@other.org>"
key t7 "<t7@notother.org>"
key t8 "T8 <t8@example.net>"
key z "<z@other.org>"
key w "<w@example.org>"
tsign 1 r a "$(e a)" 2 2 example.org
for n in t1 t2 t3 t4 t5; do
	sign 2 a $n "$(G --with-colons --list-keys "${F[$n]}" | awk -F: '$1 == "uid" {print $10; exit}')"
done
cert 2 a i "<i@example.org>" --depth 1
cert 3 i j "<j@other.org>"
cert 3 i k "<k@example.org>"
cert 1 r s "<s@other.org>" --depth 1 --regex '<[^>]+[@.]other\.org>$' --regex '<[^>]+[@.]example\.net>$'
cert 2 s t6 "<t6@other.org>"
cert 2 s t7 "<t7@notother.org>"
cert 2 s t8 "T8 <t8@example.net>"
tsign 1 r z "<z@other.org>" 2 1 example.org
sign 2 z w "<w@example.org>"
keyring
roots r
for p in a:120 t1:120 t2:0 t3:0 t4:120 t5:0 i:120 j:0 k:120 s:120 t6:120 t7:0 z:0 w:120; do
	n=${p%:*}
	expect r 120 $n "$(G --with-colons --list-keys "${F[$n]}" | awk -F: '$1 == "uid" {print $10; exit}')" ${p#*:}
done
expect r 120 t8 "T8 <t8@example.net>" 120

# -- expiry and liveness ----------------------------------------------------------
scenario expiry
for n in r e1 e2 n n2 z0 f y w; do key $n "$(e $n)"; done
key x --expire 10 "$(e x)"
key q --expire 10 "$(e q)"
key x2 --expire 10 "$(e x2)"
key x3 --expire 10 "$(e x3)"
sign 3 r e1 "$(e e1)" --default-cert-expire 5d        # expired on day 8
sign 3 r e2 "$(e e2)" --default-cert-expire 1y
cert 2 r n "$(e n)" --depth 1 --amount 60
cert 4 r n "$(e n)" --depth 1 --amount 120 --expires "$(isotime 10)"
cert 2 r n2 "$(e n2)" --depth 1 --amount 120
cert 4 r n2 "$(e n2)" --depth 1 --amount 50           # newer: wins
cert 2 r z0 "$(e z0)"
cert 4 r z0 "$(e z0)" --amount 0                      # newer, amount 0: cancels
cert 101 r f "$(e f)"                                 # tomorrow
tsign 2 r x "$(e x)" 2 1                              # x expires on day 10
sign 5 x y "$(e y)"                                   # ... certified y while alive
cert 20 x w "$(e w)" --allow-not-alive-certifier      # ... and w when expired
sign 2 r q "$(e q)"                                   # q expired on day 10
# x2 and x3 expire on day 10 and get a new expiry on day 20; certifications
# made while they were expired do not count (and do not shadow older ones)
cert 5 r x2 "$(e x2)" --amount 100
cert 15 r x2 "$(e x2)" --amount 60
cert 15 r x3 "$(e x3)" --amount 60
# (gpg drops the self-signature it replaces: import the old one back, or
# no certification made before day 20 would count)
for n in x2 x3; do
	G --export "${F[$n]}" >"$SD/old.pgp"
	GT 20 --quick-set-expire "${F[$n]}" 1y >/dev/null 2>&1 || fail "$SCN: gpg set-expire $n"
	G --import "$SD/old.pgp" 2>/dev/null
done
keyring
roots r
for p in e1:0 e2:120 n:60 n2:50 z0:0 f:0 x:0 y:120 w:0 q:0 x2:100 x3:0; do
	expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}
done

# -- revocations: certifications, keys (soft and hard), user IDs ----------------
scenario revoked
for n in r v1 v2 s s1 s2 t t1 t2 h h1 k k1 e s3 s4; do key $n "$(e $n)"; done
key u "$(e u)" "<u2@example.org>" "<u3@example.org>"
key d "$(e d)" "<d2@example.org>"
sign 2 r v1 "$(e v1)"
revsig 4 r v1                                         # revoked: gone
sign 2 r v2 "$(e v2)"
revsig 4 r v2
cert 6 r v2 "$(e v2)"                                 # certified again
for n in s t h k; do tsign 2 r $n "$(e $n)" 2 1; done
sign 4 s s1 "$(e s1)"; sign 8 s s2 "$(e s2)"          # s superseded on day 6
sign 4 t t1 "$(e t1)"; sign 8 t t2 "$(e t2)"          # t retired on day 6
sign 4 h h1 "$(e h1)"                                 # h compromised on day 6
sign 4 k k1 "$(e k1)"                                 # k revoked, no reason, day 6
sign 4 s3 s4 "$(e s4)"
tsign 8 r s3 "$(e s3)" 2 1                            # after s3's revocation
for u in "$(e u)" "<u2@example.org>" "<u3@example.org>"; do sign 2 r u "$u"; done
revuid 4 u "<u2@example.org>" 0
revuid 4 u "<u3@example.org>" 4
tsign 2 r d "$(e d)" 2 1
revuid 4 d "$(e d)" 4                                 # still a delegation
sign 6 d e "$(e e)"
revkey 6 s 2
revkey 6 t 3
revkey 6 h 1
revkey 6 k 0
revkey 6 s3 2
keyring
roots r
for p in v1:0 v2:120 s:0 s1:120 s2:0 t:0 t1:120 t2:0 h:0 h1:0 k:0 k1:0 s3:0 s4:0 u:120 d:0 e:120; do
	expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}
done
expect r 120 u "<u2@example.org>" 0
expect r 120 u "<u3@example.org>" 0
expect r 120 d "<d2@example.org>" 120

# -- several roots --------------------------------------------------------------------
scenario roots
key r1 "$(e r1)" "<r1b@example.org>"
for n in r2 t a; do key $n "$(e $n)"; done
cert 1 r1 t "$(e t)" --amount 60
cert 1 r2 t "$(e t)" --amount 60
cert 2 r1 r2 "$(e r2)" --depth 1 --amount 30
cert 3 r2 a "$(e a)"
revuid 4 r1 "<r1b@example.org>" 0
keyring
roots r1,r2
roots r1
expect r1,r2 120 t "$(e t)" 120
expect r1,r2 120 a "$(e a)" 120
expect r1 120 t "$(e t)" 90
expect r1 120 a "$(e a)" 30
expect r1 120 r2 "$(e r2)" 30
expect r1 120 r1 "$(e r1)" 120
expect r1 120 r1 "<r1b@example.org>" 0

# -- the policy: SHA-1, critical notations ------------------------------------------
scenario policy
for n in r p2 p3 p4; do key $n "$(e $n)"; done
key ra --rsa "$(e ra)"
key s1 --rsa --sha1 "$(e s1)"                        # self-signed with SHA-1
tsign 1 r ra "$(e ra)" 2 1
sign 2 ra p2 "$(e p2)"                               # (gpg will not certify with SHA-1)
sign 2 r s1 "$(e s1)"
cert 2 r p3 "$(e p3)" --notation '!critical@example.org' yes
cert 2 r p4 "$(e p4)" --notation 'harmless@example.org' yes
keyring
roots r
for p in ra:120 p2:120 s1:0 p3:0 p4:120; do expect r 120 ${p%:*} "$(e ${p%:*})" ${p#*:}; done

# -- equally good paths: ties broken by fingerprint order ---------------------------
scenario ties
for n in r i1 i2 i3 i4 i5 j1 j2 t t2; do key $n "$(e $n)"; done
for n in i1 i2 i3 i4 i5; do
	cert 1 r $n "$(e $n)" --depth 1 --amount 30
	cert 2 $n t "$(e t)"
done
cert 1 r j1 "$(e j1)" --depth 2 --amount 80
cert 1 r j2 "$(e j2)" --depth 2 --amount 80
cert 2 j1 i1 "$(e i1)" --depth 1 --amount 80
cert 2 j2 i1 "$(e i1)" --depth 1 --amount 80
cert 3 i1 t2 "$(e t2)"
keyring
roots r
roots r,j1,j2
expect r 120 t "$(e t)" 120
expect r 240 t "$(e t)" 240
expect r 1 t "$(e t)" 30
expect r 120 t2 "$(e t2)" 120

# -- GnuPG ownertrust: ultimate, full and marginal (40) roots ----------------------
scenario ownertrust
for n in u f1 m1 m2 m3 t t2 x t3 y t4 w t5; do key $n "$(e $n)"; done
for n in f1 m1 m2 m3; do sign 1 u $n "$(e $n)"; done
for n in m1 m2 m3; do sign 2 $n t "$(e t)"; done     # 3 x 40
sign 2 f1 t2 "$(e t2)"
sign 2 x t3 "$(e t3)"                                 # x: marginal, not authenticated
cert 1 u y "$(e y)" --amount 60                       # y: marginal, only 60
sign 2 y t4 "$(e t4)"
cert 2 m1 w "$(e w)" --depth 1 --amount 120           # capped at 40
sign 3 w t5 "$(e t5)"
keyring
ownertrust u=ultimate f1=full m1=marginal m2=marginal m3=marginal x=marginal y=marginal
roots @ownertrust
roots u
expect @ownertrust 120 t "$(e t)" 120
expect @ownertrust 120 t2 "$(e t2)" 120
expect @ownertrust 120 t3 "$(e t3)" 0
expect @ownertrust 120 t4 "$(e t4)" 0
expect @ownertrust 120 w "$(e w)" 40
expect @ownertrust 120 t5 "$(e t5)" 40
expect u 120 t "$(e t)" 0

# -- --email: addresses in several spellings ------------------------------------------
scenario email
key r "$(e r)"
key a "Alice <Alice@Example.ORG>" "<alice@example.org>" "Alice Work <alice@work.example>"
key b "A. Other <ALICE@EXAMPLE.ORG>"
key c "<carol@example.org>"
key d "Hans <hÄNS@bücher.tld>"
cert 1 r a "Alice <Alice@Example.ORG>" --amount 100
cert 1 r a "<alice@example.org>" --amount 70
cert 1 r a "Alice Work <alice@work.example>" --amount 50
cert 1 r b "A. Other <ALICE@EXAMPLE.ORG>" --amount 110
cert 1 r d "Hans <hÄNS@bücher.tld>" --amount 90
keyring
roots r
expect r 120 a "<alice@example.org>" 70
for m in alice@example.org ALICE@example.org Alice@Example.ORG alice@work.example carol@example.org nobody@example.org; do
	also lookup 1 "$m"
	also authenticate 1 "$m" a
	also authenticate 1 "$m" b
done
also lookup 0 "<alice@example.org>"
also lookup 0 "Alice <alice@example.org>"
for m in hÄNS@bücher.tld häns@bücher.tld hÄNS@xn--bcher-kva.tld häns@xn--bcher-kva.tld; do
	also lookup 1 "$m"
	also authenticate 1 "$m" d
done
# list PATTERN: sq-wot lists the matching bindings (case-insensitive
# substring of the user ID), not every user ID of a matching key
for m in example.org EXAMPLE.ORG work bücher BÜCHER hÄNS; do also list 0 "$m"; done

# -- the OpenPGP regex grammar (sequoia: RFC 4880 section 8, over UTF-8
#    characters) against POSIX-looking and multi-byte cases ----------------------
# Checked per introducer ("scope" checks): the user IDs its scope lets
# through, for weft and for sq-wot.
scenario regex-grammar
key r "$(e r)"
RE=(
	'example'
	'^<a'
	'(alice|bob)@example\.org'
	'^<[a-c]lice@'
	'x?ali+ce'
	'ALICE'
	'^Hans <h.NS@b.cher\.tld>$'
	'bücher'
	'[^a-z]lice'
	'\.org>$'
	''
	'('
	'[[:alpha:]]'
	'a{2}'
	'exa\wple'
	'a**'
	'alice|'
	'^Hans <h[Ä]NS'
	'^<alice@example\.org>$'
	'[]x]'
	'^(<|x)+a'
)
TG=(
	'<alice@example.org>'
	'<Alice@EXAMPLE.ORG>'
	'Hans <hÄNS@bücher.tld>'
	'<aaliiice@x.org>'
	'<bob@example.org>'
	'exawple <ew@x.org>'
	'<a{2}@x.org>'
	'<aa@x.org>'
	'class a] <c@x.org>'
	'<carol@x.net>'
	'x] <b@x.org>'
)
gs=()
for k in "${!RE[@]}"; do
	n=g$((k + 1))
	key $n "<$n@regex.test>"
	printf "%s\t'%s'\n" $n "${RE[$k]}" >>"$SD/scopes"
	cert 1 r $n "<$n@regex.test>" --depth 1 --amount 10 --regex "${RE[$k]}"
	gs+=($n)
done
key g$((${#RE[@]} + 1)) "<g$((${#RE[@]} + 1))@regex.test>"
cert 1 r g$((${#RE[@]} + 1)) "<g$((${#RE[@]} + 1))@regex.test>" --depth 1 --amount 10 --regex '^<bob' --regex 'carol'
printf "%s\t'%s' or '%s'\n" g$((${#RE[@]} + 1)) '^<bob' 'carol' >>"$SD/scopes"
gs+=(g$((${#RE[@]} + 1)))
for k in "${!TG[@]}"; do
	key t$((k + 1)) "${TG[$k]}"
	certby 2 t$((k + 1)) "${TG[$k]}" "${gs[@]}"
done
keyring
roots r
expect r 240 t1 "<alice@example.org>" 110
expect r 240 t10 "<carol@x.net>" 40

# -- the comparison -----------------------------------------------------------------
echo "NOTE building the scenarios took ${SECONDS}s"
python3 - "$WEFT" "$T" "$T/sc" >"$T/results" 2>&1 <<'EOF'
import concurrent.futures, json, os, re, subprocess, sys
from collections import OrderedDict

WEFT, T, SC = sys.argv[1:4]

def out(status, name, detail=""):
    # a tab between the check's name and the detail (names may have ": ")
    print(status + " " + name + ("\t" + detail if detail and status == "FAIL" else ""), flush=True)

def run(argv):
    try:
        p = subprocess.run(argv, capture_output=True)
    except OSError as e:
        return 127, "", str(e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

HDR = re.compile(r"^\[(✓| )\] ([0-9A-F]{40}) (.*): (doubly|fully|partially|marginally) "
                 r"authenticated \((\d+)%\)$")
PATHHDR = re.compile(r"^Path #(\d+) of (\d+), trust amount (\d+):$")

def parse_sqwot(text):
    """sq-wot's text output -> OrderedDict (fpr, uid) -> binding, or a str on trouble."""
    res = OrderedDict()
    cur = path = None
    for line in text.splitlines():
        m = HDR.match(line)
        if m:
            cur = {"ok": m.group(1) == "✓", "pct": int(m.group(5)), "paths": []}
            res[(m.group(2), m.group(3))] = cur
            path = None
            continue
        s = line.strip()
        if cur is None or not s:
            continue
        m = PATHHDR.match(s)
        if m:
            path = {"amount": int(m.group(3)), "fprs": [], "edges": []}
            cur["paths"].append(path)
            continue
        if s[0] in "◯├└":
            if s[0] == "◯" and (path is None or path["fprs"]):
                path = {"amount": None, "fprs": [], "edges": []}
                cur["paths"].append(path)
            path["fprs"].append(s.split()[1])
        elif s[0] == "│":
            m = re.search(r"amount: (\d+) of 120", s)
            path["edges"].append(int(m.group(1)) if m else 120)
    for b in res.values():
        for p in b["paths"]:
            if p["amount"] is None:
                # The only path: its weakest certification, unless a root
                # below 120 (--gpg-ownertrust) caps it: then the amount
                # the percentage allows.
                a = min([120] + p["edges"])
                if a * 100 // 120 != b["pct"]:
                    c = [x for x in range(1, a + 1) if x * 100 // 120 == b["pct"]]
                    if len(c) == 1:
                        a = c[0]
                p["amount"] = a
        b["amount"] = sum(p["amount"] for p in b["paths"])
        b["fmt"] = fmt([(p["amount"], p["fprs"]) for p in b["paths"]])
        if b["amount"] * 100 // 120 != b["pct"]:
            return "amount %d from the paths disagrees with %d%%" % (b["amount"], b["pct"])
    return res

FNAME = {}      # fingerprint -> key name, for readable paths

def fmt(paths):
    return "|".join("%d:%s" % (a, ">".join(FNAME.get(f, f[:8]) for f in fs))
                    for a, fs in paths) or "-"

def short(s, n=400):
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "..."

for scn in open(T + "/sc.list").read().split():
    d = os.path.join(SC, scn)
    kr = os.path.join(d, "kr.pgp")
    names = OrderedDict(l.split() for l in open(os.path.join(d, "names")))
    fname = {v: k for k, v in names.items()}
    FNAME.clear()
    FNAME.update(fname)
    rootsets = [l.strip() for l in open(os.path.join(d, "rootsets")) if l.strip()]
    home = os.path.join(d, "weft")
    rc, so, se = run([WEFT, "--home", home, "-q", "--json", "import", kr])
    if rc != 0:
        out("FAIL", "%s: weft import" % scn, "exit %d %s" % (rc, short(se, 200)))
        continue
    rc, so, se = run([WEFT, "--home", home, "--json", "list"])
    keys = json.loads(so)["keys"]
    bindings = [(k["fingerprint"], u["uid"]) for k in keys for u in k["userids"]
                if not u.get("attribute")]
    missing = sorted(set(names.values()) - {k["fingerprint"] for k in keys})
    if missing:
        out("FAIL", "%s: weft has every key" % scn, "missing " + " ".join(fname[f] for f in missing))

    ot_home = None
    if os.path.exists(os.path.join(d, "ownertrust-home")):
        ot_home = open(os.path.join(d, "ownertrust-home")).read().strip()

    def sq_roots(rs):
        if rs == "@ownertrust":
            return ["--gpg-ownertrust"]
        a = []
        for n in rs.split(","):
            a += ["-r", names[n]]
        return a

    def w_roots(rs):
        if rs == "@ownertrust":
            return []
        a = []
        for n in rs.split(","):
            a += ["--root", names[n]]
        return a

    def sqwot(rs, args):
        env = None
        if rs == "@ownertrust":
            env = dict(os.environ, GNUPGHOME=ot_home)
        try:
            p = subprocess.run(["sq-wot", "-k", kr] + sq_roots(rs) + args,
                               capture_output=True, env=env)
        except OSError as e:
            return 127, "", str(e)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def label(fpr, uid):
        return "%s %s" % (fname.get(fpr, fpr[:8]), uid)

    cache = {}
    def sqwot_auth(rs, req, fpr, uid):
        k = (rs, req, fpr, uid)
        if k not in cache:
            rc, so, se = sqwot(rs, ["authenticate", "--trust-amount", str(req), uid, fpr])
            p = parse_sqwot(so)
            cache[k] = (rc, p, so + se)
        return cache[k]

    # sanity: sq-wot gives what the scenario was built for
    for l in open(os.path.join(d, "expect")):
        rs, req, n, uid, amt = l.rstrip("\n").split("\t")
        rc, p, raw = sqwot_auth(rs, int(req), names[n], uid)
        got = 0 if isinstance(p, str) else (p.get((names[n], uid)) or {"amount": 0})["amount"]
        name = "sanity %s: sq-wot gives %s for %s %s (roots %s, request %s)" % (scn, amt, n, uid, rs, req)
        out("PASS" if str(got) == amt else "FAIL", name, "sq-wot: %s" % short(raw, 300))

    scopes = os.path.join(d, "scopes")
    if os.path.exists(scopes):
        # regex: which user IDs each introducer's scope lets through: the
        # bindings with a path whose first edge is root -> introducer
        # (request 240 collects every path: the amounts add up to less)
        rs = rootsets[0]
        seen = {"weft": {}, "sq-wot": {}}
        for fpr, uid in bindings:
            rc, p, raw = sqwot_auth(rs, 240, fpr, uid)
            if isinstance(p, str):
                out("FAIL", "scopes %s: %s" % (scn, label(fpr, uid)), "cannot read sq-wot's output (%s)" % p)
                continue
            sb = p.get((fpr, uid))
            for x in (sb["paths"] if sb else []):
                if len(x["fprs"]) > 1:
                    seen["sq-wot"].setdefault(x["fprs"][1], set()).add(label(fpr, uid))
            wrc, wo, we = run([WEFT, "--home", home, "--json", "authenticate", fpr, uid,
                               "--amount", "240"] + w_roots(rs))
            for x in json.loads(wo)["paths"]:
                if len(x["fingerprints"]) > 1:
                    seen["weft"].setdefault(x["fingerprints"][1], set()).add(label(fpr, uid))
        for l in open(scopes):
            n, regexes = l.rstrip("\n").split("\t", 1)
            sq, w = seen["sq-wot"].get(names[n], set()), seen["weft"].get(names[n], set())
            probs = []
            if w - sq:
                probs.append("only weft lets through: " + " | ".join(sorted(w - sq)))
            if sq - w:
                probs.append("only sq-wot lets through: " + " | ".join(sorted(sq - w)))
            out("FAIL" if probs else "PASS", "scope %s %s (regex %s): %d user ID(s)" % (scn, n, regexes, len(sq)),
                "; ".join(probs))
        continue

    # auth: every binding, every root set and request
    plan = [(rootsets[0], r) for r in (1, 120, 240)] + [(rs, 120) for rs in rootsets[1:]]
    plan += [(n, 120) for n in names if n not in rootsets and "@ownertrust" not in rootsets]
    def auth_check(job):
        rs, req, fpr, uid = job
        name = "auth %s roots=%s request=%d: %s" % (scn, rs, req, label(fpr, uid))
        rc, p, raw = sqwot_auth(rs, req, fpr, uid)
        if isinstance(p, str):
            return "FAIL", name, "cannot read sq-wot's output (%s): %s" % (p, short(raw))
        sb = p.get((fpr, uid))
        samt = sb["amount"] if sb else 0
        spaths = sb["fmt"] if sb else "-"
        wrc, wo, we = run([WEFT, "--home", home, "--json", "authenticate", fpr, uid,
                           "--amount", str(req)] + w_roots(rs))
        try:
            w = json.loads(wo)
        except ValueError:
            return "FAIL", name, "weft exit %d, no JSON: %s" % (wrc, short(we, 200))
        wpaths = fmt([(x["amount"], x["fingerprints"]) for x in w["paths"]])
        probs = []
        if w["amount"] != samt:
            probs.append("amount: weft %d, sq-wot %d" % (w["amount"], samt))
        if wpaths != spaths:
            probs.append("paths: weft [%s], sq-wot [%s]" % (wpaths, spaths))
        if wrc != rc:
            probs.append("exit: weft %d, sq-wot %d" % (wrc, rc))
        return "FAIL" if probs else "PASS", name, "; ".join(probs)

    # a few at a time: the processes are short, most of the time is startup
    jobs = [(rs, req, fpr, uid) for rs, req in plan for fpr, uid in bindings]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for r in pool.map(auth_check, jobs):
            out(*r)

    rs = rootsets[0]
    # identify / lookup: the bindings reported with an amount, and the exit status
    def compare_many(name, sargv, wargv):
        rc, so, se = sqwot(rs, sargv)
        p = parse_sqwot(so)
        wrc, wo, we = run([WEFT, "--home", home, "--json"] + wargv + w_roots(rs))
        if isinstance(p, str):
            out("FAIL", name, "cannot read sq-wot's output (%s)" % p)
            return
        try:
            wb = json.loads(wo)["bindings"]
        except (ValueError, KeyError):
            out("FAIL", name, "weft exit %d, no JSON: %s" % (wrc, short(we, 200)))
            return
        s = {label(*b): (v["amount"], v["fmt"]) for b, v in p.items()}
        w = {label(b["fingerprint"], b["userid"]):
             (b["amount"], fmt([(x["amount"], x["fingerprints"]) for x in b["paths"]]))
             for b in wb if b["amount"] > 0}
        probs = ["%s: weft %s, sq-wot %s" % (b, w.get(b, "-"), s.get(b, "-"))
                 for b in sorted(set(s) | set(w)) if s.get(b) != w.get(b)]
        if rc != wrc:
            probs.append("exit: weft %d, sq-wot %d" % (wrc, rc))
        out("FAIL" if probs else "PASS", name, "; ".join(probs))

    # list: every binding with an amount
    for req in (120, 240):
        compare_many("list %s roots=%s request=%d" % (scn, rs, req),
                     ["list", "--trust-amount", str(req)],
                     ["list", "--bindings", "--amount", str(req)])
    for n, fpr in names.items():
        compare_many("identify %s roots=%s: %s" % (scn, rs, n), ["identify", fpr], ["identify", fpr])
    for uid in sorted({u for _, u in bindings}):
        compare_many("lookup %s roots=%s: %s" % (scn, rs, uid), ["lookup", uid], ["lookup", uid])
    for l in open(os.path.join(d, "also")):
        verb, email, uid, n = l.rstrip("\n").split("\t")
        flag = ["--email"] if email == "1" else []
        if verb == "authenticate":
            sargv = [verb] + flag + [uid, names[n]]
            wargv = [verb] + flag + [names[n], uid]
        elif verb == "list":
            sargv = [verb] + flag + [uid]
            wargv = [verb, "--bindings"] + flag + [uid]
        else:
            sargv = wargv = [verb] + flag + [uid]
        compare_many("%s %s roots=%s: %s" % (scn, " ".join(flag + [verb]), rs, " ".join(x for x in (uid, n) if x)),
                     sargv, wargv)
EOF
prc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*)
		rest=${line#FAIL }
		if [[ $rest == *$'\t'* ]]; then fail "${rest%%$'\t'*}" "${rest#*$'\t'}"; else fail "$rest"; fi ;;
	*) echo "$line" ;;
	esac
done <"$T/results"
[ "$prc" = 0 ] || fail "comparison" "python exited $prc"
finish
