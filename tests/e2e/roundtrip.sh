#!/bin/bash
# roundtrip.sh - weft export | gpg --import and | sq: every signature good,
# nothing lost, nothing added.
#
# Design, per keyring: gpg home A imports the original, gpg home B imports
# `weft export` of the same keys after weft imported the original.  Their
# `--check-sigs --with-colons` records (key, component, issuer, class,
# created, flag) are compared with `colons.py sigcmp` (rules there):
#  - B has every signature A has unless gpg marks it bad in A ('-', or '%'
#    = gpg refuses it); weft drops third-party certifications that fail
#    against an issuer in the keyring, gpg keeps them and marks them bad;
#  - B has no '-' signature; a '%' one only if it is gpg's SHA-1 refusal
#    (third-party SHA-1 certification made after 2019-01-19: it verifies,
#    gpg itself keeps it; weft keeps it too, so B has it exactly as A);
#  - B has nothing A lacks.
# Plus the same user IDs and subkeys in A and B.
#
# sq side: `sq inspect` of weft's export succeeds and shows every user ID
# and subkey with the same status (valid/revoked/invalid) as `sq inspect`
# of the original; and `sq keyring merge ORIGINAL WEFT-EXPORT` is
# byte-identical to `sq keyring merge ORIGINAL`: sq canonicalises both
# (dedup ignoring the unhashed area, sorted components), so any packet
# weft invented or altered (a changed signature, hashed area or user ID)
# would show up in the merge.  What weft left out is covered by the gpg
# comparison.
#
# Keyrings: archlinux.gpg in full; a deterministic subset of
# debian-keyring.gpg (the first 60 keys by fingerprint, plus the keys with
# signatures gpg 2.2.40 marks bad and their issuers); a small web
# generated here with a local signature and a corrupted certification.
. "$(dirname "$0")/lib.sh"
tools=$(cd "$(dirname "$0")" && pwd)/tools
C() { python3 "$tools/colons.py" "$@"; }

# roundtrip NAME ORIGINAL(binary): weft home $T/NAME.weft must already hold
# the keys of ORIGINAL, and $T/NAME/weft.pgp be weft's export of them.
roundtrip() {
	local name=$1 orig=$2 d=$T/$1 ga gb n out
	ga=$(new_gpg_home) gb=$(new_gpg_home)
	n=$(python3 "$tools/pgpsplit.py" list "$orig" | wc -l)
	# Both gpg homes get their keys in the same order (by fingerprint):
	# gpg 2.2 caches the result of the certification checks it makes at
	# import (only possible when the issuer came first) and --check-sigs
	# reports the cached result; checked afresh it can differ ('?' instead
	# of '!' or '%' for some SHA-1 certifications, and --no-sig-cache
	# crashes 2.2.40 with a double free).  Same order, same checks.
	python3 "$tools/pgpsplit.py" sort "$orig" "$d/orig.sorted.pgp"
	python3 "$tools/pgpsplit.py" sort "$d/weft.pgp" "$d/weft.sorted.pgp"
	GH=$ga G --import "$d/orig.sorted.pgp" 2>"$d/gpgA.err"
	GH=$gb G --import "$d/weft.sorted.pgp" 2>"$d/gpgB.err"
	check_eq "$name: gpg --import of weft's export exit status" "$?" 0
	check_eq "$name: gpg imports every key of weft's export" \
		"$(GH=$gb G --with-colons --list-keys 2>/dev/null | grep -c '^pub')" "$n"
	GH=$ga G --with-colons --check-sigs >"$d/A.colons" 2>/dev/null
	GH=$gb G --with-colons --check-sigs >"$d/B.colons" 2>/dev/null
	C gpg-sigs <"$d/A.colons" >"$d/A.sigs"
	C gpg-sigs <"$d/B.colons" >"$d/B.sigs"
	echo "NOTE $name: gpg --check-sigs flags, original: $(cut -f6 "$d/A.sigs" | sort | uniq -c | tr -s ' \n' ' ')"
	echo "NOTE $name: gpg --check-sigs flags, weft export: $(cut -f6 "$d/B.sigs" | sort | uniq -c | tr -s ' \n' ' ')"
	out=$(C sigcmp "$d/A.sigs" "$d/B.sigs")
	if [ -z "$out" ] && [ -s "$d/B.sigs" ]; then
		pass "$name: gpg --check-sigs: weft's export has every signature, all good ($(wc -l <"$d/B.sigs") records)"
	else
		fail "$name: gpg --check-sigs: weft's export has every signature, all good" "${out:-no signatures}"
	fi
	C gpg-keys <"$d/A.colons" >"$d/A.keys"
	C gpg-keys <"$d/B.colons" >"$d/B.keys"
	out=$(C diff "$d/A.keys" "$d/B.keys")
	check_eq "$name: gpg lists the same user IDs and subkeys (-original +weft)" "$out" ""

	# The armored export reads back the same (gpg 2.2 mis-reads some
	# CRC-less armor).  Flags left out: they depend on gpg's cache (above).
	local gc
	gc=$(new_gpg_home)
	WH=$T/$name.weft W export --armor -o "$d/weft.asc"
	GH=$gc G --import "$d/weft.asc" 2>"$d/gpgC.err"
	check_eq "$name: gpg --import of weft export --armor exit status" "$?" 0
	GH=$gc G --with-colons --check-sigs 2>/dev/null | C gpg-sigs | cut -f1-5 | sort -u >"$d/C.sigs5"
	cut -f1-5 "$d/B.sigs" | sort -u >"$d/B.sigs5"
	check_diff "$name: gpg reads the armored export as the binary one" "$d/B.sigs5" "$d/C.sigs5"

	# sq
	SQ inspect "$d/weft.pgp" >"$d/sqB.txt" 2>"$d/sqB.err"
	check_eq "$name: sq inspect of weft's export exit status" "$?" 0
	SQ inspect "$orig" 2>/dev/null | C sq-inspect >"$d/sqA.view"
	C sq-inspect <"$d/sqB.txt" >"$d/sqB.view"
	out=$(C diff "$d/sqA.view" "$d/sqB.view")
	if [ -z "$out" ] && [ -s "$d/sqB.view" ]; then
		pass "$name: sq inspect shows the same user IDs and subkeys, same status"
	else
		fail "$name: sq inspect shows the same user IDs and subkeys, same status (-original +weft)" "${out:-empty}"
	fi
	SQ keyring merge --binary -o "$d/merge-orig.pgp" "$orig" 2>/dev/null
	SQ keyring merge --binary -o "$d/merge-both.pgp" "$orig" "$d/weft.pgp" 2>/dev/null
	if [ -s "$d/merge-orig.pgp" ] && cmp -s "$d/merge-orig.pgp" "$d/merge-both.pgp"; then
		pass "$name: sq keyring merge: weft's export adds or alters no packet"
	else
		fail "$name: sq keyring merge: weft's export adds or alters no packet" \
			"merge(original)=$(wc -c <"$d/merge-orig.pgp") bytes, merge(original, weft)=$(wc -c <"$d/merge-both.pgp") bytes"
	fi
}

# weft_in NAME FILE: import FILE into weft home $T/NAME.weft, export all.
weft_in() {
	local name=$1 d=$T/$1
	mkdir -p "$d"
	WH=$T/$name.weft W -q import "$2" 2>"$d/import.err"
	check_eq "$name: weft import exit status" "$?" 0
	WH=$T/$name.weft W export -o "$d/weft.pgp"
	check_eq "$name: weft export exit status" "$?" 0
}

# --- Arch Linux keyring, in full -------------------------------------------
arch=/usr/share/keyrings/archlinux.gpg
if [ -r "$arch" ]; then
	mkdir -p "$T/archlinux"
	gpg --dearmor <"$arch" >"$T/archlinux.pgp"
	weft_in archlinux "$arch"
	roundtrip archlinux "$T/archlinux.pgp"
else
	fail "archlinux: $arch not installed"
fi

# --- Debian keyring, a deterministic subset --------------------------------
# The first 60 keys by fingerprint, plus (debian-keyring 2022.12.24) the
# keys gpg 2.2.40 finds bad or refused certifications on and the issuers of
# those: SHA-1 certifications made after 2019 (gpg: '%' Invalid digest
# algorithm) and two 0x10 certifications placed on the primary key itself
# (249CB377...: '%' Invalid signature class).
deb=/usr/share/keyrings/debian-keyring.gpg
if [ -r "$deb" ]; then
	mkdir -p "$T/debian"
	{
		python3 "$tools/pgpsplit.py" list "$deb" | sort | head -n 60
		cat <<-EOF
		12CF5605F7A8D8A6789B9B5398561D2D2502FE39
		13C904F0CE085E7C36307985DECF849AA6357FB7
		249CB3771750745D5CDD323CE267B052364F028D
		3B100CA18674ACBAB4FEFCD2CE5BCF179960DE13
		75BF68EE879B5F6A5AA50FCA90DD4120CB09F22F
		D3F0E02EC45A938E1D67229EC43496655925B604
		E3ED482E44A53F5BBE585032D50F9EBC09E69937
		7C35920F1CE2899E8EA9AAD02E7C0367B9BFA089
		33CCB136401AFEC843A3876396A87872B7EA3737
		8A7F208C6D9E73291657414D2135D123D8C19BEC
		EOF
	} | sort -u >"$T/debian/subset.fprs"
	python3 "$tools/pgpsplit.py" pick "$deb" "$T/debian.pgp" $(cat "$T/debian/subset.fprs") 2>"$T/debian/pick.err"
	check_eq "debian: subset of $(wc -l <"$T/debian/subset.fprs") keys picked" "$?:$(cat "$T/debian/pick.err")" "0:"
	weft_in debian "$T/debian.pgp"
	roundtrip debian "$T/debian.pgp"
else
	fail "debian: $deb not installed"
fi

# --- A small generated web --------------------------------------------------
# alice (2 user IDs, an encryption subkey), bob, carol, dave.  alice
# certifies bob and carol, bob certifies alice, carol lsigns alice (local),
# dave certifies bob and that certification is then corrupted (last byte
# of its signature value flipped).  bob comes before dave in the file, so
# weft can only check it when dave arrives.
fpr() { G --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}'; }
gen() {
	local n
	for n in alice bob carol dave; do
		G --quick-gen-key "$n <$n@example.org>" ed25519 sign,cert never || return 1
	done
	A=$(fpr alice@example.org) B=$(fpr bob@example.org)
	Cf=$(fpr carol@example.org) D=$(fpr dave@example.org)
	G --quick-add-uid "$A" 'Alice Work <alice@work.example>' &&
	G --quick-add-key "$A" cv25519 encr &&
	G -u "$A" --quick-sign-key "$B" &&
	G -u "$A" --quick-sign-key "$Cf" &&
	G -u "$B" --quick-sign-key "$A" &&
	G -u "$Cf" --quick-lsign-key "$A" &&
	G -u "$D" --quick-sign-key "$B" || return 1
	G --export-options export-local-sigs --export "$A" >"$T/web.pgp" &&
	G --export "$B" >"$T/bob.pgp" &&
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1; open(sys.argv[1], "wb").write(b)' "$T/bob.pgp" &&
	cat "$T/bob.pgp" >>"$T/web.pgp" &&
	G --export "$Cf" "$D" >>"$T/web.pgp"
}
A='' B='' Cf='' D=''
gen >/dev/null 2>&1
check_eq "web: generated 4 keys" "$(python3 "$tools/pgpsplit.py" list "$T/web.pgp" 2>/dev/null | wc -l)" 4
mkdir -p "$T/web"
weft_in web "$T/web.pgp"
roundtrip web "$T/web.pgp"
# The corrupted certification is the one and only bad signature gpg sees.
check_eq "web: gpg marks exactly dave's certification of bob bad in the original" \
	"$(grep -P '\t-$' "$T/web/A.sigs" | cut -f1,3 | tr '\t' ' ')" "$B ${D:24}"
check_eq "web: weft keeps no certification by dave on bob" \
	"$(WH=$T/web.weft W --json show "$B" | J '[c["issuer"] for u in d["keys"][0]["userids"] for c in u["certifications"]]')" \
	"[\"$A\"]"
# Local signatures: carol's lsign of alice.
check_eq "web: weft keeps carol's local certification of alice, verified" \
	"$(WH=$T/web.weft W --json show "$A" | J 'sorted((u["uid"], c["verified"]) for u in d["keys"][0]["userids"] for c in u["certifications"] if c["issuer"] == "'"$Cf"'" and c["local"])')" \
	'[["Alice Work <alice@work.example>", true], ["alice <alice@example.org>", true]]'
nonexp() { SQ packet dump "$1" 2>/dev/null | grep -c 'Exportable certification: false'; }
check_eq "web: the original holds carol's 2 local certifications" "$(nonexp "$T/web.pgp")" 2
check_eq "web: weft export leaves local certifications out" "$(nonexp "$T/web/weft.pgp")" 0
WH=$T/web.weft W export --local -o "$T/web/local.pgp"
check_eq "web: weft export --local exit status" "$?" 0
check_eq "web: weft export --local includes them" "$(nonexp "$T/web/local.pgp")" 2
gc=$(new_gpg_home)
GH=$gc G --import-options import-local-sigs --import "$T/web/local.pgp" 2>/dev/null
check_eq "web: gpg (import-local-sigs) finds carol's local certifications of alice good" \
	"$(GH=$gc G --with-colons --check-sigs "$A" 2>/dev/null | C gpg-sigs | awk -F'\t' -v k="${Cf:24}" '$3==k' | cut -f2,4,6 | tr '\t' ' ')" \
	"$(printf 'uid:Alice Work <alice@work.example> 10l !\nuid:alice <alice@example.org> 10l !')"
finish
