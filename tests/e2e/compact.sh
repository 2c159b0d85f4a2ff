#!/bin/bash
# tests/e2e/compact.sh - weft import rewrites the keyring compactly
# (weft_compact, keyring/store/compact.c) after storing WEFT_COMPACT_AFTER
# certificates or more, and weft fsck --compact on request, only when no
# other weft has the keyring open.
#
# The input is a generated web of trust (tests/bench/genkeyring.py) of
# WEFT_COMPACT_AFTER + 600 keys.
#  1. One import into A: "keyring compacted: X MB -> Y MB" with Y <= X,
#     the file's size is Y, no data.mdb.compact is left, weft.lock is
#     private (0600), fsck passes; --json import again (nothing new) does
#     not compact ("compacted": false).
#  2. The same keys imported in two pieces (each under the threshold:
#     no compaction) into B: export, check --json and list --json (with
#     the generator's roots as trust roots) identical to A's: the
#     compacted file holds the same keyring.
#  (3-5 start from a keyring of the web's first 100 keys, 600 for 4,
#     so that the import of the whole web stores WEFT_COMPACT_AFTER.)
#  3. A stray data.mdb.compact (a compaction interrupted before its
#     rename) in C: the import compacts all the same and the stray file
#     is gone.
#  4. Another weft holds D open (a listing blocked on a full pipe): the
#     import says "keyring not compacted: another weft has it open",
#     exits 0, and the listing, once read, is whole and its keyring
#     passes fsck; --json says "compacted": false.
#  5. A keyring of an older weft (no weft.lock): a read-only command
#     works and the next large import compacts it.
#  6. mdb_dump (another LMDB program, which knows nothing of weft.lock)
#     holds F open: the import does not compact, and F is whole.
#  (7 and 8 run weft as another user, nobody, when the test runs as root:
#     root writes weft.lock whatever its mode.)
#  7. A writer that cannot open weft.lock for writing (mode 0400 here)
#     still holds it shared, through a read-only descriptor: an import
#     (that can write it) beside it says "another weft has it open" --
#     weft.lock told it, not LMDB's lock -- and the keyring is whole.
#  8. Such a writer does not compact, and says why: "keyring not
#     compacted: cannot open DIR/weft.lock for writing: Permission
#     denied" (--json: "not_compacted" the same); without weft.lock in a
#     directory it cannot write (no lock at all): "cannot create
#     DIR/weft.lock: Permission denied"; every key is stored, no copy is
#     left.
#  (9 and 10 inject errors with strace -P, into weft.lock's and the
#     keyring directory's system calls only.)
#  9. Locking weft.lock fails otherwise (ENOLCK): when the keyring is
#     opened (the store holds no lock) and when the compaction asks for
#     the exclusive lock -- the import says "cannot lock DIR/weft.lock:
#     No locks available", not "another weft".
# 10. Syncing the directory after the rename fails (EIO): the import
#     says "keyring compacted" and warns that the directory was not
#     synced, exits 0, the keyring is the compacted file and passes fsck;
#     --json: "compacted": true.
# (11-14: weft fsck --compact, compaction on request.)
# 11. On B (two imports under the threshold: never compacted): fsck
#     --compact says its fsck line and "keyring compacted: X MB -> Y MB",
#     exits 0; data.mdb is a new file (another inode) no larger than
#     before, of the size it says; fsck, check --json, list --json and
#     export give what they gave before.  weft help fsck tells of it.
# 12. Another weft holds B open (a listing blocked on a full pipe):
#     "keyring not compacted: another weft has it open", exit 0, the file
#     untouched; --json: "compacted": false, "not_compacted" the same.
#     Once it has gone: --json fsck --compact: [true, null]; fsck --json
#     without it: [false, null].
# 13. A keyring with a stray index entry (mdb_load): fsck --compact
#     exits 1, lists the problem, "keyring not compacted: fsck found
#     problems" (--json the same), and the file is as it was.
# 14. A missing keyring, or a directory without one: one line, "weft:
#     there is no keyring in DIR", exit 2, nothing created.  As nobody
#     when root: a read-only data.mdb (fsck alone works) and a read-only
#     directory (the copy cannot be made): one line saying so, exit 2,
#     the file untouched.
# 15. Nothing to gain: WEFT_IMPORT_CHUNK (= WEFT_COMPACT_AFTER) new keys
#     into an empty keyring are one transaction, which leaves no free
#     pages (weft_compact_spare), in a file below WEFT_COMPACT_LARGE: the
#     import stores them all and does not compact -- no "keyring
#     compacted" line, --json "compacted": false, "not_compacted": null
#     -- and fsck --compact then shrinks the file by less than an eighth.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
GEN=$here/../bench/genkeyring.py
TOOLS=$here/tools
HDR=$here/../../include/weft/store.h
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

N=$(sed -n 's/^#define WEFT_COMPACT_AFTER \([0-9][0-9]*\).*/\1/p' "$HDR")
if ! [ "${N:-0}" -gt 0 ] 2>/dev/null; then
	fail "setup: WEFT_COMPACT_AFTER not found in $HDR" "[$N]"
	finish
	exit
fi
NKEYS=$((N + 600))
HALF=$((NKEYS / 2))
echo "WEFT_COMPACT_AFTER=$N; web of $NKEYS keys"
$PY "$GEN" -q -n "$NKEYS" -s 5 "$T/web.pgp" || { fail "genkeyring"; finish; exit; }
ROOTS=$($PY -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["roots"]))' "$T/web.pgp.json")

WK() { local h=$1; shift; "$WEFT" --home "$h" "$@"; }
size() { stat -c %s "$1/data.mdb"; }
fsck_ok() {
	local out
	out=$("$WEFT" --home "$1" fsck 2>&1) && return 0
	echo "$out" | head -n 5
	return 1
}
# "X Y" of "keyring compacted: X MB -> Y MB", in $T/out
compacted_mb() { sed -n 's/^keyring compacted: \([0-9.]*\) MB -> \([0-9.]*\) MB$/\1 \2/p' "$T/out"; }
add_roots() { local r; for r in $ROOTS; do WK "$1" -q root add "$r" >/dev/null 2>&1 || fail "root add $r to $1"; done; }
views() {
	WK "$1" --json check >"$2.check"
	WK "$1" --json list >"$2.list"
	WK "$1" export -o "$2.exp"
}

# ---- 1. a large import compacts ----
WK "$T/A" import "$T/web.pgp" >"$T/out" 2>"$T/err"
check_eq "1: import A exits 0" "$?" 0
read -r before after <<<"$(compacted_mb)"
check "1: import A says it compacted the keyring" test -n "$after"
check "1: the file did not grow ($before -> $after MB)" \
	$PY -c "import sys; sys.exit(not float(sys.argv[2]) <= float(sys.argv[1]))" "${before:-0}" "${after:-1}"
check_eq "1: the file's size is what it says" \
	"$($PY -c "print('%.1f' % ($(size "$T/A") / 1e6))")" "$after"
check "1: no data.mdb.compact left" test ! -e "$T/A/data.mdb.compact"
check_eq "1: weft.lock is private" "$(stat -c %a "$T/A/weft.lock")" 600
check "1: fsck passes on the compacted keyring" fsck_ok "$T/A"
check_eq "1: every key is there" "$(WK "$T/A" --json list | J 'len(d["keys"])')" "$NKEYS"
WK "$T/A" --json import "$T/web.pgp" >"$T/again.json"
check_eq "1: nothing new: not compacted (--json)" "$(J 'd["compacted"]' <"$T/again.json")" false

# ---- 2. the compacted keyring is the same keyring ----
$PY - "$TOOLS" "$T/web.pgp" "$T/piece" "$HALF" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from pgpsplit import blocks
bl = [b for _, b in blocks(open(sys.argv[2], "rb").read())]
k = int(sys.argv[4])
open(sys.argv[3] + ".1", "wb").write(b"".join(bl[:k]))
open(sys.argv[3] + ".2", "wb").write(b"".join(bl[k:]))
open(sys.argv[3] + ".small", "wb").write(b"".join(bl[:100]))
open(sys.argv[3] + ".d", "wb").write(b"".join(bl[:600]))
EOF
WK "$T/B" import "$T/piece.1" >"$T/out1" 2>&1
WK "$T/B" import "$T/piece.2" >"$T/out2" 2>&1
check_eq "2: pieces under the threshold are not compacted" \
	"$(cat "$T/out1" "$T/out2" | grep -c 'compacted')" 0
add_roots "$T/A"
add_roots "$T/B"
views "$T/A" "$T/va"
views "$T/B" "$T/vb"
check_diff "2: export of the compacted keyring = the other's" "$T/va.exp" "$T/vb.exp"
check_diff "2: check --json identical" "$T/va.check" "$T/vb.check"
check_diff "2: list --json identical" "$T/va.list" "$T/vb.list"
check "2: check authenticated bindings" test "$(J 'd["authenticated"]' <"$T/va.check" 2>/dev/null || echo 0)" -gt 0

# ---- 3. a stray copy of an interrupted compaction ----
WK "$T/C" import "$T/piece.small" >/dev/null 2>&1
head -c 12345 /dev/urandom >"$T/C/data.mdb.compact"
WK "$T/C" import "$T/web.pgp" >"$T/out" 2>"$T/err"
check_eq "3: import exits 0 over a stray data.mdb.compact" "$?" 0
check "3: it compacted all the same" test -n "$(compacted_mb)"
check "3: the stray file is gone" test ! -e "$T/C/data.mdb.compact"
check "3: fsck passes" fsck_ok "$T/C"

# ---- 4. another weft has the keyring open ----
WK "$T/D" import "$T/piece.d" >/dev/null 2>&1
mkfifo "$T/fifo"
# list writes far more than a pipe holds, so it stays in its
# transaction, keyring open, until the reader below starts reading.
WK "$T/D" list >"$T/fifo" 2>"$T/list.err" &
lister=$!
exec 7<"$T/fifo"
sleep 0.5
WK "$T/D" import "$T/web.pgp" >"$T/out" 2>"$T/err"
rc=$?
cat <&7 >"$T/listing"
exec 7<&-
wait "$lister"
check_eq "4: the listing ends well" "$?" 0
check_eq "4: import beside it exits 0" "$rc" 0
check_eq "4: it says why it did not compact" \
	"$(grep -c '^keyring not compacted: another weft has it open$' "$T/out")" 1
check_eq "4: the listing is whole (600 keys)" "$(grep -c '^pub' "$T/listing")" 600
check "4: fsck passes" fsck_ok "$T/D"
check_eq "4: every key is in D" "$(WK "$T/D" --json list | J 'len(d["keys"])')" "$NKEYS"

# ---- 5. a keyring without weft.lock (an older weft's) ----
WK "$T/E" import "$T/piece.small" >/dev/null 2>&1
rm -f "$T/E/weft.lock"
check_eq "5: list works without weft.lock" "$(WK "$T/E" -q list | grep -c '^pub')" 100
WK "$T/E" import "$T/web.pgp" >"$T/out" 2>"$T/err"
check "5: the next large import compacts it" test -n "$(compacted_mb)"
check "5: fsck passes" fsck_ok "$T/E"

# ---- 6. another LMDB program has the keyring open (no weft.lock) ----
if command -v mdb_dump >/dev/null; then
	WK "$T/F" import "$T/piece.small" >/dev/null 2>&1
	mkfifo "$T/fifo6"
	mdb_dump -a "$T/F" >"$T/fifo6" 2>/dev/null &
	dumper=$!
	exec 8<"$T/fifo6"
	sleep 0.5
	WK "$T/F" import "$T/web.pgp" >"$T/out" 2>"$T/err"
	rc=$?
	cat <&8 >/dev/null
	exec 8<&-
	wait "$dumper"
	check_eq "6: import beside mdb_dump exits 0" "$rc" 0
	check_eq "6: it does not compact under mdb_dump" \
		"$(grep -c '^keyring not compacted' "$T/out")" 1
	check "6: fsck passes" fsck_ok "$T/F"
	check_eq "6: every key is in F" "$(WK "$T/F" --json list | J 'len(d["keys"])')" "$NKEYS"
else
	fail "6: mdb_dump (lmdb-utils) is missing"
fi

# A base of 100 keys in a fresh keyring H, as the user the import runs as.
base() { "$@" import "$T/piece.small" >/dev/null 2>&1; }
nkeys() { "$WEFT" --home "$1" --json list | J 'len(d["keys"])'; }

# ---- 7-8. a weft that cannot write weft.lock ----
UH=$T/u
mkdir "$UH"
if [ "$(id -u)" != 0 ]; then
	AS=()
elif setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 711 "$T"
	chown 65534:65534 "$UH"
	chmod a+r "$T/web.pgp" "$T/piece.small"
else
	AS=(none)
fi
U() { local h=$1; shift; "${AS[@]}" "$WEFT" --home "$h" "$@"; }
if [ "${AS[*]}" = none ]; then
	echo "NOTE 7-8 skipped: root, and setpriv cannot run weft as nobody"
else
	# 7. a writer with a read-only weft.lock, held open (its input
	# a FIFO nobody writes to yet); an import beside it
	base U "$UH/G"
	chmod 0400 "$UH/G/weft.lock"
	mkfifo "$T/fifo7"
	chmod a+rw "$T/fifo7"
	"${AS[@]}" "$WEFT" --home "$UH/G" import "$T/fifo7" >"$T/out7" 2>&1 &
	holder=$!
	# its keyring is open once lock.mdb is (weft.lock is locked first)
	for _ in $(seq 200); do
		ls -l /proc/$holder/fd 2>/dev/null | grep -q 'lock\.mdb$' && break
		sleep 0.05
	done
	check "7: the writer has the keyring open, weft.lock read-only" \
		bash -c "ls -l /proc/$holder/fd | grep -q '^lr-x.* $UH/G/weft\.lock\$'"
	check "7: and holds an OFD read lock on it" \
		grep -q "OFDLCK *ADVISORY *READ .*:$(stat -c %i "$UH/G/weft.lock") " /proc/locks
	chmod 0600 "$UH/G/weft.lock"
	U "$UH/G" import "$T/web.pgp" >"$T/out" 2>"$T/err"
	rc=$?
	exec 9>"$T/fifo7"
	exec 9>&-
	wait "$holder"
	check_eq "7: import beside it exits 0" "$rc" 0
	check_eq "7: weft.lock showed the other weft" \
		"$(grep -c '^keyring not compacted: another weft has it open$' "$T/out")" 1
	check "7: fsck passes" fsck_ok "$UH/G"
	check_eq "7: every key is in G" "$(nkeys "$UH/G")" "$NKEYS"

	# 8. that writer's own import
	base U "$UH/H"
	chmod 0400 "$UH/H/weft.lock"
	U "$UH/H" import "$T/web.pgp" >"$T/out" 2>"$T/err"
	check_eq "8: import with a read-only weft.lock exits 0" "$?" 0
	check_eq "8: it says why it did not compact" \
		"$(grep -c "^keyring not compacted: cannot open $UH/H/weft.lock for writing: Permission denied\$" "$T/out")" 1
	check "8: no data.mdb.compact" test ! -e "$UH/H/data.mdb.compact"
	check_eq "8: every key is in H" "$(nkeys "$UH/H")" "$NKEYS"
	base U "$UH/H2"
	chmod 0400 "$UH/H2/weft.lock"
	U "$UH/H2" --json import "$T/web.pgp" >"$T/out.json" 2>"$T/err"
	check_eq "8: --json: not compacted, and why" \
		"$(J '[d["compacted"], d["not_compacted"]]' <"$T/out.json")" \
		"[false, \"cannot open $UH/H2/weft.lock for writing: Permission denied\"]"
	base U "$UH/I"
	rm -f "$UH/I/weft.lock"
	chmod 0500 "$UH/I"
	U "$UH/I" import "$T/web.pgp" >"$T/out" 2>"$T/err"
	check_eq "8: import into a directory it cannot write, no weft.lock: exits 0" "$?" 0
	check_eq "8: it says it has no lock" \
		"$(grep -c "^keyring not compacted: cannot create $UH/I/weft.lock: Permission denied\$" "$T/out")" 1
	chmod 0700 "$UH/I"
	check "8: no data.mdb.compact" test ! -e "$UH/I/data.mdb.compact"
	check_eq "8: every key is in I" "$(nkeys "$UH/I")" "$NKEYS"
fi

# ---- 9-10. errors injected with strace ----
# LeakSanitizer cannot run under ptrace (a sanitizer build): leave the
# leak check out of these runs.
ST() { env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -o /dev/null "$@"; }
if command -v strace >/dev/null &&
   ST -e trace=fsync -e inject=fsync:error=EIO true 2>/dev/null; then
	# 9. ENOLCK from weft.lock's first fcntl (the shared lock, when the
	# keyring is opened) and from its second (the compaction's
	# exclusive lock)
	for when in 1 2; do
		K=$T/K$when
		base WK "$K"
		kp=$(cd "$K" && pwd -P)
		ST -P "$kp/weft.lock" -e trace=fcntl -e inject=fcntl:error=ENOLCK:when=$when \
			"$WEFT" --home "$K" import "$T/web.pgp" >"$T/out" 2>"$T/err"
		check_eq "9: ENOLCK on weft.lock's fcntl $when: import exits 0" "$?" 0
		check_eq "9: ENOLCK on weft.lock's fcntl $when: not compacted, and why" \
			"$(grep -c "^keyring not compacted: cannot lock $K/weft.lock: No locks available\$" "$T/out")" 1
		check "9: ENOLCK on weft.lock's fcntl $when: fsck passes" fsck_ok "$K"
		check_eq "9: ENOLCK on weft.lock's fcntl $when: every key is there" "$(nkeys "$K")" "$NKEYS"
	done

	# 10. EIO from the directory's fsync
	L=$T/L
	base WK "$L"
	lp=$(cd "$L" && pwd -P)
	ST -P "$lp" -e trace=fsync -e inject=fsync:error=EIO \
		"$WEFT" --home "$L" import "$T/web.pgp" >"$T/out" 2>"$T/err"
	check_eq "10: directory fsync fails: import exits 0" "$?" 0
	read -r before after <<<"$(compacted_mb)"
	check "10: it says it compacted the keyring" test -n "$after"
	check_eq "10: and warns that the directory was not synced" \
		"$(grep -c "^weft: warning: the keyring $L was compacted, but syncing the directory failed (Input/output error): after a system crash the keyring may be the old file again\$" "$T/err")" 1
	check_eq "10: the file's size is what it says" \
		"$($PY -c "print('%.1f' % ($(size "$L") / 1e6))")" "$after"
	check "10: no data.mdb.compact left" test ! -e "$L/data.mdb.compact"
	check "10: fsck passes" fsck_ok "$L"
	check_eq "10: every key is there" "$(nkeys "$L")" "$NKEYS"
	base WK "$T/L2"
	ST -P "$(cd "$T/L2" && pwd -P)" -e trace=fsync -e inject=fsync:error=EIO \
		"$WEFT" --home "$T/L2" --json import "$T/web.pgp" >"$T/out.json" 2>"$T/err"
	check_eq "10: --json: compacted, no reason against it" \
		"$(J '[d["compacted"], d["not_compacted"]]' <"$T/out.json")" "[true, null]"
else
	echo "NOTE 9-10 skipped: strace cannot inject errors here"
fi

# ---- 11. weft fsck --compact on a keyring never compacted ----
inode() { stat -c %i "$1/data.mdb"; }
WK "$T/B" fsck >"$T/fsck11.before" 2>&1
views "$T/B" "$T/v11b"
size11=$(size "$T/B")
ino11=$(inode "$T/B")
WK "$T/B" fsck --compact >"$T/out" 2>"$T/err"
check_eq "11: fsck --compact exits 0" "$?" 0
check_eq "11: it prints fsck's line first" "$(head -n 1 "$T/out")" "$NKEYS keys checked: every index is consistent"
read -r before after <<<"$(compacted_mb)"
check "11: it says it compacted the keyring" test -n "$after"
check_eq "11: nothing on standard error" "$(cat "$T/err")" ""
check "11: data.mdb is a new file" test "$(inode "$T/B")" != "$ino11"
check "11: no larger than before ($size11 -> $(size "$T/B") octets)" \
	test "$(size "$T/B")" -le "$size11"
check_eq "11: the file's size is what it says" \
	"$($PY -c "print('%.1f' % ($(size "$T/B") / 1e6))")" "$after"
check_eq "11: and the size before too" \
	"$($PY -c "print('%.1f' % ($size11 / 1e6))")" "$before"
check "11: no data.mdb.compact left" test ! -e "$T/B/data.mdb.compact"
WK "$T/B" fsck >"$T/fsck11.after" 2>&1
check_diff "11: fsck says what it said before" "$T/fsck11.before" "$T/fsck11.after"
views "$T/B" "$T/v11a"
check_diff "11: export identical" "$T/v11b.exp" "$T/v11a.exp"
check_diff "11: check --json identical" "$T/v11b.check" "$T/v11a.check"
check_diff "11: list --json identical" "$T/v11b.list" "$T/v11a.list"
check "11: weft help fsck tells of --compact" \
	bash -c "'$WEFT' help fsck | grep -q -- '^ *--compact '"

# ---- 12. fsck --compact beside another weft ----
mkfifo "$T/fifo12"
WK "$T/B" list >"$T/fifo12" 2>"$T/list12.err" &
lister=$!
exec 7<"$T/fifo12"
# the listing has the keyring open once lock.mdb is (weft.lock first)
for _ in $(seq 200); do
	ls -l /proc/$lister/fd 2>/dev/null | grep -q 'lock\.mdb$' && break
	sleep 0.05
done
ino12=$(inode "$T/B")
WK "$T/B" fsck --compact >"$T/out" 2>"$T/err"
rc=$?
WK "$T/B" --json fsck --compact >"$T/out12.json" 2>"$T/err12"
rcj=$?
cat <&7 >"$T/listing12"
exec 7<&-
wait "$lister"
check_eq "12: the listing ends well" "$?" 0
check_eq "12: fsck --compact beside it exits 0" "$rc" 0
check_eq "12: it says why it did not compact" \
	"$(grep -c '^keyring not compacted: another weft has it open$' "$T/out")" 1
check_eq "12: --json exits 0" "$rcj" 0
check_eq "12: --json: not compacted, and why" \
	"$(J '[d["consistent"], d["compacted"], d["not_compacted"]]' <"$T/out12.json")" \
	'[true, false, "another weft has it open"]'
check_eq "12: the file is the one it was" "$(inode "$T/B")" "$ino12"
check_eq "12: the listing is whole" "$(grep -c '^pub' "$T/listing12")" "$NKEYS"
WK "$T/B" --json fsck --compact >"$T/out12.json" 2>"$T/err12"
check_eq "12: alone again, --json fsck --compact exits 0" "$?" 0
check_eq "12: --json: compacted, nothing against it" \
	"$(J '[d["keys"], d["compacted"], d["not_compacted"]]' <"$T/out12.json")" \
	"[$NKEYS, true, null]"
check "12: --json: a new file" test "$(inode "$T/B")" != "$ino12"
WK "$T/B" --json fsck >"$T/out12.json" 2>"$T/err12"
check_eq "12: --json fsck without --compact: the members, nothing due" \
	"$(J '[d["compacted"], d["not_compacted"]]' <"$T/out12.json")" "[false, null]"

# ---- 13. fsck --compact on a keyring with problems ----
if command -v mdb_load >/dev/null && command -v mdb_dump >/dev/null; then
	P=$T/P
	base WK "$P"
	# a stray entry in the emails index: an address no certificate has
	{
		mdb_dump -s emails "$P" | sed -n '/^HEADER=END/q;p' |
			grep -v '^duplicates=\|^db_pagesize='
		echo HEADER=END
		echo " $(printf stray@example.invalid | od -An -tx1 | tr -d ' \n')"
		echo " 1111111111111111111111111111111111111111"
		echo DATA=END
	} >"$T/stray.txt"
	if mdb_load -s emails -f "$T/stray.txt" "$P" 2>"$T/err"; then
		cp "$P/data.mdb" "$T/P.data"
		WK "$P" fsck --compact >"$T/out" 2>"$T/err"
		check_eq "13: problems found: exit 1" "$?" 1
		check_eq "13: the problem is listed" \
			"$(grep -c '^index emails has a stray entry ' "$T/out")" 1
		check_eq "13: not compacted, and why" \
			"$(grep -c '^keyring not compacted: fsck found problems$' "$T/out")" 1
		check "13: the file is as it was" cmp -s "$P/data.mdb" "$T/P.data"
		WK "$P" --json fsck --compact >"$T/out13.json" 2>"$T/err"
		check_eq "13: --json: exit 1" "$?" 1
		check_eq "13: --json: not compacted, and why" \
			"$(J '[d["consistent"], d["compacted"], d["not_compacted"]]' <"$T/out13.json")" \
			'[false, false, "fsck found problems"]'
		check "13: --json: the file is as it was" cmp -s "$P/data.mdb" "$T/P.data"
	else
		fail "13: mdb_load could not add a stray entry" "$(head -n 3 "$T/err")"
	fi
else
	fail "13: mdb_load or mdb_dump (lmdb-utils) is missing"
fi

# ---- 14. fsck --compact where there is nothing it may compact ----
# one_error WHAT PATTERN: exit 2, nothing on standard output, one line on
# standard error matching PATTERN (grep -x)
one_error() {
	check_eq "$1: exit 2" "$rc" 2
	check_eq "$1: nothing on standard output" "$(cat "$T/out")" ""
	check_eq "$1: one line on standard error" "$(wc -l <"$T/err")" 1
	check "$1: it says what is wrong" grep -qx "$2" "$T/err"
}
WK "$T/none/deeper" fsck --compact >"$T/out" 2>"$T/err"
rc=$?
one_error "14: a missing keyring" "weft: there is no keyring in $T/none/deeper"
check "14: a missing keyring: nothing created" test ! -e "$T/none"
mkdir "$T/empty"
WK "$T/empty" fsck --compact >"$T/out" 2>"$T/err"
rc=$?
one_error "14: a directory without a keyring" "weft: there is no keyring in $T/empty"
check_eq "14: a directory without a keyring: left empty" "$(ls -A "$T/empty")" ""
if [ "${AS[*]}" = none ]; then
	echo "NOTE 14 (read-only) skipped: root, and setpriv cannot run weft as nobody"
else
	# data.mdb read-only (lock.mdb writable: fsck alone works)
	R=$UH/R
	base U "$R"
	chmod 0400 "$R/data.mdb"
	chmod 0500 "$R"
	inoR=$(inode "$R")
	check_rc "14: data.mdb read-only: fsck alone exits 0" 0 U "$R" fsck
	U "$R" fsck --compact >"$T/out" 2>"$T/err"
	rc=$?
	one_error "14: data.mdb read-only" \
		"weft: cannot open keyring $R: Permission denied"
	check_eq "14: data.mdb read-only: the file is untouched" "$(inode "$R")" "$inoR"
	# the directory read-only: the copy cannot be made
	R2=$UH/R2
	base U "$R2"
	chmod 0500 "$R2"
	inoR=$(inode "$R2")
	U "$R2" fsck --compact >"$T/out" 2>"$T/err"
	check_eq "14: a read-only directory: exit 2" "$?" 2
	check_eq "14: a read-only directory: one line on standard error" "$(wc -l <"$T/err")" 1
	check "14: a read-only directory: it says what is wrong" grep -qx \
		"weft: cannot compact the keyring $R2: cannot create $R2/data.mdb.compact: Permission denied" "$T/err"
	check_eq "14: a read-only directory: no compaction claimed" \
		"$(grep -c 'compacted' "$T/out")" 0
	check_eq "14: a read-only directory: the file is untouched" "$(inode "$R2")" "$inoR"
	chmod 0700 "$R" "$R2"
fi

# ---- 15. one transaction into an empty keyring: nothing to gain ----
CH=$(sed -n 's/^#define WEFT_IMPORT_CHUNK \([0-9][0-9]*\).*/\1/p' "$HDR")
if [ "$CH" = "$N" ]; then
	$PY "$GEN" -q -n "$N" -s 7 "$T/one.pgp" || fail "15: genkeyring"
	WK "$T/O" import "$T/one.pgp" >"$T/out" 2>"$T/err"
	check_eq "15: import exits 0" "$?" 0
	check_eq "15: every key is stored" "$(WK "$T/O" --json list | J 'len(d["keys"])')" "$N"
	check_eq "15: no compaction line" "$(grep -c 'compacted' "$T/out")" 0
	WK "$T/O2" --json import "$T/one.pgp" >"$T/one.json" 2>"$T/err"
	check_eq "15: --json: not compacted, and no reason" \
		"$(J '[d["new"], d["compacted"], d["not_compacted"]]' <"$T/one.json")" "[$N, false, null]"
	b15=$(size "$T/O")
	check "15: the file is below WEFT_COMPACT_LARGE (16 MiB): $b15 octets" \
		test "$b15" -lt $((16 << 20))
	WK "$T/O" fsck --compact >"$T/out" 2>"$T/err"
	check_eq "15: fsck --compact exits 0" "$?" 0
	a15=$(size "$T/O")
	check "15: less than an eighth was spare ($b15 -> $a15 octets)" \
		test $((b15 - a15)) -lt $((b15 / 8))
else
	fail "15: WEFT_IMPORT_CHUNK ($CH) is not WEFT_COMPACT_AFTER ($N)"
fi

finish
