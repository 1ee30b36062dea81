#!/bin/bash
# 12-names-any: name compression in replies (owner = pointer 0xC00C,
# compressed size < uncompressed size, no compression inside SRV rdata);
# the question's letter case is preserved in the reply while look-ups are
# case-insensitive; ANY is answered minimally (RFC 8482).
. "$(dirname "$0")/lib.sh"
require_dnspython
standard_setup

py <<'EOF'
import io, struct
import dns.message
import dns.name
import dns.rdatatype
import pycheck

def offsets(m):
    """(owner offset, rdata offset) of every record of m, in wire order.
    dnspython's message API has no offsets: walk the wire, names read by
    dns.name.from_wire, the fixed fields (TYPE CLASS TTL RDLENGTH) skipped."""
    wire = m.wire
    qd, an, ns, ar = struct.unpack('!HHHH', wire[4:12])
    off = 12
    for _ in range(qd):
        off += dns.name.from_wire(wire, off)[1] + 4
    out = []
    for _ in range(an + ns + ar):
        owner = off
        off += dns.name.from_wire(wire, off)[1]
        rdlen = struct.unpack('!H', wire[off + 8:off + 10])[0]
        out.append((owner, off + 10))
        off += 10 + rdlen
    return out

def rdata_has_pointer(m, i):
    """True if the name in the rdata of answer i uses compression: read in
    place it takes other than its full length."""
    off = offsets(m)[i][1] + {dns.rdatatype.SRV: 6,
                              dns.rdatatype.MX: 2}.get(m.answer[i].rdtype, 0)
    name, used = dns.name.from_wire(m.wire, off)
    return used != len(name.to_wire())

def uncompressed_size(m):
    """Size m would have with no name compression."""
    f = io.BytesIO()
    for r in m.answer + m.authority + m.additional + ([m.opt] if m.opt else []):
        r.to_wire(f)            # no compress table: names in full
    return (12 + sum(len(q.name.to_wire()) + 4 for q in m.question)
            + len(f.getvalue()))

def run(t):
    m = t.reply('www A', dns.message.make_query('www.lb.example', 'A'))
    if m:
        t.eq('www A: every answer owner is the pointer 0xC00C',
             [b'\xc0\x0c'] * 2, [m.wire[o:o + 2] for o, _ in offsets(m)[:len(m.answer)]],
             m.to_text())
        size = uncompressed_size(m)
        t.ok(len(m.wire) < size,
             'www A: reply (%d bytes) smaller than uncompressed (%d)' % (len(m.wire), size))
    m = t.reply('apex NS', dns.message.make_query('lb.example', 'NS'))
    if m:
        t.ok(all(rdata_has_pointer(m, i) for i in range(len(m.answer))),
             'apex NS: NS target names are compressed', m.to_text())
        size = uncompressed_size(m)
        t.ok(len(m.wire) < size,
             'apex NS: reply (%d) smaller than uncompressed (%d)' % (len(m.wire), size))
    for q in (('docs.lb.example', 'A'), ('lb.example', 'SOA'), ('lb.example', 'MX'),
              ('nx.lb.example', 'A'), ('x.sub.lb.example', 'A')):
        m = t.reply('%s %s' % q, dns.message.make_query(*q))
        if m:
            size = uncompressed_size(m)
            t.ok(len(m.wire) < size,
                 '%s %s: reply (%d) smaller than uncompressed (%d)' %
                 (q + (len(m.wire), size)), m.to_text())
    m = t.reply('SRV', dns.message.make_query('_sip._udp.lb.example', 'SRV'))
    if m and m.answer:
        t.ok(not rdata_has_pointer(m, 0),
             'SRV: target name not compressed (RFC 2782, RFC 3597 section 4)',
             m.wire[offsets(m)[0][1]:].hex())
        t.eq('SRV: rdata', '10 60 5060 sip.lb.example.', m.answer[0][0].to_text().lower())

    # letter case of the question is preserved, look-up is case-insensitive
    for name, typ, rc, n in (('WwW.Lb.ExAmPlE', 'A', 'NOERROR', 2),
                             ('WWW.LB.EXAMPLE', 'AAAA', 'NOERROR', 2),
                             ('DoCs.lB.eXaMpLe', 'A', 'NOERROR', 3),
                             ('nX.Lb.ExAmPlE', 'A', 'NXDOMAIN', 0),
                             ('SvC.lb.EXAMPLE', 'A', 'NOERROR', 0),
                             ('X.SuB.Lb.ExAmPlE', 'A', 'NOERROR', 0),
                             ('ExAmPlE.CoM', 'A', 'REFUSED', 0),
                             ('LB.EXAMPLE', 'SOA', 'NOERROR', 1),
                             ('HoSt.SeCoNd.TeSt', 'A', 'NOERROR', 1)):
        q = dns.message.make_query(name, typ).to_wire()
        m = t.reply('%s %s' % (name, typ), q)
        if not m:
            continue
        t.eq('%s %s: %s with %d answers' % (name, typ, rc, n), (rc, n),
             (pycheck.rcode(m), len(m.answer)), m.to_text())
        t.eq('%s %s: question bytes as sent' % (name, typ), q[12:],
             m.wire[12:12 + len(q) - 12])
        if n:
            t.eq('%s %s: first answer owner in the query\'s case' % (name, typ),
                 name + '.', m.answer[0].name.to_text(), m.to_text())
pycheck.main(run)
EOF

dq WwW.Lb.ExAmPlE A
expect_eq "dig WwW.Lb.ExAmPlE A: question shown as sent" ';WwW.Lb.ExAmPlE. IN A' \
    "$(sed -n '/^;; QUESTION SECTION:/{n;p}' "$DIG_OUT" | tr -s ' \t' '  ')" "$DIG_OUT"
expect_eq "dig WwW.Lb.ExAmPlE A: answer owners as sent" 'WwW.Lb.ExAmPlE. 30 IN A 192.0.2.10
WwW.Lb.ExAmPlE. 30 IN A 192.0.2.11' "$(d_section ANSWER)" "$DIG_OUT"
dq +tcp @::1 WWW.LB.EXAMPLE AAAA
expect_eq "dig +tcp @::1 WWW.LB.EXAMPLE AAAA: answer owners as sent" 'WWW.LB.EXAMPLE. 30 IN AAAA 2001:db8::10
WWW.LB.EXAMPLE. 30 IN AAAA 2001:db8::11' "$(d_section ANSWER)" "$DIG_OUT"

# ANY: minimal answer (RFC 8482): one RRset, or a synthesised HINFO "RFC8482"
any_check() { # any_check NAME [dig options]
    n=$1; shift
    dq "$@" "$n" ANY
    expect_eq "$n ANY $*: NOERROR, AA set" "NOERROR aa=set" "$(d_status) aa=$(d_flag aa)" "$DIG_OUT"
    ans=$(d_section_lc ANSWER)
    types=$(printf '%s\n' "$ans" | awk 'NF {print $1, $4}' | sort -u)
    cnt=$(printf '%s\n' "$types" | grep -c .)
    if printf '%s\n' "$ans" | grep -q ' hinfo "rfc8482"'; then
        ok "$n ANY $*: HINFO \"RFC8482\""
    else
        expect_eq "$n ANY $*: exactly one RRset" 1 "$cnt" "$DIG_OUT"
    fi
}
any_check www.lb.example
any_check lb.example
any_check lb.example +notcp @::1
dq nx.lb.example ANY
expect_eq "nx ANY: NXDOMAIN" NXDOMAIN "$(d_status)" "$DIG_OUT"
dq svc.lb.example ANY
expect_eq "svc ANY (empty non-terminal): NOERROR, no answer" "NOERROR 0" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"

stop_daemon
finish
