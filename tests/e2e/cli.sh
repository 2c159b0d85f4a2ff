#!/bin/bash
# The command line itself: help for every command, usage errors, exit
# statuses, --at parsing, JSON that parses, queries of every kind.
. "$(dirname "$0")/lib.sh"

# -- help and usage ---------------------------------------------------------
# Every command that "weft help" lists (the lines under "Commands:": two
# spaces, then the name) must have its help and a section in weft(1), so
# that a command added without documentation fails here.
cmds=$("$WEFT" help | awk '/^Commands:/ { on = 1; next }
	on && !NF { exit }
	on && /^  [^ ]/ { print $1 }')
check "weft help lists the commands" grep -qx import <<<"$cmds"
for cmd in $cmds; do
	check "help $cmd" bash -c "'$WEFT' help $cmd | grep -q '^usage: weft $cmd'"
	check "man page documents $cmd" grep -qE "^\\.SS weft ${cmd//-/\\\\?-}( |\$)" "$(dirname "$0")/../../man/weft.1"
done
man_shell_documents() {
	local f=$1 b
	[ -f "$f" ] || return 1
	for b in use why sign party; do
		grep -qE "^\\.SS $b( |\$)" "$f" || return 1
	done
}
check "man page weft-shell(1) documents use, why, sign and party" man_shell_documents "$(dirname "$0")/../../man/weft-shell.1"
check_rc "unknown command: exit 2" 2 W frobnicate
check_rc "no command: exit 2" 2 "$WEFT"
check_rc "--help: exit 0" 0 "$WEFT" --help
check_rc "--version: exit 0" 0 "$WEFT" --version
check_rc "unknown option: exit 2" 2 W list --frobnicate
check_rc "option missing its argument: exit 2" 2 W export -o
check_rc "show without a query: exit 2" 2 W show
check "unknown option names itself" bash -c "'$WEFT' --home '$T/h' list --frobnicate 2>&1 | grep -q -- '--frobnicate'"
check_rc "--at garbage: exit 2" 2 W --at yesterday list
check_rc "--at RFC 3339 date" 0 W --at 2020-01-01 list
check_rc "--at RFC 3339 time with offset" 0 W --at 2020-01-01T12:00:00+02:00 list
check_rc "--at Unix seconds" 0 W --at 1600000000 list
check_rc "global option after the command" 0 W list --json

# -- an empty keyring ---------------------------------------------------------
check_eq "list of a missing keyring is empty JSON" "$(W --json list | J 'len(d["keys"])')" 0
check "read-only commands do not create the keyring" test ! -e "$T/home"
check_rc "list QUERY on an empty keyring: exit 1" 1 W list nobody@example.org

# -- a few keys ----------------------------------------------------------------
G --quick-gen-key 'Alice Liddell <Alice@Example.ORG>' ed25519 sign,cert never
G --quick-gen-key 'Bob Builder <bob@example.org>' rsa2048 sign,cert never
A=$(G --with-colons --list-keys alice@example.org | awk -F: '$1=="fpr"{print $10; exit}')
B=$(G --with-colons --list-keys bob@example.org | awk -F: '$1=="fpr"{print $10; exit}')
G --quick-add-key "$A" cv25519 encr never
AS=$(G --with-colons --list-keys "$A" | awk -F: '$1=="fpr"{n++} $1=="fpr" && n==2 {print $10; exit}')
G --export "$A" "$B" > "$T/ab.pgp"
check_rc "import: exit 0" 0 W import "$T/ab.pgp"
check "keyring directory is private (0700)" test "$(stat -c %a "$T/home")" = 700
check "keyring file is private (0600)" test "$(stat -c %a "$T/home/data.mdb")" = 600

q() { W --json list "$1" | J '",".join(k["fingerprint"] for k in d["keys"])'; }
check_eq "query by fingerprint" "$(q "$A")" "$A"
check_eq "query by fingerprint with 0x and spaces" "$(q "0x$(echo "$A" | sed 's/..../& /g')")" "$A"
check_eq "query by key ID" "$(q "${A:24}")" "$A"
check_eq "query by subkey fingerprint" "$(q "$AS")" "$A"
check_eq "query by subkey key ID" "$(q "${AS:24}")" "$A"
check_eq "query by email, any case" "$(q ALICE@example.org)" "$A"
check_eq "query by <email>" "$(q '<alice@example.org>')" "$A"
check_eq "query by name substring" "$(q 'builder')" "$B"
check_eq "query matching nothing" "$(q 'nobody-at-all')" ""
check_rc "list QUERY that matches nothing: exit 1" 1 W list nobody-at-all
check_rc "show QUERY that matches nothing: exit 1" 1 W show nobody-at-all
check_rc "export QUERY that matches nothing: exit 1" 1 W export nobody-at-all
check "export QUERY that matches nothing writes nothing" bash -c "[ -z \"\$('$WEFT' --home '$T/home' export nobody-at-all 2>/dev/null)\" ]"

# -- JSON shapes ------------------------------------------------------------------
W --json list > "$T/list.json"
check_eq "list --json: two keys" "$(J 'len(d["keys"])' < "$T/list.json")" 2
check_eq "list --json: key fields" "$(J 'sorted(d["keys"][0].keys())' < "$T/list.json")" \
	'["algorithm", "algorithm_id", "bits", "capabilities", "created", "curve", "expired", "expires", "fingerprint", "keyid", "policy", "revocation_reason", "revoked", "subkeys", "userids", "validity", "version"]'
check_eq "list --json: user ID fields" "$(J 'sorted(d["keys"][0]["userids"][0].keys())' < "$T/list.json")" \
	'["amount", "attribute", "created", "email", "expired", "policy", "primary", "revoked", "uid", "validity"]'
check_eq "list --json: email is lower-cased" "$(W --json list "$A" | J 'd["keys"][0]["userids"][0]["email"]')" "alice@example.org"
check_eq "list --json: uid kept as written" "$(W --json list "$A" | J 'd["keys"][0]["userids"][0]["uid"]')" "Alice Liddell <Alice@Example.ORG>"
check_eq "list --json: algorithm and curve" "$(W --json list "$A" | J 'd["keys"][0]["algorithm"]+"/"+d["keys"][0]["curve"]')" "eddsa/ed25519"
check_eq "list --json: rsa bits" "$(W --json list "$B" | J 'd["keys"][0]["bits"]')" 2048
check_eq "list --json: subkey capabilities" "$(W --json list "$A" | J 'd["keys"][0]["subkeys"][0]["capabilities"]')" "e"
check_eq "list --json: RFC 3339 creation time" \
	"$(W --json list "$A" | J 'd["keys"][0]["created"]')" \
	"$(date -u -d @"$(G --with-colons --list-keys "$A" | awk -F: '$1=="pub"{print $6; exit}')" +%Y-%m-%dT%H:%M:%SZ)"
check_eq "show --json: certifications array" "$(W --json show "$A" | J 'type(d["keys"][0]["userids"][0]["certifications"]).__name__')" "list"
check_eq "fsck --json" "$(W --json fsck | J 'd["consistent"]')" "true"
check_eq "import --json" "$(W --json import "$T/ab.pgp" | J 'd["unchanged"]')" 2

# -- --at ------------------------------------------------------------------------
check_eq "--at before the key existed: no valid user ID" \
	"$(W --at 2001-01-01 --json list "$A" | J 'd["keys"][0]["policy"]')" "no valid self-signature"

# -- output files -------------------------------------------------------------------
W export -o "$T/out.pgp" "$A"
check "export -o writes a private file" test "$(stat -c %a "$T/out.pgp")" = 600
check "export -o leaves no temporary files" bash -c "[ \$(ls '$T' | grep -c weft-) = 0 ]"
check_eq "export -o content equals stdout" "$(W export "$A" | sha256sum)" "$(sha256sum < "$T/out.pgp")"
check_rc "export -o into a missing directory: exit 2" 2 W export -o "$T/no/such/dir/x.pgp"
# No core dumps: a crash must not write passphrases or secret keys to disk
# (a shell waiting for input shows its limits in /proc).
mkfifo "$T/cfifo"
(ulimit -c unlimited 2>/dev/null; exec "$WEFT" --home "$T/core" shell <"$T/cfifo" >/dev/null 2>&1) &
cpid=$!
exec 8>"$T/cfifo"
for i in $(seq 1 50); do
	grep -q '^Max core file size *0 ' "/proc/$cpid/limits" 2>/dev/null && break
	sleep 0.1
done
check "weft runs with core dumps off" grep -q '^Max core file size *0 ' "/proc/$cpid/limits"
exec 8>&-
wait "$cpid"
finish
