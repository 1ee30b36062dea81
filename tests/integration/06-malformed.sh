#!/bin/bash
# 06-malformed: NOTIMP for opcodes other than QUERY; FORMERR (ID echoed)
# for QDCOUNT != 1 and malformed questions; no reply at all to packets
# shorter than a header or with QR set; mutated queries never crash the
# server and every reply it sends parses.
. "$(dirname "$0")/lib.sh"
require_dnspython
standard_setup

# dig can send other opcodes and header-only queries
for op in notify status update; do
    dq +opcode=$op lb.example SOA
    expect_eq "dig +opcode=$op: status NOTIMP" NOTIMP "$(d_status)" "$DIG_OUT"
    expect_eq "dig +opcode=$op: opcode echoed" "$(echo $op | tr a-z A-Z)" "$(d_opcode)" "$DIG_OUT"
done
dq +header-only +qid=31337
expect_eq "dig +header-only (QDCOUNT 0): status FORMERR" FORMERR "$(d_status)" "$DIG_OUT"
expect_eq "dig +header-only: ID echoed" 31337 "$(d_id)" "$DIG_OUT"

py <<'EOF'
import random, select, socket, struct, time
import dns.edns
import dns.flags as f
import dns.message
import dns.name
import dns.rdatatype
import pycheck

def hdr(qid, qd=1, an=0, ns=0, ar=0, flags=f.RD):
    """A header by hand, for the packets dnspython will not build."""
    return struct.pack('!HHHHHH', qid, flags, qd, an, ns, ar)

def wname(name):
    return dns.name.from_text(name).to_wire()

def run(t):
    # --- opcodes other than QUERY
    for op in (1, 2, 3, 4, 5, 6, 15):
        qid = 1000 + op
        q = dns.message.make_query('lb.example', 'SOA', id=qid)
        q.set_opcode(op)
        m = t.reply('opcode %d' % op, q)
        if m:
            t.eq('opcode %d: NOTIMP, opcode and ID echoed' % op,
                 ('NOTIMP', op, qid), (pycheck.rcode(m), pycheck.opcode(m), m.id),
                 pycheck.describe(m.wire))

    q = dns.message.make_query('lb.example', 'SOA', id=1100)
    q.set_opcode(4)
    m = t.reply('NOTIFY over TCP', q, 'tcp')
    if m:
        t.eq('NOTIFY over TCP: NOTIMP, opcode echoed', ('NOTIMP', 4),
             (pycheck.rcode(m), pycheck.opcode(m)))

    # --- FORMERR cases: (description, packet)
    q = wname('www.lb.example') + struct.pack('!HH', 1, 1)
    q2 = wname('mail.lb.example') + struct.pack('!HH', 1, 1)
    cases = [
        ('QDCOUNT 0', hdr(2001, qd=0)),
        ('QDCOUNT 0 over a packet with a question', hdr(2002, qd=0) + q),
        ('QDCOUNT 2', hdr(2003, qd=2) + q + q2),
        ('QDCOUNT 2 with one question present', hdr(2004, qd=2) + q),
        ('truncated name', hdr(2005) + b'\x03www\x02lb\x07exa'),
        ('name without its root label', hdr(2006) + b'\x03www\x02lb\x07example'),
        ('question without QTYPE/QCLASS', hdr(2007) + wname('www.lb.example')),
        ('question with half a QTYPE', hdr(2008) + wname('www.lb.example') + b'\x00'),
        ('label length 64 (0x40)', hdr(2009) + b'\x40' + b'a' * 64 + b'\x00\x00\x01\x00\x01'),
        ('label type 0x80', hdr(2010) + b'\x80' + b'a' * 10 + b'\x00\x00\x01\x00\x01'),
        ('compression pointer in the question (to itself)', hdr(2011) + b'\xc0\x0c\x00\x01\x00\x01'),
        ('compression pointer in the question (forward)', hdr(2012) + b'\x03www\xc0\x30\x00\x01\x00\x01' + b'\x00' * 40),
        ('compression pointer in the question (into header)', hdr(2013) + b'\x03www\xc0\x02\x00\x01\x00\x01'),
        ('name longer than 255 octets', hdr(2014) + (b'\x3f' + b'a' * 63) * 4 + b'\x00\x00\x01\x00\x01'),
    ]
    for desc, pkt in cases:
        qid = struct.unpack('!H', pkt[:2])[0]
        data = pycheck.udp_exchange(pkt, timeout=2.0)
        if data is None:
            t.ok(False, '%s: FORMERR reply' % desc, 'no reply within 2 s')
            continue
        if len(data) < 12:
            t.ok(False, '%s: FORMERR reply' % desc, 'short reply %s' % data.hex())
            continue
        rid, fl = struct.unpack('!HH', data[:4])
        t.eq('%s: FORMERR, QR set, ID echoed' % desc, (1, True, qid),
             (fl & 15, bool(fl & 0x8000), rid), 'reply: %s' % data.hex())
        try:
            pycheck.parse(data)
            t.ok(True, '%s: the FORMERR reply parses' % desc)
        except Exception as e:
            t.ok(False, '%s: the FORMERR reply parses' % desc, '%s: %s' % (e, data.hex()))

    # --- unusual but valid names: answered normally
    apex = wname('lb.example')
    name255 = (b'\x3f' + b'a' * 63) * 3 + b'\x32' + b'b' * 50 + apex
    valid = [
        ('name of exactly 255 octets', name255, 'NXDOMAIN', []),
        ('label of exactly 63 octets', b'\x3f' + b'c' * 63 + apex, 'NXDOMAIN', []),
        ('label "a.svc" holding a dot byte', b'\x05a.svc' + apex, 'NXDOMAIN', []),
        ('label "www\\000" holding a NUL byte', b'\x04www\x00' + apex, 'NXDOMAIN', []),
        ('label with bytes >= 0x80', b'\x03w\xd7w' + apex, 'NXDOMAIN', []),
        ('www with bytes >= 0x80 elsewhere', b'\x03\xf7\xf7\xf7' + apex, 'NXDOMAIN', []),
        ('WWW in upper case', b'\x03WWW' + apex, 'NOERROR', ['192.0.2.10', '192.0.2.11']),
    ]
    for i, (desc, name, rc, addrs) in enumerate(valid):
        pkt = hdr(2500 + i) + name + b'\x00\x01\x00\x01'
        m = t.reply(desc, pkt)
        if m:
            t.eq('%s: %s' % (desc, rc), (rc, addrs),
                 (pycheck.rcode(m), sorted(r[0].to_text() for r in m.answer
                                           if r.rdtype == dns.rdatatype.A)), m.to_text())
            t.eq('%s: question echoed byte for byte' % desc, pkt[12:], m.wire[12:len(pkt)])

    # FORMERR over TCP as well
    pkt = hdr(2100, qd=2) + q + q
    data = pycheck.tcp_exchange(pkt)
    t.ok(data is not None and len(data) >= 4 and data[:2] == pkt[:2]
         and struct.unpack('!H', data[2:4])[0] & 15 == 1,
         'QDCOUNT 2 over TCP: FORMERR with the ID echoed',
         'reply: %s' % (data.hex() if data else None))

    # --- no reply at all: shorter than a header, or QR set
    resp = dns.message.make_query('www.lb.example', 'A', id=3001)
    resp.flags |= f.QR
    resp_aa = dns.message.make_query('www.lb.example', 'A', id=3002)
    resp_aa.flags |= f.QR | f.AA
    resp_hdr = dns.message.Message(id=3004)
    resp_hdr.flags = f.QR
    silent = [
        ('empty datagram', b''),
        ('1-byte packet', b'\x42'),
        ('11-byte packet', dns.message.make_query('www.lb.example', 'A', id=3003).to_wire()[:11]),
        ('QR=1 (a response)', resp.to_wire()),
        ('QR=1 AA=1 (a response)', resp_aa.to_wire()),
        ('QR=1 header only', resp_hdr.to_wire()),
    ]
    socks = []
    for desc, pkt in silent:
        s = socket.socket(pycheck.family_of(pycheck.HOST), socket.SOCK_DGRAM)
        s.connect((pycheck.HOST, pycheck.PORT))
        s.send(pkt)
        socks.append((desc, s))
    deadline = time.monotonic() + 1.0
    got = {}
    while time.monotonic() < deadline:
        r, _, _ = select.select([s for _, s in socks], [], [], max(0, deadline - time.monotonic()))
        for s in r:
            try:
                got[s] = s.recv(65535)
            except OSError as e:
                got[s] = repr(e).encode()
    for desc, s in socks:
        t.ok(s not in got, '%s: no reply within 1 s' % desc,
             'got: %s' % (got[s].hex() if s in got else ''))
        s.close()

    # TCP: a message shorter than a header must not hurt the server
    try:
        s = pycheck.tcp_connect()
        s.sendall(pycheck.frame(b'\x01\x02\x03'))
        kind, data = pycheck.tcp_read(s, 2.0)
        t.ok(kind in ('eof', 'reset', 'timeout'),
             'TCP message of 3 bytes: no reply (connection closed or ignored)',
             'got %s %s' % (kind, data.hex() if data else ''))
        s.close()
    except OSError as e:
        t.ok(False, 'TCP message of 3 bytes', repr(e))

    # --- mutated queries: bounded, fixed seed; the server must survive and
    # every reply must be a well-formed response
    rnd = random.Random(20261125)
    base = [dns.message.make_query(*a, **kw).to_wire() for a, kw in (
        (('www.lb.example', 'A'), {}),
        (('docs.lb.example', 'A'), {'use_edns': 0}),
        (('x.sub.lb.example', 'A'),
         {'use_edns': 0, 'options': [dns.edns.ECSOption('192.0.2.0', 24)]}),
        (('lb.example', 'NS'), {}))]
    s = socket.socket(pycheck.family_of(pycheck.HOST), socket.SOCK_DGRAM)
    s.connect((pycheck.HOST, pycheck.PORT))
    replies = []
    bad = []
    for i in range(400):
        p = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 4)):
            if len(p) < 3:
                break
            op = rnd.random()
            pos = rnd.randrange(len(p))
            if op < 0.5:
                p[pos] = rnd.randrange(256)
            elif op < 0.7:
                del p[pos:]
            elif op < 0.85:
                p.insert(pos, rnd.randrange(256))
            else:
                p[pos] ^= 1 << rnd.randrange(8)
        if len(p) > 2:
            p[2] &= 0x7f      # keep QR clear so that most get an answer
        s.send(bytes(p))
        while True:
            r, _, _ = select.select([s], [], [], 0 if i % 20 else 0.05)
            if not r:
                break
            try:
                replies.append((bytes(p), s.recv(65535)))
            except ConnectionRefusedError:
                bad.append('ICMP port unreachable: the server is gone?')
                break
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], max(0, end - time.monotonic()))
        if not r:
            break
        try:
            replies.append((None, s.recv(65535)))
        except OSError:
            break
    s.close()
    for q_, data in replies:
        try:
            m = pycheck.parse(data)
            if not m.flags & f.QR:
                bad.append('reply without QR: %s' % data.hex())
        except Exception as e:
            # a FORMERR reply may echo a header whose counts no longer match
            if len(data) >= 12 and data[3] & 15 == 1 and data[2] & 0x80:
                continue
            bad.append('%s: reply %s to query %s' % (e, data.hex(), q_.hex() if q_ else '?'))
    t.ok(not bad, '400 mutated queries: every reply is well-formed (%d replies)' % len(replies),
         '\n'.join(bad[:5]))
    m = t.reply('www A after the malformed packets', dns.message.make_query('www.lb.example', 'A'))
    if m:
        t.eq('server still answers www A', ('NOERROR', 2), (pycheck.rcode(m), len(m.answer)))
pycheck.main(run)
EOF

stop_daemon
finish
