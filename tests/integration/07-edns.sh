#!/bin/bash
# 07-edns: EDNS0 (RFC 6891): an OPT in the reply iff the query had one,
# carrying our payload size (edns_payload, 1232 by default, 1400 in a
# second config); BADVERS for version != 0 with an OPT; unknown options
# ignored; FORMERR for two OPTs; DO copied (RFC 3225); EDNS Client
# Subnet (RFC 7871) echoed with SCOPE 0; malformed ECS -> FORMERR.
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
standard_setup

WWW_A='www.lb.example. 30 IN A 192.0.2.10
www.lb.example. 30 IN A 192.0.2.11'

dq www.lb.example A
expect_eq "EDNS query: OPT with udp 1232 in the reply" 1232 "$(d_edns_udp)" "$DIG_OUT"
expect_eq "EDNS query: version 0" 0 "$(d_edns_version)" "$DIG_OUT"
expect_eq "EDNS query: answer" "$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"
dq +noedns www.lb.example A
expect_eq "no EDNS in the query: no OPT in the reply" "" "$(d_edns_udp)" "$DIG_OUT"
expect_eq "no EDNS in the query: ADDITIONAL count 0" 0 "$(d_count ADDITIONAL)" "$DIG_OUT"

for q in "nx.lb.example A" "svc.lb.example A" "x.sub.lb.example A" "example.com A" "docs.lb.example A"; do
    dq $q
    expect_eq "EDNS query $q ($(d_status)): OPT udp 1232" 1232 "$(d_edns_udp)" "$DIG_OUT"
    dq +noedns $q
    expect_eq "non-EDNS query $q ($(d_status)): no OPT" "" "$(d_edns_udp)" "$DIG_OUT"
done

dq +bufsize=4096 www.lb.example A
expect_eq "+bufsize=4096: we still announce 1232" 1232 "$(d_edns_udp)" "$DIG_OUT"
dq +tcp @::1 www.lb.example A
expect_eq "EDNS over TCP/IPv6: OPT udp 1232" 1232 "$(d_edns_udp)" "$DIG_OUT"

dq +edns=1 +noednsnegotiation www.lb.example A
expect_eq "EDNS version 1: status BADVERS" BADVERS "$(d_status)" "$DIG_OUT"
expect_eq "EDNS version 1: OPT present, version 0" "0" "$(d_edns_version)" "$DIG_OUT"
expect_eq "EDNS version 1: no answer" 0 "$(d_count ANSWER)" "$DIG_OUT"

dq +ednsopt=65001:abcd www.lb.example A
expect_eq "unknown EDNS option: NOERROR" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "unknown EDNS option: normal answer" "$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"
expect_nomatch "unknown EDNS option: not echoed" '65001' "$(sed -n '/OPT PSEUDOSECTION/,/^;; QUESTION/p' "$DIG_OUT")" "$DIG_OUT"

dq +dnssec www.lb.example A
expect_eq "DO set in the query: DO copied (RFC 3225)" "do" "$(d_edns_flags)" "$DIG_OUT"
expect_eq "DO set: normal answer" "$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"
dq www.lb.example A
expect_eq "DO clear in the query: DO clear in the reply" "" "$(d_edns_flags)" "$DIG_OUT"

dq +subnet=192.0.2.0/24 www.lb.example A
expect_match "ECS 192.0.2.0/24 echoed with scope 0" '^; CLIENT-SUBNET: 192\.0\.2\.0/24/0$' \
    "$(grep CLIENT-SUBNET "$DIG_OUT")" "$DIG_OUT"
expect_eq "ECS: normal answer" "$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"
dq +subnet=2001:db8:abcd::/48 www.lb.example A
expect_match "ECS 2001:db8:abcd::/48 echoed with scope 0" '^; CLIENT-SUBNET: 2001:db8:abcd::/48/0$' \
    "$(grep CLIENT-SUBNET "$DIG_OUT")" "$DIG_OUT"
kq +subnet=198.51.100.0/22 www.lb.example A
expect_match "kdig ECS 198.51.100.0/22 echoed with scope 0" '198\.51\.100\.0/22/0' \
    "$(grep -i -A1 'CLIENT-SUBNET' "$KDIG_OUT" | tr '\n' ' ')" "$KDIG_OUT"

py <<'EOF'
import struct
import dns.edns
import dns.message
import pycheck

def query(name, rdtype, id=None, version=0, **edns):
    """A query with an OPT record of that version; edns: payload, options.
    Not make_query(use_edns=1): with dnspython 2.3 on Python 3.11 it sends
    version 0 (its want_dnssec(False) clears every other bit of the OPT's
    flags)."""
    q = dns.message.make_query(name, rdtype, id=id)
    q.use_edns(version, **edns)
    return q

def ecs(family, source, address):
    """The payload of an ECS option (RFC 7871, code 8), SCOPE 0."""
    return struct.pack('!HBB', family, source, 0) + address

def option(m, code):
    """The payload of EDNS option CODE in m, None when there is none.
    dnspython reads the option and writes it again here; the bytes must be
    on the wire as they are, so that nothing dnspython tidies when it reads
    (an ECS address with bits set beyond its prefix) goes unseen."""
    for o in m.options:
        if o.otype == code:
            data = o.to_wire()
            if struct.pack('!HH', code, len(data)) + data not in m.wire:
                return 'not on the wire as read: %s' % data.hex()
            return data
    return None

def edns(m):
    """What the OPT record of m says; {} when m has none."""
    if m.opt is None:
        return {}
    return {'ext_rcode': (m.ednsflags >> 24) & 0xFF, 'version': m.edns,
            'payload': m.payload, 'options': list(m.options)}

def run(t):
    # BADVERS on the wire: extended rcode 1 in the OPT, header rcode 0
    m = t.reply('EDNS version 1', query('www.lb.example', 'A', version=1))
    if m:
        t.eq('EDNS version 1: BADVERS = header rcode 0 + OPT ext-rcode 1, OPT version 0',
             (0, 1, 0, 1232), (m.flags & 15, edns(m).get('ext_rcode'),
                               edns(m).get('version'), edns(m).get('payload')), m.to_text())
    m = t.reply('EDNS version 255', query('lb.example', 'SOA', version=255))
    if m:
        t.eq('EDNS version 255: BADVERS', 'BADVERS', pycheck.rcode(m), m.to_text())

    # two OPT records -> FORMERR
    qid = 5001
    q = query('www.lb.example', 'A', id=qid)
    q.additional.append(q.opt)          # its OPT a second time
    data = pycheck.udp_exchange(q)
    t.ok(data is not None and len(data) >= 4 and struct.unpack('!H', data[:2])[0] == qid
         and data[3] & 15 == 1 and data[2] & 0x80,
         'two OPT records: FORMERR with the ID echoed',
         'reply: %s' % (data.hex() if data else 'none'))

    # payload announced in the query does not change ours
    for size in (512, 1232, 4096, 65535):
        m = t.reply('payload %d' % size, query('www.lb.example', 'A', payload=size))
        if m:
            t.eq('query payload %d: reply OPT payload 1232, version 0, no options' % size,
                 (1232, 0, []), (edns(m).get('payload'), edns(m).get('version'),
                                 edns(m).get('options')), m.to_text())

    # unknown option: ignored
    m = t.reply('unknown option', query('www.lb.example', 'A', options=[
        dns.edns.GenericOption(65001, b'\xab\xcd')]))
    if m:
        t.eq('unknown option 65001: NOERROR, 2 answers, not echoed', ('NOERROR', 2, None),
             (pycheck.rcode(m), len(m.answer), option(m, 65001)), m.to_text())

    # ECS echo (RFC 7871 section 7.2.1: FAMILY, SOURCE PREFIX-LENGTH and
    # ADDRESS as in the query, SCOPE PREFIX-LENGTH 0 for a non-tailored answer)
    for addr, src, raw in (('192.0.2.0', 24, b'\xc0\x00\x02'),
                           ('192.0.2.1', 32, b'\xc0\x00\x02\x01'),
                           ('0.0.0.0', 0, b''), ('198.51.128.0', 17, b'\xc6\x33\x80'),
                           ('2001:db8:abcd::', 56, bytes.fromhex('20010db8abcd00')),
                           ('2001:db8::1', 128, bytes.fromhex('20010db8000000000000000000000001'))):
        fam = 2 if ':' in addr else 1
        opt = dns.edns.ECSOption(addr, src)
        m = t.reply('ECS family %d /%d' % (fam, src),
                    query('www.lb.example', 'A', options=[opt]))
        if m:
            t.eq('ECS family %d /%d: echoed with scope 0' % (fam, src),
                 ecs(fam, src, raw), option(m, 8), m.to_text())
            t.eq('ECS family %d /%d: NOERROR with 2 answers' % (fam, src),
                 ('NOERROR', 2), (pycheck.rcode(m), len(m.answer)))
    opt = dns.edns.ECSOption('192.0.2.0', 24)
    m = t.reply('ECS over TCP/IPv6', query('www.lb.example', 'A', options=[opt]),
                'tcp', host='::1')
    if m:
        t.eq('ECS over TCP/IPv6: echoed with scope 0', ecs(1, 24, b'\xc0\x00\x02'),
             option(m, 8), m.to_text())
    m = t.reply('ECS on NXDOMAIN', query('nx.lb.example', 'A', options=[opt]))
    if m:
        t.eq('ECS on an NXDOMAIN answer: echoed', ecs(1, 24, b'\xc0\x00\x02'),
             option(m, 8), m.to_text())

    # malformed ECS -> FORMERR; dnspython will not build these: raw payloads
    bad = [
        ('IPv4 source prefix 33', ecs(1, 33, b'\xc0\x00\x02\x01\x00')),
        ('IPv6 source prefix 129', ecs(2, 129, b'\x20' + b'\x00' * 16)),
        ('family 3', ecs(3, 24, b'\xc0\x00\x02')),
        ('family 0', ecs(0, 0, b'')),
        ('option shorter than 4 bytes', b'\x00\x01\x18'),
        ('address longer than the prefix needs', ecs(1, 24, b'\xc0\x00\x02\x00')),
        ('address shorter than the prefix needs', ecs(1, 24, b'\xc0\x00')),
        ('address bits set beyond the prefix', ecs(1, 23, b'\xc0\x00\x03')),
    ]
    for i, (desc, payload) in enumerate(bad):
        qid = 6000 + i
        data = pycheck.udp_exchange(query('www.lb.example', 'A', id=qid, options=[
            dns.edns.GenericOption(8, payload)]))
        t.ok(data is not None and len(data) >= 4 and struct.unpack('!H', data[:2])[0] == qid
             and data[3] & 15 == 1 and data[2] & 0x80,
             'malformed ECS (%s): FORMERR with the ID echoed' % desc,
             'reply: %s' % (pycheck.describe(data) if data and len(data) >= 12 and
                            data[3] & 15 != 1 else (data.hex() if data else 'none')))
pycheck.main(run)
EOF
stop_daemon

# --- a config with edns_payload = 1400
mkdir "$T/p1400"
copy_zone lb.example.conf "$T/p1400"
main_conf "$T/p1400/steerdns.conf" "$(port 1)" "lb.example.conf" edns_payload=1400
start_daemon "$T/p1400/steerdns.conf" "$(port 1)" || bail "daemon (edns_payload 1400) did not start"
dq www.lb.example A
expect_eq "edns_payload = 1400: OPT udp 1400" 1400 "$(d_edns_udp)" "$DIG_OUT"
dq @::1 +bufsize=512 lb.example SOA
expect_eq "edns_payload = 1400 (IPv6, bufsize 512): OPT udp 1400" 1400 "$(d_edns_udp)" "$DIG_OUT"
dq +noedns www.lb.example A
expect_eq "edns_payload = 1400, no EDNS in the query: no OPT" "" "$(d_edns_udp)" "$DIG_OUT"
stop_daemon

finish
