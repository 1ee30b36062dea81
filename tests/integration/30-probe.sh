#!/bin/bash
# 30-probe: the active prober against real (fake) backends.  http checks
# on three good backends and on broken ones (500, wrong body, never
# replies, closes at once, garbage), a tcp check, a dns check against a
# second steerdns, an exec check on a flag file.  A stopped backend leaves
# the answers within fall x interval + 1 s and comes back within rise x
# interval + 1 s; each transition is logged once with its reason; with
# every member down the name's all_down action applies.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
need_daemon

BP=$(port 2)            # every fake backend listens on this port
NOPORT=$(port 3)        # nothing listens here
D2PORT=$(port 1)        # the second steerdns (dns check target)

# Intervals and timeouts, times $SLOW under valgrind (a loop that slow
# would otherwise make every timeout the prober's own lateness), and the
# timeouts as the daemon writes them in reasons.  The exec check that
# outlasts its timeout has 0.8 s: a run that overlaps stalls of the loop
# worth a quarter of its timeout is the prober's own lateness, and a
# loaded sanitizer build stalled 78 ms during a 0.3 s one.
sc() { awk -v v="$1" -v s="$SLOW" 'BEGIN { printf "%g", v * s }'; }
IV=$(sc 0.5) TO=$(sc 0.4) IV2=$(sc 1.0) TO3=$(sc 0.8) SLP=$(sc 5)
TOS=$(awk -v v="$TO" 'BEGIN { printf "%.1fs", v }')
TO3S=$(awk -v v="$TO3" 'BEGIN { printf "%.1fs", v }')

lacks() { dq "$1" A; [ "$(d_status)" = NOERROR ] && ! has "$1" "$2"; }
status_is() { dq "$1" A; [ "$(d_status)" = "$2" ]; }

require_tool pgrep

for a in 127.0.0.2 127.0.0.3 127.0.0.4; do backend $a "$BP" ok; done
backend 127.0.0.5 "$BP" 500
backend 127.0.0.6 "$BP" hang
backend 127.0.0.7 "$BP" close
backend 127.0.0.8 "$BP" garbage
backend 127.0.0.10 "$BP" wrongbody
backend 127.0.0.11 "$BP" load

# The second daemon answers the dns checks.
copy_zone second.test.conf
main_conf "$T/second.conf" "$D2PORT" "second.test.conf" listen=v4 workers=1
start_daemon "$T/second.conf" || bail "second daemon did not start"
D2_PID=$DAEMON_PID D2_LOG=$DAEMON_LOG

FLAG=$T/flag
touch "$FLAG"
cat >"$T/probe.test.conf" <<EOF
origin = "probe.test.";
ttl = 300;
soa = { mname = "ns1.probe.test."; rname = "h.probe.test."; serial = 1;
        refresh = 3600; retry = 900; expire = 604800; minimum = 60; };
ns = [ "ns1.probe.test." ];
records = [ "ns1 A 127.0.0.1" ];
checks = {
  web = { type = "http"; port = $BP; path = "/health"; body = "ok";
          interval = $IV; timeout = $TO; rise = 2; fall = 2; };
  load = { type = "http"; port = $BP; load_header = "X-Load";
           interval = $IV; timeout = $TO; rise = 1; fall = 1; };
  tcp = { type = "tcp"; interval = $IV; timeout = $TO; rise = 1; fall = 1; };
  dnsok = { type = "dns"; port = $D2PORT; qname = "host.second.test.";
            qtype = "A"; interval = $IV; timeout = $TO; rise = 1; fall = 1; };
  dnsnx = { type = "dns"; port = $D2PORT; qname = "nx.second.test.";
            interval = $IV; timeout = $TO; rise = 1; fall = 1; };
  flag = { type = "exec"; port = 8080; interval = $IV; timeout = $TO;
           rise = 1; fall = 1;
           command = "test -e $FLAG && test \"\$1\" = 127.0.0.20 && test \"\$2\" = 8080 && test \"\$STEERDNS_ADDRESS:\$STEERDNS_PORT\" = 127.0.0.20:8080"; };
  slow = { type = "exec"; interval = $IV2; timeout = $TO3; rise = 1; fall = 1;
           command = "sleep $SLP"; };
};
pools = {
  web = { check = "web"; members = ( { address = "127.0.0.2"; },
          { address = "127.0.0.3"; }, { address = "127.0.0.4"; } ); };
  bad = { check = "web"; members = ( { address = "127.0.0.5"; },
          { address = "127.0.0.6"; }, { address = "127.0.0.7"; },
          { address = "127.0.0.8"; }, { address = "127.0.0.10"; } ); };
  load = { check = "load"; members = ( { address = "127.0.0.11"; } ); };
  tcp = { check = "tcp"; members = (
          { address = "127.0.0.2"; check_port = $BP; },
          { address = "127.0.0.12"; check_address = "127.0.0.2";
            check_port = $NOPORT; } ); };
  dnsok = { check = "dnsok"; members = ( { address = "127.0.0.1"; } ); };
  dnsnx = { check = "dnsnx"; members = ( { address = "127.0.0.1"; } ); };
  flag = { check = "flag"; members = ( { address = "127.0.0.20"; } ); };
  slow = { check = "slow"; members = ( { address = "127.0.0.21"; } ); };
};
names = {
  www = { pool = "web"; strategy = "round_robin"; all_down = "servfail"; };
  bad = { pool = "bad"; strategy = "round_robin"; all_down = "servfail"; };
  tcp = { pool = "tcp"; strategy = "round_robin"; all_down = "servfail"; };
  dns = { pool = "dnsok"; strategy = "round_robin"; all_down = "servfail"; };
  dnsnx = { pool = "dnsnx"; strategy = "round_robin"; all_down = "nodata"; };
  flag = { pool = "flag"; strategy = "round_robin"; all_down = "nodata"; };
  slow = { pool = "slow"; strategy = "round_robin"; all_down = "nodata"; };
};
EOF
main_conf "$T/steerdns.conf" "$(port 0)" "probe.test.conf" listen=v4
start_daemon "$T/steerdns.conf" || bail "daemon did not start"
LOG1=$DAEMON_LOG PID1=$DAEMON_PID

# ---- the first round ran before "ready": answers are right at once
expect_eq "www: all three backends up at start" \
    "127.0.0.2 127.0.0.3 127.0.0.4" "$(addrs www.probe.test)" "$LOG1"
expect_eq "bad: every broken backend down at start: SERVFAIL" SERVFAIL \
    "$(dq bad.probe.test A; d_status)" "$LOG1"
R='health: 127\.0\.0\.%s:'"$BP"' \(web\) up -> down: 1 failure: %s$'
for pair in "5|HTTP 500" "6|timeout after ${TOS//./\\.}" "7|connection closed" \
    "8|bad HTTP response" '10|body lacks "ok"'; do
    a=${pair%%|*} why=${pair#*|}
    # shellcheck disable=SC2059
    re=$(printf "$R" "$a" "$why")
    expect_eq "127.0.0.$a down, logged once: $why" 1 \
        "$(grep -Ec -- "$re" "$LOG1")" "$LOG1"
done
expect_eq "tcp: connect refused is down, open port up" "127.0.0.2" \
    "$(addrs tcp.probe.test)" "$LOG1"
check "tcp: reason logged: connect refused" \
    logged "$LOG1" "health: 127.0.0.2:$NOPORT (tcp) up -> down: 1 failure: connect refused"
expect_eq "dns check: NOERROR from the second daemon: up" "127.0.0.1" \
    "$(addrs dns.probe.test)" "$LOG1"
check "dns check: rcode NXDOMAIN is down" \
    logged "$LOG1" "health: 127.0.0.1:$D2PORT (dnsnx) up -> down: 1 failure: rcode NXDOMAIN"
expect_eq "dnsnx: all down -> nodata" "NOERROR 0" \
    "$(dq dnsnx.probe.test A; echo "$(d_status) $(d_count ANSWER)")" "$LOG1"
expect_eq "exec check: flag there, \$1 \$2 and env right: up" "127.0.0.20" \
    "$(addrs flag.probe.test)" "$LOG1"
check "exec check past its timeout: killed and down" \
    logged "$LOG1" "health: 127.0.0.21:0 (slow) up -> down: 1 failure: timeout after $TO3S"
# Killed with its process group: at most the run in flight is left.
# Only our daemon's children count (other tests may run sleep 5 too);
# as a child subreaper it also adopts what a killed command left.
sleep 1.2
n=$(pgrep -P "$PID1" -fx "sleep $SLP" | wc -l)
if [ "$n" -le 1 ]; then ok "the slow check's processes are killed ($n left)"
else notok "the slow check's processes are killed" "$n 'sleep $SLP' running"; fi

# ---- a backend stops: gone within fall x interval + 1 s
stop_backend 127.0.0.3 "$BP"
if wait_until 2000 lacks www.probe.test 127.0.0.3; then
    ok "stopped backend left the answers after $WAITED"
else
    notok "stopped backend left the answers within 2 s" "got: $(addrs www.probe.test)"
fi
expect_eq "the others stay" "127.0.0.2 127.0.0.4" "$(addrs www.probe.test)"
wait_until 2000 logged "$LOG1" "health: 127.0.0.3:$BP (web) up -> down: 2 failures: connect refused"
check "its transition is logged with 2 failures: connect refused" \
    logged "$LOG1" "health: 127.0.0.3:$BP (web) up -> down: 2 failures: connect refused"

# ---- it comes back: within rise x interval + 1 s
backend 127.0.0.3 "$BP" ok
if wait_until 2000 has www.probe.test 127.0.0.3; then
    ok "restarted backend is back after $WAITED"
else
    notok "restarted backend back within 2 s" "got: $(addrs www.probe.test)"
fi
check "its return is logged" \
    logged "$LOG1" "health: 127.0.0.3:$BP (web) down -> up: 2 successes"
expect_eq "one down and one up line for 127.0.0.3" 2 \
    "$(grep -c "health: 127.0.0.3:$BP (web)" "$LOG1")" "$LOG1"

# ---- exec: remove the flag -> down -> all_down nodata
rm -f "$FLAG"
if wait_until 2000 status_is flag.probe.test NOERROR && \
    wait_until 2000 eval '[ "$(addrs flag.probe.test)" = "" ]'; then
    ok "exec check: flag removed: down (nodata) after $WAITED"
else
    notok "exec check: flag removed: down within 2 s" "got: $(addrs flag.probe.test)"
fi
check "exec check: reason exit 1" \
    logged "$LOG1" "health: 127.0.0.20:8080 (flag) up -> down: 1 failure: exit 1"

# ---- dns: stop the second daemon -> down
stop_daemon "$D2_PID" "$D2_LOG"
if wait_until 2000 status_is dns.probe.test SERVFAIL; then
    ok "dns check: target daemon stopped: down (servfail) after $WAITED"
else
    notok "dns check: down within 2 s" "$(d_status)"
fi
check "dns check: reason port unreachable" \
    logged "$LOG1" "health: 127.0.0.1:$D2PORT (dnsok) up -> down: 1 failure: port unreachable"

# ---- every web backend down: all_down = servfail
stop_backend 127.0.0.2 "$BP"
stop_backend 127.0.0.3 "$BP"
stop_backend 127.0.0.4 "$BP"
if wait_until 3000 status_is www.probe.test SERVFAIL; then
    ok "every web backend down: SERVFAIL after $WAITED"
else
    notok "every web backend down: SERVFAIL within 3 s" "$(d_status)"
fi

# ---- no local errors, nothing logged twice
expect_eq "no local errors" 0 "$(grep -c 'local error' "$LOG1")" "$LOG1"
stop_daemon
finish
