#!/bin/bash
# wot-vectors.sh - weft's trust engine against sequoia-wot 0.2.0's own tests.
#
# Data: tests/data/wot-vectors (keyrings of the sequoia-wot crate and the
# expectations of its assertions; see the README there).  Every keyring is
# imported once into its own home; then one weft process per question.
#
# Groups of checks:
#   import      every keyring imports (exit 0, nothing rejected)
#   vector      cases.tsv through `authenticate`: aggregate cases the exact
#               amount, the exact list of paths in order, the exit status and
#               the JSON's own bookkeeping (requested, authenticated, sum);
#               first-path cases (request 1) the first path found
#   identify    the same aggregate bindings through `identify KEY`: same
#               amount and paths (one call per key, roots and request)
#   lookup      ... through `lookup USERID`: same amount and paths
#   listing     ... through `list --json`: the user ID's amount
#   stored      ... with the roots stored in the keyring (`root add`)
#               instead of --root: same amount and paths
#   path        every first path found is accepted by `weft path` with
#               the same amount; one more check that every answer names
#               the target (its fingerprint in full)
#   cli         cli-cases.tsv: authenticate/lookup/identify/list, with
#               --email and patterns: exit status and exactly the listed
#               bindings authenticated, each once, no other.  sq-wot's
#               list is `weft list --bindings`.
. "$(dirname "$0")/lib.sh"
# A copy of the binary: a rebuild while this runs must not break it.
cp "$WEFT" "$T/weft" && WEFT=$T/weft
D=$(cd "$(dirname "$0")/../data/wot-vectors" && pwd)

for kr in "$D"/keyrings/*.pgp; do
	name=$(basename "$kr" .pgp)
	WH=$T/h/$name W -q --json import "$kr" >"$T/import-$name.json" 2>"$T/import-$name.err"
	rc=$?
	got=$(J '"%d %d" % (d["keys"], d["rejected"])' <"$T/import-$name.json" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "${got#* }" = 0 ] && [ "${got% *}" -gt 0 ]; then
		pass "import $name.pgp (${got% *} keys)"
	else
		fail "import $name.pgp" "exit $rc, keys/rejected [$got] $(head -c 200 "$T/import-$name.err")"
	fi
done

python3 - "$WEFT" "$D" "$T/h" >"$T/results" 2>&1 <<'EOF'
import csv, json, subprocess, sys
from collections import OrderedDict

WEFT, D, H = sys.argv[1:4]

def out(status, name, detail=""):
    # a tab between the check's name and the detail (names may have ": ")
    print(status + " " + name + ("\t" + detail if detail and status == "FAIL" else ""), flush=True)

def home(kr):
    return H + "/" + kr[:-4]

def weft(kr, t, *args, roots=None, json_out=True):
    argv = [WEFT, "--home", home(kr), "--at", t]
    if json_out:
        argv.append("--json")
    argv += list(args)
    for r in (roots or "").split(","):
        if r:
            argv += ["--root", r]
    try:
        p = subprocess.run(argv, capture_output=True)
    except OSError as e:
        return 127, None, "", str(e)
    text = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace").strip()
    doc = None
    if json_out:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
    return p.returncode, doc, text, err

def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r and not r[0].startswith("#")]

def fmt_paths(paths):
    s = "|".join("%d:%s" % (p["amount"], ">".join(p["fingerprints"])) for p in paths)
    return s or "-"

def short(s, n=300):
    return s if len(s) <= n else s[:n] + "..."

def binding_check(b, req):
    """Problems with one binding object's own bookkeeping."""
    probs = []
    if b.get("requested") != req:
        probs.append("requested %r, want %d" % (b.get("requested"), req))
    if b.get("authenticated") != (b["amount"] >= req and b["amount"] > 0):
        probs.append("authenticated %r with amount %d of %d" % (b.get("authenticated"), b["amount"], req))
    s = sum(p["amount"] for p in b.get("paths", []))
    if s != b["amount"]:
        probs.append("paths add up to %d, amount %d" % (s, b["amount"]))
    return probs

cases = rows(D + "/cases.tsv")
agg = [c for c in cases if c[1] == "aggregate"]

# -- vector: cases.tsv through authenticate ---------------------------------
first_paths = []        # (case, path dict) for the path group
for c in cases:
    cid, kind, kr, t, roots, req, tfpr, tuid, xamt, xpaths, src = c
    label = "vector %s %s %s %s %s" % (cid, kind, kr[:-4], tuid, src)
    r = int(req) if kind == "aggregate" else 1
    rc, d, text, err = weft(kr, t, "authenticate", tfpr, tuid, "--amount", str(r), roots=roots)
    if d is None:
        out("FAIL", label, "exit %d, no JSON: %s %s" % (rc, short(text, 120), short(err, 120)))
        continue
    probs = []
    got = fmt_paths(d["paths"])
    if kind == "aggregate":
        if d["amount"] != int(xamt):
            probs.append("amount %d, want %s" % (d["amount"], xamt))
        if got != xpaths:
            probs.append("paths [%s], want [%s]" % (short(got), short(xpaths)))
        want_rc = 0 if int(xamt) >= r and int(xamt) > 0 else 1
    else:
        gfirst = got.split("|")[0]
        if gfirst != xpaths:
            probs.append("first path [%s], want [%s]" % (short(gfirst), short(xpaths)))
        want_rc = 0 if xpaths != "-" else 1
    if rc != want_rc:
        probs.append("exit %d, want %d" % (rc, want_rc))
    if d.get("fingerprint") != tfpr or d.get("userid") != tuid:
        probs.append("answer names %r %r" % (d.get("fingerprint"), d.get("userid")))
    probs += binding_check(d, r)
    out("FAIL" if probs else "PASS", label, "; ".join(probs))
    if kind == "first-path" and d["paths"]:
        first_paths.append((c, d["paths"][0]))
    elif kind == "aggregate" and d["paths"]:
        first_paths.append((c, None))

# -- identify / lookup / list: the aggregate bindings by other routes --------
def compare(label, c, b):
    """b: the binding object of another command, or None if absent."""
    xamt, xpaths = int(c[8]), c[9]
    if b is None:
        if xamt == 0:
            out("PASS", label)
        else:
            out("FAIL", label, "binding not reported, want amount %d" % xamt)
        return
    probs = []
    if b["amount"] != xamt:
        probs.append("amount %d, want %d" % (b["amount"], xamt))
    if "paths" in b:
        got = fmt_paths(b["paths"])
        # sq-wot does not show a binding of amount 0; weft may, without paths.
        if got != xpaths:
            probs.append("paths [%s], want [%s]" % (short(got), short(xpaths)))
        probs += binding_check(b, int(c[5]))
    out("FAIL" if probs else "PASS", label, "; ".join(probs))

def grouped(key):
    g = OrderedDict()
    for c in agg:
        g.setdefault(key(c), []).append(c)
    return g

for (kr, t, roots, req, tfpr), cs in grouped(lambda c: (c[2], c[3], c[4], c[5], c[6])).items():
    rc, d, text, err = weft(kr, t, "identify", tfpr, "--amount", req, roots=roots)
    for c in cs:
        label = "identify %s %s %s" % (c[0], kr[:-4], c[7])
        if d is None or "bindings" not in d:
            out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 160)))
            continue
        bs = [b for b in d["bindings"] if b["fingerprint"] == tfpr and b["userid"] == c[7]]
        if len(bs) > 1:
            out("FAIL", label, "binding reported %d times" % len(bs))
            continue
        compare(label, c, bs[0] if bs else None)
    if d is not None and "bindings" in d:
        want = 0 if any(b["authenticated"] for b in d["bindings"]) else 1
        label = "identify exit status %s %s (%s, request %s)" % (kr[:-4], tfpr[:8], cs[0][0], req)
        out("PASS" if rc == want else "FAIL", label, "exit %d, want %d" % (rc, want))

for (kr, t, roots, req, tuid), cs in grouped(lambda c: (c[2], c[3], c[4], c[5], c[7])).items():
    rc, d, text, err = weft(kr, t, "lookup", tuid, "--amount", req, roots=roots)
    for c in cs:
        label = "lookup %s %s %s" % (c[0], kr[:-4], tuid)
        if d is None or "bindings" not in d:
            out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 160)))
            continue
        bs = [b for b in d["bindings"] if b["fingerprint"] == c[6] and b["userid"] == tuid]
        if len(bs) > 1:
            out("FAIL", label, "binding reported %d times" % len(bs))
            continue
        compare(label, c, bs[0] if bs else None)

for (kr, t, roots, req), cs in grouped(lambda c: (c[2], c[3], c[4], c[5])).items():
    rc, d, text, err = weft(kr, t, "list", "--amount", req, roots=roots)
    for c in cs:
        label = "listing %s %s %s" % (c[0], kr[:-4], c[7])
        if d is None or "keys" not in d:
            out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 160)))
            continue
        us = [u for k in d["keys"] if k["fingerprint"] == c[6]
              for u in k["userids"] if u["uid"] == c[7] and not u.get("attribute")]
        if len(us) > 1:
            out("FAIL", label, "user ID listed %d times" % len(us))
            continue
        compare(label, c, {"amount": us[0]["amount"]} if us else None)

# -- stored: the same roots kept in the keyring ------------------------------
def run(argv):
    try:
        p = subprocess.run(argv, capture_output=True)
    except OSError as e:
        return 127, str(e)
    return p.returncode, p.stderr.decode("utf-8", "replace").strip()

for (kr, roots), cs in grouped(lambda c: (c[2], c[4])).items():
    added, probs = [], []
    for r in roots.split(","):
        fpr, _, amt = r.partition(":")
        rc, err = run([WEFT, "--home", home(kr), "-q", "root", "add", fpr] + (["--amount", amt] if amt else []))
        if rc == 0:
            added.append(fpr)
        else:
            probs.append("root add %s: exit %d %s" % (r, rc, err))
    if probs:
        out("FAIL", "stored roots %s %s" % (kr[:-4], roots), "; ".join(probs))
    for c in cs:
        label = "stored %s %s %s" % (c[0], kr[:-4], c[7])
        rc, d, text, err = weft(kr, c[3], "authenticate", c[6], c[7], "--amount", c[5])
        if d is None:
            out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 160)))
            continue
        compare(label, c, d)
    for fpr in added:
        rc, err = run([WEFT, "--home", home(kr), "-q", "root", "remove", fpr])
        if rc != 0:
            out("FAIL", "stored roots %s: root remove %s" % (kr[:-4], fpr), "exit %d %s" % (rc, err))

# -- path: every first path passes `weft path` -------------------------------
misnamed = []
for c, p in first_paths:
    cid, kind, kr, t, roots, req, tfpr, tuid, xamt, xpaths, src = c
    if p is None:       # aggregate: its first expected path
        amt, _, fprs = xpaths.split("|")[0].partition(":")
        fprs, amt = fprs.split(">"), int(amt)
    else:
        fprs, amt = p["fingerprints"], p["amount"]
    label = "path %s %s %s (%d hops)" % (cid, kr[:-4], tuid, len(fprs) - 1)
    rc, d, text, err = weft(kr, t, "path", *fprs, tuid, "--amount", str(amt), roots=roots)
    if d is None:
        out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 160)))
        continue
    probs = []
    if rc != 0:
        probs.append("exit %d, want 0" % rc)
    if d.get("amount") != amt:
        probs.append("amount %r, want %d" % (d.get("amount"), amt))
    if d.get("userid") != tuid:
        probs.append("answer names user ID %r" % d.get("userid"))
    if d.get("fingerprint") != tfpr:
        misnamed.append("%s: %r" % (cid, d.get("fingerprint")))
    out("FAIL" if probs else "PASS", label, "; ".join(probs))
label = "path: the answer names the target's full fingerprint (%d paths)" % len(first_paths)
out("FAIL" if misnamed else "PASS", label,
    "%d wrong, e.g. %s" % (len(misnamed), short(", ".join(misnamed[:3]) + " ... " + ", ".join(misnamed[-2:]), 500)))

# -- cli: cli-cases.tsv ---------------------------------------------------------
for c in rows(D + "/cli-cases.tsv"):
    cid, cmd, email, kr, t, roots, req, uid, cert, pat, xrc, xb, src = c
    label = "cli %s %s%s %s %s %s" % (cid, cmd, " --email" if email == "1" else "", kr[:-4],
                                      " ".join(x for x in (cert, uid, pat) if x != "-"), src)
    args = [cmd]
    if email == "1":
        args.append("--email")
    if cmd == "authenticate":
        args += [cert, uid]
    elif cmd == "lookup":
        args += [uid]
    elif cmd == "identify":
        args += [cert]
    elif cmd == "list":
        args.append("--bindings")
        if pat != "-":
            args += [pat]
    elif pat != "-":
        args += [pat]
    args += ["--amount", req]
    rc, d, text, err = weft(kr, t, *args, roots=roots)
    want = sorted(xb.split("|")) if xb != "-" else []
    probs = []
    if d is None:
        out("FAIL", label, "exit %d, no JSON: %s" % (rc, short(err, 200)))
        continue
    bs = d["bindings"] if "bindings" in d else [d]
    got = sorted("%s %s" % (b["fingerprint"], b["userid"]) for b in bs if b.get("authenticated"))
    for b in bs:
        probs += ["%s: %s" % (b["userid"], x) for x in binding_check(b, int(req))]
    if rc != int(xrc):
        probs.append("exit %d, want %s" % (rc, xrc))
    if got != want:
        probs.append("authenticated [%s], want [%s]" % (" | ".join(got), " | ".join(want)))
    out("FAIL" if probs else "PASS", label, "; ".join(probs))
EOF
prc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*)
		rest=${line#FAIL }
		if [[ $rest == *$'\t'* ]]; then fail "${rest%%$'\t'*}" "${rest#*$'\t'}"; else fail "$rest"; fi ;;
	*) echo "$line" ;;
	esac
done <"$T/results"
[ "$prc" = 0 ] || fail "runner" "python exited $prc"
finish
