#!/bin/bash
# probe-scale.sh -- the prober at scale: http, https, tcp and dns checks on
# 10,000 targets (127.1.x.y) at a 1 s interval, against a listener that
# answers and against refused ports, and gdnsd's tcp_connect on the same
# targets; prints a table with the CPU cost per check of each.
# Run from the top of a configured build directory.  See contrib/bench/README.
# SPDX-License-Identifier: ISC
set -euo pipefail

prog=probe-scale.sh
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=contrib/bench/lib.sh
. "$here/lib.sh"

usage() {
    cat <<EOF
usage: $prog [options]
  -n N               targets (default 10000)
  -d SECS            measured seconds per run (default 10)
  -w SECS            warm-up before measuring (default 0: the first round
                     is measured)
  -i SECS            steerdns's check interval (default 1)
  -p PORT            the listener's port (default 20399); gdnsd answers
                     DNS on PORT+1
  --https-targets N  targets of the https runs (default 1000: see README)
  --only LIST        comma-separated subset of http,https,tcp,dns,gdnsd
  --gdnsd-interval S gdnsd's interval (default 2, the least it takes)
  --keep             keep the temp directory (gdnsd's config and log)
EOF
    exit 2
}

n=10000 dur=10 warm=0 interval=1 port=20399 https_n=1000
only="http,https,tcp,dns,gdnsd" gd_interval=2 keep=0
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift ;;
    -d) dur=$2; shift ;;
    -w) warm=$2; shift ;;
    -i) interval=$2; shift ;;
    -p) port=$2; shift ;;
    --https-targets) https_n=$2; shift ;;
    --only) only=$2; shift ;;
    --gdnsd-interval) gd_interval=$2; shift ;;
    --keep) keep=1 ;;
    *) usage ;;
    esac
    shift
done
isint "$n" && isint "$port" && isint "$https_n" && isint "$gd_interval" ||
    usage
want() { [[ ,$only, == *,$1,* ]]; }

[ -f Makefile ] || die "run from a configured build directory"
make -s contrib/bench/probe-scale >&2
ps_bin=$PWD/contrib/bench/probe-scale
# One descriptor per check in flight.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -gt $((n + 100)) ] ||
    say "only $(ulimit -n) descriptors for $n targets: expect local errors"

work=$(mktemp -d /tmp/probe-scale.XXXXXX)
lpid="" gpid=""
cleanup() {
    stop_pid "$gpid" 10
    stop_pid "$lpid" 10
    if [ "$keep" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

results=$work/results
: >"$results"

# ------------------------------------------------------------- steerdns
run_steerdns() {
    local kind=$1 mode=$2 targets=$3 r=""
    [ "$mode" = refused ] && r=-r
    say "steerdns $kind, $targets targets, $mode"
    "$ps_bin" -k "$kind" -n "$targets" -i "$interval" -d "$dur" -w "$warm" \
        -p "$port" $r | tee "$work/out" | grep -v '^RESULT' >&2
    grep '^RESULT' "$work/out" >>"$results"
}

for kind in http https tcp dns; do
    want "$kind" || continue
    targets=$n
    [ "$kind" = https ] && [ "$https_n" -lt "$n" ] && targets=$https_n
    run_steerdns "$kind" accepting "$targets"
    run_steerdns "$kind" refused "$targets"
done

# ------------------------------------------------------------- gdnsd
# gdnsd's tcp_connect on the same targets: multifo resources of 250
# addresses, its CPU time from /proc over the same measured time.
gdnsd_conf() {
    local d=$1 i r nres=$(( (n + 249) / 250 ))
    mkdir -p "$d/etc/zones" "$d/run" "$d/state"
    {
        echo "options => {"
        echo "  listen => [ 127.0.0.1:$((port + 1)) ]"
        echo "  udp_threads => 1"
        echo "  tcp_threads => 1"
        echo "  run_dir => $d/run"
        echo "  state_dir => $d/state"
        echo "}"
        echo "service_types => {"
        echo "  ps => { plugin => tcp_connect, port => $port,"
        echo "    interval => $gd_interval, timeout => 1 }"
        echo "}"
        echo "plugins => { multifo => {"
        echo "  service_types => ps"
        for ((r = 0; r < nres; r++)); do
            echo "  r$r => {"
            for ((i = r * 250; i < n && i < (r + 1) * 250; i++)); do
                echo "    a$i => 127.1.$(((i + 1) >> 8)).$(((i + 1) & 255))"
            done
            echo "  }"
        done
        echo "} }"
    } >"$d/etc/config"
    {
        echo "@ SOA ns1 hostmaster 1 7200 1800 259200 900"
        echo "@ NS ns1"
        echo "@ NS ns2"
        echo "ns1 A 127.0.0.1"
        echo "ns2 A 127.0.0.2"
        for ((r = 0; r < nres; r++)); do echo "r$r DYNA multifo!r$r"; done
    } >"$d/etc/zones/bench.example"
}

# utime + stime of a process, in seconds.
proc_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{
        sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"
}

# The listener's count so far: SIGUSR1 makes it print a line.
answered() {
    local before
    before=$(grep -c '^answered' "$work/listener.out" || true)
    kill -USR1 "$lpid"
    while [ "$(grep -c '^answered' "$work/listener.out" || true)" = "$before" ]
    do sleep 0.01; done
    awk '/^answered/ { a = $2 } END { print a }' "$work/listener.out"
}

run_gdnsd() {
    local mode=$1 d=$work/gdnsd-$1 i c0 c1 a0=0 a1=0 t0 t1 secs probes up rss src
    gdnsd_conf "$d"
    say "gdnsd tcp_connect, $n targets, interval ${gd_interval}s, $mode"
    if [ "$mode" = accepting ]; then
        : >"$work/listener.out"
        "$ps_bin" -L -k tcp -p "$port" >"$work/listener.out" &
        lpid=$!
        for ((i = 0; i < 100; i++)); do
            grep -q '^listening' "$work/listener.out" && break
            sleep 0.05
        done
    fi
    gdnsd -c "$d/etc" start 2>"$d/gdnsd.log" &
    gpid=$!
    # Measured from when it answers: after its initial round.
    for ((i = 0; i < 600; i++)); do
        grep -q 'DNS listeners started' "$d/gdnsd.log" && break
        alive "$gpid" || die "gdnsd did not start: $(tail -3 "$d/gdnsd.log")"
        sleep 0.1
    done
    sleep "$warm"
    t0=$(now_us)
    c0=$(proc_cpu "$gpid")
    [ -n "$lpid" ] && a0=$(answered)
    sleep "$dur"
    t1=$(now_us)
    c1=$(proc_cpu "$gpid")
    [ -n "$lpid" ] && a1=$(answered)
    up=$(gdnsdctl -c "$d/etc" states 2>/dev/null |
        grep -c '"state": "UP"' || true)
    rss=$(proc_kib "$gpid" VmRSS)
    stop_pid "$gpid" 10
    gpid=""
    stop_pid "$lpid" 10
    lpid=""
    secs=$(calc "printf \"%.2f\", ($t1 - $t0) / 1e6")
    # Accepting: the listener counted them; refused: by the schedule.
    if [ "$mode" = accepting ]; then
        probes=$((a1 - a0)) src=counted
    else
        probes=$(calc "printf \"%d\", $n * $secs / $gd_interval") src=estimated
    fi
    calc "printf \"RESULT kind=gdnsd-tcp mode=$mode n=$n interval=$gd_interval secs=$secs checks=$probes rate=%.0f cpu=%.3f pct=%.1f us=%.1f ok=- timeout=- local=- other=- up=$up down_events=- late_ms=- rss_kib=${rss:-0}\n\", $probes / $secs, $c1 - $c0, 100 * ($c1 - $c0) / $secs, $probes ? ($c1 - $c0) * 1e6 / $probes : 0" >>"$results"
    {
        echo "probes             $probes in ${secs}s ($src), $(calc "printf \"%.0f\", $probes / $secs")/s"
        echo "cpu                $(calc "printf \"%.1f%% of one core (%.2fs), %.1f us per probe\", 100 * ($c1 - $c0) / $secs, $c1 - $c0, $probes ? ($c1 - $c0) * 1e6 / $probes : 0")"
        echo "up at the end      $up of $n"
    } >&2
}

if want gdnsd; then
    need gdnsd gdnsd
    run_gdnsd accepting
    run_gdnsd refused
fi

# ------------------------------------------------------------- table
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
echo
echo "probe-scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) cores,"
echo "steerdns interval ${interval}s, gdnsd ${gd_interval}s, ${dur}s measured after ${warm}s"
[ "$https_n" -lt "$n" ] && want https &&
    echo "https: $https_n targets, not $n (--https-targets): a TLS check costs the prober ~10 times a plain one (README)"
printf '%-10s %-9s %6s %8s %6s %8s %8s %8s %6s %6s %6s %5s %8s\n' \
    kind mode targets checks/s cpu% us/check ok timeout local other up \
    downs late-ms
while read -r line; do
    printf '%-10s %-9s %6s %8s %6s %8s %8s %8s %6s %6s %6s %5s %8s\n' \
        "$(field kind "$line")" "$(field mode "$line")" \
        "$(field n "$line")" "$(field rate "$line")" \
        "$(field pct "$line")" "$(field us "$line")" \
        "$(field ok "$line")" "$(field timeout "$line")" \
        "$(field local "$line")" "$(field other "$line")" \
        "$(field up "$line")" "$(field down_events "$line")" \
        "$(field late_ms "$line")"
done <"$results"
for mode in accepting refused; do
    s=$(grep " kind=tcp mode=$mode " "$results" || true)
    g=$(grep " kind=gdnsd-tcp mode=$mode " "$results" || true)
    [ -n "$s" ] && [ -n "$g" ] || continue
    echo "tcp $mode: steerdns/gdnsd us per check = $(field us "$s") / $(field us "$g") = $(calc "printf \"%.2f\", $(field us "$s") / $(field us "$g")")"
done
