#!/usr/bin/env python3
"""genkeyring.py - a reproducible synthetic web of trust for the benchmarks.

usage: genkeyring.py [-n KEYS] [-s SEED] [-q] OUT.pgp

Writes OUT.pgp, a binary OpenPGP keyring of KEYS (default 100000) v4 keys,
and next to it:

  OUT.pgp.json   what a benchmark needs: the trust roots, a sample of
                 bindings to ask about (fingerprint, user ID, kind), the
                 signer of OUT.pgp.sig, and counts (signatures of each
                 kind, the degree distribution); written last, so its
                 presence means the set is complete;
  OUT.pgp.msg    4 KiB of data, and
  OUT.pgp.sig    a detached binary signature (0x00) over it by one of the
                 keys (an ordinary key certified by a level-2 introducer),
                 for "weft verify" / "gpg --verify";
  OUT.pgp.vrec   the first 100,000 signatures of OUT.pgp in file order as
                 128-octet records (issuer's Ed25519 point A, the SHA-256
                 digest signed, R, S) for verifyrate.c, which measures what
                 verifying them alone costs (the physical limit of an
                 import).

The same KEYS and SEED give the same bytes: secret keys come from the
seeded generator, every timestamp is fixed and Ed25519 signatures are
deterministic.  Key i is the same key for every KEYS > i (genflood.py
relies on that to sign with the roots).

Every key is an EdDSA (legacy algorithm 22, curve Ed25519) primary key
with one user ID "Synthetic User i <useri@domain>" and a positive
self-certification (0x13, SHA-256: creation time, key flags certify+sign,
issuer fingerprint hashed; issuer key ID unhashed).  The web has two
layers, with R = 3 roots:

1. An introducer backbone (trust signatures, as GnuPG and Sequoia read
   them):
  roots (keys 0..2)   certify every level-1 introducer (1-2 roots each)
                      with a trust signature of depth 2, amount 120 (80%)
                      or 60;
  level 1 (N/1000)    certify every level-2 introducer (1-2 each): depth 1,
                      amount 120 or 60 (50/50); one in ten of those is
                      scoped by a regex to one domain, in the form GnuPG
                      understands: <[^>]+[@.]example\\.org>$;
  level 2 (N/50)      plain-certify ordinary keys: 80% of keys get one or
                      two such certifications.

2. A scale-free web of plain certifications (0x10) among all keys, grown
   by preferential attachment as the public OpenPGP strong set is: keys
   join in a seeded random order; each newcomer certifies 1-4 (mean 2.25)
   keys already there, each chosen with probability 0.8 in proportion to
   the certifications it has received so far (a random earlier target)
   and otherwise uniformly; each key so certified certifies the newcomer
   back with probability 0.6.  In-degrees follow a power law: most keys
   have a handful of certifications, a few have thousands (at 100,000
   keys the largest has about 8,500; the counts are in OUT.pgp.json).
   Of these certifications
     3%  are trust signatures (depth 1, amount 60): noise a search has
         to look at;
     4%  have expired: a signature expiration time (subpacket 3) that
         ends 30-180 days after the certification and before 2026;
     3%  are revoked: a certification revocation (0x30, reason 0) by the
         same issuer over the same user ID, 1-89 days newer.

So a binding is reached by paths root -> L1 -> L2 -> key of amount 120 or
60, some by two paths of 60 (120 in all), some only partially, about one
in five ordinary keys not through the backbone at all; the web adds
direct certifications by roots and introducers and many dead ends.  All
certifications are dated after both keys' self-signatures and before
2026.

Packets follow RFC 4880 / RFC 9580 (legacy EdDSA: public key = OID
1.3.6.1.4.1.11591.15.1 and the point 0x40||A as an MPI; the signature
signs the hash value and is R, S as two MPIs), written out here from the
RFC, independently of weft's code (tests/data/crypto/make-synthetic.py
builds packets the same way).  Needs Python's `cryptography` package
(Ed25519).  tests/bench/scale.sh checks a small instance with
gpg --check-sigs and sq inspect before it first uses a new version of
this file, and verifyrate.c checks every signature of OUT.pgp.vrec.
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
T_END = 1767225600            # 2026-01-01: expired ones end before this
SIG_TIME = CERT_START + CERT_SPAN + 86400   # the detached signature
DAY = 86400
ED25519_OID = bytes.fromhex("2b06010401da470f01")
ALGO = 22                     # EdDSA (legacy)
SHA256 = 8
DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org",
           "users.example.net", "example.edu", "corp.example", "test.example"]
REGEX_DOMAIN = "example.org"  # regex-scoped introducers vouch only for these
NROOTS = 3
P_PREF = 0.8                  # preferential attachment: chance per choice
P_BACK = 0.6                  # a certified key certifies the newcomer back
NEWCOMER_CERTS = (1, 1, 2, 2, 2, 3, 3, 4)
P_TSIG, P_EXPIRED, P_REVOKED = 0.03, 0.04, 0.03
VREC_MAX = 100000


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
    __slots__ = ("sk", "pub", "body", "framed", "fpr", "keyid", "uid", "uidpfx")

    def __init__(self, seed32, created, uid):
        self.sk = ed25519.Ed25519PrivateKey.from_private_bytes(seed32)
        self.pub = self.sk.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.body = (bytes([4]) + u32(created) + bytes([ALGO]) +
                     bytes([len(ED25519_OID)]) + ED25519_OID +
                     mpi(b"\x40" + self.pub))
        self.framed = b"\x99" + u16(len(self.body)) + self.body
        self.fpr = hashlib.sha1(self.framed).digest()
        self.keyid = self.fpr[-8:]
        self.uid = uid
        self.uidpfx = b"\xb4" + u32(len(uid)) + uid


def key_params(rng, i):
    """Key i's secret seed, creation time and user ID: the draws in this
    order, key after key, are all the seeded generator is used for before
    the web is drawn (genflood.py replays them)."""
    dom = DOMAINS[rng.randrange(len(DOMAINS))]
    uid = f"Synthetic User {i} <user{i}@{dom}>".encode()
    return rng.randbytes(32), T0 + rng.randrange(86400), uid


def make_keys(rng, n, want=None):
    """Keys 0..n-1 (only those in WANT, if given; None for the others)."""
    out = []
    for i in range(n):
        seed32, created, uid = key_params(rng, i)
        out.append(Key(seed32, created, uid)
                   if want is None or i in want else None)
    return out


def sign(signer, sigtype, created, prefix_hash, extra=b"", self_sig=False,
         sink=None):
    """A v4 signature packet by SIGNER: PREFIX_HASH is a SHA-256 object
    holding what precedes the signature's own fields in the hash."""
    hashed = subpacket(2, u32(created))
    if self_sig:
        hashed += subpacket(27, b"\x03")            # certify + sign
    hashed += extra
    hashed += subpacket(33, b"\x04" + signer.fpr)
    hp = bytes([4, sigtype, ALGO, SHA256]) + u16(len(hashed)) + hashed
    md = prefix_hash
    md.update(hp)
    md.update(b"\x04\xff" + u32(len(hp)))
    digest = md.digest()
    sig = signer.sk.sign(digest)                    # legacy EdDSA signs the hash
    if sink is not None and len(sink) < VREC_MAX:
        sink.append(signer.pub + digest + sig)
    unhashed = subpacket(16, signer.keyid)
    body = hp + u16(len(unhashed)) + unhashed + digest[:2] + \
        mpi(sig[:32]) + mpi(sig[32:])
    return packet(2, body)


def certification(signer, target, sigtype, created, extra=b"",
                  self_sig=False, sink=None):
    """A certification (0x10-0x13) or its revocation (0x30) by SIGNER
    over TARGET's key and user ID."""
    md = hashlib.sha256(target.framed)
    md.update(target.uidpfx)
    return sign(signer, sigtype, created, md, extra, self_sig, sink)


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

    keys = make_keys(rng, n)
    progress(f"{n} keys made")

    # Incoming certifications per target: issuer -> (extra hashed
    # subpackets, expires after SECONDS or 0, revoked after SECONDS or 0).
    incoming = [dict() for _ in range(n)]
    regex = "<[^>]+[@.]" + REGEX_DOMAIN.replace(".", "\\.") + ">$"
    for t in l1:
        for r in rng.sample(roots, rng.choice((1, 2))):
            incoming[t][r] = (tsig(2, 120 if rng.random() < 0.8 else 60), 0, 0)
    for t in l2:
        for s in rng.sample(l1, min(len(l1), rng.choice((1, 2)))):
            incoming[t][s] = (tsig(1, rng.choice((60, 120)),
                                   regex if rng.random() < 0.1 else None), 0, 0)
    for t in range(l2.stop, n):
        if rng.random() < 0.8:
            for s in rng.sample(l2, rng.choice((1, 2))):
                incoming[t].setdefault(s, (b"", 0, 0))
    backbone = sum(len(x) for x in incoming)

    # The scale-free web (see the top of this file).
    counts = {"trust_signatures": 0, "expired": 0, "revoked": 0}

    def web(s, t):
        if s == t or s in incoming[t]:
            return False
        x = rng.random()
        extra = tsig(1, 60) if x < P_TSIG else b""
        exp = rev = 0
        y = rng.random()
        if y < P_EXPIRED:
            exp = rng.randrange(30, 181) * DAY
        elif y < P_EXPIRED + P_REVOKED:
            rev = rng.randrange(1, 90) * DAY
        incoming[t][s] = (extra, exp, rev)
        return True

    order = list(range(n))
    rng.shuffle(order)
    targets = []                  # one entry per certification received
    core = order[:4]
    for s in core:
        for t in core:
            if web(s, t):
                targets.append(t)
    for j in range(len(core), n):
        t = order[j]
        want = rng.choice(NEWCOMER_CERTS)
        chosen = []
        for _ in range(50):
            if len(chosen) == want:
                break
            if rng.random() < P_PREF:
                c = targets[rng.randrange(len(targets))]
            else:
                c = order[rng.randrange(j)]
            if c != t and c not in chosen:
                chosen.append(c)
        for c in chosen:
            if web(t, c):
                targets.append(c)
            if rng.random() < P_BACK:
                web(c, t)
    progress("web drawn")

    nsigs = 0
    vrec = []
    ncert = nrevs = 0
    with open(a.out + ".tmp", "wb") as f:
        for i, k in enumerate(keys):
            out = [packet(6, k.body), packet(13, k.uid),
                   certification(k, k, 0x13, T0 + DAY - 1, self_sig=True,
                                 sink=vrec)]
            for s in sorted(incoming[i]):
                extra, exp, rev = incoming[i][s]
                created = CERT_START + rng.randrange(CERT_SPAN)
                if exp:
                    exp = min(exp, T_END - DAY - created)
                    extra += subpacket(3, u32(exp))
                    counts["expired"] += 1
                if extra.startswith(b"\x03\x05"):
                    counts["trust_signatures"] += 1
                out.append(certification(keys[s], k, 0x10, created, extra,
                                         sink=vrec))
                ncert += 1
                if rev:
                    out.append(certification(keys[s], k, 0x30, created + rev,
                                             subpacket(29, b"\x00"), sink=vrec))
                    counts["revoked"] += 1
                    nrevs += 1
            nsigs += len(out) - 2
            f.write(b"".join(out))
            if (i + 1) % 10000 == 0:
                progress(f"{i + 1} keys written")

    # A detached signature by an ordinary key a level-2 introducer
    # certified (so a path from the roots may reach it).
    signer = next((i for i in range(l2.stop, n)
                   if any(s in l2 for s in incoming[i])), n - 1)
    msg = rng.randbytes(4096)
    sig = sign(keys[signer], 0x00, SIG_TIME, hashlib.sha256(msg))
    with open(a.out + ".msg.tmp", "wb") as f:
        f.write(msg)
    with open(a.out + ".sig.tmp", "wb") as f:
        f.write(sig)
    with open(a.out + ".vrec.tmp", "wb") as f:
        f.write(b"".join(vrec))
    for ext in ("", ".msg", ".sig", ".vrec"):
        os.replace(a.out + ext + ".tmp", a.out + ext)

    # What to ask: a fixed sample of every kind, in a fixed order.
    qrng = random.Random(a.seed * 7919 + 1)
    sample = []
    for kd, rg, m in (("level1", l1, 3), ("level2", l2, 5),
                      ("ordinary", range(l2.stop, n), 12)):
        for i in sorted(qrng.sample(rg, min(m, len(rg)))):
            sample.append(i)
    indeg = sorted(len(x) for x in incoming)
    outdeg = [0] * n
    for x in incoming:
        for s in x:
            outdeg[s] += 1
    outdeg.sort()
    meta = {
        "keys": n, "seed": a.seed, "signatures": nsigs,
        "roots": [keys[r].fpr.hex().upper() for r in roots],
        "levels": {"level1": n1, "level2": n2},
        "counts": {"self_signatures": n, "certifications": ncert,
                   "backbone": backbone, "web": ncert - backbone,
                   "revocations": nrevs, **counts},
        "degree": {
            "in_median": indeg[n // 2], "in_p99": indeg[int(n * 0.99)],
            "in_max": indeg[-1], "out_max": outdeg[-1],
            "keys_certified_1000_times": sum(1 for d in indeg if d >= 1000),
            "in_top5": indeg[-5:][::-1],
        },
        "verify": {"signer": keys[signer].fpr.hex().upper(),
                   "userid": keys[signer].uid.decode(),
                   "message": os.path.basename(a.out) + ".msg",
                   "signature": os.path.basename(a.out) + ".sig"},
        "vrec": len(vrec),
        "queries": [{"fingerprint": keys[i].fpr.hex().upper(),
                     "userid": keys[i].uid.decode(), "kind": kind[i]}
                    for i in sample],
    }
    with open(a.out + ".json.tmp", "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(a.out + ".json.tmp", a.out + ".json")
    progress(f"wrote {a.out}: {n} keys, {nsigs} signatures")


if __name__ == "__main__":
    main()
