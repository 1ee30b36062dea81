#!/bin/bash
# 07-edns: EDNS0 (RFC 6891): an OPT in the reply iff the query had one,
# carrying our payload size (edns_payload, 1232 by default, 1400 in a
# second config); BADVERS for version != 0 with an OPT; unknown options
# ignored; FORMERR for two OPTs; DO copied (RFC 3225); EDNS Client
# Subnet (RFC 7871) echoed with SCOPE 0; malformed ECS -> FORMERR.
. "$(dirname "$0")/lib.sh"
require_tool kdig
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
import dnsmsg as d

def q_raw(qid, opts_rrs):
    """A query for www.lb.example A with the given raw additional RRs."""
    return (d.header(qid, d.flags_word(), 1, 0, 0, len(opts_rrs)) +
            d.question('www.lb.example', 'A') + b''.join(opts_rrs))

def run(t):
    # BADVERS on the wire: extended rcode 1 in the OPT, header rcode 0
    m = t.reply('EDNS version 1', d.query('www.lb.example', 'A', edns=True, version=1))
    if m:
        t.eq('EDNS version 1: BADVERS = header rcode 0 + OPT ext-rcode 1, OPT version 0',
             (0, 1, 0, 1232), (m.hrcode, m.opt and m.opt['ext_rcode'], m.opt and m.opt['version'],
                               m.opt and m.opt['payload']), m.summary())
    m = t.reply('EDNS version 255', d.query('lb.example', 'SOA', edns=True, version=255))
    if m:
        t.eq('EDNS version 255: BADVERS', 'BADVERS', m.rcode_name, m.summary())

    # two OPT records -> FORMERR
    qid = 5001
    data = d.udp_exchange(q_raw(qid, [d.opt_rr(), d.opt_rr()]))
    t.ok(data is not None and len(data) >= 4 and struct.unpack('!H', data[:2])[0] == qid
         and data[3] & 15 == 1 and data[2] & 0x80,
         'two OPT records: FORMERR with the ID echoed',
         'reply: %s' % (data.hex() if data else 'none'))

    # payload announced in the query does not change ours
    for size in (512, 1232, 4096, 65535):
        m = t.reply('payload %d' % size, d.query('www.lb.example', 'A', edns=True, payload=size))
        if m:
            t.eq('query payload %d: reply OPT payload 1232, version 0, no options' % size,
                 (1232, 0, []), (m.opt and m.opt['payload'], m.opt and m.opt['version'],
                                 m.opt and m.opt['options']), m.summary())

    # unknown option: ignored
    m = t.reply('unknown option', d.query('www.lb.example', 'A', edns=True,
                                          options=d.edns_option(65001, b'\xab\xcd')))
    if m:
        t.eq('unknown option 65001: NOERROR, 2 answers, not echoed', ('NOERROR', 2, None),
             (m.rcode_name, len(m.answer), m.option(65001)), m.summary())

    # ECS echo (RFC 7871 section 7.2.1: FAMILY, SOURCE PREFIX-LENGTH and
    # ADDRESS as in the query, SCOPE PREFIX-LENGTH 0 for a non-tailored answer)
    for fam, src, addr in ((1, 24, b'\xc0\x00\x02'), (1, 32, b'\xc0\x00\x02\x01'),
                           (1, 0, b''), (1, 17, b'\xc6\x33\x80'),
                           (2, 56, bytes.fromhex('20010db8abcd00')),
                           (2, 128, bytes.fromhex('20010db8000000000000000000000001'))):
        opt = d.ecs_option(fam, src, 0, addr)
        m = t.reply('ECS family %d /%d' % (fam, src),
                    d.query('www.lb.example', 'A', edns=True, options=opt))
        if m:
            t.eq('ECS family %d /%d: echoed with scope 0' % (fam, src),
                 struct.pack('!HBB', fam, src, 0) + addr, m.option(8), m.summary())
            t.eq('ECS family %d /%d: NOERROR with 2 answers' % (fam, src),
                 ('NOERROR', 2), (m.rcode_name, len(m.answer)))
    opt = d.ecs_option(1, 24, 0, b'\xc0\x00\x02')
    m = t.reply('ECS over TCP/IPv6', d.query('www.lb.example', 'A', edns=True, options=opt),
                'tcp', host='::1')
    if m:
        t.eq('ECS over TCP/IPv6: echoed with scope 0', opt[4:], m.option(8), m.summary())
    m = t.reply('ECS on NXDOMAIN', d.query('nx.lb.example', 'A', edns=True,
                                           options=d.ecs_option(1, 24, 0, b'\xc0\x00\x02')))
    if m:
        t.eq('ECS on an NXDOMAIN answer: echoed', d.ecs_option(1, 24, 0, b'\xc0\x00\x02')[4:],
             m.option(8), m.summary())

    # malformed ECS -> FORMERR
    bad = [
        ('IPv4 source prefix 33', d.ecs_option(1, 33, 0, b'\xc0\x00\x02\x01\x00')),
        ('IPv6 source prefix 129', d.ecs_option(2, 129, 0, b'\x20' + b'\x00' * 16)),
        ('family 3', d.ecs_option(3, 24, 0, b'\xc0\x00\x02')),
        ('family 0', d.ecs_option(0, 0, 0, b'')),
        ('option shorter than 4 bytes', d.edns_option(8, b'\x00\x01\x18')),
        ('address longer than the prefix needs', d.ecs_option(1, 24, 0, b'\xc0\x00\x02\x00')),
        ('address shorter than the prefix needs', d.ecs_option(1, 24, 0, b'\xc0\x00')),
        ('address bits set beyond the prefix', d.ecs_option(1, 23, 0, b'\xc0\x00\x03')),
    ]
    for i, (desc, opt) in enumerate(bad):
        qid = 6000 + i
        data = d.udp_exchange(d.query('www.lb.example', 'A', qid=qid, edns=True, options=opt))
        t.ok(data is not None and len(data) >= 4 and struct.unpack('!H', data[:2])[0] == qid
             and data[3] & 15 == 1 and data[2] & 0x80,
             'malformed ECS (%s): FORMERR with the ID echoed' % desc,
             'reply: %s' % (d.Msg(data).summary() if data and len(data) >= 12 and
                            data[3] & 15 != 1 else (data.hex() if data else 'none')))
d.main(run)
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
