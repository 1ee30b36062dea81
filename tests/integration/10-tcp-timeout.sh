#!/bin/bash
# 10-tcp-timeout: with tcp_timeout = 2 the server closes a TCP connection
# that has been idle for about 2 s: still open after 1 s, closed within
# 4 s; idle means idle (queries keep it open); a half-sent message does
# not keep it open either, nor does a message sent a byte at a time (the
# time counts from the last whole message, not the last byte), nor
# reading a pile of answers a byte at a time.
. "$(dirname "$0")/lib.sh"
require_dnspython
standard_setup tcp_timeout=2

py <<'EOF'
import time
import dns.message
import pycheck

def wait_closed(s, deadline):
    """Seconds from now until the peer closes, or None if still open at
    deadline (monotonic)."""
    start = time.monotonic()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        st = pycheck.conn_state(s, left)
        if st == 'closed':
            return time.monotonic() - start
        if st == 'data':        # unexpected bytes: drain and keep waiting
            try:
                if not s.recv(65535):
                    return time.monotonic() - start
            except OSError:
                return time.monotonic() - start

def idle_case(t, desc, host, prepare):
    s = pycheck.tcp_connect(host)
    prepare(s)
    t0 = time.monotonic()
    time.sleep(1.0)
    t.eq('%s: still open after 1 s idle' % desc, 'open', pycheck.conn_state(s, 0))
    took = wait_closed(s, t0 + 4.0)
    t.ok(took is not None, '%s: closed by the server within 4 s of going idle' % desc,
         'still open after 4 s')
    if took is not None:
        print('# %s: closed %.2f s after going idle' % (desc, 1.0 + took))
    s.close()

def nothing(s):
    pass

def one_query(s):
    s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=77)))
    kind, data = pycheck.tcp_read(s, 2.0)
    if kind != 'msg' or pycheck.parse(data).id != 77:
        raise AssertionError('no answer on the fresh connection: %s' % kind)

def half_message(s):
    s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A'))[:7])

def run(t):
    idle_case(t, 'connection without any query (IPv4)', '127.0.0.1', nothing)
    idle_case(t, 'connection after one answered query (IPv4)', '127.0.0.1', one_query)
    idle_case(t, 'connection after one answered query (IPv6)', '::1', one_query)
    idle_case(t, 'connection stalled in the middle of a message', '127.0.0.1', half_message)

    # activity keeps the connection open: a query every second for 4.5 s
    s = pycheck.tcp_connect()
    t0 = time.monotonic()
    alive = True
    for i in range(5):
        s.sendall(pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=500 + i)))
        kind, data = pycheck.tcp_read(s, 2.0)
        if kind != 'msg' or pycheck.parse(data).id != 500 + i:
            alive = False
            t.ok(False, 'a query every second keeps the connection open',
                 'query %d at %.1f s: %s' % (i, time.monotonic() - t0, kind))
            break
        if i < 4:
            time.sleep(1.0)
    if alive:
        t.ok(True, 'a query every second keeps the connection open (%.1f s > tcp_timeout)'
             % (time.monotonic() - t0))
        took = wait_closed(s, time.monotonic() + 4.0)
        t.ok(took is not None, 'then idle: closed within 4 s', 'still open')
    s.close()

    # one byte every 0.5 s: each byte is activity, no message is whole
    msg = pycheck.frame(dns.message.make_query('www.lb.example', 'A', id=600)) * 4
    s = pycheck.tcp_connect()
    t0 = time.monotonic()
    took = None
    for b in msg:
        try:
            s.sendall(bytes([b]))
        except OSError:
            break
        st = pycheck.conn_state(s, 0.5)
        if st == 'closed':
            break
        if st == 'data':
            # the first whole message is answered: fine, keep dripping
            try:
                if not s.recv(65535):
                    break
            except OSError:
                break
        if time.monotonic() - t0 > 12:
            break
    took = time.monotonic() - t0
    t.ok(took < 6.0, 'a client sending a byte every 0.5 s is closed within 6 s',
         'still open after %.1f s' % took)
    print('# byte drip: closed after %.2f s' % took)
    s.close()
pycheck.main(run)
EOF

stop_daemon
finish
