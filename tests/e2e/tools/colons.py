#!/usr/bin/env python3
"""Normalise gpg, weft and sq listings into sorted, comparable lines.

Used by the interop e2e tests (interop-keyrings.sh, roundtrip.sh).  Every
mode reads standard input and prints one fact per line, sorted and
de-duplicated, each line starting with the primary key's fingerprint so a
difference always names the key:

  colons.py gpg-keys   < gpg --with-colons --list-keys|--show-keys output
  colons.py weft-keys  < weft --json list output
      FPR pub
      FPR uid USERID          (gpg field 10 with its \\xNN escapes undone)
      FPR uat LEN             (gpg "1 LEN"; weft "[attribute of LEN bytes]")
      FPR sub SUBKEY-FPR
    Sets, not lists: gpg 2.2 keeps a duplicated subkey twice, weft once.

  colons.py gpg-sigs   < gpg --with-colons --check-sigs output
      FPR<TAB>COMPONENT<TAB>ISSUER-KEYID<TAB>CLASS<TAB>CREATED<TAB>FLAG
    COMPONENT is "key" (direct-key sigs and key revocations), "uid:USERID",
    "uat:RIPEMD160" or "sub:SUBKEY-FPR"; FLAG is gpg's check result
    (! good, - bad, % error, ? issuer missing).  Both sig and rev records.

  colons.py sq-inspect < sq inspect output
      FPR uid USERID | FPR sub SUBKEY-FPR, each followed by the status lines
      sq printed for it (Invalid/Revoked/Expired ...), joined with " / ".

  colons.py diff A B
    Compares two files of the above lines; prints "FPR: -line +line ..."
    per differing key (at most 12 keys) and exits 1 when they differ.
"""
import json
import re
import sys


def unescape(s):
    """Undo gpg's es_write_sanitized escaping (\\xNN, \\n, \\\\ ...)."""
    simple = {'n': b'\n', 'r': b'\r', 'f': b'\f', 'v': b'\v', 'b': b'\b',
              '0': b'\0', '\\': b'\\'}
    out = bytearray()
    raw = s.encode('utf-8', 'surrogateescape')
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5c and i + 1 < len(raw):
            n = chr(raw[i + 1])
            if n == 'x' and re.fullmatch(rb'[0-9a-fA-F]{2}', raw[i + 2:i + 4]):
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            if n in simple:
                out += simple[n]
                i += 2
                continue
        out.append(c)
        i += 1
    return out.decode('utf-8', 'replace')


def show(s):
    """One line per fact: make control characters visible."""
    return s.encode('unicode_escape').decode('ascii') if any(
        ord(c) < 32 for c in s) else s


def gpg_keys(lines):
    out = set()
    fpr = None
    want_fpr = None  # 'pub' or 'sub' awaiting its fpr record
    for line in lines:
        f = line.rstrip('\n').split(':')
        t = f[0]
        if t in ('pub', 'sub'):
            want_fpr = t
        elif t == 'fpr' and want_fpr:
            if want_fpr == 'pub':
                fpr = f[9]
                out.add(f'{fpr} pub')
            else:
                out.add(f'{fpr} sub {f[9]}')
            want_fpr = None
        elif t == 'uid':
            out.add(f'{fpr} uid {show(unescape(f[9]))}')
        elif t == 'uat':
            n, ln = f[9].split(' ')
            out.add(f'{fpr} uat {ln}' if n == '1' else f'{fpr} uat {f[9]}')
    return out


def weft_keys(text):
    out = set()
    for k in json.loads(text)['keys']:
        fpr = k['fingerprint']
        out.add(f'{fpr} pub')
        for u in k['userids']:
            if u['attribute']:
                m = re.fullmatch(r'\[attribute of (\d+) bytes\]', u['uid'])
                out.add(f'{fpr} uat {m.group(1) if m else u["uid"]}')
            else:
                out.add(f'{fpr} uid {show(u["uid"])}')
        for s in k['subkeys']:
            out.add(f'{fpr} sub {s["fingerprint"]}')
    return out


def gpg_sigs(lines):
    out = set()
    fpr = comp = None
    want_fpr = None
    for line in lines:
        f = line.rstrip('\n').split(':')
        t = f[0]
        if t in ('pub', 'sub'):
            want_fpr = t
        elif t == 'fpr' and want_fpr:
            if want_fpr == 'pub':
                fpr, comp = f[9], 'key'
            else:
                comp = 'sub:' + f[9]
            want_fpr = None
        elif t == 'uid':
            comp = 'uid:' + show(unescape(f[9]))
        elif t == 'uat':
            comp = 'uat:' + f[7]
        elif t in ('sig', 'rev'):
            out.add('\t'.join([fpr, comp, f[4], f[10], f[5], f[1]]))
    return out


def sq_inspect(lines):
    out = set()
    fpr = None
    cur = None  # [prefix, statuses]

    def flush():
        if cur:
            out.add(cur[0] + ''.join(' / ' + s for s in cur[1]))
    for line in lines:
        s = line.strip()
        m = re.match(r'(Fingerprint|Subkey|UserID|UserAttribute): (.*)', s)
        if m:
            flush()
            cur = None
            kind, val = m.groups()
            if kind == 'Fingerprint':
                fpr = val
                out.add(f'{fpr} pub')
            else:
                cur = [f'{fpr} {kind.lower()} {val}', []]
        elif cur and re.match(r'(Invalid|Revoked|Expired|Expiration)', s):
            cur[1].append(s)
        elif re.match(r'(Public-key algo|Certifications|OpenPGP)', s):
            flush()
            cur = None
    flush()
    return out


def diff(a, b):
    la = set(open(a, encoding='utf-8', errors='surrogateescape').read().splitlines())
    lb = set(open(b, encoding='utf-8', errors='surrogateescape').read().splitlines())
    per = {}
    for sign, lines in (('-', la - lb), ('+', lb - la)):
        for line in lines:
            key, _, rest = line.replace('\t', ' ').partition(' ')
            per.setdefault(key, []).append(f'{sign}{rest}')
    if not per:
        return 0
    keys = sorted(per)
    print(f'{len(keys)} key(s) differ: ' + '; '.join(
        f'{k}: ' + ', '.join(sorted(per[k])) for k in keys[:12])
        + (' ...' if len(keys) > 12 else ''))
    return 1


def main():
    mode = sys.argv[1]
    if mode == 'diff':
        sys.exit(diff(sys.argv[2], sys.argv[3]))
    sys.stdin.reconfigure(errors='surrogateescape')
    data = sys.stdin.read()
    fn = {'gpg-keys': gpg_keys, 'gpg-sigs': gpg_sigs,
          'sq-inspect': sq_inspect}.get(mode)
    res = weft_keys(data) if mode == 'weft-keys' else fn(data.splitlines())
    sys.stdout.reconfigure(errors='surrogateescape')
    for line in sorted(res):
        print(line)


if __name__ == '__main__':
    main()
