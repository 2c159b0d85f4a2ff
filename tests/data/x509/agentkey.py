#!/usr/bin/env python3
# agentkey.py KEY.pem: the secret key (RSA, ECDSA P-256/384/521, Ed25519)
# as gpg-agent keeps it unprotected (a canonical S-expression), for
# private-keys-v1.d/KEYGRIP.key.  Used by make.sh and tests/e2e/x509.sh.
import re, subprocess, sys

def fields(path):
    out = subprocess.run(["openssl", "pkey", "-in", path, "-text", "-noout"],
                         capture_output=True, text=True, check=True).stdout
    d, cur = {}, None
    for line in out.splitlines()[1:]:
        m = re.match(r'^(\w[\w ]*):\s*(.*)$', line)
        if m and not line.startswith(' '):
            cur = m.group(1)
            d[cur] = m.group(2).strip()
        elif cur:
            d[cur] += line.strip()
    return d

def num(s):
    s = s.split('(')[0].strip()
    return int(s) if re.fullmatch(r'\d+', s) else int(s.replace(':', ''), 16)

def octets(s):
    return bytes.fromhex(s.replace(':', ''))

def atom(b):
    b = b.encode() if isinstance(b, str) else b
    return str(len(b)).encode() + b':' + b

def mpi(n):
    b = n.to_bytes((n.bit_length() + 7) // 8 or 1, 'big')
    return b'\0' + b if b[0] & 0x80 else b

def lst(*items):
    return b'(' + b''.join(items) + b')'

def pair(name, value):
    return lst(atom(name), atom(value))

d = fields(sys.argv[1])
if 'modulus' in d:
    n, e, dd = num(d['modulus']), num(d['publicExponent']), num(d['privateExponent'])
    p, q = num(d['prime1']), num(d['prime2'])
    if p > q:
        p, q = q, p
    s = lst(atom('private-key'), lst(atom('rsa'), pair('n', mpi(n)), pair('e', mpi(e)),
            pair('d', mpi(dd)), pair('p', mpi(p)), pair('q', mpi(q)),
            pair('u', mpi(pow(p, -1, q)))))
elif 'ASN1 OID' in d:
    curve = {'prime256v1': 'NIST P-256', 'secp384r1': 'NIST P-384',
             'secp521r1': 'NIST P-521'}[d['ASN1 OID']]
    s = lst(atom('private-key'), lst(atom('ecc'), pair('curve', curve),
            pair('q', octets(d['pub'])), pair('d', octets(d['priv']))))
else:
    s = lst(atom('private-key'), lst(atom('ecc'), pair('curve', 'Ed25519'),
            lst(atom('flags'), atom('eddsa')), pair('q', b'\x40' + octets(d['pub'])),
            pair('d', octets(d['priv']))))
sys.stdout.buffer.write(s)
