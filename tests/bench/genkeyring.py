#!/usr/bin/env python3
"""genkeyring.py - a reproducible synthetic web of trust for the benchmarks.

usage: genkeyring.py [-n KEYS] [-s SEED] OUT.pgp

Writes OUT.pgp, a binary OpenPGP keyring of KEYS (default 100000) v4 keys,
and OUT.pgp.json, what a benchmark needs to ask questions about it: the
trust roots and a sample of bindings (fingerprint, user ID, kind).  The
same KEYS and SEED give the same bytes: secret keys come from the seeded
generator, every timestamp is fixed and Ed25519 signatures are
deterministic.

Every key is an EdDSA (legacy algorithm 22, curve Ed25519) primary key
with one user ID "Name <userN@domain>" and a positive self-certification
(0x13, SHA-256: creation time, key flags certify+sign, issuer fingerprint
hashed; issuer key ID unhashed).  The web, with R = 3 roots:

  roots (keys 0..2)   certify every level-1 introducer (1-2 roots each)
                      with a trust signature of depth 2, amount 120 (80%)
                      or 60;
  level 1 (N/1000)    certify every level-2 introducer (1-2 each): depth 1,
                      amount 120 or 60 (50/50); one in ten of those is
                      scoped by a regex to one domain, in the form GnuPG
                      understands: <[^>]+[@.]example\\.org>$;
  level 2 (N/50)      plain-certify ordinary keys: 80% of keys get one or
                      two such certifications;
  everyone            gets plain certifications (0x10) from random keys up
                      to 3-5 in all; 3% of those random ones are trust
                      signatures (depth 1, amount 60) - noise that a search
                      has to look at.

So a binding is reached by paths root -> L1 -> L2 -> key of amount 120 or
60, some by two paths of 60 (120 in all), some only partially, and one in
five ordinary keys not at all.  All certifications are dated after both
keys' self-signatures and before 2026, with no expiry.

Packets follow RFC 4880 / RFC 9580 (legacy EdDSA: public key = OID
1.3.6.1.4.1.11591.15.1 and the point 0x40||A as an MPI; the signature
signs the hash value and is R, S as two MPIs), written out here from the
RFC, independently of weft's code (tests/data/crypto/make-synthetic.py
builds packets the same way).  Needs Python's `cryptography` package.
"""
import argparse
import hashlib
import json
import os
import random
import struct
import sys
import time

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization

T0 = 1704067200               # 2024-01-01T00:00:00Z: keys are made that day
CERT_START = T0 + 86400       # certifications from the next day on
CERT_SPAN = 600 * 86400       # ... over 600 days (until late 2025)
ED25519_OID = bytes.fromhex("2b06010401da470f01")
ALGO = 22                     # EdDSA (legacy)
SHA256 = 8
DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org",
           "users.example.net", "example.edu", "corp.example", "test.example"]
REGEX_DOMAIN = "example.org"  # regex-scoped introducers vouch only for these
NROOTS = 3


def u16(n): return struct.pack(">H", n)
def u32(n): return struct.pack(">I", n)


def mpi(b):
    b = b.lstrip(b"\0")
    bits = (len(b) - 1) * 8 + b[0].bit_length() if b else 0
    return u16(bits) + b


def packet(tag, body):
    """New-format packet header (RFC 9580 4.2.1)."""
    n = len(body)
    if n < 192:
        hdr = bytes([n])
    elif n < 8384:
        n -= 192
        hdr = bytes([(n >> 8) + 192, n & 0xff])
    else:
        hdr = b"\xff" + u32(n)
    return bytes([0xc0 | tag]) + hdr + body


def subpacket(typ, data):
    assert len(data) + 1 < 192
    return bytes([len(data) + 1, typ]) + data


class Key:
    __slots__ = ("sk", "body", "framed", "fpr", "keyid", "uid", "uidpfx")

    def __init__(self, seed32, created, uid):
        self.sk = ed25519.Ed25519PrivateKey.from_private_bytes(seed32)
        pub = self.sk.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
        self.body = (bytes([4]) + u32(created) + bytes([ALGO]) +
                     bytes([len(ED25519_OID)]) + ED25519_OID + mpi(b"\x40" + pub))
        self.framed = b"\x99" + u16(len(self.body)) + self.body
        self.fpr = hashlib.sha1(self.framed).digest()
        self.keyid = self.fpr[-8:]
        self.uid = uid
        self.uidpfx = b"\xb4" + u32(len(uid)) + uid


def certification(signer, target, sigtype, created, extra=b"", self_sig=False):
    """A v4 signature by SIGNER over TARGET's key and user ID."""
    hashed = subpacket(2, u32(created))
    if self_sig:
        hashed += subpacket(27, b"\x03")            # certify + sign
    hashed += extra
    hashed += subpacket(33, b"\x04" + signer.fpr)
    hp = bytes([4, sigtype, ALGO, SHA256]) + u16(len(hashed)) + hashed
    md = hashlib.sha256(target.framed)
    md.update(target.uidpfx)
    md.update(hp)
    md.update(b"\x04\xff" + u32(len(hp)))
    digest = md.digest()
    sig = signer.sk.sign(digest)                    # legacy EdDSA signs the hash
    unhashed = subpacket(16, signer.keyid)
    body = hp + u16(len(unhashed)) + unhashed + digest[:2] + \
        mpi(sig[:32]) + mpi(sig[32:])
    return packet(2, body)


def tsig(depth, amount, regex=None):
    out = subpacket(5, bytes([depth, amount]))
    if regex is not None:
        out += subpacket(6, regex.encode() + b"\0")   # NUL-terminated (RFC 4880)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--keys", type=int, default=100000)
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("out")
    a = ap.parse_args()
    n = a.keys
    if n < 20:
        sys.exit("genkeyring: at least 20 keys")
    rng = random.Random(a.seed)
    t_start = time.time()

    def progress(msg):
        if not a.quiet:
            print(f"genkeyring: {msg} ({time.time() - t_start:.0f} s)",
                  file=sys.stderr, flush=True)

    n1 = max(3, n // 1000)
    n2 = max(6, n // 50)
    roots = range(0, NROOTS)
    l1 = range(NROOTS, NROOTS + n1)
    l2 = range(l1.stop, l1.stop + n2)
    kind = (["root"] * NROOTS + ["level1"] * n1 + ["level2"] * n2 +
            ["ordinary"] * (n - l2.stop))

    keys = []
    for i in range(n):
        dom = DOMAINS[rng.randrange(len(DOMAINS))]
        uid = f"Synthetic User {i} <user{i}@{dom}>".encode()
        keys.append(Key(rng.randbytes(32), T0 + rng.randrange(86400), uid))
    progress(f"{n} keys made")

    # Incoming certifications per target: issuer -> extra hashed subpackets.
    incoming = [dict() for _ in range(n)]
    regex = "<[^>]+[@.]" + REGEX_DOMAIN.replace(".", "\\.") + ">$"
    for t in l1:
        for r in rng.sample(roots, rng.choice((1, 2))):
            incoming[t][r] = tsig(2, 120 if rng.random() < 0.8 else 60)
    for t in l2:
        for s in rng.sample(l1, min(len(l1), rng.choice((1, 2)))):
            incoming[t][s] = tsig(1, rng.choice((60, 120)),
                                  regex if rng.random() < 0.1 else None)
    for t in range(l2.stop, n):
        if rng.random() < 0.8:
            for s in rng.sample(l2, rng.choice((1, 2))):
                incoming[t].setdefault(s, b"")
    for t in range(NROOTS, n):
        want = rng.randint(3, 5)
        while len(incoming[t]) < want:
            s = rng.randrange(n)
            if s != t and s not in incoming[t]:
                incoming[t][s] = tsig(1, 60) if rng.random() < 0.03 else b""
    progress("web drawn")

    nsigs = 0
    with open(a.out + ".tmp", "wb") as f:
        for i, k in enumerate(keys):
            out = [packet(6, k.body), packet(13, k.uid),
                   certification(k, k, 0x13, T0 + 86399, self_sig=True)]
            for s in sorted(incoming[i]):
                out.append(certification(keys[s], k, 0x10,
                                         CERT_START + rng.randrange(CERT_SPAN),
                                         incoming[i][s]))
            nsigs += len(out) - 2
            f.write(b"".join(out))
            if (i + 1) % 10000 == 0:
                progress(f"{i + 1} keys written")
    os.replace(a.out + ".tmp", a.out)

    # What to ask: a fixed sample of every kind, in a fixed order.
    qrng = random.Random(a.seed * 7919 + 1)
    sample = []
    for kd, rg, m in (("level1", l1, 3), ("level2", l2, 5),
                      ("ordinary", range(l2.stop, n), 12)):
        for i in sorted(qrng.sample(rg, min(m, len(rg)))):
            sample.append(i)
    meta = {
        "keys": n, "seed": a.seed, "signatures": nsigs,
        "roots": [keys[r].fpr.hex().upper() for r in roots],
        "levels": {"level1": n1, "level2": n2},
        "queries": [{"fingerprint": keys[i].fpr.hex().upper(),
                     "userid": keys[i].uid.decode(), "kind": kind[i]}
                    for i in sample],
    }
    with open(a.out + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    progress(f"wrote {a.out}: {n} keys, {nsigs} signatures")


if __name__ == "__main__":
    main()
