#!/usr/bin/env python3
# make-corpus.py -- write the seed corpora of tests/fuzz/corpus/<target>/
# usage: tests/fuzz/make-corpus.py   (needs python3-dnspython)
# The files are in the tree; run this again only to change them.  Inputs
# that a run found (crashes, leaks, disagreements, once fixed) are kept as
# corpus/<target>/regress-<what>: this script leaves those alone.
# SPDX-License-Identifier: ISC
import hashlib
import os
import struct

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.rdataclass
import dns.rdatatype

top = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(top, 'corpus')


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def fresh(target):
    """Remove the generated seeds; keep regress-* (inputs runs found)."""
    d = os.path.join(corpus, target)
    if not os.path.isdir(d):
        return
    for f in os.listdir(d):
        if not f.startswith('regress-'):
            os.unlink(os.path.join(d, f))


def q(name, rdtype='A', rdclass='IN', qid=0, **kw):
    m = dns.message.make_query(name, rdtype, rdclass, **kw)
    m.id = qid
    return m.to_wire()


def ecs(addr, src, scope=0):
    return dns.edns.ECSOption(addr, src, scope)


# DNS queries: the per-query path and the differential target share them.
# The second byte of the ID picks fuzz_query's client address.
queries = []
names = ['www.lb.example.', 'WwW.Lb.ExAmPlE.', 'docs.lb.example.',
         'lb.example.', 'a.svc.lb.example.', 'svc.lb.example.',
         'nx.lb.example.', 'x.sub.lb.example.', 'sub.lb.example.',
         'api.eu.lb.example.', 'sticky.lb.example.', 'geo.lb.example.',
         'primary.lb.example.', 'legacy.lb.example.', 'c1.fz.test.',
         'big.fz.test.', 'fb.fz.test.', 'fbc.fz.test.', 'sf.fz.test.',
         'nd.fz.test.', 'w1.fz.test.', 'g.fz.test.', 'h.fz.test.',
         'a.b.del.fz.test.', 'x.y.z.fz.test.', 'y.z.fz.test.',
         'x.old.fz.test.', 'Mx.W.ol2.fz.test.', 'q.lp.fz.test.',
         'abc.far.fz.test.',
         'example.org.', '.']
types = ['A', 'AAAA', 'ANY', 'TXT', 'MX', 'NS', 'SOA', 'SRV', 'CNAME', 'DS',
         'CAA', 'AXFR']
for i, n in enumerate(names):
    queries.append(q(n, types[i % len(types)], qid=i * 257))
for i, n in enumerate(names[:14]):
    queries.append(q(n, 'AAAA' if i % 2 else 'A', qid=i * 263,
                     use_edns=0, want_dnssec=(i % 3 == 0),
                     payload=[512, 1232, 4096, 65535][i % 4]))
queries += [
    q('www.lb.example.', qid=0x0101, use_edns=0,
      options=[ecs('192.0.2.0', 24)]),
    q('g.fz.test.', 'AAAA', qid=0x0202, use_edns=0,
      options=[ecs('2001:db8:e::', 48)]),
    q('h.fz.test.', qid=0x0303, use_edns=0, options=[ecs('198.51.100.7', 32)]),
    q('geo.lb.example.', qid=0x0404, use_edns=0, options=[ecs('0.0.0.0', 0)]),
    q('geo.lb.example.', qid=0x0505, use_edns=0,
      options=[ecs('10.1.2.0', 23, 0)]),
    q('www.lb.example.', qid=0x0606, use_edns=0,
      options=[dns.edns.GenericOption(dns.edns.NSID, b'')]),
    q('www.lb.example.', qid=0x0707, use_edns=0,
      options=[dns.edns.GenericOption(10, b'\x01\x02\x03\x04\x05\x06\x07\x08')]),
    q('www.lb.example.', qid=0x0808, use_edns=1),
    q('version.bind.', 'TXT', 'CH', qid=0x0909),
    q('id.server.', 'TXT', 'CH', qid=0x0a0a, use_edns=0),
    q('hostname.bind.', 'TXT', 'CH', qid=0x0b0b),
]
m = dns.message.make_query('www.lb.example.', 'A')
m.flags |= dns.flags.CD | dns.flags.AD
m.id = 0x2001
queries.append(m.to_wire())
m = dns.message.make_query('www.lb.example.', 'A')
m.set_opcode(dns.opcode.NOTIFY)
m.id = 0x2002
queries.append(m.to_wire())
m = dns.message.make_query('www.lb.example.', 'A')
m.id = 0x2003
m = dns.message.make_response(m)
queries.append(m.to_wire())
base = q('www.lb.example.', qid=0x1111)
queries.append(base[:4] + b'\x00\x02' + base[6:] + base[12:])   # QDCOUNT 2
queries.append(base[:4] + b'\x00\x00' + base[6:12])              # QDCOUNT 0
queries.append(base[:20])                                        # cut short
queries.append(base[:12] + b'\xc0\x0c' + base[-4:])              # pointer
edns = q('www.lb.example.', qid=0x1212, use_edns=0)
queries.append(edns + b'\x00')                                    # trailing
# OPT in the answer section
queries.append(edns[:6] + b'\x00\x01' + edns[8:10] + b'\x00\x00' + edns[12:])
# two OPTs
opt = edns[len(base):]
queries.append(edns[:10] + b'\x00\x02' + edns[12:] + opt)

fresh('query')
fresh('wire_ldns')
for w in queries:
    put('query', w)
    put('wire_ldns', w)

# Configuration files: the unit tests' and the example's (fuzz_conf copies
# tests/unit/conf, tests/fuzz/fixture and zones/ beside each input).
fresh('conf')
confdir = os.path.join(top, '..', 'unit', 'conf')
mains = sorted(f for f in os.listdir(confdir)
               if f.endswith('.conf') and not f.endswith('.zone.conf'))
good = [f for f in mains if not f.startswith('bad-')]
bad = [f for f in mains if f.startswith('bad-')]
for f in good + bad[::3]:
    with open(os.path.join(confdir, f), 'rb') as fh:
        put('conf', fh.read())
with open(os.path.join(top, '..', '..', 'zones', 'steerdns.conf'), 'rb') as fh:
    put('conf', fh.read())
put('conf', 'server = { listen = [ "127.0.0.1:5353" ]; nsid = "fuzz"; };\n'
    'zones = [ "fz.test.conf" ];\n')
put('conf', 'server = { listen = [ "127.0.0.1:5353" ]; };\n'
    'zones = [ "fz.test.conf", "lb.example.conf" ];\n')
put('conf', '@include "steerdns.conf"\n')

# Control requests, one line each as steerdnsctl sends them.
fresh('ctl')
for r in [
        '{"cmd":"status"}', '{"cmd":"members"}', '{"cmd":"stats"}',
        '{"cmd":"fleet"}', '{"cmd":"reload"}',
        '{"cmd":"drain","member":"192.0.2.10","reason":"upgrade",'
        '"expires":600}',
        '{"cmd":"drain","member":"2001:db8::10"}',
        '{"cmd":"force-up","member":"192.0.2.66","local":true}',
        '{"cmd":"force-down","member":"192.0.2.11","expires":null}',
        '{"cmd":"undrain","member":"2001:db8::11"}',
        '{"cmd":"clear","member":"192.0.2.10"}',
        '{"cmd":"drain","member":"198.51.100.99"}',
        '{"cmd":"drain","member":"not an address"}',
        '{"cmd":"drain","member":"192.0.2.10","expires":"600"}',
        '{"cmd":"drain","member":"192.0.2.10","expires":-1}',
        '{"cmd":"drain","member":"192.0.2.10","expires":1e300}',
        '{"cmd":"drain","member":"192.0.2.10","reason":"' + 'r' * 200 + '"}',
        '{"cmd":"drain"}',
        '{"cmd":"explain","name":"www.lb.example","client":"192.0.2.7"}',
        '{"cmd":"explain","name":"g.fz.test.","type":"AAAA",'
        '"client":"2001:db8:e::1","ecs":"2001:db8:e::/48"}',
        '{"cmd":"explain","name":"sticky.lb.example","type":"A",'
        '"client":"198.51.100.7","ecs":"10.0.0.0/8"}',
        '{"cmd":"explain","name":"fb.fz.test","client":"192.0.2.1"}',
        '{"cmd":"explain","name":"x.sub.lb.example","type":"TXT",'
        '"client":"::1"}',
        '{"cmd":"explain","name":"www.lb.example"}',
        '{"cmd":"explain","name":"..","client":"1.2.3.4","type":"BOGUS"}',
        '{"cmd":"nosuch"}', '{"cmd":7}', '{}', '[]', '', '{"cmd":"status"',
        '{"cmd":"status","cmd":"stats"}', '{"cmd":"st\\u0000atus"}',
        '{"cmd":"status"} trailing', '"status"', 'null',
        '{"cmd":"drain","member":"192.0.2.10","local":"yes"}',
]:
    put('ctl', r)

# State files as the daemon writes them, and broken ones.
fresh('state')
head = '# steerdns admin overrides: address state set_at expires reason\n'
for s in [
        head,
        head + '192.0.2.10\tdrain\t1764000000\t0\tupgrade\n',
        head + '2001:db8::10\tdown\t1764000000\t1764000600\t\n',
        head + '192.0.2.66\tup\t1764000000\t0\tforced\n'
        '192.0.2.11\tdrain\t1764000000\t0\tx\n',
        '192.0.2.10\tdrain\t1764000000\t0\n',
        '192.0.2.10\tdrain\t1764000000\n',
        '192.0.2.10\tnone\t0\t0\tr\n',
        '192.0.2.10\tbogus\t0\t0\tr\n',
        'not-an-address\tdrain\t0\t0\tr\n',
        '192.0.2.10\tdrain\t1e300\t1e300\tr\n',
        '192.0.2.10\tdrain\tnan\tinf\tr\n',
        '192.0.2.10\tdrain\t0\t0\t' + 'r' * 1100 + '\n',
        '192.0.2.10\tdrain\t0\t0\tr\n192.0.2.10\tdown\t0\t0\tdup\n',
        '192.0.2.10\tdrain\t0\t0\t\x1b[31mred\x07\n',
        '\t\t\t\t\n', '\n\n\n', '#\n', '192.0.2.10 drain 0 0 spaces\n',
        '192.0.2.10\tdrain\t0\t0\tno newline',
        '[2001:db8::10]\tdrain\t0\t0\tbrackets\n',
        '::ffff:192.0.2.10\tdrain\t0\t0\tmapped\n',
]:
    put('state', s)

# HTTP requests to the metrics and status server.
fresh('http')
for r in [
        'GET / HTTP/1.1\r\nHost: 127.0.0.1:9353\r\n\r\n',
        'GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n',
        'HEAD /metrics HTTP/1.0\r\n\r\n',
        'GET /status.json?x=1 HTTP/1.1\r\n\r\n',
        'GET /health HTTP/1.1\n\n', 'POST / HTTP/1.1\r\n\r\n',
        'GET / HTTP/2\r\n\r\n', 'GET  / HTTP/1.1\r\n\r\n', 'GET /\r\n\r\n',
        'GET / HTTP/1.1', ' / HTTP/1.1\r\n\r\n',
        'VERYLONGMETHODNAME / HTTP/1.1\r\n\r\n',
        'GET /' + 'a' * 2100 + ' HTTP/1.1\r\n\r\n',
        'GET /\x00metrics HTTP/1.1\r\n\r\n', 'GET / HTTP/1.\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n',
        'GET http://127.0.0.1:9353/metrics HTTP/1.1\r\n\r\n',
        '\r\n\r\n', '',
]:
    put('http', r)
