#!/bin/bash
# probe-daemon.sh -- the whole daemon with N http (or tcp) checks at a 1 s
# interval against a local backend that answers at once
# (tests/integration/http-sink, a child of this script, so that its CPU is
# not the daemon's): the daemon's CPU per check, false downs, late results,
# how long `ready` takes, and how quickly the main loop still answers
# steerdnsctl status, /metrics and SIGTERM.
# usage: contrib/bench/probe-daemon.sh [-n TARGETS] [-k http|tcp] [-d SECS]
# PERF_OUT=FILE: also record a perf profile of the daemon over the run.
# Run from the top of a configured build directory (make check builds
# tests/integration/http-sink).
# SPDX-License-Identifier: ISC
set -eu
prog=probe-daemon
n=10000 kind=http dur=10 base=${PROBE_DAEMON_PORT:-15400}
while getopts n:k:d: o; do
    case $o in
        n) n=$OPTARG ;; k) kind=$OPTARG ;; d) dur=$OPTARG ;;
        *) echo "usage: $0 [-n targets] [-k http|tcp] [-d secs]" >&2; exit 2 ;;
    esac
done
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/contrib/bench/lib.sh"
make -s src/steerdns src/steerdnsctl tests/integration/http-sink
work=$(mktemp -d "${TMPDIR:-/tmp}/probe-daemon.XXXXXX")
sink_pid= d_pid=
cleanup() { stop_pid "$d_pid" 5; stop_pid "$sink_pid" 5; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
bp=$((base + 1)) dp=$((base + 2)) mp=$((base + 3))
tests/integration/http-sink "$bp" "$work/sink.count" >"$work/sink.log" 2>&1 &
sink_pid=$!
for _ in $(seq 50); do grep -q listening "$work/sink.log" && break; sleep 0.1; done

# N members 127.4.x.y in pools of 100, one managed name each.
{
echo 'origin = "scale.test."; soa = { mname = "ns1"; rname = "h"; };'
echo 'ns = [ "ns1" ]; records = [ "ns1 A 127.0.0.1" ];'
if [ "$kind" = http ]; then
    echo "checks = { c = { type = \"http\"; port = $bp; path = \"/health\"; body = \"ok\";"
else
    echo "checks = { c = { type = \"tcp\"; port = $bp;"
fi
echo '  interval = 1; timeout = 0.8; rise = 2; fall = 2; }; };'
echo 'pools = {'
i=0
while [ $i -lt "$n" ]; do
    printf '  p%d = { check = "c"; members = (' $((i / 100))
    for ((m = 0; m < 100 && i < n; m++, i++)); do
        printf '%s{ address = "127.4.%d.%d"; }' "$([ $m = 0 ] || echo ,)" $(((i + 1) / 256)) $(((i + 1) % 256))
    done
    echo ' ); };'
done
echo '};'
echo 'names = {'
for ((p = 0; p < (n + 99) / 100; p++)); do echo "  n$p = { pool = \"p$p\"; max_answers = 2; };"; done
echo '};'
} >"$work/scale.test.conf"
cat >"$work/steerdns.conf" <<EOF2
server = { listen = [ "127.0.0.1:$dp" ]; workers = 1;
  metrics = "127.0.0.1:$mp"; control = "$work/ctl.sock"; };
zones = [ "scale.test.conf" ];
EOF2
t0=$(now_us)
src/steerdns -f -c "$work/steerdns.conf" >"$work/daemon.log" 2>&1 &
d_pid=$!
for _ in $(seq 600); do grep -qw ready "$work/daemon.log" && break; sleep 0.05; done
t_ready=$(( $(now_us) - t0 ))
grep -qw ready "$work/daemon.log" || die "not ready: $(tail "$work/daemon.log")"
cpu() { awk '{ print $14 + $15 }' "/proc/$d_pid/stat"; }
hz=$(getconf CLK_TCK)
sleep 2
# The checking window: from the first /metrics answer to the second.  The
# CPU is read right after the first and right before the second, so that
# neither rendering counts as the checks' (each is reported below).
curl -s "http://127.0.0.1:$mp/metrics" >"$work/m0.txt"
c0=$(cpu) w0=$(now_us)
if [ -n "${PERF_OUT:-}" ]; then
    # A profile of the daemon over the run: PERF_OUT=file.
    perf record -q -F 999 -g -p "$d_pid" -o "$PERF_OUT" -- sleep "$dur" >/dev/null 2>&1
else
    sleep "$dur"
fi
c1=$(cpu) w1=$(now_us)
curl -s "http://127.0.0.1:$mp/metrics" >"$work/m1.txt"
w1m=$(now_us)
# Responsiveness while the checks run, and what it costs the daemon.
s_worst=0 m_worst=0
c2=$(cpu) w2=$(now_us)
for _ in 1 2 3 4 5; do
    a=$(now_us); src/steerdnsctl -c "$work/steerdns.conf" status >/dev/null; b=$(now_us)
    [ $((b - a)) -gt $s_worst ] && s_worst=$((b - a))
    m=$(curl -s -o "$work/m2.txt" -w '%{time_total}' "http://127.0.0.1:$mp/metrics")
    m=$(calc "printf \"%d\", $m * 1e6")
    [ "$m" -gt $m_worst ] && m_worst=$m
    sleep 0.2
done
c3=$(cpu) w3=$(now_us)
metric() { grep -F -- "$1 " "$2" | grep -v '^#' | head -n 1 | awk '{ print $NF }'; }
results() { grep '^steerdns_probe_results_total' "$1" | awk '{ s += $NF } END { print s + 0 }'; }
r0=$(results "$work/m0.txt") r1=$(results "$work/m1.txt")
checks=$((r1 - r0))
cpu_s=$(calc "printf \"%.3f\", ($c1 - $c0) / $hz")
wall=$(calc "printf \"%.3f\", ($w1 - $w0) / 1e6")
# The checks were counted from m0 to m1, which ended a little later.
cwall=$(calc "printf \"%.3f\", ($w1m - $w0) / 1e6")
probe_cpu_s=$(calc "printf \"%.3f\", ($c3 - $c2) / $hz")
probe_wall=$(calc "printf \"%.3f\", ($w3 - $w2) / 1e6")
a=$(now_us)
kill -TERM "$d_pid"; wait "$d_pid" || true; d_pid=
t_term=$(( $(now_us) - a ))
echo "targets            $n $kind, interval 1 s, timeout 0.8 s, against a local sink"
echo "ready after        $(secs $t_ready) s ($(grep -o 'first checks [0-9.]* s' "$work/daemon.log"))"
rate=$(calc "printf \"%.0f\", $checks / $cwall")
echo "checks finished    $checks in $cwall s (${rate}/s)"
echo "daemon cpu         $(calc "printf \"%.1f\", 100 * $cpu_s / $wall")% of one core over $wall s of checking, $(calc "printf \"%.1f\", $cpu_s * 1e6 / ($rate * $wall)") us per check"
echo "probing the daemon $(calc "printf \"%.2f\", $probe_cpu_s") CPU-s of the daemon for 5 status and 5 /metrics in $probe_wall s (not in the figure above)"
echo "false downs        $(metric 'steerdns_health_transitions_total{to="down"}' "$work/m2.txt")"
echo "results not ok     $(grep '^steerdns_probe_results_total' "$work/m2.txt" | grep -v 'result="ok"' | awk '{ s += $NF } END { print s + 0 }') (late, ours: $(metric steerdns_probe_behind_total "$work/m2.txt"); rounds skipped: $(metric 'steerdns_probe_rounds_total{outcome="skipped"}' "$work/m2.txt"))"
echo "steerdnsctl status $(calc "printf \"%.1f\", $s_worst / 1000") ms (worst of 5, process start included)"
echo "/metrics           $(calc "printf \"%.1f\", $m_worst / 1000") ms (worst of 5, curl)"
echo "SIGTERM to exit    $(calc "printf \"%.1f\", $t_term / 1000") ms"
