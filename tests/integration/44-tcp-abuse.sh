#!/bin/bash
# 44-tcp-abuse: TCP under abuse (workers = 1, tcp_clients = 16,
# tcp_clients_per_source = 4, tcp_timeout = 3).
#  - slow drip: connections from four addresses fill every slot and send
#    a byte a second; each address gets only 4 slots; the drippers are
#    closed within tcp_timeout of their start, and a real client from
#    another address gets its TCP answers while they drip;
#  - idle flood: a table full of idle connections closes the oldest for
#    a new client;
#  - pipelining clients that never read: the output queued for it is
#    bounded (steerdns_tcp_output_queued_bytes), and freed when it goes;
#  - out of descriptors (the running daemon's limit lowered with
#    prlimit): accepts pause instead of spinning (CPU time stays low),
#    the pause is logged once and counted, UDP is answered throughout;
#  - a start whose hard descriptor limit is too low for tcp_clients is
#    refused, naming the settings to lower; a low soft limit is raised.
. "$(dirname "$0")/lib.sh"
require_dnspython
require_tool prlimit
need_daemon

MPORT=$(port 1)
copy_zone lb.example.conf
copy_zone second.test.conf
# abuse_conf FILE TCP_TIMEOUT
abuse_conf() {
    main_conf "$1" "$(port 0)" "lb.example.conf second.test.conf" \
        workers=1 tcp_clients=16 tcp_timeout="$2" listen=v4
    sed -i -e "s/^  metrics = .*/  metrics = \"127.0.0.1:$MPORT\";\\
  tcp_clients_per_source = 4;/" "$1"
}
CONF=$T/steerdns.conf
abuse_conf "$CONF" 3
start_daemon "$CONF" || bail "daemon did not start"

# metric NAME: its value in /metrics (first sample whose line starts so)
metric() {
    http GET /metrics "$T/metrics.txt" >/dev/null
    grep -F -- "$1 " "$T/metrics.txt" | grep -v '^#' | head -n 1 |
        awk '{ print $NF }'
}

py <<'EOF'
import os, socket, time
import dns.message
import pycheck

PORT = int(os.environ['PORT'])
QID = [1000]

def conn_from(src, timeout=2.0):
    return socket.create_connection(('127.0.0.1', PORT), timeout,
                                    source_address=(src, 0))

def ask(s, timeout=1.0):
    QID[0] += 1
    qid = QID[0]
    try:
        s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=qid)))
    except OSError:
        return 'reset'
    kind, data = pycheck.tcp_read(s, timeout)
    if kind == 'msg':
        return 'answer' if pycheck.parse(data).id == qid else 'wrong answer'
    return kind

def run(t):
    # ---- slow drip from 127.0.0.2 .. 127.0.0.5, 8 connections each
    t0 = time.monotonic()
    drip = []
    for a in range(2, 6):
        for i in range(8):
            drip.append(conn_from('127.0.0.%d' % a))
    msg = pycheck.frame(dns.message.make_query('www.lb.example', 'A'))
    for s in drip:
        try:
            s.sendall(msg[:1])     # busy from the start: nothing to evict
        except OSError:
            pass
    time.sleep(0.5)
    shut = [s for s in drip if pycheck.conn_state(s, 0) == 'closed']
    t.eq('per source: 4 of 8 connections from each address closed at once',
         16, len(shut))
    live = [s for s in drip if s not in shut]
    closed_at = {}
    answered_at = None
    tries = {}
    k = 4
    while time.monotonic() - t0 < 8.0:
        now = time.monotonic() - t0
        if k % 4 == 0:
            for s in live:
                if s in closed_at:
                    continue
                try:
                    s.sendall(msg[k // 4:k // 4 + 1])
                except OSError:
                    closed_at[s] = now
        for s in live:
            if s not in closed_at and pycheck.conn_state(s, 0) == 'closed':
                closed_at[s] = now
        if answered_at is None:
            try:
                c = conn_from('127.0.0.1', 0.5)
                r = ask(c, 0.5)
                c.close()
            except OSError as e:
                r = 'connect: %s' % e
            tries[r] = tries.get(r, 0) + 1
            if r == 'answer':
                answered_at = now
        k += 1
        time.sleep(0.25)
    print('# real client before its answer: %s' % tries)
    t.eq('all 16 drippers closed by the server while they drip', 16, len(closed_at))
    late = max(closed_at.values()) if closed_at else 99
    print('# last dripper closed at %.2f s' % late)
    t.ok(late < 3 + 1.5, 'drippers closed within tcp_timeout of their start (%.2f s)' % late)
    t.ok(answered_at is not None and answered_at < 3 + 2,
         'a real client is answered over TCP during the drip (at %s s)' %
         (None if answered_at is None else '%.2f' % answered_at))
    for s in drip:
        s.close()

    # ---- idle flood: 16 idle connections, then a real client
    idle = []
    for a in range(2, 6):
        for i in range(4):
            s = conn_from('127.0.0.%d' % a)
            if ask(s) != 'answer':
                t.ok(False, 'idle flood: connection %d.%d served' % (a, i))
            idle.append(s)
    c = conn_from('127.0.0.1')
    t.eq('table full of idle connections: a new client is served', 'answer', ask(c))
    t.eq('... and the connection idle longest was closed', 'closed',
         pycheck.conn_state(idle[0], 1.0))
    t.eq('... and only that one', ['open'] * 15,
         [pycheck.conn_state(s, 0) for s in idle[1:]])
    c.close()
    for s in idle:
        s.close()
pycheck.main(run)
EOF
expect_match "source_limit counted" '^[1-9]' "$(metric 'steerdns_tcp_connections_total{event="source_limit"}')"
expect_match "evictions counted" '^[1-9]' "$(metric 'steerdns_tcp_connections_total{event="evicted"}')"

# ---- pipeliners that never read: 12 connections, 4 per address.  They
# would be closed tcp_timeout after their queue stops draining: give
# them longer than the test takes.
stop_daemon
abuse_conf "$T/long.conf" 120
start_daemon "$T/long.conf" || bail "daemon did not start"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"; }
rss0=$(rss)
export T
pyrun - >"$T/pipe.out" 2>&1 <<'EOF' &
import os, socket, time
import dns.message
import pycheck
PORT = int(os.environ['PORT'])
q = b''.join(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=i))
             for i in range(100))
conns = []
for a in range(6, 9):
    for i in range(4):
        s = socket.create_connection(('127.0.0.1', PORT), 2,
                                     source_address=('127.0.0.%d' % a, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setblocking(False)
        conns.append(s)
# Until the kernel's buffers on both sides are full and the server has
# stopped reading: no progress for 0.5 s.
sent = 0
t0 = last = time.monotonic()
while time.monotonic() - last < 0.5 and time.monotonic() - t0 < 20:
    for s in conns:
        try:
            sent += s.send(q)
            last = time.monotonic()
        except BlockingIOError:
            pass
        except OSError:
            pass
    time.sleep(0.001)
print('sent %d bytes of queries in %.1f s' % (sent, time.monotonic() - t0),
      flush=True)
open(os.environ['T'] + '/pipe.ready', 'w').write('%d\n' % os.getpid())
# Under valgrind the daemon takes longer to get through what they sent.
time.sleep(90 * int(os.environ.get('STEERDNS_TEST_SLOW', '1')))
EOF
PIPE_PID=$!
PIDS="$PIDS $PIPE_PID"
wait_until 25000 test -f "$T/pipe.ready" || notok "pipeliners ran" "$(cat "$T/pipe.out")"
# The daemon may still be answering what was sent: the kernel holds
# megabytes of it on both sides, and the daemon's send buffers (up to
# tcp_wmem's 4 MB each) fill before anything is queued (slowly under ASan).
some_queued() { queued=$(metric steerdns_tcp_output_queued_bytes); [ "${queued:-0}" -gt 0 ]; }
wait_until 40000 some_queued
rss1=$(rss)
echo "# queued for 12 non-reading pipeliners: $queued bytes; RSS $rss0 -> $rss1 kB; $(cat "$T/pipe.out")"
check "some output is queued for them (${queued:-none})" [ "${queued:-0}" -gt 0 ]
check "queued output bounded: $queued <= 12 x 16.5 KiB" \
    [ "${queued:-999999999}" -le $((12 * (16384 + 512))) ]
if under_valgrind; then
    vg_skip "RSS grew by less than 3 MB ($rss0 -> $rss1 kB)" \
        "the RSS is valgrind's, with its translations and shadow memory"
else
    check "RSS grew by less than 3 MB ($rss0 -> $rss1 kB)" [ $((rss1 - rss0)) -lt 3072 ]
fi
dq +tcp www.lb.example A
expect_eq "another TCP client is answered meanwhile" NOERROR "$(d_status)" "$DIG_OUT"
kill "$(cat "$T/pipe.ready")"; wait "$PIPE_PID" 2>/dev/null
nothing_queued() { [ "$(metric steerdns_tcp_output_queued_bytes)" = 0 ]; }
wait_until 5000 nothing_queued
expect_eq "queued output freed when they go" 0 "$(metric steerdns_tcp_output_queued_bytes)"

# ---- out of descriptors
nfd=$(ls "/proc/$DAEMON_PID/fd" | wc -l)
lim=$((nfd + 4))
prlimit --pid "$DAEMON_PID" --nofile=$lim:
pyrun - >"$T/flood.out" 2>&1 <<'EOF' &
import os, socket, time
PORT = int(os.environ['PORT'])
conns = []
for i in range(40):
    s = socket.socket()
    s.bind(('127.0.1.%d' % (i + 1), 0))    # below tcp_clients_per_source
    s.settimeout(2)
    s.connect(('127.0.0.1', PORT))     # completes in the backlog
    conns.append(s)
open(os.environ['T'] + '/flood.ready', 'w').write('%d\n' % os.getpid())
time.sleep(30)
EOF
FLOOD_PID=$!
PIDS="$PIDS $FLOOD_PID"
wait_until 10000 test -f "$T/flood.ready" || notok "flood connected" "$(cat "$T/flood.out")"
cpu() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"; }
sleep 0.5
c0=$(cpu)
sleep 3
c1=$(cpu)
hz=$(getconf CLK_TCK)
echo "# CPU while out of descriptors: $((c1 - c0)) ticks in 3 s (CLK_TCK $hz)"
check "no spinning: under 0.3 s of CPU in 3 s ($((c1 - c0)) ticks)" \
    [ $((c1 - c0)) -lt $((hz * 3 / 10)) ]
dq www.lb.example A
expect_eq "UDP answered while out of descriptors" NOERROR "$(d_status)" "$DIG_OUT"
n=$(grep -c "pausing accepts" "$DAEMON_LOG")
expect_eq "the pause is logged once" 1 "$n" "$DAEMON_LOG"
check "log stays small ($(wc -c <"$DAEMON_LOG") bytes)" [ "$(wc -c <"$DAEMON_LOG")" -lt 4000 ]
kill "$(cat "$T/flood.ready")"; wait "$FLOOD_PID" 2>/dev/null
prlimit --pid "$DAEMON_PID" --nofile=1024:
wait_until 5000 grep -q 'descriptors free again' "$DAEMON_LOG"
check "says when descriptors are free again" grep -q 'descriptors free again' "$DAEMON_LOG"
expect_match "pauses counted" '^[1-9]' "$(metric steerdns_tcp_accept_paused_total)"
dq +tcp www.lb.example A
expect_eq "TCP answered again" NOERROR "$(d_status)" "$DIG_OUT"
stop_daemon

# ---- descriptor limit at start
CONF2=$T/big.conf
main_conf "$CONF2" "$(port 2)" "lb.example.conf second.test.conf" \
    workers=1 tcp_clients=512 listen=v4
( ulimit -n 200; exec "$STEERDNS" -f -c "$CONF2" ) >"$T/low.log" 2>&1 </dev/null
rc=$?
expect_eq "hard limit 200 < 1 x 512 TCP slots: start refused" 1 "$rc" "$T/low.log"
check "the refusal names the settings to lower" grep -q "lower workers or tcp_clients" "$T/low.log"
show "$T/low.log"
# valgrind gives the daemon a hard limit of the soft limit it started
# with, so this start is refused there.
if under_valgrind; then
    vg_skip "a low soft limit is raised to cover the slots" \
        "valgrind lowers the hard limit to the soft one"
else
    ( ulimit -Sn 200; exec "$STEERDNS" -f -c "$CONF2" ) >"$T/soft.log" 2>&1 </dev/null &
    DAEMON_PID=$!
    DAEMON_LOG=$T/soft.log
    PIDS="$PIDS $DAEMON_PID"
    wait_until 10000 grep -qw ready "$T/soft.log"
    soft=$(awk '/Max open files/ { print $4 }' "/proc/$DAEMON_PID/limits")
    check "a low soft limit is raised to cover the slots ($soft)" [ "${soft:-0}" -ge 512 ]
    stop_daemon
fi
finish
