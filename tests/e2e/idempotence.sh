#!/bin/bash
# idempotence.sh - importing twice changes nothing; import order does not
# matter; re-importing a key that grew in gpg adds exactly the new parts.
#
#  1. archlinux.gpg and debian-keyring.gpg imported twice: the second
#     import reports every key unchanged (0 new parts) and `weft export` is
#     byte-identical before and after.
#  2. archlinux.gpg split into its 164 keyblocks and imported in reverse
#     order: the same export bytes and `show --json` as the forward import.
#  3. A generated web of 6 keys, k_i certifying k_i+1 and k_i+2 (mod 6), one
#     file per key, imported one file per `weft import` in order 1..6 and
#     6..1, and all in one import in a shuffled order: byte-identical
#     exports and identical `show --json` for every key, every
#     certification verified, even when its issuer arrived later (the
#     import reports how many waited and were resolved: exact counts).
#  4. A key that gains a user ID, a subkey, certifications in gpg is
#     re-imported: status "updated" with the exact new_userids,
#     new_subkeys, new_signatures; the same file again: "unchanged".
. "$(dirname "$0")/lib.sh"
tools=$(cd "$(dirname "$0")" && pwd)/tools
fpr() { G --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
# all keys of a weft home as one show --json document
show_all() {
	WH=$1 W --json show $(WH=$1 W --json list | J '" ".join(k["fingerprint"] for k in d["keys"])')
}
# import_stat HOME FILE...: weft --json import; prints the JSON summary
# "keys new updated unchanged rejected pending resolved" (and keeps the
# document in $T/last.json).
import_stat() {
	local h=$1
	shift
	WH=$h W --json import "$@" >"$T/last.json" 2>"$T/last.err"
	echo "rc=$? $(J '" ".join(str(d[k]) for k in ("keys","new","updated","unchanged","rejected","certifications_pending","certifications_resolved"))' <"$T/last.json")"
}

# --- 1. real keyrings, twice -----------------------------------------------
twice() {
	local name=$1 file=$2 h=$T/$1 n
	if [ ! -r "$file" ]; then
		fail "$name: $file not installed"
		return
	fi
	WH=$h W -q import "$file"
	check_eq "$name: first import exit status" "$?" 0
	n=$(WH=$h W --json list | J 'len(d["keys"])')
	WH=$h W export -o "$T/$name.1.pgp"
	WH=$h W export --local -o "$T/$name.1l.pgp"
	local st
	st=$(import_stat "$h" "$file")
	check_eq "$name: second import: all $n keys unchanged (rc keys new updated unchanged rejected)" \
		"${st% * *}" "rc=0 $n 0 0 $n 0"
	check_eq "$name: second import: every result unchanged with no new part" \
		"$(J '[r["fingerprint"] for r in d["results"] if (r["status"], r["new_userids"], r["new_subkeys"], r["new_signatures"]) != ("unchanged", 0, 0, 0)]' <"$T/last.json")" "[]"
	WH=$h W export -o "$T/$name.2.pgp"
	WH=$h W export --local -o "$T/$name.2l.pgp"
	check_diff "$name: weft export byte-identical after the second import" "$T/$name.1.pgp" "$T/$name.2.pgp"
	check_diff "$name: weft export --local byte-identical after the second import" "$T/$name.1l.pgp" "$T/$name.2l.pgp"
}
arch=/usr/share/keyrings/archlinux.gpg
twice archlinux "$arch"
twice debian /usr/share/keyrings/debian-keyring.gpg

# --- 2. archlinux.gpg, one keyblock per file, reverse order -----------------
if [ -r "$arch" ]; then
	mkdir "$T/arch.split"
	gpg --dearmor <"$arch" >"$T/arch.pgp"
	python3 "$tools/pgpsplit.py" each "$T/arch.pgp" "$T/arch.split"
	nblocks=$(ls "$T/arch.split" | wc -l)
	check_eq "archlinux: split into one file per key" "$nblocks" \
		"$(WH=$T/archlinux W --json list | J 'len(d["keys"])')"
	WH=$T/arch.rev W -q import $(ls "$T/arch.split" | sort -n -r | sed "s|^|$T/arch.split/|")
	check_eq "archlinux reversed: import exit status" "$?" 0
	WH=$T/arch.rev W export -o "$T/arch.rev.pgp"
	check_diff "archlinux reversed: weft export byte-identical to the forward import" \
		"$T/archlinux.1.pgp" "$T/arch.rev.pgp"
	show_all "$T/archlinux" >"$T/arch.fwd.show"
	show_all "$T/arch.rev" >"$T/arch.rev.show"
	check_eq "archlinux reversed: show --json lists every key" \
		"$(J 'len(d["keys"])' <"$T/arch.rev.show")" "$nblocks"
	check_diff "archlinux reversed: show --json identical to the forward import" \
		"$T/arch.fwd.show" "$T/arch.rev.show"
fi

# --- 3. a generated web of 6 keys, three import orders ----------------------
# k_i certifies k_(i+1) and k_(i+2), indices mod 6 (12 certifications);
# k2 and k5 have an encryption subkey.
declare -a K
genweb() {
	local i
	for i in 1 2 3 4 5 6; do
		G --quick-gen-key "K$i <k$i@example.org>" ed25519 sign,cert never || return 1
		K[$i]=$(fpr "k$i@example.org")
	done
	G --quick-add-key "${K[2]}" cv25519 encr && G --quick-add-key "${K[5]}" cv25519 encr || return 1
	for i in 1 2 3 4 5 6; do
		G -u "${K[$i]}" --quick-sign-key "${K[$((i % 6 + 1))]}" &&
		G -u "${K[$i]}" --quick-sign-key "${K[$(((i + 1) % 6 + 1))]}" || return 1
	done
	mkdir -p "$T/web"
	for i in 1 2 3 4 5 6; do
		G --export "${K[$i]}" >"$T/web/$i.pgp" || return 1
	done
}
genweb >/dev/null 2>&1
check_eq "web: 6 keys and 12 certifications made in gpg" \
	"$(G --with-colons --check-sigs 2>/dev/null | awk -F: '$1=="sig" && $2=="!" && $11=="10x"' | wc -l)" 12

res_sum=0 last=
for i in 1 2 3 4 5 6; do
	last=$(import_stat "$T/web.fwd" "$T/web/$i.pgp")
	res_sum=$((res_sum + ${last##* }))
done
check_eq "web 1..6: last import leaves no certification waiting" "$(echo "$last" | cut -d' ' -f7)" 0
check_eq "web 1..6: certifications resolved when their issuer arrived (3 of k1, k2)" "$res_sum" 3
res_sum=0
for i in 6 5 4 3 2 1; do
	last=$(import_stat "$T/web.rev" "$T/web/$i.pgp")
	res_sum=$((res_sum + ${last##* }))
done
check_eq "web 6..1: last import leaves no certification waiting" "$(echo "$last" | cut -d' ' -f7)" 0
check_eq "web 6..1: certifications resolved when their issuer arrived (9)" "$res_sum" 9
cat "$T/web/3.pgp" "$T/web/6.pgp" "$T/web/1.pgp" "$T/web/5.pgp" "$T/web/2.pgp" "$T/web/4.pgp" >"$T/web/all.pgp"
check_eq "web at once (3 6 1 5 2 4): import summary (rc keys new updated unchanged rejected pending)" \
	"$(import_stat "$T/web.one" "$T/web/all.pgp" | cut -d' ' -f1-7)" "rc=0 6 6 0 0 0 0"

for o in fwd rev one; do
	WH=$T/web.$o W export -o "$T/web.$o.pgp"
	WH=$T/web.$o W export --local -o "$T/web.$o.l.pgp"
	show_all "$T/web.$o" >"$T/web.$o.show"
done
check_diff "web: export byte-identical, 1..6 vs 6..1" "$T/web.fwd.pgp" "$T/web.rev.pgp"
check_diff "web: export byte-identical, 1..6 vs all at once" "$T/web.fwd.pgp" "$T/web.one.pgp"
check_diff "web: export --local byte-identical, 1..6 vs 6..1" "$T/web.fwd.l.pgp" "$T/web.rev.l.pgp"
check_diff "web: show --json identical, 1..6 vs 6..1" "$T/web.fwd.show" "$T/web.rev.show"
check_diff "web: show --json identical, 1..6 vs all at once" "$T/web.fwd.show" "$T/web.one.show"
# Every key: exactly its two certifiers, both verified, in every home.
want=$(for i in 1 2 3 4 5 6; do
	echo "${K[$i]} <- $(printf '%s\n' "${K[$(((i + 3) % 6 + 1))]}" "${K[$(((i + 4) % 6 + 1))]}" | sort | tr '\n' ' ')verified"
done | sort)
for o in fwd rev one; do
	check_eq "web $o: every key has its 2 certifications, all verified" \
		"$(J '"\n".join(sorted(k["fingerprint"] + " <- " + " ".join(sorted(c["issuer"] for u in k["userids"] for c in u["certifications"])) + (" verified" if all(c["verified"] for u in k["userids"] for c in u["certifications"]) else " NOT verified") for k in d["keys"]))' <"$T/web.$o.show")" \
		"$want"
done

# --- 4. a key grows in gpg, re-imported --------------------------------------
h=$T/web.fwd
G --quick-gen-key 'Eve <eve@example.org>' ed25519 sign,cert never >/dev/null 2>&1
E=$(fpr eve@example.org)
# reimport NAME WANT(status new_userids new_subkeys new_signatures)
reimport() {
	G --export "$E" >"$T/eve.pgp"
	local st
	st=$(import_stat "$h" "$T/eve.pgp")
	check_eq "eve $1: import summary (rc keys new updated unchanged rejected)" \
		"$(echo "$st" | cut -d' ' -f1-6)" "$3"
	check_eq "eve $1: status and new parts" \
		"$(J '" ".join(str(r[k]) for r in d["results"] for k in ("fingerprint","status","new_userids","new_subkeys","new_signatures"))' <"$T/last.json")" \
		"$E $2"
}
reimport "first import" "new 1 0 1" "rc=0 1 1 0 0 0"
G --quick-add-uid "$E" 'Eve Two <eve2@example.org>' >/dev/null 2>&1
reimport "new user ID" "updated 1 0 1" "rc=0 1 0 1 0 0"
G --quick-add-key "$E" cv25519 encr >/dev/null 2>&1
reimport "new subkey" "updated 0 1 1" "rc=0 1 0 1 0 0"
G -u "${K[1]}" --quick-sign-key "$E" >/dev/null 2>&1
reimport "certified by k1 (2 user IDs)" "updated 0 0 2" "rc=0 1 0 1 0 0"
G --quick-add-uid "$E" 'Eve Three <eve3@example.org>' >/dev/null 2>&1
G --quick-add-key "$E" ed25519 sign >/dev/null 2>&1
G -u "${K[2]}" --quick-sign-key "$E" >/dev/null 2>&1
reimport "user ID + subkey + k2 certifies 3 user IDs" "updated 1 1 5" "rc=0 1 0 1 0 0"
WH=$h W export "$E" >"$T/eve.1.pgp"
reimport "same again" "unchanged 0 0 0" "rc=0 1 0 0 1 0"
WH=$h W export "$E" >"$T/eve.2.pgp"
check_diff "eve: export byte-identical after the unchanged import" "$T/eve.1.pgp" "$T/eve.2.pgp"
check_eq "eve: user IDs, subkeys, verified certifications by k1 and k2" \
	"$(WH=$h W --json show "$E" | J '[len(d["keys"][0]["userids"]), len(d["keys"][0]["subkeys"]), sorted([c["issuer"], c["verified"]] for u in d["keys"][0]["userids"] for c in u["certifications"])]')" \
	"$(printf '[3, 2, [["%s", true], ["%s", true], ["%s", true], ["%s", true], ["%s", true]]]' $(printf '%s\n' "${K[1]}" "${K[1]}" "${K[2]}" "${K[2]}" "${K[2]}" | sort))"
finish
