#!/bin/bash
# make demo: weft's main job on an example it creates.  Three people make
# keys with gpg, certify each other, and hand them over; weft imports them,
# lists and shows them, and exports them back to a fresh gpg, which checks
# every signature.  Runs in a temporary directory; leaves nothing behind.
set -eu
WEFT=${WEFT:-$(cd "$(dirname "$0")/.." && pwd)/build/weft}
D=$(mktemp -d /tmp/weft-demo.XXXXXX)
trap 'gpgconf --homedir "$D/gpg" --kill all 2>/dev/null; gpgconf --homedir "$D/gpg2" --kill all 2>/dev/null; rm -rf "$D"' EXIT
mkdir -m 700 "$D/gpg" "$D/gpg2"
G() { gpg --homedir "$D/gpg" --batch --quiet --pinentry-mode loopback --passphrase '' "$@" 2>/dev/null; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
W() { "$WEFT" --home "$D/weft" "$@"; }

say "Alice, Bob and Carol make keys with gpg; Alice and Bob certify Carol"
G --quick-gen-key 'Alice Liddell <alice@example.org>' ed25519 sign,cert never
G --quick-gen-key 'Bob Builder <bob@example.org>' rsa3072 sign,cert never
G --quick-gen-key 'Carol Danvers <carol@example.org>' nistp256 sign,cert never
fpr() { G --with-colons --list-keys "$1" | awk -F: '$1=="fpr"{print $10; exit}'; }
A=$(fpr alice@example.org) B=$(fpr bob@example.org) C=$(fpr carol@example.org)
G --quick-add-key "$C" cv25519 encr never
G --local-user "$A" --quick-sign-key "$C"
G --local-user "$B" --quick-sign-key "$C"
G --armor --export "$C" > "$D/carol.asc"
G --export "$A" "$B" > "$D/alice-bob.pgp"
echo "carol.asc (armored, with two certifications) and alice-bob.pgp (binary)"

say "weft imports them: Carol first, her certifiers after"
run W import "$D/carol.asc"
run W import "$D/alice-bob.pgp"

say "weft lists the keyring"
run W list

say "weft shows Carol with the certifications, verified once Alice and Bob arrived"
run W show carol@example.org

say "the same as JSON, for scripts"
W --json show carol@example.org | head -n 24
echo "  ..."

say "you make your own key and certify Alice as a trusted introducer; Carol is then authenticated through her"
run W generate "Dee Moe <dee@example.org>" --no-passphrase
run W certify alice@example.org --level 2 --depth 1
run W lookup --email carol@example.org -v

say "weft exports the keyring; a fresh gpg imports it and checks every signature"
run W export --armor -o "$D/export.asc"
gpg --homedir "$D/gpg2" --batch --quiet --import "$D/export.asc" 2>/dev/null
gpg --homedir "$D/gpg2" --batch --check-sigs "$C" 2>&1 | sed 's/^/  gpg: /'

say "importing again changes nothing; the indexes are consistent"
run W import "$D/carol.asc" "$D/alice-bob.pgp"
run W fsck
