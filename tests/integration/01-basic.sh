#!/bin/bash
# 01-basic: positive answers over IPv4/IPv6 x UDP/TCP with dig, kdig and
# drill; header flags (AA set, RA clear, RD copied); SOA and NS at the
# apex with in-zone glue; every record type of the test zone.
. "$(dirname "$0")/lib.sh"
require_tool kdig drill
require_dnspython
standard_setup

WWW_A='www.lb.example. 30 IN A 192.0.2.10
www.lb.example. 30 IN A 192.0.2.11'
WWW_AAAA='www.lb.example. 30 IN AAAA 2001:db8::10
www.lb.example. 30 IN AAAA 2001:db8::11'

# --- dig, all four transports
for srv in @127.0.0.1 @::1; do
    for tr in +notcp +tcp; do
        dq $srv $tr www.lb.example A
        expect_eq "dig $srv $tr www A: status" NOERROR "$(d_status)" "$DIG_OUT"
        expect_eq "dig $srv $tr www A: answer" "$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"
        expect_eq "dig $srv $tr www A: AA set" set "$(d_flag aa)"
        expect_eq "dig $srv $tr www A: RA clear" clear "$(d_flag ra)"
        expect_eq "dig $srv $tr www A: RD copied (set)" set "$(d_flag rd)"
    done
done

dq @::1 +tcp www.lb.example AAAA
expect_eq "dig @::1 +tcp www AAAA: answer" "$WWW_AAAA" "$(d_section ANSWER)" "$DIG_OUT"

dq +nordflag www.lb.example A
expect_eq "RD clear in the query -> RD clear in the reply" clear "$(d_flag rd)" "$DIG_OUT"
expect_eq "RD clear: RA still clear" clear "$(d_flag ra)"
expect_eq "RD clear: AA set" set "$(d_flag aa)"
expect_eq "RD clear: answer unchanged" "$WWW_A" "$(d_section ANSWER)"

# --- apex
dq lb.example SOA
expect_eq "apex SOA: status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "apex SOA: AA set" set "$(d_flag aa)"
expect_eq "apex SOA: answer" \
    "lb.example. 300 IN SOA ns1.lb.example. hostmaster.lb.example. 2026112501 3600 900 604800 60" \
    "$(d_section ANSWER)" "$DIG_OUT"

dq lb.example NS
expect_eq "apex NS: status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "apex NS: AA set" set "$(d_flag aa)"
expect_eq "apex NS: answer" "lb.example. 300 IN NS ns1.lb.example.
lb.example. 300 IN NS ns2.lb.example." "$(d_section ANSWER)" "$DIG_OUT"
add=$(d_section ADDITIONAL)
for g in "ns1.lb.example. 300 IN A 127.0.0.1" "ns1.lb.example. 300 IN AAAA ::1" \
         "ns2.lb.example. 300 IN A 127.0.0.2"; do
    expect_match "apex NS: glue '$g' in additional" "^$g\$" "$add" "$DIG_OUT"
done

# --- the other record types of the zone
rec() { # rec NAME TYPE EXPECTED-ANSWER
    dq "$1" "$2"
    expect_eq "$1 $2: status NOERROR, AA" "NOERROR aa=set" "$(d_status) aa=$(d_flag aa)" "$DIG_OUT"
    expect_eq "$1 $2: answer" "$3" "$(d_section ANSWER)" "$DIG_OUT"
}
rec lb.example MX "lb.example. 300 IN MX 10 mail.lb.example."
rec lb.example TXT 'lb.example. 300 IN TXT "v=spf1 -all"'
rec lb.example CAA 'lb.example. 300 IN CAA 0 issue "letsencrypt.org"'
rec _sip._udp.lb.example SRV "_sip._udp.lb.example. 300 IN SRV 10 60 5060 sip.lb.example."
rec mail.lb.example A "mail.lb.example. 300 IN A 192.0.2.25"
rec a.svc.lb.example A "a.svc.lb.example. 300 IN A 192.0.2.50"
rec ns1.lb.example AAAA "ns1.lb.example. 300 IN AAAA ::1"
rec host.second.test A "host.second.test. 120 IN A 198.51.100.7"
rec second.test SOA "second.test. 30 IN SOA ns.second.test. hostmaster.second.test. 7 3600 900 604800 3600"

# --- kdig (Knot's client): UDP over IPv4, TCP over IPv6
kq www.lb.example A
expect_eq "kdig @127.0.0.1 www A: status" NOERROR "$(k_status)" "$KDIG_OUT"
expect_eq "kdig @127.0.0.1 www A: flags" "qr aa rd" "$(k_flags)" "$KDIG_OUT"
expect_eq "kdig @127.0.0.1 www A: answer" "$WWW_A" "$(k_section ANSWER)" "$KDIG_OUT"
kq @::1 +tcp www.lb.example AAAA
expect_eq "kdig @::1 +tcp www AAAA: status" NOERROR "$(k_status)" "$KDIG_OUT"
expect_eq "kdig @::1 +tcp www AAAA: flags" "qr aa rd" "$(k_flags)" "$KDIG_OUT"
expect_eq "kdig @::1 +tcp www AAAA: answer" "$WWW_AAAA" "$(k_section ANSWER)" "$KDIG_OUT"
kq +norecurse lb.example SOA
expect_eq "kdig +norecurse apex SOA: flags" "qr aa" "$(k_flags)" "$KDIG_OUT"

# --- drill (ldns): UDP over IPv4 and TCP over IPv6
DRILL_OUT=$T/drill.out
drill -p "$PORT" @127.0.0.1 www.lb.example A >"$DRILL_OUT" 2>&1
expect_match "drill www A: rcode NOERROR" 'rcode: NOERROR' "$(grep HEADER "$DRILL_OUT")" "$DRILL_OUT"
expect_match "drill www A: flags qr aa rd" '^;; flags: qr aa rd ;' "$(grep '^;; flags' "$DRILL_OUT")" "$DRILL_OUT"
expect_eq "drill www A: answer" "$WWW_A" \
    "$(awk '/^;; ANSWER SECTION:/{f=1;next} f&&/^$/{exit} f' "$DRILL_OUT" | tr -s ' \t' '  ' | LC_ALL=C sort)" "$DRILL_OUT"
drill -t -p "$PORT" @::1 www.lb.example AAAA >"$DRILL_OUT" 2>&1
expect_eq "drill -t @::1 www AAAA: answer" "$WWW_AAAA" \
    "$(awk '/^;; ANSWER SECTION:/{f=1;next} f&&/^$/{exit} f' "$DRILL_OUT" | tr -s ' \t' '  ' | LC_ALL=C sort)" "$DRILL_OUT"

# --- header details on the wire
py <<'EOF'
import dns.flags as f
import dns.message
import pycheck

Z = 0x0040      # dnspython has no name for the bit that must be zero

def bits(m):
    return tuple(bool(m.flags & b) for b in (f.QR, f.AA, f.RD, f.RA, f.TC, Z, f.AD, f.CD))

def run(t):
    for rd in (True, False):
        q = dns.message.make_query('www.lb.example', 'A', flags=f.RD if rd else 0)
        m = t.reply('www A rd=%s' % rd, q)
        if not m:
            continue
        t.eq('www A rd=%s: opcode 0, rcode 0' % rd, (0, 0), (m.opcode(), m.rcode()))
        t.eq('www A rd=%s: flags qr aa rd/ra/tc/z/ad/cd' % rd,
             (True, True, rd, False, False, False, False, False), bits(m), m.to_text())
        t.eq('www A rd=%s: question echoed' % rd, [('www.lb.example.', 1, 1)],
             [(x.name.to_text(), x.rdtype, x.rdclass) for x in m.question])
        t.eq('www A rd=%s: counts' % rd, (1, 2, 0),
             (len(m.question), len(m.answer), pycheck.arcount(m)))
    # Z bit set in a query (must be zero): answered, Z clear in the reply
    q = dns.message.make_query('www.lb.example', 'A')
    q.flags |= Z
    m = t.reply('www A with Z set', q)
    if m:
        t.eq('www A with Z set: NOERROR, 2 answers, Z clear', ('NOERROR', 2, False),
             (pycheck.rcode(m), len(m.answer), bool(m.flags & Z)), m.to_text())
    # CD flag in a query is copied or ignored, but never breaks the answer
    q = dns.message.make_query('www.lb.example', 'A', flags=f.RD | f.CD)
    m = t.reply('www A with CD', q)
    if m:
        t.eq('www A with CD: NOERROR with 2 answers', ('NOERROR', 2),
             (pycheck.rcode(m), len(m.answer)))
pycheck.main(run)
EOF

stop_daemon
finish
