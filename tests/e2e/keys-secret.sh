#!/bin/bash
# keys-secret.sh - own keys: weft generate, secret key import and export,
# passphrases.
#
#  1. weft generate in every variant (Ed25519 and RSA v4, with and without
#     expiry; v6; --no-passphrase): v4 keys import into gpg 2.2 with every
#     self-signature good (--check-sigs) and sq 0.27 inspects them without
#     complaint; their exported secret keys import into gpg, which signs
#     and decrypts with them.  v6 keys (which neither tool reads) are
#     re-imported into weft, and checked independently by a Python
#     (cryptography) script that recomputes the fingerprints, verifies the
#     self-signatures and opens the secret keys (Argon2id, HKDF, OCB).
#  2. gpg --export-secret-keys (protected) and sq's keys (clear, and
#     protected by "sq key password") import into weft, certify with their
#     passphrase, and the certifications are good in gpg.
#  3. Passphrases: a wrong one is exit 2 with "wrong passphrase for key
#     FPR"; no terminal and no --passphrase-fd is exit 2 with a message
#     naming the option; on a terminal (a pty) the passphrase is asked
#     without echo, a new one twice.
#  4. Files weft creates are private.
. "$(dirname "$0")/lib.sh"
SECDATA=$(cd "$(dirname "$0")/../data/secret" && pwd)
PW="$T/pw"
printf 'correct horse\n' >"$PW"
# weft with the passphrase from a file on fd 3.
WP() { W --passphrase-fd 3 "$@" 3<"$PW"; }
# gpg with a passphrase.
GP() { G --passphrase "$1" "${@:2}"; }

cat >"$T/pgp.py" <<'EOF'
# Independent OpenPGP checks (RFC 9580), not weft's code:
#   pgp.py v6check CERT [SECRET PASSPHRASE]
# recomputes v6 fingerprints, verifies every self-signature (salted v6
# hashing, Ed25519), and with SECRET opens each secret key (S2K usage 253:
# Argon2id, HKDF-SHA256, AES-256-OCB) and checks that it derives the
# public key.  Prints one line per check and "ok N" at the end; exits 1 on
# the first failure.
import hashlib, struct, sys
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESOCB3

def packets(d):
    i = 0
    while i < len(d):
        c = d[i]; assert c & 0xc0 == 0xc0, "new format only"
        tag = c & 0x3f; l = d[i+1]; h = 2
        if 192 <= l < 224: l = ((l - 192) << 8) + d[i+2] + 192; h = 3
        elif l == 255: l = struct.unpack('>I', d[i+2:i+6])[0]; h = 6
        yield tag, d[i+h:i+h+l]; i += h + l

def fail(msg): print('FAIL', msg); sys.exit(1)
n = 0
def ok(msg):
    global n; n += 1; print('ok', msg)

def pub_part(body):
    assert body[0] == 6
    matlen = struct.unpack('>I', body[6:10])[0]
    return body[:10 + matlen]

def v6fpr(pub): return hashlib.sha256(b'\x9b' + struct.pack('>I', len(pub)) + pub).digest()

def parse_sig(b):
    assert b[0] == 6, 'v6 signature'
    typ, pk, h = b[1], b[2], b[3]
    hl = struct.unpack('>I', b[4:8])[0]; hashed_part = b[:8+hl]
    ul = struct.unpack('>I', b[8+hl:12+hl])[0]; p = 12 + hl + ul
    left = b[p:p+2]; sl = b[p+2]; salt = b[p+3:p+3+sl]; val = b[p+3+sl:]
    return dict(type=typ, pk=pk, hash=h, hashed=hashed_part, left=left, salt=salt, val=val)

def verify(pubkey, sig, parts):
    assert sig['hash'] == 10 and len(sig['salt']) == 32, 'SHA-512, 32-octet salt'
    m = hashlib.sha512(sig['salt'])
    for p in parts: m.update(p)
    m.update(sig['hashed']); m.update(b'\x06\xff' + struct.pack('>I', len(sig['hashed'])))
    dig = m.digest()
    if dig[:2] != sig['left']: fail('left 16 bits')
    ed25519.Ed25519PublicKey.from_public_bytes(pubkey).verify(sig['val'], dig)

def keyframe(pub): return b'\x9b' + struct.pack('>I', len(pub)) + pub

if sys.argv[1] == 'v6check':
    cert = open(sys.argv[2], 'rb').read()
    prim = sub = uid = None; cur = None
    for tag, body in packets(cert):
        if tag in (6, 5) and prim is None:
            prim = pub_part(body); cur = 'key'
        elif tag in (14, 7):
            sub = pub_part(body); cur = 'sub'
        elif tag == 13:
            uid = body; cur = 'uid'
        elif tag == 2:
            s = parse_sig(body)
            pk = prim[10:42]
            try:
                if cur == 'key':
                    verify(pk, s, [keyframe(prim)])
                elif cur == 'uid':
                    verify(pk, s, [keyframe(prim), b'\xb4' + struct.pack('>I', len(uid)) + uid])
                else:
                    verify(pk, s, [keyframe(prim), keyframe(sub)])
            except Exception as e:
                fail('signature 0x%02x on %s: %r' % (s['type'], cur, e))
            ok('v6 signature 0x%02x on %s' % (s['type'], cur))
    print('fpr', v6fpr(prim).hex().upper())
    if len(sys.argv) > 3:
        pw = sys.argv[4].encode()
        for tag, body in packets(open(sys.argv[3], 'rb').read()):
            if tag not in (5, 7): continue
            pub = pub_part(body); s = body[len(pub):]
            if s[0] != 253: fail('S2K usage %d, want 253' % s[0])
            cnt, cipher, aead, s2klen = s[1], s[2], s[3], s[4]
            spec = s[5:5+s2klen]
            if (cipher, aead, spec[0]) != (9, 2, 4): fail('AES-256, OCB, Argon2')
            salt, t, par, m = spec[1:17], spec[17], spec[18], spec[19]
            nonce = s[5+s2klen:5+s2klen+15]; assert 5 + s2klen + 15 == 2 + cnt
            ct = s[2+cnt:]
            ikm = Argon2id(salt=salt, length=32, iterations=t, lanes=par,
                           memory_cost=1 << m).derive(pw)
            info = bytes([0xc0 | tag, 6, cipher, aead])
            kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)
            clear = AESOCB3(kek).decrypt(nonce, ct, bytes([0xc0 | tag]) + pub)
            algo = pub[5]
            if algo == 27:
                k = ed25519.Ed25519PrivateKey.from_private_bytes(clear)
            elif algo == 25:
                k = x25519.X25519PrivateKey.from_private_bytes(clear)
            else: fail('algo %d' % algo)
            raw = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            if raw != pub[10:42]: fail('secret does not derive the public key')
            ok('secret key %s (t=%d p=%d m=2^%d) opens and derives its public key' % (
                v6fpr(pub).hex()[:16], t, par, m))
    print('ok', n)
EOF

# ---- 1. generate -----------------------------------------------------------

# gen NAME ARGS...: generate, remember the fingerprint in $FPR_NAME.
gen() {
	local name=$1 fpr
	shift
	fpr=$(WP -q generate "$@") || { fail "generate $name" "exit $?"; return 1; }
	printf -v "FPR_$name" '%s' "$fpr"
	pass "generate $name"
}
gen ed "Ed Weft <ed@weft.example>"
gen edx "Edx Weft <edx@weft.example>" --expires 2y
gen rsa "Rsa Weft <rsa@weft.example>" --algo rsa3072 --expires 2027-06-01
gen rsa4 "Rsa4 Weft <rsa4@weft.example>" --algo rsa4096
gen v6 "Six Weft <six@weft.example>" --v6 --expires 30d
gen clear "Clear Weft <clear@weft.example>" --no-passphrase
check_eq "v4 fingerprint is 40 hex digits" "${#FPR_ed}" 40
check_eq "v6 fingerprint is 64 hex digits" "${#FPR_v6}" 64

# What weft lists about them.
W --json list >"$T/list.json"
check_eq "own keys are ultimate" \
	"$(J '" ".join(sorted(set(k["validity"] for k in d["keys"])))' <"$T/list.json")" "ultimate"
check_eq "ed: eddsa + ecdh, [SC] + [E]" \
	"$(J '[[k["algorithm_id"],k["capabilities"],[[s["algorithm_id"],s["capabilities"]] for s in k["subkeys"]]] for k in d["keys"] if k["fingerprint"]=="'$FPR_ed'"][0]' <"$T/list.json")" \
	'[22, "sc", [[18, "e"]]]'
check_eq "v6: ed25519 + x25519" \
	"$(J '[[k["version"],k["algorithm_id"],[s["algorithm_id"] for s in k["subkeys"]]] for k in d["keys"] if k["fingerprint"]=="'$FPR_v6'"][0]' <"$T/list.json")" \
	'[6, 27, [25]]'
check_eq "rsa: 3072 bits both, expires 2027-06-01" \
	"$(J '[[k["bits"],k["subkeys"][0]["bits"],k["expires"],k["subkeys"][0]["expires"]] for k in d["keys"] if k["fingerprint"]=="'$FPR_rsa'"][0]' <"$T/list.json")" \
	'[3072, 3072, "2027-06-01T00:00:00Z", "2027-06-01T00:00:00Z"]'

# v4 keys in gpg and sq.
for k in ed edx rsa rsa4 clear; do
	fpr=FPR_$k
	fpr=${!fpr}
	GH=$(new_gpg_home)
	W export "$fpr" >"$T/$k.pgp"
	GH=$GH G --import "$T/$k.pgp" 2>/dev/null
	GH=$GH G --check-sigs --with-colons "$fpr" >"$T/$k.sigs" 2>"$T/$k.sigs.err"
	check_eq "gpg: $k self-signatures all good" \
		"$(awk -F: '/^sig/ {print $2}' "$T/$k.sigs" | sort | uniq -c | awk '{print $1 $2}')" "2!"
	# Expiry as weft says it.
	want=$(J '[k["expires"] for k in d["keys"] if k["fingerprint"]=="'$fpr'"][0]' <"$T/list.json")
	got=$(awk -F: '/^pub/ {print $7}' "$T/$k.sigs")
	[ -n "$got" ] && got=$(date -u -d "@$got" +%Y-%m-%dT%H:%M:%SZ) || got=None
	check_eq "gpg: $k expiry" "$got" "$want"
	SQ inspect "$T/$k.pgp" >"$T/$k.sq" 2>&1
	check "sq: $k inspects" grep -q "OpenPGP Certificate" "$T/$k.sq"
	check "sq: $k without complaint" bash -c "! grep -Eiq 'invalid|error|revoked|expired' '$T/$k.sq'"
	check "sq: $k primary certifies and signs" grep -q "Key flags: certification, signing" "$T/$k.sq"
	check "sq: $k subkey encrypts" grep -q "Key flags: transport encryption, data-at-rest encryption" "$T/$k.sq"
	# The secret keys in gpg: it signs and decrypts with them.
	W export --secret --armor "$fpr" >"$T/$k.sec.asc"
	check "$k: armored private key block" grep -q "BEGIN PGP PRIVATE KEY BLOCK" "$T/$k.sec.asc"
	if [ $k = clear ]; then pw=''; else pw='correct horse'; fi
	GH=$GH GP "$pw" --import "$T/$k.sec.asc" 2>"$T/$k.imp"
	check_eq "gpg: $k secret keys imported (primary and subkey)" \
		"$(GH=$GH G --with-colons --list-secret-keys "$fpr" | grep -c '^grp')" 2
	echo "signed by $k" >"$T/$k.msg"
	GH=$GH GP "$pw" -u "$fpr" --sign -o "$T/$k.msg.gpg" "$T/$k.msg" 2>/dev/null
	check "gpg: signs with $k's secret key" bash -c \
		"GNUPGHOME='$GH' gpg --batch --status-fd 1 --verify '$T/$k.msg.gpg' 2>/dev/null | grep -q '^\[GNUPG:\] VALIDSIG $fpr'"
	GH=$GH G --trust-model always -r "$fpr" -e -o "$T/$k.enc" "$T/$k.msg" 2>/dev/null
	check_eq "gpg: decrypts with $k's subkey" \
		"$(GH=$GH GP "$pw" -d "$T/$k.enc" 2>/dev/null)" "signed by $k"
done
# The protection gpg sees: usage 254, AES-256 (9), iterated SHA-256 (8).
check "gpg: protection is AES-256 and iterated SHA-256" grep -q \
	"iter+salt S2K, algo: 9, SHA1 protection, hash: 8" <(gpg --list-packets "$T/ed.sec.asc" 2>/dev/null)
check "gpg: --no-passphrase keys are in clear" grep -q "checksum:" \
	<(gpg --list-packets "$T/clear.sec.asc" 2>/dev/null)
check_rc "gpg 2.2 cannot read v6 (as expected)" 2 bash -c \
	"W export $FPR_v6 | GNUPGHOME='$(new_gpg_home)' gpg --batch --import"

# v6: back into a new keyring, and checked independently.
W export "$FPR_v6" >"$T/v6.pgp"
W export --secret "$FPR_v6" >"$T/v6.sec"
WH=$T/h6 W import "$T/v6.pgp" >/dev/null
check_eq "v6 re-imports unchanged" "$(WH=$T/h6 W export "$FPR_v6" | cmp - "$T/v6.pgp" && echo same)" same
check_eq "v6 re-imported: user ID and subkey valid" \
	"$(WH=$T/h6 W --json list "$FPR_v6" | J '[d["keys"][0]["userids"][0]["validity"], d["keys"][0]["subkeys"][0]["capabilities"]]')" \
	'["unknown", "e"]'
python3 "$T/pgp.py" v6check "$T/v6.pgp" "$T/v6.sec" "correct horse" >"$T/v6.check" 2>&1
check "python: v6 direct-key, user ID and subkey signatures verify" \
	grep -q "^ok 5$" "$T/v6.check"
check_eq "python: v6 fingerprint" "$(awk '/^fpr/ {print $2}' "$T/v6.check")" "$FPR_v6"
check "python: v6 secret keys open (Argon2id, HKDF, OCB)" \
	grep -q "secret key .* opens and derives its public key" "$T/v6.check"
WH=$T/h6 W import "$T/v6.sec" >/dev/null
WH=$T/h6 W import "$T/ed.pgp" >/dev/null
check_rc "v6 secret key certifies after a round trip" 0 \
	env WH="$T/h6" bash -c "'$WEFT' --home '$T/h6' --passphrase-fd 3 certify $FPR_ed 3<'$PW'"

# ---- 2. keys from gpg and sq ----------------------------------------------------

GA=$(new_gpg_home)
GH=$GA GP gpgpw --quick-gen-key "Gpg Made <gpgmade@example.org>" ed25519 cert,sign never 2>/dev/null
GMFPR=$(GH=$GA G --with-colons --list-keys gpgmade@example.org | awk -F: '/^fpr/ {print $10; exit}')
GH=$GA GP gpgpw --quick-add-key "$GMFPR" cv25519 encr never 2>/dev/null
GH=$GA GP gpgpw --quick-gen-key "Target <target@example.org>" ed25519 default never 2>/dev/null
TFPR=$(GH=$GA G --with-colons --list-keys target@example.org | awk -F: '/^fpr/ {print $10; exit}')
GH=$GA GP gpgpw --export-secret-keys "$GMFPR" >"$T/gm.sec"
GH=$GA G --export "$TFPR" >"$T/target.pgp"
HG=$T/hg
WH=$HG W import "$T/gm.sec" >"$T/gm.imp" 2>&1
check "gpg's secret key imports" grep -q "1 new" "$T/gm.imp"
check_eq "gpg's secret key is mine (ultimate)" \
	"$(WH=$HG W --json list "$GMFPR" | J 'd["keys"][0]["validity"]')" ultimate
WH=$HG W import "$T/target.pgp" >/dev/null
printf 'gpgpw\n' >"$T/gpgpw"
WH=$HG W --passphrase-fd 3 certify "$TFPR" 3<"$T/gpgpw" >"$T/gm.cert" 2>&1
check "certify with gpg's key and its passphrase" grep -q "^certified" "$T/gm.cert"
WH=$HG W export "$TFPR" | GH=$GA G --import 2>/dev/null
check "gpg: the certification by its own key is good" bash -c \
	"GNUPGHOME='$GA' gpg --batch --with-colons --check-sigs $TFPR 2>/dev/null | grep -q '^sig:!::22:${GMFPR:24}:.*:10x:'"
# And back: weft exports gpg's secret key as it came (byte for byte).
WH=$HG W export --secret "$GMFPR" >"$T/gm.back"
python3 - "$T/gm.sec" "$T/gm.back" >"$T/gm.cmp" <<'EOF'
import sys
def secrets(p):
    d = open(p, 'rb').read(); i = 0; out = []
    while i < len(d):
        c = d[i]
        if c & 0x40:
            tag = c & 63; l = d[i+1]; h = 2
            if 192 <= l < 224: l = ((l-192) << 8) + d[i+2] + 192; h = 3
            elif l == 255: l = int.from_bytes(d[i+2:i+6], 'big'); h = 6
        else:
            tag = (c >> 2) & 15; lt = c & 3; h = 1 + (1, 2, 4)[lt]; l = int.from_bytes(d[i+1:i+h], 'big')
        if tag in (5, 7): out.append(d[i+h:i+h+l])
        i += h + l
    return out
print('same' if secrets(sys.argv[1]) == secrets(sys.argv[2]) else 'differ')
EOF
check_eq "gpg's secret packets come back as they went in" "$(cat "$T/gm.cmp")" same

# sq: a clear key is protected on import (passphrase from the fd); a
# protected one imports as it is and unlocks with its passphrase.
HS=$T/hs
WH=$HS W import "$T/target.pgp" >/dev/null
WH=$HS W --passphrase-fd 3 import "$SECDATA/sq-ed25519-clear.pgp" 3<"$PW" >"$T/sq.imp" 2>&1
SQFPR=$(WH=$HS W --json list sq@example.org | J 'd["keys"][0]["fingerprint"]')
check "sq key imports" grep -q "1 new" "$T/sq.imp"
WH=$HS W export --secret "$SQFPR" >"$T/sq.back"
check_eq "sq's clear key is stored protected (4 keys, usage 254)" \
	"$(gpg --list-packets "$T/sq.back" 2>/dev/null | grep -c 'iter+salt S2K, algo: 9, SHA1 protection, hash: 8')" 4
check_rc "sq key certifies with the passphrase given at import" 0 \
	bash -c "'$WEFT' --home '$HS' --passphrase-fd 3 certify --by $SQFPR $TFPR 3<'$PW'"
HS2=$T/hs2
WH=$HS2 W import "$T/target.pgp" >/dev/null
WH=$HS2 W import "$SECDATA/sq-ed25519-pw.pgp" >/dev/null 2>&1
printf 'abc\n' >"$T/abc"
check_rc "sq-protected key certifies with its passphrase" 0 \
	bash -c "'$WEFT' --home '$HS2' --passphrase-fd 3 certify $TFPR 3<'$T/abc'"
WH=$HS2 W export "$TFPR" >"$T/target.sq.pgp"
SQ inspect --certifications "$T/target.sq.pgp" >"$T/target.sq" 2>&1
check "sq sees the certification" grep -q "Certification" "$T/target.sq"

# ---- 3. passphrases -------------------------------------------------------------------

printf 'not it\n' >"$T/wrong"
W import "$T/target.pgp" >/dev/null 2>&1
W --passphrase-fd 3 certify --by "$FPR_ed" "$TFPR" 3<"$T/wrong" >"$T/wrong.out" 2>&1
rc=$?
check_eq "wrong passphrase: exit 2" "$rc" 2
check "wrong passphrase: says so, with the key" grep -q "wrong passphrase for key $FPR_ed" "$T/wrong.out"
check_eq "wrong passphrase: nothing certified" \
	"$(W --json show "$TFPR" | J 'len([c for u in d["keys"][0]["userids"] for c in u["certifications"] if c["issuer"]=="'$FPR_ed'"])')" 0
setsid -w "$WEFT" --home "$T/home" generate "No Tty <notty@example.org>" </dev/null >"$T/notty.out" 2>&1
check_eq "no terminal, no --passphrase-fd: exit 2" "$?" 2
check "no terminal: the message names --passphrase-fd" grep -q -- "--passphrase-fd" "$T/notty.out"
check_eq "no terminal: nothing generated" "$(W --json list notty@example.org 2>/dev/null | J 'len(d["keys"])' 2>/dev/null || echo 0)" 0
setsid -w "$WEFT" --home "$T/home" certify --by "$FPR_ed" "$TFPR" --level 1 </dev/null >"$T/notty2.out" 2>&1
check_eq "no terminal to unlock: exit 2" "$?" 2
check "no terminal to unlock: names --passphrase-fd" grep -q -- "--passphrase-fd" "$T/notty2.out"
check_rc "--passphrase-fd of a closed descriptor: exit 2" 2 W --passphrase-fd 9 list
: >"$T/empty"
W --passphrase-fd 3 generate "Empty <empty@example.org>" 3<"$T/empty" >"$T/empty.out" 2>&1
check_eq "an empty passphrase file: exit 2" "$?" 2
printf '\n' >"$T/blank"
W --passphrase-fd 3 generate "Blank <blank@example.org>" 3<"$T/blank" >"$T/blank.out" 2>&1
check_eq "an empty passphrase: exit 2" "$?" 2
check "an empty passphrase: points to --no-passphrase" grep -q -- "--no-passphrase" "$T/blank.out"
# A clear key without a passphrase source: public part only, and why.
setsid -w "$WEFT" --home "$T/hc" -v import "$SECDATA/gpg-ed25519-clear.pgp" </dev/null >"$T/clear.imp" 2>&1
check_eq "clear secret key without a passphrase: import succeeds" "$?" 0
check "clear secret key without a passphrase: says so" grep -q "not protected and no passphrase" "$T/clear.imp"
check_rc "clear secret key without a passphrase: not stored" 2 \
	"$WEFT" --home "$T/hc" export --secret

# On a terminal: python's pty plays the user.
cat >"$T/drive.py" <<'EOF'
import os, pty, select, signal, sys, time
argv, script = sys.argv[1:sys.argv.index('--')], sys.argv[sys.argv.index('--')+1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b''
pos = 0
def give_up(why):
    os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
    sys.stdout.write(seen.decode('utf-8', 'replace'))
    sys.exit(why)
def read_some(end):
    global seen
    left = end - time.time()
    if left <= 0 or not select.select([fd], [], [], left)[0]: return False
    try: d = os.read(fd, 4096)
    except OSError: d = b''
    if not d: return None
    seen += d
    return True
def read_until(s, timeout=60):
    global pos
    end = time.time() + timeout
    while s.encode() not in seen[pos:]:
        r = read_some(end)
        if r is None: give_up('eof waiting for %r' % s)
        if r is False: give_up('timeout waiting for %r' % s)
    pos = seen.index(s.encode(), pos) + len(s)
for i in range(0, len(script), 2):
    read_until(script[i]); os.write(fd, script[i+1].encode() + b'\n')
end = time.time() + 60
while True:
    r = read_some(end)
    if r is None: break
    if r is False: give_up('timeout waiting for the end')
_, st = os.waitpid(pid, 0)
sys.stdout.write(seen.decode('utf-8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(st))
EOF
python3 "$T/drive.py" "$WEFT" --home "$T/home" generate "Tty User <tty@example.org>" -- \
	"New passphrase:" "tty secret" "Repeat it:" "tty secreT" \
	"New passphrase:" "tty secret" "Repeat it:" "tty secret" >"$T/tty.out" 2>&1
check_eq "terminal: generate succeeds" "$?" 0
check "terminal: a mismatch is asked again" grep -q "do not match" "$T/tty.out"
check "terminal: no echo of the passphrase" bash -c "! grep -q 'tty secret' '$T/tty.out'"
TTYFPR=$(W --json list tty@example.org | J 'd["keys"][0]["fingerprint"]')
python3 "$T/drive.py" "$WEFT" --home "$T/home" certify --by "$TTYFPR" "$TFPR" -- \
	"Passphrase:" "nope" "Passphrase:" "tty secret" >"$T/tty2.out" 2>&1
check_eq "terminal: unlock after a wrong try" "$?" 0
check "terminal: says it was wrong" grep -q "Wrong passphrase; try again." "$T/tty2.out"
check "terminal: names the key" grep -q "Unlocking Tty User <tty@example.org>, ed25519 key $TTYFPR" "$T/tty2.out"

# ---- 4. files ----------------------------------------------------------------------------

check_eq "keyring directory is 0700" "$(stat -c %a "$T/home")" 700
check_eq "keyring data is 0600" "$(stat -c %a "$T/home/data.mdb")" 600
W export --secret -o "$T/out.sec" "$FPR_ed" 2>/dev/null
check_eq "exported secret file is 0600" "$(stat -c %a "$T/out.sec")" 600
check "the keyring holds no clear secret of protected keys" bash -c \
	"! grep -q 'correct horse' '$T/home/data.mdb'"
finish
