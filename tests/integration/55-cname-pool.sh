#!/bin/bash
# 55-cname-pool: a pool whose members are names (weighted CNAME targets),
# through the real daemon, real HTTP backends behind the members'
# check_address, and dig:
# - A and AAAA (and any other type) get one CNAME, AA, the name's TTL;
#   the CNAME's owner is the name asked, with its letter case;
# - "weighted" shares follow the weights 7:3 (explicit bounds over 2,000
#   answers), "priority" fails over and back, "hash" keeps a client;
# - a member whose check fails is never answered while another is up;
#   all down answers the name's fallback_cname;
# - a static CNAME to the managed name, and a wildcard managed name;
# - steerdnsctl members and explain name the targets;
# - the load refuses a pool of both kinds, a name inside the zone, a name
#   member without check_address, and data beside the CNAME.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
need_ctl

BP=$(port 1)
ZF=$T/c.test.conf
CONF=$T/steerdns.conf

cat >"$ZF" <<EOF
origin = "c.test.";
ttl = 300;
soa = { mname = "ns1.c.test."; rname = "hostmaster.c.test.";
        serial = 1; refresh = 3600; retry = 900; expire = 604800;
        minimum = 60; };
ns = [ "ns1.c.test." ];
records = [ "ns1 A 127.0.0.1", "alias CNAME www", "txt TXT \"hello\"" ];
checks = {
  web = { type = "http"; port = $BP; path = "/"; interval = 0.2;
          timeout = 0.15; rise = 1; fall = 1; };
};
pools = {
  cdn = { check = "web"; members = (
    { name = "a.cdn-one.example."; weight = 7; check_address = "127.0.0.2"; },
    { name = "b.cdn-two.example."; weight = 3; check_address = "127.0.0.3"; }
  ); };
  tiers = { check = "web"; members = (
    { name = "primary.cdn-one.example."; priority = 1; check_address = "127.0.0.2"; },
    { name = "backup.cdn-two.example."; priority = 2; check_address = "127.0.0.3"; }
  ); };
  plain = { members = ( { name = "static.example."; } ); };
};
names = {
  www = { pool = "cdn"; strategy = "weighted"; ttl = 30;
          fallback_cname = "sorry.example."; };
  fo = { pool = "tiers"; strategy = "failover"; ttl = 20; };
  aff = { pool = "cdn"; strategy = "ip_hash"; ttl = 20; ecs = true; };
  edge = { owner = "*.edge"; pool = "cdn"; strategy = "weighted"; };
  one = { pool = "plain"; ttl = 60; };
};
EOF
main_conf "$CONF" "$(port 0)" c.test.conf listen=v4 control=ctl.sock
"$STEERDNS" -n -c "$CONF" >"$T/n.out" 2>&1
expect_eq "steerdns -n accepts a pool of names" 0 "$?" "$T/n.out"

for a in 127.0.0.2 127.0.0.3; do backend $a "$BP" ok; done
start_daemon "$CONF" || bail "daemon did not start"
up2() { ctl members; [ "$(grep -c ' up' "$T/ctl.out")" -ge 4 ]; }
wait_until 5000 up2 || bail "members did not come up: $(cat "$T/ctl.out")"

# ---- one CNAME for A, AAAA and other types
for t in A AAAA MX; do
    dq +norec wWw.C.test $t
    ans=$(d_section ANSWER)
    expect_eq "$t: NOERROR, aa, one answer" "NOERROR qr aa 1" \
        "$(d_status) $(d_flags) $(d_count ANSWER)" "$DIG_OUT"
    expect_match "$t: a CNAME owned by the name as asked, TTL 30, to a member" \
        '^wWw\.C\.test\.[[:space:]]+30[[:space:]]+IN[[:space:]]+CNAME[[:space:]]+(a\.cdn-one|b\.cdn-two)\.example\.$' \
        "$ans" "$DIG_OUT"
done
dq one.c.test CNAME
expect_eq "CNAME query: the CNAME" "one.c.test. 60 IN CNAME static.example." \
    "$(d_section ANSWER | awk '{print $1, $2, $3, $4, $5}')" "$DIG_OUT"

# ---- weighted 7:3 over 2,000 answers: 1,400 expected, sd 20.5
batch() { i=0; while [ "$i" -lt "$2" ]; do echo "$1 A"; i=$((i + 1)); done >"$T/batch"; }
shares() {
    batch "$1" "$2"
    dig @"$ADDR" -p "$PORT" +time=2 +tries=3 +short -f "$T/batch" 2>&1 |
        sort | uniq -c | sed 's/^ *//' >"$T/shares"
    cat "$T/shares"
}
F=$(shares www.c.test 2000)
a=$(count_of a.cdn-one.example.)
b=$(count_of b.cdn-two.example.)
# (a lost UDP answer is dig's, not a share: the share is of the answers)
check "weighted 7:3: a.cdn-one got $a, b.cdn-two $b of 2,000 (70% ± 5%)" \
    test $((a + b)) -ge 1990 -a $((a * 1000)) -ge $(((a + b) * 650)) -a \
    $((a * 1000)) -le $(((a + b) * 750))

F=$(shares x.edge.c.test 400)
check "a wildcard managed name answers from the pool ($(echo $F))" \
    test $(( $(count_of a.cdn-one.example.) + $(count_of b.cdn-two.example.) )) -eq 400
dq Deep.Edge.c.test A
expect_match "wildcard: the CNAME's owner is the name asked" '^Deep\.Edge\.c\.test\.' \
    "$(d_section ANSWER)" "$DIG_OUT"

dq alias.c.test A
expect_match "a static CNAME to the managed name: both CNAMEs" \
    '^alias\.c\.test\. 300 IN CNAME www\.c\.test\. \| www\.c\.test\. 30 IN CNAME (a\.cdn-one|b\.cdn-two)\.example\.$' \
    "$(d_section ANSWER | oneline)" "$DIG_OUT"
expect_eq "... two records" 2 "$(d_count ANSWER)" "$DIG_OUT"

# ---- hash: a client keeps its member
F=$(i=0; while [ $i -lt 20 ]; do dq +short +subnet=198.51.100.0/24 aff.c.test A; grep CNAME -v "$DIG_OUT" | head -n 1; i=$((i+1)); done | sort | uniq -c | sed 's/^ *//')
check "hash: one client subnet gets one member every time ($(echo $F))" \
    test "$(printf '%s\n' "$F" | wc -l)" -eq 1

# ---- priority and health
dq +short fo.c.test A
expect_eq "priority: the first tier" primary.cdn-one.example. "$(cat "$DIG_OUT")"
stop_backend 127.0.0.2 "$BP"
fo_backup() { dq +short fo.c.test A; [ "$(cat "$DIG_OUT")" = backup.cdn-two.example. ]; }
if wait_until 5000 fo_backup; then
    ok "priority: the backup once the first's check fails, after $WAITED"
else
    notok "priority fails over" "$(cat "$DIG_OUT")"
fi
F=$(shares www.c.test 300)
expect_eq "weighted: the down member never answered (300 answers)" \
    "300 b.cdn-two.example." "$F" "$T/shares"
ctl members
expect_match "members: the target by name, down" \
    'a\.cdn-one\.example\. +web +down' "$(grep cdn-one "$T/ctl.out" | head -n 1)" "$T/ctl.out"
ctl explain www.c.test A 127.0.0.1
expect_match "explain: the chosen target" 'b\.cdn-two\.example\.' "$(cat "$T/ctl.out")" "$T/ctl.out"
expect_match "explain: why the other is out" 'a\.cdn-one\.example\..*(down|HTTP|connect)' \
    "$(cat "$T/ctl.out")" "$T/ctl.out"
stop_backend 127.0.0.3 "$BP"
all_down() { dq +short www.c.test A; [ "$(cat "$DIG_OUT")" = sorry.example. ]; }
if wait_until 5000 all_down; then
    ok "all down: the fallback_cname, after $WAITED"
else
    notok "all down answers the fallback_cname" "$(cat "$DIG_OUT")"
fi
backend 127.0.0.2 "$BP" ok
fo_back() { dq +short fo.c.test A; [ "$(cat "$DIG_OUT")" = primary.cdn-one.example. ]; }
if wait_until 5000 fo_back; then
    ok "priority: back to the first tier when it recovers, after $WAITED"
else
    notok "priority fails back" "$(cat "$DIG_OUT")"
fi

# ---- what the load refuses, with file:line
bad() {
    desc=$1 want=$2; shift 2
    sed "$@" "$ZF" >"$T/bad.test.conf"
    main_conf "$T/bad.conf" "$(port 0)" bad.test.conf listen=v4
    sed -i 's/c\.test\.conf/bad.test.conf/' "$T/bad.conf"
    "$STEERDNS" -n -c "$T/bad.conf" >"$T/bad.out" 2>&1
    rc=$?
    expect_match "refused: $desc" "$want" "rc=$rc $(cat "$T/bad.out")" "$T/bad.out"
}
bad "a pool of addresses and names" 'rc=1 .*bad\.test\.conf:[0-9]+: pool "cdn": a pool is either addresses or names' \
    's/{ name = "b.cdn-two.example."; weight = 3;/{ address = "192.0.2.9"; weight = 3;/'
bad "a name inside the zone" 'rc=1 .*bad\.test\.conf:[0-9]+: pool "plain": name "static.c.test." is inside the zone' \
    's/static\.example\./static.c.test./'
bad "a name member of a checked pool without check_address" \
    'rc=1 .*bad\.test\.conf:[0-9]+: pool "cdn": a name member of a pool with a check needs "check_address"' \
    's/ check_address = "127.0.0.3";//'
bad "data beside the CNAME" 'rc=1 .*bad\.test\.conf:[0-9]+: TXT record at the managed name "one"' \
    's/"txt TXT/"one TXT/'
bad "address fallback for a pool of names" 'rc=1 .*pool "cdn" is of names, answered as a CNAME' \
    's/fallback_cname = "sorry.example.";/fallback = [ "192.0.2.1" ];/'
bad "both address and name" 'rc=1 .*needs "address" or "name", not both' \
    's/{ name = "static.example."; }/{ name = "static.example."; address = "192.0.2.1"; }/'

finish
