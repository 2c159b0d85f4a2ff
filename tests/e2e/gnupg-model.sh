#!/bin/bash
# tests/e2e/gnupg-model.sh - weft's --model gnupg against gpg 2.2.40, the
# reference (issue 3, item 5b): for every key and user ID, the validity
# weft lists must be the letter gpg prints (field 2 of pub and uid records
# of --with-colons --list-keys) after --check-trustdb, exactly.
#
#   1. A generated web (tests/data/trust/web.py: chains, marginal and full
#      introducers, certification levels, trust signatures with depths and
#      a regex, revocations, expiry, disabled and revoked keys), under
#      eight sets of --marginals-needed/--completes-needed/
#      --max-cert-depth/--min-cert-level.
#   2. The Arch Linux keyring set up as pacman-key --init --populate does
#      (a local key lsigns the keys of archlinux-trusted, their ownertrust
#      is imported, the keys of archlinux-revoked are disabled).  weft gets
#      the keyring, the local key with its local certifications (as a
#      root), and the same ownertrust.
#   3. The Debian keyring with one key (Steve McIntyre's, as in
#      wot-semantics.md 9) ultimately trusted.  gpg --import of it takes
#      2-3 minutes, so gpg reads a keybox that kbxutil made from the same
#      file in a second; the letters are the same as after a real import
#      (checked when this test was written).  WEFT_E2E_GPG_IMPORT=1 does
#      the real import.
# gpg runs with --trust-model pgp and --no-auto-check-trustdb, then
# --check-trustdb --yes, on its own copy.
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/../data/trust" && pwd)
KEYRINGS=/usr/share/keyrings
DAY=86400
NOW=$(date +%s)

# The comparison: gpg's letters and weft's validity names, one line per
# key ("FPR pub VALIDITY") and per user ID ("FPR uid VALIDITY UID"); user
# attributes are left out (weft lists them without validity).
cat > "$T/cmp.py" <<'EOF'
import json, re, sys
L = {'o': 'unknown', '-': 'unknown', 'q': 'undefined', 'n': 'never',
     'm': 'marginal', 'f': 'full', 'u': 'ultimate', 'e': 'expired',
     'r': 'revoked'}
def unesc(s):
    return re.sub(rb'\\x([0-9a-fA-F]{2})',
                  lambda m: bytes([int(m.group(1), 16)]), s)
def gpg_side(path):
    out, fpr, pending = [], None, None
    for line in open(path, 'rb'):
        f = line.rstrip(b'\n').split(b':')
        if f[0] == b'pub':
            pending, fpr = f[1].decode(), None
        elif f[0] == b'fpr' and pending is not None:
            fpr = f[9].decode()
            out.append('%s pub %s' % (fpr, L.get(pending, pending)))
            pending = None
        elif f[0] == b'uid':
            v = f[1].decode()
            out.append('%s uid %s %s' % (fpr, L.get(v, v),
                       unesc(f[9]).decode('utf-8', 'replace')))
    return out
def weft_side(path):
    out = []
    for k in json.load(open(path))['keys']:
        out.append('%s pub %s' % (k['fingerprint'], k['validity']))
        for u in k['userids']:
            if not u['attribute']:
                out.append('%s uid %s %s' % (k['fingerprint'],
                                             u['validity'], u['uid']))
    return out
g, w = sorted(gpg_side(sys.argv[1])), sorted(weft_side(sys.argv[2]))
if g == w:
    print('same %d' % len(g))
    sys.exit(0)
only_g = [x for x in g if x not in set(w)]
only_w = [x for x in w if x not in set(g)]
print('%d lines differ of %d|' % (len(only_g) + len(only_w), len(g)) +
      '|'.join(['gpg:  ' + x for x in only_g[:4]] +
               ['weft: ' + x for x in only_w[:4]]))
sys.exit(1)
EOF

# same NAME GPGHOME WEFTHOME [OPTIONS...]: gpg --check-trustdb with
# OPTIONS, then the letters of gpg and of weft list --model gnupg.
same() {
	local name=$1 gh=$2 wh=$3 out
	shift 3
	GH=$gh G --trust-model pgp --no-auto-check-trustdb "$@" \
		--check-trustdb --yes >/dev/null 2>&1
	GH=$gh G --trust-model pgp --no-auto-check-trustdb "$@" \
		--with-colons --list-keys > "$T/g.colons" 2>/dev/null
	if ! WH=$wh W --json list --model gnupg "$@" > "$T/w.json" 2>"$T/w.err"; then
		fail "$name" "weft list: $(head -c 300 "$T/w.err")"
		return
	fi
	if out=$(python3 "$T/cmp.py" "$T/g.colons" "$T/w.json"); then
		pass "$name ($out)"
	else
		fail "$name" "$out"
	fi
}

PARAMS=("3 1 5 2" "2 1 5 2" "3 2 5 2" "3 1 1 2" "3 1 5 3" "3 1 5 1"
	"2 1 3 2" "3 1 2 2")
opts() {
	set -- $1
	echo "--marginals-needed $1 --completes-needed $2 --max-cert-depth $3 --min-cert-level $4"
}

# ---- 1. the generated web -------------------------------------------------------
web=$(new_gpg_home)
if python3 "$DATA/web.py" "$web" $((NOW - 100 * DAY)) > "$T/web.names"; then
	pass "web generated ($(wc -l < "$T/web.names") keys)"
	GH=$web G --export-options export-local-sigs --export > "$T/web.pgp"
	WH=$T/web W import "$T/web.pgp" >/dev/null 2>&1
	GH=$web G --export-ownertrust 2>/dev/null |
		WH=$T/web W import-ownertrust - >/dev/null
	for p in "${PARAMS[@]}"; do
		# shellcheck disable=SC2046
		same "web, $(opts "$p")" "$web" "$T/web" $(opts "$p")
	done
	# The other commands answer from the same computation.
	fpr() { awk -v n="$1" '$1 == n { print $2 }' "$T/web.names"; }
	check_rc "identify t2 (marginal): not authenticated" 1 \
		"$WEFT" --home "$T/web" identify "$(fpr t2)" --model gnupg
	check_rc "identify t2 with --marginals-needed 2: authenticated" 0 \
		"$WEFT" --home "$T/web" identify "$(fpr t2)" --model gnupg \
		--marginals-needed 2
	check_rc "authenticate inside a regex-scoped trust signature" 0 \
		"$WEFT" --home "$T/web" authenticate "$(fpr kb)" \
		"Bob <bob@corp.example>" --model gnupg
	check_rc "authenticate outside it" 1 \
		"$WEFT" --home "$T/web" authenticate "$(fpr ke)" \
		"Eve <eve@other.example>" --model gnupg
	got=$(WH=$T/web W --json lookup --email bob@corp.example --model gnupg 2>/dev/null |
		J "sorted(b['validity'] for b in d['bindings'])")
	check_eq "lookup --email bob@corp.example" "$got" '["full", "full"]'
else
	fail "web generated" "web.py failed"
fi

# ---- 2. Arch Linux, as pacman-key --init --populate ----------------------------
if [ -s "$KEYRINGS/archlinux.gpg" ] && [ -s "$KEYRINGS/archlinux-trusted" ]; then
	arch=$(new_gpg_home)
	printf 'no-greeting\nno-permission-warning\nlock-never\n' > "$arch/gpg.conf"
	AG() { gpg --homedir "$arch" --no-tty "$@"; }
	# --init: the local master key (ed25519 here, RSA 4096 in
	# pacman-key: the type does not matter to trust, the time does).
	AG --batch --passphrase '' --pinentry-mode loopback --quick-gen-key \
		"Pacman Keyring Master Key <pacman@localhost>" ed25519 sign never \
		>/dev/null 2>&1
	AG --batch --update-trustdb >/dev/null 2>&1
	local_fpr=$(AG --with-colons --list-secret-keys 2>/dev/null |
		awk -F: '/^fpr/ { print $10; exit }')
	# --populate
	AG --quiet --batch --import "$KEYRINGS/archlinux.gpg" >/dev/null 2>&1
	trusted=()
	while IFS=: read -r k _; do
		[ -z "$k" ] || [ "${k:0:1}" = "#" ] && continue
		trusted+=("$k")
		printf 'y\ny\n' | LANG=C AG --command-fd 0 --quiet --batch \
			--lsign-key "$k" >/dev/null 2>&1
	done < "$KEYRINGS/archlinux-trusted"
	AG --batch --import-ownertrust "$KEYRINGS/archlinux-trusted" >/dev/null 2>&1
	while read -r k; do
		printf 'disable\nquit\n' | LANG=C AG --command-fd 0 \
			--no-auto-check-trustdb --quiet --batch --edit-key "$k" \
			>/dev/null 2>&1
	done < "$KEYRINGS/archlinux-revoked"
	# weft: the keyring, the local key and its local certifications,
	# the local key as a root, the same ownertrust.
	WH=$T/arch W import "$KEYRINGS/archlinux.gpg" >/dev/null 2>&1
	AG --batch --export-options export-local-sigs --export "$local_fpr" \
		"${trusted[@]}" > "$T/arch-local.pgp" 2>/dev/null
	WH=$T/arch W import "$T/arch-local.pgp" >/dev/null 2>&1
	WH=$T/arch W root add "$local_fpr" >/dev/null
	{
		grep -v '^#' "$KEYRINGS/archlinux-trusted"
		while read -r k; do
			v=$(awk -F: -v k="$k" '$1 == k { print $2 }' \
				"$KEYRINGS/archlinux-trusted")
			echo "$k:$(( ${v:-0} | 128 )):"
		done < "$KEYRINGS/archlinux-revoked"
	} | WH=$T/arch W import-ownertrust - >/dev/null
	AG --batch --export-ownertrust 2>/dev/null | grep -v -e '^#' -e "^$local_fpr:" |
		sort > "$T/arch-ot.gpg"
	WH=$T/arch W export-ownertrust 2>/dev/null | grep -v '^#' | sort > "$T/arch-ot.weft"
	check_diff "arch: the same ownertrust as pacman-key leaves" \
		"$T/arch-ot.gpg" "$T/arch-ot.weft"
	same "arch (pacman-key)" "$arch" "$T/arch"
	same "arch, --marginals-needed 2 --max-cert-depth 2" "$arch" "$T/arch" \
		--marginals-needed 2 --max-cert-depth 2
else
	echo "SKIP arch: no $KEYRINGS/archlinux.gpg (archlinux-keyring)"
fi

# ---- 3. Debian, one key ultimately trusted --------------------------------------
STEVE=CEBB52301D617E910390FE16587979573442684E
if [ -s "$KEYRINGS/debian-keyring.gpg" ]; then
	deb=$(new_gpg_home)
	if [ -n "${WEFT_E2E_GPG_IMPORT:-}" ] || ! command -v kbxutil >/dev/null; then
		GH=$deb G --import "$KEYRINGS/debian-keyring.gpg" >/dev/null 2>&1
	else
		# An empty keybox gives the header blob; kbxutil the rest.
		GH=$deb G --list-keys >/dev/null 2>&1
		kbxutil --import-openpgp "$KEYRINGS/debian-keyring.gpg" \
			>> "$deb/pubring.kbx" 2>/dev/null
	fi
	echo "$STEVE:6:" | GH=$deb G --import-ownertrust >/dev/null 2>&1
	WH=$T/deb W import "$KEYRINGS/debian-keyring.gpg" >/dev/null 2>&1
	echo "$STEVE:6:" | WH=$T/deb W import-ownertrust - >/dev/null
	n=$(GH=$deb G --with-colons --list-keys 2>/dev/null | grep -c '^pub')
	check "debian: gpg sees the whole keyring ($n keys)" [ "$n" -gt 800 ]
	same "debian (ultimate $STEVE)" "$deb" "$T/deb"
	same "debian, --marginals-needed 2 --min-cert-level 1" "$deb" "$T/deb" \
		--marginals-needed 2 --min-cert-level 1
else
	echo "SKIP debian: no $KEYRINGS/debian-keyring.gpg (debian-keyring)"
fi

finish
