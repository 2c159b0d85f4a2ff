#!/usr/bin/env python3
r"""A pty driver for weft shell (standard library only): shell.sh and
shell-complete.sh.

drive.py WEFT HOME STEPS LOG: STEPS has one step a line,
  expect REGEX   wait (20 s at most) until the output since the last
                 match matches REGEX (Python syntax)
  send TEXT      send TEXT (\n, \t, \x03, \x04 ... are decoded)
  idle           wait until the shell sleeps in a read/select/poll
                 (/proc/PID/syscall), i.e. waits for the terminal: a
                 Ctrl-C sent then reaches a shell that is waiting for
                 input, not one still on its way there
  race N CMD     N times: send CMD, and Ctrl-C as soon as "Your choice
                 [0]: " shows; count the Ctrl-Cs that did not cancel
                 within 2 s (each is then repeated after "idle");
                 prints "RACE lost L of N"
$DRIVE_WRAP (words) goes in front of the weft command (strace); "idle"
then watches the youngest process of the chain.
Then the shell must exit by itself (the last step quits it) with
status 0.  The stripped transcript goes to LOG.  The last line printed
is "DRIVER EXIT 0" on success; on a failure "DRIVER FAIL why" and the
transcript's end, and the exit status is non-zero.
"""
import codecs, fcntl, os, pty, re, select, signal, struct, sys, termios, time

ANSI = re.compile(r'\x1b\[[0-9;?<=>]*[ -/]*[@-~]'
                  r'|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)'
                  r'|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]|[\r\x07]')
TIMEOUT = 20
CANCELLED = r'\nCancelled: nothing was written\.\n'
# x86_64 and aarch64 numbers of read, poll, select, pselect6, ppoll
WAITING = {0, 7, 23, 270, 271, 63, 72, 73}

weft, home, steps_path, log_path = sys.argv[1:5]
steps = []
for ln in open(steps_path, encoding='utf-8'):
    ln = ln.rstrip('\n')
    if ln and not ln.startswith('#'):
        op, _, arg = ln.partition(' ')
        steps.append((op, arg))

pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'dumb'
    os.environ['INPUTRC'] = '/dev/null'
    argv = os.environ.get('DRIVE_WRAP', '').split() + [weft, '--home', home, 'shell']
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
# 50 lines of 200 columns
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, 200, 0, 0))
eof = False
pos = 0
step = 0
dec = codecs.getincrementaldecoder('utf-8')('replace')
plain = ''      # the output so far, stripped
held = ''       # the end of the output that may be an unfinished sequence

def text():
    return plain

def add(b):
    """Strip what came, except a trailing ESC sequence still arriving."""
    global plain, held
    s = held + dec.decode(b)
    k = s.rfind('\x1b')
    if k >= 0 and len(s) - k < 64 and not ANSI.match(s, k):
        held, s = s[k:], s[:k]
    else:
        held = ''
    plain += ANSI.sub('', s)

def pump(deadline):
    """Read what is there (waiting until DEADLINE at most)."""
    global eof
    left = deadline - time.time()
    if eof or left <= 0:
        return
    r, _, _ = select.select([fd], [], [], min(left, 0.05))
    if fd in r:
        try:
            b = os.read(fd, 65536)
        except OSError:
            b = b''
        if b:
            add(b)
        else:
            eof = True

def save():
    with open(log_path, 'w', encoding='utf-8') as f:
        f.write(text() + held)

def die(msg):
    save()
    print('DRIVER FAIL step %d: %s' % (step, msg))
    print('---- transcript (its end; all of it in %s) ----' % log_path)
    print(text()[-2500:])
    print('---- end ----')
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    sys.exit(1)

def expect(rx, timeout=TIMEOUT, fatal=True):
    global pos
    r = re.compile(rx)
    deadline = time.time() + timeout
    while True:
        m = r.search(text(), pos)
        if m:
            pos = m.end()
            return True
        if eof:
            die('the shell ended while waiting for /%s/' % rx)
        if time.time() >= deadline:
            if fatal:
                die('%d s without /%s/' % (timeout, rx))
            return False
        pump(deadline)

def send(s):
    os.write(fd, s.encode('utf-8'))

def leaf():
    """The youngest process of the chain (weft, under a wrapper)."""
    p = pid
    while True:
        try:
            with open('/proc/%d/task/%d/children' % (p, p)) as f:
                c = f.read().split()
        except OSError:
            return p
        if not c:
            return p
        p = int(c[0])

def waiting():
    pid = leaf()
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
        with open('/proc/%d/syscall' % pid) as f:
            call = f.read().split()[0]
    except (OSError, IndexError):
        die('cannot read /proc/%d/stat and /proc/%d/syscall' % (pid, pid))
    return state == 'S' and call.isdigit() and int(call) in WAITING

def idle():
    deadline = time.time() + TIMEOUT
    while not waiting():
        if eof:
            die('the shell ended while waiting for it to wait for input')
        if time.time() >= deadline:
            die('%d s and the shell never waited for input' % TIMEOUT)
        pump(time.time() + 0.005)

for step, (op, arg) in enumerate(steps, 1):
    if op == 'expect':
        expect(arg)
    elif op == 'send':
        send(codecs.decode(arg, 'unicode_escape'))
    elif op == 'idle':
        idle()
    elif op == 'race':
        n, cmd = arg.split(' ', 1)
        lost = 0
        for j in range(int(n)):
            send(cmd + '\n')
            expect(r'Your choice \[0\]: ')
            send('\x03')
            if not expect(CANCELLED, 2, False):
                lost += 1
                idle()
                send('\x03')
                expect(CANCELLED)
            expect(r'weft> ')
        print('RACE lost %d of %s' % (lost, n))
    else:
        die('unknown step %r' % op)
step += 1
deadline = time.time() + TIMEOUT
while not eof and time.time() < deadline:
    pump(deadline)
if not eof:
    die('the shell did not end after the last step')
status = None
while time.time() < deadline + 5:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
        break
    time.sleep(0.02)
save()
if status is None:
    die('the shell did not exit')
if not os.WIFEXITED(status):
    die('the shell was killed by signal %d' % os.WTERMSIG(status))
if os.WEXITSTATUS(status):
    die('the shell exited with status %d' % os.WEXITSTATUS(status))
print('DRIVER EXIT 0')
