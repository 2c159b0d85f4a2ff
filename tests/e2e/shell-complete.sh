#!/bin/bash
# tests/e2e/shell-complete.sh - Tab at a built-in's question completes
# nothing, and so never opens the keyring a second time in the shell's
# process.
#
# LMDB allows one environment of a keyring per process: closing a second
# one drops the POSIX locks of the first on lock.mdb (so another process
# may think it is alone), and a second open may take lock.mdb's
# exclusive lock from under the first and reset its reader table.  A
# guided sign (a built-in, in the shell's own process) has the keyring
# open while it asks its questions; their answers (numbers, y or n,
# dates) are neither commands nor keys.
#
# On a pty, under strace (openat only): sign KEY; at the first question
# "x FPR-but-its-last-digit" and Tab, which must not complete the
# fingerprint; Ctrl-C gives up; quit.  The shell's process opened
# lock.mdb and weft.lock once (sign's), not twice.  (Tab at the command
# prompt completes keys: shell.sh.)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
GEN=$here/../bench/genkeyring.py
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

if ! command -v strace >/dev/null || ! strace -o /dev/null true 2>/dev/null; then
	echo "NOTE skipped: no strace that can trace here"
	finish
	exit
fi
$PY "$GEN" -q -n 20 -s 3 "$T/web.pgp" || { fail "genkeyring"; finish; exit; }
W import "$T/web.pgp" >/dev/null 2>&1
FPR=$(W --json list | J 'd["keys"][0]["fingerprint"]')
check_eq "twenty keys in the keyring" "$(W --json list | J 'len(d["keys"])')" 20

# The session, with tests/e2e/tools/drive.py (the shell under strace;
# LeakSanitizer cannot run under ptrace, in a sanitizer build).  It
# prints "DRIVER EXIT 0" when every prompt came and the shell exited 0.
cat >"$T/steps" <<STEPS
expect weft> 
send sign $FPR\\n
expect \\[all valid ones\\]: 
send x ${FPR%?}\\t
idle
send \\x03
expect Cancelled: nothing was written\\.
expect weft> 
send quit\\n
STEPS
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
DRIVE_WRAP="strace -o $T/trace -e trace=open,openat" \
	$PY "$here/tools/drive.py" "$WEFT" "$T/home" "$T/steps" "$T/log" >"$T/drive.out" 2>&1
if [ "$(tail -n 1 "$T/drive.out")" = "DRIVER EXIT 0" ]; then
	pass "pty: sign, Tab at its question, Ctrl-C, quit; the shell exited 0"
else
	fail "pty" "$(head -c 2000 "$T/drive.out")"
fi
# What the terminal showed between the question and Ctrl-C: the prefix
# typed, not the whole fingerprint.
seg=$(sed -n 's/.*\[all valid ones\]: //p' "$T/log" | head -n 1)
check_eq "Tab at the question completed nothing (the prefix, then Ctrl-C)" "$seg" "x ${FPR%?}^C"
# The shell's own process is strace's only tracee (sign runs in it;
# commands typed at the prompt would run in children, which strace does
# not follow).
check_eq "the shell opened the keyring's LMDB environment once (sign's)" \
	"$(grep -c '"[^"]*/lock\.mdb"' "$T/trace")" 1
check_eq "and weft.lock once" "$(grep -c '"[^"]*/weft\.lock"' "$T/trace")" 1

finish
