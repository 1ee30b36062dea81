#!/bin/bash
# 35-probe-behind: the prober falling behind is its own fault, never the
# backends'.  20 http targets (interval and timeout 1.5 s) on a backend
# that answers after 1 s; the daemon is stopped (SIGSTOP) for 2.5 s while
# checks are in flight, as a busy host would stall it.  When it runs again
# their time limits have passed by up to 2.5 s: the results are local errors ("the prober ran
# N ms behind"), no target goes down, the log says so once, and the
# metrics and the status page show it.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
need_daemon

BP=$(port 2)
MPORT=$(port 1)
# One backend for every 127.x address (each target is its own address).
backend 0.0.0.0 "$BP" ok --delay 1.0
{
cat <<EOF2
origin = "behind.test.";
soa = { mname = "ns1"; rname = "h"; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.1" ];
checks = { slow = { type = "http"; port = $BP; interval = 1.5;
                    timeout = 1.5; rise = 1; fall = 1; }; };
pools = { p = { check = "slow"; members = (
EOF2
for i in $(seq 1 20); do
    printf '%s{ address = "127.0.5.%d"; }' "$([ "$i" = 1 ] || echo ,)" "$i"
done
echo ' ); }; };'
echo 'names = { www = { pool = "p"; }; };'
} >"$T/behind.test.conf"
CONF=$T/steerdns.conf
main_conf "$CONF" "$(port 0)" "behind.test.conf" listen=v4 workers=1
sed -i -e "s|^  metrics = .*|  metrics = \"127.0.0.1:$MPORT\";|" "$CONF"
start_daemon "$CONF" || bail "daemon did not start"
metric() { grep -F -- "$1 " "$T/metrics.txt" | grep -v '^#' | head -n 1 | awk '{ print $NF }'; }
sleep 2
http GET /metrics "$T/metrics.txt" >/dev/null
expect_eq "before: no late result" 0 "$(metric steerdns_probe_behind_total)"
expect_eq "before: every target up" 0 "$(metric 'steerdns_health_transitions_total{to="down"}')"
kill -STOP "$DAEMON_PID"
sleep 2.5
kill -CONT "$DAEMON_PID"
sleep 1
http GET /metrics "$T/metrics.txt" >/dev/null
late=$(metric steerdns_probe_behind_total)
echo "# late results after a 2.5 s stop: $late; local errors: $(metric 'steerdns_probe_results_total{result="local error"}'); timeouts: $(metric 'steerdns_probe_results_total{result="timeout"}')"
check "the checks in flight during the stop came late, ours ($late)" [ "${late:-0}" -ge 1 ]
expect_eq "... counted as local errors" "$late" "$(metric 'steerdns_probe_results_total{result="local error"}')"
expect_eq "no timeout was the backend's" 0 "$(metric 'steerdns_probe_results_total{result="timeout"}')"
expect_eq "no target went down" 0 "$(metric 'steerdns_health_transitions_total{to="down"}')"
expect_eq "falling behind: the gauge" 1 "$(metric steerdns_probe_falling_behind)"
expect_eq "one episode" 1 "$(metric steerdns_probe_behind_episodes_total)"
http GET / "$T/status.html" >/dev/null
check "the status page says so at its top" grep -q 'id="prober-behind"' "$T/status.html"
expect_eq "logged once" 1 "$(grep -c 'the prober is falling behind' "$DAEMON_LOG")" "$DAEMON_LOG"
expect_eq "not one line per target" 0 "$(grep -c 'the prober ran' "$DAEMON_LOG")" "$DAEMON_LOG"
dq www.behind.test A
expect_eq "answers with every member" 20 "$(d_count ANSWER)" "$DIG_OUT"
# 10 s without another late result: caught up.
wait_until 15000 grep -q 'the prober caught up' "$DAEMON_LOG"
check "caught up is logged" grep -q 'the prober caught up' "$DAEMON_LOG"
http GET /metrics "$T/metrics.txt" >/dev/null
expect_eq "the gauge is 0 again" 0 "$(metric steerdns_probe_falling_behind)"
stop_daemon
finish
