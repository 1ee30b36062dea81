#!/bin/bash
# 20-managed: managed names served by the real daemon (zones/managed.conf):
# round_robin rotation, weighted odds, failover past drained and forced-down
# members, weight 0 as a last resort under round_robin, ip_hash and geo
# driven by the source address or by ECS (with the scope echoed), ecs = false
# ignoring the subnet, every all_down action, a pool behind a CNAME, and a TCP
# check that keeps a member out.  dig and kdig, UDP and TCP, IPv4 and IPv6;
# python (dnspython) for the many-query checks.  No timing assumptions: the
# daemon runs every check once before it says "ready".
. "$(dirname "$0")/lib.sh"
require_tool kdig
require_dnspython
need_daemon

UP_PORT=$(port 0)       # the daemon's own: accepts TCP
DOWN_PORT=$(port 9)     # nothing listens there
if (exec 3<>"/dev/tcp/127.0.0.1/$DOWN_PORT") 2>/dev/null; then
    bail "port $DOWN_PORT is in use: cannot stand for a dead backend"
fi
sed -e "s/@CHECK_UP@/$UP_PORT/" -e "s/@CHECK_DOWN@/$DOWN_PORT/" \
    "$TI_ZONES/managed.conf" >"$T/managed.conf"
CONF=$T/steerdns.conf
main_conf "$CONF" "$(port 0)" "managed.conf"
start_daemon "$CONF" || bail "daemon did not start"

# d_ecs: the CLIENT-SUBNET dig printed, e.g. 192.0.2.0/24/24
d_ecs() { sed -n 's/^; CLIENT-SUBNET: //p' "$DIG_OUT" | head -n 1; }
# k_ecs: the same from kdig
k_ecs() {
    grep -i -A1 'CLIENT-SUBNET' "$KDIG_OUT" | tr '\n' ' ' |
        grep -Eo '[0-9a-f.:]+/[0-9]+/[0-9]+' | head -n 1
}
SOA='m.example. 60 IN SOA ns1.m.example. hostmaster.m.example. 2026112520 3600 900 604800 60'

# --- round_robin: the pool's family, the name's TTL
dq rr.m.example A
expect_eq "rr A: status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "rr A: AA set" set "$(d_flag aa)"
expect_eq "rr A: the three IPv4 members, TTL 20" "rr.m.example. 20 IN A 192.0.2.1
rr.m.example. 20 IN A 192.0.2.2
rr.m.example. 20 IN A 192.0.2.3" "$(d_section ANSWER)" "$DIG_OUT"
dq @::1 +tcp rr.m.example AAAA
expect_eq "rr AAAA over TCP/IPv6: the two IPv6 members" "rr.m.example. 20 IN AAAA 2001:db8::1
rr.m.example. 20 IN AAAA 2001:db8::2" "$(d_section ANSWER)" "$DIG_OUT"
dq rr.m.example TXT
expect_eq "rr TXT: the static record beside the pool" \
    'rr.m.example. 60 IN TXT "static beside the pool"' "$(d_section ANSWER)" "$DIG_OUT"
dq rr.m.example MX
expect_eq "rr MX: NODATA" "NOERROR 0 $SOA" \
    "$(d_status) $(d_count ANSWER) $(d_section AUTHORITY)" "$DIG_OUT"

# Each answer is the last one rotated by one, over any transport.
prev=""
firsts=""
n=0
for srv in @127.0.0.1 @::1; do
    for tr in +notcp +tcp +notcp; do
        cur=$(order $srv $tr rr.m.example A)
        n=$((n + 1))
        firsts="$firsts ${cur%% *}"
        if [ -n "$prev" ]; then
            set -- $prev
            expect_eq "rr A answer $n ($srv $tr) is answer $((n - 1)) rotated by one" \
                "$2 $3 $1" "$cur" "$DIG_OUT"
        fi
        prev=$cur
    done
done
set -- $firsts
expect_eq "rr A: the first address cycles with period 3" "$1 $2 $3" "$4 $5 $6"
expect_eq "rr A: three different first addresses" 3 \
    "$(printf '%s\n' "$1" "$2" "$3" | sort -u | wc -l | tr -d ' ')"

kq rr.m.example A
expect_eq "kdig rr A: status and flags" "NOERROR qr aa rd" "$(k_status) $(k_flags)" "$KDIG_OUT"
expect_eq "kdig rr A: the three members" "rr.m.example. 20 IN A 192.0.2.1
rr.m.example. 20 IN A 192.0.2.2
rr.m.example. 20 IN A 192.0.2.3" "$(k_section ANSWER)" "$KDIG_OUT"

# A CNAME to a managed name: the CNAME, then the pool's addresses.
dq alias.m.example A
expect_eq "alias A: CNAME then the pool" "alias.m.example. 300 IN CNAME rr.m.example.
rr.m.example. 20 IN A 192.0.2.1
rr.m.example. 20 IN A 192.0.2.2
rr.m.example. 20 IN A 192.0.2.3" "$(d_section ANSWER)" "$DIG_OUT"
expect_match "alias A: the CNAME comes first" '^alias\.m\.example\.' \
    "$(grep -v '^;' "$DIG_OUT" | grep -m1 'IN')" "$DIG_OUT"

# Without client-dependent steps the ECS scope is 0.
dq +subnet=198.51.100.0/24 rr.m.example A
expect_eq "rr A +subnet=198.51.100.0/24: scope 0" "198.51.100.0/24/0" "$(d_ecs)" "$DIG_OUT"
dq +subnet=192.0.2.0/24 fo.m.example A
expect_eq "fo A +subnet=192.0.2.0/24: scope 0" "192.0.2.0/24/0" "$(d_ecs)" "$DIG_OUT"
dq +subnet=192.0.2.0/24 wt.m.example A
expect_eq "wt A +subnet=192.0.2.0/24: scope 0" "192.0.2.0/24/0" "$(d_ecs)" "$DIG_OUT"

# --- failover past a forced-down and a drained member
dq fo.m.example A
expect_eq "fo A: tier 2 only, degraded TTL 5 (tier 1 is out)" \
    "fo.m.example. 5 IN A 192.0.2.23" "$(d_section ANSWER)" "$DIG_OUT"
bad=""
for i in 1 2 3 4 5; do
    for tr in +notcp +tcp; do
        a=$(order $tr fo.m.example A)
        [ "$a" = 192.0.2.23 ] || bad="$bad [$tr: $a]"
    done
done
expect_eq "fo A x10 (UDP, TCP): never 192.0.2.21 (down) or .22 (drained)" "" "$bad"

# --- weight 0: a backup of last resort, whatever the strategy.  round_robin
# over bk rotates .81 and .82 and never answers .83 (weight 0) while they
# are usable; in bklast the others are drained and forced down by the zone
# file, so the weight 0 member answers alone, with the degraded TTL.
dq bk.m.example A
expect_eq "bk A: the members of weight 1 only, normal TTL" "bk.m.example. 20 IN A 192.0.2.81
bk.m.example. 20 IN A 192.0.2.82" "$(d_section ANSWER)" "$DIG_OUT"
bad=""
firsts=""
for i in 1 2 3 4 5 6; do
    for tr in +notcp +tcp; do
        a=$(order $tr bk.m.example A)
        case " $a " in *" 192.0.2.83 "*) bad="$bad [$tr: $a]" ;; esac
        firsts="$firsts ${a%% *}"
    done
done
expect_eq "bk A x12 (UDP, TCP): never 192.0.2.83 (weight 0) while others are up" "" "$bad"
expect_eq "bk A x12: .81 and .82 take turns first" "192.0.2.81 192.0.2.82" \
    "$(printf '%s\n' $firsts | sort -u | tr '\n' ' ' | sed 's/ $//')"
for tr in +notcp +tcp; do
    dq $tr bklast.m.example A
    expect_eq "bklast A $tr: the weight 0 member once the others are drained/down" \
        "NOERROR bklast.m.example. 4 IN A 192.0.2.88" \
        "$(d_status) $(d_section ANSWER)" "$DIG_OUT"
done
dq @::1 bklast.m.example AAAA
expect_eq "bklast AAAA: no IPv6 member, NODATA" "NOERROR 0" \
    "$(d_status) $(d_count ANSWER)" "$DIG_OUT"

# --- a TCP check: the member whose backend refuses is left out
dq chk.m.example A
expect_eq "chk A: only the member whose check connects" \
    "chk.m.example. 30 IN A 192.0.2.71" "$(d_section ANSWER)" "$DIG_OUT"
dq +tcp @::1 chk.m.example A
expect_eq "chk A over TCP/IPv6: the same" "192.0.2.71" "$(order +tcp @::1 chk.m.example A)" "$DIG_OUT"

# --- ip_hash: affinity by subnet, scope = bits hashed
h1=$(order +subnet=198.51.100.0/24 hash.m.example A)
expect_match "hash A +subnet=198.51.100.0/24: one address (max_answers 1)" \
    '^192\.0\.2\.3[1-5]$' "$h1" "$DIG_OUT"
dq +subnet=198.51.100.0/24 hash.m.example A
expect_eq "hash A +subnet=198.51.100.0/24: scope 24" "198.51.100.0/24/24" "$(d_ecs)" "$DIG_OUT"
bad=""
for i in 1 2 3; do
    for tr in +notcp +tcp; do
        for sn in 198.51.100.0/24 198.51.100.77/32 198.51.100.128/25; do
            a=$(order $tr +subnet=$sn hash.m.example A)
            [ "$a" = "$h1" ] || bad="$bad [$tr $sn: $a]"
        done
    done
done
expect_eq "hash A: the same answer for every query from 198.51.100.0/24" "" "$bad"
dq +subnet=198.51.100.77/32 hash.m.example A
expect_eq "hash A +subnet=/32: scope 24 (the configured bits)" "198.51.100.77/32/24" "$(d_ecs)" "$DIG_OUT"
dq +subnet=203.0.112.0/20 hash.m.example A
expect_eq "hash A +subnet=203.0.112.0/20: scope 20 (fewer bits known)" \
    "203.0.112.0/20/20" "$(d_ecs)" "$DIG_OUT"
dq @::1 +subnet=2001:db8:77:1200::/64 hash.m.example A
expect_eq "hash A +subnet=IPv6 /64: scope 56" "2001:db8:77:1200::/64/56" "$(d_ecs)" "$DIG_OUT"
seen=""
for i in $(seq 0 15); do
    seen="$seen
$(order +subnet=100.$((i * 16)).$i.0/24 hash.m.example A)"
done
nd=$(printf '%s\n' "$seen" | grep -c . )
ndist=$(printf '%s\n' "$seen" | grep . | sort -u | wc -l | tr -d ' ')
expect_eq "hash A: 16 subnets, 16 answers" 16 "$nd"
expect_match "hash A: 16 subnets spread over several members" '^[2-5]$' "$ndist"
# Without ECS the source address (127.0.0.1) decides, steadily.
h0=$(order hash.m.example A)
bad=""
for tr in +notcp +tcp +notcp +tcp; do
    a=$(order $tr hash.m.example A)
    [ "$a" = "$h0" ] || bad="$bad [$tr: $a]"
done
expect_eq "hash A without ECS: the same answer for the same source" "" "$bad"
# --- ecs = false: the subnet option is ignored, the source address
# (127.0.0.1) decides, and the scope echoed is 0.  The same subnets move
# hash (ecs on) away from that answer, so an answer that followed them
# would differ.
n0=$(order nohash.m.example A)
expect_match "nohash A: the five members in the source's hash order" \
    '^192\.0\.2\.3[1-5]( 192\.0\.2\.3[1-5]){4}$' "$n0" "$DIG_OUT"
bad=""
scopes=""
moved=0
for i in $(seq 0 15); do
    sn=100.$((i * 16)).$i.0/24
    for tr in +notcp +tcp; do
        a=$(order $tr +subnet=$sn nohash.m.example A)
        [ "$a" = "$n0" ] || bad="$bad [$tr $sn: $a]"
    done
    dq +subnet=$sn nohash.m.example A
    [ "$(d_ecs)" = "$sn/0" ] || scopes="$scopes [$sn: $(d_ecs)]"
    a=$(order +subnet=$sn hash.m.example A)
    [ "$a" = "${n0%% *}" ] || moved=$((moved + 1))
done
expect_eq "nohash A +subnet= x16 (UDP, TCP): the source's answer, in order" "" "$bad"
expect_eq "nohash A +subnet= x16: ECS echoed with scope 0" "" "$scopes"
expect_match "hash A (ecs on), same 16 subnets: some first members differ" \
    '^([1-9]|1[0-6])$' "$moved"
a=$(order +subnet=2001:db8:77:1200::/56 nohash.m.example A)
expect_eq "nohash A +subnet=IPv6 /56: the source's answer" "$n0" "$a" "$DIG_OUT"
dq +subnet=2001:db8:77:1200::/56 nohash.m.example A
expect_eq "nohash A +subnet=IPv6 /56: scope 0" "2001:db8:77:1200::/56/0" "$(d_ecs)" "$DIG_OUT"
kq +subnet=198.51.100.0/24 nohash.m.example A
expect_eq "kdig nohash A +subnet=198.51.100.0/24: scope 0" "198.51.100.0/24/0" \
    "$(k_ecs)" "$KDIG_OUT"

kq +subnet=198.51.100.0/24 hash.m.example A
expect_eq "kdig hash A +subnet=198.51.100.0/24: the same member as dig" \
    "hash.m.example. 30 IN A $h1" "$(k_section ANSWER)" "$KDIG_OUT"
expect_eq "kdig hash A +subnet=198.51.100.0/24: scope 24" "198.51.100.0/24/24" "$(k_ecs)" "$KDIG_OUT"
kq +tcp +subnet=198.51.100.0/24 hash.m.example A
expect_eq "kdig +tcp hash A: the same member" "hash.m.example. 30 IN A $h1" \
    "$(k_section ANSWER)" "$KDIG_OUT"

# --- geo: the client's region by ECS or source, scope of the prefix
dq +subnet=192.0.2.0/24 geo.m.example A
expect_eq "geo A from eu: the eu members" "geo.m.example. 30 IN A 192.0.2.41
geo.m.example. 30 IN A 192.0.2.42" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "geo A from eu: scope 24" "192.0.2.0/24/24" "$(d_ecs)" "$DIG_OUT"
dq +tcp +subnet=198.51.100.7/32 geo.m.example A
expect_eq "geo A from us (TCP): the us member" "geo.m.example. 30 IN A 192.0.2.43" \
    "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "geo A from us: scope 24" "198.51.100.7/32/24" "$(d_ecs)" "$DIG_OUT"
dq @::1 +subnet=2001:db8:e:100::/56 geo.m.example AAAA
expect_eq "geo AAAA from eu (IPv6 ECS): the eu IPv6 member" \
    "geo.m.example. 30 IN AAAA 2001:db8::41" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "geo AAAA from eu: scope 48" "2001:db8:e:100::/56/48" "$(d_ecs)" "$DIG_OUT"
dq +subnet=192.0.2.0/24 geo.m.example AAAA
expect_eq "geo AAAA asked from an IPv4 eu subnet: the eu IPv6 member" \
    "geo.m.example. 30 IN AAAA 2001:db8::41" "$(d_section ANSWER)" "$DIG_OUT"
GEO_ALL="geo.m.example. 30 IN A 192.0.2.41
geo.m.example. 30 IN A 192.0.2.42
geo.m.example. 30 IN A 192.0.2.43
geo.m.example. 30 IN A 192.0.2.44"
dq +subnet=203.0.113.0/24 geo.m.example A
expect_eq "geo A from no region: every member" "$GEO_ALL" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "geo A from no region: scope 5 (where it leaves 192/198.x)" \
    "203.0.113.0/24/5" "$(d_ecs)" "$DIG_OUT"
dq +subnet=192.0.0.0/16 geo.m.example A
expect_eq "geo A from a /16 around eu: every member (the /24 is not known)" \
    "$GEO_ALL" "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "geo A from a /16: scope 0" "192.0.0.0/16/0" "$(d_ecs)" "$DIG_OUT"
dq geo.m.example A
expect_eq "geo A without ECS from 127.0.0.1 (no region): every member" \
    "$GEO_ALL" "$(d_section ANSWER)" "$DIG_OUT"
kq +subnet=192.0.2.0/24 geo.m.example A
expect_eq "kdig geo A from eu: the eu members" "geo.m.example. 30 IN A 192.0.2.41
geo.m.example. 30 IN A 192.0.2.42" "$(k_section ANSWER)" "$KDIG_OUT"
expect_eq "kdig geo A from eu: scope 24" "192.0.2.0/24/24" "$(k_ecs)" "$KDIG_OUT"

# --- every all_down action
dq open.m.example A
expect_eq "open A (all down, fail open): the down member" \
    "open.m.example. 30 IN A 192.0.2.66" "$(d_section ANSWER)" "$DIG_OUT"
dq @::1 +tcp open.m.example AAAA
expect_eq "open AAAA (all drained, fail open): the drained member" \
    "open.m.example. 30 IN AAAA 2001:db8::66" "$(d_section ANSWER)" "$DIG_OUT"
for tr in +notcp +tcp; do
    dq $tr gone.m.example A
    expect_eq "gone A $tr (nodata): NOERROR, no answer, the SOA" \
        "NOERROR aa=set 0 $SOA" \
        "$(d_status) aa=$(d_flag aa) $(d_count ANSWER) $(d_section AUTHORITY)" "$DIG_OUT"
    dq $tr fail.m.example A
    expect_eq "fail A $tr (servfail): SERVFAIL, no answer" "SERVFAIL 0" \
        "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
done
dq +subnet=192.0.2.0/24 fail.m.example AAAA
expect_eq "fail AAAA +subnet: SERVFAIL with the ECS echoed" "SERVFAIL 192.0.2.0/24/0" \
    "$(d_status) $(d_ecs)" "$DIG_OUT"
kq fail.m.example A
expect_eq "kdig fail A: SERVFAIL" SERVFAIL "$(k_status)" "$KDIG_OUT"
dq fb.m.example A
expect_eq "fb A (fallback): the fallback address, degraded TTL" \
    "fb.m.example. 15 IN A 203.0.113.9" "$(d_section ANSWER)" "$DIG_OUT"
dq +tcp fb.m.example AAAA
expect_eq "fb AAAA (no IPv6 fallback): NODATA" "NOERROR 0 $SOA" \
    "$(d_status) $(d_count ANSWER) $(d_section AUTHORITY)" "$DIG_OUT"
dq sorry.m.example A
expect_eq "sorry A (fallback_cname): a CNAME, not followed" \
    "NOERROR sorry.m.example. 30 IN CNAME sorry.example.net." \
    "$(d_status) $(d_section ANSWER)" "$DIG_OUT"
kq @::1 sorry.m.example AAAA
expect_eq "kdig sorry AAAA: the CNAME" "sorry.m.example. 30 IN CNAME sorry.example.net." \
    "$(k_section ANSWER)" "$KDIG_OUT"

# --- many queries: odds, and members that must never show
py <<'EOF'
import dns.message
import dns.rdatatype
import pycheck

def addrs(m):
    return [r[0].to_text() for r in m.answer
            if r.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)]

def run(t):
    # weighted 3:1:0 -- .13 (weight 0) never answered while others are up
    first = {}
    bad = []
    for i in range(400):
        m = t.reply('wt A #%d' % i, dns.message.make_query('wt.m.example', 'A'),
                    transport='tcp' if i % 4 == 0 else 'udp')
        if not m:
            return
        a = addrs(m)
        if sorted(a) != ['192.0.2.11', '192.0.2.12']:
            bad.append(a)
        first[a[0]] = first.get(a[0], 0) + 1
    t.eq('wt A x400: the two members of weight > 0, never weight 0', [],
         bad[:5])
    n11 = first.get('192.0.2.11', 0)
    t.ok(240 <= n11 <= 360, 'wt A x400: weight 3 of 4 first ~75% '
         '(240..360)', 'first counts: %r' % first)

    # round_robin with a weight 0 member: never it while others are up
    bad = []
    for i in range(100):
        m = t.reply('bk A #%d' % i, dns.message.make_query('bk.m.example', 'A'),
                    transport='tcp' if i % 2 else 'udp')
        if not m:
            return
        if sorted(addrs(m)) != ['192.0.2.81', '192.0.2.82']:
            bad.append(addrs(m))
    t.eq('bk A x100: .81 and .82, never .83 (weight 0)', [], bad[:5])

    # never an unusable member while a usable one exists
    cases = [('fo.m.example', 'A', ['192.0.2.23']),
             ('chk.m.example', 'A', ['192.0.2.71']),
             ('bklast.m.example', 'A', ['192.0.2.88'])]
    for name, qt, want in cases:
        bad = []
        for i in range(100):
            m = t.reply('%s %s #%d' % (name, qt, i), dns.message.make_query(name, qt),
                        transport='tcp' if i % 2 else 'udp')
            if not m:
                return
            if addrs(m) != want:
                bad.append(addrs(m))
        t.eq('%s %s x100: only %s' % (name, qt, want), [], bad[:5])

    # round_robin: 30 answers in a row, each member first 10 times
    first = {}
    for i in range(30):
        m = t.reply('rr A #%d' % i, dns.message.make_query('rr.m.example', 'A'))
        if not m:
            return
        a = addrs(m)
        first[a[0]] = first.get(a[0], 0) + 1
    t.eq('rr A x30: each member first 10 times',
         {'192.0.2.1': 10, '192.0.2.2': 10, '192.0.2.3': 10}, first)

pycheck.main(run)
EOF

stop_daemon
finish
