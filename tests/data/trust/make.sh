#!/bin/sh
# make.sh - regenerate the fixtures of tests/unit/trust/gnupg-web.c with gpg
# (2.2.40 made the checked-in ones).  Run from this directory.
#
#   web.pgp        the web of web.py, made at BASE, local signatures
#                  included (gpg --export-options export-local-sigs)
#   web.ownertrust gpg --export-ownertrust (comments dropped)
#   web.names      NAME FINGERPRINT per key
#   web.expected   what gpg --with-colons --list-keys shows after
#                  --check-trustdb at T = BASE + 100 days, for each set of
#                  parameters: "params MARGINALS COMPLETES DEPTH LEVEL",
#                  then "k FPR LETTER" per key and "u FPR LETTER UID" per
#                  user ID (field 2 of pub and uid records, the user ID
#                  with gpg's \xHH escapes)
set -eu
BASE=1700000000          # 2023-11-14 22:13:20 UTC
T=$((BASE + 100 * 86400))
H=$(mktemp -d "${TMPDIR:-/tmp}/weft-trust.XXXXXX")
chmod 700 "$H"
trap 'gpgconf --homedir "$H" --kill all >/dev/null 2>&1; rm -rf "$H"' EXIT

python3 ./web.py "$H" "$BASE" > web.names
G() { gpg --homedir "$H" --batch --quiet --no-tty "$@"; }
G --export-options export-local-sigs --export > web.pgp
G --export-ownertrust | grep -v '^#' > web.ownertrust
: > web.expected
for p in "3 1 5 2" "2 1 5 2" "3 2 5 2" "3 1 1 2" "3 1 5 3" "3 1 5 1" \
	 "2 1 3 2" "3 1 2 2"; do
	set -- $p
	opts="--marginals-needed $1 --completes-needed $2 --max-cert-depth $3 --min-cert-level $4"
	# shellcheck disable=SC2086
	G --faked-system-time "$T!" --trust-model pgp --no-auto-check-trustdb \
	  $opts --check-trustdb --yes 2>/dev/null
	echo "params $p" >> web.expected
	# shellcheck disable=SC2086
	G --faked-system-time "$T!" --trust-model pgp --no-auto-check-trustdb \
	  $opts --with-colons --list-keys 2>/dev/null |
	awk -F: '/^pub/ { v = $2; want = 1 }
		 /^fpr/ && want { f = $10; want = 0; print "k", f, v }
		 /^uid/ { print "u", f, $2, $10 }' >> web.expected
done
