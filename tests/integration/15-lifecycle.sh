#!/bin/bash
# 15-lifecycle: SIGTERM makes the daemon exit 0 promptly: right after
# start, while idle TCP connections are open and while UDP queries are
# flowing; the ports are free again at once (a new daemon starts on
# them); queries in flight at SIGTERM or SIGINT are answered; -V, -h and
# bad arguments; workers = 0 (one per core) and workers = 1 work; the
# heap is under huge pages; the foreground log's lines begin with the
# time (ISO 8601, UTC, milliseconds), -n's errors do not.
. "$(dirname "$0")/lib.sh"
require_dnspython
need_daemon
copy_zone lb.example.conf
copy_zone second.test.conf
P=$(port 0)
main_conf "$T/w0.conf" "$P" "lb.example.conf second.test.conf" workers=0
main_conf "$T/w1.conf" "$P" "lb.example.conf second.test.conf" workers=1
main_conf "$T/w2.conf" "$P" "lb.example.conf second.test.conf" workers=2

# 1. SIGTERM right after ready; the log's lines carry the time
t0=$(date -u +%s.%N)
start_daemon "$T/w2.conf" "$P" || bail "daemon did not start"
stop_daemon
t1=$(date -u +%s.%N)
stamps=$("$PYTHON" - "$DAEMON_LOG" "$t0" "$t1" <<'EOF'
import calendar, re, sys, time
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
pat = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z steerdns: ")
bad = []
for l in lines:
    m = pat.match(l)
    if m is None:
        bad.append("no stamp: " + l)
        continue
    t = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) + int(m.group(2)) / 1e3
    if not t0 - 1 <= t <= t1 + 1:
        bad.append("stamp outside %.3f..%.3f: %s" % (t0, t1, l))
print("%d lines" % len(lines) if lines and not bad else " | ".join(bad) or "no lines")
EOF
)
expect_match "every line of the foreground log starts with the time, UTC, ms" '^[0-9]+ lines$' "$stamps" "$DAEMON_LOG"
expect_match "... the ready line among them" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z steerdns: .*ready' \
    "$(grep -w ready "$DAEMON_LOG" | head -n 1)" "$DAEMON_LOG"
printf 'server { bogus_key = 1; }\n' >"$T/bad.conf"
"$STEERDNS" -n -c "$T/bad.conf" >/dev/null 2>"$T/bad.err"
expect_match "-n: a config error is a command's message, without the time" \
    "^$T/bad.conf:1: " "$(head -n 1 "$T/bad.err")" "$T/bad.err"

# 2. the same ports again at once; workers = 0; under TCP and UDP activity
start_daemon "$T/w0.conf" "$P" || bail "daemon did not restart on the same ports"
ok "restart on the same ports right after exit"
dq www.lb.example A
expect_eq "workers = 0: www A answered" "NOERROR 2" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
dq @::1 +tcp www.lb.example A
expect_eq "workers = 0: www A over TCP/IPv6 answered" "NOERROR 2" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"

# The heap is advised for huge pages (main.c, heap_hugepages), unless it
# is not glibc's brk heap, as under AddressSanitizer or valgrind.
# The largest [heap] mapping (the unaligned start is a mapping of its own).
heap=$(awk '/^[0-9a-f]+-[0-9a-f]+ / {h = ($NF == "[heap]")}
    h && /^Size:/ {size = $2}
    h && /^VmFlags:/ && size > best {best = size; flags = $0}
    END {print best + 0, flags}' "/proc/$DAEMON_PID/smaps")
heap_size=${heap%% *}
heap_flags=${heap#* }
if ldd "$STEERDNS" | grep -q libasan; then
    expect_nomatch "under ASan the heap is left alone" ' hg' "$heap_flags"
elif readlink "/proc/$DAEMON_PID/exe" | grep -q valgrind; then
    expect_nomatch "under valgrind the heap is left alone" ' hg' "$heap_flags"
else
    expect_match "the heap is advised for huge pages" ' hg' "$heap_flags"
    check "the heap reserved at least 256 MiB of address space (${heap_size} kB)" \
        test "${heap_size:-0}" -ge 262144
fi

DPID=$DAEMON_PID py <<'EOF'
import os, signal, socket, threading, time
import dns.message
import pycheck

pid = int(os.environ['DPID'])

def state(p):
    try:
        with open('/proc/%d/stat' % p) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return 'gone'

def run(t):
    conns = []
    for host in ('127.0.0.1', '::1', '127.0.0.1'):
        s = pycheck.tcp_connect(host)
        s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=42)))
        kind, data = pycheck.tcp_read(s, 2.0)
        t.ok(kind == 'msg', 'idle TCP connection to %s established' % host, kind)
        conns.append(s)
    half = pycheck.tcp_connect()
    half.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A'))[:5])  # stalled
    conns.append(half)

    stop = threading.Event()
    answered = [0]
    def flood():
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.connect((pycheck.HOST, pycheck.PORT))
        u.settimeout(0.2)
        while not stop.is_set():
            try:
                u.send(dns.message.make_query('www.lb.example', 'A').to_wire())
                u.recv(4096)
                answered[0] += 1
            except OSError:
                pass
        u.close()
    th = threading.Thread(target=flood)
    th.start()
    time.sleep(0.3)
    t.ok(answered[0] > 0, 'UDP queries flowing before SIGTERM (%d answered)' % answered[0])
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    while state(pid) not in ('Z', 'X', 'gone') and time.monotonic() - t0 < 5.0:
        time.sleep(0.02)
    took = time.monotonic() - t0
    stop.set()
    th.join()
    t.ok(state(pid) in ('Z', 'X', 'gone'),
         'SIGTERM with open TCP connections and UDP traffic: exited within 5 s (%.2f s)' % took)
    closed = sum(1 for s in conns if pycheck.conn_state(s, 1.0) == 'closed')
    t.eq('all TCP connections closed after the exit', len(conns), closed)
    for s in conns:
        s.close()
pycheck.main(run)
EOF
if wait_gone "$DAEMON_PID" 5; then
    wait "$DAEMON_PID"
    expect_eq "exit status after SIGTERM under load is 0" 0 "$?" "$DAEMON_LOG"
else
    notok "daemon gone after SIGTERM under load"
    kill -KILL "$DAEMON_PID" 2>/dev/null
fi
if grep -Eq 'ERROR: [A-Za-z]*Sanitizer|runtime error:' "$DAEMON_LOG"; then
    notok "no sanitizer report in the daemon log"
    show "$DAEMON_LOG"
fi

# 3. what is in flight is answered: UDP queries and pipelined TCP queries
# sent just before SIGTERM all get their answers (one worker, so that one
# socket holds them all); then SIGINT does the same.
for sig in TERM INT; do
    start_daemon "$T/w1.conf" "$P" || bail "daemon did not start for SIG$sig"
    DPID=$DAEMON_PID SIG=$sig pyrun - >"$T/inflight.out" 2>&1 <<'EOF'
import os, signal, socket, time
import dns.message
import pycheck
pid, sig = int(os.environ['DPID']), getattr(signal, 'SIG' + os.environ['SIG'])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
u.connect((pycheck.HOST, pycheck.PORT))
t = pycheck.tcp_connect()
n_udp, n_tcp = 200, 30
for i in range(n_udp):
    u.send(dns.message.make_query('www.lb.example', 'A', id=i).to_wire())
t.sendall(b''.join(pycheck.frame(dns.message.make_query('lb.example', 'SOA', id=i))
                   for i in range(n_tcp)))
os.kill(pid, sig)
ids = set()
u.settimeout(2.0)
try:
    while len(ids) < n_udp:
        ids.add(int.from_bytes(u.recv(4096)[:2], 'big'))
except OSError:
    pass
tcp = 0
while True:
    kind, data = pycheck.tcp_read(t, 2.0)
    if kind != 'msg':
        break
    tcp += 1
print('%d %d' % (len(ids), tcp))
EOF
    expect_eq "SIG$sig: the 200 UDP and 30 pipelined TCP queries sent before it are all answered" \
        "200 30" "$(tail -n 1 "$T/inflight.out")" "$T/inflight.out"
    if wait_gone "$DAEMON_PID" 5; then
        wait "$DAEMON_PID"
        expect_eq "SIG$sig: exit status 0" 0 "$?" "$DAEMON_LOG"
    else
        notok "SIG$sig: daemon gone within 5 s"
        kill -KILL "$DAEMON_PID" 2>/dev/null
    fi
done

# 4. the command line: -V, -h, a wrong option, a stray argument
out=$("$STEERDNS" -V 2>&1); rc=$?
expect_eq "-V prints the version, exit 0" "0 steerdns $(sed -n 's/^AC_INIT(\[steerdns\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")" "$rc $out"
out=$("$STEERDNS" --help 2>/dev/null); rc=$?
expect_match "--help prints the usage on stdout, exit 0" '^0 usage: steerdns .*--check-config' "$rc $(echo $out)"
out=$("$STEERDNS" --bogus 2>&1 >/dev/null); rc=$?
expect_match "an unknown option: usage on stderr, exit 1" '^1 .*usage: steerdns' "$rc $(echo $out)"
out=$("$STEERDNS" -c "$T/w1.conf" extra 2>&1 >/dev/null); rc=$?
expect_match "a stray argument: usage on stderr, exit 1" '^1 usage: steerdns' "$rc $(echo $out)"

# 5. workers = 1, started and stopped twice in a row
for i in 1 2; do
    start_daemon "$T/w1.conf" "$P" || bail "daemon (workers 1) did not start (round $i)"
    dq +tcp www.lb.example A
    expect_eq "workers = 1 (round $i): www A over TCP" "NOERROR 2" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
    stop_daemon
done

finish
