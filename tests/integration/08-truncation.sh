#!/bin/bash
# 08-truncation: UDP replies never exceed min(client payload, our
# edns_payload) (512 without EDNS, client sizes < 512 count as 512); a
# reply that does not fit has TC set, keeps the question (and the OPT for
# EDNS queries) and holds only whole RRsets; over TCP the same query gets
# every record; small answers are never truncated.
. "$(dirname "$0")/lib.sh"
require_tool kdig drill
require_dnspython
need_daemon

# trunc.test: "big" has 40 TXT records of 60 characters (about 2.9 KB on
# the wire), "mid" 10 (about 750 bytes), "small" one A record.
mkzone() {
    {
        echo 'origin = "trunc.test.";'
        echo 'ttl = 300;'
        echo 'soa = { mname = "ns.trunc.test."; rname = "hostmaster.trunc.test."; serial = 1;'
        echo '        refresh = 3600; retry = 900; expire = 604800; minimum = 60; };'
        echo 'ns = [ "ns.trunc.test." ];'
        echo 'records = ['
        echo '  "ns A 127.0.0.1",'
        echo '  "small A 192.0.2.1",'
        i=1
        while [ $i -le 40 ]; do
            printf '  "big TXT \\"r%02d-%s\\"",\n' $i "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
            i=$((i + 1))
        done
        i=1
        while [ $i -le 10 ]; do
            printf '  "mid TXT \\"m%02d-%s\\"",\n' $i "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
            i=$((i + 1))
        done
        echo '  "big A 192.0.2.2"'
        echo '];'
    } >"$1"
}
mkdir "$T/a" "$T/b"
mkzone "$T/a/trunc.test.conf"
cp "$T/a/trunc.test.conf" "$T/b/trunc.test.conf"
main_conf "$T/a/steerdns.conf" "$(port 0)" "trunc.test.conf"
main_conf "$T/b/steerdns.conf" "$(port 1)" "trunc.test.conf" edns_payload=4096

start_daemon "$T/a/steerdns.conf" "$(port 0)" || bail "daemon did not start"

# --- dig: UDP without EDNS, TC set; then TCP gets all 40
dq +noedns +ignore big.trunc.test TXT
expect_eq "dig +noedns +ignore big TXT: TC set" set "$(d_flag tc)" "$DIG_OUT"
expect_match "dig +noedns +ignore big TXT: 0 or 40 answers" '^(0|40)$' "$(d_count ANSWER)" "$DIG_OUT"
dq @::1 +noedns +ignore big.trunc.test TXT
expect_eq "dig @::1 +noedns +ignore big TXT: TC set" set "$(d_flag tc)" "$DIG_OUT"
dq @::1 +bufsize=4096 +ignore big.trunc.test TXT
expect_eq "dig @::1 +bufsize=4096 +ignore big TXT: TC set (payload 1232)" set "$(d_flag tc)" "$DIG_OUT"
dq @::1 +bufsize=4096 +ignore mid.trunc.test TXT
expect_eq "dig @::1 +bufsize=4096 mid TXT (fits in 1232): TC clear, 10 records" "clear 10" \
    "$(d_flag tc) $(d_count ANSWER)" "$DIG_OUT"
dq +noedns +tcp big.trunc.test TXT
expect_eq "dig +tcp big TXT: TC clear" clear "$(d_flag tc)" "$DIG_OUT"
expect_eq "dig +tcp big TXT: all 40 records" 40 "$(d_section ANSWER | grep -c ' TXT "r[0-9][0-9]-')" "$DIG_OUT"
dq big.trunc.test TXT
expect_eq "dig (UDP, retry over TCP on TC) big TXT: all 40 records" 40 \
    "$(d_section ANSWER | grep -c ' TXT "r[0-9][0-9]-')" "$DIG_OUT"
kq +tcp @::1 big.trunc.test TXT
expect_eq "kdig +tcp @::1 big TXT: all 40 records" 40 \
    "$(k_section ANSWER | grep -c ' TXT "r[0-9][0-9]-')" "$KDIG_OUT"
dq +noedns +ignore small.trunc.test A
expect_eq "dig +noedns small A: TC clear" clear "$(d_flag tc)" "$DIG_OUT"
expect_eq "dig +noedns small A: answer" "small.trunc.test. 300 IN A 192.0.2.1" "$(d_section ANSWER)" "$DIG_OUT"
dq +noedns +ignore big.trunc.test A
expect_eq "dig +noedns big A (a small RRset at a big name): TC clear" clear "$(d_flag tc)" "$DIG_OUT"

# --- wire checks
cat >"$T/trunc.py" <<'EOF'
import os, subprocess, sys
import dns.flags
import dns.message
import dns.rdatatype
import pycheck

PAYLOAD = int(sys.argv[1])      # the server's edns_payload
TMP = sys.argv[2]
FULL = {('big.trunc.test.', 'TXT'): 40, ('mid.trunc.test.', 'TXT'): 10,
        ('big.trunc.test.', 'A'): 1, ('small.trunc.test.', 'A'): 1}

def whole_rrsets(m):
    seen = {}
    for r in m.answer:
        owner, rdtype, _ = pycheck.rr(r)
        k = (owner.lower(), rdtype)
        seen[k] = seen.get(k, 0) + 1
    return all(FULL.get(k) == n for k, n in seen.items()), seen

def tc(m):
    return bool(m.flags & dns.flags.TC)

def ldns_parses(t, desc, wire):
    path = os.path.join(TMP, 'pkt.hex')
    with open(path, 'w') as f:
        f.write(wire.hex() + '\n')
    out = subprocess.run(['drill', '-i', path], capture_output=True, text=True)
    txt = out.stdout + out.stderr
    t.ok('->>HEADER<<-' in txt and 'rror' not in txt, desc + ': ldns (drill -i) parses the reply', txt)

def run(t):
    cases = []   # (desc, query, limit, must_truncate)
    for name, typ, n in (('big.trunc.test', 'TXT', 40), ('mid.trunc.test', 'TXT', 10),
                         ('small.trunc.test', 'A', 1), ('big.trunc.test', 'A', 1)):
        size_full = None
        m = t.reply('%s %s over TCP' % (name, typ), dns.message.make_query(name, typ), 'tcp')
        if m:
            t.eq('%s %s over TCP: TC clear, %d records' % (name, typ, n), (False, n),
                 (tc(m), len(m.answer)), m.to_text())
            size_full = len(m.wire)
        for edns, bufsize in ((False, None), (True, 512), (True, 100), (True, 1000),
                              (True, 1232), (True, 1400), (True, 4096), (True, 65535)):
            limit = 512 if not edns else max(512, min(bufsize, PAYLOAD))
            desc = '%s %s over UDP, %s' % (name, typ, 'no EDNS' if not edns else 'bufsize %d' % bufsize)
            q = dns.message.make_query(name, typ, use_edns=0 if edns else None,
                                       payload=bufsize)
            m = t.reply(desc, q)
            if not m:
                continue
            # the EDNS reply to an EDNS query is a little bigger than over
            # TCP without EDNS: 11 bytes of OPT
            need = size_full + (11 if edns else 0) if size_full else None
            t.ok(len(m.wire) <= limit, '%s: reply size %d <= %d' % (desc, len(m.wire), limit))
            t.eq('%s: question kept' % desc, [(name + '.', dns.rdatatype.from_text(typ))],
                 [(x.name.to_text(), x.rdtype) for x in m.question])
            if edns:
                t.ok(m.opt is not None, '%s: OPT present' % desc, m.to_text())
            if need is not None:
                if need <= limit:
                    t.eq('%s: fits (%d <= %d): TC clear, all %d records' % (desc, need, limit, n),
                         (False, n), (tc(m), len(m.answer)), m.to_text())
                else:
                    t.ok(tc(m), '%s: does not fit (%d > %d): TC set' % (desc, need, limit),
                         m.to_text())
            whole, seen = whole_rrsets(m)
            t.ok(whole, '%s: answer holds only whole RRsets' % desc, repr(seen))
            if tc(m):
                ldns_parses(t, desc, m.wire)
pycheck.main(run)
EOF
py 1232 "$T" <"$T/trunc.py"
stop_daemon

# --- the same with edns_payload = 4096: big answers fit when the client
# allows it, and the limit is still min(client, ours)
start_daemon "$T/b/steerdns.conf" "$(port 1)" || bail "daemon (edns_payload 4096) did not start"
dq +bufsize=4096 +ignore big.trunc.test TXT
expect_eq "edns_payload 4096, bufsize 4096: TC clear" clear "$(d_flag tc)" "$DIG_OUT"
expect_eq "edns_payload 4096, bufsize 4096: all 40 records over UDP" 40 "$(d_count ANSWER)" "$DIG_OUT"
dq +bufsize=1232 +ignore big.trunc.test TXT
expect_eq "edns_payload 4096, bufsize 1232: TC set" set "$(d_flag tc)" "$DIG_OUT"
py 4096 "$T" <"$T/trunc.py"
stop_daemon

finish
