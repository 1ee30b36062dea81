#!/bin/bash
# 09-tcp-pipeline: DNS over TCP (RFC 7766): 2-byte length framing, ten
# pipelined queries in one write answered on the same connection (in any
# order, matched by ID), messages split across writes, persistent
# connections, many concurrent connections; over IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
require_dnspython
standard_setup

py <<'EOF'
import socket
import time
import dns.message
import dns.rdatatype
import pycheck

QUERIES = [
    ('www.lb.example', 'A', 'NOERROR', 2),
    ('www.lb.example', 'AAAA', 'NOERROR', 2),
    ('docs.lb.example', 'A', 'NOERROR', 3),
    ('nx.lb.example', 'A', 'NXDOMAIN', 0),
    ('svc.lb.example', 'A', 'NOERROR', 0),
    ('lb.example', 'SOA', 'NOERROR', 1),
    ('lb.example', 'NS', 'NOERROR', 2),
    ('mail.lb.example', 'A', 'NOERROR', 1),
    ('example.com', 'A', 'REFUSED', 0),
    ('host.second.test', 'A', 'NOERROR', 1),
]

def query(name, rdtype, qid):
    return dns.message.make_query(name, rdtype, id=qid)

def read_n(t, s, n, timeout):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n:
        kind, data = pycheck.tcp_read(s, max(0.01, deadline - time.monotonic()))
        if kind != 'msg':
            return got, kind
        got.append(data)
    return got, 'msg'

def pipelined(t, host, ids_base):
    sent = {}
    wire = b''
    for i, (name, typ, rc, an) in enumerate(QUERIES):
        qid = ids_base + i
        sent[qid] = (name, typ, rc, an)
        wire += pycheck.frame(query(name, typ, qid))
    s = pycheck.tcp_connect(host)
    s.sendall(wire)                      # all ten in one write
    got, kind = read_n(t, s, len(QUERIES), 5.0)
    t.eq('%s: 10 pipelined queries in one write: 10 answers' % host, 10, len(got),
         'stopped on %s' % kind)
    seen = set()
    bad = []
    for data in got:
        try:
            m = pycheck.parse(data)
        except Exception as e:
            bad.append('unparseable: %s' % e)
            continue
        if m.id not in sent or m.id in seen:
            bad.append('unexpected or duplicate id %d' % m.id)
            continue
        seen.add(m.id)
        name, typ, rc, an = sent[m.id]
        qname = m.question[0].name.to_text() if m.question else None
        if (qname, m.question[0].rdtype if m.question else None) != \
                (name + '.', dns.rdatatype.from_text(typ)):
            bad.append('id %d: question %r, expected %s %s' % (m.id, qname, name, typ))
        if (pycheck.rcode(m), len(m.answer)) != (rc, an):
            bad.append('id %d (%s %s): %s/%d answers, expected %s/%d' %
                       (m.id, name, typ, pycheck.rcode(m), len(m.answer), rc, an))
    t.ok(not bad and len(seen) == len(QUERIES),
         '%s: every pipelined answer matches its query by ID' % host, '\n'.join(bad))
    # the connection stays open for more queries
    s.sendall(pycheck.frame(query('www.lb.example', 'A', ids_base + 99)))
    kind, data = pycheck.tcp_read(s, 3.0)
    ok = kind == 'msg' and pycheck.parse(data).id == ids_base + 99
    t.ok(ok, '%s: the connection stays open for a later query' % host, kind)
    s.close()

def run(t):
    pipelined(t, '127.0.0.1', 100)
    pipelined(t, '::1', 200)

    # a message delivered a byte at a time
    s = pycheck.tcp_connect()
    q = pycheck.frame(query('www.lb.example', 'A', 300))
    for b in q:
        s.send(bytes([b]))
        time.sleep(0.005)
    kind, data = pycheck.tcp_read(s, 3.0)
    t.ok(kind == 'msg' and pycheck.parse(data).id == 300 and len(pycheck.parse(data).answer) == 2,
         'query sent one byte at a time: answered', kind)
    # a message split between two writes, the second also holding the next
    q1 = pycheck.frame(query('www.lb.example', 'A', 301))
    q2 = pycheck.frame(query('mail.lb.example', 'A', 302))
    s.send(q1[:1])
    time.sleep(0.05)
    s.send(q1[1:20])
    time.sleep(0.05)
    s.send(q1[20:] + q2[:5])
    time.sleep(0.05)
    s.send(q2[5:])
    got, kind = read_n(t, s, 2, 3.0)
    t.eq('messages split across writes: both answered', [301, 302],
         sorted(pycheck.parse(x).id for x in got), kind)
    s.close()

    # 20 concurrent connections, each with its own query.  IPv4 ones
    # each from an address of their own and 7 from ::1, all within
    # tcp_clients_per_source (8) however they fall on the workers.
    socks = []
    for i in range(20):
        if i % 3 == 0:
            c = pycheck.tcp_connect('::1')
        else:
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.settimeout(2.0)
            c.bind(('127.0.0.%d' % (100 + i), 0))
            c.connect(('127.0.0.1', pycheck.PORT))
        c.sendall(pycheck.frame(query('www.lb.example', 'A', 400 + i)))
        socks.append(c)
    answered = 0
    for i, c in enumerate(socks):
        kind, data = pycheck.tcp_read(c, 3.0)
        if kind == 'msg' and pycheck.parse(data).id == 400 + i:
            answered += 1
        c.close()
    t.eq('20 concurrent connections: all answered', 20, answered)

    # a large pipeline: 200 queries in one write
    s = pycheck.tcp_connect()
    s.sendall(b''.join(pycheck.frame(query('www.lb.example', 'A', 1000 + i)) for i in range(200)))
    got, kind = read_n(t, s, 200, 10.0)
    t.eq('200 pipelined queries: 200 distinct answers', set(range(1000, 1200)),
         set(pycheck.parse(x).id for x in got), kind)
    s.close()
pycheck.main(run)
EOF

# dig and kdig over TCP work too (one query per connection)
dq +tcp www.lb.example A
expect_eq "dig +tcp www A" NOERROR "$(d_status)" "$DIG_OUT"
if command -v kdig >/dev/null 2>&1; then
    kq +tcp +keepopen www.lb.example A mail.lb.example A
    expect_eq "kdig +tcp +keepopen: two queries on one connection" 2 \
        "$(grep -c '^;; ->>HEADER<<-.*status: NOERROR' "$KDIG_OUT")" "$KDIG_OUT"
fi

stop_daemon
finish
