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
    (! good, - bad, % error, ? issuer missing); for % the error follows,
    e.g. "% [Invalid digest algorithm]".  Both sig and rev records.

  colons.py sq-inspect < sq inspect output
      FPR uid USERID | FPR sub SUBKEY-FPR, each followed by the status lines
      sq printed for it (Invalid/Revoked/Expired ...), joined with " / ";
      " at time <now>" is cut from them.

  colons.py sigcmp A B
    A and B are gpg-sigs outputs: A from the original keyring imported into
    gpg, B from weft's export of it imported into gpg.  Prints one line per
    violated rule and exits 1 if any:
      lost:    a signature A has and gpg does not mark bad (! or ?) is
               missing from B;
      bad:     B has a signature gpg marks bad (-);
      policy:  B has a % signature other than gpg's SHA-1 policy refusal
               "[Invalid digest algorithm]" (which gpg keeps too);
      extra:   B has a signature (with that flag) A does not have.
    A's - and % signatures may be absent from B: weft drops third-party
    certifications that fail against an issuer in the keyring, and ones
    in a place gpg also refuses ("[Invalid signature class]").

  colons.py diff A B
    Compares two files of the above lines; prints "FPR: -line, +line ..."
    per differing key (8 keys, 3 lines each at most) and exits 1 when
    they differ.
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
            flag = f[1] + (' ' + f[9].strip() if f[1] == '%' else '')
            out.add('\t'.join([fpr, comp, f[4], f[10], f[5], flag]))
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
            cur[1].append(re.sub(r' at time \S+', '', s))
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

    def one(k):
        v = sorted(per[k])
        more = f' (+{len(v) - 3} more)' if len(v) > 3 else ''
        return f'{k}: ' + ', '.join(v[:3]) + more
    print(f'{len(keys)} key(s) differ: ' + '; '.join(map(one, keys[:8]))
          + (' ...' if len(keys) > 8 else ''))
    return 1


def sigcmp(a, b):
    rd = lambda p: set(open(p, encoding='utf-8',
                            errors='surrogateescape').read().splitlines())
    la, lb = rd(a), rd(b)
    flag = lambda line: line.split('\t')[5]
    rules = [
        ('lost', {x for x in la if flag(x) in '!?'} - lb),
        ('bad', {x for x in lb if flag(x) == '-'}),
        ('policy', {x for x in lb if flag(x).startswith('%') and
                    flag(x) != '% [Invalid digest algorithm]'}),
        ('extra', lb - la),
    ]
    bad = 0
    for name, lines in rules:
        if lines:
            bad = 1
            keys = sorted({x.split('\t')[0] for x in lines})
            ex = sorted(lines)[:3]
            print(f'{name}: {len(lines)} sig(s) on {len(keys)} key(s) '
                  f'{" ".join(keys[:8])}{" ..." if len(keys) > 8 else ""}'
                  f' e.g. {" | ".join(x.replace(chr(9), " ") for x in ex)}')
    return bad


def main():
    mode = sys.argv[1]
    if mode in ('diff', 'sigcmp'):
        fn = diff if mode == 'diff' else sigcmp
        sys.exit(fn(sys.argv[2], sys.argv[3]))
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
