#!/bin/bash
# 34-probe-scale: 2,000 http checks at a 0.5 s interval against a backend
# that answers every request at once (tests/integration/http-sink, C):
# after 10 s no target has ever been down, no check failed or timed out
# for the backend's sake, and the counters account for every round (due
# x targets, each answered by the sink).  On a busy machine the prober
# may fall behind: the results that came late are counted as its own
# (local errors) and the rounds after them may be skipped, never a
# target down.  The control socket and /metrics answer meanwhile.
. "$(dirname "$0")/lib.sh"
need_daemon
need_ctl

SINK=${HTTP_SINK:-$top_builddir/tests/integration/http-sink}
[ -x "$SINK" ] || bail "no $SINK (make check builds it)"
BP=$(port 2)
MPORT=$(port 1)
N=2000
"$SINK" "$BP" "$T/sink.count" >"$T/sink.log" 2>&1 &
SINK_PID=$!
PIDS="$PIDS $SINK_PID"
wait_until 5000 grep -q listening "$T/sink.log" || bail "sink: $(cat "$T/sink.log")"

# 20 pools of 100 members, 127.3.P.M, each pool behind a name.
{
cat <<EOF2
origin = "scale.test.";
soa = { mname = "ns1"; rname = "h"; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.1" ];
checks = {
  web = { type = "http"; port = $BP; path = "/health"; body = "ok";
          interval = 0.5; timeout = 0.4; rise = 2; fall = 2; };
};
pools = {
EOF2
for p in $(seq 0 19); do
    printf '  p%d = { check = "web"; members = (' "$p"
    for m in $(seq 1 100); do
        printf '%s { address = "127.3.%d.%d"; }' "$([ "$m" = 1 ] || echo ,)" "$p" "$m"
    done
    printf ' ); };\n'
done
echo "};"
echo "names = {"
for p in $(seq 0 19); do echo "  n$p = { pool = \"p$p\"; max_answers = 2; };"; done
echo "};"
} >"$T/scale.test.conf"
CONF=$T/steerdns.conf
main_conf "$CONF" "$(port 0)" "scale.test.conf" listen=v4 workers=1
sed -i -e "s|^  metrics = .*|  metrics = \"127.0.0.1:$MPORT\";\\
  control = \"$T/ctl.sock\";|" "$CONF"
start_daemon "$CONF" || bail "daemon did not start"

metric() { grep -F -- "$1 " "$T/metrics.txt" | grep -v '^#' | head -n 1 | awk '{ print $NF }'; }
sleep 10
ms0=$(ms_now)
ctl status
ms1=$(ms_now)
expect_eq "steerdnsctl status answers meanwhile" 0 "$CTL_RC" "$T/ctl.err"
echo "# steerdnsctl status: $((ms1 - ms0)) ms with $N http targets"
ms0=$(ms_now)
http GET /metrics "$T/metrics.txt" >/dev/null
ms1=$(ms_now)
echo "# /metrics: $((ms1 - ms0)) ms"
dq n7.scale.test A
expect_eq "answers meanwhile" NOERROR "$(d_status)" "$DIG_OUT"
due=$(metric 'steerdns_probe_rounds_total{outcome="due"}')
skipped=$(metric 'steerdns_probe_rounds_total{outcome="skipped"}')
okn=$(metric 'steerdns_probe_results_total{result="ok"}')
behind=$(metric steerdns_probe_behind_total)
fails=$(grep '^steerdns_probe_results_total' "$T/metrics.txt" |
    grep -v -e 'result="ok"' -e 'result="local error"' |
    awk '{ s += $NF } END { print s + 0 }')
local=$(metric 'steerdns_probe_results_total{result="local error"}')
downs=$(metric 'steerdns_health_transitions_total{to="down"}')
echo "# after 10 s: $due rounds due, $skipped skipped, $okn ok, $fails failed, $local local errors ($behind of them late, ours), $downs down"
grep '^steerdns_probe_results_total' "$T/metrics.txt" | grep -v ' 0$' | sed 's/^/#   /'
expect_eq "no target was ever down" 0 "$downs"
expect_eq "no check failed for the backend's sake" 0 "$fails"
expect_eq "every local error is a late result of ours" "$behind" "$local"
# 10 s at 0.5 s (+-10% jitter), the first round spread over 0.4 s.
check "every target ran about 20 rounds ($due >= $((N * 18)))" [ "${due:-0}" -ge $((N * 18)) ]
inflight=$(metric steerdns_probe_inflight)
waiting=$(metric steerdns_probe_waiting)
check "every round is accounted for: ok + late + skipped + in flight + waiting = due" \
    [ $((okn + behind + skipped + inflight + waiting)) -eq "$due" ]
kill -TERM "$SINK_PID"
wait "$SINK_PID"
sunk=$(cat "$T/sink.count")
echo "# the sink answered $sunk requests"
check "the sink saw every check ($sunk >= $okn)" [ "${sunk:-0}" -ge "${okn:-1}" ]
stop_daemon
finish
