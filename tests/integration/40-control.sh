#!/bin/bash
# 40-control: steerdnsctl end to end against a real daemon with http
# checks on fake backends.  status / members / stats tables; --json of
# every command parses, with the expected fields; drain, undrain,
# force-down, force-up change the answers of managed names; an override
# with -e 2s ends by itself; overrides survive a restart (state_file) and a
# reload; reload (steerdnsctl and SIGHUP) of a good config takes effect and
# bumps the generation, of a bad one is refused with file:line errors while
# the old config keeps answering; health state carries over a reload;
# explain shows the chain; exit 1 when the daemon refuses, 2 on usage
# errors, 3 when no daemon answers or the socket is not accessible; a
# daemonised steerdns started with a relative -c still reloads.
. "$(dirname "$0")/lib.sh"
need_daemon
require_tool stat

CTL=${STEERDNSCTL:-$(dirname "$STEERDNS")/steerdnsctl}
[ -x "$CTL" ] || { echo "ERROR: steerdnsctl not found beside $STEERDNS (set STEERDNSCTL=)" >&2; exit 99; }

BP=$(port 2)            # every fake backend listens on this port
MPORT=$(port 1)         # metrics
FLAG=$T/slow-flag       # absent: the "slow" member is down
ZF=$T/ops.test.conf
CONF=$T/steerdns.conf

# ------------------------------------------------------------- helpers
# ctl ARGS...: steerdnsctl -c $CONF; $T/ctl.out, $T/ctl.err, CTL_RC
ctl() {
    "$CTL" -c "$CONF" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
    CTL_RC=$?
    return 0
}
# jv FILE EXPR: the Python expression EXPR over d, the JSON document in FILE
jv() {
    "$PYTHON" - "$1" "$2" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, sort_keys=True))
EOF
}
# json_valid FILE: python3 -m json.tool accepts it
json_valid() { "$PYTHON" -m json.tool "$1" >/dev/null 2>&1; }
# ctl_json DESC ARGS...: run `steerdnsctl --json ARGS`, expect exit 0 and
# valid JSON with "ok": true
ctl_json() {
    d=$1; shift
    ctl --json "$@"
    if [ "$CTL_RC" -eq 0 ] && json_valid "$T/ctl.out" &&
        [ "$(jv "$T/ctl.out" 'd["ok"]')" = true ]; then
        ok "$d: exit 0, valid JSON, ok: true"
    else
        notok "$d: exit 0, valid JSON, ok: true" "exit $CTL_RC"
        show "$T/ctl.out"; show "$T/ctl.err"
    fi
}
# mrow POOL MEMBER: that row of `steerdnsctl members`, blanks squeezed
mrow() {
    ctl members
    awk -v p="$1" -v m="$2" '$2 == p && $3 == m' "$T/ctl.out" | tr -s ' ' ' '
}
# addrs NAME: the A records of NAME, sorted, space separated
addrs() {
    dq "$1" A
    d_section ANSWER | awk '$4 == "A" {print $5}' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
txt() { dq +short info.ops.test TXT; tr -d '"' <"$DIG_OUT"; }
has() { addrs "$1" | tr ' ' '\n' | grep -qx "$2"; }
is() { [ "$(addrs "$1")" = "$2" ]; }
txt_is() { [ "$(txt)" = "$1" ]; }
logged() { grep -qF -- "$1" "$DAEMON_LOG"; }
generation() { ctl --json status; jv "$T/ctl.out" 'd["status"]["generation"]'; }

# backend ADDR: probe-backend.py ok on ADDR:$BP, wait until bound
backend() {
    lg=$T/backend-$1.log
    "$PYTHON" "$TI_SRC/probe-backend.py" "$1" "$BP" ok >"$lg" 2>&1 &
    bp=$!
    PIDS="$PIDS $bp"
    n=100
    while [ "$n" -gt 0 ] && ! grep -q listening "$lg"; do
        alive "$bp" || break
        sleep 0.05; n=$((n - 1))
    done
    grep -q listening "$lg" || bail "backend $1 did not start: $(cat "$lg")"
}

# write_zone TXT [EXTRA-LINE]: the ops.test zone in $ZF, one pool member
# a line.
write_zone() {
    cat >"$ZF" <<EOF
origin = "ops.test.";
ttl = 300;
soa = { mname = "ns1.ops.test."; rname = "hostmaster.ops.test.";
        serial = 1; refresh = 3600; retry = 900; expire = 604800;
        minimum = 60; };
ns = [ "ns1.ops.test." ];
records = [
  "ns1          A    127.0.0.1",
  "info    60   TXT  \"$1\""
];
checks = {
  web = { type = "http"; port = $BP; path = "/health"; body = "ok";
          interval = 0.5; timeout = 0.4; rise = 1; fall = 1; };
  # Takes 1.5 s to say "down": a reload that forgot the health state
  # would answer the member (initially up) for that long.
  slow = { type = "exec"; interval = 3.0; timeout = 2.5; rise = 1;
           fall = 1; command = "sleep 1.5; test -e $FLAG"; };
};
pools = {
  web = { check = "web"; members = (
    { address = "127.0.0.2"; },
    { address = "127.0.0.3"; },
    { address = "127.0.0.4"; }
  ); };
  fo = { check = "web"; members = (
    { address = "127.0.0.2"; priority = 1; },
    { address = "127.0.0.5"; priority = 1; },
    { address = "127.0.0.4"; priority = 2; }
  ); };
  hp = { members = (
    { address = "192.0.2.31"; },
    { address = "192.0.2.32"; },
    { address = "192.0.2.33"; },
    { address = "192.0.2.34"; },
    { address = "192.0.2.35"; }
  ); };
  slow = { check = "slow"; members = (
    { address = "127.0.0.30"; }
  ); };
};
names = {
  www  = { pool = "web"; strategy = "round_robin"; all_down = "servfail"; };
  fo   = { pool = "fo"; strategy = "failover"; };
  hash = { pool = "hp"; strategy = "ip_hash"; max_answers = 1; };
  slow = { pool = "slow"; all_down = "nodata"; };
};
${2:-}
EOF
}

cat >"$CONF" <<EOF
# generated by $TEST_NAME
server = {
  listen = [ "127.0.0.1:$(port 0)" ];
  workers = 2;
  control = "ctl.sock";
  metrics = "127.0.0.1:$MPORT";
  state_file = "overrides.state";
};
zones = [ "ops.test.conf" ];
EOF
write_zone v1

for a in 127.0.0.2 127.0.0.3 127.0.0.4; do backend $a; done
# 127.0.0.5: nothing listens there, its check says "connect refused".

# ---- the daemon is not running yet: exit 3, a clear message
ctl status
expect_eq "no daemon: exit 3" 3 "$CTL_RC" "$T/ctl.err"
expect_match "no daemon: 'steerdns is not running' naming the socket" \
    "steerdns is not running \(nothing answers on $T/ctl\.sock\)" "$(cat "$T/ctl.err")"
"$CTL" -s "$T/nowhere.sock" status >"$T/ctl.out" 2>"$T/ctl.err"
expect_eq "-s to a socket that does not exist: exit 3" 3 "$?" "$T/ctl.err"

start_daemon "$CONF" || bail "daemon did not start"
expect_eq "www: the three backends" "127.0.0.2 127.0.0.3 127.0.0.4" "$(addrs www.ops.test)" "$DAEMON_LOG"
expect_eq "fo: tier 1 minus the dead .5" "127.0.0.2" "$(addrs fo.ops.test)" "$DAEMON_LOG"
expect_eq "slow: its member is down: NODATA" "NOERROR 0" \
    "$(dq slow.ops.test A; echo "$(d_status) $(d_count ANSWER)")" "$DAEMON_LOG"
expect_eq "the control socket has mode 0660 (the default)" 660 \
    "$(stat -c %a "$T/ctl.sock")"

# ---- usage errors: exit 2
for args in "" "frobnicate" "drain" "drain 127.0.0.2 extra" "explain www.ops.test A" \
    "drain 127.0.0.2 -e soon" "status extra"; do
    # shellcheck disable=SC2086
    ctl $args
    expect_eq "usage error 'steerdnsctl $args': exit 2" 2 "$CTL_RC" "$T/ctl.err"
done
expect_match "unknown command: named on stderr" 'unknown command "frobnicate"' \
    "$(ctl frobnicate; cat "$T/ctl.err")"

# ---- status, members, stats: tables
for i in 1 2 3; do dq www.ops.test A; done    # www: 4 answers so far
dq +tcp info.ops.test TXT
ctl status
expect_eq "status: exit 0" 0 "$CTL_RC" "$T/ctl.err"
S=$(cat "$T/ctl.out")
expect_match "status: version, our pid, uptime" \
    "^steerdns [0-9][^,]*, pid $DAEMON_PID, up [0-9]+s \(since [0-9-]+ [0-9:]+ UTC\)" "$S"
expect_match "status: config and generation 1, no reload yet" \
    "^config .*steerdns\.conf, generation 1; reloads: 0 ok, 0 failed$" "$S"
expect_match "status: workers, targets, no overrides" \
    "^2 workers, [0-9]+ probed targets, 0 overrides$" "$S"
expect_match "status: the zone table header" "^ZONE +NAMES +POOLS +MEMBERS +FILE$" "$S"
expect_match "status: ops.test: 4 names, 4 pools, 12 members, its file" \
    "^ops\.test\. +4 +4 +12 +.*ops\.test\.conf$" "$S"
q=$(printf '%s\n' "$S" | sed -n 's/^queries \([0-9]*\) (UDP \([0-9]*\), TCP \([0-9]*\)).*/\1 \2 \3/p')
set -- $q
if [ "${1:-0}" -ge 7 ] && [ "${3:-0}" -ge 1 ] && [ $(( $2 + $3 )) -eq "$1" ]; then
    ok "status: queries counted, UDP + TCP = total ($q)"
else
    notok "status: queries counted, UDP + TCP = total" "got: $q"; show "$T/ctl.out"
fi
expect_match "status: the rcode counters" \
    "NOERROR [0-9]+, NXDOMAIN [0-9]+, REFUSED [0-9]+, SERVFAIL [0-9]+" "$S"

ctl members
expect_eq "members: exit 0" 0 "$CTL_RC" "$T/ctl.err"
expect_match "members: the header" \
    "^ZONE +POOL +MEMBER +CHECK +STATE +SINCE +REASON +RTT +LOAD +OVERRIDE$" "$(head -n 1 "$T/ctl.out")"
expect_eq "members: 12 rows, a header and a footnote" 14 "$(wc -l <"$T/ctl.out" | tr -d ' ')" "$T/ctl.out"
expect_match "members: web 127.0.0.3 up, checked by web, an RTT, no override" \
    '^ops\.test\. web 127\.0\.0\.3 web up ([0-9]+[dhm] )*[0-9]+s ago - [0-9.]+ms - -$' "$(mrow web 127.0.0.3)"
expect_match "members: fo 127.0.0.5 down* with its reason" \
    '^ops\.test\. fo 127\.0\.0\.5 web down\* ([0-9]+[dhm] )*[0-9]+s ago connect refused - - -$' "$(mrow fo 127.0.0.5)"
expect_match "members: hp 192.0.2.31 unchecked" \
    '^ops\.test\. hp 192\.0\.2\.31 - unchecked ' "$(mrow hp 192.0.2.31)"
expect_match "members: slow 127.0.0.30 down* (exit 1)" \
    '^ops\.test\. slow 127\.0\.0\.30 slow down\* ([0-9]+[dhm] )*[0-9]+s ago exit 1 ' "$(mrow slow 127.0.0.30)"

ctl stats
expect_eq "stats: exit 0" 0 "$CTL_RC" "$T/ctl.err"
S=$(cat "$T/ctl.out")
expect_match "stats: queries" "^queries +[0-9]+$" "$S"
expect_match "stats: TCP connections accepted >= 1" "^  accepted +[1-9][0-9]*$" "$S"
expect_match "stats: probe runs" "^  runs +[1-9][0-9]*$" "$S"
expect_match "stats: a probe went down" "^  to_down +[1-9][0-9]*$" "$S"
expect_match "stats: answers per managed name" "^answers per managed name:$" "$S"
expect_match "stats: www answered 4 times" "^www\.ops\.test\. +4$" "$S"

# ---- --json on every command
ctl_json "status --json" status
expect_eq "status --json: fields" \
    "[\"$DAEMON_PID\", 1, 2, \"ops.test.\", 12, {\"failed\": 0, \"last\": null, \"ok\": 0}]" \
    "$(jv "$T/ctl.out" '[str(d["status"]["pid"]), d["status"]["generation"], d["status"]["workers"], d["status"]["zones"][0]["zone"], d["status"]["zones"][0]["members"], d["status"]["reloads"]]')" "$T/ctl.out"
expect_eq "status --json: counters" "true" \
    "$(jv "$T/ctl.out" 'all(k in d["status"] for k in ("version","uptime","queries","udp","tcp","rcodes","managed","all_down","overrides","targets")) and d["status"]["rcodes"]["NOERROR"] >= 4')" "$T/ctl.out"
ctl_json "members --json" members
expect_eq "members --json: 12 members, every field" "[12, true]" \
    "$(jv "$T/ctl.out" '[len(d["members"]), all(set(("zone","pool","member","check","state","usable","since","reason","rtt_ms","load","admin","override","answers","weight","priority")) <= set(m) for m in d["members"])]')" "$T/ctl.out"
expect_eq "members --json: fo 127.0.0.5" \
    '{"admin": "none", "check": "web", "override": null, "priority": 1, "reason": "connect refused", "state": "down", "usable": false}' \
    "$(jv "$T/ctl.out" '[{k: m[k] for k in ("state","usable","reason","check","admin","override","priority")} for m in d["members"] if m["pool"] == "fo" and m["member"] == "127.0.0.5"][0]')" "$T/ctl.out"
ctl_json "stats --json" stats
expect_eq "stats --json: fields" "true" \
    "$(jv "$T/ctl.out" 'all(k in d["stats"] for k in ("queries","rcodes","qtypes","tcp_connections","probes","names")) and d["stats"]["qtypes"]["TXT"] >= 1 and [n["answers"] for n in d["stats"]["names"] if n["name"] == "www.ops.test."] == [4]')" "$T/ctl.out"
ctl_json "explain --json" explain www.ops.test A 10.0.0.1
expect_eq "explain --json: fields" '["www.ops.test.", "A", "NOERROR", true, "web", 3]' \
    "$(jv "$T/ctl.out" '[d["explain"]["name"], d["explain"]["type"], d["explain"]["rcode"], d["explain"]["managed"], d["explain"]["pool"], len(d["explain"]["answer"])]')" "$T/ctl.out"
for c in drain force-down force-up undrain; do
    ctl_json "$c --json" "$c" 192.0.2.33 -r "json test"
    case $c in undrain) st=none ;; force-down) st=down ;; force-up) st=up ;; *) st=drain ;; esac
    expect_eq "$c --json: member, state, members, expires" "[\"192.0.2.33\", \"$st\", 1, null]" \
        "$(jv "$T/ctl.out" '[d["member"], d["state"], d["members"], d["expires"]]')" "$T/ctl.out"
done
ctl_json "reload --json" reload
expect_eq "reload --json: the new generation" 2 "$(jv "$T/ctl.out" 'd["generation"]')" "$T/ctl.out"
ctl --json drain 10.9.9.9
expect_eq "drain --json of an unknown member: exit 1" 1 "$CTL_RC"
expect_eq "drain --json of an unknown member: ok false, the error" \
    '[false, "no pool has a member 10.9.9.9"]' \
    "$(jv "$T/ctl.out" '[d["ok"], d["error"]]')" "$T/ctl.out"

# ---- drain / undrain
ctl drain 127.0.0.3 -r "kernel update"
expect_eq "drain 127.0.0.3: exit 0" 0 "$CTL_RC" "$T/ctl.err"
expect_eq "drain 127.0.0.3: what it did" "drain: 127.0.0.3 drain (1 pool member)" "$(cat "$T/ctl.out")"
expect_eq "drained: www leaves 127.0.0.3 out" "127.0.0.2 127.0.0.4" "$(addrs www.ops.test)"
bad=""
for i in 1 2 3 4 5 6; do has www.ops.test 127.0.0.3 && bad="$bad $i"; done
expect_eq "drained: not in 6 more answers (round robin)" "" "$bad"
expect_match "members: 127.0.0.3 up* with the override and its reason" \
    '^ops\.test\. web 127\.0\.0\.3 web up\* .* drain \(kernel update\)$' "$(mrow web 127.0.0.3)"
check "the drain is logged" logged "admin: 127.0.0.3 drain (kernel update)"
ctl undrain 127.0.0.3
expect_eq "undrain: exit 0 and what it did" "0 undrain: 127.0.0.3 has no override now (1 pool member)" \
    "$CTL_RC $(cat "$T/ctl.out")"
expect_eq "undrained: www has 127.0.0.3 again" "127.0.0.2 127.0.0.3 127.0.0.4" "$(addrs www.ops.test)"
expect_match "members: 127.0.0.3 up, no override" '^ops\.test\. web 127\.0\.0\.3 web up .* -$' \
    "$(mrow web 127.0.0.3)"

# ---- force-down an up member, force-up a down one
ctl force-down 127.0.0.4
expect_eq "force-down 127.0.0.4 (in two pools): exit 0" \
    "0 force-down: 127.0.0.4 down (2 pool members)" "$CTL_RC $(cat "$T/ctl.out")"
expect_eq "forced down: www without 127.0.0.4" "127.0.0.2 127.0.0.3" "$(addrs www.ops.test)"
expect_match "members: 127.0.0.4 up* forced down" '^ops\.test\. web 127\.0\.0\.4 web up\* .* down$' \
    "$(mrow web 127.0.0.4)"
ctl force-up 127.0.0.5 -r "backend fixed, check lags"
expect_eq "force-up 127.0.0.5 (its backend is not running): exit 0" 0 "$CTL_RC" "$T/ctl.err"
expect_eq "forced up: fo answers the down 127.0.0.5 in tier 1" "127.0.0.2 127.0.0.5" "$(addrs fo.ops.test)"
expect_match "members: 127.0.0.5 down but usable (no *), forced up with the reason" \
    '^ops\.test\. fo 127\.0\.0\.5 web down ([0-9]+[dhm] )*[0-9]+s ago connect refused - - up \(backend fixed, check lags\)$' \
    "$(mrow fo 127.0.0.5)"
ctl undrain 127.0.0.4
ctl undrain 127.0.0.5
expect_eq "undrained both: www and fo as before" "127.0.0.2 127.0.0.3 127.0.0.4|127.0.0.2" \
    "$(addrs www.ops.test)|$(addrs fo.ops.test)"

# ---- an override that expires
ctl drain 127.0.0.2 -e 2s -r brief
expect_match "drain -e 2s: exit 0, 'until' a time" \
    '^0 drain: 127\.0\.0\.2 drain until [0-9-]+ [0-9:]+ UTC \(2 pool members\)$' "$CTL_RC $(cat "$T/ctl.out")"
t0=$(ms_now)
expect_eq "drain -e 2s: www without 127.0.0.2" "127.0.0.3 127.0.0.4" "$(addrs www.ops.test)"
expect_eq "drain -e 2s: fo tier 1 is out: tier 2" "127.0.0.4" "$(addrs fo.ops.test)"
expect_match "members: the override with the time left" \
    '^ops\.test\. web 127\.0\.0\.2 web up\* .* drain \(brief\) [0-9]+s left$' "$(mrow web 127.0.0.2)"
if wait_until 4000 has www.ops.test 127.0.0.2; then
    el=$(( $(ms_now) - t0 ))
    if [ "$el" -ge 900 ] && [ "$el" -le 3500 ]; then
        ok "the override ended by itself: 127.0.0.2 back after ${el}ms (1-3 s)"
    else
        notok "the override ended 1-3 s after it was set" "after ${el}ms"
    fi
else
    notok "the override ended by itself within 4 s" "www: $(addrs www.ops.test)"
fi
expect_eq "expired: fo back on tier 1" "127.0.0.2" "$(addrs fo.ops.test)"
expect_match "expired: members shows no override" '^ops\.test\. web 127\.0\.0\.2 web up .* -$' \
    "$(mrow web 127.0.0.2)"
check "the expiry is logged" logged "admin: 127.0.0.2 drain expired"

# ---- refusals: exit 1 with a message
ctl drain 10.9.9.9
expect_eq "drain of an address in no pool: exit 1" 1 "$CTL_RC"
expect_eq "drain of an address in no pool: the message" "steerdnsctl: no pool has a member 10.9.9.9" \
    "$(cat "$T/ctl.err")"
ctl force-down not-an-address
expect_eq "force-down of a non-address: exit 1 and the message" \
    '1 steerdnsctl: bad address "not-an-address"' "$CTL_RC $(cat "$T/ctl.err")"
ctl explain www.ops.test A not-an-ip
expect_eq "explain with a bad client: exit 1 and the message" \
    '1 steerdnsctl: bad client address "not-an-ip"' "$CTL_RC $(cat "$T/ctl.err")"

# ---- explain
ctl explain fo.ops.test A 10.0.0.1
E=$(cat "$T/ctl.out")
expect_eq "explain fo: exit 0" 0 "$CTL_RC" "$T/ctl.err"
expect_match "explain fo: the question and client" '^fo\.ops\.test\. A asked by 10\.0\.0\.1$' "$E"
expect_match "explain fo: the answer" '^answer: NOERROR$' "$E"
expect_match "explain fo: the answer's record" '^  fo\.ops\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.2$' "$E"
expect_match "explain fo: pool, degraded" '^pool fo, TTL [0-9]+ \(degraded: a member is down\)' "$E"
expect_match "explain fo: candidates" '^candidates: 127\.0\.0\.2 127\.0\.0\.5 127\.0\.0\.4$' "$E"
expect_match "explain fo: step 1 up drops 127.0.0.5 with its reason" \
    '^1\. up\|   kept:    127\.0\.0\.2 127\.0\.0\.4\|   dropped: 127\.0\.0\.5: down: connect refused\|   why:     dropped 1\b.*not usable' \
    "$(printf '%s\n' "$E" | sed -n '/^1\. /,/^   why:/p' | tr '\n' '|' | sed 's/|$//')"
expect_eq "explain fo: step 2 priority keeps tier 1" \
    "2. priority min_healthy=1|   kept:    127.0.0.2|   dropped: 127.0.0.4|   why:     kept priority tier 1 (min_healthy 1)" \
    "$(printf '%s\n' "$E" | sed -n '/^2\. /,/^   why:/p' | tr '\n' '|' | sed 's/|$//')"
ctl --json explain fo.ops.test A 10.0.0.1
expect_eq "explain fo --json: the up step's dropped list" \
    '[{"member": "127.0.0.5", "why": "down: connect refused"}]' \
    "$(jv "$T/ctl.out" 'd["explain"]["steps"][0]["dropped"]')" "$T/ctl.out"
ctl drain 127.0.0.2 -r "for explain"
ctl --json explain fo.ops.test A 10.0.0.1
expect_eq "explain fo with 127.0.0.2 drained: dropped as drained, tier 2 answered" \
    '[[{"member": "127.0.0.2", "why": "drained"}, {"member": "127.0.0.5", "why": "down: connect refused"}], ["127.0.0.4"], "NOERROR"]' \
    "$(jv "$T/ctl.out" '[d["explain"]["steps"][0]["dropped"], d["explain"]["steps"][1]["kept"], d["explain"]["rcode"]]')" "$T/ctl.out"
ctl undrain 127.0.0.2

ctl explain hash.ops.test A 10.0.0.1 198.51.100.0/24
E=$(cat "$T/ctl.out")
expect_match "explain hash with ECS: the question" '^hash\.ops\.test\. A asked by 10\.0\.0\.1 with ECS 198\.51\.100\.0/24$' "$E"
expect_match "explain hash with ECS: scope /24, the strategies saw the ECS subnet" \
    '^pool hp, TTL [0-9]+, ECS scope /24, strategies saw client 198\.51\.100\.0/24 \(ECS\)$' "$E"
expect_match "explain hash with ECS: the hash step" \
    '^   why: +rendezvous hash of client prefix 198\.51\.100\.0/24$' "$E"
expect_match "explain hash with ECS: the max_answers step" '^3\. max_answers 1$' "$E"
ctl --json explain hash.ops.test A 10.0.0.1 198.51.100.0/24
ex=$(jv "$T/ctl.out" 'd["explain"]["answer"][0].split()[-1]')
expect_eq "explain hash --json: strategy client, scope, one answer" \
    '["198.51.100.0/24 (ECS)", 24, 1]' \
    "$(jv "$T/ctl.out" '[d["explain"]["strategy_client"], d["explain"]["ecs_scope"], len(d["explain"]["answer"])]')" "$T/ctl.out"
dq +subnet=198.51.100.0/24 +short hash.ops.test A
expect_eq "explain hash: the same member dig gets with that ECS" "$ex" "$(cat "$DIG_OUT")"
# Without ECS in the query the answer has no ECS option: scope 0.
ctl --json explain hash.ops.test A 10.0.0.1
expect_eq "explain hash without ECS: the client address /32, scope 0" '["10.0.0.1/32", 0]' \
    "$(jv "$T/ctl.out" '[d["explain"]["strategy_client"], d["explain"]["ecs_scope"]]')" "$T/ctl.out"
ctl explain info.ops.test TXT 10.0.0.1
expect_match "explain of static data: the record, no chain" \
    'static data: no pool, no chain' "$(cat "$T/ctl.out")"

# ---- overrides survive a restart (state_file)
ctl drain 127.0.0.3 -r maintenance
ctl force-down 127.0.0.4 -r "disk failing"
expect_eq "two overrides: www is 127.0.0.2 alone" "127.0.0.2" "$(addrs www.ops.test)"
expect_eq "the state file lists both" "127.0.0.3 drain maintenance|127.0.0.4 down disk failing" \
    "$(grep -v '^#' "$T/overrides.state" | awk -F'\t' '{print $1, $2, $5}' | sort | tr '\n' '|' | sed 's/|$//')" \
    "$T/overrides.state"
# One that expires while the daemon restarts (1-2 s from now: the
# daemon stops at once, and starts for 1.5 s, the slow check).
ctl force-up 127.0.0.5 -e 2s -r short
# A reason with a newline and a tab would break the state file's lines:
# refused.
ctl force-down 192.0.2.34 -r "$(printf 'line one\nline\ttwo')"
expect_eq "a reason with a newline and a tab is refused (exit 1)" 1 "$CTL_RC"
expect_match "... saying why" 'reason must be one line of text' "$(cat "$T/ctl.err")"
stop_daemon
start_daemon "$CONF" || bail "daemon did not restart"
# 127.0.0.3, .4 and .5
check "restart: the state file is read" logged "overrides.state: 3 overrides"
fo_is_2() { is fo.ops.test 127.0.0.2; }
if wait_until 3000 fo_is_2; then ok "restart: the force-up of 127.0.0.5 (-e 2s) expired in the new daemon"
else notok "restart: the force-up of 127.0.0.5 (-e 2s) expired within 3 s" "fo: $(addrs fo.ops.test)"; fi
check "restart: the expiry is logged by the new daemon" logged "admin: 127.0.0.5 up expired"
ctl --json members
expect_eq "the state file has no broken line" 0 \
    "$(grep -c 'not an override, skipped' "$DAEMON_LOG")" "$T/overrides.state"
expect_eq "no local errors in the daemon logs" 0 "$(cat "$T"/daemon*.log | grep -c 'local error')"

# ---- daemonised, started with a relative config path: reload, the state
# file and the socket's removal still find their files.
# daemon(0, 0) moves to /: the daemon must have made its paths absolute.
RSTATE=steerdns-40-rel-$$.state   # unique, in case it lands in /
sed -e 's/"ctl.sock"/"rel.sock"/' -e "s/\"overrides.state\"/\"$RSTATE\"/" \
    -e "s/127.0.0.1:$MPORT/127.0.0.1:$(port 5)/" \
    -e "s|^server = {|server = {\n  pid_file = \"$T/rel.pid\";|" "$CONF" >"$T/rel.conf"
(cd "$T" && exec "$STEERDNS" -c rel.conf) >"$T/daemon-rel.log" 2>&1
n=200
while [ "$n" -gt 0 ] && ! "$CTL" -s "$T/rel.sock" status >/dev/null 2>&1; do
    sleep 0.05; n=$((n - 1))
done
RPID=$(cat "$T/rel.pid" 2>/dev/null)
if [ -n "$RPID" ] && alive "$RPID"; then
    PIDS="$PIDS $RPID"
    ok "daemonised with -c rel.conf from its directory: running (pid $RPID)"
    ctl_rel() { "$CTL" -c "$T/rel.conf" "$@" >"$T/ctl.out" 2>"$T/ctl.err"; CTL_RC=$?; }
    ctl_rel reload
    expect_eq "daemonised, relative -c: reload works" \
        "0 reloaded: generation 2" "$CTL_RC $(cat "$T/ctl.out")" "$T/ctl.err"
    ctl_rel drain 127.0.0.3 -r rel
    expect_eq "daemonised, relative -c: drain: exit 0" 0 "$CTL_RC" "$T/ctl.err"
    expect_eq "daemonised, relative -c: the state file beside the config" \
        "127.0.0.3 drain" "$(awk -F'\t' '!/^#/ {print $1, $2}' "$T/$RSTATE" 2>/dev/null)"
    ctl_rel undrain 127.0.0.3
    kill -TERM "$RPID"
    wait_gone "$RPID" 5 || { notok "daemonised: exits within 5 s of SIGTERM"; kill -KILL "$RPID"; }
    expect_eq "daemonised, relative -c: the socket is removed at exit" \
        gone "$([ -e "$T/rel.sock" ] && echo there || echo gone)"
else
    notok "daemonised with -c rel.conf from its directory: running" "pid file: ${RPID:-none}"
    show "$T/daemon-rel.log"
fi
check "nothing was written to /" test ! -e "/$RSTATE"
rm -f "/$RSTATE"
finish
