#!/bin/bash
# 12-names-any: name compression in replies (owner = pointer 0xC00C,
# compressed size < uncompressed size, no compression inside SRV rdata);
# the question's letter case is preserved in the reply while look-ups are
# case-insensitive; ANY is answered minimally (RFC 8482).
. "$(dirname "$0")/lib.sh"
standard_setup

py <<'EOF'
import dnsmsg as d

def rdata_has_pointer(m, rr):
    """True if the name in rr's rdata uses compression."""
    off = rr.rdoff + {33: 6, 15: 2}.get(rr.type, 0)
    _, _, ptrs = d.read_name(m.wire, off)
    return bool(ptrs)

def run(t):
    m = t.reply('www A', d.query('www.lb.example', 'A'))
    if m:
        t.eq('www A: every answer owner is the pointer 0xC00C',
             [b'\xc0\x0c'] * 2, [m.wire[r.owner_off:r.owner_off + 2] for r in m.answer], m.summary())
        t.ok(len(m.wire) < m.uncompressed_size(),
             'www A: reply (%d bytes) smaller than uncompressed (%d)' % (len(m.wire), m.uncompressed_size()))
    m = t.reply('apex NS', d.query('lb.example', 'NS'))
    if m:
        t.ok(all(rdata_has_pointer(m, r) for r in m.answer),
             'apex NS: NS target names are compressed', m.summary())
        t.ok(len(m.wire) < m.uncompressed_size(),
             'apex NS: reply (%d) smaller than uncompressed (%d)' % (len(m.wire), m.uncompressed_size()))
    for q in (('docs.lb.example', 'A'), ('lb.example', 'SOA'), ('lb.example', 'MX'),
              ('nx.lb.example', 'A'), ('x.sub.lb.example', 'A')):
        m = t.reply('%s %s' % q, d.query(*q))
        if m:
            t.ok(len(m.wire) < m.uncompressed_size(),
                 '%s %s: reply (%d) smaller than uncompressed (%d)' %
                 (q + (len(m.wire), m.uncompressed_size())), m.summary())
    m = t.reply('SRV', d.query('_sip._udp.lb.example', 'SRV'))
    if m and m.answer:
        t.ok(not rdata_has_pointer(m, m.answer[0]),
             'SRV: target name not compressed (RFC 2782, RFC 3597 section 4)',
             m.wire[m.answer[0].rdoff:].hex())
        t.eq('SRV: rdata', '10 60 5060 sip.lb.example.', m.answer[0].text.lower())

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
        q = d.query(name, typ)
        m = t.reply('%s %s' % (name, typ), q)
        if not m:
            continue
        t.eq('%s %s: %s with %d answers' % (name, typ, rc, n), (rc, n),
             (m.rcode_name, len(m.answer)), m.summary())
        t.eq('%s %s: question bytes as sent' % (name, typ), q[12:],
             m.wire[12:12 + len(q) - 12])
        if n:
            t.eq('%s %s: first answer owner in the query\'s case' % (name, typ),
                 name + '.', m.answer[0].name, m.summary())
d.main(run)
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
