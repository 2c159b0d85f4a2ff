#!/bin/bash
# verify-gpg.sh - weft verify and weft sign against gpg 2.2 (gpg --verify)
# and sq 0.27 (sq verify), on signatures the real tools made and on
# signatures weft made.
#
# Signing keys, all made here at run time:
#   gpg  Alice, Bob (ed25519), Rsa (rsa3072), Sub (ed25519 certify-only
#        primary with an ed25519 signing subkey), Unknown (never shown to
#        the verifiers), Mal (a user ID with a newline and a fake status
#        line in it), and keys made 10 days ago (--faked-system-time):
#          Old   signed 5 days ago a signature that expired a day later;
#          ExpA  expires 2 days after it was made; signed 9 days ago, so
#                it was valid when it signed and has expired since;
#          ExpB  no expiry when it signed (5 days ago), but a newer
#                self-signature dated 9 days ago says it expired 8 days
#                ago: it had expired when it signed;
#          SoftA signed 9 days ago, revoked now as "superseded" (soft);
#          SoftB signed 5 days ago, revoked as "superseded" 8 days ago;
#          HardC signed 9 days ago, revoked now as "compromised" (hard);
#          Hard0 signed 9 days ago, revoked now with no reason (hard).
#   sq   Sqa (cv25519, the signing key is a subkey), and SqOld, made 10
#        days ago, expired 2 days later, signing 9 days ago (sq sign --time).
#   weft Me (ed25519, no passphrase: weft's own key, a trust root), and a
#        v6 key in a second weft home.
# The verifiers: a gpg home (GV) with the public keys only, weft's keyring
# with the same keys (the valid ones certified by Me, so that a good
# signature is authenticated and exits 0; revoked and expired keys cannot
# be certified and are checked with --no-trust where the exit status is
# compared), and sq verify --signer-cert.
#
# For each case gpg --verify --status-fd and weft verify --status-fd
# (and --json) run on the same input and must give:
#   - the same verdict per signature: GOODSIG/EXPSIG/EXPKEYSIG/REVKEYSIG
#     = "good" (the cryptography checks out), BADSIG = "bad", ERRSIG with
#     rc 9 = "no-key", any other ERRSIG = "error"; compared with the
#     "verdict" of each of weft's signatures, in order;
#   - the same status lines, in the same order, for the keywords weft
#     writes and gpg documents, each cut to its documented fields:
#       NEWSIG                          the keyword (not the signer's UID)
#       GOODSIG BADSIG EXPSIG EXPKEYSIG REVKEYSIG   keyword and long key ID
#                                       (not the user ID: gpg and weft
#                                       pick it differently)
#       VALIDSIG                        fields 1-10
#       ERRSIG                          fields 1-7 (key ID, pk algo, hash
#                                       algo, class, time, rc, fpr)
#       NO_PUBKEY                       the key ID
#       KEYEXPIRED                      the expiry time (gpg repeats it
#                                       for each expired key it considers:
#                                       once per signature)
#       KEYREVOKED                      the keyword
#     Not compared: gpg's KEY_CONSIDERED, SIG_ID, NEWSIG's argument,
#     TRUST_* (gpg's trust model is not weft's), and PLAINTEXT and
#     PLAINTEXT_LENGTH, which gpg --verify does not write: they are
#     compared, whole, with gpg --decrypt's for some inline messages;
#   - gpg's exit status and weft's as the case wants, and weft's ok,
#     flags and problem as its policy (include/weft/verify.h) says; sq's
#     exit status where sq's verdict differs from gpg's.
# Then: weft sign's output checked by gpg --verify and sq verify (20 MB
# too; the data each writes out compared with what was signed), v6 by
# weft alone, input that is not a signed message (exit 2, one line naming
# the file), a compression bomb (2 GiB of zeros in 2 KB), and status-line
# injection (CVE-2018-12020).
. "$(dirname "$0")/lib.sh"
GV=$(new_gpg_home)
NOW=$(date +%s)
DAY=86400
fpr() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
subfpr() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/ {n++} /^fpr/ && n == 2 {print $10; exit}'; }
# gpg at a faked time (its warning about it silenced).
GAT() { local t=$1; shift; G --faked-system-time "$t" "$@" 2>/dev/null; }
# revoke FPR MENU [gpg options]: a revocation certificate from --gen-revoke
# (gpg's menu: 0 no reason, 1 compromised, 2 superseded, 3 no longer
# used), imported into the signing home.
revoke() {
	local f=$1 code=$2
	shift 2
	printf 'y\n%s\n\ny\n' "$code" |
		gpg --homedir "$GNUPGHOME" --no-tty --quiet --command-fd 0 \
		    --pinentry-mode loopback --passphrase '' "$@" \
		    -o "$T/$f.rev" --gen-revoke "$f" >/dev/null 2>&1
	G --import "$T/$f.rev" 2>/dev/null
}
flip() {   # flip FILE OFFSET: a copy (FILE.x) with one octet changed
	python3 -c "import sys; d=bytearray(open(sys.argv[1],'rb').read()); o=int(sys.argv[2]); o=o if o>=0 else len(d)+o; d[o]^=0x01; open(sys.argv[1]+'.x','wb').write(d)" "$1" "$2"
}

# python3 is a pyenv shim here that costs 0.3 s a call: call the
# interpreter itself (J of lib.sh too).
PY=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PY" "$@"; }

cat >"$T/st.py" <<'EOF'
# st.py case N: from N.gst (gpg's status lines) and N.wst, N.json (weft's)
#   writes N.gv, N.wv (the verdicts, one word per signature) and N.gl,
#   N.wl (the status lines compared; see the top of the script).
# st.py check FILE NGOOD: every line of FILE starts with "[GNUPG:] " and
#   there are NGOOD GOODSIG lines (prints what is wrong, else nothing).
import json, sys
def read(path):
    l = open(path, 'rb').read().decode('utf-8', 'replace').split('\n')
    if l and l[-1] == '': l.pop()
    return l
def norm(lines):
    out = []; verdicts = []; group = set()
    for l in lines:
        w = l.split(' ')
        if w[0] != '[GNUPG:]' or len(w) < 2: continue
        kw, a = w[1], w[2:]
        # gpg writes KEYEXPIRED for each expired key it considers: the
        # same line once per signature is enough.
        if kw == 'KEYEXPIRED' and l in group: continue
        group.add(l)
        if kw == 'NEWSIG': o = [kw]; group = set()
        elif kw in ('GOODSIG', 'BADSIG', 'EXPSIG', 'EXPKEYSIG', 'REVKEYSIG'):
            o = [kw] + a[:1]
            verdicts.append('bad' if kw == 'BADSIG' else 'good')
        elif kw == 'VALIDSIG': o = [kw] + a[:10]
        elif kw == 'ERRSIG':
            o = [kw] + a[:7]
            verdicts.append('no-key' if len(a) > 5 and a[5] == '9' else 'error')
        elif kw in ('NO_PUBKEY', 'KEYEXPIRED'): o = [kw] + a[:1]
        elif kw == 'KEYREVOKED': o = [kw]
        else: continue
        out.append(' '.join(o))
    return out, verdicts
if sys.argv[1] == 'check':
    lines = read(sys.argv[2])
    bad = [l for l in lines if not l.startswith('[GNUPG:] ')]
    good = [l for l in lines if l.startswith('[GNUPG:] GOODSIG ')]
    if bad: print('lines not starting with [GNUPG:]: %r' % bad)
    if len(good) != int(sys.argv[3]): print('%d GOODSIG lines: %r' % (len(good), good))
    sys.exit(0)
n = sys.argv[2]
def put(ext, s): open(n + ext, 'w').write(s)
gl, gv = norm(read(n + '.gst'))
wl, _ = norm(read(n + '.wst'))
try:
    wv = ' '.join(s['verdict'] for s in json.load(open(n + '.json'))['signatures'])
except Exception as e:
    wv = 'no JSON: %s' % e
put('.gv', ' '.join(gv)); put('.wv', wv)
put('.gl', '\n'.join(gl)); put('.wl', '\n'.join(wl))
EOF

# vrun NAME ARGS...: gpg --verify ARGS in GV, and weft verify $WX ARGS
# (status lines, human output, JSON); files $T/NAME.*: .gst .grc .gerr,
# .wst .wrc .wout .werr .json, and st.py's .gv .wv .gl .wl.
# vc NAME VERDICTS GPGRC WEFTRC ARGS...: vrun, then checks that gpg's
# verdicts are VERDICTS (the input is what the case means), weft's are
# gpg's, the status lines are gpg's, and both exit statuses.
WX=
vrun() {
	local n=$1
	shift
	GH=$GV G --status-fd 3 --verify "$@" 3>"$T/$n.gst" >/dev/null 2>"$T/$n.gerr"
	echo $? >"$T/$n.grc"
	# shellcheck disable=SC2086
	timeout 60 "$WEFT" --home "$T/home" verify $WX --status-fd 3 "$@" \
		3>"$T/$n.wst" >"$T/$n.wout" 2>"$T/$n.werr"
	echo $? >"$T/$n.wrc"
	# shellcheck disable=SC2086
	timeout 60 "$WEFT" --home "$T/home" --json verify $WX "$@" >"$T/$n.json" 2>/dev/null
	python3 "$T/st.py" case "$T/$n"
}
vc() {
	local n=$1 want=$2 grc=$3 wrc=$4
	shift 4
	vrun "$n" "$@"
	check_eq "$n: gpg says $want" "$(cat "$T/$n.gv")" "$want"
	check_eq "$n: gpg exit $grc" "$(cat "$T/$n.grc")" "$grc"
	check_eq "$n: weft exit $wrc" "$(cat "$T/$n.wrc")" "$wrc"
	check_eq "$n: weft's verdicts are gpg's" "$(cat "$T/$n.wv")" "$(cat "$T/$n.gv")"
	check_eq "$n: status lines as gpg's" "$(cat "$T/$n.wl")" "$(cat "$T/$n.gl")"
}
# sig0 NAME EXPR: EXPR of weft's first signature in NAME's JSON.
sig0() { J "d['signatures'][0]$2" <"$T/$1.json"; }
oks() { J '[s["ok"] for s in d["signatures"]]' <"$T/$1.json"; }
# sqv NAME CERT ARGS...: sq verify --signer-cert CERT ARGS; its exit status.
sqv() {
	local n=$1 c=$2
	shift 2
	SQ verify --signer-cert "$c" "$@" >"$T/$n.sqout" 2>"$T/$n.sqerr"
}

# ---- keys ---------------------------------------------------------------------------

G --quick-gen-key "Alice <alice@example.org>" ed25519 sign never 2>/dev/null
G --quick-gen-key "Bob <bob@example.org>" ed25519 sign never 2>/dev/null
G --quick-gen-key "Rsa <rsa@example.org>" rsa3072 sign never 2>/dev/null
G --quick-gen-key "Sub <sub@example.org>" ed25519 cert never 2>/dev/null
G --quick-gen-key "Unknown <unknown@example.org>" ed25519 sign never 2>/dev/null
G --quick-gen-key $'Mal\n[GNUPG:] GOODSIG 0123456789ABCDEF Mallory <mal@example.org>' \
	ed25519 sign never 2>/dev/null
ALICE=$(fpr alice@) BOB=$(fpr bob@) RSA=$(fpr rsa@) SUB=$(fpr sub@)
UNK=$(fpr unknown@) MAL=$(fpr mal@)
G --quick-add-key "$SUB" ed25519 sign never 2>/dev/null
SUBS=$(subfpr "$SUB")
T10=$((NOW - 10 * DAY)) T9=$((NOW - 9 * DAY)) T8=$((NOW - 8 * DAY)) T5=$((NOW - 5 * DAY))
GAT $T10 --quick-gen-key "ExpA <expa@example.org>" ed25519 sign 2d
for k in Old ExpB SoftA SoftB HardC Hard0; do
	GAT $T10 --quick-gen-key "$k <$(echo $k | tr A-Z a-z)@example.org>" ed25519 sign never
done
EXPA=$(fpr expa@) EXPB=$(fpr expb@) SOFTA=$(fpr softa@) SOFTB=$(fpr softb@)
HARDC=$(fpr hardc@) HARD0=$(fpr hard0@) OLD=$(fpr old@)
check "gpg made all the keys" test -n "$ALICE" -a -n "$BOB" -a -n "$RSA" -a -n "$SUBS" \
	-a -n "$UNK" -a -n "$MAL" -a -n "$EXPA" -a -n "$EXPB" -a -n "$SOFTA" -a -n "$SOFTB" \
	-a -n "$HARDC" -a -n "$HARD0" -a -n "$OLD"

# The data.
printf 'The quick brown fox\njumps over the lazy dog.\n' >"$T/data"
# Text for cleartext signatures: trailing blanks, dash lines, "From ",
# an empty line at the end.
printf 'Dear reader,\ntrailing spaces   \ntrailing tab\t\n- a line that starts with a dash\n-----BEGIN PGP SIGNATURE-----\nFrom the desk of Alice\n\n  indented\nlast line\n\n' >"$T/text"
sed 's/$/\r/' "$T/text" >"$T/text.crlf"

# Signatures in the past, made before the revocations and expiry changes.
GAT $T9 -u "$EXPA" -b -o "$T/expa.sig" "$T/data"
GAT $T5 -u "$EXPB" -b -o "$T/expb.sig" "$T/data"
GAT $T9 --quick-set-expire "$EXPB" 1d
GAT $T9 -u "$SOFTA" -b -o "$T/softa.sig" "$T/data"
GAT $T5 -u "$SOFTB" -b -o "$T/softb.sig" "$T/data"
GAT $T9 -u "$HARDC" -b -o "$T/hardc.sig" "$T/data"
GAT $T9 -u "$HARD0" -b -o "$T/hard0.sig" "$T/data"
GAT $T5 -u "$OLD" --default-sig-expire 1d -b -o "$T/sigexp.sig" "$T/data"
revoke "$SOFTA" 2
revoke "$SOFTB" 2 --faked-system-time $T8
revoke "$HARDC" 1
revoke "$HARD0" 0

# sq's key.
SQ key generate --userid "Sqa <sqa@example.org>" --export "$T/sqa.key" 2>/dev/null
SQ key extract-cert "$T/sqa.key" >"$T/sqa.cert" 2>/dev/null
SQA=$(SQ inspect "$T/sqa.cert" 2>/dev/null | awk '/Fingerprint:/ {print $2; exit}')
check "sq made its key" test -n "$SQA"

# weft's key, exported to gpg and sq.
W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
ME=$(W --json list me@example.org | J 'd["keys"][0]["fingerprint"]')
W export "$ME" >"$T/me.pgp"
check "weft made its key" test -n "$ME" -a -s "$T/me.pgp"

# Everyone's public keys (but Unknown's) to GV and weft; the valid ones
# certified by Me.
G --export "$ALICE" "$BOB" "$RSA" "$SUB" "$MAL" "$OLD" "$EXPA" "$EXPB" "$SOFTA" "$SOFTB" \
	"$HARDC" "$HARD0" >"$T/pub.pgp"
for f in pub sqa.cert me; do
	case $f in pub|me) p=$T/$f.pgp ;; *) p=$T/$f ;; esac
	GH=$GV G --import "$p" 2>/dev/null
done
G --import "$T/me.pgp" 2>/dev/null   # to encrypt to
W import "$T/pub.pgp" "$T/sqa.cert" >/dev/null 2>&1
check_eq "weft has the keys" "$(W --json list | J 'len(d["keys"])')" 14
for k in "$ALICE" "$BOB" "$RSA" "$SUB" "$MAL" "$OLD" "$SQA"; do
	W certify "$k" >/dev/null 2>&1 || fail "certify $k"
done

# ---- gpg's signatures: detached, inline, cleartext ------------------------------

G -u "$ALICE" -b -o "$T/a.sig" "$T/data"
vc "ed25519 detached" good 0 0 "$T/a.sig" "$T/data"
check "ed25519 detached: weft says who signed" grep -q "^Good signature from Alice <alice@example.org>" "$T/ed25519 detached.wout"
check_eq "ed25519 detached: ok, no flags, by Alice" "$(sig0 "ed25519 detached" '["ok"], d["signatures"][0]["flags"], d["signatures"][0]["key"]')" \
	"(True, [], '$ALICE')"
G -u "$ALICE" -a -b -o "$T/a.asc" "$T/data"
vc "ed25519 detached armored" good 0 0 "$T/a.asc" "$T/data"
G -u "$RSA" -b -o "$T/r.sig" "$T/data"
vc "rsa detached" good 0 0 "$T/r.sig" "$T/data"
G -u "$RSA" -a -b -o "$T/r.asc" "$T/data"
vc "rsa detached armored" good 0 0 "$T/r.asc" "$T/data"
check_eq "rsa detached: weft says RSA" "$(sig0 "rsa detached armored" '["algorithm"]')" RSA
# --signature SIG FILE is the same as SIG FILE; FILE.sig next to FILE too.
check_rc "--signature SIG FILE: exit 0" 0 W verify --signature "$T/a.sig" "$T/data"
cp "$T/a.sig" "$T/data.sig"
check_rc "FILE.sig alone (FILE next to it): exit 0" 0 W verify "$T/data.sig"
check_rc "detached signature of standard input: exit 0" 0 W verify --signature "$T/a.sig" - <"$T/data"

# Text mode: line ends count as CRLF, so the CRLF copy verifies too.
G -u "$ALICE" --textmode -b -o "$T/t.sig" "$T/text"
vc "text mode detached" good 0 0 "$T/t.sig" "$T/text"
check_eq "text mode detached: class text" "$(sig0 "text mode detached" '["class"]')" text
vc "text mode detached, CRLF copy" good 0 0 "$T/t.sig" "$T/text.crlf"
G -u "$RSA" --textmode -a -b -o "$T/rt.asc" "$T/text.crlf"
vc "rsa text mode detached of CRLF text, LF copy" good 0 0 "$T/rt.asc" "$T/text"

# Inline: gpg's default, a compressed packet of indeterminate length
# (old format, octet 0xa3), then each --compress-algo.
G -u "$ALICE" -o "$T/i.gpg" --sign "$T/data"
check_eq "gpg --sign: old-format compressed packet, indeterminate length" \
	"$(head -c 1 "$T/i.gpg" | od -An -tx1 | tr -d ' ')" a3
vc "inline (gpg default)" good 0 0 "$T/i.gpg"
W verify -o "$T/i.out" "$T/i.gpg" >/dev/null 2>&1
check_diff "inline: -o writes the signed data" "$T/data" "$T/i.out"
check_eq "inline: kind, file name, length" \
	"$(J '[d["kind"], d["filename"], d["data_length"]]' <"$T/inline (gpg default).json")" \
	"[\"inline\", \"data\", $(stat -c %s "$T/data")]"
for c in none zip zlib bzip2; do
	G -u "$ALICE" --compress-algo "$c" -o "$T/i-$c.gpg" --sign "$T/data"
	vc "inline --compress-algo $c" good 0 0 "$T/i-$c.gpg"
done
G -u "$RSA" -a --compress-algo bzip2 -o "$T/i-rsa.asc" --sign "$T/data"
vc "rsa inline armored bzip2" good 0 0 "$T/i-rsa.asc"
G -u "$ALICE" --textmode -o "$T/i-text.gpg" --sign "$T/text.crlf"
vc "inline text mode" good 0 0 "$T/i-text.gpg"
# 200 KB from standard input: gpg writes the literal data packet with
# partial lengths inside the compression.
head -c 200000 /dev/urandom >"$T/rand"
G -u "$ALICE" --sign <"$T/rand" >"$T/i-stdin.gpg"
gpg --list-packets "$T/i-stdin.gpg" 2>/dev/null | grep -q "tag=11 .* partial"
check_eq "gpg --sign of standard input: partial lengths" "$?" 0
vc "inline from standard input" good 0 0 "$T/i-stdin.gpg"
W verify -o "$T/i-stdin.out" <"$T/i-stdin.gpg" >/dev/null 2>&1
check_eq "inline on standard input: exit 0" "$?" 0
check "inline on standard input: -o writes the signed data" cmp -s "$T/rand" "$T/i-stdin.out"

# Cleartext.
G -u "$ALICE" -o "$T/c.asc" --clearsign "$T/text"
check "clearsign: the dash lines are escaped" grep -q '^- - a line' "$T/c.asc"
vc "cleartext" good 0 0 "$T/c.asc"
G -u "$RSA" -o "$T/c-crlf.asc" --clearsign "$T/text.crlf"
vc "rsa cleartext of CRLF text" good 0 0 "$T/c-crlf.asc"
sed 's/$/\r/' "$T/c.asc" >"$T/c2-crlf.asc"
vc "cleartext with CRLF line ends throughout" good 0 0 "$T/c2-crlf.asc"
G -u "$ALICE" -u "$RSA" -o "$T/c-two.asc" --clearsign "$T/text"
vc "cleartext, two signers" "good good" 0 0 "$T/c-two.asc"
# The signed text, as gpg --decrypt and sq verify write it: without the
# trailing blanks, which the signature does not cover.
GH=$GV G -o "$T/c.gout" --decrypt "$T/c.asc" 2>/dev/null
G --export "$ALICE" >"$T/alice.pgp"
sqv "cleartext" "$T/alice.pgp" -o "$T/c.sqout" "$T/c.asc"
W verify -o "$T/c.out" "$T/c.asc" >/dev/null 2>&1
check "cleartext: gpg writes the text" test -s "$T/c.gout"
check_diff "cleartext: -o writes what gpg --decrypt writes" "$T/c.gout" "$T/c.out"
check_diff "cleartext: -o writes what sq verify writes" "$T/c.sqout" "$T/c.out"

# Several signatures on one message, and a subkey.
G -u "$ALICE" -u "$BOB" -o "$T/m.gpg" --sign "$T/data"
vc "inline, two signers" "good good" 0 0 "$T/m.gpg"
G -u "$ALICE" -u "$RSA" -b -o "$T/m.sig" "$T/data"
vc "detached, two signers" "good good" 0 0 "$T/m.sig" "$T/data"
G -u "$SUB" -b -o "$T/s.sig" "$T/data"
vc "subkey detached" good 0 0 "$T/s.sig" "$T/data"
check_eq "subkey: the key is the subkey, the primary its certificate" \
	"$(sig0 "subkey detached" '["key"]') $(sig0 "subkey detached" '["primary_key"]')" "$SUBS $SUB"
check "subkey: the human output says so" grep -q "a subkey of $SUB" "$T/subkey detached.wout"
G -u "$SUB" -u "$ALICE" -o "$T/s.gpg" --sign "$T/data"
vc "subkey and primary inline" "good good" 0 0 "$T/s.gpg"

# ---- tampered, unknown key -----------------------------------------------------------------

flip "$T/data" 4
vc "tampered data, detached" bad 1 1 "$T/a.sig" "$T/data.x"
check "tampered: weft says BAD" grep -q "^BAD signature by $ALICE" "$T/tampered data, detached.wout"
vc "tampered data, rsa detached" bad 1 1 "$T/r.sig" "$T/data.x"
G -u "$ALICE" --compress-algo none -o "$T/u.gpg" --sign "$T/data"
flip "$T/u.gpg" 40    # in the data (after 15 octets of one-pass signature
                      # packet and 12 of literal data header)
vc "tampered inline" bad 1 1 "$T/u.gpg.x"
sed 's/^last line/last Line/' "$T/c.asc" >"$T/c-t.asc"
vc "tampered cleartext" bad 1 1 "$T/c-t.asc"
# gpg stops at the first BAD signature of a detached signature file;
# weft reports each: the first is gpg's.
G -u "$ALICE" -u "$BOB" -b -o "$T/m2.sig" "$T/data"
n="two signers, data tampered"
vrun "$n" "$T/m2.sig" "$T/data.x"
check_eq "$n: gpg says bad, then stops" "$(cat "$T/$n.gv") $(cat "$T/$n.grc")" "bad 1"
check_eq "$n: weft says bad bad, exit 1" "$(cat "$T/$n.wv") $(cat "$T/$n.wrc")" "bad bad 1"
check_eq "$n: the first signature's status lines as gpg's" "$(head -n 2 "$T/$n.wl")" "$(cat "$T/$n.gl")"

G -u "$UNK" -b -o "$T/unk.sig" "$T/data"
vc "unknown key" no-key 2 1 "$T/unk.sig" "$T/data"
check "unknown key: weft names the issuer's fingerprint" grep -q "$UNK" "$T/unknown key.wout"
check_eq "unknown key: not ok" "$(oks "unknown key")" "[false]"
G -u "$UNK" -u "$ALICE" -o "$T/unk2.gpg" --sign "$T/data"
vc "unknown and known signer" "no-key good" 2 0 "$T/unk2.gpg"
sqv "unknown and known signer" "$T/alice.pgp" "$T/unk2.gpg"
check_eq "unknown and known signer: sq verify exit 0 too (one good signature)" "$?" 0

# ---- the policy: expired, revoked, SHA-1 ---------------------------------------------------
#
# gpg says EXPKEYSIG / REVKEYSIG / EXPSIG and exits 0 whenever the
# cryptography is right; sq verify judges the key as it was when it
# signed, and rejects SHA-1.  weft's ok follows sq's verdict (its policy)
# and its output says gpg's too.  Revoked and expired keys cannot be
# certified, so the exit statuses are compared with --no-trust.
G --export "$EXPA" >"$T/expa.pgp"; G --export "$EXPB" >"$T/expb.pgp"
G --export "$SOFTA" >"$T/softa.pgp"; G --export "$SOFTB" >"$T/softb.pgp"
G --export "$HARDC" >"$T/hardc.pgp"; G --export "$HARD0" >"$T/hard0.pgp"
G --export "$RSA" >"$T/rsa.pgp"
WX=--no-trust

n="key expired after signing"
vc "$n" good 0 0 "$T/expa.sig" "$T/data"
check "$n: gpg says EXPKEYSIG" grep -q "^EXPKEYSIG" "$T/$n.gl"
check_eq "$n: weft ok, the key expired since" "$(oks "$n") $(sig0 "$n" '["flags"]')" '[true] ["key-expired"]'
check "$n: weft says gpg reports EXPKEYSIG" grep -q "after it signed (gpg reports EXPKEYSIG)" "$T/$n.wout"
sqv "$n" "$T/expa.pgp" --detached "$T/expa.sig" "$T/data"
check_eq "$n: sq verify exit 0 (good), as weft's ok" "$?" 0
# With trust: the signer given as a root.  gpg, the key ultimately
# trusted, still exits 0; weft's documented policy (as sq-wot's): the web
# of trust vouches only for keys in use now, so exit 1, and it says why.
W verify --root "$EXPA" "$T/expa.sig" "$T/data" >"$T/$n.root" 2>&1
check_eq "$n: the signer a --root: weft exit 1 (an expired key is not authenticated now)" "$?" 1
check "$n: the signer a --root: weft says the key expired" grep -q "not authenticated: the key has expired" "$T/$n.root"

n="key expired before signing"
vc "$n" good 0 1 "$T/expb.sig" "$T/data"
check "$n: gpg says EXPKEYSIG" grep -q "^EXPKEYSIG" "$T/$n.gl"
check_eq "$n: weft not ok, expired when signing" "$(oks "$n") $(sig0 "$n" '["flags"]')" \
	'[false] ["key-expired", "key-expired-when-signing"]'
check "$n: weft's problem says so" grep -q "had expired .* when it signed" "$T/$n.wout"
sqv "$n" "$T/expb.pgp" --detached "$T/expb.sig" "$T/data"
check_eq "$n: sq verify exit 1 (not good), as weft's ok" "$?" 1
check "$n: weft says gpg reports EXPKEYSIG" grep -q "EXPKEYSIG" "$T/$n.wout"

n="soft revocation after signing"
vc "$n" good 0 0 "$T/softa.sig" "$T/data"
check "$n: gpg says REVKEYSIG" grep -q "^REVKEYSIG" "$T/$n.gl"
check_eq "$n: weft ok, the key revoked since" "$(oks "$n") $(sig0 "$n" '["flags"]')" '[true] ["key-revoked"]'
check "$n: weft says gpg reports REVKEYSIG" grep -q "after it signed (gpg reports REVKEYSIG)" "$T/$n.wout"
sqv "$n" "$T/softa.pgp" --detached "$T/softa.sig" "$T/data"
check_eq "$n: sq verify exit 0 (good), as weft's ok" "$?" 0
W verify --root "$SOFTA" "$T/softa.sig" "$T/data" >"$T/$n.root" 2>&1
check_eq "$n: the signer a --root: weft exit 1 (a revoked key is not authenticated now)" "$?" 1
check "$n: the signer a --root: weft says the key was revoked" grep -q "not authenticated: the key has been revoked" "$T/$n.root"

n="soft revocation before signing"
vc "$n" good 0 1 "$T/softb.sig" "$T/data"
check "$n: gpg says REVKEYSIG" grep -q "^REVKEYSIG" "$T/$n.gl"
check_eq "$n: weft not ok, revoked when signing" "$(oks "$n") $(sig0 "$n" '["flags"]')" \
	'[false] ["key-revoked", "key-revoked-when-signing"]'
sqv "$n" "$T/softb.pgp" --detached "$T/softb.sig" "$T/data"
check_eq "$n: sq verify exit 1 (not good), as weft's ok" "$?" 1
check "$n: weft says gpg reports REVKEYSIG" grep -q "REVKEYSIG" "$T/$n.wout"

for k in hardc:compromised hard0:"no reason"; do
	f=${k%%:*} n="hard revocation ($f, ${k#*:})"
	vc "$n" good 0 1 "$T/$f.sig" "$T/data"
	check "$n: gpg says REVKEYSIG" grep -q "^REVKEYSIG" "$T/$n.gl"
	check_eq "$n: weft not ok, hard-revoked" "$(oks "$n") $(sig0 "$n" '["flags"]')" \
		'[false] ["key-revoked", "key-hard-revoked"]'
	check "$n: weft says the revocation voids the signature" grep -q "voids every signature" "$T/$n.wout"
	sqv "$n" "$T/$f.pgp" --detached "$T/$f.sig" "$T/data"
	check_eq "$n: sq verify exit 1 (not good), as weft's ok" "$?" 1
	check "$n: weft says gpg reports REVKEYSIG" grep -q "REVKEYSIG" "$T/$n.wout"
done
check "hard revocation (compromised): weft says compromised" grep -q "compromised" \
	"$T/hard revocation (hardc, compromised).wout"

n="signature expired"
vc "$n" good 1 1 "$T/sigexp.sig" "$T/data"
check "$n: gpg says EXPSIG" grep -q "^EXPSIG" "$T/$n.gl"
check_eq "$n: weft not ok, signature-expired" "$(oks "$n") $(sig0 "$n" '["flags"]')" '[false] ["signature-expired"]'
check_eq "$n: weft's expiry is the signature's" "$(sig0 "$n" '["expires"]')" \
	"$(date -u -d @$((T5 + DAY)) +%Y-%m-%dT%H:%M:%SZ)"
G --export "$OLD" >"$T/old.pgp"
sqv "$n" "$T/old.pgp" --detached "$T/sigexp.sig" "$T/data"
check_eq "$n: sq verify exit 1" "$?" 1
WX=

# SHA-1: gpg accepts it, sq and weft's policy do not; weft says both.
G -u "$RSA" --digest-algo SHA1 -b -o "$T/sha1.sig" "$T/data"
n="SHA-1 detached"
vc "$n" good 0 1 "$T/sha1.sig" "$T/data"
check "$n: VALIDSIG hash algo 2" grep -q "^VALIDSIG .* 1 2 00 $RSA\$" "$T/$n.gl"
check_eq "$n: weft not ok, hash-rejected-by-policy" "$(oks "$n") $(sig0 "$n" '["flags"]')" \
	'[false] ["hash-rejected-by-policy"]'
check "$n: the problem says gpg accepts it" grep -q "gpg accepts it" <(sig0 "$n" '["problem"]')
check "$n: the human output says SHA-1 and gpg" grep -q "SHA-1 .*(gpg accepts it)" "$T/$n.wout"
sqv "$n" "$T/rsa.pgp" --detached "$T/sha1.sig" "$T/data"
check_eq "$n: sq verify exit 1" "$?" 1
G -u "$RSA" --digest-algo SHA1 -o "$T/sha1.asc" --clearsign "$T/text"
check "SHA-1 cleartext: Hash: SHA1 header" grep -q "^Hash: SHA1" "$T/sha1.asc"
vc "SHA-1 cleartext" good 0 1 "$T/sha1.asc"
check_eq "SHA-1 cleartext: weft's flags" "$(sig0 "SHA-1 cleartext" '["flags"]')" '["hash-rejected-by-policy"]'
cat "$T/sha1.sig" "$T/a.sig" >"$T/sha1-and-256.sig"
n="SHA-1 and SHA-256 signatures"
vrun "$n" "$T/sha1-and-256.sig" "$T/data"
check_eq "$n: gpg and weft: good good" "$(cat "$T/$n.gv") / $(cat "$T/$n.wv")" "good good / good good"
check_eq "$n: one accepted, weft exit 0 (gpg: $(cat "$T/$n.grc"))" \
	"$(oks "$n") $(cat "$T/$n.wrc")" "[false, true] 0"
check_eq "$n: status lines as gpg's" "$(cat "$T/$n.wl")" "$(cat "$T/$n.gl")"

# ---- sq's signatures ------------------------------------------------------------------------

SQ sign --detached --signer-key "$T/sqa.key" -o "$T/sq-d.asc" "$T/data" 2>/dev/null
vc "sq detached" good 0 0 "$T/sq-d.asc" "$T/data"
check_eq "sq detached: made by sq's signing subkey" "$(sig0 "sq detached" '["primary_key"]')" "$SQA"
SQ sign --detached --binary --signer-key "$T/sqa.key" -o "$T/sq-d.sig" "$T/data" 2>/dev/null
vc "sq detached binary" good 0 0 "$T/sq-d.sig" "$T/data"
SQ sign --signer-key "$T/sqa.key" -o "$T/sq-i.asc" "$T/data" 2>/dev/null
vc "sq inline" good 0 0 "$T/sq-i.asc"
W verify -o "$T/sq-i.out" "$T/sq-i.asc" >/dev/null 2>&1
check_diff "sq inline: -o writes the data" "$T/data" "$T/sq-i.out"
SQ sign --binary --signer-key "$T/sqa.key" -o "$T/sq-i.pgp" "$T/data" 2>/dev/null
vc "sq inline binary" good 0 0 "$T/sq-i.pgp"
SQ sign --cleartext-signature --signer-key "$T/sqa.key" -o "$T/sq-c.asc" "$T/text" 2>/dev/null
vc "sq cleartext" good 0 0 "$T/sq-c.asc"
# sq's own key made 10 days ago, expiring 2 days later, signing 9 days ago
# (sq sign --time): gpg says EXPKEYSIG, sq and weft good.
SQ key generate --userid "SqOld <sqold@example.org>" --expires-in 2d \
	--creation-time "$(date -u -d @$T10 +%Y%m%dT%H%M%S)" --export "$T/sqold.key" 2>/dev/null
SQ key extract-cert "$T/sqold.key" >"$T/sqold.cert" 2>/dev/null
SQ sign --detached --time "$(date -u -d @$T9 +%Y%m%dT%H%M%S)" --signer-key "$T/sqold.key" \
	-o "$T/sqold.asc" "$T/data" 2>/dev/null
GH=$GV G --import "$T/sqold.cert" 2>/dev/null
W import "$T/sqold.cert" >/dev/null 2>&1
n="sq, key expired after signing"
WX=--no-trust vc "$n" good 0 0 "$T/sqold.asc" "$T/data"
check "$n: gpg says EXPKEYSIG" grep -q "^EXPKEYSIG" "$T/$n.gl"
check_eq "$n: weft ok, the key expired since" "$(oks "$n") $(sig0 "$n" '["flags"]')" '[true] ["key-expired"]'
sqv "$n" "$T/sqold.cert" --detached "$T/sqold.asc" "$T/data"
check_eq "$n: sq verify exit 0" "$?" 0
flip "$T/sq-d.sig" -3
vc "sq detached, signature damaged" bad 1 1 "$T/sq-d.sig.x" "$T/data"

# ---- weft's signatures, for gpg and sq --------------------------------------------------------
#
# Each: gpg --verify (vc: gpg's verdict and status lines and weft's), sq
# verify --signer-cert, and the signed content written out by all three.
wsign() {   # wsign NAME OPTIONS...: weft sign OPTIONS -o $T/NAME
	local n=$1
	shift
	local a="$*"
	W sign "$@" -o "$T/$n" >/dev/null 2>"$T/$n.err"
	check_eq "weft sign ${a//$T\//}: exit 0" "$?" 0
}
wsign w-d.sig --detach "$T/data"
wsign w-da.asc --detach --armor "$T/data"
wsign w-dt.sig --detach --text "$T/text"
wsign w-i.gpg --inline "$T/data"
wsign w-ia.asc --inline --armor "$T/data"
wsign w-it.gpg --inline --text "$T/text.crlf"
wsign w-c.asc --clear "$T/text"
wsign w-ct.asc --clear --text "$T/text.crlf"
check "weft sign --armor: armored" grep -q "^-----BEGIN PGP SIGNATURE-----" "$T/w-da.asc"
check "weft sign --clear: a cleartext message" grep -q "^-----BEGIN PGP SIGNED MESSAGE-----" "$T/w-c.asc"
check "weft sign --clear: dash-escaped" grep -q '^- - a line' "$T/w-c.asc"
for c in "w-d.sig data" "w-da.asc data" "w-dt.sig text" "w-dt.sig text.crlf"; do
	set -- $c
	vc "weft sign: $1 of $2" good 0 0 "$T/$1" "$T/$2"
	sqv "weft $1" "$T/me.pgp" --detached "$T/$1" "$T/$2"
	check_eq "weft sign: $1 of $2: sq verify exit 0" "$?" 0
done
check_eq "weft sign --text: class text" "$(sig0 "weft sign: w-dt.sig of text" '["class"]')" text
# (gpg --decrypt writes a text literal's CRLF as LF.)
for c in w-i.gpg:data:data w-ia.asc:data:data w-it.gpg:text.crlf:text; do
	IFS=: read -r m orig gorig <<<"$c"
	orig=$T/$orig gorig=$T/$gorig
	vc "weft sign: $m" good 0 0 "$T/$m"
	sqv "weft $m" "$T/me.pgp" -o "$T/$m.sqdata" "$T/$m"
	check_eq "weft sign: $m: sq verify exit 0" "$?" 0
	GH=$GV G -o "$T/$m.gdata" --decrypt "$T/$m" 2>/dev/null
	W verify -o "$T/$m.wdata" "$T/$m" >/dev/null 2>&1
	check_diff "weft sign: $m: gpg --decrypt writes the data" "$gorig" "$T/$m.gdata"
	check_diff "weft sign: $m: sq verify writes the data" "$orig" "$T/$m.sqdata"
	check_diff "weft sign: $m: weft verify writes the data" "$orig" "$T/$m.wdata"
done
for m in w-c.asc w-ct.asc; do
	vc "weft sign: $m" good 0 0 "$T/$m"
	sqv "weft $m" "$T/me.pgp" "$T/$m"
	check_eq "weft sign: $m: sq verify exit 0" "$?" 0
done
flip "$T/w-d.sig" -5
vc "weft sign: damaged signature" bad 1 1 "$T/w-d.sig.x" "$T/data"
cp "$T/w-d.sig" "$T/w-d.sig.before"
W sign --detach -o "$T/w-d.sig" "$T/data" >/dev/null 2>&1
check_eq "weft sign: an existing output is not overwritten: exit 2" "$?" 2
check "weft sign: ... and the file is unchanged" cmp -s "$T/w-d.sig" "$T/w-d.sig.before"
W sign --detach <"$T/data" >"$T/w-stdin.sig" 2>/dev/null
check_rc "weft sign of standard input: gpg verifies it" 0 env GNUPGHOME="$GV" gpg --batch --verify "$T/w-stdin.sig" "$T/data"

# 20 MB, made now: detached and inline (binary and armored).
head -c $((20 * 1024 * 1024)) /dev/urandom >"$T/big"
wsign big.sig --detach "$T/big"
wsign big.gpg --inline "$T/big"
wsign big.asc --inline --armor "$T/big"
vc "weft sign: 20 MB detached" good 0 0 "$T/big.sig" "$T/big"
sqv "weft big.sig" "$T/me.pgp" --detached "$T/big.sig" "$T/big"
check_eq "weft sign: 20 MB detached: sq verify exit 0" "$?" 0
for m in big.gpg big.asc; do
	vc "weft sign: 20 MB $m" good 0 0 "$T/$m"
	sqv "weft $m" "$T/me.pgp" -o "$T/$m.sqdata" "$T/$m"
	check_eq "weft sign: 20 MB $m: sq verify exit 0" "$?" 0
	check "weft sign: 20 MB $m: sq verify writes the data" cmp -s "$T/big" "$T/$m.sqdata"
	GH=$GV G -o "$T/$m.gdata" --decrypt "$T/$m" 2>/dev/null
	check "weft sign: 20 MB $m: gpg --decrypt writes the data" cmp -s "$T/big" "$T/$m.gdata"
	W verify -o "$T/$m.wdata" "$T/$m" >/dev/null 2>&1
	check "weft sign: 20 MB $m: weft verify writes the data" cmp -s "$T/big" "$T/$m.wdata"
	rm -f "$T/$m.sqdata" "$T/$m.gdata" "$T/$m.wdata"
done
check_eq "weft sign: 20 MB: data_length" "$(J 'd["data_length"]' <"$T/weft sign: 20 MB big.gpg.json")" $((20 * 1024 * 1024))

# PLAINTEXT and PLAINTEXT_LENGTH of inline messages (gpg --verify writes
# none): as gpg --decrypt writes them.
for f in i.gpg i-stdin.gpg i-text.gpg i-bzip2.gpg sq-i.pgp w-i.gpg w-it.gpg big.gpg; do
	GH=$GV G --status-fd 3 -o /dev/null --decrypt "$T/$f" 3>"$T/$f.dst" 2>/dev/null
	W verify --status-fd 3 "$T/$f" 3>"$T/$f.wpst" >/dev/null 2>&1
	want=$(grep '^\[GNUPG:\] PLAINTEXT' "$T/$f.dst")
	if [ -z "$want" ]; then
		fail "PLAINTEXT lines of $f" "gpg --decrypt wrote none"
	else
		check_eq "PLAINTEXT lines of $f as gpg --decrypt's" \
			"$(grep '^\[GNUPG:\] PLAINTEXT' "$T/$f.wpst")" "$want"
	fi
done
rm -f "$T/big.gpg.dst"

# ---- v6: weft alone (gpg 2.2 and sq 0.27 cannot read it) --------------------------------------

W6() { WH=$T/home6 W "$@"; }
W6 generate "Six <six@example.org>" --v6 --no-passphrase >/dev/null 2>&1
SIX=$(W6 --json list six@example.org | J 'd["keys"][0]["fingerprint"]')
check_eq "v6 key: a 64-digit fingerprint" "${#SIX}" 64
for m in "--detach" "--detach --armor" "--inline" "--inline --armor" "--clear" "--detach --text"; do
	o=$T/six$(echo "$m" | tr -d ' -')
	# shellcheck disable=SC2086
	W6 sign $m -o "$o" "$T/text" >/dev/null 2>&1
	case $m in --detach*) set -- "$o" "$T/text" ;; *) set -- "$o" ;; esac
	W6 verify --status-fd 3 "$@" 3>"$o.st" >"$o.out" 2>&1
	check_eq "v6 $m: weft verify exit 0" "$?" 0
	W6 --json verify "$@" >"$o.json" 2>/dev/null
	check_eq "v6 $m: good, ok, version 6, by Six" \
		"$(J '[[s["verdict"], s["ok"], s["version"], s["key"]] for s in d["signatures"]]' <"$o.json")" \
		"[[\"good\", true, 6, \"$SIX\"]]"
	check "v6 $m: GOODSIG with the key ID (the fingerprint's first 16)" grep -q "^\[GNUPG:\] GOODSIG ${SIX:0:16} " "$o.st"
	check "v6 $m: VALIDSIG version 6" grep -Eq "^\[GNUPG:\] VALIDSIG $SIX [0-9-]+ [0-9]+ 0 6 0 27 [0-9]+ 0[01] $SIX\$" "$o.st"
done
flip "$T/text" 3
W6 verify --signature "$T/sixdetach" "$T/text.x" >/dev/null 2>&1
check_eq "v6 detached, data changed: exit 1" "$?" 1
check_eq "v6 detached, data changed: bad" "$(W6 --json verify --signature "$T/sixdetach" "$T/text.x" | J 'd["signatures"][0]["verdict"]')" bad
W verify --signature "$T/sixdetach" "$T/text" >"$T/six-nokey.out" 2>&1
check_eq "v6 signature, key not in the keyring: exit 1" "$?" 1
check "v6 signature, key not in the keyring: names the fingerprint" grep -q "$SIX" "$T/six-nokey.out"

# ---- input that is not a signed message ----------------------------------------------------------
#
# Each: exit 2, nothing on standard output, one line on standard error
# that names the file at fault and says what is wrong (a regex).
badin() {   # badin NAME FILE REGEX ARGS...
	local n=$1 f=$2 re=$3 rc
	shift 3
	timeout 60 "$WEFT" --home "$T/home" verify "$@" >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	check_eq "$n: exit 2" "$rc" 2
	check_eq "$n: one line on stderr, nothing on stdout" "$(wc -l <"$T/bad.err") $(wc -c <"$T/bad.out")" "1 0"
	check "$n: the error names $(basename "$f")" grep -qF "$f" "$T/bad.err"
	check "$n: the error says /$re/" grep -Eq "$re" "$T/bad.err"
}
printf 'Not OpenPGP at all.\n' >"$T/junk.txt"
badin "not OpenPGP data" "$T/junk.txt" "no OpenPGP data" "$T/junk.txt"
head -c 64 /dev/zero | tr '\0' '\377' >"$T/ff.bin"
badin "binary, not OpenPGP" "$T/ff.bin" "packet|OpenPGP" "$T/ff.bin"
: >"$T/empty"
badin "empty file" "$T/empty" "empty" "$T/empty"
printf -- '-----BEGIN PGP MESSAGE-----\n\n!!!! this is not base64 ~~~~\n-----END PGP MESSAGE-----\n' >"$T/garbage.asc"
badin "garbage armor" "$T/garbage.asc" "base64" "$T/garbage.asc"
sed 's/^=.*/=AAAA/' "$T/i-rsa.asc" >"$T/badcrc.asc"
badin "armor CRC wrong" "$T/badcrc.asc" "CRC" "$T/badcrc.asc"
head -c $(($(stat -c %s "$T/i-none.gpg") / 2)) "$T/i-none.gpg" >"$T/trunc.gpg"
badin "truncated inline (uncompressed)" "$T/trunc.gpg" "cut short|truncated" "$T/trunc.gpg"
head -c $(($(stat -c %s "$T/i.gpg") - 30)) "$T/i.gpg" >"$T/trunc-z.gpg"
badin "truncated inline (compressed)" "$T/trunc-z.gpg" "truncated|cut short" "$T/trunc-z.gpg"
head -n 12 "$T/c.asc" >"$T/trunc-c.asc"
badin "cleartext without its signature" "$T/trunc-c.asc" "signature" "$T/trunc-c.asc"
G --trust-model always -r "$ME" -e -o "$T/enc.gpg" "$T/data" 2>/dev/null
badin "encrypted message" "$T/enc.gpg" "encrypted.*signatures only" "$T/enc.gpg"
G --trust-model always -r "$ME" -u "$ALICE" -s -e -a -o "$T/senc.asc" "$T/data" 2>/dev/null
badin "signed and encrypted message" "$T/senc.asc" "encrypted.*signatures only" "$T/senc.asc"
badin "a key instead of a signed message" "$T/alice.pgp" "a key" "$T/alice.pgp"
G -a --export "$ALICE" >"$T/alice.asc"
badin "an armored key instead of a signed message" "$T/alice.asc" "PUBLIC KEY BLOCK" "$T/alice.asc"
badin "a key instead of a detached signature" "$T/alice.pgp" "type 6|key" --signature "$T/alice.pgp" "$T/data"
badin "garbage armor as the detached signature" "$T/garbage.asc" "base64" --signature "$T/garbage.asc" "$T/data"
head -c 50 "$T/a.sig" >"$T/trunc.sig"
badin "truncated detached signature" "$T/trunc.sig" "truncated|damaged|cut short" --signature "$T/trunc.sig" "$T/data"
cp "$T/a.sig" "$T/lonely.sig"
badin "a detached signature without its data" "$T/lonely.sig" "detached signature" "$T/lonely.sig"

# A compression bomb: a BZip2 compressed packet (old format, indeterminate
# length, as gpg writes it) of a one-pass signature and a literal data
# packet with a 5-octet length holding 2 GiB of zeros, in about 2 KB.
# One bzip2 block of 32 MiB of zeros is compressed (BZ2Compressor) and
# repeated 64 times as bits (the stream CRC combines the block CRCs):
# compressing 2 GiB itself would take 20 s.  The builder is checked by
# decompressing a 2-block one with Python's bz2.
cat >"$T/bomb.py" <<'EOF'
# bomb.py OUT N PREFIX-FILE: see above; N blocks of 32 MiB.
import bz2, sys
out, n, prefix = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], 'rb').read()
Z = 32 << 20
EOS = 0x177245385090
def block_of(data):
    c = bz2.BZ2Compressor(9)
    s = c.compress(data) + c.flush()
    v, nb = int.from_bytes(s, 'big'), len(s) * 8
    for pad in range(8):    # the stream ends: EOS marker, CRC, 0-7 pad bits
        end = nb - pad
        if (v >> (nb - end + 32)) & ((1 << 48) - 1) == EOS:
            break
    else:
        raise SystemExit('no end-of-stream marker')
    blen = end - 80 - 32    # the block: after "BZh9", before the EOS marker
    blk = (v >> (nb - end + 80)) & ((1 << blen) - 1)
    return blk, blen, (blk >> (blen - 80)) & 0xffffffff   # its CRC
lit = 6 + n * Z             # format, name length 0, date; the data
head = prefix + bytes([0xcb, 0xff]) + lit.to_bytes(4, 'big') + b'b\0\0\0\0\0'
blocks = [block_of(head + bytes(Z))] + [block_of(bytes(Z))] * (n - 1)
acc, alen, comb = 0, 0, 0
for blk, blen, crc in blocks:
    acc = (acc << blen) | blk
    alen += blen
    comb = (((comb << 1) | (comb >> 31)) & 0xffffffff) ^ crc
acc = (acc << 80) | (EOS << 32) | comb
alen += 80
pad = (-alen) % 8
body = b'BZh9' + (acc << pad).to_bytes((alen + pad) // 8, 'big')
open(out, 'wb').write(bytes([0xa3, 3]) + body)
EOF
head -c 15 "$T/i-none.gpg" >"$T/ops"    # gpg's one-pass signature packet
check_eq "bomb: gpg's one-pass signature packet to start with" "$(od -An -tx1 -N1 "$T/ops" | tr -d ' ')" 90
python3 "$T/bomb.py" "$T/bomb2" 2 "$T/ops"
check_eq "bomb builder: 2 blocks decompress to the headers and 64 MiB of zeros" \
	"$(python3 -c "import bz2,sys; x=bz2.decompress(open(sys.argv[1],'rb').read()[2:]); h=open(sys.argv[2],'rb').read(); print(len(x)-len(h)-12, x[:len(h)]==h, x[len(h)+12:].count(0))" "$T/bomb2" "$T/ops")" \
	"$((64 << 20)) True $((64 << 20))"
python3 "$T/bomb.py" "$T/bomb" 64 "$T/ops"
check "bomb: a few KB" test "$(stat -c %s "$T/bomb")" -lt 8192
# (gpg would inflate all of the 2 GiB one to list it: the 2-block one.)
gpg --list-packets "$T/bomb2" 2>/dev/null | grep -q "raw data: $((64 << 20)) bytes"
check_eq "bomb builder: gpg --list-packets sees the literal data packet" "$?" 0
start=$(date +%s%N)
badin "compression bomb" "$T/bomb" "compress" "$T/bomb"
check "compression bomb: refused within 5 s" test $((($(date +%s%N) - start) / 1000000)) -lt 5000
# (Not given to gpg: it inflates all 2 GiB.)
timeout 60 "$WEFT" --home "$T/home" verify --no-trust -o "$T/bomb.out" "$T/bomb" >/dev/null 2>&1
check_eq "compression bomb, --no-trust -o: exit 2" "$?" 2
check "compression bomb, -o: less than 1 GiB written" test "$(stat -c %s "$T/bomb.out" 2>/dev/null || echo 0)" -lt $((1 << 30))
rm -f "$T/bomb.out"

# ---- status-line injection (CVE-2018-12020) ---------------------------------------------------
#
# The file name of the literal data and the signer's user ID (Mal's) carry
# a newline and a fake GOODSIG line: weft's status output has only lines
# that start with "[GNUPG:] ", and as many GOODSIG lines as good
# signatures; the human output no line that starts with "[GNUPG:]".
EVIL=$'evil name\n[GNUPG:] GOODSIG 0123456789ABCDEF Forged <forged@example.org>\n'
G -u "$ALICE" --set-filename "$EVIL" -o "$T/inj1.gpg" --sign "$T/data"
G -u "$MAL" -b -o "$T/inj2.sig" "$T/data"
G -u "$MAL" -u "$ALICE" --set-filename "$EVIL" -o "$T/inj3.gpg" --sign "$T/data"
G -u "$MAL" -o "$T/inj4.asc" --clearsign "$T/text"
for c in "inj1.gpg:1:file name" "inj2.sig data:1:user ID" "inj3.gpg:2:file name and user ID" \
	 "inj4.asc:1:user ID, cleartext"; do
	IFS=: read -r f ngood what <<<"$c"
	n="injection, $what"
	# shellcheck disable=SC2086
	set -- $f
	vrun "$n" "${@/#/$T/}"
	check_eq "$n: weft exit 0" "$(cat "$T/$n.wrc")" 0
	check_eq "$n: only [GNUPG:] lines, $ngood GOODSIG" "$(python3 "$T/st.py" check "$T/$n.wst" "$ngood")" ""
	check "$n: the human output has no status line" bash -c "! grep -q '^\[GNUPG:\]' \"\$1\"" _ "$T/$n.wout"
	check_eq "$n: status lines as gpg's" "$(cat "$T/$n.wl")" "$(cat "$T/$n.gl")"
done
check_eq "injection: weft's JSON has Mal's user ID as it is" \
	"$(J 'd["signatures"][0]["userid"]' <"$T/injection, user ID.json")" \
	$'Mal\n[GNUPG:] GOODSIG 0123456789ABCDEF Mallory <mal@example.org>'
check_eq "injection: weft's JSON has the file name as it is" \
	"$(J 'd["filename"]' <"$T/injection, file name.json")" "${EVIL%$'\n'}"
# PLAINTEXT: gpg --decrypt writes one; the same fields (format, time,
# the file name percent-escaped).
GH=$GV G --status-fd 3 -o /dev/null --decrypt "$T/inj1.gpg" 3>"$T/inj1.dst" 2>/dev/null
check_eq "injection, file name: PLAINTEXT as gpg --decrypt's" \
	"$(grep '^\[GNUPG:\] PLAINTEXT ' "$T/injection, file name.wst")" \
	"$(grep '^\[GNUPG:\] PLAINTEXT ' "$T/inj1.dst")"
check_eq "injection, file name: PLAINTEXT_LENGTH as gpg --decrypt's" \
	"$(grep '^\[GNUPG:\] PLAINTEXT_LENGTH ' "$T/injection, file name.wst")" \
	"$(grep '^\[GNUPG:\] PLAINTEXT_LENGTH ' "$T/inj1.dst")"
check_rc "fsck after all this: consistent" 0 W fsck
finish
