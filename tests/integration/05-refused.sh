#!/bin/bash
# 05-refused: REFUSED for names outside our zones (including parents and
# look-alike suffixes), for classes other than IN, and for zone
# transfers (AXFR/IXFR over TCP; over UDP FORMERR is accepted too).
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
standard_setup

refused() { # refused [dig options...] NAME TYPE
    dq "$@"
    expect_eq "dig $*: status REFUSED" REFUSED "$(d_status)" "$DIG_OUT"
    expect_eq "dig $*: empty answer, RA clear" "an=0 ra=clear" "an=$(d_count ANSWER) ra=$(d_flag ra)" "$DIG_OUT"
}

refused example.com A
refused www.example.com A
refused . SOA
refused example NS                 # parent of lb.example
refused foolb.example A            # shares a suffix string, not a zone
refused lb.example.com A           # the zone name as a prefix
refused test SOA                   # parent of second.test
refused +tcp @::1 example.com AAAA

# other classes
refused -c CH version.bind TXT
refused -c CH www.lb.example A
refused -c HS www.lb.example A
refused -c CH lb.example SOA

kq -c CH version.bind TXT
expect_eq "kdig CH version.bind TXT: REFUSED" REFUSED "$(k_status)" "$KDIG_OUT"
kq -c CH +tcp @::1 www.lb.example A
expect_eq "kdig +tcp CH www.lb.example A: REFUSED" REFUSED "$(k_status)" "$KDIG_OUT"

# zone transfers: dig reports the refusal and prints no records
dq lb.example AXFR
expect_match "dig AXFR lb.example: transfer fails" 'Transfer failed|REFUSED' "$(cat "$DIG_OUT")" "$DIG_OUT"
expect_nomatch "dig AXFR lb.example: no records printed" 'IN[[:space:]]+(SOA|A|NS)[[:space:]]' "$(cat "$DIG_OUT")" "$DIG_OUT"
dq lb.example IXFR=2026112500
expect_nomatch "dig IXFR lb.example: no records printed" 'IN[[:space:]]+(SOA|A|NS)[[:space:]]' "$(cat "$DIG_OUT")" "$DIG_OUT"

py <<'EOF'
import dns.flags as f
import dns.message
import dns.rrset
import pycheck

def ixfr(serial=2026112500):
    """An IXFR query: the client's SOA in the authority section."""
    q = dns.message.make_query('lb.example', 'IXFR', flags=0)
    q.authority.append(dns.rrset.from_text('lb.example.', 0, 'IN', 'SOA',
                                           '. . %d 0 0 0 0' % serial))
    return q

def run(t):
    for name in ('lb.example', 'second.test'):
        m = t.reply('AXFR %s over TCP' % name,
                    dns.message.make_query(name, 'AXFR', flags=0), 'tcp')
        if m:
            t.eq('AXFR %s over TCP: REFUSED, no records' % name,
                 ('REFUSED', 0), (pycheck.rcode(m), len(m.answer)), m.to_text())
        m = t.reply('AXFR %s over UDP' % name, dns.message.make_query(name, 'AXFR', flags=0))
        if m:
            t.ok(pycheck.rcode(m) in ('REFUSED', 'FORMERR') and not m.answer,
                 'AXFR %s over UDP: REFUSED or FORMERR, no records' % name, m.to_text())
    m = t.reply('IXFR lb.example over TCP', ixfr(), 'tcp')
    if m:
        t.eq('IXFR lb.example over TCP: REFUSED, no records', ('REFUSED', 0),
             (pycheck.rcode(m), len(m.answer)), m.to_text())
    m = t.reply('IXFR lb.example over UDP', ixfr())
    if m:
        t.ok(pycheck.rcode(m) in ('REFUSED', 'FORMERR') and not m.answer,
             'IXFR lb.example over UDP: REFUSED or FORMERR, no records', m.to_text())
    # REFUSED keeps the ID, the opcode, RD and the question
    q = dns.message.make_query('example.com', 'A', id=4242)
    m = t.reply('example.com A', q)
    if m:
        t.eq('example.com A: id, rcode, rd, ra, question',
             (4242, 'REFUSED', True, False, 'example.com.'),
             (m.id, pycheck.rcode(m), bool(m.flags & f.RD), bool(m.flags & f.RA),
              m.question[0].name.to_text() if m.question else None),
             m.to_text())
    # the server still works after all this
    m = t.reply('www A afterwards', dns.message.make_query('www.lb.example', 'A'))
    if m:
        t.eq('www A afterwards: NOERROR with 2 answers', ('NOERROR', 2),
             (pycheck.rcode(m), len(m.answer)))
pycheck.main(run)
EOF

stop_daemon
finish
