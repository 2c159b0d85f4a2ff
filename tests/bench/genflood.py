#!/usr/bin/env python3
"""genflood.py - a flooded certificate, as in the 2019 attack on the SKS keyservers.

usage: genflood.py [-n FLOOD] [-s SEED] [-q] OUT.pgp

Writes OUT.pgp: one v4 EdDSA certificate, the victim ("Flooded Victim
<victim@example.org>", a key of its own, not in any generated keyring),
with its self-certification and, on its one user ID:

  - 3 legitimate certifications (0x10, real Ed25519 signatures) by the
    three roots of the keyrings genkeyring.py makes with the same SEED
    (keys 0, 1 and 2, the same for every size), so a keyring that holds
    the roots can verify them and the victim is authenticated through
    them;
  - FLOOD (default 150,000) third-party certifications by unknown keys:
    each has its own random issuer (fingerprint in a hashed issuer
    fingerprint subpacket, key ID in an unhashed issuer subpacket), a
    creation time in 2024-2025, the right algorithm (EdDSA), hash
    (SHA-256) and shape, but random hash prefix and R, S: they look
    correct and cannot be verified, since no keyring has their issuers
    (and they would not verify if one did).

The legitimate certifications sit at a third, two thirds and the end of
the flood, so that keeping only the first or the last certifications of
a flooded key is seen to lose some.  Also writes OUT.pgp.json: the
victim's fingerprint and user ID, the fingerprints of the legitimate
issuers, the flood's size and where the legitimate ones are.  The same
FLOOD and SEED give the same bytes.
"""
import argparse
import hashlib
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genkeyring as gk  # noqa: E402

VICTIM_UID = b"Flooded Victim <victim@example.org>"


def junk(rng):
    """A certification by a random, unknown issuer: well formed, not
    verifiable."""
    fpr = rng.randbytes(20)
    created = gk.CERT_START + rng.randrange(gk.CERT_SPAN)
    hashed = gk.subpacket(2, gk.u32(created)) + gk.subpacket(33, b"\x04" + fpr)
    hp = bytes([4, 0x10, gk.ALGO, gk.SHA256]) + gk.u16(len(hashed)) + hashed
    unhashed = gk.subpacket(16, fpr[-8:])
    r = bytes([rng.randrange(1, 256)]) + rng.randbytes(31)
    s = bytes([rng.randrange(1, 16)]) + rng.randbytes(31)    # S < 2^252
    body = hp + gk.u16(len(unhashed)) + unhashed + rng.randbytes(2) + \
        gk.mpi(r) + gk.mpi(s)
    return gk.packet(2, body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--flood", type=int, default=150000)
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("out")
    a = ap.parse_args()

    # The roots: keys 0..2 of genkeyring.py's seeded sequence.
    roots = gk.make_keys(random.Random(a.seed), gk.NROOTS)
    rng = random.Random(a.seed * 104729 + 17)
    victim = gk.Key(rng.randbytes(32), gk.T0 + 3600, VICTIM_UID)

    legit = [gk.certification(r, victim, 0x10,
                              gk.CERT_START + gk.CERT_SPAN - (i + 1) * 86400)
             for i, r in enumerate(roots)]
    at = sorted({a.flood // 3, 2 * a.flood // 3, a.flood})
    sigs = []
    k = 0
    for i in range(a.flood + 1):
        while k < len(at) and at[k] == i:
            sigs.append(legit[k])
            k += 1
        if i < a.flood:
            sigs.append(junk(rng))
    sigs.extend(legit[k:])
    out = [gk.packet(6, victim.body), gk.packet(13, victim.uid),
           gk.certification(victim, victim, 0x13, gk.T0 + 86399, self_sig=True)]
    with open(a.out + ".tmp", "wb") as f:
        f.write(b"".join(out + sigs))
    os.replace(a.out + ".tmp", a.out)
    meta = {
        "victim": victim.fpr.hex().upper(), "userid": VICTIM_UID.decode(),
        "flood": a.flood, "seed": a.seed,
        "legitimate": [r.fpr.hex().upper() for r in roots],
        "legitimate_keyids": [r.keyid.hex().upper() for r in roots],
        "legitimate_at": [p + j for j, p in enumerate(at)],
        "certifications": len(sigs),
    }
    with open(a.out + ".json.tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(a.out + ".json.tmp", a.out + ".json")
    if not a.quiet:
        print(f"genflood: wrote {a.out}: {len(sigs)} certifications, "
              f"{os.path.getsize(a.out) / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
