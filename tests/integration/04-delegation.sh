#!/bin/bash
# 04-delegation: names at or below a zone cut (sub.lb.example NS ns1.sub)
# get a referral: NOERROR, AA clear, empty answer, the NS RRset in the
# authority section, the in-zone glue in the additional section.
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
standard_setup

REF_NS='sub.lb.example. 300 IN NS ns1.sub.lb.example.'
REF_GLUE='ns1.sub.lb.example. 300 IN A 192.0.2.53'

referral() { # referral NAME TYPE
    dq "$1" "$2"
    expect_eq "$1 $2: status" NOERROR "$(d_status)" "$DIG_OUT"
    expect_eq "$1 $2: AA clear (referral)" clear "$(d_flag aa)" "$DIG_OUT"
    expect_eq "$1 $2: RA clear, RD copied" "ra=clear rd=set" "ra=$(d_flag ra) rd=$(d_flag rd)"
    expect_eq "$1 $2: empty answer" 0 "$(d_count ANSWER)" "$DIG_OUT"
    expect_eq "$1 $2: NS of the cut in authority" "$REF_NS" "$(d_section AUTHORITY)" "$DIG_OUT"
    expect_eq "$1 $2: glue in additional" "$REF_GLUE" "$(d_section ADDITIONAL)" "$DIG_OUT"
}

referral x.sub.lb.example A
referral sub.lb.example A
referral ns1.sub.lb.example A
referral deep.x.sub.lb.example AAAA
referral sub.lb.example NS
referral x.sub.lb.example SOA
referral x.sub.lb.example CNAME

kq +tcp @::1 x.sub.lb.example A
expect_eq "kdig +tcp @::1 x.sub A: status" NOERROR "$(k_status)" "$KDIG_OUT"
expect_eq "kdig +tcp @::1 x.sub A: flags (no aa)" "qr rd" "$(k_flags)" "$KDIG_OUT"
expect_eq "kdig +tcp @::1 x.sub A: authority" "$REF_NS" "$(k_section AUTHORITY)" "$KDIG_OUT"
expect_eq "kdig +tcp @::1 x.sub A: additional" "$REF_GLUE" "$(k_section ADDITIONAL)" "$KDIG_OUT"

# DS belongs to the parent side of the cut: authoritative NODATA, no referral
dq sub.lb.example DS
expect_eq "sub DS (parent side, RFC 4035 3.1.4.1): NOERROR, AA set" "NOERROR aa=set" "$(d_status) aa=$(d_flag aa)" "$DIG_OUT"
expect_eq "sub DS: no answer, SOA in authority" "0 lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. 2026112501 3600 900 604800 60" \
    "$(d_count ANSWER) $(d_section AUTHORITY)" "$DIG_OUT"

# the zone's own data beside the cut is still authoritative
dq ns1.lb.example A
expect_eq "ns1 A (beside the cut): AA set" "NOERROR aa=set" "$(d_status) aa=$(d_flag aa)" "$DIG_OUT"

py <<'EOF'
import dns.flags as f
import dns.message
import pycheck
def run(t):
    m = t.reply('x.sub A', dns.message.make_query('x.sub.lb.example', 'A', flags=0))
    if m:
        t.eq('x.sub A rd=0: rcode, aa, rd, an, ns, ar',
             ('NOERROR', False, False, 0, 1, 1),
             (pycheck.rcode(m), bool(m.flags & f.AA), bool(m.flags & f.RD),
              len(m.answer), len(m.authority), pycheck.arcount(m)),
             m.to_text())
        if m.authority and m.additional:
            o, ty, rd = pycheck.rr(m.authority[0])
            t.eq('x.sub A: authority NS', ('sub.lb.example.', 'NS', 'ns1.sub.lb.example.'),
                 (o.lower(), ty, rd.lower()))
            o, ty, rd = pycheck.rr(m.additional[0])
            t.eq('x.sub A: glue', ('ns1.sub.lb.example.', 'A', '192.0.2.53'),
                 (o.lower(), ty, rd))
pycheck.main(run)
EOF

stop_daemon
finish
