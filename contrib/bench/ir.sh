#!/bin/bash
# contrib/bench/ir.sh -- instructions per query of single questions, with
# callgrind, on a small zone and on the big zone of scale.sh.
#
# Cases: a static A answer and a managed name (chain up, weighted, first 1
# over 4 unchecked members), each against a zone that has little else and
# against one with N names, P pools, T targets and S records
# (scale-gen.py).  Ir/query = (Ir2 - Ir1) / (answered2 - answered1) over
# two dnsperf runs of N1 and N2 queries at a limited rate, as in run.sh.
# See contrib/bench/README.
# SPDX-License-Identifier: ISC
set -euo pipefail

prog=ir.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

target_names=100000     # the size scale.sh aims for

usage() {
    cat <<EOF
Usage: $0 [options] [BUILD_DIR | STEERDNS_BINARY]

BUILD_DIR is a configured build directory holding src/steerdns; by default
the current directory if ./src/steerdns exists, else $top.

Options:
  --cg-queries N1,N2 query counts of the two dnsperf runs per case
                     (default 2000,12000)
  --cg-rate QPS      dnsperf rate limit under callgrind (default 1000)
  --build DIR        same as the BUILD_DIR argument
  --names N          managed names of the big zone (default $target_names;
                     today's code cannot load that many under callgrind:
                     try 2000)
  --pools P          pools of the big zone (default names/10)
  --targets T        checked targets of the big zone (default names/10)
  --records S        static records of the big zone (default names)
  --no-big           only the small zone
  --restart          run.sh's way: a daemon start under callgrind for each
                     of the two runs of each case, instead of one start per
                     zone and a callgrind dump after each run (4 loads of
                     each zone instead of 1)
  --timeout SECS     how long to wait for the daemon to answer under
                     callgrind (default 900); the big zone is first checked
                     natively (steerdns -n) with a limit of SECS/20, as
                     callgrind loads it 40 to 100 times slower
  --no-edns          send queries without an EDNS0 OPT record
  --port PORT        DNS port of the daemon on 127.0.0.1 (default 16354)
  --check-port P     port of the big zone's tcp check (default 16398)
  --keep             keep the temp directory (zones, logs, callgrind files)
  -h, --help         this text
EOF
}

# ---------------------------------------------------------------- options
cg_queries=2000,12000
cg_rate=1000
build=""
names=$target_names
pools=""
targets=""
records=""
big=1
restart=0
timeout=900
edns=1
port=16354
check_port=16398
keep=0

while [ $# -gt 0 ]; do
    case $1 in
    --cg-queries) cg_queries=${2:?--cg-queries needs a value}; shift 2 ;;
    --cg-queries=*) cg_queries=${1#*=}; shift ;;
    --cg-rate) cg_rate=${2:?--cg-rate needs a value}; shift 2 ;;
    --cg-rate=*) cg_rate=${1#*=}; shift ;;
    --build) build=${2:?--build needs a value}; shift 2 ;;
    --names) names=${2:?--names needs a value}; shift 2 ;;
    --pools) pools=${2:?--pools needs a value}; shift 2 ;;
    --targets) targets=${2:?--targets needs a value}; shift 2 ;;
    --records) records=${2:?--records needs a value}; shift 2 ;;
    --no-big) big=0; shift ;;
    --restart) restart=1; shift ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    --no-edns) edns=0; shift ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --check-port) check_port=${2:?--check-port needs a value}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "$prog: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build=$1; shift ;;
    esac
done

cg_n1=${cg_queries%,*}
cg_n2=${cg_queries#*,}
isint "$cg_n1" && isint "$cg_n2" && [ "$cg_n1" -gt 0 ] && [ "$cg_n2" -gt "$cg_n1" ] \
    || die "--cg-queries wants N1,N2 with N2 > N1 > 0"
isint "$names" && [ "$names" -gt 0 ] || die "--names wants a positive number"
: "${pools:=$(( (names + 9) / 10 ))}" "${targets:=$(( (names + 9) / 10 ))}" "${records:=$names}"
for v in cg_rate pools targets records timeout port check_port; do
    isint "${!v}" || die "--${v//_/-} wants a whole number, not '${!v}'"
done
[ "$cg_rate" -gt 0 ] || die "--cg-rate wants a positive number"
[ "$pools" -gt 0 ] || die "--pools wants a positive number"
[ "$timeout" -gt 0 ] || die "--timeout wants a positive number"

if [ -z "$build" ]; then
    if [ -x "$PWD/src/steerdns" ]; then build=$PWD; else build=$top; fi
fi
if [ -f "$build" ]; then bin=$build; else bin=$build/src/steerdns; fi
case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || die "no steerdns binary at $bin (give a build directory)"

need python3 python3
need dnsperf dnsperf
need dig bind9-dnsutils
need ss iproute2
need timeout coreutils
need valgrind valgrind
need callgrind_control valgrind

# ---------------------------------------------------------------- workdir
work=$(mktemp -d "${TMPDIR:-/tmp}/steerdns-ir.XXXXXX")
daemon=""
client=""

cleanup() {
    local rc=$?
    trap - INT TERM
    stop_pid "$client" 5
    stop_pid "$daemon" 120          # callgrind writes its file at exit
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
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

origin=scale.example
cases=(static managed)
declare -A question=([static]="static-a.$origin A" [managed]="managed.$origin A")
declare -A label=([static]="static A" [managed]="managed up,weighted,first 1")
# What each question must get: static-a's record, or one of bench's 4.
declare -A expect=([static]='^192\.0\.2\.1$' [managed]='^192\.0\.2\.1[1-4]$')
for c in "${cases[@]}"; do
    echo "${question[$c]}" >"$work/q-$c.txt"
done

# ---------------------------------------------------------------- zones
zones=(small)
declare -A zdesc zstatus
say "small zone: only the fixed names"
mkdir -p "$work/small"
python3 "$here/scale-gen.py" --names 0 --pools 0 --targets 0 --records 0 \
    -o "$work/small/zone.conf"
write_main "$work/small/steerdns.conf" "$work/small/zone.conf" "$port" 1
zdesc[small]="2 names, 1 pool, 3 records, no checks"

if [ "$big" = 1 ]; then
    zones+=(big)
    say "big zone: $names names, $pools pools, $targets targets, $records records"
    mkdir -p "$work/big"
    # Checks every 86400 s (the longest allowed): the first round runs
    # before "ready", and hardly any probe falls into the measured runs.
    python3 "$here/scale-gen.py" --names "$names" --pools "$pools" \
        --targets "$targets" --records "$records" --port "$check_port" \
        --interval 86400 --timeout 1.0 -o "$work/big/zone.conf"
    write_main "$work/big/steerdns.conf" "$work/big/zone.conf" "$port" 1
    zdesc[big]="$names names, $pools pools, $targets targets (tcp, every 86400 s), $records records"
    if [ "$targets" -gt 0 ]; then
        port_busy "$check_port" && die "check port $check_port is in use"
        start_listener "$check_port"
    fi
    # Under callgrind the load is 40-100 times slower: give up early when
    # the native check alone takes more than a twentieth of the wait.
    lim=$(( (timeout + 19) / 20 ))
    say "big zone: native steerdns -n, limit $lim s"
    t0=$(now_us)
    rc=0
    timeout "$lim" "$bin" -n -c "$work/big/steerdns.conf" >"$work/big/check.log" 2>&1 </dev/null || rc=$?
    t1=$(now_us)
    if [ "$rc" = 124 ]; then
        zstatus[big]="timeout: the native check alone took over $lim s"
    elif [ "$rc" != 0 ]; then
        tail -n 20 "$work/big/check.log" >&2
        die "steerdns -n failed on the big zone"
    else
        zdesc[big]="${zdesc[big]}; native load $(secs $((t1 - t0))) s"
    fi
fi

# ---------------------------------------------------------------- running
# start_cg DIR: the daemon of zone DIR under callgrind; sets $daemon.
# Waits until it answers the static question.  Returns 1 on a timeout.
start_cg() {
    local d=$1 i end ans
    port_busy "$port" && die "port $port is in use; is an old steerdns still running?"
    valgrind --tool=callgrind --vgdb=yes --dump-instr=no \
        --callgrind-out-file="$d/cg.%p.out" \
        "$bin" -f -c "$d/steerdns.conf" >"$d/daemon.log" 2>&1 </dev/null &
    daemon=$!
    end=$(( $(now_us) + timeout * 1000000 ))
    while [ "$(now_us)" -lt "$end" ]; do
        if ! alive "$daemon"; then
            tail -n 20 "$d/daemon.log" >&2
            die "steerdns exited during startup ($d/daemon.log)"
        fi
        ans=$(dig @127.0.0.1 -p "$port" "static-a.$origin" A +short +time=1 +tries=1 2>/dev/null || true)
        [ "$ans" = 192.0.2.1 ] && return 0
        sleep 0.5
    done
    stop_pid "$daemon" 120; daemon=""
    return 1
}

# perf CASE N OUT: dnsperf answering question CASE N times at the rate.
perf() {
    local e=()
    [ "$edns" = 1 ] && e=(-e)
    dnsperf -s 127.0.0.1 -p "$port" -d "$work/q-$1.txt" -n "$2" -Q "$cg_rate" \
        -c 1 -T 1 -t 5 "${e[@]}" >"$3" 2>&1 &
    client=$!
    wait "$client" || true
    client=""
}

# Fields of a dnsperf report.
pf() {
    case $2 in
    completed) sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' "$1" ;;
    lost) sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' "$1" ;;
    rcodes) sed -n 's/^ *Response codes: *//p' "$1" ;;
    esac | sed -n 1p
}

# The Ir total of one callgrind file.
file_ir() {
    awk '/^totals:/ { t = $2 } /^summary:/ { s = $2 } END { print (t != "" ? t : s) }' "$1"
}

# dump DIR K: have callgrind write part K of the running daemon (and zero
# its counters); prints that part's Ir.
dump() {
    local d=$1 k=$2 f i
    f=$d/cg.$daemon.out.$k
    callgrind_control -d "$daemon" >/dev/null 2>&1 || die "callgrind_control -d $daemon failed"
    for ((i = 0; i < 300; i++)); do
        [ -s "$f" ] && grep -q '^totals:' "$f" && { file_ir "$f"; return 0; }
        sleep 0.1
    done
    die "callgrind wrote no $f"
}

declare -A ir1 ir2 ans1 ans2 ipq note
check_perf() {      # check_perf ZONE CASE REPORT
    local lost
    lost=$(pf "$3" lost)
    if [ "${lost:-1}" != 0 ]; then
        say "$1 ${label[$2]}: WARNING: ${lost:-?} queries lost (try a lower --cg-rate)"
        note[$1.$2]="lost ${lost:-?} queries"
    fi
    case $(pf "$3" rcodes) in
    NOERROR*) ;;
    *) note[$1.$2]="${note[$1.$2]:-}${note[$1.$2]:+; }rcodes: $(pf "$3" rcodes)" ;;
    esac
}

# Both runs of every case in one daemon: a dump zeroes the counters after
# the start, then each run is followed by a dump of its own.
measure_zone_dumps() {
    local z=$1 d=$work/$1 k=1 c n rep ans qn qt
    say "$z: starting steerdns under callgrind (wait up to $timeout s)"
    t0=$(now_us)
    if ! start_cg "$d"; then
        zstatus[$z]="timeout: did not answer within $timeout s under callgrind"
        return 0
    fi
    say "$z: answering after $(secs $(( $(now_us) - t0 ))) s"
    for c in "${cases[@]}"; do
        read -r qn qt <<<"${question[$c]}"
        ans=$(dig @127.0.0.1 -p "$port" "$qn" "$qt" +short +time=2 +tries=1 || true)
        grep -qE "${expect[$c]}" <<<"$ans" || die "$z: ${question[$c]} answered '$ans'"
    done
    dump "$d" $k >/dev/null         # start-up and the checks above
    for c in "${cases[@]}"; do
        for n in "$cg_n1" "$cg_n2"; do
            rep=$d/dnsperf-$c-$n.txt
            perf "$c" "$n" "$rep"
            k=$((k + 1))
            if [ "$n" = "$cg_n1" ]; then
                ir1[$z.$c]=$(dump "$d" $k); ans1[$z.$c]=$(pf "$rep" completed)
            else
                ir2[$z.$c]=$(dump "$d" $k); ans2[$z.$c]=$(pf "$rep" completed)
            fi
            check_perf "$z" "$c" "$rep"
            say "$z ${label[$c]}: $(pf "$rep" completed) answered, part $k"
        done
    done
    stop_pid "$daemon" 120; daemon=""
}

# run.sh's way: one daemon start per run; the whole process is counted.
measure_zone_restart() {
    local z=$1 d=$work/$1 c n rep r
    for c in "${cases[@]}"; do
        for n in "$cg_n1" "$cg_n2"; do
            r=$d/$c-$n
            mkdir -p "$r"
            cp "$d/steerdns.conf" "$r/"
            say "$z ${label[$c]}: starting steerdns under callgrind for $n queries"
            if ! start_cg "$r"; then
                zstatus[$z]="timeout: did not answer within $timeout s under callgrind"
                return 0
            fi
            rep=$r/dnsperf.txt
            perf "$c" "$n" "$rep"
            stop_pid "$daemon" 120; daemon=""
            local total=0 f
            for f in "$r"/cg.*.out; do total=$((total + $(file_ir "$f"))); done
            if [ "$n" = "$cg_n1" ]; then
                ir1[$z.$c]=$total; ans1[$z.$c]=$(pf "$rep" completed)
            else
                ir2[$z.$c]=$total; ans2[$z.$c]=$(pf "$rep" completed)
            fi
            check_perf "$z" "$c" "$rep"
        done
    done
}

for z in "${zones[@]}"; do
    [ -z "${zstatus[$z]:-}" ] || { say "$z: ${zstatus[$z]}"; continue; }
    if [ "$restart" = 1 ]; then measure_zone_restart "$z"; else measure_zone_dumps "$z"; fi
    for c in "${cases[@]}"; do
        a1=${ans1[$z.$c]:-}; a2=${ans2[$z.$c]:-}
        if [ -n "$a1" ] && [ -n "$a2" ] && [ "$a2" -gt "$a1" ]; then
            ipq[$z.$c]=$(calc "printf \"%.0f\", (${ir2[$z.$c]} - ${ir1[$z.$c]}) / ($a2 - $a1)")
        fi
    done
done

# ---------------------------------------------------------------- report
ratio() {   # ratio A B -> A/B with 2 decimals, or n/a
    calc "a = \"$1\"; b = \"$2\"; if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf \"%.2f\", a / b; else printf \"n/a\""
}

echo "steerdns instructions per query -- $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "binary: $bin; 1 worker; dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p'), EDNS0: $([ "$edns" = 1 ] && echo yes || echo no)"
echo "runs: $cg_n1 and $cg_n2 queries at <= $cg_rate qps; Ir/query = (Ir2-Ir1)/(answered2-answered1)"
if [ "$restart" = 1 ]; then
    echo "method: a daemon start under callgrind per run, whole process counted (as run.sh)"
else
    echo "method: one daemon per zone under callgrind, a callgrind dump after each run"
fi
for z in "${zones[@]}"; do
    echo "$z zone: ${zdesc[$z]}"
done
if [ "$big" = 1 ] && [ "$names" -lt "$target_names" ]; then
    echo "note: the big zone has $names names, not the $target_names aimed at:" \
        "today's code cannot load $target_names under callgrind in reasonable time"
elif [ -n "${zstatus[big]:-}" ]; then
    echo "note: the big zone did not load in time; try a smaller --names" \
        "(2000 loads under callgrind in about 100 s today)"
fi
echo
printf "%-30s %-6s %-28s %9s %s\n" case zone question "Ir/query" "answered (runs 1, 2)"
for z in "${zones[@]}"; do
    for c in "${cases[@]}"; do
        if [ -n "${zstatus[$z]:-}" ]; then
            printf "%-30s %-6s %-28s %9s %s\n" "${label[$c]}" "$z" "${question[$c]}" - "${zstatus[$z]}"
        else
            printf "%-30s %-6s %-28s %9s %s\n" "${label[$c]}" "$z" "${question[$c]}" \
                "${ipq[$z.$c]:-n/a}" "${ans1[$z.$c]:-?}, ${ans2[$z.$c]:-?}${note[$z.$c]:+ (${note[$z.$c]})}"
        fi
    done
done
echo
echo "ratios (Ir/query):"
for z in "${zones[@]}"; do
    printf "  %-24s %s\n" "managed/static, $z" "$(ratio "${ipq[$z.managed]:-}" "${ipq[$z.static]:-}")"
done
if [ "$big" = 1 ]; then
    for c in "${cases[@]}"; do
        printf "  %-24s %s\n" "big/small, $c" "$(ratio "${ipq[big.$c]:-}" "${ipq[small.$c]:-}")"
    done
fi
