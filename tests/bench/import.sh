#!/bin/bash
# Import the Debian keyring (905 keys, 48,788 signatures) into an empty
# keyring with weft and with gpg, in the same run, and print both wall
# times and the ratio.  Also: re-importing the same file (nothing new),
# which gpg handles no faster than the first import.
#
# Target (issue 2): weft at least 20 times faster than gpg.
set -u
WEFT=${WEFT:-$(cd "$(dirname "$0")/../.." && pwd)/build/weft}
KR=${KEYRING:-/usr/share/keyrings/debian-keyring.gpg}
[ -r "$KR" ] || { echo "bench import: $KR missing (make deps installs debian-keyring)"; exit 1; }
T=$(mktemp -d /tmp/weft-bench.XXXXXX)
trap 'gpgconf --homedir "$T/gpg" --kill all >/dev/null 2>&1; rm -rf "$T"' EXIT
mkdir -m 700 "$T/gpg"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
fmt() { printf '%8.2f s' "$1"; }

echo "== import $(basename "$KR") ($(du -h "$KR" | cut -f1)), $(nproc) cores"
t0=$(now)
"$WEFT" --home "$T/weft" -q import "$KR" || echo "weft import failed"
t1=$(now)
"$WEFT" --home "$T/weft" -q import "$KR" || echo "weft re-import failed"
t2=$(now)
gpg --homedir "$T/gpg" --batch --quiet --import "$KR" 2>/dev/null
t3=$(now)
gpg --homedir "$T/gpg" --batch --quiet --import "$KR" 2>/dev/null
t4=$(now)

w1=$(secs "$t0" "$t1"); w2=$(secs "$t1" "$t2")
g1=$(secs "$t2" "$t3"); g2=$(secs "$t3" "$t4")
printf '%-28s %s   %s   %s\n' "" "weft" "gpg" "gpg/weft"
printf '%-28s %s %s   %7.1fx\n' "import into empty keyring" "$(fmt "$w1")" "$(fmt "$g1")" "$(echo "$g1 / $w1" | bc -l)"
printf '%-28s %s %s   %7.1fx\n' "re-import (nothing new)" "$(fmt "$w2")" "$(fmt "$g2")" "$(echo "$g2 / $w2" | bc -l)"
n=$("$WEFT" --home "$T/weft" --json list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["keys"]))')
m=$(gpg --homedir "$T/gpg" --batch --with-colons --list-keys 2>/dev/null | grep -c '^pub')
echo "keys: weft $n, gpg $m"
