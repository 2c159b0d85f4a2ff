#!/usr/bin/env python3
"""Split a binary OpenPGP keyring into its keyblocks, byte for byte.

Used by roundtrip.sh and idempotence.sh to pick keys out of a real keyring
without passing them through gpg or weft first (so the test input is the
original bytes), and by interop-keyrings.sh to make malformed-but-legal
keyblocks.  A keyblock starts at each public-key (tag 6) packet; v4 only
(fingerprint SHA-1(0x99 || len16 || body)); secret keys are refused.
Binary input only (dearmor first: gpg --dearmor).

  pgpsplit.py list FILE              print "FPR" per keyblock, in file order
  pgpsplit.py pick FILE OUT FPR...   write the keyblocks of FPR... to OUT, in
                                     file order; exits 1 if one is missing
  pgpsplit.py sort FILE OUT          write the keyblocks to OUT sorted by
                                     fingerprint (stable for duplicates)
  pgpsplit.py each FILE DIR          write keyblock N to DIR/N.pgp (N from 1)
  pgpsplit.py dupsub FILE OUT        append another copy of the last subkey
                                     packet and all after it (its signatures;
                                     FILE is one keyblock, as gpg exports it)
  pgpsplit.py dupuid FILE OUT        insert a second copy of the first user ID
                                     packet and its signatures right after them
"""
import hashlib
import sys


def packets(data):
    """Yield (tag, body, packet_start, packet_end) per packet."""
    i = 0
    while i < len(data):
        start = i
        ctb = data[i]
        if not ctb & 0x80:
            raise SystemExit(f'bad CTB at offset {i}')
        if ctb & 0x40:  # new format
            tag = ctb & 0x3f
            i += 1
            body = bytearray()
            while True:
                o = data[i]
                if o < 192:
                    ln, i = o, i + 1
                    partial = False
                elif o < 224:
                    ln, i = ((o - 192) << 8) + data[i + 1] + 192, i + 2
                    partial = False
                elif o == 255:
                    ln, i = int.from_bytes(data[i + 1:i + 5], 'big'), i + 5
                    partial = False
                else:
                    ln, i = 1 << (o & 0x1f), i + 1
                    partial = True
                body += data[i:i + ln]
                i += ln
                if not partial:
                    break
            yield tag, bytes(body), start, i
        else:  # old format
            tag = (ctb >> 2) & 0xf
            lt = ctb & 3
            if lt == 3:
                raise SystemExit('indeterminate length packet not supported')
            n = 1 << lt
            ln = int.from_bytes(data[i + 1:i + 1 + n], 'big')
            b = i + 1 + n
            yield tag, data[b:b + ln], start, b + ln
            i = b + ln


def blocks(data):
    """Return [(fpr, bytes)] per keyblock."""
    out = []
    for tag, body, s, e in packets(data):
        if tag in (5, 6):
            if body[0] != 4:
                raise SystemExit(f'v{body[0]} key at offset {s}: only v4')
            pub = body if tag == 6 else None
            if pub is None:
                raise SystemExit('secret keys not supported')
            h = hashlib.sha1(b'\x99' + len(pub).to_bytes(2, 'big') + pub)
            out.append([h.hexdigest().upper(), s, e])
        elif out:
            out[-1][2] = e
    return [(f, data[s:e]) for f, s, e in out]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    data = open(path, 'rb').read()
    bl = blocks(data)
    if mode == 'list':
        for f, _ in bl:
            print(f)
    elif mode == 'pick':
        want = {f.upper() for f in sys.argv[4:]}
        got = [(f, b) for f, b in bl if f in want]
        with open(sys.argv[3], 'wb') as o:
            for _, b in got:
                o.write(b)
        missing = want - {f for f, _ in got}
        if missing:
            print('missing: ' + ' '.join(sorted(missing)), file=sys.stderr)
            sys.exit(1)
    elif mode == 'sort':
        with open(sys.argv[3], 'wb') as o:
            for _, b in sorted(bl, key=lambda x: x[0]):
                o.write(b)
    elif mode == 'each':
        for n, (_, b) in enumerate(bl, 1):
            with open(f'{sys.argv[3]}/{n}.pgp', 'wb') as o:
                o.write(b)
    elif mode == 'dupsub':
        pk = list(packets(data))
        last = max(n for n, p in enumerate(pk) if p[0] == 14)
        with open(sys.argv[3], 'wb') as o:
            o.write(data + data[pk[last][2]:])
    elif mode == 'dupuid':
        pk = list(packets(data))
        first = next(n for n, p in enumerate(pk) if p[0] == 13)
        end = next((n for n, p in enumerate(pk) if n > first and p[0] != 2),
                   len(pk))
        cut = pk[end - 1][3]
        with open(sys.argv[3], 'wb') as o:
            o.write(data[:cut] + data[pk[first][2]:cut] + data[cut:])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
