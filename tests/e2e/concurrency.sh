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

finish
