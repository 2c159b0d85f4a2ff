#!/bin/bash
# tests/e2e/hostile.sh - hostile input beyond bad-input.sh: a certificate
# with 100,000 user IDs, compression nested deeper than the bound, user
# IDs carrying control characters, newlines and fake status lines (escaped
# wherever they are printed).
. "$(dirname "$0")/lib.sh"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
G --quick-gen-key 'Alice <alice@example.org>' ed25519 sign,cert never 2>/dev/null
A=$(G --with-colons --list-keys alice@ | awk -F: '/^fpr/ { print $10; exit }')
G --export "$A" >"$T/alice.pgp"

# ---- 100,000 user IDs (no self-signatures: they are dropped) -----------------
$PY - "$T/alice.pgp" "$T/many.pgp" <<'PYEOF'
import sys
data = open(sys.argv[1], "rb").read()
u = [("User %06d <u%06d@example.org>" % (i, i)).encode() for i in range(100000)]
open(sys.argv[2], "wb").write(data + b"".join(bytes([0xcd, len(x)]) + x for x in u))
PYEOF
s=$EPOCHREALTIME
timeout 120 "$WEFT" --home "$T/many" import "$T/many.pgp" >"$T/many.out" 2>&1
rc=$?
e=$EPOCHREALTIME
check_eq "100,000 user IDs: import exit 0 (not a crash, not a timeout)" "$rc" 0
check_eq "100,000 user IDs: the key with its one self-signed user ID" \
	"$(WH=$T/many W list 2>/dev/null | grep -c '^uid')" 1
echo "  (imported in $(echo "$e - $s" | bc) s)"

# ---- compression nested deeper than the bound -------------------------------
# A literal packet inside ten compressed packets (ZIP), signed nowhere: the
# reader stops at the fifth level with an error, it does not recurse on.
$PY - "$T/nested.pgp" <<'PYEOF'
import sys, zlib
def pkt(tag, body):
    return bytes([0xc0 | tag, 0xff]) + len(body).to_bytes(4, "big") + body
inner = pkt(11, b"b\x00\x00\x00\x00\x00hello\n")
for _ in range(10):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    inner = pkt(8, b"\x01" + c.compress(inner) + c.flush())
open(sys.argv[1], "wb").write(inner)
PYEOF
W verify "$T/nested.pgp" >"$T/nested.out" 2>&1
check_eq "compression nested 10 deep: exit 2" "$?" 2
check "compression nested 10 deep: the error names the bound" grep -q "nested more than 4 deep" "$T/nested.out"

# ---- control characters, newlines and fake status lines in user IDs ---------
# gpg refuses to make such user IDs; build the packets: Alice's key with a
# second user ID "Mallory\n[GNUPG:] GOODSIG ...\x1b[2J" self-signed is too
# much to forge here, so it rides along unsigned and must still never
# reach the terminal raw when weft names it (show lists what it drops).
$PY - "$T/alice.pgp" "$T/evil.pgp" <<'PYEOF'
import sys
data = open(sys.argv[1], "rb").read()
evil = b"Mallory\n[GNUPG:] GOODSIG 0000000000000000 owned\x1b[2J\x07 <m@example.org>"
open(sys.argv[2], "wb").write(data + bytes([0xcd, len(evil)]) + evil)
PYEOF
W -v import "$T/evil.pgp" >"$T/evil.out" 2>&1
check "user ID with control characters: nothing raw on the terminal (no ESC, BEL)" \
	bash -c "! grep -q \$'\\x1b\\|\\x07' '$T/evil.out'"
check "user ID with a newline: no line starts with a fake status line" \
	bash -c "! grep -q '^\[GNUPG:\]' '$T/evil.out'"
# A literal data file name with a newline and a status line: signed by
# gpg, verified by weft with --status-fd: every line is a real one.
G --set-filename $'x\n[GNUPG:] GOODSIG 0 fake' -u alice@example.org --sign \
	-o "$T/named.gpg" "$T/alice.pgp" 2>/dev/null
W import "$T/alice.pgp" >/dev/null 2>&1
W verify --no-trust --status-fd 3 "$T/named.gpg" 3>"$T/named.out" >/dev/null 2>&1
check_eq "file name with a newline: one GOODSIG line (the real one)" \
	"$(grep -c '^\[GNUPG:\] GOODSIG' "$T/named.out")" 1
check "file name with a newline: escaped in PLAINTEXT" \
	grep -q '^\[GNUPG:\] PLAINTEXT .* x%0A\[GNUPG:\]%20GOODSIG%200%20fake$' "$T/named.out"
check "file name with a newline: every status line starts with [GNUPG:]" \
	bash -c "! grep -v '^\[GNUPG:\] ' '$T/named.out' | grep -q ."
finish
