#!/bin/bash
# 03-cname: CNAMEs are followed inside the zone (chains too); a dangling
# CNAME gives NXDOMAIN with the CNAME; a CNAME query returns just the
# CNAME; a CNAME out of our zones is not chased; a CNAME loop does not
# hang the server.
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
standard_setup

LB_SOA_NEG='lb.example. 60 IN SOA ns1.lb.example. hostmaster.lb.example. 2026112501 3600 900 604800 60'
DOCS_CNAME='docs.lb.example. 300 IN CNAME www.lb.example.'
WWW_A='www.lb.example. 30 IN A 192.0.2.10
www.lb.example. 30 IN A 192.0.2.11'

dq docs.lb.example A
expect_eq "docs A: status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "docs A: AA set" set "$(d_flag aa)" "$DIG_OUT"
expect_eq "docs A: answer = CNAME + www A" "$(printf '%s\n%s' "$DOCS_CNAME" "$WWW_A")" \
    "$(d_section ANSWER)" "$DIG_OUT"

dq docs.lb.example AAAA
expect_eq "docs AAAA: answer = CNAME + www AAAA" "$DOCS_CNAME
www.lb.example. 30 IN AAAA 2001:db8::10
www.lb.example. 30 IN AAAA 2001:db8::11" "$(d_section ANSWER)" "$DIG_OUT"

dq docs.lb.example CNAME
expect_eq "docs CNAME: status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "docs CNAME: just the CNAME" "$DOCS_CNAME" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "docs CNAME: AA set" set "$(d_flag aa)"

dq docs.lb.example TXT
expect_eq "docs TXT (target has no TXT): status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "docs TXT: answer is the CNAME" "$DOCS_CNAME" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "docs TXT: SOA in authority" "$LB_SOA_NEG" "$(d_section AUTHORITY)" "$DIG_OUT"

dq chain.lb.example A
expect_eq "chain A (CNAME -> CNAME -> A): status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "chain A: answer has the whole chain" "chain.lb.example. 300 IN CNAME docs.lb.example.
$DOCS_CNAME
$WWW_A" "$(d_section ANSWER)" "$DIG_OUT"

dq dangling.lb.example A
expect_eq "dangling A (CNAME to a missing name): status" NXDOMAIN "$(d_status)" "$DIG_OUT"
expect_eq "dangling A: AA set" set "$(d_flag aa)" "$DIG_OUT"
expect_eq "dangling A: the CNAME in the answer" \
    "dangling.lb.example. 300 IN CNAME nowhere.lb.example." "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "dangling A: SOA in authority" "$LB_SOA_NEG" "$(d_section AUTHORITY)" "$DIG_OUT"

dq external.lb.example A
expect_eq "external A (CNAME out of our zones): status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "external A: AA set" set "$(d_flag aa)" "$DIG_OUT"
expect_eq "external A: just the CNAME, not chased" \
    "external.lb.example. 300 IN CNAME www.example.com." "$(d_section ANSWER)" "$DIG_OUT"

kq +tcp @::1 docs.lb.example A
expect_eq "kdig +tcp @::1 docs A: status" NOERROR "$(k_status)" "$KDIG_OUT"
expect_eq "kdig +tcp @::1 docs A: answer" "$(printf '%s\n%s' "$DOCS_CNAME" "$WWW_A")" \
    "$(k_section ANSWER)" "$KDIG_OUT"

# wire order: the CNAME chain comes first, in chain order
py <<'EOF'
import dns.flags
import dns.message
import pycheck
def run(t):
    m = t.reply('chain A', dns.message.make_query('chain.lb.example', 'A'))
    if m:
        t.eq('chain A: answer order CNAME, CNAME, A, A',
             [('chain.lb.example.', 'CNAME'), ('docs.lb.example.', 'CNAME'),
              ('www.lb.example.', 'A'), ('www.lb.example.', 'A')],
             [(o.lower(), ty) for o, ty, _ in map(pycheck.rr, m.answer)], m.to_text())
        t.eq('chain A: aa set, no additional', (True, 0),
             (bool(m.flags & dns.flags.AA), pycheck.arcount(m)))
pycheck.main(run)
EOF
stop_daemon

# --- a CNAME loop must not hang or crash the server
mkdir "$T/loop"
cat >"$T/loop/loop.test.conf" <<'EOF'
origin = "loop.test.";
ttl = 300;
soa = { mname = "ns.loop.test."; rname = "hostmaster.loop.test."; serial = 1;
        refresh = 3600; retry = 900; expire = 604800; minimum = 60; };
ns = [ "ns.loop.test." ];
records = [
  "ns     A      127.0.0.1",
  "loop1  CNAME  loop2",
  "loop2  CNAME  loop1",
  "self   CNAME  self"
];
EOF
main_conf "$T/loop/steerdns.conf" "$(port 1)" "loop.test.conf"
if "$STEERDNS" -n -c "$T/loop/steerdns.conf" >"$T/loopcheck.log" 2>&1; then
    start_daemon "$T/loop/steerdns.conf" "$(port 1)" || bail "daemon did not start"
    py <<'EOF'
import dns.message
import pycheck
def run(t):
    for name in ('loop1.loop.test', 'self.loop.test'):
        m = t.reply('%s A (CNAME loop)' % name, dns.message.make_query(name, 'A'))
        if m:
            rc = pycheck.rcode(m)
            t.ok(rc in ('NOERROR', 'SERVFAIL'),
                 '%s A: NOERROR or SERVFAIL' % name, m.to_text())
            t.ok(any(ty == 'CNAME' and o.lower() == name + '.'
                     for o, ty, _ in map(pycheck.rr, m.answer))
                 or rc == 'SERVFAIL',
                 '%s A: the CNAME is in the answer' % name, m.to_text())
            t.ok(len(m.answer) <= 16, '%s A: the answer is bounded' % name, m.to_text())
    m = t.reply('ns.loop.test A after the loops', dns.message.make_query('ns.loop.test', 'A'))
    if m:
        t.eq('server still answers after CNAME loops', ['127.0.0.1'],
             [r[0].to_text() for r in m.answer])
pycheck.main(run)
EOF
    stop_daemon
else
    ok "a zone with a CNAME loop is rejected by --check-config (acceptable)"
fi

finish
