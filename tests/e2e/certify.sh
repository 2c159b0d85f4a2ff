#!/bin/bash
# certify.sh - weft certify and weft revoke against gpg 2.2's sign, lsign,
# tsign, ltsign and revsig, made by the same key on the same targets.
#
# "Me" (ed25519, protected) is made by gpg and imported into weft with its
# secret key.  For each kind of certification gpg makes one on a target
# in its own home (GG) and weft makes the same kind on the same target in
# its keyring; weft's result is exported into a second gpg home (GW) that
# has only the public keys.  Then, signature by signature (the issuer is
# the same key):
#   - gpg --check-sigs --with-colons: every field but the dates (the
#     expiry is compared as a duration), good ('!') in both;
#   - gpg --list-packets: the same subpackets, line by line;
#   - the hashed and unhashed subpacket areas, byte for byte, with the
#     creation time zeroed (tsign with a domain: the regex, its NUL and
#     the critical bit are exactly gpg's);
#   - gpg's validity of the target with Me ultimately trusted, before and
#     after the revocations;
#   - weft show (human and JSON) lists each one as verified, with its
#     level, local flag, expiry, trust depth and amount and regex, and the
#     revocations.
# Also: sq 0.27 reads what weft wrote; --by; the errors.
. "$(dirname "$0")/lib.sh"
GG=$(new_gpg_home)
GW=$(new_gpg_home)
MEPW=mepw
printf '%s\n' "$MEPW" >"$T/mepw"
WP() { W --passphrase-fd 3 "$@" 3<"$T/mepw"; }
fpr() { GH=$GG G --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }

cat >"$T/sigs.py" <<'EOF'
# sigs.py FILE KEYID: for each signature by KEYID (issuer key ID
# subpacket), on which user ID: "UID<TAB>TYPE<TAB>HASH<TAB>HASHED<TAB>
# UNHASHED", the areas in hex, the creation time's value zeroed.
import sys
d = open(sys.argv[1], 'rb').read(); want = bytes.fromhex(sys.argv[2])
i = 0; uid = b''
def area(a, zero):
    out = b''; j = 0
    while j < len(a):
        l = a[j]; h = 1
        if 192 <= l < 255: l = ((l - 192) << 8) + a[j+1] + 192; h = 2
        elif l == 255: l = int.from_bytes(a[j+1:j+5], 'big'); h = 5
        sp = a[j:j+h+l]
        if zero and (a[j+h] & 0x7f) == 2: sp = sp[:h+1] + b'\0' * (l - 1)
        out += sp; j += h + l
    return out
def issuer(a):
    j = 0
    while j < len(a):
        l = a[j]; h = 1
        if 192 <= l < 255: l = ((l - 192) << 8) + a[j+1] + 192; h = 2
        if (a[j+h] & 0x7f) == 16: return a[j+h+1:j+h+l]
        j += h + l
while i < len(d):
    c = d[i]
    if c & 0x40:
        tag = c & 63; l = d[i+1]; h = 2
        if 192 <= l < 224: l = ((l - 192) << 8) + d[i+2] + 192; h = 3
        elif l == 255: l = int.from_bytes(d[i+2:i+6], 'big'); h = 6
    else:
        tag = (c >> 2) & 15; lt = c & 3; h = 1 + (1, 2, 4)[lt]; l = int.from_bytes(d[i+1:i+h], 'big')
    b = d[i+h:i+h+l]; i += h + l
    if tag == 13: uid = b
    if tag != 2 or b[0] != 4: continue
    hl = int.from_bytes(b[4:6], 'big'); hashed = b[6:6+hl]
    ul = int.from_bytes(b[6+hl:8+hl], 'big'); unhashed = b[8+hl:8+hl+ul]
    if issuer(unhashed) != want: continue
    print('%s\t%02x\t%d\t%s\t%s' % (uid.decode(), b[1], b[3], area(hashed, True).hex(), area(unhashed, False).hex()))
EOF

# Compare the colon records of signatures by $MEKEYID on $1 in GG and GW.
cmp_colons() {
	local t=$1 name=$2
	for h in GG GW; do
		GNUPGHOME=${!h} gpg --batch --with-colons --check-sigs "$t" 2>/dev/null |
			awk -F: -v k="$MEKEYID" 'BEGIN {OFS=":"}
			  ($1 == "sig" || $1 == "rev") && $5 == k {
			    ex = ($7 == "") ? "" : $7 - $6; $6 = "T"; $7 = ex; print }' |
			sort >"$T/$name.$h.colons"
	done
	check "gpg colons: $name made by weft is there" test -s "$T/$name.GW.colons"
	check_diff "gpg colons: $name, weft as gpg" "$T/$name.GG.colons" "$T/$name.GW.colons"
	check "gpg: $name good" bash -c "! grep -qv '^[a-z]*:!:' '$T/$name.GW.colons'"
}
# Compare gpg --list-packets of the signatures by Me, and their bytes.
cmp_packets() {
	local t=$1 name=$2
	GH=$GG G --export-options export-local-sigs --export "$t" >"$T/$name.GG.pgp"
	GH=$GW G --export-options export-local-sigs --export "$t" >"$T/$name.GW.pgp"
	for h in GG GW; do
		# One line per signature by Me (its listing joined), sorted:
		# gpg and weft order a certification and its revocation
		# differently.
		gpg --list-packets "$T/$name.$h.pgp" 2>/dev/null |
			sed -E -e 's/created [0-9]+/created T/' \
			       -e 's/sig created [0-9-]+/sig created D/' \
			       -e 's/begin of digest .*/begin of digest X/' \
			       -e '/data: /d' -e '/^# off=/d' |
			awk -v k="$MEKEYID" '/^:/ { if (cur != "") print cur; cur = ""
			      on = /^:signature packet:/ && index($0, k) > 0 }
			  on { cur = cur (cur == "" ? "" : " | ") $0 }
			  END { if (cur != "") print cur }' |
			sort >"$T/$name.$h.pkts"
		python3 "$T/sigs.py" "$T/$name.$h.pgp" "$MEKEYID" | sort >"$T/$name.$h.bytes"
	done
	check "list-packets: $name has subpackets" grep -q "hashed subpkt" "$T/$name.GW.pkts"
	check_diff "list-packets: $name, weft as gpg" "$T/$name.GG.pkts" "$T/$name.GW.pkts"
	check_diff "subpacket bytes: $name, weft as gpg" "$T/$name.GG.bytes" "$T/$name.GW.bytes"
}
# Re-export from weft into GW (with local signatures).
to_gw() { W export --local "$@" | GH=$GW G --import --import-options import-local-sigs 2>/dev/null; }

# ---- keys ------------------------------------------------------------------------

GH=$GG G --passphrase "$MEPW" --quick-gen-key "Me <me@example.org>" ed25519 cert,sign never 2>/dev/null
MEFPR=$(fpr me@example.org)
MEKEYID=${MEFPR:24}
# The targets are made elsewhere: in GG only their public keys (else gpg
# would trust them ultimately).
GT=$(new_gpg_home)
for n in bob:corp.example carol:example.net dave:example.net erin:example.net \
	 fay:example.net gil:my-corp.example hal:example.net ivy:corp.example; do
	GH=$GT G --quick-gen-key "${n%%:*} <${n%%:*}@${n#*:}>" ed25519 cert,sign never 2>/dev/null
done
GH=$GT G --export | GH=$GG G --import 2>/dev/null
BOB=$(fpr bob@) CAROL=$(fpr carol@) DAVE=$(fpr dave@) ERIN=$(fpr erin@)
FAY=$(fpr fay@) GIL=$(fpr gil@) HAL=$(fpr hal@) IVY=$(fpr ivy@)
GH=$GG G --passphrase "$MEPW" --export-secret-keys "$MEFPR" >"$T/me.sec"
GH=$GG G --export >"$T/all.pgp"
GH=$GW G --import "$T/all.pgp" 2>/dev/null
W import "$T/me.sec" >/dev/null
W import "$T/all.pgp" >/dev/null
check_eq "Me is my key in weft" "$(W --json list "$MEFPR" | J 'd["keys"][0]["validity"]')" ultimate

# ---- certifications: gpg in GG, weft into GW --------------------------------------------

GGP() { GH=$GG G --passphrase "$MEPW" "$@"; }
# edit-key takes its answers on fd 0, and not in --batch mode.
GGE() {
	gpg --homedir "$GG" --no-tty --quiet --command-fd 0 --pinentry-mode loopback \
	    --passphrase "$MEPW" -u "$MEFPR" "$@" >/dev/null 2>&1
}

GGP -u "$MEFPR" --quick-sign-key "$BOB" 2>/dev/null
check_rc "weft certify (sign)" 0 WP certify "$BOB"
GGP -u "$MEFPR" --quick-lsign-key "$CAROL" 2>/dev/null
check_rc "weft certify --local (lsign)" 0 WP certify --local "$CAROL"
GGP -u "$MEFPR" --default-cert-level 3 --default-cert-expire 1y --quick-sign-key "$DAVE" 2>/dev/null
check_rc "weft certify --level 3 --expires 1y" 0 WP certify --level 3 --expires 1y "$DAVE"
printf '2\n1\ncorp.example\ny\nsave\n' | GGE --edit-key "$ERIN" tsign
check_rc "weft certify --depth 1 --amount 120 --domain (tsign)" 0 \
	WP certify --depth 1 --amount 120 --domain corp.example "$ERIN"
printf '1\n2\n\ny\nsave\n' | GGE --edit-key "$FAY" tsign
check_rc "weft certify --depth 2 --amount 60 (tsign, no domain)" 0 \
	WP certify --depth 2 --amount 60 "$FAY"
printf '2\n1\n3\nmy-corp.example\ny\nsave\n' |
	GGE --ask-cert-level --default-cert-expire 30d --edit-key "$GIL" ltsign
check_rc "weft certify --local --level 2 --depth 3 --amount 60 --domain --expires 30d (ltsign)" 0 \
	WP certify --local --level 2 --depth 3 --amount 60 --domain my-corp.example --expires 30d "$GIL"
to_gw "$BOB" "$CAROL" "$DAVE" "$ERIN" "$FAY" "$GIL"
for t in BOB CAROL DAVE ERIN FAY GIL; do
	cmp_colons "${!t}" "$t"
	cmp_packets "${!t}" "$t"
done
check "tsign domain: gpg's regex, critical, with its NUL" grep -q \
	'critical hashed subpkt 6 len 26 (regular expression: "<\[^>\]+\[@.\]corp\\x5c.example>\$\\0")' "$T/ERIN.GW.pkts"
check "ltsign domain: '-' escaped as gpg does" grep -q \
	'regular expression: "<\[^>\]+\[@.\]my\\x5c-corp\\x5c.example>\$\\0"' "$T/GIL.GW.pkts"
check "lsign: Exportable=0, not critical" grep -q "| 	hashed subpkt 4 len 1 (not exportable)" "$T/CAROL.GW.pkts"

# --regex with gpg's domain regex writes what --domain writes; two
# regexes are two critical subpackets, in the order given.
check_rc "weft certify --depth 1 --regex" 0 \
	WP certify --depth 1 --regex '<[^>]+[@.]corp\.example>$' "$IVY"
to_gw "$IVY"
GH=$GW G --export "$IVY" >"$T/ivy.pgp"
check_eq "--regex R: the same subpackets as --domain" \
	"$(python3 "$T/sigs.py" "$T/ivy.pgp" "$MEKEYID" | cut -f2-)" \
	"$(cut -f2- "$T/ERIN.GW.bytes")"
sleep 1
check_rc "weft certify --depth 1 --regex R1 --regex R2" 0 \
	WP certify --depth 1 --regex '<[^>]+[@.]corp\.example>$' --regex 'Ivy' "$IVY"
# (The first certification, with one regex, is still there, before it.)
W export "$IVY" | gpg --list-packets 2>/dev/null | grep "regular expression" | tail -n 2 >"$T/ivy.rx"
check_eq "two regexes, critical, NUL-terminated, in order" "$(cat "$T/ivy.rx")" \
"	critical hashed subpkt 6 len 26 (regular expression: \"<[^>]+[@.]corp\\x5c.example>\$\\0\")
	critical hashed subpkt 6 len 4 (regular expression: \"Ivy\\0\")"

# Validity with Me ultimately trusted: the same in both homes.
for h in GG GW; do
	echo "$MEFPR:6:" | GNUPGHOME=${!h} gpg --batch --import-ownertrust 2>/dev/null
done
validity() { GNUPGHOME=$1 gpg --batch --with-colons --list-keys "$2" 2>/dev/null | awk -F: '/^uid/ {print $2; exit}'; }
for t in BOB CAROL DAVE ERIN FAY GIL; do
	check_eq "gpg validity of $t: weft's certification counts as gpg's" \
		"$(validity "$GW" "${!t}")" "$(validity "$GG" "${!t}")"
done
check_eq "gpg: Bob is fully valid through weft's certification" "$(validity "$GW" "$BOB")" f

# sq reads them.
W export "$BOB" "$ERIN" >"$T/sq.pgp"
SQ inspect --certifications "$T/sq.pgp" >"$T/sq.out" 2>&1
check "sq inspect --certifications reads weft's certifications" grep -q "Certification" "$T/sq.out"
check "sq: no error" bash -c "! grep -qi 'error' '$T/sq.out'"

# ---- weft show -------------------------------------------------------------------------------

W --json show "$BOB" "$CAROL" "$DAVE" "$ERIN" "$FAY" "$GIL" >"$T/show.json"
certs() {
	J '[[c["level"], c["local"], c["trust_depth"], c["trust_amount"], c["regex"], c["verified"], c["issuer"], c["expires"] is not None, c["revoked"]] for k in d["keys"] if k["fingerprint"]=="'$1'" for u in k["userids"] for c in u["certifications"]]' <"$T/show.json"
}
check_eq "show: sign" "$(certs "$BOB")" "[[0, false, null, null, null, true, \"$MEFPR\", false, false]]"
check_eq "show: lsign" "$(certs "$CAROL")" "[[0, true, null, null, null, true, \"$MEFPR\", false, false]]"
check_eq "show: level 3, expiring" "$(certs "$DAVE")" "[[3, false, null, null, null, true, \"$MEFPR\", true, false]]"
check_eq "show: tsign" "$(certs "$ERIN")" \
	"[[0, false, 1, 120, \"<[^>]+[@.]corp\\\\.example>\$\", true, \"$MEFPR\", false, false]]"
check_eq "show: tsign marginal" "$(certs "$FAY")" "[[0, false, 2, 60, null, true, \"$MEFPR\", false, false]]"
check_eq "show: ltsign" "$(certs "$GIL")" \
	"[[2, true, 3, 60, \"<[^>]+[@.]my\\\\-corp\\\\.example>\$\", true, \"$MEFPR\", true, false]]"
W show "$ERIN" >"$T/show.txt"
check "show: tsign listed as verified with its depth" grep -Eq "^   sig! +1 $MEKEYID " "$T/show.txt"
W show "$GIL" >"$T/show2.txt"
check "show: ltsign listed with level, L, depth" grep -q "^   sig! 2L 3 $MEKEYID " "$T/show2.txt"
# Again: nothing new.
WP certify "$BOB" >"$T/again.out" 2>&1
check_eq "certify again: exit 0" "$?" 0
check "certify again: already certified" grep -q "already certified" "$T/again.out"
W --json show "$BOB" >"$T/again.json"
check_eq "certify again: still one certification" \
	"$(J 'len(d["keys"][0]["userids"][0]["certifications"])' <"$T/again.json")" 1

# ---- revocations --------------------------------------------------------------------------------

sleep 1   # revocations must be newer than the certifications
printf 'y\ny\n4\nleft the company\n\ny\nsave\n' | GGE --edit-key "$BOB" revsig
check_rc "weft revoke --comment" 0 WP revoke "$BOB" --comment "left the company"
printf 'y\ny\n0\n\ny\nsave\n' | GGE --edit-key "$CAROL" revsig
check_rc "weft revoke --reason unspecified (local)" 0 WP revoke "$CAROL" --reason unspecified
to_gw "$BOB" "$CAROL"
for t in BOB CAROL; do
	cmp_colons "${!t}" "R$t"
	cmp_packets "${!t}" "R$t"
done
check "revsig: reason 32 with the comment" grep -q \
	"revocation reason 0x20 (left the company)" "$T/RBOB.GW.pkts"
check "revsig of a local certification: local too" grep -q "^rev:!::22:$MEKEYID:T::::Me <me@example.org>:30l,00:" \
	"$T/RCAROL.GW.colons"
check_eq "gpg: Bob not valid any more after weft's revocation" "$(validity "$GW" "$BOB")" "$(validity "$GG" "$BOB")"
check "gpg: Bob is no longer fully valid" test "$(validity "$GW" "$BOB")" != f
W --json show "$BOB" >"$T/rshow.json"
check_eq "show: the certification is revoked" \
	"$(J '[[c["revocation"], c["revoked"], c["verified"]] for c in d["keys"][0]["userids"][0]["certifications"]]' <"$T/rshow.json")" \
	"[[false, true, true], [true, false, true]]"
W show "$BOB" >"$T/rshow.txt"
check "show: rev! line" grep -Eq "^   rev! +$MEKEYID " "$T/rshow.txt"
W revoke "$BOB" >"$T/rev2.out" 2>&1
check_eq "revoke again: exit 0, nothing asked" "$?" 0
check "revoke again: already revoked" grep -q "already revoked" "$T/rev2.out"
check_rc "revoke a key I never certified: exit 1" 1 W revoke "$HAL"
# Certifying again after a revocation makes a new certification.
sleep 1
check_rc "certify again after the revocation" 0 WP certify "$BOB"
check_eq "show: a live certification again" \
	"$(W --json show "$BOB" | J 'sorted([c["revoked"] for c in d["keys"][0]["userids"][0]["certifications"] if not c["revocation"]])')" \
	"[false, true]"

# ---- --by, errors -------------------------------------------------------------------------------

W --passphrase-fd 3 generate "Second <second@example.org>" 3<"$T/mepw" >/dev/null
W certify "$HAL" >"$T/two.out" 2>&1
check_eq "two keys of mine: exit 2" "$?" 2
check "two keys of mine: lists them and names --by" bash -c \
	"grep -q -- '--by' '$T/two.out' && grep -q '$MEFPR' '$T/two.out'"
check_rc "--by picks one" 0 WP certify --by me@example.org "$HAL"
check_rc "--by a key without a secret: exit 2" 2 WP certify --by "$CAROL" "$HAL"
check_rc "unknown key: exit 1" 1 WP certify --by "$MEFPR" 0000000000000000000000000000000000000000
check_rc "own key: exit 2" 2 WP certify --by "$MEFPR" "$MEFPR"
check_rc "--regex and --domain: exit 2" 2 WP certify --by "$MEFPR" --depth 1 --regex x --domain a.b "$HAL"
check_rc "--domain without --depth: exit 2" 2 WP certify --by "$MEFPR" --domain example.org "$HAL"
WP certify --by "$MEFPR" --depth 1 --domain "corp.example>" "$HAL" >"$T/dom.out" 2>"$T/dom.err"
check_eq "--domain that is no domain name: exit 2" "$?" 2
check_eq "--domain that is no domain name: one line saying so" \
	"$(cat "$T/dom.err")" 'weft: "corp.example>" is not a domain name'
check_rc "--level 4: exit 2" 2 WP certify --by "$MEFPR" --level 4 "$HAL"
check_rc "unknown user ID: exit 1" 1 WP certify --by "$MEFPR" "$HAL" "nobody <nobody@example.org>"
check_rc "certify by address: exit 0" 0 WP certify --by "$MEFPR" --level 1 "$HAL" hal@example.net
check_rc "--expires in the past: exit 2" 2 WP certify --by "$MEFPR" --expires 2001-01-01 "$HAL"
check_rc "fsck after all this: consistent" 0 W fsck
finish
