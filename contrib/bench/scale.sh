#!/bin/bash
# contrib/bench/scale.sh -- load time and memory of a big configuration.
#
# Generates a zone with N managed names over P pools of T health-checked
# targets plus S static records (scale-gen.py), then measures the config
# check (steerdns -n), the start until "ready:", and a reload (SIGHUP)
# until "reloaded:": wall time, resident memory, cost per name and record,
# and PASS/FAIL against 2 s and 1 GiB.  See contrib/bench/README.
# SPDX-License-Identifier: ISC
set -euo pipefail

prog=scale.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

usage() {
    cat <<EOF
Usage: $0 [options] [BUILD_DIR | STEERDNS_BINARY]

BUILD_DIR is a configured build directory holding src/steerdns; by default
the current directory if ./src/steerdns exists, else $top.

Sizes (the defaults are the targets to meet):
  --names N        managed names (default 100000)
  --pools P        pools (default 10000)
  --targets T      distinct health-checked tcp targets, 127.x.y.z (default
                   10000); 0: pools without checks
  --records S      static records: A, AAAA, TXT, MX, CNAME (default 100000)
  --members K      IPv4 members per pool, at least (default 4; raised to
                   T/P so that every target is used)
  --steps [LIST]   run several sizes, comma-separated names counts (default
                   1000,10000,100000); pools, targets and records scale
                   with the names in the ratios of the options above

Measurement:
  --build DIR      same as the BUILD_DIR argument
  --timeout SECS   limit of each step (check, start, reload; default 120):
                   a step that takes longer is stopped and reported as
                   "timeout"; after a check timeout, start and reload are
                   skipped (they load the same configuration)
  --workers N      worker threads of the daemon (default 1)
  --port PORT      DNS port of the daemon on 127.0.0.1 (default 16353)
  --check-port P   port of the tcp check and of its listener (default 16399)
  --limit-secs S   PASS limit in seconds (default 2)
  --limit-mib M    PASS limit of peak resident memory in MiB (default 1024)
  --keep           keep the temp directory (configs, logs) and print its path
  -h, --help       this text
EOF
}

# ---------------------------------------------------------------- options
names=100000
pools=10000
targets=10000
records=100000
members=4
steps=""
build=""
timeout=120
workers=1
port=16353
check_port=16399
limit_secs=2
limit_mib=1024
keep=0

while [ $# -gt 0 ]; do
    case $1 in
    --names) names=${2:?--names needs a value}; shift 2 ;;
    --pools) pools=${2:?--pools needs a value}; shift 2 ;;
    --targets) targets=${2:?--targets needs a value}; shift 2 ;;
    --records) records=${2:?--records needs a value}; shift 2 ;;
    --members) members=${2:?--members needs a value}; shift 2 ;;
    --steps=*) steps=${1#*=}; shift ;;
    --steps)
        if [ $# -gt 1 ] && [[ $2 =~ ^[0-9]+(,[0-9]+)*$ ]]; then
            steps=$2; shift 2
        else
            steps=1000,10000,100000; shift
        fi ;;
    --build) build=${2:?--build needs a value}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    --workers) workers=${2:?--workers needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --check-port) check_port=${2:?--check-port needs a value}; shift 2 ;;
    --limit-secs) limit_secs=${2:?--limit-secs needs a value}; shift 2 ;;
    --limit-mib) limit_mib=${2:?--limit-mib needs a value}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "$prog: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build=$1; shift ;;
    esac
done

for v in names pools targets records members timeout workers port check_port \
        limit_secs limit_mib; do
    isint "${!v}" || die "--${v//_/-} wants a whole number, not '${!v}'"
done
[ "$timeout" -gt 0 ] || die "--timeout wants a positive number"
[ "$names" -gt 0 ] || die "--names wants a positive number"
[ "$pools" -gt 0 ] || die "managed names need --pools > 0"

if [ -z "$build" ]; then
    if [ -x "$PWD/src/steerdns" ]; then build=$PWD; else build=$top; fi
fi
if [ -f "$build" ]; then bin=$build; else bin=$build/src/steerdns; fi
case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || die "no steerdns binary at $bin (give a build directory)"

need python3 python3
need ss iproute2
need timeout coreutils
[ -x /usr/bin/time ] || need /usr/bin/time time

sizes=()
if [ -n "$steps" ]; then
    IFS=, read -r -a sizes <<<"$steps"
else
    sizes=("$names")
fi

# ---------------------------------------------------------------- workdir
work=$(mktemp -d "${TMPDIR:-/tmp}/steerdns-scale.XXXXXX")
daemon=""

cleanup() {
    local rc=$?
    trap - INT TERM
    stop_pid "$daemon" 30
    stop_pid "$listener_pid" 5
    if [ "$keep" = 1 ]; then
        echo "$prog: work directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy "$port" && die "port $port is in use"
if [ "$targets" -gt 0 ] || [ -n "$steps" ]; then
    port_busy "$check_port" && die "check port $check_port is in use"
    start_listener "$check_port"
fi
# The prober opens one descriptor per target in flight.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---------------------------------------------------------------- steps
rows=()         # one line per measurement, tab-separated
notes=()

# scaled VALUE N: VALUE * N / names, rounded, at least 1 when VALUE > 0.
scaled() {
    local v=$1 n=$2 r
    [ "$v" -gt 0 ] || { echo 0; return; }
    r=$(( (v * n + names / 2) / names ))
    [ "$r" -gt 0 ] || r=1
    echo "$r"
}

# row SIZE STEP USECS PEAK_KIB RSS_KIB [STATUS]
row() {
    local n=$1 p=$2 t=$3 s=$4 step=$5 us=$6 hwm=$7 rss=$8 st=${9:-}
    local sec="" pn="" pr="" verdict
    if [ -z "$st" ]; then
        sec=$(secs "$us")
        pn=$(calc "printf \"%.1f\", $us / $n")
        pr=$( [ "$s" -gt 0 ] && calc "printf \"%.1f\", $us / $s" || echo n/a)
        if [ "$us" -lt $((limit_secs * 1000000)) ] && [ -n "$hwm" ] \
                && [ "$hwm" -lt $((limit_mib * 1024)) ]; then
            verdict=PASS
        else
            verdict=FAIL
        fi
    else
        # A timeout keeps the memory figures read when it was stopped.
        sec=$st; pn=-; pr=-
        case $st in timeout) verdict=FAIL ;; *) verdict=- ;; esac
    fi
    rows+=("$(printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s" "$n" "$p" "$t" "$s" \
        "$step" "$sec" "$pn" "$pr" "$( [ -n "$rss" ] && mib "$rss" || echo -)" \
        "$( [ -n "$hwm" ] && mib "$hwm" || echo -)" "$verdict")")
}

run_size() {
    local n=$1 p t s d zone main log t0 t1 rc tm hwm rss down
    p=$(scaled "$pools" "$n"); t=$(scaled "$targets" "$n"); s=$(scaled "$records" "$n")
    if [ -z "$steps" ]; then p=$pools; t=$targets; s=$records; fi
    d=$work/n$n
    mkdir -p "$d"
    zone=$d/scale.conf
    main=$d/steerdns.conf
    say "$n names, $p pools, $t targets, $s records: generating"
    t0=$(now_us)
    python3 "$here/scale-gen.py" --names "$n" --pools "$p" --targets "$t" \
        --records "$s" --members "$members" --port "$check_port" \
        --interval 10.0 --timeout 1.0 -o "$zone"
    t1=$(now_us)
    write_main "$main" "$zone" "$port" "$workers"
    say "generated $(du -k "$zone" | cut -f1) KiB in $(secs $((t1 - t0))) s"

    # --- 1. steerdns -n
    say "check: steerdns -n (timeout ${timeout} s)"
    t0=$(now_us)
    rc=0
    /usr/bin/time -f '%e %M' -o "$d/check.time" \
        timeout "$timeout" "$bin" -n -c "$main" >"$d/check.log" 2>&1 </dev/null || rc=$?
    t1=$(now_us)
    tm=$(awk 'END { print $2 }' "$d/check.time")
    if [ "$rc" = 124 ]; then
        row "$n" "$p" "$t" "$s" check 0 "$tm" "" timeout
        row "$n" "$p" "$t" "$s" start 0 "" "" skipped
        row "$n" "$p" "$t" "$s" reload 0 "" "" skipped
        notes+=("$n names: the check took over ${timeout} s; start and reload skipped")
        return 0
    elif [ "$rc" != 0 ]; then
        tail -n 20 "$d/check.log" >&2
        die "steerdns -n failed on the generated configuration ($d/check.log)"
    fi
    row "$n" "$p" "$t" "$s" check $((t1 - t0)) "$tm" ""

    # --- 2. start until "ready:"
    say "start: steerdns -f until \"ready:\" (timeout ${timeout} s)"
    log=$d/daemon.log
    t0=$(now_us)
    "$bin" -f -c "$main" >"$log" 2>&1 </dev/null &
    daemon=$!
    rc=0
    wait_log "$log" 'ready:' "$timeout" "$daemon" || rc=$?
    t1=$(now_us)
    if [ "$rc" = 1 ]; then
        rss=$(proc_kib "$daemon" VmRSS); hwm=$(proc_kib "$daemon" VmHWM)
        stop_pid "$daemon" 30; daemon=""
        row "$n" "$p" "$t" "$s" start 0 "$hwm" "$rss" timeout
        row "$n" "$p" "$t" "$s" reload 0 "" "" skipped
        return 0
    elif [ "$rc" = 2 ]; then
        tail -n 20 "$log" >&2
        die "steerdns exited during startup ($log)"
    fi
    rss=$(proc_kib "$daemon" VmRSS); hwm=$(proc_kib "$daemon" VmHWM)
    row "$n" "$p" "$t" "$s" start $((t1 - t0)) "$hwm" "$rss"
    down=$(grep -c 'up -> down' "$log" || true)
    if grep -q 'without a first result yet' "$log"; then
        notes+=("$n names: $(sed -n 's/.*health: \([0-9]*\) target.*/\1/p' "$log" | sed -n 1p) targets had no first result when the start bound passed")
    fi
    [ "$down" = 0 ] || notes+=("$n names: $down targets went down at start (listener overrun?)")

    # --- 3. reload on SIGHUP until "reloaded:"
    say "reload: SIGHUP until \"reloaded:\" (timeout ${timeout} s)"
    t0=$(now_us)
    kill -HUP "$daemon"
    rc=0
    wait_log "$log" 'reloaded:|reload refused' "$timeout" "$daemon" || rc=$?
    t1=$(now_us)
    if [ "$rc" = 0 ] && grep -q 'reload refused' "$log"; then
        tail -n 20 "$log" >&2
        die "the reload was refused ($log)"
    elif [ "$rc" = 2 ]; then
        tail -n 20 "$log" >&2
        die "steerdns exited during the reload ($log)"
    fi
    rss=$(proc_kib "$daemon" VmRSS); hwm=$(proc_kib "$daemon" VmHWM)
    if [ "$rc" = 1 ]; then
        row "$n" "$p" "$t" "$s" reload 0 "$hwm" "$rss" timeout
    else
        row "$n" "$p" "$t" "$s" reload $((t1 - t0)) "$hwm" "$rss"
    fi
    stop_pid "$daemon" 30
    daemon=""
}

for n in "${sizes[@]}"; do
    isint "$n" && [ "$n" -gt 0 ] || die "--steps: '$n' is not a positive number"
    run_size "$n"
done

# ---------------------------------------------------------------- report
echo "steerdns scale benchmark -- $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "binary: $bin"
echo "host: $(uname -n), $(nproc) CPU(s): $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "daemon: $workers worker(s); tcp check every 10 s, timeout 1 s, on port $check_port (local listener)"
echo "plus in every zone: 1 pool, 2 names and 3 records used by ir.sh"
echo
printf "%8s %6s %7s %8s  %-6s %8s %8s %8s %8s %8s  %s\n" \
    names pools targets records step seconds "us/name" "us/rec" "RSS-MiB" "HWM-MiB" verdict
for r in "${rows[@]}"; do
    IFS=$'\t' read -r a b c d e f g h i j k <<<"$r"
    printf "%8s %6s %7s %8s  %-6s %8s %8s %8s %8s %8s  %s\n" "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i" "$j" "$k"
done
echo
echo "check: steerdns -n (HWM: peak resident of the process, from /usr/bin/time)"
echo "start: from exec to the \"ready:\" log line (load, bind, first round of checks)"
echo "reload: from SIGHUP to the \"reloaded:\" log line; RSS/HWM of the daemon after it"
echo "us/name, us/rec: the step's whole time divided by the managed names, by the records"
echo "verdict: PASS when under ${limit_secs} s and the peak resident memory under ${limit_mib} MiB"
echo "timeout: the step was stopped after ${timeout} s; RSS/HWM are those read when it was stopped"
if [ ${#notes[@]} -gt 0 ]; then
    echo
    echo "notes:"
    for x in "${notes[@]}"; do echo "  $x"; done
fi
