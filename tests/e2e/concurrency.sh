#!/bin/bash
# One keyring, many processes: readers keep working while a writer
# imports, two writers take turns, and nothing is lost or half-written.
. "$(dirname "$0")/lib.sh"

# Twelve keys in four files.
for i in $(seq 1 12); do
	G --quick-gen-key "User $i <u$i@example.org>" ed25519 sign,cert never
done
fprs=$(G --with-colons --list-keys | awk -F: '$1=="fpr" && p=="pub"{print $10} {p=$1}')
set -- $fprs
G --export "$1" "$2" "$3" > "$T/a.pgp"
G --export "$4" "$5" "$6" > "$T/b.pgp"
G --export "$7" "$8" "$9" > "$T/c.pgp"
G --export "${10}" "${11}" "${12}" > "$T/d.pgp"
W import "$T/a.pgp" >/dev/null

# Readers in a loop while two writers import at the same time.
(
	bad=0
	for i in $(seq 1 40); do
		n=$(W --json list 2>/dev/null | J 'len(d["keys"])') || bad=1
		case "$n" in 3|6|9|12) ;; *) bad=1 ;; esac
	done
	echo $bad > "$T/reader.rc"
) &
reader=$!
W import "$T/b.pgp" >/dev/null 2>"$T/w1.err" & w1=$!
W import "$T/c.pgp" >/dev/null 2>"$T/w2.err" & w2=$!
W import "$T/d.pgp" >/dev/null 2>"$T/w3.err" & w3=$!
wait $w1; r1=$?; wait $w2; r2=$?; wait $w3; r3=$?
wait $reader
check_eq "three concurrent writers all succeed" "$r1$r2$r3" "000"
check_eq "readers always saw a whole number of imports (3, 6, 9 or 12 keys)" "$(cat "$T/reader.rc")" 0
check_eq "all twelve keys are there" "$(W --json list | J 'len(d["keys"])')" 12
check_rc "fsck after concurrent imports" 0 W fsck

# ---- readers never wait for a writer ------------------------------------------
# A long import (1,500 generated keys, every signature verified) and, while
# it runs, queries from other processes: each must answer while the import
# is still running (a read transaction does not wait for the writer), and
# see the keyring as before the import or after one of its transactions,
# never inside one: 1,500 keys are more than one chunk
# (WEFT_IMPORT_CHUNK, include/weft/store.h), so a query may see 3 keys,
# 3 + a whole number of chunks, or all 1,503.
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
GEN=$(cd "$(dirname "$0")/../bench" && pwd)/genkeyring.py
CHUNK=$(sed -n 's/^#define WEFT_IMPORT_CHUNK \([0-9][0-9]*\).*/\1/p' \
	"$(dirname "$0")/../../include/weft/store.h")
check "WEFT_IMPORT_CHUNK read from include/weft/store.h ($CHUNK)" [ "${CHUNK:-0}" -gt 0 ]
CHUNK=${CHUNK:-1}
$PY "$GEN" -q -n 1500 -s 3 "$T/big.pgp"
WH=$T/busy W import "$T/a.pgp" >/dev/null 2>&1
WH=$T/busy W import "$T/big.pgp" >"$T/long-import.txt" 2>&1 &
imp=$!
answered=0 during=0 odd=0
for i in $(seq 1 30); do
	kill -0 "$imp" 2>/dev/null || break
	n=$(WH=$T/busy W list 2>/dev/null | grep -c '^pub')
	WH=$T/busy W authenticate "$1" "User 1 <u1@example.org>" --gossip >/dev/null 2>&1
	answered=$((answered + 1))
	kill -0 "$imp" 2>/dev/null && during=$((during + 1))
	if [ "$n" -ne 1503 ] && { [ "$n" -lt 3 ] || [ $(( (n - 3) % CHUNK )) -ne 0 ]; }; then
		odd=$((odd + 1))
		echo "a query saw $n keys"
	fi
done
wait "$imp"
rc=$?
check_eq "the long import succeeds" "$rc" 0
# It failed once, under ASan on a loaded machine (5 runs since, 2 of
# them side by side, passed): show what it said when it does again.
[ "$rc" = 0 ] || sed 's/^/    | /' "$T/long-import.txt"
check "queries answered while the import was still running ($during of $answered)" [ "$during" -ge 3 ]
check_eq "every query saw whole transactions (3, 3 + chunks of $CHUNK, or 1,503 keys)" "$odd" 0

# ---- an idle shell does not make the file grow -----------------------------------
# LMDB cannot reuse pages a reader might still see: a read transaction left
# open would make every write append.  The shell opens the keyring for each
# command only, so twenty imports with a shell sitting at its prompt leave
# a file no bigger than without it.
$PY "$GEN" -q -n 200 -s 5 "$T/k200.pgp"
grow() {   # grow HOME: twenty imports, each replacing what the last added
	local h=$1 i
	for i in $(seq 1 20); do
		WH=$h W import "$T/k200.pgp" >/dev/null 2>&1
		WH=$h W import "$T/a.pgp" >/dev/null 2>&1
	done
	stat -c %s "$h/data.mdb"
}
plain=$(grow "$T/plain")
mkfifo "$T/fifo"
WH=$T/idle W shell <"$T/fifo" >/dev/null 2>&1 &
sh=$!
exec 9>"$T/fifo"
echo "list" >&9
with=$(grow "$T/idle")
echo "quit" >&9
exec 9>&-
wait "$sh"
check "a shell at its prompt during twenty imports: the file is no bigger ($with vs $plain octets)" \
	[ "$with" -le $((plain * 11 / 10 + 65536)) ]

# ---- a passphrase being typed does not hold the write lock ----------------------
# weft certify asks for the passphrase in a read transaction: while it waits
# (here on a FIFO nobody writes to yet), an import in another process must
# go through; then the certification is made on the keyring as it is now.
printf 'pw\n' >"$T/pw"
WH=$T/pp W --passphrase-fd 3 generate "Me <me@example.org>" 3<"$T/pw" >/dev/null 2>&1
WH=$T/pp W import "$T/a.pgp" >/dev/null 2>&1
mkfifo "$T/pwfifo"
WH=$T/pp W --passphrase-fd 3 certify "$1" 3<"$T/pwfifo" >"$T/cert.out" 2>&1 &
cer=$!
exec 8>"$T/pwfifo"
sleep 1
timeout 20 "$WEFT" --home "$T/pp" import "$T/b.pgp" >/dev/null 2>&1
check_eq "an import while certify waits for the passphrase goes through" "$?" 0
kill -0 "$cer" 2>/dev/null
check_eq "certify is still waiting for its passphrase" "$?" 0
echo pw >&8
exec 8>&-
wait "$cer"
check_eq "then certify succeeds" "$?" 0
check_eq "the keyring holds both imports (6 keys and mine)" \
	"$(WH=$T/pp W --json list | J 'len(d["keys"])')" 7
check_eq "and the key carries its self-signature and my certification" \
	"$("$WEFT" --home "$T/pp" export "$1" | gpg --list-packets 2>/dev/null | grep -c 'sigclass 0x1[0-3]')" 2

finish
