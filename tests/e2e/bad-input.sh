#!/bin/bash
# bad-input.sh - damaged and hostile input to `weft import`.
#
# Every input is built at test time with python3 from three small Ed25519
# keys that gpg makes and exports (K1, K2, K3, about 222 bytes each):
# truncated packets, flipped bits, broken armor, 2 GB length fields,
# garbage, empty files, directories.  What must hold:
#   - exit status 2 when an input is unreadable or damaged, 1 when only
#     keys were rejected, 0 otherwise; never a crash (status >= 128) or a
#     sanitizer report (run with WEFT=build-san/weft for ASan + UBSan);
#   - one stderr line per problem, "weft: FILE: ...", naming the problem;
#   - keys before the damage are imported, the damaged key is not, and
#     nothing else changes: `weft fsck` exits 0 and a keyring that already
#     held keys exports the same bytes afterwards;
#   - a 2 GB length field is refused without allocating it.
. "$(dirname "$0")/lib.sh"

# ---- fixtures ----------------------------------------------------------------

for i in 1 2 3; do
	G --quick-gen-key "Key$i <k$i@example.org>" ed25519 sign,cert never
done
fpr_of() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/{print $10; exit}'; }
K1=$(fpr_of k1@example.org) K2=$(fpr_of k2@example.org) K3=$(fpr_of k3@example.org)
G --export "$K1" >"$T/k1.pgp"
G --export "$K2" >"$T/k2.pgp"
G --export "$K3" >"$T/k3.pgp"
cat "$T/k1.pgp" "$T/k2.pgp" "$T/k3.pgp" >"$T/all.pgp"
G --armor --export "$K1" "$K2" "$K3" >"$T/all.asc"

# Packet framing for the python snippets: pk.packets(data) lists
# (offset, header length, tag, body length).
cat >"$T/pk.py" <<'EOF'
def packets(d):
    i = 0; out = []
    while i < len(d):
        c = d[i]
        if c & 0x40:
            tag = c & 0x3f; l = d[i + 1]
            if l < 192: n, h = l, 2
            elif l < 224: n, h = ((l - 192) << 8) + d[i + 2] + 192, 3
            elif l == 255: n, h = int.from_bytes(d[i + 2:i + 6], 'big'), 6
            else: raise ValueError('partial length')
        else:
            tag = (c >> 2) & 15; h = 1 + (1, 2, 4)[c & 3]
            n = int.from_bytes(d[i + 1:i + h], 'big')
        out.append((i, h, tag, n)); i += h + n
    return out
def rd(p): return open(p, 'rb').read()
def wr(p, b): open(p, 'wb').write(b)
EOF
py() { (cd "$T" && python3 -c "import pk; from pk import *; $1"); }

# imp HOME FILE...: import; RC, $T/out, $T/err.
imp() {
	local h=$1
	shift
	WH=$h W import "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# fprs HOME: sorted JSON list of the fingerprints in the keyring.
fprs() { WH=$1 W --json list | J 'sorted(k["fingerprint"] for k in d["keys"])'; }
fl() { python3 -c 'import json,sys; print(json.dumps(sorted(sys.argv[1:])))' "$@"; }
# errlines NAME LABEL N: the stderr of the last import has exactly N lines,
# each "weft: LABEL: ...", and no sanitizer report.
errlines() {
	local name=$1 label=$2 n=$3
	check_eq "$name: stderr lines all start with \"weft: $label: \"" \
		"$(awk -v p="weft: $label: " 'index($0, p) != 1 {c++} END {print c + 0}' "$T/err")" 0
	check_eq "$name: exactly $n stderr line(s)" "$(wc -l <"$T/err" | tr -d ' ')" "$n"
	check_eq "$name: no sanitizer report" \
		"$(grep -cE 'Sanitizer|runtime error|==[0-9]+==' "$T/err")" 0
}
# grepc NAME PATTERN: exactly one stderr line matches the extended regex.
grepc() { check_eq "$1" "$(grep -cE "$2" "$T/err")" 1; }
fsck_ok() { check_eq "$1: fsck exit 0" "$(WH=$2 W fsck >/dev/null 2>&1; echo $?)" 0; }

imp "$T/h-all" "$T/all.pgp"
check_eq "fixture: the 3 keys import cleanly (exit 0)" "$RC" 0
check_eq "fixture: 3 keys" "$(fprs "$T/h-all")" "$(fl "$K1" "$K2" "$K3")"
WH=$T/h-all W export >"$T/all-weft.pgp"
imp "$T/h-k1" "$T/k1.pgp"
WH=$T/h-k1 W export >"$T/k1-weft.pgp"
imp "$T/h-k13" "$T/k1.pgp" "$T/k3.pgp"
WH=$T/h-k13 W export >"$T/k13-weft.pgp"
check_eq "fixture: K2 is 3 packets: key, user ID, self-signature" \
	"$(py 'print([p[2] for p in packets(rd("k2.pgp"))])')" "[6, 13, 2]"

# ---- 1. truncated -------------------------------------------------------------
# K1 followed by K2 cut short.  The main case cuts K2 in the middle of its
# self-signature; the others cut it in its key packet, its user ID, and in
# the packet headers.  Each time: K1 in, K2 out, exit 2, one line saying
# "truncated".
for spec in "sig-middle:o3+h3+n3//2" "sig-1-byte-short:len(d)-1" "sig-header:o3+1" \
	    "uid-middle:o2+h2+5" "uid-header:o2+1" "key-packet-middle:20" "key-header:1"; do
	name=${spec%%:*} expr=${spec#*:}
	py "d = rd('k2.pgp'); (o1,h1,t1,n1),(o2,h2,t2,n2),(o3,h3,t3,n3) = packets(d); wr('trunc-$name.pgp', rd('k1.pgp') + d[:$expr])"
	f=$T/trunc-$name.pgp h=$T/h-trunc-$name
	imp "$h" "$f"
	check_eq "truncated ($name): exit 2" "$RC" 2
	grepc "truncated ($name): one line names the file and says truncated" "^weft: $f: .*truncated"
	errlines "truncated ($name)" "$f" 1
	check_eq "truncated ($name): K1 imported, K2 not" "$(fprs "$h")" "$(fl "$K1")"
	check_eq "truncated ($name): list K2 matches nothing (exit 1)" \
		"$(WH=$h W list "$K2" >/dev/null 2>&1; echo $?)" 1
	fsck_ok "truncated ($name)" "$h"
	WH=$h W export >"$T/exp.pgp"
	check_diff "truncated ($name): keyring holds exactly what K1 alone gives" "$T/k1-weft.pgp" "$T/exp.pgp"
done
# The case the issue spells out, with its summary line.
imp "$T/h-t1" "$T/trunc-sig-middle.pgp"
check_eq "truncated (sig-middle): summary counts K2 as rejected" "$(head -n 1 "$T/out")" \
	"$T/trunc-sig-middle.pgp: 2 keys: 1 new, 0 updated, 0 unchanged, 1 rejected"
SIGLEN=$(py 'print(packets(rd("k2.pgp"))[2][3])')
check_eq "truncated (sig-1-byte-short): message gives the byte counts" \
	"$(imp "$T/h-t2" "$T/trunc-sig-1-byte-short.pgp"; grep -oE 'declares [0-9]+ bytes, [0-9]+ left' "$T/err")" \
	"declares $SIGLEN bytes, $((SIGLEN - 1)) left"
# Cut exactly after K2's user ID: framing intact, K2 just lacks its
# self-signature: a rejection (exit 1), not damage.
py "d = rd('k2.pgp'); p = packets(d); wr('nosig.pgp', rd('k1.pgp') + d[:p[2][0]])"
imp "$T/h-nosig" "$T/nosig.pgp"
check_eq "K2 without self-signature: exit 1" "$RC" 1
grepc "K2 without self-signature: rejection names file and key" "^weft: $T/nosig.pgp: rejected key $K2.*no valid user ID"
errlines "K2 without self-signature" "$T/nosig.pgp" 1
check_eq "K2 without self-signature: K1 imported" "$(fprs "$T/h-nosig")" "$(fl "$K1")"

# ---- 2. bad self-signature ------------------------------------------------------
# K1 + K2 + K3, with one bit flipped in K2's self-signature: in the last
# MPI (the digest prefix still matches, so the EdDSA check itself must
# fail), or in the hashed creation time (prefix mismatch).
py "d = bytearray(rd('k2.pgp')); o,h,t,n = packets(bytes(d))[2]; d[o+h+n-10] ^= 0x01; wr('badsig-mpi.pgp', rd('k1.pgp') + bytes(d) + rd('k3.pgp'))"
py "d = bytearray(rd('k2.pgp')); o,h,t,n = packets(bytes(d))[2]; b = bytes(d[o+h:o+h+n]); hl = int.from_bytes(b[4:6], 'big'); a = b[6:6+hl]; i = 0
while a[i+1] & 0x7f != 2: i += 1 + a[i]
d[o+h+6+i+2+3] ^= 0x01; wr('badsig-time.pgp', rd('k1.pgp') + bytes(d) + rd('k3.pgp'))"
for v in mpi time; do
	f=$T/badsig-$v.pgp h=$T/h-badsig-$v
	imp "$h" "$f"
	check_eq "bad self-sig ($v): exit 1" "$RC" 1
	check_eq "bad self-sig ($v): summary" "$(head -n 1 "$T/out")" \
		"$f: 3 keys: 2 new, 0 updated, 0 unchanged, 1 rejected"
	grepc "bad self-sig ($v): rejection names file, K2 and the self-signature" \
		"^weft: $f: rejected key $K2 .*self-signature"
	grepc "bad self-sig ($v): rejection mentions the user ID" "^weft: $f: .*user ID"
	errlines "bad self-sig ($v)" "$f" 1
	check_eq "bad self-sig ($v): K1 and K3 imported" "$(fprs "$h")" "$(fl "$K1" "$K3")"
	fsck_ok "bad self-sig ($v)" "$h"
	WH=$h W export >"$T/exp.pgp"
	check_diff "bad self-sig ($v): keyring = K1 + K3 exactly" "$T/k13-weft.pgp" "$T/exp.pgp"
done

# ---- 3. armor -------------------------------------------------------------------
py "L = open('all.asc').read().split('\n'); i = [k for k, l in enumerate(L) if l.startswith('=') and len(l) == 5][0]
L[i] = '=' + ('A' if L[i][1] != 'A' else 'B') + L[i][2:]; open('badcrc.asc', 'w').write('\n'.join(L))"
imp "$T/h-crc" "$T/badcrc.asc"
check_eq "armor, bad CRC: exit 2" "$RC" 2
grepc "armor, bad CRC: names file and CRC" "^weft: $T/badcrc.asc: .*(CRC|checksum)"
errlines "armor, bad CRC" "$T/badcrc.asc" 1
check_eq "armor, bad CRC: nothing imported" "$(fprs "$T/h-crc")" "[]"
fsck_ok "armor, bad CRC" "$T/h-crc"
# '!' in the 3rd base64 line (file line 5), column 11.
py "L = open('all.asc').read().split('\n'); b = L.index('') + 1; s = L[b + 2]; L[b + 2] = s[:10] + '!' + s[11:]
assert b + 3 == 5; open('bad64.asc', 'w').write('\n'.join(L))"
imp "$T/h-b64" "$T/bad64.asc"
check_eq "armor, invalid base64: exit 2" "$RC" 2
grepc "armor, invalid base64: names file, the character and line 5" "^weft: $T/bad64.asc: .*(base64|radix64).*line 5"
errlines "armor, invalid base64" "$T/bad64.asc" 1
check_eq "armor, invalid base64: nothing imported" "$(fprs "$T/h-b64")" "[]"
# No END line.
head -n 4 "$T/all.asc" >"$T/noend.asc"
imp "$T/h-noend" "$T/noend.asc"
check_eq "armor, no END line: exit 2" "$RC" 2
grepc "armor, no END line: says END is missing" "^weft: $T/noend.asc: .*END"
errlines "armor, no END line" "$T/noend.asc" 1
check_eq "armor, no END line: nothing imported" "$(fprs "$T/h-noend")" "[]"
# Valid base64 of random bytes between BEGIN and END.
{
	echo '-----BEGIN PGP PUBLIC KEY BLOCK-----'
	echo
	python3 -c 'import random, base64; r = random.Random(7); b = bytearray(r.randrange(256) for _ in range(600)); b[0] = 0x3f; print(base64.encodebytes(bytes(b)).decode(), end="")'
	echo '-----END PGP PUBLIC KEY BLOCK-----'
} >"$T/garbage-armor.asc"
imp "$T/h-garm" "$T/garbage-armor.asc"
check_eq "armor around garbage: exit 2" "$RC" 2
errlines "armor around garbage" "$T/garbage-armor.asc" 1
check_eq "armor around garbage: nothing imported" "$(fprs "$T/h-garm")" "[]"

# ---- 4. 2 GB length fields --------------------------------------------------------
# A public-key packet header claiming 2^31-1 body octets, then 60 real ones;
# alone, and after K1.  New format: 0xC6 0xFF + 4 octets; old format:
# 0x9A (tag 6, length type 2) + 4 octets; also old format 0xFFFFFFFF.
py "t = b'\x04' + bytes(59)
wr('big-new.pgp', bytes([0xc6, 0xff, 0x7f, 0xff, 0xff, 0xff]) + t)
wr('big-old.pgp', bytes([0x9a, 0x7f, 0xff, 0xff, 0xff]) + t)
wr('big-old4g.pgp', bytes([0x9a, 0xff, 0xff, 0xff, 0xff]) + t)
wr('k1-big-new.pgp', rd('k1.pgp') + rd('big-new.pgp'))
wr('k1-big-old.pgp', rd('k1.pgp') + rd('big-old.pgp'))"
# Run weft under a cap on address space when it can be set: LMDB reserves
# the 32 GiB map of the keyring as address space, so find the smallest cap
# with which a normal import works and allow 1 GB on top; a 2 GB
# allocation then fails.  ASan reserves terabytes of shadow memory, so for
# a sanitizer build ASAN_OPTIONS caps single allocations at 64 MB instead.
# Either way, the peak RSS is measured too.
VMCAP=
if ldd "$WEFT" 2>/dev/null | grep -q libasan; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=64:allocator_may_return_null=0"
	echo "NOTE sanitizer build: single allocations capped at 64 MB"
elif (ulimit -v 68719476736 && WH=$T/h-vm0 W import -q "$T/k1.pgp" 2>/dev/null); then
	lo=1024 hi=68719476736
	while [ $((hi - lo)) -gt 4096 ]; do
		m=$(((lo + hi) / 2))
		rm -rf "$T/h-vm"
		if (ulimit -v "$m" && WH=$T/h-vm W import -q "$T/k1.pgp" >/dev/null 2>&1); then hi=$m; else lo=$m; fi
	done
	VMCAP=$((hi + 1000000))
	echo "NOTE a normal import needs $hi kB of address space; cap for the 2 GB tests: $VMCAP kB"
else
	echo "NOTE ulimit -v not usable here; only the peak RSS is checked"
fi
# big NAME FILE SIZE [KEYS]: import FILE under the cap, check the message
# names SIZE, peak RSS < 64 MB, exit 2, and the keyring holds KEYS.
big() {
	local name=$1 f=$2 size=$3 want=${4:-} h=$T/h-$1 rss
	rss=$(
		[ -n "$VMCAP" ] && ulimit -v "$VMCAP"
		python3 -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1] + ".out", "w"), stderr=open(sys.argv[1] + ".err", "w")).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
			"$T/big" "$WEFT" --home "$h" import "$f"
	)
	cp "$T/big.err" "$T/err"
	check_eq "$name: exit 2" "${rss% *}" 2
	check_eq "$name: peak RSS under 64 MB" "$([ "${rss#* }" -lt 65536 ] && echo yes || echo "no (${rss#* } kB)")" yes
	grepc "$name: one line names the file and the declared size $size" "^weft: $f: .*$size"
	errlines "$name" "$f" 1
	check_eq "$name: keyring content" "$(fprs "$h")" "$(fl ${want:+"$want"})"
	fsck_ok "$name" "$h"
}
big "2GB new-format length" "$T/big-new.pgp" 2147483647
big "2GB old-format length" "$T/big-old.pgp" 2147483647
big "4GB old-format length" "$T/big-old4g.pgp" 4294967295
big "K1 then 2GB new-format key packet" "$T/k1-big-new.pgp" 2147483647 "$K1"
big "K1 then 2GB old-format key packet" "$T/k1-big-old.pgp" 2147483647 "$K1"

# ---- 5. garbage, empty, not a file -------------------------------------------------
py "import random
r = random.Random(1); b = bytearray(r.randrange(256) for _ in range(1000)); b[0] &= 0x7f; wr('garbage-text.bin', bytes(b))
for s in (1, 3, 4, 6):
    r = random.Random(s); b = bytearray(r.randrange(256) for _ in range(1000)); b[0] |= 0x80; wr('garbage-ctb%d.bin' % s, bytes(b))"
: >"$T/empty.pgp"
printf 'hello\nthis is not a key\n' >"$T/text.txt"
for f in garbage-text.bin garbage-ctb1.bin garbage-ctb3.bin garbage-ctb4.bin garbage-ctb6.bin empty.pgp text.txt; do
	imp "$T/h-$f" "$T/$f"
	check_eq "$f: exit 2" "$RC" 2
	errlines "$f" "$T/$f" 1
	check_eq "$f: nothing imported" "$(fprs "$T/h-$f")" "[]"
	fsck_ok "$f" "$T/h-$f"
done
mkdir "$T/adir"
imp "$T/h-dir" "$T/adir"
check_eq "directory as input: exit 2" "$RC" 2
grepc "directory as input: says it is a directory" "^weft: $T/adir: .*[Dd]irectory"
errlines "directory as input" "$T/adir" 1
imp "$T/h-nx" "$T/no-such-file.pgp"
check_eq "nonexistent file: exit 2" "$RC" 2
grepc "nonexistent file: says so" "^weft: $T/no-such-file.pgp: .*(No such file|not found|does not exist)"
errlines "nonexistent file" "$T/no-such-file.pgp" 1
# An unreadable file (chmod 000) cannot be tested as root: root reads it.
if [ "$(id -u)" != 0 ]; then
	cp "$T/k1.pgp" "$T/unreadable.pgp"
	chmod 000 "$T/unreadable.pgp"
	imp "$T/h-unr" "$T/unreadable.pgp"
	check_eq "unreadable file: exit 2" "$RC" 2
	grepc "unreadable file: permission denied" "^weft: $T/unreadable.pgp: .*[Pp]ermission denied"
	errlines "unreadable file" "$T/unreadable.pgp" 1
else
	echo "NOTE unreadable-file case skipped: running as root, chmod 000 does not stop reads"
fi
# Standard input.
WH=$T/h-stdin W import - <"$T/garbage-ctb1.bin" >"$T/out" 2>"$T/err"
check_eq "garbage on stdin: exit 2" $? 2
check_eq "garbage on stdin: one stderr line, starting \"weft: \"" \
	"$(wc -l <"$T/err" | tr -d ' ') $(grep -c '^weft: ' "$T/err")" "1 1"
# Several inputs: damage in one does not stop the others.
imp "$T/h-multi" "$T/k1.pgp" "$T/badcrc.asc" "$T/garbage-text.bin" "$T/k3.pgp"
check_eq "good, bad CRC, garbage, good: exit 2" "$RC" 2
check_eq "good, bad CRC, garbage, good: both good files imported" "$(fprs "$T/h-multi")" "$(fl "$K1" "$K3")"
check_eq "good, bad CRC, garbage, good: 2 stderr lines, one per bad file" \
	"$(wc -l <"$T/err" | tr -d ' ') $(grep -c "^weft: $T/badcrc.asc: " "$T/err") $(grep -c "^weft: $T/garbage-text.bin: " "$T/err")" "2 1 1"
check_eq "good, bad CRC, garbage, good: summary lines for the good files" \
	"$(grep -c -e "^$T/k1.pgp: 1 key: 1 new" -e "^$T/k3.pgp: 1 key: 1 new" "$T/out")" 2

# ---- 6. bit flips ---------------------------------------------------------------
# 200 single-bit flips spread over K2 (about 222 octets = 1776 bits),
# each imported into a fresh keyring.
NFLIP=200
K2LEN=$(wc -c <"$T/k2.pgp")
py "d = rd('k2.pgp'); nb = len(d) * 8
for i in range($NFLIP):
    b = i * nb // $NFLIP; x = bytearray(d); x[b // 8] ^= 1 << (b % 8); wr('flip%03d.pgp' % i, bytes(x))"
badrc="" san="" fsckbad="" fmt="" okfp="" n0=0 n1=0 n2=0 runs=0
for i in $(seq -f %03g 0 $((NFLIP - 1))); do
	f=$T/flip$i.pgp h=$T/h-flip
	rm -rf "$h"
	imp "$h" "$f"
	runs=$((runs + 1))
	case $RC in
	0) n0=$((n0 + 1)) ;;
	1) n1=$((n1 + 1)) ;;
	2) n2=$((n2 + 1)) ;;
	*) badrc="$badrc $i:$RC" ;;
	esac
	grep -qE 'Sanitizer|runtime error|==[0-9]+==' "$T/err" && san="$san $i"
	awk -v p="weft: $f: " 'index($0, p) != 1 {bad = 1} END {exit bad}' "$T/err" || fmt="$fmt $i"
	# exit 0 means K2 was imported, and only K2.
	[ "$RC" = 0 ] && [ "$(fprs "$h")" != "$(fl "$K2")" ] && okfp="$okfp $i"
	WH=$h W fsck >/dev/null 2>&1 || fsckbad="$fsckbad $i"
done
echo "NOTE bit flips: $n0 exit 0, $n1 exit 1, $n2 exit 2"
check_eq "bit flips: $NFLIP imports ran" "$runs" "$NFLIP"
check_eq "bit flips: every exit status in {0,1,2} (positions:status)" "$badrc" ""
check_eq "bit flips: no sanitizer report (positions)" "$san" ""
check_eq "bit flips: every stderr line is \"weft: FILE: ...\" (positions)" "$fmt" ""
check_eq "bit flips: exit 0 means K2 and only K2 is stored (positions)" "$okfp" ""
check_eq "bit flips: fsck exits 0 afterwards (positions)" "$fsckbad" ""
# Flips in the signature value (the two EdDSA MPIs, the last ~68 octets;
# the last 64 for sure) must all be rejected: exit 1, not 0.
mpibad="" nmpi=0
for i in $(seq -f %03g 0 $((NFLIP - 1))); do
	b=$((10#$i * K2LEN * 8 / NFLIP / 8))
	if [ "$b" -ge $((K2LEN - 64)) ]; then
		nmpi=$((nmpi + 1))
		rm -rf "$T/h-flip"
		imp "$T/h-flip" "$T/flip$i.pgp"
		[ "$RC" = 1 ] || mpibad="$mpibad $i:$RC"
	fi
done
check "bit flips in the signature value: at least 20 of them ($nmpi)" [ "$nmpi" -ge 20 ]
check_eq "bit flips in the signature value: each one rejected (exit 1)" "$mpibad" ""

# ---- 7. the keyring stays intact ------------------------------------------------
# A keyring holding K1..K3 must export the same bytes after each bad import.
h=$T/h-all
for f in trunc-sig-middle.pgp trunc-key-header.pgp badsig-mpi.pgp badcrc.asc bad64.asc \
	 garbage-armor.asc big-new.pgp k1-big-old.pgp garbage-ctb1.bin garbage-text.bin empty.pgp flip100.pgp; do
	WH=$h W import "$T/$f" >/dev/null 2>"$T/err"
	WH=$h W export >"$T/exp.pgp"
	check_diff "keyring intact after $f: same export bytes" "$T/all-weft.pgp" "$T/exp.pgp"
	check_eq "keyring intact after $f: no sanitizer report" \
		"$(grep -cE 'Sanitizer|runtime error|==[0-9]+==' "$T/err")" 0
done
fsck_ok "keyring intact after all bad imports" "$h"
check_eq "keyring intact: still exactly K1, K2, K3" "$(fprs "$h")" "$(fl "$K1" "$K2" "$K3")"
finish
