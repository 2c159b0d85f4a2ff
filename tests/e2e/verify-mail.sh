#!/bin/bash
# verify-mail.sh - weft verify-mail on mail built here at run time with
# Python's email package, signed by gpg 2.2 (PGP/MIME, inline) and by
# OpenSSL 3 (S/MIME: openssl smime, openssl cms, and multipart/signed
# assembled by Python over openssl cms -binary).
#
# Keys: Alice (gpg, ed25519) and Rsa (gpg, rsa3072) are certified by Me
# (weft's own key, a root), so their good signatures are authenticated
# (exit 0); Stranger (gpg) is not in weft's keyring.  S/MIME: a test CA
# (openssl req -x509), Sam (RSA-2048, SAN email:sam@example.org) and Ecco
# (ECDSA P-256, SAN email:ecco@example.org) issued by it.  Until the CA
# is imported (weft x509 import), S/MIME signers do not chain to a root
# you trust (exit 1; exit 0 with --no-trust); after, Sam is authenticated
# through it (exit 0).
#
# Cases: PGP/MIME (CRLF, and the same mail saved with LF; nested
# multipart/mixed with a base64 attachment; tampered; From: mismatch;
# partly signed; an unknown signer; micalg that lies; JSON and
# --status-fd), inline PGP (cleartext signature in quoted-printable and
# base64 text parts, a signed message, text outside the block), S/MIME
# (detached x-pkcs7-signature and pkcs7-signature, ECDSA, RSA-PSS,
# opaque, nested, tampered), and bad input: not a mail, empty, a
# truncated multipart, garbage DER, parts nested 10,000 deep, a mail
# with no signature, an encrypted mail; each exit 2 with one line on
# standard error naming the file.
. "$(dirname "$0")/lib.sh"
D=$T/mail
mkdir -p "$D"

# ---- keys ------------------------------------------------------------------------

G --quick-gen-key "Alice <alice@example.org>" ed25519 sign never 2>/dev/null
G --quick-gen-key "Rsa <rsa@example.org>" rsa3072 sign never 2>/dev/null
G --quick-gen-key "Stranger <stranger@example.org>" ed25519 sign never 2>/dev/null
fpr() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
ALICE=$(fpr alice@example.org)
RSA=$(fpr rsa@example.org)
STRANGER=$(fpr stranger@example.org)
check "gpg made the keys" test -n "$ALICE" -a -n "$RSA" -a -n "$STRANGER"
W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
G --export "$ALICE" "$RSA" >"$T/pub.pgp"
W import "$T/pub.pgp" >/dev/null 2>&1
for k in "$ALICE" "$RSA"; do
	W certify "$k" >/dev/null 2>&1 || fail "certify $k"
done

X=$T/x509
mkdir -p "$X"
cat >"$X/ext.cnf" <<'EOF'
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:${ENV::SAN}
EOF
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$X/ca.key" -out "$X/ca.pem" \
	-days 30 -subj "/CN=Weft Test CA/O=Example" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
leaf() {   # leaf NAME SAN KEYARGS...
	local n=$1 san=$2
	shift 2
	openssl req -new "$@" -nodes -keyout "$X/$n.key" -out "$X/$n.csr" \
		-subj "/CN=$n/O=Example" 2>/dev/null
	SAN=$san openssl x509 -req -in "$X/$n.csr" -CA "$X/ca.pem" -CAkey "$X/ca.key" \
		-CAcreateserial -out "$X/$n.pem" -days 30 -extfile "$X/ext.cnf" \
		-extensions leaf 2>/dev/null
}
leaf Sam sam@example.org -newkey rsa:2048
leaf Ecco ecco@example.org -newkey ec -pkeyopt ec_paramgen_curve:P-256
check "openssl made the certificates" test -s "$X/Sam.pem" -a -s "$X/Ecco.pem"

# ---- the mail builder ----------------------------------------------------------------

cat >"$T/mk.py" <<'EOF'
# mk.py KIND OUT [ARGS]: build one mail with Python's email package.
# Signing runs gpg (GNUPGHOME from the environment) or openssl.
import os, subprocess, sys
from email import policy
from email.charset import Charset, QP, BASE64
from email.encoders import encode_7or8bit
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

kind, out = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
CRLF = policy.SMTP            # RFC 5322 line ends
TEXT = ("Hello Bob,\n\nthe quarterly numbers are attached.  Trailing "
        "space here:   \nand a long line that quoted-printable must break: "
        + "x = y " * 30 + "\n\u00e4\u00f6\u00fc \u20ac 100\n\n-- \nAlice\n")

def gpg(*a, data=None):
    return subprocess.run(['gpg', '--batch', '--quiet', '--no-tty',
                           '--pinentry-mode', 'loopback', '--passphrase', '',
                           *a], input=data, check=True,
                          capture_output=True).stdout

def qp_text(text, enc=QP):
    cs = Charset('utf-8')
    cs.body_encoding = enc
    return MIMEText(text, 'plain', cs)

def headers(msg, frm=os.environ.get('MKFROM', 'Alice <alice@example.org>')):
    msg['From'] = frm
    msg['To'] = 'Bob <bob@example.org>'
    msg['Subject'] = 'Q3 numbers'
    msg['Date'] = 'Mon, 01 Dec 2025 10:00:00 +0000'
    msg['Message-ID'] = '<%s@example.org>' % kind
    return msg

def pgp_signed(inner, key, micalg='pgp-sha256', digest='SHA256'):
    body = inner.as_bytes(policy=CRLF)
    sig = gpg('-u', key, '--digest-algo', digest, '--detach-sign', '--armor',
              data=body)
    msg = MIMEMultipart('signed', micalg=micalg,
                        protocol='application/pgp-signature')
    msg.attach(inner)
    part = MIMEApplication(sig, 'pgp-signature', _encoder=encode_7or8bit,
                           name='signature.asc')
    part['Content-Description'] = 'OpenPGP digital signature'
    msg.attach(part)
    return msg, body

def smime_signed(inner, name):
    body = inner.as_bytes(policy=CRLF)
    x = os.environ['X']
    der = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-outform',
                          'DER', '-signer', '%s/%s.pem' % (x, name),
                          '-inkey', '%s/%s.key' % (x, name), '-certfile',
                          '%s/ca.pem' % x], input=body, check=True,
                         capture_output=True).stdout
    msg = MIMEMultipart('signed', micalg='sha-256',
                        protocol='application/pkcs7-signature')
    msg.attach(inner)
    msg.attach(MIMEApplication(der, 'pkcs7-signature', name='smime.p7s'))
    return msg, body

def attachment():
    a = MIMEApplication(bytes(range(256)) * 8, 'octet-stream',
                        name='numbers.bin')
    a.add_header('Content-Disposition', 'attachment', filename='numbers.bin')
    return a

def mixed(*parts):
    m = MIMEMultipart('mixed')
    for p in parts:
        m.attach(p)
    return m

def write(msg, body=None):
    data = msg.as_bytes(policy=CRLF)
    if body is not None and body not in data:
        sys.exit('mk.py: the signed part changed when the mail was written')
    open(out, 'wb').write(data)

key = args[0] if args else None
if kind == 'pgpmime':
    m, b = pgp_signed(qp_text(TEXT), key)
    write(headers(m), b)
elif kind == 'pgpmime-from':
    m, b = pgp_signed(qp_text(TEXT), key)
    write(headers(m, args[1]), b)
elif kind == 'pgpmime-nested':
    m, b = pgp_signed(mixed(qp_text(TEXT), attachment()), key)
    write(headers(m), b)
elif kind == 'pgpmime-micalg':
    m, b = pgp_signed(qp_text(TEXT), key, micalg='pgp-sha1', digest='SHA512')
    write(headers(m), b)
elif kind == 'pgpmime-partial':
    m, b = pgp_signed(qp_text(TEXT), key)
    footer = MIMEText('-- \nThe list footer, added by the list, unsigned.\n')
    write(headers(mixed(m, footer)), b)
elif kind in ('inline-qp', 'inline-b64', 'inline-outside'):
    signed = gpg('-u', key, '--clearsign', data=TEXT.encode()).decode()
    if kind == 'inline-outside':
        signed = 'Unsigned words before the block.\n\n' + signed
    write(headers(qp_text(signed, QP if kind != 'inline-b64' else BASE64)))
elif kind == 'inline-msg':
    signed = gpg('-u', key, '--sign', '--armor', data=TEXT.encode()).decode()
    write(headers(qp_text(signed)))
elif kind == 'smime-nested':
    m, b = smime_signed(mixed(qp_text(TEXT), attachment()), key)
    write(headers(m, 'Sam <sam@example.org>'), b)
elif kind == 'plain':
    write(headers(qp_text(TEXT)))
elif kind == 'deep':
    n = int(key)
    parts = ['From: a@example.org\r\nContent-Type: multipart/mixed; '
             'boundary="b0"\r\n\r\n']
    for i in range(1, n):
        parts.append('--b%d\r\nContent-Type: multipart/mixed; '
                     'boundary="b%d"\r\n\r\n' % (i - 1, i))
    parts.append('--b%d\r\n\r\nhi\r\n' % (n - 1))
    for i in range(n - 1, -1, -1):
        parts.append('--b%d--\r\n' % i)
    open(out, 'w').write(''.join(parts))
else:
    sys.exit('mk.py: unknown kind ' + kind)
EOF
MK() { X=$X python3 "$T/mk.py" "$@"; }

# Run weft verify-mail: NAME FILE [OPTIONS]; output in $D/NAME.{out,err},
# JSON in $D/NAME.json, exit status in $D/NAME.rc.
VM() {
	local name=$1 file=$2
	shift 2
	W verify-mail "$@" "$file" >"$D/$name.out" 2>"$D/$name.err"
	echo $? >"$D/$name.rc"
	W --json verify-mail "$@" "$file" >"$D/$name.json" 2>/dev/null
}
rc() { cat "$D/$1.rc"; }
js() { J "$2" <"$D/$1.json"; }
# A one-line error on standard error naming the file, exit 2.
bad_input() {
	local name=$1 file=$2 want=$3
	VM "$name" "$file"
	check_eq "$name: exit 2" "$(rc "$name")" 2
	check_eq "$name: one line on stderr" "$(wc -l <"$D/$name.err")" 1
	check "$name: the line names the file" grep -q "^weft: $file: " "$D/$name.err"
	check "$name: says why ($want)" grep -q -- "$want" "$D/$name.err"
}

# ---- PGP/MIME --------------------------------------------------------------------------------

MK pgpmime "$D/pgpmime.eml" "$ALICE"
check "pgpmime: built" test -s "$D/pgpmime.eml"
VM pgpmime "$D/pgpmime.eml"
check_eq "pgpmime: exit 0" "$(rc pgpmime)" 0
check "pgpmime: where" grep -q "^Part 1: PGP/MIME signature over part 1.1$" "$D/pgpmime.out"
check "pgpmime: good, from Alice" grep -q "^Good signature from Alice <alice@example.org>" "$D/pgpmime.out"
check "pgpmime: From matches" grep -q "^    From: alice@example.org matches the signer (Alice <alice@example.org>)$" "$D/pgpmime.out"
check "pgpmime: no warning" sh -c "! grep -q warning '$D/pgpmime.out'"
check_eq "pgpmime: json good" "$(js pgpmime 'd["good"]')" true
check_eq "pgpmime: json signature as weft verify's" \
	"$(js pgpmime '(d["signatures"][0]["verdict"], d["signatures"][0]["primary_key"], d["signatures"][0]["authenticated"])')" \
	"('good', '$ALICE', True)"
check_eq "pgpmime: json where" \
	"$(js pgpmime '(d["openpgp"][0]["part"], d["openpgp"][0]["kind"], d["openpgp"][0]["signed_part"], d["openpgp"][0]["whole_message"], d["openpgp"][0]["micalg"])')" \
	"('1', 'pgp-mime', '1.1', True, 'pgp-sha256')"
check_eq "pgpmime: json from" \
	"$(js pgpmime '(d["from"], d["openpgp"][0]["from"]["matches"], d["openpgp"][0]["from"]["authenticated"])')" \
	"('alice@example.org', True, True)"
W verify-mail --status-fd 3 "$D/pgpmime.eml" 3>"$D/pgpmime.status" >/dev/null 2>&1
check "pgpmime: status GOODSIG" grep -q "^\[GNUPG:\] GOODSIG ${ALICE:24} " "$D/pgpmime.status"
check "pgpmime: status VALIDSIG" grep -q "^\[GNUPG:\] VALIDSIG $ALICE " "$D/pgpmime.status"
W verify-mail - <"$D/pgpmime.eml" >"$D/stdin.out" 2>&1
check_eq "pgpmime: standard input" "$?" 0

# The same mail as a mail client saves it: LF line ends.
tr -d '\r' <"$D/pgpmime.eml" >"$D/pgpmime-lf.eml"
VM pgpmime-lf "$D/pgpmime-lf.eml"
check_eq "pgpmime with LF line ends: exit 0" "$(rc pgpmime-lf)" 0

MKFROM="Rsa <rsa@example.org>" MK pgpmime-nested "$D/nested.eml" "$RSA"
VM nested "$D/nested.eml"
check_eq "nested: exit 0" "$(rc nested)" 0
check "nested: good, from Rsa" grep -q "^Good signature from Rsa <rsa@example.org>" "$D/nested.out"
check "nested: From matches" grep -q "^    From: rsa@example.org matches the signer" "$D/nested.out"
check_eq "nested: mixed inside the signed part, attachment as 1.1.2" \
	"$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_content_type(), m.get_payload(0).get_content_type(), m.get_payload(0).get_payload(1).get_filename())' "$D/nested.eml")" \
	"multipart/signed multipart/mixed numbers.bin"
check_eq "nested: json" "$(js nested '(d["good"], d["openpgp"][0]["signed_part"], d["openpgp"][0]["whole_message"])')" \
	"(True, '1.1', True)"

# Tampered: one word of the body changed (quoted-printable text).
sed 's/quarterly/QUARTERLY/' "$D/pgpmime.eml" >"$D/tampered.eml"
check "tampered: changed" sh -c "! cmp -s '$D/pgpmime.eml' '$D/tampered.eml'"
VM tampered "$D/tampered.eml"
check_eq "tampered: exit 1" "$(rc tampered)" 1
check "tampered: BAD" grep -q "^BAD signature by $ALICE (Alice <alice@example.org>)" "$D/tampered.out"
check_eq "tampered: json" "$(js tampered '(d["good"], d["signatures"][0]["verdict"])')" "(False, 'bad')"
# The attachment of the nested mail changed.
python3 - "$D/nested.eml" "$D/nested-bad.eml" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
i = d.index(b'AAECAwQFBgcICQ')          # the attachment's base64
open(sys.argv[2], 'wb').write(d[:i] + b'AQ' + d[i + 2:])
EOF
VM nested-bad "$D/nested-bad.eml"
check_eq "nested, attachment tampered: exit 1" "$(rc nested-bad)" 1
check "nested, attachment tampered: BAD" grep -q "^BAD signature" "$D/nested-bad.out"

# From: someone else.
MK pgpmime-from "$D/from.eml" "$ALICE" "Mallory <mallory@example.net>"
VM from "$D/from.eml"
check_eq "From mismatch: verdict still good, exit 0" "$(rc from)" 0
check "From mismatch: warning" grep -q "^    warning: the From: address mallory@example.net is not one of the signer's addresses$" "$D/from.out"
check_eq "From mismatch: json" "$(js from '(d["good"], d["from"], d["openpgp"][0]["from"]["matches"])')" \
	"(True, 'mallory@example.net', False)"
# From: with a display name in quotes, a comment, upper case.
MK pgpmime-from "$D/from2.eml" "$ALICE" '"Smith, Alice (CFO)" <Alice@EXAMPLE.org> (work)'
VM from2 "$D/from2.eml"
check "From with quotes and comments: matches" grep -q "From: alice@example.org matches the signer" "$D/from2.out"
# Two From: headers.
python3 - "$D/pgpmime.eml" "$D/from3.eml" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(b'From: Mallory <mallory@example.net>\r\n' + d)
EOF
VM from3 "$D/from3.eml"
check "two From: headers: a warning" grep -q "^warning: the message has 2 From: headers; the From: address was not checked$" "$D/from3.out"

# Partly signed: a list footer beside the multipart/signed.
MK pgpmime-partial "$D/partial.eml" "$ALICE"
VM partial "$D/partial.eml"
check_eq "partial: exit 0 (the signature is good)" "$(rc partial)" 0
check "partial: warning" grep -q "^    warning: the signature covers part 1.1.1 only; other parts of the message are not signed$" "$D/partial.out"
check_eq "partial: json" "$(js partial '(d["openpgp"][0]["part"], d["openpgp"][0]["whole_message"])')" "('1.1', False)"

# micalg names another hash.
MK pgpmime-micalg "$D/micalg.eml" "$ALICE"
VM micalg "$D/micalg.eml"
check_eq "micalg lies: exit 0" "$(rc micalg)" 0
check "micalg lies: a note" grep -q "^    note: micalg=pgp-sha1 names another hash" "$D/micalg.out"

# An unknown signer.
MK pgpmime "$D/stranger.eml" "$STRANGER"
VM stranger "$D/stranger.eml"
check_eq "unknown signer: exit 1" "$(rc stranger)" 1
check "unknown signer: no key" grep -q "^Cannot check a signature made .*: " "$D/stranger.out"
check_eq "unknown signer: json" "$(js stranger 'd["signatures"][0]["verdict"]')" no-key

# ---- inline PGP ------------------------------------------------------------------------------------

MK inline-qp "$D/inline-qp.eml" "$ALICE"
check "inline-qp: quoted-printable" grep -q "^Content-Transfer-Encoding: quoted-printable" "$D/inline-qp.eml"
check "inline-qp: soft line breaks" grep -q $'=\r$' "$D/inline-qp.eml"
VM inline-qp "$D/inline-qp.eml"
check_eq "inline-qp: exit 0" "$(rc inline-qp)" 0
check "inline-qp: where" grep -q "^Part 1: inline OpenPGP cleartext signature$" "$D/inline-qp.out"
check "inline-qp: good" grep -q "^Good signature from Alice" "$D/inline-qp.out"
check_eq "inline-qp: json" "$(js inline-qp '(d["openpgp"][0]["kind"], d["openpgp"][0]["whole_message"], d["openpgp"][0]["from"]["matches"])')" \
	"('inline', True, True)"
MKFROM="Rsa <rsa@example.org>" MK inline-b64 "$D/inline-b64.eml" "$RSA"
check "inline-b64: base64" grep -q "^Content-Transfer-Encoding: base64" "$D/inline-b64.eml"
VM inline-b64 "$D/inline-b64.eml"
check_eq "inline-b64: exit 0" "$(rc inline-b64)" 0
check "inline-b64: good" grep -q "^Good signature from Rsa" "$D/inline-b64.out"
MK inline-msg "$D/inline-msg.eml" "$ALICE"
VM inline-msg "$D/inline-msg.eml"
check_eq "inline signed message: exit 0" "$(rc inline-msg)" 0
check "inline signed message: where" grep -q "^Part 1: inline OpenPGP signed message$" "$D/inline-msg.out"
MK inline-outside "$D/inline-outside.eml" "$ALICE"
VM inline-outside "$D/inline-outside.eml"
check "text outside the block: warning" grep -q "^    warning: part 1 has text outside the signed block; that text is not signed$" "$D/inline-outside.out"
check_eq "text outside the block: json" "$(js inline-outside '(d["openpgp"][0]["unsigned_text"], d["openpgp"][0]["whole_message"])')" \
	"(True, False)"
# Tampered inside the quoted-printable: the umlauts (=C3=A4) changed.
sed 's/=C3=A4/=C3=A5/' "$D/inline-qp.eml" >"$D/inline-bad.eml"
VM inline-bad "$D/inline-bad.eml"
check_eq "inline tampered: exit 1" "$(rc inline-bad)" 1
check "inline tampered: BAD" grep -q "^BAD signature" "$D/inline-bad.out"

# ---- S/MIME ---------------------------------------------------------------------------------------

printf 'Content-Type: text/plain; charset=us-ascii\n\nHello Bob,\nthe numbers.\n' >"$X/body.txt"
openssl smime -sign -in "$X/body.txt" -signer "$X/Sam.pem" -inkey "$X/Sam.key" \
	-certfile "$X/ca.pem" -from sam@example.org -to bob@example.org \
	-subject numbers -out "$D/smime.eml"
check "smime: openssl wrote x-pkcs7-signature" grep -q 'protocol="application/x-pkcs7-signature"' "$D/smime.eml"
VM smime "$D/smime.eml"
check_eq "smime: exit 1 (the CA is not imported)" "$(rc smime)" 1
check "smime: good, by Sam" grep -q "^Good S/MIME signature, from an unauthenticated certificate, by .*CN=Sam" "$D/smime.out"
check "smime: does not chain to a root you trust" grep -q "^    not authenticated: .*does not chain to a root you trust" "$D/smime.out"
check "smime: issuer" grep -q "^    issued by O=Example,CN=Weft Test CA, valid " "$D/smime.out"
check "smime: address" grep -q "^    addresses: sam@example.org$" "$D/smime.out"
check "smime: From matches" grep -q "^    From: sam@example.org matches the signer$" "$D/smime.out"
SAMSERIAL=$(openssl x509 -in "$X/Sam.pem" -noout -serial | cut -d= -f2)
SAMFPR=$(openssl x509 -in "$X/Sam.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :)
check_eq "smime: json" \
	"$(js smime '(d["smime"][0]["verdict"], d["smime"][0]["ok"], d["smime"][0]["serial"], d["smime"][0]["fingerprint"], d["smime"][0]["emails"], d["smime"][0]["ca_status"], d["smime"][0]["algorithm"], d["smime"][0]["hash"], d["smime"][0]["from"]["matches"])')" \
	"('good', True, '$SAMSERIAL', '$SAMFPR', ['sam@example.org'], 'its issuer O=Example,CN=Weft Test CA does not chain to a root you trust', 'RSA-2048', 'SHA256', True)"
check "smime: json signing time" grep -q '"signing_time": *"20[0-9-]*T' "$D/smime.json"
VM smime-nt "$D/smime.eml" --no-trust
check_eq "smime --no-trust: exit 0" "$(rc smime-nt)" 0
# The CA imported through the X.509 bridge, scoped to example.org: Sam's
# certificate (carried in the mail) chains to it and Sam is authenticated.
cp -a "${WH:-$T/home}" "$T/home-ca"
WH=$T/home-ca W x509 import "$X/ca.pem" --domain example.org --yes >/dev/null 2>&1
check_eq "smime, the CA imported: weft x509 import exit 0" "$?" 0
WH=$T/home-ca W verify-mail "$D/smime.eml" >"$D/smime-ca.out" 2>&1
check_eq "smime, the CA imported: exit 0 (authenticated through the CA)" "$?" 0
check "smime, the CA imported: says it chains to the imported root" grep -qi "imported root" "$D/smime-ca.out"
WH=$T/home-ca W --json verify-mail "$D/smime.eml" >"$D/smime-ca.json" 2>/dev/null
check_eq "smime, the CA imported: json authenticated, the From: user ID at amount 120" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["smime"][0]; print(d["authenticated"], d["from"]["amount"])' "$D/smime-ca.json")" "True 120"

openssl cms -sign -in "$X/body.txt" -signer "$X/Ecco.pem" -inkey "$X/Ecco.key" \
	-from ecco@example.org -to bob@example.org -subject numbers -out "$D/smime-ec.eml"
check "smime-ec: openssl wrote pkcs7-signature" grep -q 'protocol="application/pkcs7-signature"' "$D/smime-ec.eml"
VM smime-ec "$D/smime-ec.eml" --no-trust
check_eq "smime ECDSA: exit 0 with --no-trust" "$(rc smime-ec)" 0
check_eq "smime ECDSA: json" "$(js smime-ec '(d["smime"][0]["verdict"], d["smime"][0]["algorithm"], d["smime"][0]["emails"])')" \
	"('good', 'ECDSA NIST P-256', ['ecco@example.org'])"

openssl cms -sign -in "$X/body.txt" -signer "$X/Sam.pem" -inkey "$X/Sam.key" \
	-keyopt rsa_padding_mode:pss -from sam@example.org -to bob@example.org \
	-subject numbers -out "$D/smime-pss.eml"
VM smime-pss "$D/smime-pss.eml" --no-trust
check_eq "smime RSA-PSS: exit 0 with --no-trust" "$(rc smime-pss)" 0
check_eq "smime RSA-PSS: json" "$(js smime-pss '(d["smime"][0]["verdict"], d["smime"][0]["algorithm"])')" "('good', 'RSA-PSS-2048')"

openssl cms -sign -noattr -in "$X/body.txt" -signer "$X/Sam.pem" -inkey "$X/Sam.key" \
	-from sam@example.org -to bob@example.org -subject numbers -out "$D/smime-noattr.eml"
VM smime-noattr "$D/smime-noattr.eml" --no-trust
check_eq "smime without signed attributes: exit 0 with --no-trust" "$(rc smime-noattr)" 0
check_eq "smime without signed attributes: json" "$(js smime-noattr '(d["smime"][0]["verdict"], d["smime"][0]["signing_time"])')" "('good', None)"

openssl cms -sign -nodetach -in "$X/body.txt" -signer "$X/Sam.pem" -inkey "$X/Sam.key" \
	-from sam@example.org -to bob@example.org -subject numbers -out "$D/smime-opaque.eml"
check "smime opaque: pkcs7-mime" grep -q "^Content-Type: application/pkcs7-mime; smime-type=signed-data" "$D/smime-opaque.eml"
VM smime-opaque "$D/smime-opaque.eml"
check_eq "smime opaque: exit 1 (unknown CA)" "$(rc smime-opaque)" 1
check "smime opaque: where" grep -q "^Part 1: S/MIME signed message (opaque)$" "$D/smime-opaque.out"
check_eq "smime opaque: json" "$(js smime-opaque '(d["smime"][0]["kind"], d["smime"][0]["verdict"], d["smime"][0]["whole_message"])')" \
	"('smime-opaque', 'good', True)"

MK smime-nested "$D/smime-nested.eml" Sam
VM smime-nested "$D/smime-nested.eml" --no-trust
check_eq "smime nested (Python + openssl cms -binary): exit 0 with --no-trust" "$(rc smime-nested)" 0
check_eq "smime nested: json" "$(js smime-nested '(d["smime"][0]["verdict"], d["smime"][0]["signed_part"], d["smime"][0]["from"]["matches"])')" \
	"('good', '1.1', True)"

sed 's/the numbers/the NUMBERS/' "$D/smime.eml" >"$D/smime-bad.eml"
VM smime-bad "$D/smime-bad.eml"
check_eq "smime tampered: exit 1" "$(rc smime-bad)" 1
check "smime tampered: BAD" grep -q "^BAD S/MIME signature by .*CN=Sam" "$D/smime-bad.out"
check_eq "smime tampered: json" "$(js smime-bad '(d["good"], d["smime"][0]["verdict"])')" "(False, 'bad')"
python3 - "$D/smime-opaque.eml" "$D/smime-opaque-bad.eml" <<'EOF'
import base64, sys
d = open(sys.argv[1], 'rb').read()
h, b = d.split(b'\n\n', 1)
der = bytearray(base64.b64decode(b))
i = der.index(b'the numbers')
der[i:i + 3] = b'THE'
open(sys.argv[2], 'wb').write(h + b'\n\n' + base64.encodebytes(bytes(der)))
EOF
VM smime-opaque-bad "$D/smime-opaque-bad.eml"
check_eq "smime opaque tampered: exit 1" "$(rc smime-opaque-bad)" 1
check "smime opaque tampered: BAD" grep -q "^BAD S/MIME signature" "$D/smime-opaque-bad.out"

# Bug: libgcrypt aborts the process when gcry_md_read is asked for a
# digest that was not enabled, or one without a fixed length: a signer
# whose digest is not among the announced ones, and SHAKE128.
cat >"$T/digest.py" <<'EOF'
import base64, sys
d = open(sys.argv[1]).read()
i = d.index('MII')
j = d.index('\n\n', i)
der = bytearray(base64.b64decode(d[i:j]))
oid = bytes.fromhex('0609608648016503040201')     # SHA-256
at = [k for k in range(len(der)) if der[k:k + len(oid)] == oid]
one, every = bytearray(der), bytearray(der)
one[at[-1] + 10] = 0x02                            # the signer's: SHA-384
for k in at:
    every[k + 10] = 0x0b                           # SHAKE128
for name, blob in (('unannounced', one), ('shake', every)):
    open(sys.argv[2] + '-' + name + '.eml', 'w').write(
        d[:i] + base64.encodebytes(bytes(blob)).decode() + d[j:])
EOF
python3 "$T/digest.py" "$D/smime.eml" "$D/digest"
VM unannounced "$D/digest-unannounced.eml" --no-trust
check_eq "no_abort_when_the_signers_digest_is_not_announced: exit 1" "$(rc unannounced)" 1
check "no_abort_when_the_signers_digest_is_not_announced: says so" \
	grep -q "^Cannot check an S/MIME signature: its digest algorithm (SHA384) is not among those the message announces" "$D/unannounced.out"
VM shake "$D/digest-shake.eml" --no-trust
check_eq "no_abort_on_a_digest_without_fixed_length: exit 1" "$(rc shake)" 1
check "no_abort_on_a_digest_without_fixed_length: says so" \
	grep -q "^Cannot check an S/MIME signature: a digest algorithm weft does not know" "$D/shake.out"

# Bit flips and truncations of the S/MIME signature (STYLE.md: parsers
# get them): never a crash or a sanitizer report, only 0, 1 or 2; a flip
# in the signature value itself never verifies.  libksba 1.6.3 leaks on
# some malformed input (keyinfo.c: "We don't release the stringbuf in
# case of error"; its BER decoder's error paths): those two are
# suppressed for a sanitizer build (smime.c's cms_parse_step), with the
# slow unwinder, which sees through libksba's frames.
printf 'leak:_ksba_keyinfo_to_sexp\nleak:cms_parse_step\n' >"$T/lsan.supp"
export LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0"
cat >"$T/flip.py" <<'EOF'
import base64, os, random, subprocess, sys
weft, home, src, out = sys.argv[1:5]
env = dict(os.environ)     # the slow unwinder sees through libksba
env['ASAN_OPTIONS'] = ':'.join(filter(None, [env.get('ASAN_OPTIONS'),
                                             'fast_unwind_on_malloc=0']))
d = open(src).read()
i = d.index('MII')
j = d.index('\n\n', i)
der = base64.b64decode(d[i:j])
sig_at = len(der) - 300          # inside the RSA-2048 signature value
random.seed(4711)
bad = []
def run(name, blob):
    open(out, 'w').write(d[:i] + base64.encodebytes(blob).decode() + d[j:])
    p = subprocess.run([weft, '--home', home, 'verify-mail', '--no-trust', out],
                       capture_output=True, env=env)
    err = p.stderr.decode(errors='replace')
    if p.returncode not in (0, 1, 2) or 'Sanitizer' in err or 'runtime error' in err:
        bad.append('%s: exit %d %s' % (name, p.returncode, err[:200]))
    return p.returncode
for k in range(120):
    b = bytearray(der)
    pos = random.randrange(len(b))
    b[pos] ^= 1 << random.randrange(8)
    run('flip %d' % pos, bytes(b))
for k in range(20):
    b = bytearray(der)
    pos = sig_at + random.randrange(250)
    b[pos] ^= 1 << random.randrange(8)
    if run('signature flip %d' % pos, bytes(b)) == 0:
        bad.append('signature flip %d verified' % pos)
for n in range(0, len(der), 41):
    run('cut %d' % n, der[:n])
print('\n'.join(bad) if bad else 'ok')
EOF
check_eq "smime: bit flips and truncations" \
	"$(python3 "$T/flip.py" "$WEFT" "$T/home" "$D/smime.eml" "$D/flip.eml")" ok
unset LSAN_OPTIONS

# ---- bad input ------------------------------------------------------------------------------------------

printf 'Hello world,\nthis is not a mail.\n' >"$D/notmail.txt"
bad_input "not a mail" "$D/notmail.txt" "not a mail message"
head -c 3000 /dev/urandom >"$D/random.bin"
printf '\x89PNG' | cat - "$D/random.bin" >"$D/random.png"
bad_input "binary" "$D/random.png" "not a mail message"
: >"$D/empty.eml"
bad_input "empty" "$D/empty.eml" "empty"
head -c $(($(wc -c <"$D/pgpmime.eml") - 120)) "$D/pgpmime.eml" >"$D/truncated.eml"
bad_input "truncated multipart" "$D/truncated.eml" "no closing boundary"
python3 - "$D/smime.eml" "$D/garbage.eml" <<'EOF'
import sys
d = open(sys.argv[1]).read()
i = d.index('MII')
j = d.index('\n\n', i)
open(sys.argv[2], 'w').write(d[:i] + 'R2FyYmFnZSwgbm90IERFUi4gR2FyYmFnZSwgbm90IERFUi4=\n' + d[j:])
EOF
bad_input "smime garbage DER" "$D/garbage.eml" "part 1: the S/MIME signature in part 1.2 cannot be checked"
python3 - "$D/smime.eml" "$D/garbage2.eml" <<'EOF'
import base64, sys
d = open(sys.argv[1]).read()
i = d.index('MII')
j = d.index('\n\n', i)
der = base64.b64decode(d[i:j])
open(sys.argv[2], 'w').write(d[:i] + base64.encodebytes(der[:len(der) // 2]).decode() + d[j:])
EOF
bad_input "smime DER cut in half" "$D/garbage2.eml" "not well-formed DER"
openssl cms -sign -keyid -in "$X/body.txt" -signer "$X/Sam.pem" -inkey "$X/Sam.key" \
	-from sam@example.org -to bob@example.org -subject numbers -out "$D/smime-keyid.eml"
bad_input "smime signer by key identifier" "$D/smime-keyid.eml" "subject key identifier"
MK deep "$D/deep.eml" 10000
bad_input "10,000 nested multiparts" "$D/deep.eml" "nested more than 16 deep"
MK plain "$D/plain.eml"
bad_input "no signature" "$D/plain.eml" "no signature in the message"
G --quick-gen-key "Enc <enc@example.org>" default default never 2>/dev/null
G -r enc@example.org --trust-model always -e -a -o "$D/enc.asc" "$D/notmail.txt"
python3 - "$D/enc.asc" "$D/enc.eml" <<'EOF'
import sys
from email import policy
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.encoders import encode_7or8bit
m = MIMEMultipart('encrypted', protocol='application/pgp-encrypted')
m['From'] = 'alice@example.org'
m.attach(MIMEApplication(b'Version: 1\n', 'pgp-encrypted', _encoder=encode_7or8bit))
m.attach(MIMEApplication(open(sys.argv[1], 'rb').read(), 'octet-stream', _encoder=encode_7or8bit))
open(sys.argv[2], 'wb').write(m.as_bytes(policy=policy.SMTP))
EOF
bad_input "encrypted" "$D/enc.eml" "decrypt it"
W verify-mail --status-fd 3 "$D/plain.eml" 3>"$D/plain.status" >/dev/null 2>&1
check "no signature: status NODATA" grep -q "^\[GNUPG:\] NODATA 1$" "$D/plain.status"
W verify-mail "$D/does-not-exist.eml" >/dev/null 2>"$D/nofile.err"
check_eq "no such file: exit 2" "$?" 2
check "no such file: named" grep -q "^weft: $D/does-not-exist.eml: " "$D/nofile.err"
W verify-mail "$D/pgpmime.eml" "$D/smime.eml" >/dev/null 2>&1
check_eq "two messages: usage error" "$?" 2

finish
