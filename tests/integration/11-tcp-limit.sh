#!/bin/bash
# 11-tcp-limit: tcp_clients bounds concurrent TCP connections per worker
# (workers = 1, tcp_clients = 4): four connections are served; while each
# of them holds half a message, a fifth is closed at once without an
# answer; when they are idle, a fifth is served and the connection idle
# longest is closed to make room; the count never drifts.
. "$(dirname "$0")/lib.sh"
require_dnspython
standard_setup workers=1 tcp_clients=4

py <<'EOF'
import time
import dns.message
import pycheck

QID = [9000]

def ask(s, timeout=2.0):
    """Query www A on s: 'answer', or the tcp_read outcome."""
    QID[0] += 1
    qid = QID[0]
    try:
        s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=qid)))
    except (BrokenPipeError, ConnectionResetError):
        return 'reset'
    except OSError as e:
        return 'send failed: %s' % e
    kind, data = pycheck.tcp_read(s, timeout)
    if kind == 'msg':
        m = pycheck.parse(data)
        return 'answer' if m.id == qid and len(m.answer) == 2 else 'wrong answer'
    return kind

def refused_conn(t, desc):
    """A connection beyond the limit: closed at once, no answer."""
    t0 = time.monotonic()
    try:
        s = pycheck.tcp_connect()
    except OSError as e:
        t.ok(True, '%s: connection refused (%s)' % (desc, e))
        return
    r = ask(s, 2.0)
    took = time.monotonic() - t0
    t.ok(r in ('eof', 'reset'),
         '%s: closed without an answer' % desc, 'got: %s after %.2f s' % (r, took))
    t.ok(took < 1.5, '%s: closed at once (%.2f s)' % (desc, took))
    s.close()

def new_conn_works(t, desc, within=3.0):
    """Poll (bounded) until a new connection is served: the server may
    need a moment to notice a close."""
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        try:
            s = pycheck.tcp_connect()
        except OSError as e:
            last = repr(e)
            time.sleep(0.1)
            continue
        last = ask(s, 1.0)
        if last == 'answer':
            t.ok(True, desc)
            return s
        s.close()
        time.sleep(0.1)
    t.ok(False, desc, 'last attempt: %s' % last)
    return None

def finish_half(s):
    """Send the rest of the message begun by start_half(): 'answer'?"""
    QID[0] += 1
    qid = QID[0]
    s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=qid))[1:])
    kind, data = pycheck.tcp_read(s, 2.0)
    if kind == 'msg':
        m = pycheck.parse(data)
        return 'answer' if m.id == qid and len(m.answer) == 2 else 'wrong answer'
    return kind

def run(t):
    conns = []
    for i in range(4):
        s = pycheck.tcp_connect('127.0.0.1' if i % 2 == 0 else '::1')
        conns.append(s)
        t.eq('connection %d of 4 is served' % (i + 1), 'answer', ask(s))
    # busy: each holds the first byte of a message
    for s in conns:
        s.sendall(b'\x00')
    t.ok(pycheck.wait_server_read(), 'the daemon has read the four first bytes')
    refused_conn(t, '5th connection (limit 4, none idle)')
    refused_conn(t, '6th connection (limit 4, none idle)')
    for i, s in enumerate(conns):
        t.eq('connection %d still served after the refusals' % (i + 1), 'answer',
             finish_half(s))

    # all idle now, connection 1 the longest: a 5th is served, 1 is closed
    s5 = pycheck.tcp_connect()
    t.eq('full of idle connections: a 5th is served', 'answer', ask(s5))
    t.eq('the connection idle longest was closed for it', 'closed',
         pycheck.conn_state(conns[0], 1.0))
    conns[0].close()
    for i, s in enumerate(conns[1:], 2):
        t.eq('connection %d still served after the eviction' % i, 'answer', ask(s))
    # now connection 5 is idle longest
    s6 = pycheck.tcp_connect()
    t.eq('another new connection is served', 'answer', ask(s6))
    t.eq('... and closes connection 5, then idle longest', 'closed',
         pycheck.conn_state(s5, 1.0))
    s5.close()
    conns[0] = s6

    conns[0].close()
    # Else a connection made before the daemon saw the close finds the
    # table full and evicts a live one.
    t.ok(pycheck.wait_server_closed(), 'the daemon closed its side')
    s = new_conn_works(t, 'after closing one of the four, a new connection is served')
    conns[0] = s
    for i, s in enumerate(conns[1:], 2):
        t.eq('old connection %d still served' % i, 'answer', ask(s))

    # close everything: four fresh connections are served again
    for s in conns:
        if s:
            s.close()
    t.ok(pycheck.wait_server_closed(), 'the daemon closed its sides')
    fresh = []
    for i in range(4):
        s = new_conn_works(t, 'all closed: fresh connection %d of 4 is served' % (i + 1))
        if s:
            fresh.append(s)
    if len(fresh) == 4:
        for s in fresh:
            s.sendall(b'\x00')
        t.ok(pycheck.wait_server_read(), 'the daemon has read the four first bytes')
        refused_conn(t, 'fresh 5th connection (none idle)')
    for s in fresh:
        s.close()
pycheck.main(run)
EOF

# UDP is not affected by the TCP limit
dq www.lb.example A
expect_eq "UDP query while TCP connections come and go" NOERROR "$(d_status)" "$DIG_OUT"

stop_daemon
finish
