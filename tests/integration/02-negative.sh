#!/bin/bash
# 02-negative: NXDOMAIN and NODATA (RFC 2308): SOA in the authority
# section with TTL min(zone ttl, SOA minimum), AA set, empty answer;
# empty non-terminals are NODATA, names below existing names NXDOMAIN.
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
standard_setup

LB_SOA_NEG='lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. 2026112501 3600 900 604800 60'
ST_SOA_NEG='second.test. 30 IN SOA ns.second.test. hostmaster.second.test. 7 3600 900 604800 3600'

neg() { # neg NAME TYPE STATUS SOA-LINE
    dq "$1" "$2"
    expect_eq "$1 $2: status" "$3" "$(d_status)" "$DIG_OUT"
    expect_eq "$1 $2: AA set, RA clear" "aa=set ra=clear" "aa=$(d_flag aa) ra=$(d_flag ra)" "$DIG_OUT"
    expect_eq "$1 $2: empty answer" 0 "$(d_count ANSWER)" "$DIG_OUT"
    expect_eq "$1 $2: SOA (negative TTL) alone in authority" "$4" "$(d_section AUTHORITY)" "$DIG_OUT"
}

neg nx.lb.example A NXDOMAIN "$LB_SOA_NEG"
neg nx.lb.example AAAA NXDOMAIN "$LB_SOA_NEG"
neg x.www.lb.example A NXDOMAIN "$LB_SOA_NEG"          # below an existing name
neg nope.svc.lb.example A NXDOMAIN "$LB_SOA_NEG"       # below an empty non-terminal
neg deep.nx.lb.example TXT NXDOMAIN "$LB_SOA_NEG"
neg www.lb.example TXT NOERROR "$LB_SOA_NEG"           # NODATA
neg www.lb.example MX NOERROR "$LB_SOA_NEG"
neg mail.lb.example AAAA NOERROR "$LB_SOA_NEG"
neg lb.example A NOERROR "$LB_SOA_NEG"                 # NODATA at the apex
neg lb.example SRV NOERROR "$LB_SOA_NEG"
neg svc.lb.example A NOERROR "$LB_SOA_NEG"             # empty non-terminal
neg svc.lb.example AAAA NOERROR "$LB_SOA_NEG"
neg _udp.lb.example SRV NOERROR "$LB_SOA_NEG"          # ENT below the apex
neg nx.second.test A NXDOMAIN "$ST_SOA_NEG"            # TTL = zone ttl (30 < 3600)
neg host.second.test AAAA NOERROR "$ST_SOA_NEG"

# the same over TCP and IPv6, with kdig
kq @::1 +tcp nx.lb.example A
expect_eq "kdig @::1 +tcp nx A: status" NXDOMAIN "$(k_status)" "$KDIG_OUT"
expect_eq "kdig @::1 +tcp nx A: flags" "qr aa rd" "$(k_flags)" "$KDIG_OUT"
expect_eq "kdig @::1 +tcp nx A: authority" "$LB_SOA_NEG" "$(k_section AUTHORITY)" "$KDIG_OUT"
kq svc.lb.example A
expect_eq "kdig svc A (empty non-terminal): status" NOERROR "$(k_status)" "$KDIG_OUT"
expect_eq "kdig svc A: authority" "$LB_SOA_NEG" "$(k_section AUTHORITY)" "$KDIG_OUT"

# wire-level: no stray records anywhere, SOA owner compressed to the apex
py <<'EOF'
import dns.flags
import dns.message
import dns.rdatatype
import pycheck
def run(t):
    for name, typ, rc in (('nx.lb.example', 'A', 'NXDOMAIN'),
                          ('svc.lb.example', 'A', 'NOERROR'),
                          ('www.lb.example', 'TXT', 'NOERROR')):
        m = t.reply('%s %s' % (name, typ), dns.message.make_query(name, typ))
        if not m:
            continue
        t.eq('%s %s: rcode/aa/an/ns/ar' % (name, typ),
             (rc, True, 0, 1, 0),
             (pycheck.rcode(m), bool(m.flags & dns.flags.AA), len(m.answer),
              len(m.authority), pycheck.arcount(m)),
             m.to_text())
        if m.authority:
            soa = m.authority[0]
            t.eq('%s %s: authority is the zone SOA with TTL 60' % (name, typ),
                 ('lb.example.', 'SOA', 60),
                 (soa.name.to_text().lower(), dns.rdatatype.to_text(soa.rdtype), soa.ttl))
pycheck.main(run)
EOF

stop_daemon
finish
