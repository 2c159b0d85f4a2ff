#!/bin/bash
# keys-gpg-sq.sh - keys made by gpg 2.2 and sq 0.27, and the RFC 9580
# sample certificates, imported into weft and compared field by field.
#
# For every key made here, `weft --json list` must agree with what the
# tool that made it says: the gpg colon listing (gpg --with-colons) or
# `sq inspect`.  Compared: fingerprint, key ID, algorithm, bits, curve,
# creation and expiry time (RFC 3339), own capabilities, the revoked and
# expired flags of every subkey and user ID, and the key's validity
# ("revoked", "expired", else "unknown": these tests set no roots).
#
# Keys (all generated at test time, nothing stored):
#   gpg  Rsa Gpg   rsa3072 [SC] 2y; rsa2048 [E] 1y; rsa2048 [S] 1y
#        Ed Gpg    ed25519 [SC]; cv25519 [E] (expiry set with
#                  --quick-set-expire); ed25519 [A] 1y; ed25519 [S]
#                  revoked with --edit-key revkey; a second user ID revoked
#                  with --quick-revoke-uid
#        P256 Gpg  nistp256 [SC] 1y; nistp256 [E] 1y; later revoked by a
#                  revocation certificate from --gen-revoke
#        Old/Gone  made with --faked-system-time 2020: an expired subkey,
#                  an expired primary
#   sq   rsa3k (later revoked by the .rev file sq writes), cv25519 with a
#        revoked user ID and a revoked subkey (sq revoke), and one created
#        in 2020 that expired in 2021.  sq 0.27 has no NIST cipher suite;
#        the P-256 key comes from gpg.
#   RFC 9580 Appendix A: v6 certificate, v6 secret keys, v4 Ed25519 legacy.
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$(dirname "$0")/../data/rfc9580" && pwd)
NOW=$(date +%s)

# ---- helpers ---------------------------------------------------------------

# Compare weft JSON ($1) with a gpg colon listing ($2).  Prints
# "label<TAB>got<TAB>want" lines; run_cmp turns each into a check.
cat >"$T/gpgcmp.py" <<'EOF'
import json, sys, datetime
def ts(s):
    if s in ('', None): return None
    return datetime.datetime.fromtimestamp(int(s), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
def out(label, got, want):
    print('%s\t%s\t%s' % (label, json.dumps(got), json.dumps(want)))
w = json.load(open(sys.argv[1]))['keys']
gk = []; last = None
for line in open(sys.argv[2]):
    r = line.rstrip('\n').split(':')
    if r[0] == 'pub':
        cur = {'rec': r, 'uids': [], 'subs': []}; gk.append(cur); last = cur
    elif r[0] == 'sub':
        s = {'rec': r}; cur['subs'].append(s); last = s
    elif r[0] == 'uid':
        cur['uids'].append(r); last = None
    elif r[0] == 'fpr' and last is not None:
        last['fpr'] = r[9]; last = None
out('number of keys', len(w), len(gk))
VAL = {'r': 'revoked', 'e': 'expired'}
def caps(s): return ''.join(sorted(c for c in s if c.islower()))
def keyfields(p, k, r, fpr, flags):
    out(p + ' fingerprint', k['fingerprint'], fpr)
    out(p + ' keyid', k['keyid'], r[4])
    out(p + ' algorithm_id', k['algorithm_id'], int(r[3]))
    out(p + ' bits', k['bits'], int(r[2]))
    out(p + ' curve', k['curve'], r[16] or None)
    out(p + ' created', k['created'], ts(r[5]))
    out(p + ' expires', k['expires'], ts(r[6]))
    out(p + ' capabilities', caps(k['capabilities']), caps(r[11]))
    if flags:
        out(p + ' revoked', k['revoked'], r[1] == 'r')
        if r[1] != 'r':
            out(p + ' expired', k['expired'], r[1] == 'e')
for g in gk:
    fpr = g['fpr']; r = g['rec']; p = fpr[-8:]
    k = [x for x in w if x['fingerprint'] == fpr]
    out(p + ' present in weft', len(k), 1)
    if not k: continue
    k = k[0]
    keyfields(p, k, r, fpr, True)
    out(p + ' validity', k['validity'], VAL.get(r[1], 'unknown'))
    dead = r[1] in 're'
    out(p + ' number of user IDs', len(k['userids']), len(g['uids']))
    for u in g['uids']:
        name = u[9].replace('\\x3a', ':')
        wu = [x for x in k['userids'] if x['uid'] == name]
        out(p + ' uid "%s" present' % name, len(wu), 1)
        if not wu: continue
        wu = wu[0]
        out(p + ' uid "%s" validity' % name, wu['validity'], VAL.get(u[1], 'unknown'))
        if not dead:
            out(p + ' uid "%s" revoked' % name, wu['revoked'], u[1] == 'r')
            out(p + ' uid "%s" expired' % name, wu['expired'], u[1] == 'e')
    out(p + ' number of subkeys', len(k['subkeys']), len(g['subs']))
    for s in g['subs']:
        ws = [x for x in k['subkeys'] if x['fingerprint'] == s['fpr']]
        out(p + ' sub ' + s['fpr'][-8:] + ' present', len(ws), 1)
        if ws:
            keyfields(p + ' sub ' + s['fpr'][-8:], ws[0], s['rec'], s['fpr'], not dead)
EOF

# Compare weft JSON ($1) with `sq inspect` text ($2); NOW = $3.
cat >"$T/sqcmp.py" <<'EOF'
import json, sys, datetime
def out(label, got, want):
    print('%s\t%s\t%s' % (label, json.dumps(got), json.dumps(want)))
def t3339(v):
    d, t = v.split()[:2]
    return d + 'T' + t + 'Z'
now = int(sys.argv[3])
def epoch(s):
    return int(datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp())
w = json.load(open(sys.argv[1]))['keys']
comps = []; cur = None
for line in open(sys.argv[2]):
    k, sep, v = line.partition(':')
    if not sep: continue
    k = k.strip(); v = v.strip()
    if k in ('Fingerprint', 'Subkey'):
        cur = {'kind': k, 'fpr': v, 'revoked': False, 'expires': None, 'flags': ''}; comps.append(cur)
    elif k == 'UserID':
        cur = {'kind': k, 'uid': v, 'revoked': False}; comps.append(cur)
    elif cur is None: continue
    elif k == 'Revoked': cur['revoked'] = True
    elif k == 'Public-key algo': cur['algo'] = v
    elif k == 'Public-key size': cur['bits'] = int(v.split()[0])
    elif k == 'Creation time': cur['created'] = t3339(v)
    elif k == 'Expiration time': cur['expires'] = t3339(v)
    elif k == 'Key flags':
        m = {'certification': 'c', 'signing': 's', 'authentication': 'a',
             'transport encryption': 'e', 'data-at-rest encryption': 'e'}
        cur['flags'] = ''.join(sorted(set(m[f.strip()] for f in v.split(','))))
ALGO = {'RSA': ('rsa', 1), 'EdDSA': ('eddsa', 22), 'ECDH': ('ecdh', 18)}
pri = [c for c in comps if c['kind'] == 'Fingerprint']
out('number of keys', len(w), len(pri))
def keyfields(p, k, c, flags):
    out(p + ' fingerprint', k['fingerprint'], c['fpr'])
    out(p + ' keyid', k['keyid'], c['fpr'][-16:])
    out(p + ' algorithm', [k['algorithm'], k['algorithm_id']], list(ALGO[c['algo']]))
    if c['algo'] == 'RSA':       # sq counts 256 bits for 25519 keys, gpg 255
        out(p + ' bits', k['bits'], c['bits'])
    out(p + ' created', k['created'], c['created'])
    out(p + ' expires', k['expires'], c['expires'])
    out(p + ' capabilities', ''.join(sorted(k['capabilities'])), c['flags'])
    if flags:
        out(p + ' revoked', k['revoked'], c['revoked'])
        out(p + ' expired', k['expired'], c['expires'] is not None and epoch(c['expires']) <= now)
for i, c in enumerate(comps):
    if c['kind'] != 'Fingerprint': continue
    p = c['fpr'][-8:]
    rest = []
    for d in comps[i + 1:]:
        if d['kind'] == 'Fingerprint': break
        rest.append(d)
    k = [x for x in w if x['fingerprint'] == c['fpr']]
    out(p + ' present in weft', len(k), 1)
    if not k: continue
    k = k[0]
    keyfields(p, k, c, True)
    dead = c['revoked'] or (c['expires'] is not None and epoch(c['expires']) <= now)
    out(p + ' validity', k['validity'], 'revoked' if c['revoked'] else 'expired' if dead else 'unknown')
    uids = [d for d in rest if d['kind'] == 'UserID']
    subs = [d for d in rest if d['kind'] == 'Subkey']
    out(p + ' number of user IDs', len(k['userids']), len(uids))
    for u in uids:
        wu = [x for x in k['userids'] if x['uid'] == u['uid']]
        out(p + ' uid "%s" present' % u['uid'], len(wu), 1)
        if not wu: continue
        if not dead:
            out(p + ' uid "%s" revoked' % u['uid'], wu[0]['revoked'], u['revoked'])
            out(p + ' uid "%s" validity' % u['uid'], wu[0]['validity'], 'revoked' if u['revoked'] else 'unknown')
    out(p + ' number of subkeys', len(k['subkeys']), len(subs))
    for s in subs:
        ws = [x for x in k['subkeys'] if x['fingerprint'] == s['fpr']]
        out(p + ' sub ' + s['fpr'][-8:] + ' present', len(ws), 1)
        if ws:
            keyfields(p + ' sub ' + s['fpr'][-8:], ws[0], s, not dead)
EOF

# run_cmp PREFIX CMD...: one check per line CMD prints, plus one that CMD
# itself succeeded (so a crash in the comparer cannot pass silently).
run_cmp() {
	local pfx=$1 rc lab got want
	shift
	"$@" >"$T/cmp.out" 2>"$T/cmp.err"
	rc=$?
	check_eq "$pfx: comparison ran" "$rc $(wc -l <"$T/cmp.out" | tr -d ' ')" "0 $(wc -l <"$T/cmp.out" | tr -d ' ')"
	[ "$rc" = 0 ] || sed 's/^/    /' "$T/cmp.err"
	while IFS=$'\t' read -r lab got want; do
		check_eq "$pfx: $lab" "$got" "$want"
	done <"$T/cmp.out"
}
gfpr() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/{print $10; exit}'; }
gsubfpr() { G --with-colons --list-keys "$1" | awk -F: -v n="$2" '/^sub/{i++} /^fpr/ && i==n {print $10; exit}'; }
# armored file -> binary, CRC line dropped
dearmor() {
	python3 -c '
import sys, base64
t = open(sys.argv[1]).read().split("\n")
b = t.index("") + 1
e = [i for i, l in enumerate(t) if l.startswith("-----END")][0]
sys.stdout.buffer.write(base64.b64decode("".join(l for l in t[b:e] if not l.startswith("="))))' "$1"
}
wjson() { W --json "$@" >"$T/w.json"; }
# JK FPR EXPR < json: EXPR over k, the key with fingerprint FPR; JSON out.
JK() {
	python3 -c 'import json, sys, datetime
d = json.load(sys.stdin)
k = [k for k in d["keys"] if k["fingerprint"] == sys.argv[1]][0]
print(json.dumps(eval(sys.argv[2])))' "$1" "$2"
}

# ---- gpg keys --------------------------------------------------------------

# gpg stamps everything with the current second, and bumps a revocation
# made in the same second as the self-signature it overrides one second
# into the future, where nobody (weft, sq) counts it yet.  So every gpg
# step runs on a faked clock an hour back, 60 s apart (< 20 steps).
_gt=$((NOW - 3600))
GT() { _gt=$((_gt + 60)); G --faked-system-time "$_gt" "$@" 2>/dev/null; }
GT --quick-gen-key 'Rsa Gpg <rsa@example.org>' rsa3072 sign,cert 2y
RSA=$(gfpr rsa@example.org)
GT --quick-add-key "$RSA" rsa2048 encr 1y
GT --quick-add-key "$RSA" rsa2048 sign 1y

GT --quick-gen-key 'Ed Gpg <ed@example.org>' ed25519 sign,cert never
ED=$(gfpr ed@example.org)
GT --quick-add-key "$ED" cv25519 encr 1y
GT --quick-add-key "$ED" ed25519 auth 1y
GT --quick-add-key "$ED" ed25519 sign 1y
GT --quick-set-expire "$ED" seconds=100000000 "$(gsubfpr "$ED" 1)"
GT --quick-add-uid "$ED" 'Ed Old <ed-old@example.org>'
GT --quick-revoke-uid "$ED" 'Ed Old <ed-old@example.org>'
# revoke the 3rd subkey (ed25519 sign): answers to revkey's questions:
# really revoke? y, reason 1 (compromised), empty description, okay? y
printf 'key 3\nrevkey\ny\n1\n\ny\nsave\n' |
	GT --command-fd 0 --edit-key "$ED" >/dev/null
ED_REVSUB=$(gsubfpr "$ED" 3)

GT --quick-gen-key 'P256 Gpg <p256@example.org>' nistp256 sign,cert 1y
P256=$(gfpr p256@example.org)
GT --quick-add-key "$P256" nistp256 encr 1y

check_eq "gpg: three keys generated" "$(G --with-colons --list-keys | grep -c '^pub')" 3
check_eq "gpg: subkey of Ed Gpg revoked in gpg" \
	"$(G --with-colons --list-keys "$ED" | awk -F: '/^sub/{printf "%s", $2}')" uur
check_eq "gpg: user ID revoked in gpg" \
	"$(G --with-colons --list-keys "$ED" | awk -F: '/^uid/{printf "%s", $2}')" ur

G --export "$RSA" "$ED" "$P256" >"$T/gpg3.pgp"
W import "$T/gpg3.pgp" >"$T/out" 2>"$T/err"
check_eq "gpg keys: import exit code" $? 0
check_eq "gpg keys: import stderr empty" "$(cat "$T/err")" ""
check_eq "gpg keys: summary line" "$(head -n 1 "$T/out")" \
	"$T/gpg3.pgp: 3 keys: 3 new, 0 updated, 0 unchanged, 0 rejected"
wjson list
G --with-colons --list-keys "$RSA" "$ED" "$P256" >"$T/g.colons"
run_cmp "gpg keys vs gpg --with-colons" python3 "$T/gpgcmp.py" "$T/w.json" "$T/g.colons"

# Exact values that do not depend on the comparer.
check_eq "gpg rsa: algorithm, bits, curve" \
	"$(JK "$RSA" '[k["algorithm"],k["bits"],k["curve"],k["capabilities"],k["version"]]' <"$T/w.json")" \
	'["rsa", 3072, null, "sc", 4]'
check_eq "gpg ed25519: algorithm, bits, curve" \
	"$(JK "$ED" '[k["algorithm"],k["algorithm_id"],k["bits"],k["curve"],k["expires"]]' <"$T/w.json")" \
	'["eddsa", 22, 255, "ed25519", null]'
check_eq "gpg ed25519: subkeys algorithm/curve/caps/revoked" \
	"$(JK "$ED" '[[s["algorithm"],s["curve"],s["capabilities"],s["revoked"]] for s in k["subkeys"]]' <"$T/w.json")" \
	'[["ecdh", "cv25519", "e", false], ["eddsa", "ed25519", "a", false], ["eddsa", "ed25519", "s", true]]'
check_eq "gpg ed25519: user IDs revoked flags" \
	"$(JK "$ED" '[[u["uid"],u["revoked"],u["validity"]] for u in k["userids"]]' <"$T/w.json")" \
	'[["Ed Gpg <ed@example.org>", false, "unknown"], ["Ed Old <ed-old@example.org>", true, "revoked"]]'
check_eq "gpg p256: primary and subkey algorithm/bits/curve/caps" \
	"$(JK "$P256" '[[x["algorithm"],x["algorithm_id"],x["bits"],x["curve"],x["capabilities"]] for x in [k]+k["subkeys"]]' <"$T/w.json")" \
	'[["ecdsa", 19, 256, "nistp256", "sc"], ["ecdh", 18, 256, "nistp256", "e"]]'
check_eq "gpg rsa: subkeys bits and caps" \
	"$(JK "$RSA" 'sorted([s["bits"],s["capabilities"]] for s in k["subkeys"])' <"$T/w.json")" \
	'[[2048, "e"], [2048, "s"]]'
check_eq "gpg: key IDs are the low 64 bits of the fingerprints" \
	"$(J 'all(k["keyid"]==k["fingerprint"][-16:] and all(s["keyid"]==s["fingerprint"][-16:] for s in k["subkeys"]) for k in d["keys"])' <"$T/w.json")" true

# show --json is list --json plus certifications.
W --json show "$ED" >"$T/show.json"
check_rc "show ed25519: exit code" 0 W --json show "$ED"
W --json list "$ED" >"$T/list1.json"
check_eq "show ed25519: same as list but with certifications" \
	"$(python3 -c '
import json,sys
s=json.load(open(sys.argv[1])); l=json.load(open(sys.argv[2]))
for k in s["keys"]:
    for u in k["userids"]:
        assert u.pop("certifications") == []
print(s == l)' "$T/show.json" "$T/list1.json")" True
# Queries: subkey key ID and email find the key.
check_eq "list by subkey key ID finds the primary" \
	"$(W --json list "${ED_REVSUB: -16}" | J '[k["fingerprint"] for k in d["keys"]]')" "[\"$ED\"]"
check_eq "list by email of the revoked user ID" \
	"$(W --json list ed-old@example.org | J '[k["fingerprint"] for k in d["keys"]]')" "[\"$ED\"]"

# --at in the future: gpg with --faked-system-time must agree.
W --at 2100-01-01T00:00:00Z --json list "$RSA" >"$T/at1.json"
W --at 4102444800 --json list "$RSA" >"$T/at2.json"
check_diff "--at RFC 3339 and --at Unix seconds agree" "$T/at1.json" "$T/at2.json"
W --at 2100-01-01T00:00:00Z --json list >"$T/w.json"
G --faked-system-time 21000101T000000 --with-colons --list-keys "$RSA" "$ED" "$P256" \
	2>/dev/null >"$T/g.colons"
run_cmp "gpg keys at 2100 vs gpg --faked-system-time" python3 "$T/gpgcmp.py" "$T/w.json" "$T/g.colons"
check_eq "at 2100: rsa key expired, ed25519 not (no expiry)" \
	"$(J '[[k["expired"],k["validity"]] for f in ["'"$RSA"'","'"$ED"'"] for k in d["keys"] if k["fingerprint"]==f]' <"$T/w.json")" \
	'[[true, "expired"], [false, "unknown"]]'
check_eq "at 2100: ed25519 subkeys expired/revoked" \
	"$(J '[[s["expired"],s["revoked"]] for k in d["keys"] if k["fingerprint"]=="'"$ED"'" for s in k["subkeys"][:2]]' <"$T/w.json")" \
	'[[true, false], [true, false]]'

# Revocation certificate from --gen-revoke, imported on its own.
printf 'y\n1\nkey retired\n\ny\n' |
	gpg --homedir "$GNUPGHOME" --no-tty --pinentry-mode loopback --passphrase '' \
	    --faked-system-time $((_gt + 60)) --command-fd 0 --armor --output "$T/p256.rev" --gen-revoke "$P256" >/dev/null 2>&1
check_eq "gpg --gen-revoke wrote one key revocation signature packet" \
	"$(dearmor "$T/p256.rev" | python3 -c '
import sys
d = sys.stdin.buffer.read(); i = 0; out = []
while i < len(d):
    c = d[i]
    if c & 0x40:
        tag = c & 0x3f; l = d[i + 1]; h = 2   # short lengths only here
    else:
        tag = (c >> 2) & 15; lt = c & 3; h = 1 + (1, 2, 4)[lt]
        l = int.from_bytes(d[i + 1:i + h], "big")
    out.append("%d/%02x" % (tag, d[i + h + 1])); i += h + l
print(" ".join(out))')" "2/20"
W import "$T/p256.rev" >"$T/out" 2>"$T/err"
check_eq "gpg revocation certificate: import exit code" $? 0
check_eq "gpg revocation certificate: stderr empty" "$(cat "$T/err")" ""
wjson list "$P256"
check_eq "gpg revocation certificate: key revoked" \
	"$(J '[[k["revoked"],k["validity"],k["revocation_reason"],[u["validity"] for u in k["userids"]]] for k in d["keys"]]' <"$T/w.json")" \
	'[[true, "revoked", "key retired", ["revoked"]]]'
check_eq "gpg revocation certificate: other keys untouched" \
	"$(W --json list | J '[k["revoked"] for k in d["keys"] if k["fingerprint"]!="'"$P256"'"]')" '[false, false]'
GH2=$(new_gpg_home)
W export "$P256" | GH=$GH2 G --import 2>/dev/null
GH=$GH2 G --with-colons --list-keys >"$T/g2.colons"
check_eq "weft export | gpg --import: gpg shows the key revoked" \
	"$(awk -F: '/^(pub|uid|sub)/{printf "%s%s ", $1, $2}' "$T/g2.colons")" "pubr uidr subr "
check_eq "weft export | gpg --import: fingerprint" \
	"$(awk -F: '/^fpr/{print $10; exit}' "$T/g2.colons")" "$P256"
run_cmp "revoked p256 vs gpg after weft export" python3 "$T/gpgcmp.py" "$T/w.json" "$T/g2.colons"

# The revocation certificate gpg writes to openpgp-revocs.d at key
# generation (armor header "hidden" behind a colon), on a fresh keyring.
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$RSA.rev" >"$T/rsa.rev"
WH=$T/home-rev W import "$T/gpg3.pgp" >/dev/null 2>&1
WH=$T/home-rev W import "$T/rsa.rev" >"$T/out" 2>"$T/err"
check_eq "openpgp-revocs.d certificate: import exit code" $? 0
check_eq "openpgp-revocs.d certificate: key revoked, others not" \
	"$(WH=$T/home-rev W --json list | J 'sorted([k["fingerprint"]=="'"$RSA"'", k["revoked"], k["validity"]] for k in d["keys"])')" \
	'[[false, false, "unknown"], [false, false, "unknown"], [true, true, "revoked"]]'
GH3=$(new_gpg_home)
WH=$T/home-rev W export "$RSA" | GH=$GH3 G --import 2>/dev/null
check_eq "openpgp-revocs.d certificate: gpg sees the weft export revoked" \
	"$(GH=$GH3 G --with-colons --list-keys | awk -F: '/^pub/{print $2 $5}')" "r${RSA: -16}"

# Old keys: made in 2020 with --faked-system-time, in their own gpg home.
GO=$(new_gpg_home)
GH=$GO G --faked-system-time 20200101T000000 --quick-gen-key 'Old Times <old@example.net>' ed25519 sign,cert never 2>/dev/null
OLD=$(GH=$GO gfpr old@example.net)
GH=$GO G --faked-system-time 20200101T000100 --quick-add-key "$OLD" cv25519 encr 1d 2>/dev/null
GH=$GO G --faked-system-time 20200101T000200 --quick-add-key "$OLD" cv25519 encr never 2>/dev/null
GH=$GO G --faked-system-time 20200101T000300 --quick-gen-key 'Gone <gone@example.net>' ed25519 sign,cert 1y 2>/dev/null
GONE=$(GH=$GO gfpr gone@example.net)
GH=$GO G --export "$OLD" "$GONE" >"$T/old.pgp"
check_eq "gpg: old keys listed expired by gpg" \
	"$(GH=$GO G --with-colons --list-keys "$OLD" "$GONE" | awk -F: '/^(pub|sub)/{printf "%s", $2}')" "ueue"
WH=$T/home-old W import "$T/old.pgp" >"$T/out" 2>"$T/err"
check_eq "old keys: import exit code (expired keys are imported)" $? 0
WH=$T/home-old W --json list >"$T/w.json"
GH=$GO G --with-colons --list-keys "$OLD" "$GONE" >"$T/g.colons"
run_cmp "old keys vs gpg" python3 "$T/gpgcmp.py" "$T/w.json" "$T/g.colons"
check_eq "old keys: Gone expired 2020-12-31, validity expired" \
	"$(J '[[k["created"],k["expires"],k["expired"],k["validity"],[u["validity"] for u in k["userids"]]] for k in d["keys"] if k["fingerprint"]=="'"$GONE"'"]' <"$T/w.json")" \
	'[["2020-01-01T00:03:00Z", "2020-12-31T00:03:00Z", true, "expired", ["expired"]]]'
check_eq "old keys: Old Times valid, first subkey expired 2020-01-02, second not" \
	"$(J '[[k["expired"],k["validity"]]+[[s["created"],s["expires"],s["expired"]] for s in k["subkeys"]] for k in d["keys"] if k["fingerprint"]=="'"$OLD"'"]' <"$T/w.json")" \
	'[[false, "unknown", ["2020-01-01T00:01:00Z", "2020-01-02T00:01:00Z", true], ["2020-01-01T00:02:00Z", null, false]]]'
# Back in time: in mid-2020 Gone is valid, the 1-day subkey already expired;
# on 2020-01-01T12:00 nothing has expired.
check_eq "old keys --at 2020-06-01: Gone valid, 1-day subkey expired" \
	"$(WH=$T/home-old W --at 2020-06-01T00:00:00Z --json list | J 'sorted([k["fingerprint"]=="'"$GONE"'", k["expired"], k["validity"], [s["expired"] for s in k["subkeys"]]] for k in d["keys"])')" \
	'[[false, false, "unknown", [true, false]], [true, false, "unknown", []]]'
check_eq "old keys --at 2020-01-01T12:00: nothing expired" \
	"$(WH=$T/home-old W --at 2020-01-01T12:00:00Z --json list | J 'sorted([k["expired"]]+[s["expired"] for s in k["subkeys"]] for k in d["keys"])')" \
	'[[false], [false, false, false]]'

# ---- sq keys ---------------------------------------------------------------

SQ key generate --userid 'Sq Rsa <sqrsa@example.org>' --cipher-suite rsa3k \
	--expires-in 2y --export "$T/sqrsa.key" 2>/dev/null
SQ key extract-cert --output "$T/sqrsa.cert" "$T/sqrsa.key" 2>/dev/null
# The cv25519 key is made two days back; a third user ID is added with
# `sq key userid add` one day back (and later revoked with the very same
# timestamp: a revocation as old as the self-signature still revokes).
TKEY=$(date -u -d "@$((NOW - 172800))" +%Y%m%dT%H%M%SZ)
TUID=$(date -u -d "@$((NOW - 86400))" +%Y%m%dT%H%M%SZ)
SQ key generate --userid 'Sq Cv <sqcv@example.org>' --userid 'Sq Cv Old <sqcv-old@example.org>' \
	--cipher-suite cv25519 --creation-time "$TKEY" --export "$T/sqcv0.key" 2>/dev/null
SQ key userid add --creation-time "$TUID" --userid 'Sq Cv New <sqcv-new@example.org>' \
	"$T/sqcv0.key" >"$T/sqcv.key" 2>/dev/null
SQ key extract-cert --output "$T/sqcv.cert" "$T/sqcv.key" 2>/dev/null
SQ key generate --userid '<sqold@example.org>' --cipher-suite cv25519 \
	--creation-time 20200101T000000Z --expires 20210101 --export "$T/sqold.key" 2>/dev/null
SQ key extract-cert --output "$T/sqold.cert" "$T/sqold.key" 2>/dev/null
SQRSA=$(SQ inspect "$T/sqrsa.cert" 2>/dev/null | awk '/Fingerprint:/{print $2; exit}')
SQCV=$(SQ inspect "$T/sqcv.cert" 2>/dev/null | awk '/Fingerprint:/{print $2; exit}')
SQOLD=$(SQ inspect "$T/sqold.cert" 2>/dev/null | awk '/Fingerprint:/{print $2; exit}')
SQCV_AUTH=$(SQ inspect "$T/sqcv.cert" 2>/dev/null | awk '/Subkey:/{s=$2} /Key flags: authentication/{print s; exit}')
check_eq "sq: three keys generated" "$(echo "$SQRSA$SQCV$SQOLD" | tr -d '\n' | wc -c)" 120

W import "$T/sqrsa.cert" "$T/sqcv.cert" "$T/sqold.cert" >"$T/out" 2>"$T/err"
check_eq "sq keys: import exit code" $? 0
check_eq "sq keys: stderr empty" "$(cat "$T/err")" ""
W --json list "$SQRSA" >"$T/w1.json"; W --json list "$SQCV" >"$T/w2.json"; W --json list "$SQOLD" >"$T/w3.json"
python3 -c 'import json,sys; print(json.dumps({"keys": sum((json.load(open(f))["keys"] for f in sys.argv[1:]), [])}))' \
	"$T/w1.json" "$T/w2.json" "$T/w3.json" >"$T/w.json"
for f in sqrsa sqcv sqold; do SQ inspect "$T/$f.cert" 2>/dev/null; done >"$T/sq.txt"
run_cmp "sq keys vs sq inspect" python3 "$T/sqcmp.py" "$T/w.json" "$T/sq.txt" "$NOW"
check_eq "sq rsa3k: primary rsa 3072 certify-only, 3 rsa3072 subkeys a/e/s" \
	"$(JK "$SQRSA" '[k["algorithm"],k["bits"],k["capabilities"],sorted([s["algorithm"],s["bits"],s["capabilities"]] for s in k["subkeys"])]' <"$T/w.json")" \
	'["rsa", 3072, "c", [["rsa", 3072, "a"], ["rsa", 3072, "e"], ["rsa", 3072, "s"]]]'
check_eq "sq cv25519: ed25519 primary, subkeys ed25519 s, ed25519 a, cv25519 e" \
	"$(JK "$SQCV" '[k["curve"],k["capabilities"],sorted([s["curve"],s["capabilities"]] for s in k["subkeys"])]' <"$T/w.json")" \
	'["ed25519", "c", [["cv25519", "e"], ["ed25519", "a"], ["ed25519", "s"]]]'
check_eq "sq 2020 key: expired 2021-01-01, validity expired" \
	"$(J '[[k["created"],k["expires"],k["expired"],k["validity"]] for k in d["keys"] if k["fingerprint"]=="'"$SQOLD"'"]' <"$T/w.json")" \
	'[["2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", true, "expired"]]'

# sq revoke: a user ID and a subkey; the results carry the secret key too
# (sq 0.27), weft takes their public part.
SQ revoke userid --certificate "$T/sqcv.key" 'Sq Cv Old <sqcv-old@example.org>' \
	retired 'moved on' >"$T/sq-uidrev.asc" 2>/dev/null
SQ revoke userid --time "$TUID" --certificate "$T/sqcv.key" 'Sq Cv New <sqcv-new@example.org>' \
	retired 'same second' >"$T/sq-uidrev2.asc" 2>/dev/null
SQ revoke subkey --certificate "$T/sqcv.key" "$SQCV_AUTH" \
	compromised 'lost it' >"$T/sq-subrev.asc" 2>/dev/null
W import "$T/sq-uidrev.asc" "$T/sq-uidrev2.asc" "$T/sq-subrev.asc" >"$T/out" 2>"$T/err"
check_eq "sq revocations: import exit code" $? 0
W --json list "$SQCV" >"$T/w.json"
SQ keyring merge "$T/sqcv.cert" "$T/sq-uidrev.asc" "$T/sq-uidrev2.asc" "$T/sq-subrev.asc" 2>/dev/null |
	SQ inspect 2>/dev/null >"$T/sq.txt"
check_eq "sq inspect shows 3 revocations" "$(grep -c 'Revoked:' "$T/sq.txt")" 3
run_cmp "sq revoked uid+subkey vs sq inspect" python3 "$T/sqcmp.py" "$T/w.json" "$T/sq.txt" "$NOW"
check_eq "sq revoked: exactly the auth subkey and the Old and New user IDs revoked" \
	"$(J '[[s["fingerprint"] for s in k["subkeys"] if s["revoked"]] + sorted(u["uid"] for u in k["userids"] if u["revoked"]) for k in d["keys"]]' <"$T/w.json")" \
	"[[\"$SQCV_AUTH\", \"Sq Cv New <sqcv-new@example.org>\", \"Sq Cv Old <sqcv-old@example.org>\"]]"
check_eq "sq userid add: created at the given time" \
	"$(J '[u["created"] for k in d["keys"] for u in k["userids"] if u["uid"]=="Sq Cv New <sqcv-new@example.org>"]' <"$T/w.json")" \
	"[\"$(date -u -d "@$((NOW - 86400))" +%Y-%m-%dT%H:%M:%SZ)\"]"
check_eq "sq revoked: key itself not revoked" "$(J '[[k["revoked"],k["validity"]] for k in d["keys"]]' <"$T/w.json")" '[[false, "unknown"]]'

# The revocation certificate sq key generate wrote (a bare signature in a
# "PGP SIGNATURE" armor), imported on its own.
W import "$T/sqrsa.key.rev" >"$T/out" 2>"$T/err"
check_eq "sq .rev certificate: import exit code" $? 0
check_eq "sq .rev certificate: key revoked" \
	"$(W --json list "$SQRSA" | J '[[k["revoked"],k["validity"]] for k in d["keys"]]')" '[[true, "revoked"]]'
W export "$SQRSA" >"$T/sqrsa-exp.pgp"
check_eq "sq .rev certificate: sq inspect of weft export says revoked" \
	"$(SQ inspect "$T/sqrsa-exp.pgp" 2>/dev/null | sed -n '3,4p' | tr '\n' ' ' | tr -s ' ')" \
	" Fingerprint: $SQRSA Revoked: "

# ---- RFC 9580 Appendix A ---------------------------------------------------

V6=CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9
V6SUB=12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885
H6=$T/home-v6
WH=$H6 W import "$DATA/v6-cert.asc" >"$T/out" 2>"$T/err"
check_eq "v6 cert: import exit code" $? 0
check_eq "v6 cert: summary" "$(head -n 1 "$T/out")" "$DATA/v6-cert.asc: 1 key: 1 new, 0 updated, 0 unchanged, 0 rejected"
WH=$H6 W --json list >"$T/w.json"
check_eq "v6 cert: primary" \
	"$(J '[[k["version"],k["fingerprint"],k["keyid"],k["algorithm"],k["algorithm_id"],k["bits"],k["created"],k["expires"],k["capabilities"],k["revoked"],k["expired"],k["validity"],len(k["userids"])] for k in d["keys"]]' <"$T/w.json")" \
	"[[6, \"$V6\", \"${V6:0:16}\", \"ed25519\", 27, 255, \"2022-11-30T16:08:03Z\", null, \"sc\", false, false, \"unknown\", 0]]"
check_eq "v6 cert: subkey" \
	"$(J '[[s["fingerprint"],s["keyid"],s["algorithm"],s["algorithm_id"],s["bits"],s["created"],s["expires"],s["capabilities"],s["revoked"],s["expired"]] for k in d["keys"] for s in k["subkeys"]]' <"$T/w.json")" \
	"[[\"$V6SUB\", \"${V6SUB:0:16}\", \"x25519\", 25, 255, \"2022-11-30T16:08:03Z\", null, \"e\", false, false]]"
check_eq "v6 cert: list by fingerprint" "$(WH=$H6 W --json list "$V6" | J '[k["fingerprint"] for k in d["keys"]]')" "[\"$V6\"]"
check_eq "v6 cert: list by v6 subkey key ID" "$(WH=$H6 W --json list "${V6SUB:0:16}" | J '[k["fingerprint"] for k in d["keys"]]')" "[\"$V6\"]"
dearmor "$DATA/v6-cert.asc" >"$T/v6.bin"
WH=$H6 W export >"$T/v6-exp.bin"
check_diff "v6 cert: weft export is byte-identical to the RFC certificate" "$T/v6.bin" "$T/v6-exp.bin"
check_eq "v6 cert: fsck" "$(WH=$H6 W fsck >/dev/null 2>&1; echo $?)" 0
for f in v6-secret v6-secret-locked; do
	WH=$T/home-$f W import "$DATA/$f.asc" >"$T/out" 2>"$T/err"
	check_eq "$f: import exit code" $? 0
	check_eq "$f: summary" "$(head -n 1 "$T/out")" "$DATA/$f.asc: 1 key: 1 new, 0 updated, 0 unchanged, 0 rejected"
	WH=$T/home-$f W export >"$T/$f-exp.bin"
	check_diff "$f: only the public part is stored (export = RFC certificate)" "$T/v6.bin" "$T/$f-exp.bin"
	WH=$T/home-$f W --json list >"$T/w2.json"
	check_diff "$f: list --json same as the certificate's" "$T/w.json" "$T/w2.json"
	if [ $f = v6-secret ]; then
		# Unprotected, and no passphrase to protect it with: refused.
		check_eq "$f: export --secret has nothing (exit 2)" \
			"$(WH=$T/home-$f W export --secret >/dev/null 2>&1; echo $?)" 2
	else
		# Protected (Argon2 + OCB): stored as it came, exported so.
		WH=$T/home-$f W export --secret >"$T/$f-sec.bin" 2>/dev/null
		check_eq "$f: export --secret exit 0" $? 0
		check_eq "$f: export --secret starts with a secret key packet" \
			"$(head -c 1 "$T/$f-sec.bin" | od -An -tx1 | tr -d ' ')" "c5"
	fi
	WH=$H6 W import "$DATA/$f.asc" >"$T/out" 2>&1
	check_eq "$f: on top of the certificate: exit 0" $? 0
	check_eq "$f: on top of the certificate: unchanged" "$(head -n 1 "$T/out")" \
		"$DATA/$f.asc: 1 key: 0 new, 0 updated, 1 unchanged, 0 rejected"
done
# A.1 is a bare key packet: no user ID, no direct-key signature.  It must be
# rejected with the reason (gpg: "w/o user IDs: 1"), and named by its RFC
# fingerprint.
WH=$T/home-v4 W import "$DATA/v4-ed25519-legacy-cert.asc" >"$T/out" 2>"$T/err"
check_eq "v4 legacy bare key: import exit code 1 (rejected)" $? 1
check_eq "v4 legacy bare key: summary" "$(head -n 1 "$T/out")" \
	"$DATA/v4-ed25519-legacy-cert.asc: 1 key: 0 new, 0 updated, 0 unchanged, 1 rejected"
check_eq "v4 legacy bare key: one stderr line naming file, fingerprint and reason" \
	"$(grep -c "^weft: $DATA/v4-ed25519-legacy-cert.asc: .*C959BDBAFA32A2F89A153B678CFDE12197965A9A.*no valid user ID" "$T/err") $(wc -l <"$T/err")" "1 1"
check_eq "v4 legacy bare key: not in the keyring" \
	"$(WH=$T/home-v4 W list C959BDBAFA32A2F89A153B678CFDE12197965A9A >/dev/null 2>&1; echo $?)" 1

# Everything imported above left the main keyring consistent.
check_rc "fsck after all imports" 0 W fsck
finish
