#!/bin/bash
# tests/e2e/shell-complete.sh - tab completion in weft shell never opens
# the keyring a second time in the shell's process.
#
# LMDB allows one environment of a keyring per process: closing a second
# one drops the POSIX locks of the first on lock.mdb (so another process
# may think it is alone), and a second open may take lock.mdb's
# exclusive lock from under the first and reset its reader table.  A
# guided sign (a built-in, in the shell's own process) has the keyring
# open while it asks its questions, and Tab there completes keys.
#
# On a pty, under strace (openat only): sign KEY; at the first question
# "x FPR-but-its-last-digit" Tab completes the whole fingerprint (so the
# completion read the keyring), Ctrl-C gives up; quit.  The shell's
# process opened lock.mdb and weft.lock once (sign's), not twice.
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

# drive.py TRACE LOG: the session above, the shell under strace.  Prints
# "DRIVER EXIT 0" when every prompt came and the shell exited 0, else
# "DRIVER FAIL why".
cat >"$T/drive.py" <<'EOF'
import os, pty, re, select, sys, time

weft, home, fpr, trace, log = sys.argv[1:6]
ANSI = re.compile(r'\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|[\r\x07]')
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'dumb'
    os.environ['INPUTRC'] = '/dev/null'
    # LeakSanitizer cannot run under ptrace (a sanitizer build)
    a = os.environ.get('ASAN_OPTIONS')
    os.environ['ASAN_OPTIONS'] = (a + ':' if a else '') + 'detect_leaks=0'
    try:
        os.execvp('strace', ['strace', '-o', trace, '-e', 'trace=open,openat',
                             weft, '--home', home, 'shell'])
    finally:
        os._exit(127)
out = ''
pos = 0
eof = False

def pump(t):
    global out, eof
    r, _, _ = select.select([fd], [], [], t)
    if fd in r:
        try:
            b = os.read(fd, 65536)
        except OSError:
            b = b''
        if b:
            out += ANSI.sub('', b.decode('utf-8', 'replace'))
        else:
            eof = True

def die(msg):
    open(log, 'w').write(out)
    print('DRIVER FAIL %s; the transcript ends:\n%s' % (msg, out[-1500:]))
    sys.exit(1)

def expect(s):
    global pos
    deadline = time.time() + 30
    while True:
        i = out.find(s, pos)
        if i >= 0:
            pos = i + len(s)
            return
        if eof or time.time() > deadline:
            die('no %r' % s)
        pump(0.05)

def send(s):
    os.write(fd, s.encode())

expect('weft> ')
send('sign %s\n' % fpr)
expect('[all valid ones]: ')
send('x %s\t' % fpr[:-1])
expect(fpr[-1] + ' ')        # the completion's last digit, and a blank
send('\x03')
expect('Cancelled: nothing was written.')
expect('weft> ')
send('quit\n')
deadline = time.time() + 30
while not eof and time.time() < deadline:
    pump(0.05)
open(log, 'w').write(out)
p, st = os.waitpid(pid, 0)
if not os.WIFEXITED(st) or os.WEXITSTATUS(st):
    die('the shell did not exit 0 (%r)' % st)
print('DRIVER EXIT 0')
EOF
$PY "$T/drive.py" "$WEFT" "$T/home" "$FPR" "$T/trace" "$T/log" >"$T/drive.out" 2>&1
if [ "$(tail -n 1 "$T/drive.out")" = "DRIVER EXIT 0" ]; then
	pass "pty: Tab at sign's question completed the fingerprint; the shell exited 0"
else
	fail "pty" "$(head -c 2000 "$T/drive.out")"
fi
# The shell's own process is strace's only tracee (sign runs in it;
# commands typed at the prompt would run in children, which strace does
# not follow).
check_eq "the shell opened the keyring's LMDB environment once (sign's)" \
	"$(grep -c '"[^"]*/lock\.mdb"' "$T/trace")" 1
check_eq "and weft.lock once" "$(grep -c '"[^"]*/weft\.lock"' "$T/trace")" 1

finish
