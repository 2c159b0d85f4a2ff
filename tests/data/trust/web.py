#!/usr/bin/env python3
"""web.py HOME BASE - build a small web of trust with gpg in HOME.

Every key is made at BASE (Unix seconds) and every signature later, one
hour apart, with --faked-system-time, so that the web is the same whatever
day it is made on; evaluate it at BASE + 100 days (or later: nothing in it
expires after BASE + 40 days).  Ownertrust is set at the end (the
generated keys' automatic "ultimate" is dropped first).  Prints one line
per key: NAME FINGERPRINT.

Used by make.sh (the fixtures of tests/unit/trust/gnupg-web.c) and by
tests/e2e/gnupg-model.sh (live against gpg).  README describes each key.
"""
import os
import subprocess
import sys

HOME, BASE = sys.argv[1], int(sys.argv[2])
DAY = 86400
clock = [BASE]
GPG = ['gpg', '--homedir', HOME, '--batch', '--no-tty', '--pinentry-mode',
       'loopback', '--passphrase', '', '--no-auto-check-trustdb',
       '--trust-model', 'pgp']


def tick(days=0):
    """The next moment: an hour after the last one, or DAYS later."""
    clock[0] += days * DAY if days else 3600
    return clock[0]


def gpg(args, t=None, inp=None):
    cmd = list(GPG)
    if t is not None:
        cmd += ['--faked-system-time', '%d!' % t]
    r = subprocess.run(cmd + args, input=inp, capture_output=True,
                       text=True)
    if r.returncode:
        sys.exit('gpg %s failed: %s' % (' '.join(args), r.stderr))
    return r.stdout


def edit(signer, target, cmds, answers, t, extra=()):
    """Drive --edit-key: CMDS at the menu, ANSWERS by status keyword."""
    cmd = list(GPG) + ['--faked-system-time', '%d!' % t, '--command-fd',
                       '0', '--status-fd', '1'] + list(extra)
    if signer:
        cmd += ['-u', signer]
    p = subprocess.Popen(cmd + ['--edit-key', target], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    queue = list(cmds) + ['save']
    asked = 0
    for line in p.stdout:
        if not line.startswith('[GNUPG:] GET_'):
            continue
        asked += 1
        if asked > 50:
            p.kill()
            sys.exit('edit-key %s: too many prompts' % target)
        kw = line.split()[2]
        if kw == 'keyedit.prompt':
            ans = queue.pop(0) if queue else 'quit'
        else:
            ans = answers.get(kw, 'y')
        p.stdin.write(ans + '\n')
        p.stdin.flush()
    if p.wait():
        sys.exit('edit-key %s %s failed' % (target, cmds))


keys = {}


def key(name, uid=None):
    uid = uid or '%s <%s@example.org>' % (name, name)
    gpg(['--quick-gen-key', uid, 'ed25519', 'cert', 'never'], t=BASE)
    out = gpg(['--with-colons', '--list-keys', '=' + uid])
    keys[name] = [l.split(':')[9] for l in out.splitlines()
                  if l.startswith('fpr:')][0]
    return keys[name]


def sign(signer, target, local=True, level=None, expire=None, uids=(),
         weak=False):
    args = ['-u', keys[signer], '--force-sign-key']
    if level is not None:
        args += ['--default-cert-level', str(level)]
    if expire:
        args += ['--default-cert-expire', expire]
    if weak:
        args += ['--allow-weak-key-signatures', '--cert-digest-algo', 'SHA1']
    args += ['--quick-lsign-key' if local else '--quick-sign-key',
             keys[target]] + list(uids)
    gpg(args, t=tick())


def tsign(signer, target, value, depth, domain='', local=False):
    # value: 1 = marginal (60), 2 = full (120)
    edit(keys[signer], keys[target], [('l' if local else '') + 'tsign'],
         {'trustsig_prompt.trust_value': str(value),
          'trustsig_prompt.trust_depth': str(depth),
          'trustsig_prompt.trust_regexp': domain}, tick())


def nrsign(signer, target):
    edit(keys[signer], keys[target], ['nrlsign'], {}, tick(),
         ['--force-sign-key'])


def revsig(signer, target):
    gpg(['--quick-revoke-sig', keys[target], keys[signer]], t=tick())


# The ultimately trusted keys.
for n in ('u', 'u2', 'r0'):
    key(n)
# 1. A chain of full introducers: u > a > b > c > d > e > f.
for n in 'abcdef':
    key(n)
sign('u', 'a')
for x, y in zip('abcde', 'bcdef'):
    sign(x, y, local=False)
# 2. Marginal introducers: m1..m3 lsigned by u; t2 by two, t3 by three.
for n in ('m1', 'm2', 'm3', 't2', 't3', 'p', 't4', 't5'):
    key(n)
for n in ('m1', 'm2', 'm3', 'p'):
    sign('u', n)
sign('m1', 't2', local=False)
sign('m2', 't2', local=False)
for n in ('m1', 'm2', 'm3'):
    sign(n, 't3', local=False)
# t4: two full signers; t5: a full and a marginal one.
sign('a', 't4', local=False)
sign('p', 't4', local=False)
sign('a', 't5', local=False)
sign('m1', 't5', local=False)
# 3. Counts carry over from one depth to the next: m4 is valid at depth
#    1 (via a), m5 at depth 2 (via b); t6 is signed by m1, m4 and m5.
for n in ('m4', 'm5', 't6'):
    key(n)
sign('a', 'm4', local=False)
sign('b', 'm5', local=False)
for n in ('m1', 'm4', 'm5'):
    sign(n, 't6', local=False)
# 4. Certification levels 0..3 by u.
for lv in range(4):
    key('l%d' % lv)
    sign('u', 'l%d' % lv, level=lv)
# 5. Signers without usable ownertrust: q (none), n (never); a disabled
#    full introducer x.
for n in ('q', 'r', 'n', 's', 'x', 'y'):
    key(n)
for n in ('q', 'n', 'x'):
    sign('u', n)
sign('q', 'r', local=False)
sign('n', 's', local=False)
sign('x', 'y', local=False)
# 6. Trust signatures: u tsigns g (full, depth 2); g signs h and tsigns i
#    (marginal, depth 1); i signs j and tsigns j2 (depth 1, beyond what
#    it has left).
for n in ('g', 'h', 'i', 'j', 'j2'):
    key(n)
tsign('u', 'g', 2, 2)
sign('g', 'h', local=False)
tsign('g', 'i', 1, 1)
sign('i', 'j', local=False)
tsign('i', 'j2', 2, 1)
# 7. A regex-scoped trust signature: u tsigns k for corp.example; k
#    signs a matching user ID, a foreign one, and a bare address.
key('k')
key('kb', 'Bob <bob@corp.example>')
key('kB', 'Bob Upper <BOB@CORP.EXAMPLE>')
key('ke', 'Eve <eve@other.example>')
key('kc', 'carol@corp.example')
tsign('u', 'k', 2, 1, 'corp.example')
for n in ('kb', 'kB', 'ke', 'kc'):
    sign('k', n, local=False)
# 8. Which certification counts: a newer expired one hides an older one;
#    a revocation kills; a newer certification revives; a non-revocable
#    one survives its revocation.
for n in ('ex', 'rv', 'rv2', 'nr'):
    key(n)
sign('u', 'ex')
sign('u', 'ex', expire='1d')
sign('u', 'rv')
revsig('u', 'rv')
sign('u', 'rv2')
revsig('u', 'rv2')
sign('u', 'rv2')
nrsign('u', 'nr')
revsig('u', 'nr')
# 9. Key and user ID states: an expired key, a revoked key, a revoked
#    user ID, a SHA-1 certification after 2019-01-19.
for n in ('ek', 'rk', 'ru', 's1', 'w', 'z', 'lone'):
    key(n)
gpg(['--quick-add-uid', keys['ru'], 'ru second <ru2@example.org>'],
    t=tick())
sign('u', 'ek')
gpg(['--quick-set-expire', keys['ek'], 'seconds=%d' % (10 * DAY)],
    t=tick())
sign('u', 'rk')
sign('u', 'ru')
gpg(['--quick-revoke-uid', keys['ru'], 'ru second <ru2@example.org>'],
    t=tick())
sign('u', 's1', weak=True)
# 10. A disabled ultimate key u2 and a revoked ultimate key r0.
sign('u2', 'z')
sign('r0', 'w')
for n in ('rk', 'r0'):
    rev = open(os.path.join(HOME, 'openpgp-revocs.d', keys[n] + '.rev'))
    gpg(['--import'], t=tick(), inp=''.join(l[1:] if l.startswith(':')
                                            else l for l in rev))

# Ownertrust: drop the automatic values, then set ours.
os.unlink(os.path.join(HOME, 'trustdb.gpg'))
trust = {'u': 6, 'u2': 134, 'r0': 6, 'x': 133, 'n': 3}
trust.update({n: 5 for n in ('a', 'b', 'c', 'd', 'e', 'p')})
trust.update({n: 4 for n in ('m1', 'm2', 'm3', 'm4', 'm5')})
gpg(['--import-ownertrust'],
    inp=''.join('%s:%d:\n' % (keys[n], v) for n, v in trust.items()))
for n in sorted(keys):
    print(n, keys[n])
