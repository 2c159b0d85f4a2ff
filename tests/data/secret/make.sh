#!/bin/bash
# tests/data/secret/make.sh - regenerate the fixtures of tests/unit/secret/
# with gpg 2.2 (see README).  Run in this directory.  New random keys every
# run; the unit tests read fingerprints from the files, not from code.
set -euo pipefail

T0=1577836800   # 2020-01-01
PW=abc
top=$(mktemp -d)
trap 'GNUPGHOME=$top/g gpgconf --kill gpg-agent || true; rm -rf "$top"' EXIT
export GNUPGHOME=$top/g
mkdir -m 700 "$GNUPGHOME"
G() { gpg --batch --no-tty --quiet --faked-system-time "$T0!" \
          --pinentry-mode loopback "$@" 2>/dev/null; }
fpr() { gpg --with-colons --list-keys "$1" 2>/dev/null |
        awk -F: '/^fpr/ { print $10; exit }'; }

G --passphrase "$PW" --quick-gen-key "Ed Pw <ed@example.org>" ed25519 cert,sign never
G --passphrase "$PW" --quick-add-key "$(fpr ed@example.org)" cv25519 encr never
G --passphrase "$PW" --quick-gen-key "Rsa Pw <rsa@example.org>" rsa2048 cert,sign never
G --passphrase "$PW" --quick-gen-key "P256 Pw <p256@example.org>" nistp256 cert,sign never
G --passphrase "$PW" --quick-gen-key "Dsa Pw <dsa@example.org>" dsa2048 cert,sign never
G --passphrase '' --quick-gen-key "Ed Clear <clear@example.org>" ed25519 cert,sign never

G --passphrase "$PW" --export-secret-keys ed@example.org > gpg-ed25519-pw.pgp
G --passphrase "$PW" --export-secret-keys rsa@example.org > gpg-rsa2048-pw.pgp
G --passphrase "$PW" --export-secret-keys p256@example.org > gpg-nistp256-pw.pgp
G --passphrase "$PW" --export-secret-keys dsa@example.org > gpg-dsa2048-pw.pgp
G --passphrase '' --export-secret-keys clear@example.org > gpg-ed25519-clear.pgp
G --passphrase "$PW" --export-secret-subkeys ed@example.org > gpg-ed25519-stub.pgp

# sq 0.27: a key as "sq key generate" writes it (no passphrase; Ed25519
# with a signing and an encryption subkey), and the same protected by
# "sq key password", which only asks on a terminal (hence the pty).
export SEQUOIA_HOME=$top/sq
rm -f sq-ed25519-clear.pgp sq-ed25519-pw.pgp   # sq does not overwrite
sq key generate --creation-time 20200101 --userid "Sq Clear <sq@example.org>" \
	--rev-cert "$top/sq.rev" --expires never \
	-e sq-ed25519-clear.pgp 2>/dev/null
python3 - sq-ed25519-clear.pgp sq-ed25519-pw.pgp "$PW" <<'PY'
import os, pty, sys
src, dst, pw = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.execvp('sq', ['sq', 'key', 'password', '-B', '-o', dst, src])
buf = b''
def expect(s):
    global buf
    while s not in buf:
        try: d = os.read(fd, 1024)
        except OSError: d = b''
        if not d: sys.exit('sq key password: no prompt')
        buf += d
    buf = buf[buf.index(s) + len(s):]
for _ in range(2):
    expect(b'password')
    os.write(fd, pw.encode() + b'\n')
try:
    while os.read(fd, 1024): pass
except OSError: pass
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
