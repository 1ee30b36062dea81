#!/usr/bin/env python3
# knot-diff.py -- the zone, the queries and the comparison of
# 22-knot-diff.sh: steerdns against Knot DNS on one generated zone.
#
#   knot-diff.py gen DIR SEED
#       writes DIR/kd.example.zone (an RFC 1035 master file, what knotd
#       serves), DIR/kd.example.conf (the same data as steerdns `records`)
#       and DIR/model.json (the names, for the queries)
#   knot-diff.py compare DIR SEED KNOT-PORT PORT [PORT...]
#       sends the queries to knotd and to each steerdns on 127.0.0.1 and
#       prints one "ok - " / "not ok - " line per steerdns, the counts,
#       and the first differences of each kind
#
# Everything is drawn from random.Random(SEED): a failure is reproduced by
# running the test again.  dnspython (Debian python3-dnspython) builds the
# queries and reads the replies; pycheck.py sends them.
# SPDX-License-Identifier: ISC

import os
import random
import sys

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype

ORIGIN = 'kd.example.'
TTL = 3600
SOA = ('ns1.kd.example. hostmaster.kd.example. 2026120301 3600 900 '
       '604800 300')
LONG63 = 'l' * 63
# A DNAME target of 203 octets: a name of more than 52 octets below the
# DNAME's owner has no room left (RFC 6672 2.2: YXDOMAIN).
LONGTARGET = '%s.%s.%s.example.' % ('x' * 63, 'y' * 63, 'z' * 63)

# The types asked at every name.
QTYPES = ['A', 'AAAA', 'MX', 'TXT', 'SRV', 'CAA', 'PTR', 'NS', 'DS',
          'CNAME', 'DNAME', 'SOA', 'SSHFP', 'NAPTR', 'TLSA', 'HINFO',
          'ANY', 'RRSIG', 'NSEC', 'SPF', 'TYPE65280']
# The ways of asking: (transport, EDNS payload or None, DO).
# How many differences of each kind to print (KNOT_DIFF_SHOW).
SHOW = int(os.environ.get('KNOT_DIFF_SHOW', '6'))
VARIANTS = [('udp', None, False), ('udp', 1232, False), ('udp', 1232, True),
            ('udp', 512, False), ('tcp', 1232, True), ('tcp', None, False)]


# ------------------------------------------------------------------ zone

class Zone:
    """The generated zone: records as (owner, ttl, type, rdata) with
    absolute owners, and what the queries need to know about names."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.rrs = []
        self.hosts = []         # names with addresses, for targets
        self.names = set()      # every owner and empty non-terminal
        self.below = []         # names to ask below: cuts, DNAMEs,
                                # wildcards, ENTs
        self.build()

    def label(self, lo=3, hi=10):
        return ''.join(self.r.choice('abcdefghijklmnopqrstuvwxyz0123456789')
                       for _ in range(self.r.randint(lo, hi)))

    def ttl(self):
        return self.r.choice([60, 300, 3600, 86400])

    def add(self, owner, typ, rdata, ttl=None):
        if not owner.endswith('.'):
            owner = owner + '.' + ORIGIN if owner != '@' else ORIGIN
        self.rrs.append((owner, ttl if ttl is not None else TTL, typ, rdata))
        n = owner.lower()
        while n != ORIGIN and n.endswith('.' + ORIGIN):
            self.names.add(n)
            n = n.split('.', 1)[1]
        self.names.add(ORIGIN)

    def v4(self):
        return '192.0.2.%d' % self.r.randint(1, 254)

    def v6(self):
        return '2001:db8::%x' % self.r.randint(1, 0xffff)

    def host(self, name, v4=1, v6=0, ttl=None):
        t = ttl or self.ttl()
        for a in self.r.sample(range(1, 255), v4):
            self.add(name, 'A', '198.51.100.%d' % a, t)
        for a in self.r.sample(range(1, 0xffff), v6):
            self.add(name, 'AAAA', '2001:db8:1::%x' % a, t)
        self.hosts.append(name + '.' + ORIGIN)

    def target(self, inzone=0.7):
        """A name for MX, SRV, NS, PTR, CNAME: in the zone with addresses
        or outside it."""
        if self.hosts and self.r.random() < inzone:
            return self.r.choice(self.hosts)
        return '%s.other.example.' % self.label()

    def build(self):
        r = self.r
        add = self.add
        # the apex: NS, MX, TXT, CAA (the SOA and NS go to steerdns apart)
        self.host('ns1', 1, 1, TTL)
        self.host('ns2', 1, 0, TTL)
        self.host('mail', 1, 1)
        add('@', 'MX', '10 mail.kd.example.')
        add('@', 'MX', '20 mx.other.example.')
        add('@', 'TXT', '"v=spf1 -all"', 300)
        add('@', 'CAA', '0 issue "ca.example.net"')
        # plain hosts, some with more types
        for i in range(40):
            n = 'h%d-%s' % (i, self.label())
            self.host(n, r.randint(1, 3), r.randint(0, 2))
            if r.random() < 0.3:
                add(n, 'TXT', '"%s" "%s"' % (self.label(5, 40),
                                             self.label(1, 20)), self.ttl())
            if r.random() < 0.2:
                add(n, 'MX', '%d %s' % (r.randint(0, 50), self.target()))
            if r.random() < 0.15:
                add(n, 'CAA', '0 issuewild "ca%d.example.net"' % i)
            if r.random() < 0.1:
                add(n, 'SSHFP', '4 2 %064x' % r.getrandbits(256))
            if r.random() < 0.1:
                add(n, 'HINFO', '"pdp-%d" "tops-%d"' % (i, i))
        # mail exchangers in and out of the zone, SRV, PTR, others
        for i in range(8):
            n = 'mx%d' % i
            for k in range(r.randint(1, 3)):
                add(n, 'MX', '%d %s' % (10 * k, self.target()), 600)
        for i in range(8):
            n = '_svc%d._tcp.srv' % i
            for k in range(r.randint(1, 3)):
                add(n, 'SRV', '%d %d %d %s' % (k, r.randint(0, 100),
                    r.randint(1, 65535), self.target()), 300)
        for i in range(6):
            add('%d.2.0.192.rev' % i, 'PTR', self.target(0.9), 86400)
        add('naptr', 'NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp.kd.example.')
        add('_443._tcp.www', 'TLSA', '3 1 1 %064x' % r.getrandbits(256))
        add('www', 'A', '192.0.2.80')
        add('www', 'AAAA', '2001:db8::80')
        self.hosts.append('www.' + ORIGIN)
        # more than 512 bytes: truncated without EDNS and at payload 512
        for k in range(40):
            add('big', 'A', '203.0.113.%d' % (k + 1), 120)
        for k in range(3):
            add('bigtxt', 'TXT', '"%s"' % ('t%d' % k * 60)[:200], 120)
        add('big', 'TXT', '"a big name"', 120)
        # over 1232 bytes: truncated over UDP whatever the payload
        for k in range(60):
            add('huge', 'AAAA', '2001:db8:4::%x' % (k + 1), 120)
        # an answer that fits with additional records that do not
        for k in range(10):
            add('mxbig', 'MX', '%d %s' % (k, self.hosts[10 + k]), 300)
        # targets that are CNAMEs, the apex, an empty non-terminal
        add('mxcn', 'MX', '10 c0-1.kd.example.')
        add('_x._udp.srvcn', 'SRV', '0 0 53 c1-1.kd.example.')
        add('toapex', 'CNAME', ORIGIN)
        add('toent', 'CNAME', 'c.ent.kd.example.')
        add('tostar', 'CNAME', '*.wild.kd.example.')
        add('unknown', 'TYPE65280', '\\# 4 0a000001')
        # letter case and length
        add('MiXeD', 'A', '192.0.2.31')
        add('WwW.MiXeD.CaSe', 'A', '192.0.2.32')
        add('WwW.MiXeD.CaSe', 'TXT', '"Case Kept"')
        add('%s.%s.long' % (LONG63, LONG63), 'A', '192.0.2.33')
        add('%s.%s.%s.long' % (LONG63[:50], LONG63, LONG63), 'A',
            '192.0.2.34')
        self.below.append('%s.%s.long' % (LONG63, LONG63))
        # empty non-terminals
        add('a.b.c.ent', 'A', '192.0.2.40')
        add('x.y.ent', 'TXT', '"deep"')
        self.below += ['c.ent', 'b.c.ent', 'y.ent', 'ent']
        # delegations with in-bailiwick glue, out-of-zone and sibling NS,
        # DS at some cuts
        for i in range(8):
            cut = 'dlg%d' % i
            add(cut, 'NS', 'ns1.%s.kd.example.' % cut, 86400)
            add('ns1.' + cut, 'A', self.v4(), 86400)
            if i % 2:
                add('ns1.' + cut, 'AAAA', self.v6(), 86400)
            if i % 3 == 0:
                add(cut, 'NS', 'ns.deep.%s.kd.example.' % cut, 86400)
                add('ns.deep.' + cut, 'A', self.v4(), 86400)
            if i % 3 == 1:
                add(cut, 'NS', 'ns.other.example.', 86400)
            if i % 4 == 2:
                add(cut, 'NS', self.hosts[3], 86400)
            if i % 4 == 3:
                # glue that belongs to another cut
                add(cut, 'NS', 'ns1.dlg%d.kd.example.' % (i - 1), 86400)
            if i % 2 == 0:
                add(cut, 'DS', '%d 13 2 %064x' % (1000 + i,
                                                 r.getrandbits(256)), 3600)
            self.below.append(cut)
        # CNAME chains: to hosts, out of the zone, to nothing, into a cut,
        # into a wildcard and a DNAME, one behind another
        ends = [self.hosts[5], self.hosts[6], 'mx2.' + ORIGIN, 'srv.' + ORIGIN,
                'www.example.net.', 'nothere.' + ORIGIN, 'x.dlg1.' + ORIGIN,
                'dlg2.' + ORIGIN, 'foo.wild.' + ORIGIN, 'exists.wild.' + ORIGIN,
                'a.olddn.' + ORIGIN, 'olddn.' + ORIGIN, 'b.c.ent.' + ORIGIN,
                'bar.cn.' + ORIGIN, 'zz.nope.wild.' + ORIGIN,
                'x.e1.e2.' + ORIGIN, 'big.' + ORIGIN, 'mx1.' + ORIGIN]
        for i, end in enumerate(ends):
            prev = end
            for k in range(r.randint(1, 3), 0, -1):
                n = 'c%d-%d' % (i, k)
                add(n, 'CNAME', prev, r.choice([60, 300, 3600]))
                prev = n + '.' + ORIGIN
        # loops: a name to itself, two names to each other
        add('loop0', 'CNAME', 'loop0.kd.example.')
        add('loop1', 'CNAME', 'loop2.kd.example.')
        add('loop2', 'CNAME', 'loop1.kd.example.')
        # wildcards: with several types, next to an existing name and an
        # empty non-terminal, CNAME in and out of the zone, MX, under
        # empty non-terminals, one CNAME to another wildcard
        add('*.wild', 'A', '192.0.2.50', 600)
        add('*.wild', 'AAAA', '2001:db8::50', 600)
        add('*.wild', 'TXT', '"wild"', 600)
        add('*.wild', 'MX', '10 mail.kd.example.', 600)
        add('exists.wild', 'A', '192.0.2.51')
        add('a.ent.wild', 'A', '192.0.2.52')
        add('*.cn', 'CNAME', self.hosts[7], 300)
        add('*.ocn', 'CNAME', 'www.example.net.', 300)
        add('*.cw', 'CNAME', 'from-cw.wild.kd.example.', 300)
        add('*.mxw', 'MX', '5 %s' % self.hosts[8])
        add('*.mxw', 'MX', '15 mx.other.example.')
        add('*.e1.e2', 'A', '192.0.2.53')
        add('*.e1.e2', 'TXT', '"under an empty non-terminal"')
        self.below += ['*.wild', 'wild', 'cn', 'ocn', 'cw', 'mxw', 'e1.e2', 'e2',
                       'exists.wild', 'ent.wild', 'a.ent.wild']
        # DNAMEs: in the zone, out of it, data beside one, a long target
        add('olddn', 'DNAME', 'newdn.kd.example.', 900)
        add('olddn', 'A', '192.0.2.60')
        add('newdn', 'A', '192.0.2.61')
        add('www.newdn', 'A', '192.0.2.62')
        add('www.newdn', 'AAAA', '2001:db8::62')
        add('a.newdn', 'CNAME', 'www.newdn.kd.example.')
        # what a DNAME's CNAME is followed into: a wildcard, a cut with
        # glue, MX with additional addresses, a CNAME into the wildcard,
        # another DNAME
        add('*.w.newdn', 'A', '192.0.2.63')
        add('*.w.newdn', 'MX', '10 www.newdn.kd.example.')
        add('dlg.newdn', 'NS', 'ns.dlg.newdn.kd.example.')
        add('ns.dlg.newdn', 'A', '192.0.2.64')
        add('mx.newdn', 'MX', '10 %s' % self.hosts[2])
        add('c.newdn', 'CNAME', 'x.w.newdn.kd.example.')
        add('dn2.newdn', 'DNAME', 'newdn.kd.example.')
        add('extdn', 'DNAME', 'example.net.', 300)
        add('longdn', 'DNAME', LONGTARGET, 300)
        self.hosts.append('www.newdn.' + ORIGIN)
        self.below += ['olddn', 'extdn', 'longdn', 'newdn', 'w.olddn',
                       'dlg.olddn', 'dn2.olddn', 'dn2.newdn']

    def rrsets(self):
        """(owner, type, TTL, sorted data) of every RRset, as section()
        writes them (steerdns gives an RRset its lowest TTL)."""
        if getattr(self, '_rrsets', None) is not None:
            return self._rrsets
        sets = {}
        for owner, ttl, typ, data in self.rrs + [
                (ORIGIN, TTL, 'SOA', SOA),
                (ORIGIN, TTL, 'NS', 'ns1.kd.example.'),
                (ORIGIN, TTL, 'NS', 'ns2.kd.example.')]:
            k = (owner.lower(), typ)
            rd = dns.rdata.from_text('IN', typ, data)
            t0, ds = sets.get(k, (ttl, set()))
            ds.add(rd.to_text().lower())
            sets[k] = (min(t0, ttl), ds)
        self._rrsets = {(o, ty, ttl, tuple(sorted(ds)))
                        for (o, ty), (ttl, ds) in sets.items()}
        return self._rrsets

    def master(self):
        out = ['; generated by knot-diff.py: the zone of 22-knot-diff',
               '$ORIGIN ' + ORIGIN, '$TTL %d' % TTL,
               '@ %d IN SOA %s' % (TTL, SOA),
               '@ %d IN NS ns1.kd.example.' % TTL,
               '@ %d IN NS ns2.kd.example.' % TTL]
        out += ['%s %d IN %s %s' % rr for rr in self.rrs]
        return '\n'.join(out) + '\n'

    def libconfig(self):
        m, rn, serial, refresh, retry, expire, minimum = SOA.split()
        out = ['# generated by knot-diff.py: the zone of 22-knot-diff',
               'origin = "%s";' % ORIGIN, 'ttl = %d;' % TTL,
               'soa = { mname = "%s"; rname = "%s"; serial = %s; '
               'refresh = %s; retry = %s; expire = %s; minimum = %s; };'
               % (m, rn, serial, refresh, retry, expire, minimum),
               'ns = [ "ns1.kd.example.", "ns2.kd.example." ];',
               'records = [']
        recs = ['%s %d IN %s %s' % rr for rr in self.rrs]
        out.append(',\n'.join('  "%s"' % s.replace('\\', '\\\\')
                              .replace('"', '\\"') for s in recs))
        out.append('];')
        return '\n'.join(out) + '\n'


# --------------------------------------------------------------- queries

def mixcase(r, name):
    return ''.join(c.upper() if c.isalpha() and r.random() < 0.5 else c
                   for c in name)


def questions(z, seed):
    """(name, type, variant) to ask, in a fixed order."""
    r = random.Random(seed * 7 + 1)
    qs = []
    names = sorted(z.names)
    for n in names:
        for t in QTYPES:
            qs.append((n, t))
    # missing names: below every name, beside it, deep below the names
    # that redirect, delegate or stand for many
    for n in names:
        for t in r.sample(QTYPES, 3):
            qs.append((z.label() + '.' + n, t))
    for b in z.below:
        b = b + '.' + ORIGIN
        for depth in (1, 2, 3):
            pre = '.'.join(z.label() for _ in range(depth))
            for t in r.sample(QTYPES, 5) + ['A', 'DS']:
                qs.append((pre + '.' + b, t))
    # names that fill most of 255 octets, below wildcards and DNAMEs
    for b in ('wild', 'cn', 'e1.e2', 'olddn', 'extdn', 'longdn', 'dlg3'):
        b = b + '.' + ORIGIN
        for lablen in (10, 30, 40, 63):
            labs = []
            while len('.'.join(labs + ['x' * lablen, b])) < 250:
                labs.append(z.label(lablen, lablen))
            for t in ('A', 'TXT', 'CNAME'):
                qs.append(('.'.join(labs + [b]), t))
        # the longest a 203-octet DNAME target takes: 52 octets more
        for extra in (50, 51, 52, 53, 54, 60):
            lab = 'q' * (extra - 1)
            qs.append((lab + '.' + b, 'A'))
    # out of the zone: REFUSED from both
    for n in ('example.', 'other.example.', 'kd.example.net.', '.'):
        qs.append((n, 'A'))
    # every type through a DNAME into each kind of name
    for n in ('x.w', 'mx', 'dlg', 'x.dlg', 'ns.dlg', 'c', 'a', 'www', 'nx',
              'y.dn2', 'www.dn2'):
        for t in QTYPES:
            qs.append((n + '.olddn.' + ORIGIN, t))
    out = []
    for n, t in qs:
        if r.random() < 0.3:
            n = mixcase(r, n)
        out.append((n, t, VARIANTS[r.randrange(len(VARIANTS))]))
    # every question of a few names in every way
    for n in ('www.olddn.' + ORIGIN, 'x.wild.' + ORIGIN, 'big.' + ORIGIN,
              'dlg0.' + ORIGIN, 'c0-1.' + ORIGIN, 'WwW.mIxEd.CASE.' + ORIGIN):
        for t in ('A', 'ANY', 'DS', 'TXT'):
            for v in VARIANTS:
                out.append((n, t, v))
    return out


# ------------------------------------------------------------ comparison

def ask(name, qtype, variant, port):
    import pycheck
    tr, payload, do = variant
    q = dns.message.make_query(name, qtype, use_edns=payload is not None,
                               payload=payload or 0, want_dnssec=do)
    wire = q.to_wire()
    for _ in range(3):
        if tr == 'udp':
            data = pycheck.udp_exchange(wire, '127.0.0.1', port, timeout=1.0)
        else:
            data = pycheck.tcp_exchange(wire, '127.0.0.1', port, timeout=2.0)
        if data is not None:
            return dns.message.from_wire(data)
    return None


def section(m, sec, qname, exact):
    """The RRsets of a section as a set: owner, type, TTL and the sorted
    data in lower case.  With exact, an owner that is the name asked is
    kept as sent: RFC 1034 4.3.2 and RFC 4592 2.1 (synthesis) make it the
    QNAME, so its case is the question's.  Everywhere else letter case
    carries no meaning (RFC 4343) and servers differ in what they keep."""
    out = set()
    for rrs in sec:
        owner = rrs.name.to_text()
        if not exact or owner.lower() != qname.lower():
            owner = owner.lower()
        data = tuple(sorted(rd.to_text().lower() for rd in rrs))
        out.add((owner, dns.rdatatype.to_text(rrs.rdtype), rrs.ttl, data))
    return out


def summary(m, qname):
    if m is None:
        return None
    fl = m.flags
    return {
        'rcode': dns.rcode.to_text(m.rcode()),
        'flags': dns.flags.to_text(fl & (dns.flags.AA | dns.flags.TC |
                                         dns.flags.RD | dns.flags.RA |
                                         dns.flags.AD | dns.flags.CD)),
        'edns': (m.edns, m.payload if m.edns >= 0 else 0,
                 bool(m.ednsflags & dns.flags.DO)),
        'answer': section(m, m.answer, qname, True),
        'authority': section(m, m.authority, qname, False),
        'additional': section(m, m.additional, qname, False),
    }


def diff(k, s):
    """The kinds in which s (steerdns) differs from k (Knot)."""
    if k is None or s is None:
        return [] if k is None and s is None else ['no reply']
    return [f for f in ('rcode', 'flags', 'edns', 'answer', 'authority',
                        'additional') if k[f] != s[f]]


def explain(name, t, v, k, s, kinds):
    lines = ['%s %s %s: %s' % (name, t, v, ', '.join(kinds))]
    for f in kinds:
        if f == 'no reply':
            lines.append('  knot %s, steerdns %s' % (
                'replied' if k else 'silent', 'replied' if s else 'silent'))
            continue
        if f in ('answer', 'authority', 'additional'):
            for x in sorted(k[f] - s[f]):
                lines.append('  %s only knot:     %s' % (f, x))
            for x in sorted(s[f] - k[f]):
                lines.append('  %s only steerdns: %s' % (f, x))
        else:
            lines.append('  %s knot %s, steerdns %s' % (f, k[f], s[f]))
    return lines


# Differences that the RFCs allow: each a test of (the zone, the name and
# type asked, Knot's summary, ours, the kinds that differ).

def any_minimal(z, name, t, k, s, kinds):
    """RFC 8482 4.1 and 4.2: ANY may be answered with one RRset of the
    server's choosing, and Knot and steerdns choose differently (steerdns
    the addresses when there are some, DESIGN.md).  Ours must be one
    RRset that the name holds, the rest of the reply as Knot's but for
    what the other RRset brings to the additional section."""
    if t != 'ANY' or not set(kinds) <= {'answer', 'additional'} or \
            len(s['answer']) != 1:
        return False
    owner, typ, ttl, data = next(iter(s['answer']))
    return (owner.lower(), typ, ttl, data) in z.rrsets()


def compressed_fits(z, name, t, k, s, kinds):
    """RFC 1035 4.1.4 lets a server compress names or not.  steerdns
    points the target of a DNAME's synthesized CNAME at the DNAME's
    target earlier in the message (a CNAME's data may be compressed,
    RFC 3597 4; the DNAME's own data is not); Knot writes it in full.
    With a long target the answer then fits in 512 bytes from steerdns
    and is truncated by Knot (TC, RFC 2181 9).  Ours must hold all that
    Knot's does, the flags the same but for TC."""
    ktc = 'TC' in k['flags'].split()
    stc = 'TC' in s['flags'].split()
    return (set(kinds) <= {'flags', 'answer', 'additional'} and ktc and
            not stc and k['flags'].replace('TC', '').split() ==
            s['flags'].split() and k['answer'] <= s['answer'] and
            any(x[1] == 'DNAME' for x in s['answer']))


def fewer_additional(z, name, t, k, s, kinds):
    """At 512 bytes not every address of the MX, SRV or NS targets fits.
    RFC 2181 9: TC is not set "merely because some extra information
    could have been included"; which additional records go is the
    server's choice.  steerdns keeps its precompiled order and stops at
    the first RRset that does not fit; Knot skips that one and tries the
    next.  Ours must be fewer of the same records, without TC."""
    return (kinds == ['additional'] and s['additional'] < k['additional']
            and 'TC' not in s['flags'].split())


DELIBERATE = [
    ('RFC 8482 minimal ANY', any_minimal),
    ('RFC 1035 4.1.4 compression: fits without TC', compressed_fits),
    ('RFC 2181 9 additional records left out', fewer_additional),
]


def compare(d, seed, kport, ports):
    z = Zone(seed)
    qs = questions(z, seed)
    failed = False
    for port in ports:
        counts = {}
        allowed = {}
        shown = {}
        for name, t, v in qs:
            k = summary(ask(name, t, v, kport), name)
            s = summary(ask(name, t, v, port), name)
            kinds = diff(k, s)
            if not kinds:
                continue
            why = None
            for label, fn in DELIBERATE:
                if k is not None and s is not None and fn(z, name, t, k, s,
                                                          kinds):
                    why = label
                    break
            if why:
                allowed[why] = allowed.get(why, 0) + 1
                continue
            key = ','.join(kinds)
            counts[key] = counts.get(key, 0) + 1
            if shown.get(key, 0) < SHOW:
                shown[key] = shown.get(key, 0) + 1
                for line in explain(name, t, v, k, s, kinds):
                    print('# ' + line)
        ndiff = sum(counts.values())
        print('# port %d: %d queries compared with Knot, %d differences '
              'not listed, %d allowed' % (port, len(qs), ndiff,
                                          sum(allowed.values())))
        for key in sorted(counts):
            print('#   %-40s %d' % (key, counts[key]))
        for key in sorted(allowed):
            print('#   allowed: %-31s %d' % (key, allowed[key]))
        if ndiff:
            failed = True
            print('not ok - port %d: %d of %d answers differ from Knot'
                  % (port, ndiff, len(qs)))
        else:
            print('ok - port %d: %d answers as Knot gives them (%d '
                  'differences the RFCs allow)' % (port, len(qs),
                                                   sum(allowed.values())))
    return 1 if failed else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'gen':
        d, seed = sys.argv[2], int(sys.argv[3])
        z = Zone(seed)
        with open(d + '/kd.example.zone', 'w') as f:
            f.write(z.master())
        with open(d + '/kd.example.conf', 'w') as f:
            f.write(z.libconfig())
        print('# %d records, %d names, %d questions' % (
            len(z.rrs), len(z.names), len(questions(z, seed))))
        return 0
    if len(sys.argv) >= 6 and sys.argv[1] == 'compare':
        return compare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                       [int(p) for p in sys.argv[5:]])
    print('usage: knot-diff.py gen DIR SEED | compare DIR SEED KNOT-PORT '
          'PORT...', file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
