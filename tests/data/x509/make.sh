#!/bin/bash
# tests/data/x509/make.sh - the fixtures of tests/unit/x509/ (see README).
# Needs openssl 3, gpg and gpgsm 2.2, python3.  Writes *.pem, *.der,
# inter.crl and expected.txt here; private keys stay in a temporary
# directory (the fixtures are public certificates only).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'gpgconf --homedir "$tmp/g" --kill all >/dev/null 2>&1; rm -rf "$tmp"' EXIT
cd "$tmp"
o() { openssl "$@" >/dev/null 2>&1 || { openssl "$@"; exit 1; }; }
mkdir -p ca/new && : > ca/index.txt && echo 01 > ca/serial && echo 1000 > ca/crlnumber
cat > ca.cnf <<X
[ca]
default_ca = ca
[ca]
dir = ca
database = ca/index.txt
new_certs_dir = ca/new
serial = ca/serial
crlnumber = ca/crlnumber
certificate = \${ENV::CACERT}
private_key = \${ENV::CAKEY}
default_md = sha256
default_crl_days = 3650
policy = any
email_in_dn = no
unique_subject = no
copy_extensions = none
preserve = yes
[any]
commonName = supplied
organizationName = optional
countryName = optional
[root]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;email:example.com,permitted;email:.example.com,permitted;DNS:example.com
[inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:\${ENV::SAN}
[subca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
X
export SAN=x CACERT=root.pem CAKEY=root.key
sign() { # CSR OUT EXT START END [more]
	local csr=$1 out=$2 ext=$3 s=$4 e=$5
	shift 5
	o ca -batch -config ca.cnf -extensions $ext -in $csr -out $out -notext -startdate $s -enddate $e "$@"
}
key() { case $2 in
	rsa3072) o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out $1.key ;;
	rsa) o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $1.key ;;
	p256) o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $1.key ;;
	p384) o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out $1.key ;;
	ed25519) o genpkey -algorithm ed25519 -out $1.key ;;
	esac; }
key root rsa3072
o req -new -key root.key -out root.csr -subj "/C=US/O=Example Corp/CN=Example Root CA"
sign root.csr root.pem root 20250101000000Z 20350101000000Z -selfsign -keyfile root.key
key inter p256
o req -new -key inter.key -out inter.csr -subj "/C=US/O=Example Corp/CN=Example Issuing CA"
sign inter.csr inter.pem inter 20250101000000Z 20300101000000Z
export CACERT=inter.pem CAKEY=inter.key
leaf() { key $1 $3; o req -new -key $1.key -out $1.csr -subj "/CN=$1"; SAN=$2 sign $1.csr $1.pem leaf ${4:-20250101000000Z} ${5:-20270101000000Z}; }
leaf alice alice@example.com rsa
leaf bob bob@sub.example.com ed25519
leaf mallory mallory@evil.test rsa
leaf eve eve@notexample.com p384
leaf carol carol@example.com rsa 20200101000000Z 20210101000000Z
leaf dave dave@example.com rsa
key rogue rsa
o req -new -key rogue.key -out rogue.csr -subj "/CN=Rogue CA"
sign rogue.csr rogue.pem subca 20250101000000Z 20270101000000Z
export CACERT=rogue.pem CAKEY=rogue.key
leaf trudy trudy@example.com rsa
export CACERT=inter.pem CAKEY=inter.key
o ca -config ca.cnf -revoke dave.pem -crl_reason keyCompromise -crl_compromise 20250601000000Z
o ca -config ca.cnf -gencrl -out inter.crl
o x509 -in root.pem -outform DER -out root.der
# gpg's fingerprints for the same key material created at notBefore
# (the agent gets the secret key as a file named by its keygrip; gpg
# makes an OpenPGP key from that keygrip: --full-gen-key's "existing
# key"), and gpgsm's keygrips.
mkdir -m 700 g g/private-keys-v1.d
export GNUPGHOME=$tmp/g
: > "$here/expected.txt"
for n in root inter alice bob eve; do
	gpgsm --batch --import $n.pem >/dev/null 2>&1
	sha=$(openssl x509 -in $n.pem -outform DER | sha256sum | cut -c1-64 | tr a-f A-F)
	grip=$(gpgsm --with-colons --with-keygrip --list-keys 2>/dev/null |
	       awk -F: -v s="$(openssl x509 -in $n.pem -noout -serial | cut -d= -f2)" \
	       '$1=="crt"{c=($8==s)} $1=="grp"&&c{print $10; exit}')
	nb=$(date -u -d "$(openssl x509 -in $n.pem -noout -startdate | cut -d= -f2)" +%Y%m%dT%H%M%S)
	python3 "$here/agentkey.py" $n.key > g/private-keys-v1.d/$grip.key
	txt=$(openssl pkey -in $n.key -noout -text)
	case $txt in
	*ED25519*) kt=EDDSA ;; *"ASN1 OID"*) kt=ECDSA ;; *) kt=RSA ;;
	esac
	printf 'Key-Type: %s\nKey-Grip: %s\nKey-Usage: sign\nName-Real: %s\nCreation-Date: %s\nExpire-Date: 0\n%%no-protection\n%%commit\n' \
		$kt $grip "gpg $n" $nb | gpg --batch --gen-key >/dev/null 2>&1
	fpr=$(gpg --with-colons --list-keys "gpg $n" | awk -F: '$1=="fpr"{print $10; exit}')
	echo "$n $sha $fpr $grip" >> "$here/expected.txt"
done
cp root.pem inter.pem alice.pem bob.pem mallory.pem eve.pem carol.pem dave.pem rogue.pem trudy.pem inter.crl root.der "$here/"
cat root.pem inter.pem alice.pem > "$here/bundle.pem"
