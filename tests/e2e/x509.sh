#!/bin/bash
# The X.509 bridge (weft x509): a test PKI built with openssl now, and
# each outcome asserted with its exit status and reason:
#   a root with nameConstraints for example.com and pathLen 1 (RSA), an
#   ECDSA P-256 intermediate with pathLen 0 and a CRL, leaves: RSA
#   alice@example.com and Ed25519 bob@sub.example.com (inside; a key whose
#   first octet is 0x03), mallory (evil.test) and eve (notexample.com, a
#   look-alike) outside, carol
#   expired, frank not yet valid, dave revoked (keyCompromise) and oscar
#   revoked (superseded) by the CRL, trudy under a rogue sub-CA that the
#   pathLen-0 intermediate issued; an Ed25519 intermediate (a key whose
#   first octet is 0x02) with a leaf and a leaf its CRL revokes.
# Also: the confirmation (terminal, --yes, none), derived fingerprints
# equal to gpg's for RSA, ECDSA and Ed25519 key material (and to an
# independent computation), OpenPGP certifications made with the CA's key
# (OpenPGP CA style) in both import orders, RSA-PSS and forged CRLs
# refused, removal, fsck, and the system CA bundle in one go.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
export GNUPGHOME
P=$T/pki
mkdir -p "$P"
cd "$P" || exit 1

# -- the PKI -----------------------------------------------------------------
o() { openssl "$@" >/dev/null 2>&1 || { echo "FAIL setup: openssl $*"; openssl "$@"; echo "0 passed, 1 failed"; exit 1; }; }
o req -x509 -newkey rsa:3072 -nodes -keyout root.key -out root.pem \
  -subj "/CN=Example Root CA/O=Example Corp/C=US" -days 3650 -set_serial 1 \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:1" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "nameConstraints=critical,permitted;email:example.com,permitted;email:.example.com,permitted;DNS:example.com"
o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key
o req -new -key inter.key -out inter.csr -subj "/CN=Example Issuing CA/O=Example Corp/C=US"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > inter.ext
o x509 -req -in inter.csr -CA root.pem -CAkey root.key -set_serial 2 -days 1825 -sha256 -extfile inter.ext -out inter.pem
mkdir -p ca/new
: > ca/index.txt
echo 1000 > ca/serial
echo 1000 > ca/crlnumber
cat > ca.cnf <<'X'
[ca]
default_ca = inter
[inter]
dir = ca
database = ca/index.txt
new_certs_dir = ca/new
serial = ca/serial
crlnumber = ca/crlnumber
certificate = inter.pem
private_key = inter.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = any
email_in_dn = no
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:${ENV::SAN}
[subca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
X
export SAN=x
# An Ed25519 key from its 32-octet seed (hex), as PKCS#8.  The seeds used
# here give public keys whose first octet is 0x02 or 0x03 (a key in 128):
# libgcrypt reads libksba's form of such a key as a compressed SEC1
# point and computes no keygrip; weft refused certificates of such keys
# until it handed libgcrypt gpg-agent's form (a make check failed by
# chance on them three times before the cause was found).
seedkey() { # NAME SEED
	local hex="302e020100300506032b657004220420$2"
	printf "$(echo "$hex" | sed 's/../\\x&/g')" | o pkey -inform DER -out "$1.key"
	[ "$(openssl pkey -in "$1.key" -pubout -outform DER | od -An -tx1 -j12 -N1)" = " ${3:-03}" ] ||
		{ echo "FAIL setup: $1's key does not start with ${3:-03}"; echo "0 passed, 1 failed"; exit 1; }
}
leaf() { # NAME EMAIL KEYTYPE [openssl ca options]
	local n=$1 e=$2 kt=$3
	shift 3
	case $kt in
	rsa) o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $n.key ;;
	seed:*) seedkey $n "${kt#seed:}" ;;
	p384) o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out $n.key ;;
	esac
	o req -new -key $n.key -out $n.csr -subj "/CN=$n"
	SAN=$e o ca -batch -config ca.cnf -extensions leaf -in $n.csr -out $n.pem -notext "$@"
}
leaf alice alice@example.com rsa
leaf bob bob@sub.example.com seed:fa7dcc4cf1e4a899f764900226eefedabfc1e147f98b935ad7e8cf3d5e690a13
leaf mallory mallory@evil.test rsa
leaf eve eve@notexample.com rsa
leaf carol carol@example.com rsa -startdate 20200101000000Z -enddate 20210101000000Z
leaf frank frank@example.com p384 -startdate 20990101000000Z -enddate 20991231000000Z
leaf dave dave@example.com rsa
leaf oscar oscar@example.com rsa
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rogue.key
o req -new -key rogue.key -out rogue.csr -subj "/CN=Rogue CA"
o ca -batch -config ca.cnf -extensions subca -in rogue.csr -out rogue.pem -notext
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out trudy.key
o req -new -key trudy.key -out trudy.csr -subj "/CN=trudy"
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=email:trudy@example.com\n' > trudy.ext
o x509 -req -in trudy.csr -CA rogue.pem -CAkey rogue.key -set_serial 7 -days 100 -sha256 -extfile trudy.ext -out trudy.pem
o ca -config ca.cnf -revoke dave.pem -crl_reason keyCompromise
o ca -config ca.cnf -revoke oscar.pem -crl_reason superseded
o ca -config ca.cnf -gencrl -out inter.crl
# a CRL claiming to be the intermediate's, signed by another key
o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout forger.key -out forger.pem \
  -subj "/CN=Example Issuing CA/O=Example Corp/C=US" -days 30
sed -e 's/^certificate = inter.pem/certificate = forger.pem/' -e 's/^private_key = inter.key/private_key = forger.key/' ca.cnf > forge.cnf
o ca -config forge.cnf -gencrl -out forged.crl
# An Ed25519 intermediate (its key starts with 0x02) under the root, with
# a leaf, a revoked leaf and its CRL: Ed25519 signatures on certificates
# and CRLs.
seedkey edca 2d0be76ec5cc695fa30feea6cbc12e6a87813db85f088a6cc00171baa27d6c69 02
o req -new -key edca.key -out edca.csr -subj "/CN=Example Ed25519 CA/O=Example Corp/C=US"
o x509 -req -in edca.csr -CA root.pem -CAkey root.key -set_serial 3 -days 1825 -sha256 -extfile inter.ext -out edca.pem
mkdir -p edca/new
: > edca/index.txt
echo 2000 > edca/serial
echo 2000 > edca/crlnumber
sed -e 's/^dir = ca/dir = edca/' -e 's/ca\//edca\//' -e 's/^certificate = inter.pem/certificate = edca.pem/' \
    -e 's/^private_key = inter.key/private_key = edca.key/' -e 's/^default_md = sha256/default_md = default/' ca.cnf > edca.cnf
for n in gina hank; do
	o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $n.key
	o req -new -key $n.key -out $n.csr -subj "/CN=$n"
	SAN=$n@example.com o ca -batch -config edca.cnf -extensions leaf -in $n.csr -out $n.pem -notext
done
o ca -config edca.cnf -revoke hank.pem -crl_reason keyCompromise
o ca -config edca.cnf -gencrl -out edca.crl
# RSA-PSS: a root that signs itself with it
o req -x509 -newkey rsa:2048 -nodes -keyout pss.key -out pss.pem -subj "/CN=PSS Root" -days 30 \
  -sigopt rsa_padding_mode:pss -addext "basicConstraints=critical,CA:TRUE"

W import /dev/null >/dev/null 2>&1   # creates the keyring
WX() { W x509 "$@"; }
fpr_of() { W --json x509 show "$1" | J 'd["certificates"][0]["fingerprint"]'; }
sha_of() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64 | tr a-f A-F; }

# -- no key of your own ---------------------------------------------------------
check_rc "import of a root without a key of your own: exit 2" 2 WX import --yes root.pem
check "... and the error says: weft generate first" bash -c "'$WEFT' --home '$T/home' x509 import --yes root.pem 2>&1 | grep -q 'weft generate'"
W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
ME=$(W --json list | J 'd["keys"][0]["fingerprint"]')

# -- the confirmation ---------------------------------------------------------------
check_rc "no terminal, no --yes: exit 2" 2 WX import root.pem
check "... naming --yes" bash -c "'$WEFT' --home '$T/home' x509 import root.pem 2>&1 | grep -q -- '--yes'"
check_eq "... and nothing was imported" "$(W --json x509 list | J 'len(d["certificates"])')" 0
echo n | script -qec "'$WEFT' --home '$T/home' x509 import root.pem" /dev/null > "$T/ask.txt" 2>&1
check "at a terminal it shows subject, SHA-256, validity, constraints and asks" \
	grep -q "Import and trust this root" "$T/ask.txt"
check "... the subject" grep -q "subject     C=US,O=Example Corp,CN=Example Root CA" "$T/ask.txt"
check "... the SHA-256" grep -q "SHA-256     $(sha_of root.pem)" "$T/ask.txt"
check "... the validity" grep -Eq "valid       [0-9-]{10} to [0-9-]{10}" "$T/ask.txt"
check "... the constraints" grep -q "permitted   rfc822Name example.com, rfc822Name .example.com, dNSName example.com" "$T/ask.txt"
check "... the trust it gets" grep -q 'depth 2, amount 120, only for user IDs matching <\[^>\]+\[@.\]example\\.com>\$' "$T/ask.txt"
check_eq "answered no: nothing imported" "$(W --json x509 list | J 'len(d["certificates"])')" 0
echo y | script -qec "'$WEFT' --home '$T/home' x509 import root.pem" /dev/null > "$T/ask.txt" 2>&1
check_eq "answered yes: the root is imported" "$(W --json x509 list | J '[c["kind"] for c in d["certificates"]]')" '["root"]'
check_eq "... trusted by your key" "$(W --json x509 show "$(sha_of root.pem)" | J 'd["certificates"][0]["trusted_by"]')" "$ME"

# -- the chain -----------------------------------------------------------------------
W x509 import --yes inter.pem alice.pem bob.pem mallory.pem eve.pem carol.pem frank.pem \
	dave.pem oscar.pem rogue.pem trudy.pem inter.crl > "$T/imp.txt" 2>&1
rc=$?
check_eq "import of the chain, leaves and CRL: exit 0" "$rc" 0
[ "$rc" != 0 ] && sed 's/^/    | /' "$T/imp.txt"
check "import says 12 new, nothing refused" grep -q "x509 import: 12 new (0 roots), 0 updated, 0 unchanged, 0 refused" "$T/imp.txt"
ALICE=$(fpr_of "$(sha_of alice.pem)")
check_rc "lookup alice@example.com (RSA leaf): exit 0" 0 W lookup alice@example.com
check_rc "authenticate the derived key and its user ID: exit 0" 0 W authenticate "$ALICE" "alice <alice@example.com>"
check_rc "lookup bob@sub.example.com (Ed25519 leaf, subdomain): exit 0" 0 W lookup bob@sub.example.com
W lookup -v alice@example.com > "$T/v.txt"
check "-v: the path root -> intermediate -> leaf" bash -c "grep -c '^    [├└] ' '$T/v.txt' | grep -qx 3"
check "-v: the root's hop is your trust signature with its X.509 details" grep -q "X.509 root C=US,O=Example Corp,CN=Example Root CA, serial 01, valid" "$T/v.txt"
check "-v: the intermediate's hop" grep -q "X.509 CA C=US,O=Example Corp,CN=Example Issuing CA, serial 02, valid .* issued by C=US,O=Example Corp,CN=Example Root CA" "$T/v.txt"
check "-v: the leaf's hop" grep -q "X.509 certificate CN=alice, serial 1000, valid .* issued by C=US,O=Example Corp,CN=Example Issuing CA" "$T/v.txt"
W --json authenticate "$ALICE" "alice <alice@example.com>" > "$T/a.json"
check_eq "--json: the path's fingerprints are your key, root, intermediate, leaf" \
	"$(J 'd["paths"][0]["fingerprints"]' < "$T/a.json")" \
	"[\"$ME\", \"$(fpr_of "$(sha_of root.pem)")\", \"$(fpr_of "$(sha_of inter.pem)")\", \"$ALICE\"]"
check "--json: hops carry their x509 line" bash -c "'$WEFT' --home '$T/home' --json authenticate $ALICE 'alice <alice@example.com>' | grep -q '\"x509\": \"X.509 certificate CN=alice'"

not_auth() { # NAME EMAIL REASON
	check_rc "$1: not authenticated, exit 1" 1 W lookup "$2"
	check "$1: -v says why ($3)" bash -c "'$WEFT' --home '$T/home' lookup -v '$2' | grep -q -- '$3'"
}
not_auth "outside the name constraints" mallory@evil.test "outside the name constraints of C=US,O=Example Corp,CN=Example Root CA: mallory@evil.test is not within rfc822Name example.com, .example.com"
not_auth "a look-alike domain" eve@notexample.com "eve@notexample.com is not within rfc822Name example.com, .example.com"
not_auth "expired" carol@example.com "CN=carol expired on 2021-01-01"
not_auth "not yet valid" frank@example.com "CN=frank is not valid before 2099-01-01"
not_auth "revoked by the CRL (keyCompromise)" dave@example.com "CN=dave was revoked on .* by the CRL of C=US,O=Example Corp,CN=Example Issuing CA (keyCompromise)"
not_auth "revoked by the CRL (superseded)" oscar@example.com "(superseded)"
not_auth "under a rogue sub-CA (pathLen violation)" trudy@example.com "path length: C=US,O=Example Corp,CN=Example Issuing CA has pathLenConstraint 0, so CN=Rogue CA may not be a CA that issues certificates"
check_eq "keyCompromise marks the key revoked" "$(W --json lookup dave@example.com | J 'd["bindings"][0]["validity"]')" revoked
check_eq "a superseded certificate's key is not revoked itself" "$(W --json lookup oscar@example.com | J 'd["bindings"][0]["validity"]')" unknown
check_rc "at --at 2099-06-01 frank is inside his validity but the chain has expired: exit 1" 1 W --at 2099-06-01 lookup frank@example.com
check_eq "x509 list: the rogue CA may not issue" \
	"$(W --json x509 list | J '[c["status"] for c in d["certificates"] if c["name"]=="Rogue CA"][0].split("; ")[1]')" \
	"but it may not issue certificates: C=US,O=Example Corp,CN=Example Issuing CA has pathLenConstraint 0"
check_eq "x509 list --json: 13 objects" "$(W --json x509 list | J 'len(d["certificates"])')" 13

# -- derived keys stay local -----------------------------------------------------------
check_eq "weft list shows only your key" "$(W --json list | J '[k["fingerprint"] for k in d["keys"]]')" "[\"$ME\"]"
check_rc "weft show of a derived key: exit 1 (not in the keyring's certificates)" 1 W show "$ALICE"
check_eq "weft export has one key" "$(W export | gpg --batch --with-colons --show-keys 2>/dev/null | grep -c '^pub')" 1
check_rc "fsck: exit 0" 0 W fsck

# -- a re-issued root: the same key, a new certificate -------------------------------------
o req -x509 -key root.key -out root2.pem -subj "/CN=Example Root CA/O=Example Corp/C=US" -days 7300 -set_serial 99 \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:1" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "nameConstraints=critical,permitted;email:example.com,permitted;email:.example.com"
W --json x509 import --yes root2.pem > "$T/re.json"
check_eq "a re-issued root is recognised by its key (keygrip)" \
	"$(J 'd["objects"][0]["same_key_as"]' < "$T/re.json")" "$(sha_of root.pem)"
check_eq "... and keeps the key's keygrip" \
	"$(J 'd["objects"][0]["keygrip"]' < "$T/re.json")" "$(W --json x509 show "$(sha_of root.pem)" | J 'd["certificates"][0]["keygrip"]')"
check_rc "... the intermediate chains under either: fsck exit 0" 0 W fsck
W x509 remove --yes "$(sha_of root2.pem)" >/dev/null

# -- refusals ----------------------------------------------------------------------------
check_rc "a CRL signed by another key: exit 1" 1 W x509 import --yes forged.crl
check "... refused with its reason" bash -c "'$WEFT' --home '$T/home' x509 import --yes forged.crl | grep -q 'refused.*no imported CA certificate signed it'"
check_rc "an RSA-PSS root: exit 1" 1 W x509 import --yes pss.pem
check "... refused: RSA-PSS is not supported" bash -c "'$WEFT' --home '$T/home' x509 import --yes pss.pem | grep -q 'RSA-PSS'"
check_rc "a file that holds no certificate: exit 2" 2 W x509 import --yes ca.cnf
{ echo "-----BEGIN CERTIFICATE-----"; openssl x509 -in alice.pem -outform DER | head -c 300 | base64; echo "-----END CERTIFICATE-----"; } > trunc.pem
check_rc "a truncated certificate: exit 1" 1 W x509 import --yes trunc.pem
check_eq "... refused as a certificate, with the file and the reason" \
	"$(W x509 import --yes trunc.pem | head -1)" \
	"refused   cert trunc.pem #1: not a certificate: malformed DER (Invalid packet)"
check_rc "x509 with no subcommand: exit 2" 2 W x509
check_rc "x509 show of an unknown fingerprint: exit 1" 1 W x509 show 0000000000000000
check_rc "x509 show of garbage: exit 2" 2 W x509 show xyz

# -- the derived fingerprints are gpg's ---------------------------------------------------
# gpg-agent gets each secret key as a file named by its keygrip (gpgsm's
# and weft's); gpg then makes an OpenPGP key from that keygrip, created at
# notBefore, as an admin would (gpg --full-gen-key --expert: existing key).
AGENTKEY=$HERE/../data/x509/agentkey.py
GC=$(new_gpg_home)
mkdir -m 700 "$GC/private-keys-v1.d"
gpg_key() { # PEM KEYFILE TYPE -> fingerprint gpg computes
	local sha grip nb
	sha=$(sha_of "$1")
	grip=$(W --json x509 show "$sha" | J 'd["certificates"][0]["keygrip"]')
	nb=$(date -u -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%Y%m%dT%H%M%S)
	python3 "$AGENTKEY" "$2" > "$GC/private-keys-v1.d/$grip.key"
	printf 'Key-Type: %s\nKey-Grip: %s\nKey-Usage: cert,sign\nName-Real: %s\nName-Email: ca-%s@example.com\nCreation-Date: %s\nExpire-Date: 0\n%%no-protection\n%%commit\n' \
		"$3" "$grip" "gpg $2" "${2%.key}" "$nb" | GH=$GC G --gen-key >/dev/null 2>&1
	GH=$GC G --with-colons --list-keys "ca-${2%.key}@example.com" | awk -F: '$1=="fpr"{print $10; exit}'
}
ROOT=$(fpr_of "$(sha_of root.pem)")
INTER=$(fpr_of "$(sha_of inter.pem)")
BOB=$(fpr_of "$(sha_of bob.pem)")
check_eq "RSA root: the derived fingerprint is gpg's" "$(gpg_key root.pem root.key RSA)" "$ROOT"
check_eq "ECDSA P-256 intermediate: the derived fingerprint is gpg's" "$(gpg_key inter.pem inter.key ECDSA)" "$INTER"
check_eq "Ed25519 leaf: the derived fingerprint is gpg's" "$(gpg_key bob.pem bob.key EDDSA)" "$BOB"
# and an independent computation (RFC 4880 12.2) from openssl's numbers
pyfpr() {
	python3 - "$1" <<'PY'
import hashlib, re, subprocess, sys, datetime
pem = sys.argv[1]
nb = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-startdate"], capture_output=True, text=True).stdout.split("=", 1)[1].strip()
t = int(datetime.datetime.strptime(nb, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=datetime.timezone.utc).timestamp())
txt = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-pubkey"], capture_output=True, text=True).stdout
txt = subprocess.run(["openssl", "pkey", "-pubin", "-noout", "-text_pub"], input=txt, capture_output=True, text=True).stdout
def field(name):
    m = re.search(name + r':\s*\n((?:\s+[0-9a-f:]+\n)+)', txt)
    return bytes.fromhex(re.sub(r'[\s:]', '', m.group(1)))
def mpi(b):
    b = b.lstrip(b'\0')
    return (len(b) * 8 - (8 - b[0].bit_length())).to_bytes(2, 'big') + b
if 'Modulus' in txt:
    e = int(re.search(r'Exponent: (\d+)', txt).group(1))
    body = bytes([4]) + t.to_bytes(4, 'big') + bytes([1]) + mpi(field('Modulus')) + mpi(e.to_bytes((e.bit_length() + 7) // 8, 'big'))
elif 'ED25519' in txt:
    oid = bytes.fromhex('2B06010401DA470F01')
    body = bytes([4]) + t.to_bytes(4, 'big') + bytes([22, len(oid)]) + oid + mpi(b'\x40' + field('pub'))
else:
    oid = {'prime256v1': '2A8648CE3D030107', 'secp384r1': '2B81040022'}[re.search(r'ASN1 OID: (\S+)', txt).group(1)]
    oid = bytes.fromhex(oid)
    body = bytes([4]) + t.to_bytes(4, 'big') + bytes([19, len(oid)]) + oid + mpi(field('pub'))
print(hashlib.sha1(b'\x99' + len(body).to_bytes(2, 'big') + body).hexdigest().upper())
PY
}
check_eq "RSA: an independent RFC 4880 computation agrees" "$(pyfpr root.pem)" "$ROOT"
check_eq "ECDSA: an independent RFC 4880 computation agrees" "$(pyfpr inter.pem)" "$INTER"
check_eq "Ed25519: an independent RFC 4880 computation agrees" "$(pyfpr bob.pem)" "$BOB"
check_eq "ECDSA P-384: an independent RFC 4880 computation agrees" "$(pyfpr frank.pem)" "$(fpr_of "$(sha_of frank.pem)")"

# -- OpenPGP CA style: the CA's key certifies employees' OpenPGP keys ---------------------
GE=$(new_gpg_home)
GH=$GE G --quick-gen-key "Erin <erin@example.com>" ed25519 sign never >/dev/null 2>&1
GH=$GE G --quick-gen-key "Ivan <ivan@evil.test>" ed25519 sign never >/dev/null 2>&1
GH=$GE G --export > "$T/employees.pgp"
GH=$GC G --import "$T/employees.pgp" >/dev/null 2>&1
ERIN=$(GH=$GC G --with-colons --list-keys erin@example.com | awk -F: '$1=="fpr"{print $10; exit}')
IVAN=$(GH=$GC G --with-colons --list-keys ivan@evil.test | awk -F: '$1=="fpr"{print $10; exit}')
GH=$GC G --local-user "$ROOT" --quick-sign-key "$ERIN" >/dev/null 2>&1
GH=$GC G --local-user "$INTER" --quick-sign-key "$IVAN" >/dev/null 2>&1
GH=$GC G --export "$ERIN" "$IVAN" > "$T/certified.pgp"
W import "$T/certified.pgp" > "$T/imp2.txt" 2>&1
check "the CA's OpenPGP certifications verify with the derived keys" grep -q "0 certifications wait for their issuer" "$T/imp2.txt"
check_rc "erin@example.com, certified by the root's key in OpenPGP: exit 0" 0 W lookup erin@example.com
check "-v names the certification as the CA key's" bash -c "'$WEFT' --home '$T/home' lookup -v erin@example.com | grep -q 'an OpenPGP certification by the key of the X.509 CA C=US,O=Example Corp,CN=Example Root CA'"
check_rc "ivan@evil.test, certified by the intermediate's key but outside the root's scope: exit 1" 1 W lookup ivan@evil.test
# the other order: the employees first (their certifications wait), the CA after
H2=$T/home2
WH=$H2 W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
WH=$H2 W import "$T/certified.pgp" > "$T/imp3.txt" 2>&1
check "employees first: the CA's certifications wait for their issuer" grep -q "2 certifications wait for their issuer" "$T/imp3.txt"
check_rc "... erin not authenticated yet: exit 1" 1 "$WEFT" --home "$H2" lookup erin@example.com
WH=$H2 W x509 import --yes -q root.pem inter.pem
check_rc "... after the CA's import: exit 0" 0 "$WEFT" --home "$H2" lookup erin@example.com
check_rc "... fsck: exit 0" 0 "$WEFT" --home "$H2" fsck
# the CA's own OpenPGP key (same fingerprint as the derived one) in the keyring too
GH=$GC G --export "$ROOT" > "$T/rootpgp.pgp"
W import "$T/rootpgp.pgp" >/dev/null 2>&1
check_rc "with the CA's OpenPGP key imported as well: erin still authenticated" 0 W lookup erin@example.com
check_rc "... and alice" 0 W lookup alice@example.com
check_rc "... fsck: exit 0 (certificate and supplement merged)" 0 W fsck

# -- remove ---------------------------------------------------------------------------------------
check_rc "x509 remove without --yes and without a terminal: exit 2" 2 W x509 remove "$ROOT"
check_rc "x509 remove --yes of the root: exit 0" 0 W x509 remove --yes "$ROOT"
check_rc "alice is no longer authenticated: exit 1" 1 W lookup alice@example.com
check_rc "neither is erin: exit 1" 1 W lookup erin@example.com
check "the intermediate says why" bash -c "'$WEFT' --home '$T/home' x509 list -v | grep -A1 'Example Issuing CA' | grep -q 'does not chain to a root you trust'"
check_rc "fsck after the removal: exit 0" 0 W fsck
check_rc "import the root again: exit 0" 0 W x509 import --yes root.pem
check_rc "alice authenticated again: exit 0" 0 W lookup alice@example.com
check_rc "... scoped with --domain sub.example.com instead: exit 0" 0 W x509 import --yes --domain sub.example.com root.pem
check_rc "... then alice is out of scope: exit 1" 1 W lookup alice@example.com
check_rc "... and bob is in: exit 0" 0 W lookup bob@sub.example.com

# -- an Ed25519 CA -------------------------------------------------------------------------------------
H4=$T/home4
WH=$H4 W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
WH=$H4 W x509 import --yes root.pem >/dev/null 2>&1
check_eq "an Ed25519 CA (key starting 0x02), its leaves and its CRL: all new" \
	"$(WH=$H4 W x509 import --yes edca.pem gina.pem hank.pem edca.crl | tail -1)" \
	"x509 import: 4 new (0 roots), 0 updated, 0 unchanged, 0 refused"
check_eq "... its derived fingerprint is gpg's (gpg-agent finds the key by weft's keygrip)" \
	"$(WH=$H4 gpg_key edca.pem edca.key EDDSA)" "$(WH=$H4 fpr_of "$(sha_of edca.pem)")"
check_rc "... its leaf, whose Ed25519 signature verifies, is authenticated: exit 0" 0 "$WEFT" --home "$H4" lookup gina@example.com
check_rc "... the leaf its CRL revokes is not: exit 1" 1 "$WEFT" --home "$H4" lookup hank@example.com

# -- the system CA bundle ---------------------------------------------------------------------------
BUNDLE=/etc/ssl/certs/ca-certificates.crt
if [ -r "$BUNDLE" ]; then
	H3=$T/home3
	WH=$H3 W generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
	WH=$H3 W --json x509 import --yes "$BUNDLE" > "$T/bundle.json"
	n=$(grep -c 'BEGIN CERTIFICATE' "$BUNDLE")
	pss=$(J 'len([o for o in d["objects"] if o["outcome"]=="refused" and "RSA-PSS" in (o["note"] or "")])' < "$T/bundle.json")
	check_eq "the system bundle: every root in one go (bundle $n, RSA-PSS refused $pss)" \
		"$(J 'len([o for o in d["objects"] if o["outcome"]=="new" and o["kind"]=="root"])' < "$T/bundle.json")" "$((n - pss))"
	check_eq "... nothing else refused" "$(J '[o["note"] for o in d["objects"] if o["outcome"]=="refused" and "RSA-PSS" not in (o["note"] or "")]' < "$T/bundle.json")" "[]"
	check_rc "... fsck: exit 0" 0 "$WEFT" --home "$H3" fsck
	check_eq "... again: all unchanged" "$(WH=$H3 W --json x509 import --yes "$BUNDLE" | J 'len([o for o in d["objects"] if o["outcome"]=="unchanged"])')" "$((n - pss))"
fi
finish
