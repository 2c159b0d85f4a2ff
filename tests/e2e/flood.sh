#!/bin/bash
# tests/e2e/flood.sh - certificate flooding (the 2019 attack on the SKS
# keyservers): a key carrying 3,000 third-party certifications by keys
# nobody has, plus real certifications by keys in the keyring.  weft keeps
# every certification it can verify, at most WEFT_MAX_WAITING (1,000) of
# the rest, newest first, says so, and the key keeps its validity.
. "$(dirname "$0")/lib.sh"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
G --quick-gen-key 'Alice <alice@example.org>' ed25519 sign,cert never 2>/dev/null
G --quick-gen-key 'Bob <bob@example.org>' ed25519 sign,cert never 2>/dev/null
G --quick-gen-key 'Carol <carol@example.org>' ed25519 sign,cert never 2>/dev/null
fpr() { G --with-colons --list-keys "$1" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
A=$(fpr alice@) B=$(fpr bob@) C=$(fpr carol@)
G -u bob@example.org --quick-sign-key "$A" 2>/dev/null
G -u carol@example.org --quick-sign-key "$A" 2>/dev/null
G --export "$A" >"$T/alice.pgp"
G --export "$B" "$C" >"$T/bc.pgp"
# 3,000 certifications of Alice's user ID by random issuers (they cannot
# be verified: nobody has those keys), dated 2023 + i seconds.
$PY - "$T/alice.pgp" "$T/flooded.pgp" 3000 <<'PYEOF'
import os, sys
data, n = open(sys.argv[1], "rb").read(), int(sys.argv[3])
def packets(d):
    pos = 0
    while pos < len(d):
        c = d[pos]
        tag = c & 0x3f if c & 0x40 else (c >> 2) & 0xf
        if c & 0x40:
            l0 = d[pos + 1]
            if l0 < 192: hl, ln = 2, l0
            elif l0 < 224: hl, ln = 3, ((l0 - 192) << 8) + d[pos + 2] + 192
            else: hl, ln = 6, int.from_bytes(d[pos + 2:pos + 6], "big")
        else:
            w = (1, 2, 4)[c & 3]
            hl, ln = 1 + w, int.from_bytes(d[pos + 1:pos + 1 + w], "big")
        yield tag, d[pos:pos + hl + ln]
        pos += hl + ln
def sig(i):
    f = os.urandom(20)
    hashed = bytes([5, 2]) + (1672531200 + i).to_bytes(4, "big") + bytes([22, 33, 4]) + f
    body = (bytes([4, 0x10, 22, 8]) + len(hashed).to_bytes(2, "big") + hashed +
            (10).to_bytes(2, "big") + bytes([9, 16]) + f[12:] + b"\x12\x34" +
            b"\x00\xff" + os.urandom(32) + b"\x00\xff" + os.urandom(32))
    return bytes([0xc2, 255]) + len(body).to_bytes(4, "big") + body
out = b""
for tag, p in packets(data):
    out += p
    if tag == 13:
        out += b"".join(sig(i) for i in range(n))
open(sys.argv[2], "wb").write(out)
PYEOF
check "the flooded key was made" test -s "$T/flooded.pgp"
W import "$T/bc.pgp" >/dev/null 2>&1
W -q generate "Me <me@example.org>" --no-passphrase >/dev/null 2>&1
W -q certify "$B" --depth 1 >/dev/null 2>&1
W import "$T/flooded.pgp" >"$T/out" 2>&1
check_eq "import of the flooded key: exit 0" "$?" 0
check "import says it was flooded, and how much was dropped" \
	grep -q "flooding: 2000 certifications by keys not in the keyring dropped on 1 key (at most 1000 kept per key" "$T/out"
W --json show "$A" >"$T/show.json"
got=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
cs = [c for k in d["keys"] for u in k["userids"] for c in u["certifications"]]
good = sorted(c["issuer"] for c in cs if c["verified"])
waiting = [c for c in cs if not c["verified"]]
print(" ".join(good), len(waiting), min(c["created"] for c in waiting))' "$T/show.json")
want="$(printf '%s\n' "$B" "$C" | sort | tr '\n' ' ')1000 2023-01-01T00:33:20Z"
check_eq "Bob's and Carol's certifications kept and verified; the newest 1,000 waiting ones kept" "$got" "$want"
W authenticate "$A" "Alice <alice@example.org>" >/dev/null 2>&1
check_eq "Alice is still authenticated through Bob, a trusted introducer" "$?" 0
# Importing the flood again keeps the bound.
W import "$T/flooded.pgp" >/dev/null 2>&1
n=$(W --json show "$A" | $PY -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for k in d["keys"] for u in k["userids"] for c in u["certifications"] if not c["verified"]))')
check_eq "importing the flood again: still 1000 waiting" "$n" 1000
W fsck >/dev/null 2>&1
check_eq "fsck after the flood" "$?" 0
finish
