#!/usr/bin/env python3
"""make-synthetic.py - build the syn-* fixtures of tests/data/crypto/.

Keys and signatures that gpg 2.2.40 and sq 0.27 cannot make (v3
signatures, v6 Ed448/X448, native Ed25519 in a v4 key, secp256k1 and
brainpoolP384r1/P512r1 ECDSA, SHA-224/384, SHA3 and weak hashes), made with
Python's `cryptography` package (OpenSSL 3) and the packet layout and
hashing of RFC 9580 written out here, independently of weft's code.

Run from this directory:  python3 make-synthetic.py
It overwrites the syn-* files (with new random keys) and prints, for every
key, the fingerprint and key ID it computed.  See README for how the
outputs were then checked with gpg.
"""
import hashlib
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, x448
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives import serialization

CREATED = 1700000000          # 2023-11-14, fixed so key IDs only change with keys
DATA = open("data.txt", "rb").read()

HASHES = {  # OpenPGP id: (hashlib name, cryptography class)
    1: ("md5", hashes.MD5), 2: ("sha1", hashes.SHA1), 3: ("ripemd160", None),
    8: ("sha256", hashes.SHA256), 9: ("sha384", hashes.SHA384),
    10: ("sha512", hashes.SHA512), 11: ("sha224", hashes.SHA224),
    12: ("sha3_256", hashes.SHA3_256), 14: ("sha3_512", hashes.SHA3_512),
}
SALT = {8: 16, 11: 16, 12: 16, 9: 24, 10: 32, 14: 32}

OID = {
    "secp256k1": bytes.fromhex("2b8104000a"),
    "brainpoolP384r1": bytes.fromhex("2b240303020801010b"),
    "brainpoolP512r1": bytes.fromhex("2b240303020801010d"),
}
CURVE = {"secp256k1": ec.SECP256K1, "brainpoolP384r1": ec.BrainpoolP384R1,
         "brainpoolP512r1": ec.BrainpoolP512R1}


def u16(n): return struct.pack(">H", n)
def u32(n): return struct.pack(">I", n)


def mpi(b):
    b = b.lstrip(b"\0")
    bits = len(b) * 8 - (8 - b[0].bit_length()) if b else 0
    return u16(bits) + b


def mpi_int(n):
    return mpi(n.to_bytes((n.bit_length() + 7) // 8 or 1, "big"))


def packet(tag, body):
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
    def __init__(self, version, algo, material, signer, tag=6):
        self.version, self.algo, self.material, self.signer = version, algo, material, signer
        self.tag = tag
        if version == 6:
            self.body = bytes([6]) + u32(CREATED) + bytes([algo]) + u32(len(material)) + material
        else:
            self.body = bytes([4]) + u32(CREATED) + bytes([algo]) + material

    def framed(self):
        if self.version == 6:
            return b"\x9b" + u32(len(self.body)) + self.body
        return b"\x99" + u16(len(self.body)) + self.body

    def fpr(self):
        if self.version == 6:
            return hashlib.sha256(self.framed()).digest()
        return hashlib.sha1(self.framed()).digest()

    def keyid(self):
        return self.fpr()[:8] if self.version == 6 else self.fpr()[-8:]

    def packet(self):
        return packet(self.tag, self.body)


def new_hash(h):
    return hashlib.new(HASHES[h][0])


def sign_values(key, h, digest):
    """The algorithm-specific signature fields."""
    s = key.signer
    if key.algo == 1:
        return mpi(s.sign(digest, padding.PKCS1v15(), Prehashed(HASHES[h][1]())))
    if key.algo == 19:
        r, ss = decode_dss_signature(s.sign(digest, ec.ECDSA(Prehashed(HASHES[h][1]()))))
        return mpi_int(r) + mpi_int(ss)
    if key.algo in (27, 28):
        return s.sign(digest)     # native r || s
    raise ValueError(key.algo)


def make_sig(version, sigtype, key, h, prefix, issuer_fpr=True, salt=None):
    """A v4/v6 signature by KEY over PREFIX (the framed key(s)/uid, or
    data); returns the packet."""
    hashed = subpacket(2, u32(CREATED + 60))
    if issuer_fpr:
        hashed += subpacket(33, bytes([key.version]) + key.fpr())
    if version == 6:
        hashed_part = bytes([6, sigtype, key.algo, h]) + u32(len(hashed)) + hashed
        unhashed = b""
        salt = salt if salt is not None else __import__("os").urandom(SALT[h])
    else:
        hashed_part = bytes([4, sigtype, key.algo, h]) + u16(len(hashed)) + hashed
        unhashed = subpacket(16, key.keyid())
    md = new_hash(h)
    if version == 6:
        md.update(salt)
    md.update(prefix)
    md.update(hashed_part)
    md.update(bytes([version, 0xff]) + u32(len(hashed_part)))
    digest = md.digest()
    vals = sign_values(key, h, digest)
    if version == 6:
        body = hashed_part + u32(len(unhashed)) + unhashed + digest[:2] + \
            bytes([len(salt)]) + salt + vals
    else:
        body = hashed_part + u16(len(unhashed)) + unhashed + digest[:2] + vals
    return packet(2, body)


def make_v3_sig(sigtype, key, h, prefix):
    """A v3 signature: hashes PREFIX then type and creation time only."""
    created = CREATED + 120
    hashed_part = bytes([sigtype]) + u32(created)
    md = new_hash(h)
    md.update(prefix)
    md.update(hashed_part)
    digest = md.digest()
    vals = sign_values(key, h, digest)
    body = bytes([3, 5]) + hashed_part + key.keyid() + bytes([key.algo, h]) + digest[:2] + vals
    return packet(2, body)


def uid_prefix(version, uid):
    if version == 3:
        return uid
    return b"\xb4" + u32(len(uid)) + uid


def show(name, *keys):
    for k in keys:
        print(f"{name}: v{k.version} algo {k.algo} fpr {k.fpr().hex().upper()} keyid {k.keyid().hex().upper()}")


def rsa_key():
    sk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pn = sk.public_key().public_numbers()
    return Key(4, 1, mpi_int(pn.n) + mpi_int(pn.e), sk)


def ecdsa_key(curve):
    sk = ec.generate_private_key(CURVE[curve]())
    q = sk.public_key().public_bytes(serialization.Encoding.X962,
                                     serialization.PublicFormat.UncompressedPoint)
    return Key(4, 19, bytes([len(OID[curve])]) + OID[curve] + mpi(q), sk)


def raw_pub(sk):
    return sk.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)


def main():
    # 1. RSA: v4 key, v4 and v3 certifications, v3 and v4 data signatures
    #    with every hash.
    k = rsa_key()
    uid = b"Synthetic RSA <syn-rsa@example.org>"
    out = k.packet() + packet(13, uid)
    out += make_sig(4, 0x13, k, 10, k.framed() + uid_prefix(4, uid))
    out += make_v3_sig(0x10, k, 8, k.framed() + uid_prefix(3, uid))
    open("syn-rsa.pgp", "wb").write(out)
    open("syn-rsa-v3-data.sig", "wb").write(make_v3_sig(0x00, k, 8, DATA))
    for h in (1, 2, 3, 11, 9, 12, 14):
        if h == 3:
            # RIPEMD-160 PKCS#1: cryptography has no RIPEMD160 hash
            # object for Prehashed; sign the DigestInfo ourselves.
            md = new_hash(3)
            hashed = subpacket(2, u32(CREATED + 60)) + subpacket(33, b"\x04" + k.fpr())
            hp = bytes([4, 0x00, 1, 3]) + u16(len(hashed)) + hashed
            md.update(DATA + hp + b"\x04\xff" + u32(len(hp)))
            digest = md.digest()
            info = bytes.fromhex("3021300906052b2403020105000414") + digest
            n = k.signer.private_numbers()
            em_len = (n.public_numbers.n.bit_length() + 7) // 8
            em = b"\x00\x01" + b"\xff" * (em_len - len(info) - 3) + b"\x00" + info
            s = pow(int.from_bytes(em, "big"), n.d, n.public_numbers.n)
            body = hp + u16(10) + subpacket(16, k.keyid()) + digest[:2] + mpi_int(s)
            sig = packet(2, body)
        else:
            sig = make_sig(4, 0x00, k, h, DATA)
        open(f"syn-rsa-{HASHES[h][0].replace('_', '-')}.sig", "wb").write(sig)
    show("syn-rsa", k)

    # 2. ECDSA on the curves gpg does not generate by default.
    for curve, h in (("secp256k1", 8), ("brainpoolP384r1", 9), ("brainpoolP512r1", 10)):
        k = ecdsa_key(curve)
        uid = f"Synthetic {curve} <syn-{curve}@example.org>".encode()
        out = k.packet() + packet(13, uid)
        out += make_sig(4, 0x13, k, h, k.framed() + uid_prefix(4, uid))
        open(f"syn-{curve}.pgp", "wb").write(out)
        open(f"syn-{curve}-data.sig", "wb").write(make_sig(4, 0x00, k, h, DATA))
        show(f"syn-{curve}", k)

    # 3. v6 Ed448 primary with an X448 subkey: direct-key signature,
    #    certification (SHA3-512), subkey binding; a v6 data signature.
    sk = ed448.Ed448PrivateKey.generate()
    k = Key(6, 28, raw_pub(sk), sk)
    xk = x448.X448PrivateKey.generate()
    sub = Key(6, 26, raw_pub(xk), None, tag=14)
    uid = b"Synthetic Ed448 <syn-ed448@example.org>"
    out = k.packet()
    out += make_sig(6, 0x1f, k, 10, k.framed())
    out += packet(13, uid)
    out += make_sig(6, 0x13, k, 14, k.framed() + uid_prefix(6, uid))
    out += sub.packet()
    out += make_sig(6, 0x18, k, 10, k.framed() + sub.framed())
    open("syn-v6-ed448.pgp", "wb").write(out)
    open("syn-v6-ed448-data.sig", "wb").write(make_sig(6, 0x00, k, 10, DATA, salt=None))
    show("syn-v6-ed448", k, sub)

    # 4. A v4 key of the native Ed25519 algorithm (27), which RFC 9580
    #    allows, with an Ed25519 subkey and its back-signature.
    sk = ed25519.Ed25519PrivateKey.generate()
    k = Key(4, 27, raw_pub(sk), sk)
    uid = b"Synthetic Ed25519 <syn-ed25519@example.org>"
    out = k.packet() + packet(13, uid)
    out += make_sig(4, 0x13, k, 8, k.framed() + uid_prefix(4, uid))
    open("syn-v4-ed25519.pgp", "wb").write(out)
    show("syn-v4-ed25519", k)


if __name__ == "__main__":
    main()
