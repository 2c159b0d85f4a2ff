#!/bin/bash
# tests/data/packet/make.sh - regenerate the fixtures of tests/unit/packet/
# with gpg 2.2 (see README).  Run in this directory.  New random keys
# every run: the fingerprints in tests/unit/packet/key.c and
# tests/unit/packet/sig.c must then be updated.
set -euo pipefail

T0=1577836800   # 2020-01-01
T1=1609459200   # 2021-01-01

export GNUPGHOME=$(mktemp -d)
trap 'gpgconf --kill gpg-agent || true; rm -rf "$GNUPGHOME"' EXIT

G() { local t=$1; shift
      gpg --no-tty --quiet --faked-system-time "$t!" --passphrase '' \
          --pinentry-mode loopback "$@" 2>/dev/null; }
fpr() { gpg --with-colons --list-keys "$1" 2>/dev/null |
        awk -F: '/^fpr/ { print $10; exit }'; }

G $T0 --batch --quick-gen-key 'Rsa <rsa@example.org>' rsa1024 cert,sign never
R=$(fpr rsa@example.org)
G $T0 --batch --quick-add-key "$R" rsa1024 encr never
G $T0 --batch --quick-gen-key 'Dsa <dsa@example.org>' dsa1024 cert,sign never
D=$(fpr dsa@example.org)
G $T0 --batch --quick-add-key "$D" elg1024 encr never
G $T0 --batch --quick-gen-key 'P256 <p256@example.org>' nistp256 cert,sign never
P=$(fpr p256@example.org)
G $T0 --batch --quick-add-key "$P" nistp256 encr never
G $T0 --batch --quick-gen-key 'Ed <ed@example.org>' ed25519 cert,sign never
E=$(fpr ed@example.org)
G $T0 --batch --quick-add-key "$E" cv25519 encr never

# Certifications with the subpackets sig.c reads back: a trust signature
# (depth 2, full trust, a domain regex; gpg marks the regex critical) by
# Ed on P256, and a certification with a notation, a critical notation
# and a policy URL by Rsa on Ed.
printf 'uid 1\ntsign\n2\n2\nexample.org\ny\nsave\n' |
	G $T1 -u "$E" --command-fd 0 --edit-key "$P"
G $T1 --batch --yes -u "$R" --cert-notation 'note@example.org=hello' \
	--cert-notation '!crit@example.org=1' \
	--cert-policy-url 'https://example.org/policy' --quick-sign-key "$E"

gpg --export "$R" > rsa1024.pgp
gpg --export "$D" > dsa1024-elg.pgp
gpg --export "$P" > nistp256.pgp
gpg --export "$E" > ed25519.pgp
G $T1 --batch --export-secret-keys "$E" > ed25519-secret.pgp
gpg --with-colons --fingerprint --fingerprint --list-keys
