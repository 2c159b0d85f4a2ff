#!/bin/bash
# tests/data/cert/make.sh - regenerate the fixtures of tests/unit/cert/
# with gpg 2.2 and --faked-system-time (see README).  Run in this
# directory: "./make.sh" makes all of them, "./make.sh uidrev sha1" only
# those (dates subrev uidrev keyrev sha1 merge).  New random keys every
# run: the fingerprints and times in tests/unit/cert/{merge,validate}.c
# and the README must then be updated.
set -euo pipefail

T0=1577836800   # 2020-01-01
T1=1609459200   # 2021-01-01
T2=1640995200   # 2022-01-01
T3=1672531200   # 2023-01-01

ONLY=" $* "
want() { [[ $ONLY == "  " || $ONLY == *" $1 "* ]]; }
top=$(mktemp -d)
trap 'for h in "$top"/*/; do GNUPGHOME=$h gpgconf --kill gpg-agent || true; done; rm -rf "$top"' EXIT

# G TIME args...: gpg at a frozen time, unprotected keys.
G() { local t=$1; shift
      gpg --no-tty --quiet --faked-system-time "$t!" --passphrase '' \
          --pinentry-mode loopback "$@" 2>/dev/null; }
home() { export GNUPGHOME=$top/$1; mkdir -p -m 700 "$GNUPGHOME"; }
fpr() { gpg --with-colons --list-keys "$1" 2>/dev/null |
        awk -F: -v n="${2:-1}" '/^fpr/ { if (++i == n) print $10 }'; }
# Copy home $1 to $2 (agent stopped first, so the copy has no socket).
fork() { GNUPGHOME=$top/$1 gpgconf --kill gpg-agent; cp -a "$top/$1" "$top/$2"; }
# Edit-key/gen-revoke answers on fd 0.
ED() { local t=$1; shift; G "$t" --command-fd 0 "$@"; }

if want dates; then
# 1. dates: expiry, and a later self-signature that changes it.
home dates
G $T0 --batch --quick-gen-key 'Dates <dates@example.org>' ed25519 cert 2y
F=$(fpr dates@example.org)
G $T0 --batch --quick-add-key "$F" cv25519 encr never
G $((T0 + 3600)) --batch --quick-add-key "$F" ed25519 sign 1y
# gpg replaces the self-signature it updates: make the new one in a copy
# and import it, so that both are there.
fork dates dates-b
home dates-b
G $T1 --batch --quick-set-expire "$F" 5y
gpg --export "$F" > "$top/dates-b.pgp"
home dates
G $T1 --batch --import "$top/dates-b.pgp"
gpg --export "$F" > dates.pgp
fi

if want subrev; then
# 2. subrev: subkey A soft-revoked at T1 and re-bound at T2; subkey B
#    hard-revoked at T2 and re-bound at T3.  The new bindings are made in
#    a copy of the home that never saw the revocations, then imported.
home subrev
G $T0 --batch --quick-gen-key 'Subrev <subrev@example.org>' ed25519 cert never
F=$(fpr subrev@example.org)
G $((T0 + 60)) --batch --quick-add-key "$F" cv25519 encr never
G $((T0 + 120)) --batch --quick-add-key "$F" cv25519 encr never
A=$(fpr "$F" 2) B=$(fpr "$F" 3)
fork subrev subrev-b
printf 'key 1\nrevkey\ny\n2\n\ny\nsave\n' | ED $T1 --edit-key "$F"   # superseded
printf 'key 2\nrevkey\ny\n1\n\ny\nsave\n' | ED $T2 --edit-key "$F"   # compromised
home subrev-b
G $T2 --batch --quick-set-expire "$F" never "$A"
G $T3 --batch --quick-set-expire "$F" never "$B"
gpg --export "$F" > "$top/subrev-b.pgp"
home subrev
G $T3 --batch --import "$top/subrev-b.pgp"
gpg --export "$F" > subrev.pgp
fi

if want uidrev; then
# 3. uidrev: "Alice Old" revoked at T1 with reason 32 (soft), "Carol"
#    at T1 with reason 0 (hard); both re-bound at T2 (set-expire re-signs
#    every user ID) in a copy that never saw the revocations.
home uidrev
G $T0 --batch --quick-gen-key 'Alice <alice@example.org>' ed25519 cert never
F=$(fpr alice@example.org)
G $T0 --batch --quick-add-uid "$F" 'Alice Old <old@example.org>'
G $T0 --batch --quick-add-uid "$F" 'Carol <carol@example.org>'
fork uidrev uidrev-b
G $T1 --batch --quick-revoke-uid "$F" 'Alice Old <old@example.org>'
# select Carol by her name hash: gpg's "uid N" numbering changes after a
# revocation
H=$(gpg --with-colons --list-keys "$F" | awk -F: '$1 == "uid" && $10 ~ /^Carol/ { print $8 }')
printf 'uid %s\nrevuid\ny\n0\n\ny\nsave\n' "$H" | ED $T1 --edit-key "$F"
home uidrev-b
G $T2 --batch --quick-set-expire "$F" 10y
gpg --export "$F" > "$top/uidrev-b.pgp"
home uidrev
G $T3 --batch --import "$top/uidrev-b.pgp"
gpg --export "$F" > uidrev.pgp
fi

if want keyrev; then
# 4. keyrev-soft: key revocation "superseded" made at T1, a new binding
#    at T2 (in a copy, so the T0 one stays), then the revocation imported.
#    keyrev-hard: "compromised" at T2, new binding at T3.
home keyrev
G $T0 --batch --quick-gen-key 'Softrev <softrev@example.org>' ed25519 cert never
G $T0 --batch --quick-gen-key 'Hardrev <hardrev@example.org>' ed25519 cert never
S=$(fpr softrev@example.org) H=$(fpr hardrev@example.org)
printf 'y\n2\n\ny\n' | ED $T1 -o "$top/soft.rev" --gen-revoke "$S"
printf 'y\n1\n\ny\n' | ED $T2 -o "$top/hard.rev" --gen-revoke "$H"
fork keyrev keyrev-b
home keyrev-b
G $T2 --batch --quick-set-expire "$S" 10y
G $T3 --batch --quick-set-expire "$H" 10y
gpg --export "$S" "$H" > "$top/keyrev-b.pgp"
home keyrev
G $T3 --batch --import "$top/keyrev-b.pgp" "$top/soft.rev" "$top/hard.rev"
gpg --export "$S" > keyrev-soft.pgp
gpg --export "$H" > keyrev-hard.pgp
fi

if want sha1; then
# 5. sha1: every self-signature with SHA-1; the subkey hard-revoked at T1
#    (also SHA-1).
home sha1
S1="--cert-digest-algo SHA1 --digest-algo SHA1"
G $T0 --batch $S1 --quick-gen-key 'Sha One <sha1@example.org>' rsa2048 cert never
F=$(fpr sha1@example.org)
G $T0 --batch $S1 --quick-add-key "$F" rsa2048 encr never
printf 'key 1\nrevkey\ny\n1\n\ny\nsave\n' | ED $T1 $S1 --edit-key "$F"
gpg --export "$F" > sha1.pgp
fi

if want merge; then
# 6. merge: three user IDs and two subkeys made at the same second; a
#    certifier signs two of the user IDs.  Also the secret key (no
#    passphrase) for the secret-to-public test.
home merge
G $T0 --batch --quick-gen-key 'Certifier <certifier@example.org>' ed25519 cert never
C=$(fpr certifier@example.org)
G $T0 --batch --quick-gen-key 'Merge One <one@example.org>' ed25519 cert never
F=$(fpr one@example.org)
G $((T0 + 10)) --batch --quick-add-uid "$F" 'Merge Two <two@example.org>'
G $((T0 + 20)) --batch --quick-add-uid "$F" 'Merge Three <three@example.org>'
G $((T0 + 30)) --batch --quick-add-key "$F" cv25519 encr never
G $((T0 + 30)) --batch --quick-add-key "$F" ed25519 sign never
G $T1 --batch --yes -u "$C" --quick-sign-key "$F" 'Merge One <one@example.org>' 'Merge Two <two@example.org>'
gpg --export "$F" > merge.pgp
gpg --export "$C" > certifier.pgp
G $T1 --batch --export-secret-keys "$F" > merge-secret.pgp
fi

# every revocation asked for is there
if want uidrev; then
	[[ $(gpg --list-packets uidrev.pgp 2>/dev/null | grep -c 'sigclass 0x30') == 2 ]] ||
		{ echo "uidrev.pgp: expected two user ID revocations" >&2; exit 1; }
fi
echo "done: $(ls *.pgp | tr '\n' ' ')"
