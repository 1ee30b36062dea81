#!/bin/bash
# 50-fleet: three steerdns nodes answer as one through a three-member etcd
# cluster, all on loopback.  Each node probes from its own source address
# (127.0.0.11, .12, .13) and HTTP backends fail on demand for chosen
# sources only.  Shown: a drain given on one node reaches every node within
# 1 s, undrain and a timed drain too; a backend failing for one node stays
# in every answer and `members` says 1 of 3 see it down, for two it leaves;
# 1,000 client subnets get the same ip_hash answer from every node before
# and during that; one etcd member killed changes nothing; all killed,
# answers go on (no SERVFAIL, no flap), fleet overrides are refused and
# --local works, and the nodes resync when etcd is back; a node killed
# loses its say after its lease; NSID and id.server name the node.
. "$(dirname "$0")/lib.sh"
need_daemon
need_ctl
require_tool etcd
require_tool curl
require_dnspython

EC=( "$(port 0)" "$(port 1)" "$(port 2)" )      # etcd client ports
EP=( "$(port 3)" "$(port 4)" "$(port 5)" )      # etcd peer ports
DP=$(port 6)            # DNS, on 127.0.0.1N for node N
MP=$(port 7)            # metrics, on 127.0.0.1N
BP=$(port 9)            # backends 127.0.0.2 .. 127.0.0.4
EIDS=( "" "" "" )
cluster="e1=http://127.0.0.1:${EP[0]},e2=http://127.0.0.1:${EP[1]},e3=http://127.0.0.1:${EP[2]}"

# etcd_start I: start member I (0..2) of the cluster, data in $T/eI
etcd_start() {
    i=$1
    etcd --name "e$((i + 1))" --data-dir "$T/e$i" \
        --listen-client-urls "http://127.0.0.1:${EC[$i]}" \
        --advertise-client-urls "http://127.0.0.1:${EC[$i]}" \
        --listen-peer-urls "http://127.0.0.1:${EP[$i]}" \
        --initial-advertise-peer-urls "http://127.0.0.1:${EP[$i]}" \
        --initial-cluster "$cluster" --initial-cluster-state new \
        --heartbeat-interval 50 --election-timeout 500 \
        --log-level error >>"$T/etcd$i.log" 2>&1 &
    EIDS[$i]=$!
    PIDS="$PIDS ${EIDS[$i]}"
}
etcd_stop() {
    kill -KILL "${EIDS[$1]}" 2>/dev/null
    wait "${EIDS[$1]}" 2>/dev/null
}
etcd_healthy() {
    curl -s -m 1 "http://127.0.0.1:${EC[$1]}/health" | grep -q '"health":"true"'
}
all_healthy() { etcd_healthy 0 && etcd_healthy 1 && etcd_healthy 2; }

for i in 0 1 2; do etcd_start $i; done
wait_until 20000 all_healthy || bail "the etcd cluster did not come up: $(tail -n 5 "$T"/etcd*.log)"
ok "a 3-member etcd cluster is up"

for b in 2 3 4; do
    : >"$T/fail-$b"
    "$PYTHON" "$TI_SRC/fleet-backend.py" "127.0.0.$b" "$BP" "$T/fail-$b" \
        >"$T/backend-$b.log" 2>&1 &
    PIDS="$PIDS $!"
done
n=100
while [ $n -gt 0 ] && [ "$(grep -l listening "$T"/backend-*.log 2>/dev/null | wc -l)" -lt 3 ]; do
    sleep 0.05; n=$((n - 1))
done

cat >"$T/fleet.test.conf" <<EOF
origin = "fleet.test.";
soa = { mname = "ns1"; rname = "h"; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.11" ];
checks = {
  web = { type = "http"; port = $BP; path = "/"; interval = 0.25;
          timeout = 0.25; rise = 1; fall = 1; };
};
pools = {
  web = { check = "web"; members = ( { address = "127.0.0.2"; },
          { address = "127.0.0.3"; }, { address = "127.0.0.4"; } ); };
};
names = {
  www = { pool = "web"; ttl = 5; };
  aff = { pool = "web"; strategy = "ip_hash"; max_answers = 1; ttl = 5; };
};
EOF
# node_conf N: the main file of node N; its etcd list starts at member N
node_conf() {
    k=$1
    a="\"http://127.0.0.1:${EC[$(( (k - 1) % 3 ))]}\""
    b="\"http://127.0.0.1:${EC[$(( k % 3 ))]}\""
    c="\"http://127.0.0.1:${EC[$(( (k + 1) % 3 ))]}\""
    cat >"$T/ns$k.conf" <<EOF
server = {
  listen = [ "127.0.0.1$k:$DP" ];
  workers = 1;
  metrics = "127.0.0.1$k:$MP";
  control = "$T/ns$k.sock";
  state_file = "$T/ns$k.state";
  probe_source = [ "127.0.0.1$k" ];
  nsid = "ns$k";
  identity = "ns$k.fleet.test";
};
zones = [ "fleet.test.conf" ];
fleet = {
  node = "ns$k";
  etcd = [ $a, $b, $c ];
  prefix = "/steerdns-test/";
  lease = 2;
};
EOF
}
NPIDS=( "" "" "" "" )
node_start() {
    node_conf "$1"
    start_daemon "$T/ns$1.conf" "$DP" || bail "node ns$1 did not start"
    NPIDS[$1]=$DAEMON_PID
    NLOG[$1]=$DAEMON_LOG
}
for k in 1 2 3; do node_start $k; done

# nctl N ARGS: steerdnsctl against node N; output in $T/ctl.out
nctl() {
    k=$1; shift
    "$CTL" -c "$T/ns$k.conf" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
    CTL_RC=$?
}
# ans N NAME: the sorted A records node N answers for NAME
ans() {
    dig +short +norec +time=1 +tries=1 @"127.0.0.1$1" -p "$DP" "$2.fleet.test" A |
        sort | tr '\n' ' ' | sed 's/ $//'
}
# everywhere NAME WANT: every node answers exactly WANT
everywhere() {
    [ "$(ans 1 "$1")" = "$2" ] && [ "$(ans 2 "$1")" = "$2" ] &&
        [ "$(ans 3 "$1")" = "$2" ]
}
ALL="127.0.0.2 127.0.0.3 127.0.0.4"
# fleet_json N PYEXPR: evaluate PYEXPR on node N's `fleet --json` (f)
fleet_py() {
    nctl "$1" --json fleet
    "$PYTHON" -c "import json,sys; f=json.load(open('$T/ctl.out'))['fleet']; sys.exit(0 if ($2) else 1)"
}
# votes N ADDR: "DOWN/VOTERS" for ADDR in node N's members --json
votes() {
    nctl "$1" --json members
    "$PYTHON" -c "
import json
m = json.load(open('$T/ctl.out'))
for x in m['members']:
    if x['member'] == '$2':
        print('%d/%d' % (x['fleet']['down'], x['fleet']['voters']))
        break
"
}

live3() { fleet_py "$1" "f['connected'] and f['nodes_live'] == 3"; }
if wait_until 5000 live3 1 && live3 2 && live3 3; then
    ok "every node is connected and sees 3 live nodes ($WAITED)"
else
    notok "every node is connected and sees 3 live nodes" "$(cat "$T/ctl.out")"
fi
# Every node's first verdict of every target reaches the others, also
# when it is the initial state (up), which changes nothing locally.
votes9() { fleet_py 1 "f['votes'] == 9" && fleet_py 2 "f['votes'] == 9" &&
    fleet_py 3 "f['votes'] == 9"; }
if wait_until 3000 votes9; then
    ok "every node holds 3 verdicts of each of the 3 targets ($WAITED)"
else
    notok "every node holds 3 verdicts of each of the 3 targets" "$(cat "$T/ctl.out")"
fi
for k in 1 2 3; do
    check "node $k logs when it holds every verdict of the 3 nodes" logged \
        "${NLOG[$k]}" "fleet: every verdict of 3 nodes on 3 targets held"
done
# fetch N PATH OUT: GET PATH from node N's metrics address
fetch() {
    "$PYTHON" -c 'import sys, urllib.request; open(sys.argv[4], "wb").write(urllib.request.urlopen("http://%s:%s%s" % (sys.argv[1], sys.argv[2], sys.argv[3]), timeout=5).read())' "127.0.0.1$1" "$MP" "$2" "$3"
}
fetch 1 /metrics "$T/m1"
expect_match "metrics: steerdns_fleet_connected 1" '^steerdns_fleet_connected 1$' "$(cat "$T/m1")"
expect_match "metrics: 3 nodes live" '^steerdns_fleet_nodes_live 3$' "$(cat "$T/m1")"
expect_match "metrics: node ns3 live" '^steerdns_fleet_node_live\{node="ns3"\} 1$' "$(cat "$T/m1")"
fetch 2 /status "$T/status2.html"
expect_match "status page: the fleet section, 3 of 3 nodes live" 'id="fleet".*3 of 3 nodes live' "$(cat "$T/status2.html")"
check "no node has another config" fleet_py 1 "f['config_mismatch'] == 0 and all(n['config_same'] for n in f['nodes'])"
nctl 1 fleet
expect_match "steerdnsctl fleet: a row per node" '^ns2 +yes ' "$(cat "$T/ctl.out")"
wait_until 3000 everywhere www "$ALL"
expect_eq "all three members in every node's answer" "$ALL" "$(ans 2 www)"

# ---- which node answered
for k in 1 2 3; do
    dig +norec +nsid @"127.0.0.1$k" -p "$DP" www.fleet.test A >"$T/nsid$k.out"
    expect_match "NSID of node $k" "NSID: .*\"ns$k\"" "$(cat "$T/nsid$k.out")"
    expect_eq "id.server of node $k" "\"ns$k.fleet.test\"" \
        "$(dig +short @"127.0.0.1$k" -p "$DP" id.server CH TXT)"
done

# ---- a drain given on node 2 reaches all three within 1 s
nctl 2 drain 127.0.0.3 -r "fleet test"
expect_eq "drain on node 2: exit 0" 0 "$CTL_RC" "$T/ctl.err"
want="127.0.0.2 127.0.0.4"
if wait_until 1000 everywhere www "$want"; then
    ok "the drain took 127.0.0.3 out of every node's answers in $WAITED"
else
    notok "drain visible everywhere within 1 s" "ns1: $(ans 1 www); ns3: $(ans 3 www)"
fi
nctl 3 members
expect_match "node 3's members show the fleet's drain, by ns2" 'drain.*fleet test' "$(cat "$T/ctl.out")"
nctl 1 undrain 127.0.0.3
if wait_until 1000 everywhere www "$ALL"; then
    ok "undrain on node 1 brought it back everywhere in $WAITED"
else
    notok "undrain visible everywhere within 1 s" "ns2: $(ans 2 www)"
fi
nctl 3 drain 127.0.0.2 -e 3s -r timed
wait_until 1000 everywhere www "127.0.0.3 127.0.0.4" &&
    ok "a timed drain from node 3 is everywhere in $WAITED" ||
    notok "a timed drain is everywhere within 1 s" "ns1: $(ans 1 www)"
if wait_until 5000 everywhere www "$ALL"; then
    ok "the timed drain expired on all three nodes"
else
    notok "the timed drain expired everywhere" "ns1: $(ans 1 www); ns2: $(ans 2 www)"
fi

# ---- 1,000 client subnets: one ip_hash answer from every node
same_hash() {
    pyrun - "$DP" "$1" >"$T/hash.out" 2>&1 <<'EOF'
import sys, dns.message, dns.query, dns.edns, dns.rdatatype
port, label = int(sys.argv[1]), sys.argv[2]
differ = 0
answers = {}
for i in range(1000):
    net = "10.%d.%d.0" % (i // 250, i % 250)
    got = []
    for k in (1, 2, 3):
        q = dns.message.make_query("aff.fleet.test", "A", use_edns=0,
                                   options=[dns.edns.ECSOption(net, 24)])
        r = dns.query.udp(q, "127.0.0.1%d" % k, port=port, timeout=2)
        got.append(tuple(sorted(a.address for rr in r.answer for a in rr)))
    if len(set(got)) != 1:
        differ += 1
    answers.setdefault(got[0], 0)
    answers[got[0]] += 1
print("differ", differ, "spread", sorted(answers.values()))
if differ == 0 and len(answers) >= 2:
    print("ok - 1,000 subnets: the three nodes agree on every ip_hash answer (%s)" % label)
else:
    print("not ok - 1,000 subnets: %d answers differ (%s)" % (differ, label))
EOF
    cat "$T/hash.out"
    grep -q '^ok - ' "$T/hash.out" && PASS=$((PASS + 1)) || FAIL=$((FAIL + 1))
}
same_hash "all up"

# ---- 127.0.0.4 fails for node 1's probes only
echo 127.0.0.11 >"$T/fail-4"
down_for_1() { [ "$(votes 1 127.0.0.4)" = "1/3" ]; }
if wait_until 3000 down_for_1; then
    ok "members on node 1: 1 of 3 nodes see 127.0.0.4 down"
else
    notok "members on node 1 says 1 of 3 see it down" "$(votes 1 127.0.0.4)"
fi
expect_eq "members on node 2 agrees: 1 of 3" "1/3" "$(votes 2 127.0.0.4)"
sleep 0.5
for k in 1 2 3; do
    expect_eq "127.0.0.4 stays in node $k's answers" "$ALL" "$(ans $k www)"
done
check "node 1 counts 1 target in disagreement" fleet_py 1 "f['disagree'] == 1"
fetch 3 /metrics "$T/m3"
expect_match "metrics on node 3: 1 target in disagreement" '^steerdns_fleet_targets_disagree 1$' "$(cat "$T/m3")"
fetch 3 /status "$T/s3"
expect_match "status page on node 3: the disagreement needs attention" \
    'data-kind="fleet">The nodes <b>disagree</b> on 1 target<' "$(cat "$T/s3")"
expect_match "metrics on node 3: 1 node sees 127.0.0.4 down" 'steerdns_fleet_member_down_votes\{.*member="127.0.0.4"\} 1$' "$(cat "$T/m3")"
nctl 3 members
expect_match "members on node 3: the FLEET column" '127\.0\.0\.4 .*1/3 down \(here up\)' "$(cat "$T/ctl.out")"
same_hash "127.0.0.4 down for node 1 only"
echo 127.0.0.12 >>"$T/fail-4"
if wait_until 1500 everywhere www "127.0.0.2 127.0.0.3"; then
    ok "failing for 2 of 3 nodes, 127.0.0.4 left every node's answers in $WAITED"
else
    notok "2 of 3 down: out everywhere" "ns3: $(ans 3 www)"
fi
expect_eq "members on node 3: 2 of 3 see it down" "2/3" "$(votes 3 127.0.0.4)"
: >"$T/fail-4"
wait_until 2000 everywhere www "$ALL" && ok "back everywhere when it recovers" ||
    notok "back everywhere" "$(ans 1 www)"

# ---- one etcd member killed: nothing changes
etcd_stop 0
tk=$(ms_now)
same=0 n=0
while [ $(( $(ms_now) - tk )) -lt 2000 ]; do
    for k in 1 2 3; do
        n=$((n + 1))
        [ "$(ans $k www)" = "$ALL" ] && same=$((same + 1))
    done
done
expect_eq "one etcd member killed: every answer for 2 s unchanged ($n queries)" "$n" "$same"
conn1() { fleet_py 1 "f['connected']"; }
if wait_until 5000 conn1; then
    back=$("$PYTHON" -c "import json; print(int(json.load(open('$T/ctl.out'))['fleet']['since'] * 1000) - $tk)")
    ok "node 1 is in step again through another member, $back ms after the kill"
else
    notok "node 1 reconnects through another member" "$(cat "$T/ctl.out")"
fi
nctl 1 drain 127.0.0.4 -r "one etcd down"
expect_eq "with one etcd member down, a drain on node 1 is accepted" 0 "$CTL_RC" "$T/ctl.err"
wait_until 2000 everywhere www "127.0.0.2 127.0.0.3" &&
    ok "and reaches every node in $WAITED" ||
    notok "drain with one etcd member down" "ns2: $(ans 2 www)"
nctl 1 undrain 127.0.0.4
wait_until 2000 everywhere www "$ALL" && ok "undrain too" || notok "undrain with one etcd member down" "$(ans 3 www)"
check "node 1 moved to another endpoint and is connected" fleet_py 1 "f['connected'] and not f['endpoint'].endswith(':${EC[0]}')"

# ---- all etcd members killed: the DNS goes on
nctl 2 drain 127.0.0.4 -r "kept through the outage"
wait_until 1000 everywhere www "127.0.0.2 127.0.0.3" || notok "fleet drain before the outage" "$(ans 1 www)"
ALL="127.0.0.2 127.0.0.3"       # what every node answers meanwhile
said() { grep -c 'answering from the last fleet state' "${NLOG[$1]}"; }
said1=$(said 1) said3=$(said 3)
etcd_stop 1
etcd_stop 2
disc() { fleet_py "$1" "not f['connected']"; }
wait_until 6000 disc 1 && ok "node 1 knows etcd is gone ($WAITED)" || notok "node 1 sees etcd gone" "$(cat "$T/ctl.out")"
pyrun - "$DP" >"$T/steady.out" 2>&1 <<'EOF'
import sys, time, dns.message, dns.query, dns.rcode
port = int(sys.argv[1])
bad = flap = n = 0
end = time.time() + 3
while time.time() < end:
    for k in (1, 2, 3):
        q = dns.message.make_query("www.fleet.test", "A")
        r = dns.query.udp(q, "127.0.0.1%d" % k, port=port, timeout=2)
        n += 1
        if r.rcode() != dns.rcode.NOERROR:
            bad += 1
        got = sorted(a.address for rr in r.answer for a in rr)
        if got != ["127.0.0.2", "127.0.0.3"]:
            flap += 1
    time.sleep(0.02)
print("queries", n, "not NOERROR", bad, "other answers", flap)
print(("ok" if bad == 0 else "not ok") + " - store gone: %d queries, no SERVFAIL" % n)
print(("ok" if flap == 0 else "not ok") + " - store gone: the same answer every time (no flap)")
EOF
cat "$T/steady.out"
PASS=$((PASS + $(grep -c '^ok - ' "$T/steady.out")))
FAIL=$((FAIL + $(grep -c '^not ok - ' "$T/steady.out")))
nctl 1 drain 127.0.0.2
expect_eq "store gone: a fleet drain is refused" 1 "$CTL_RC" "$T/ctl.out"
expect_match "... saying to use --local" "--local" "$(cat "$T/ctl.err" "$T/ctl.out")"
nctl 1 drain 127.0.0.2 --local -r "etcd down"
expect_eq "store gone: drain --local on node 1 works" 0 "$CTL_RC" "$T/ctl.err"
expect_eq "node 1 leaves 127.0.0.2 out" "127.0.0.3" "$(ans 1 www)"
expect_eq "node 2 still answers it (a local drain is local)" "$ALL" "$(ans 2 www)"
fetch 1 /metrics "$T/m1"
expect_match "metrics: steerdns_fleet_connected 0" '^steerdns_fleet_connected 0' "$(cat "$T/m1")"
# A node that restarts meanwhile keeps the fleet's drain (from STATE.fleet).
stop_daemon "${NPIDS[2]}" "${NLOG[2]}"
node_start 2
expect_match "node 2 restarted without the store, and says so" 'not in step with the store' "$(cat "${NLOG[2]}")"
expect_eq "node 2 still leaves the fleet-drained 127.0.0.4 out" "$ALL" "$(ans 2 www)"

# ---- etcd back: every node in step again within 2 s
for i in 0 1 2; do etcd_start $i; done
wait_until 20000 all_healthy || bail "etcd did not come back"
tb=$(ms_now)
conn_all() { fleet_py 1 "f['connected']" && fleet_py 2 "f['connected']" && fleet_py 3 "f['connected']"; }
if wait_until 2500 conn_all; then
    ok "the nodes resynced $(( $(ms_now) - tb )) ms after etcd was back"
else
    notok "resync within 2 s of etcd's return" "$(cat "$T/ctl.out")"
fi
expect_eq "node 1 said the store was gone once, through every retry" $((said1 + 1)) "$(said 1)" "${NLOG[1]}"
expect_eq "node 3 too" $((said3 + 1)) "$(said 3)" "${NLOG[3]}"
nctl 1 undrain 127.0.0.2 --local
expect_eq "undrain --local" 0 "$CTL_RC" "$T/ctl.err"
nctl 3 undrain 127.0.0.4
expect_eq "undrain of the fleet's drain after the outage" 0 "$CTL_RC" "$T/ctl.err"
ALL="127.0.0.2 127.0.0.3 127.0.0.4"
wait_until 2000 everywhere www "$ALL" && ok "all members everywhere after the outage" ||
    notok "all members everywhere after the outage" "$(ans 1 www) / $(ans 2 www) / $(ans 3 www)"

# ---- a node killed: after its lease, the others decide without it
printf '127.0.0.11\n127.0.0.13\n' >"$T/fail-3"
wait_until 2000 everywhere www "127.0.0.2 127.0.0.4" &&
    ok "127.0.0.3 down for nodes 1 and 3: out" || notok "2 of 3: out" "$(ans 2 www)"
kill -KILL "${NPIDS[3]}"
wait "${NPIDS[3]}" 2>/dev/null
gone3() { fleet_py 1 "[n for n in f['nodes'] if n['name'] == 'ns3' and not n['live']]"; }
if wait_until 5000 gone3; then
    ok "node 3's lease ran out: not live for node 1 ($WAITED)"
else
    notok "node 3 not live after its lease" "$(cat "$T/ctl.out")"
fi
back2() { [ "$(ans 1 www)" = "$ALL" ] && [ "$(ans 2 www)" = "$ALL" ]; }
if wait_until 2000 back2; then
    ok "without node 3's vote, 1 of 2 is no majority: 127.0.0.3 is back"
else
    notok "1 of 2 live nodes: back" "$(ans 1 www)"
fi
expect_eq "members on node 2: 1 of 2 now" "1/2" "$(votes 2 127.0.0.3)"

# ---- another zone file on node 2: flagged at once
sed 's/records = \[ "ns1 A 127.0.0.11" \];/records = [ "ns1 A 127.0.0.11", "extra A 127.0.0.99" ];/' \
    "$T/fleet.test.conf" >"$T/fleet2.test.conf"
sed -i 's/"fleet.test.conf"/"fleet2.test.conf"/' "$T/ns2.conf"
nctl 2 reload
expect_eq "node 2 reloads another zone file" 0 "$CTL_RC" "$T/ctl.err"
mism() { fleet_py 1 "f['config_mismatch'] == 1 and [n for n in f['nodes'] if n['name'] == 'ns2' and not n['config_same']]"; }
if wait_until 2000 mism; then
    ok "node 1 flags node 2's config as different ($WAITED)"
else
    notok "node 1 flags node 2's config" "$(cat "$T/ctl.out")"
fi
nctl 1 fleet
expect_match "steerdnsctl fleet: ns2 CONFIG DIFFERS" '^ns2 .*CONFIG DIFFERS' "$(cat "$T/ctl.out")"

# ---- node 1 leaves the fleet by a reload: alone, its own checks decide
sed -i '/^fleet = {/,/^};/d' "$T/ns1.conf"
nctl 1 reload
expect_eq "node 1 reloads without its fleet group" 0 "$CTL_RC" "$T/ctl.err"
nctl 1 fleet
expect_match "steerdnsctl fleet: no fleet now" '^no fleet' "$(cat "$T/ctl.out")"
expect_eq "alone, node 1 leaves out what its own checks see down" "127.0.0.2 127.0.0.4" "$(ans 1 www)"
left1() { fleet_py 2 "[n for n in f['nodes'] if n['name'] == 'ns1' and not n['live']]"; }
check "node 2 saw node 1 leave at once (lease revoked)" wait_until 1500 left1

for k in 1 2; do stop_daemon "${NPIDS[$k]}" "${NLOG[$k]}"; done
expect_nomatch "no ERROR lines in node 1's log" 'ERROR' "$(cat "${NLOG[1]}")"
finish
