#!/bin/bash
# contrib/bench/run.sh -- compare steerdns with gdnsd, Knot DNS and NSD.
#
# Every server serves the same zone, lb.example., on 127.0.0.1 (each on its
# own high port) and is measured in turn with dnsperf and valgrind/callgrind.
# See contrib/bench/README.  Run as root or as a user allowed to start the
# servers on high ports; nothing touches port 53 or a non-loopback address.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
    cat <<EOF
Usage: $0 [options] [STEERDNS_BINARY]

STEERDNS_BINARY defaults to $top/src/steerdns.

Options:
  --duration SECS    length of each throughput run (default 10)
  --quick            short runs for smoke testing (2 s runs, small callgrind
                     query counts)
  --only LIST        comma-separated subset of: steerdns,gdnsd,knot,nsd
  --steerdns-zone F  zone file for steerdns, used as it is (default:
                     zones/lb.example.conf with its health checks removed)
  --threads N        worker threads/processes of every server (default 1)
  --clients N        dnsperf client sockets (default 1, or 4*threads when
                     threads > 1 so that SO_REUSEPORT spreads the load)
  --no-edns          send queries without an EDNS0 OPT record
  --no-pin           do not pin dnsperf to CPU 0 and the servers to the
                     other CPUs (pinning is done when threads < CPUs)
  --no-callgrind     skip the instructions-per-query measurement
  --cg-queries N1,N2 query counts of the two callgrind runs
                     (default 2000,12000; 500,2500 with --quick)
  --cg-rate QPS      dnsperf rate limit under callgrind (default 1000)
  --out FILE         where to write the results (default ./bench-results.txt)
  --keep             keep the temporary directory (configs, logs, callgrind
                     output) and print its path
  -h, --help         this text
EOF
}

# ---------------------------------------------------------------- options
duration=10
quick=0
only="steerdns,gdnsd,knot,nsd"
threads=1
clients=""
edns=1
pin=1
do_callgrind=1
cg_queries=""
cg_rate=1000
out="$PWD/bench-results.txt"
keep=0
steerdns_bin="$top/src/steerdns"
zone_conf=""        # --steerdns-zone; empty: derived from repo_zone
repo_zone="$top/zones/lb.example.conf"

while [ $# -gt 0 ]; do
    case $1 in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    --only) only=${2:?--only needs a value}; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    --steerdns-zone) zone_conf=${2:?--steerdns-zone needs a value}; shift 2 ;;
    --steerdns-zone=*) zone_conf=${1#*=}; shift ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --clients) clients=${2:?--clients needs a value}; shift 2 ;;
    --clients=*) clients=${1#*=}; shift ;;
    --no-edns) edns=0; shift ;;
    --no-pin) pin=0; shift ;;
    --no-callgrind) do_callgrind=0; shift ;;
    --cg-queries) cg_queries=${2:?--cg-queries needs a value}; shift 2 ;;
    --cg-queries=*) cg_queries=${1#*=}; shift ;;
    --cg-rate) cg_rate=${2:?--cg-rate needs a value}; shift 2 ;;
    --cg-rate=*) cg_rate=${1#*=}; shift ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) steerdns_bin=$1; shift ;;
    esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }
isint() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

if [ "$quick" = 1 ] && [ "$duration" = 10 ]; then duration=2; fi
isint "$duration" || die "--duration wants a positive whole number of seconds"
isint "$threads" || die "--threads wants a positive number"
isint "$cg_rate" || die "--cg-rate wants a positive number"
if [ -z "$clients" ]; then
    if [ "$threads" -gt 1 ]; then clients=$((4 * threads)); else clients=1; fi
fi
isint "$clients" || die "--clients wants a positive number"
if [ -z "$cg_queries" ]; then
    if [ "$quick" = 1 ]; then cg_queries=500,2500; else cg_queries=2000,12000; fi
fi
cg_n1=${cg_queries%,*}
cg_n2=${cg_queries#*,}
isint "$cg_n1" && isint "$cg_n2" && [ "$cg_n2" -gt "$cg_n1" ] \
    || die "--cg-queries wants N1,N2 with N2 > N1 > 0"
case $steerdns_bin in /*) ;; *) steerdns_bin="$PWD/$steerdns_bin" ;; esac
case $out in /*) ;; *) out="$PWD/$out" ;; esac
case $zone_conf in ""|/*) ;; *) zone_conf="$PWD/$zone_conf" ;; esac

all_servers="steerdns gdnsd knot nsd"
servers=()
IFS=, read -r -a wanted <<<"$only"
for s in $all_servers; do
    for w in "${wanted[@]}"; do
        [ "$w" = "$s" ] && servers+=("$s")
    done
done
for w in "${wanted[@]}"; do
    case " $all_servers " in *" $w "*) ;; *) die "--only: unknown server '$w'" ;; esac
done
[ ${#servers[@]} -gt 0 ] || die "--only selects no server"

declare -A port=([steerdns]=15301 [gdnsd]=15302 [knot]=15303 [nsd]=15304)
zone_file="$here/lb.example.zone"

# ---------------------------------------------------------------- tools
# Install a Debian package only when the command it provides is missing.
need() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return 0
    say "$cmd missing, installing Debian package $pkg"
    command -v apt-get >/dev/null 2>&1 || die "$cmd missing and no apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >&2 \
        || die "could not install $pkg"
}
need dnsperf dnsperf
need dig bind9-dnsutils
need ss iproute2
need ps procps
[ "$do_callgrind" = 0 ] || need valgrind valgrind
for s in "${servers[@]}"; do
    case $s in
    gdnsd) need gdnsd gdnsd ;;
    knot) need knotd knot ;;
    nsd) need nsd nsd ;;
    esac
done
[ -r "$zone_file" ] || die "missing $zone_file"

clk_tck=$(getconf CLK_TCK)

# CPU placement: dnsperf on CPU 0, the server on the others, when the
# server's threads leave CPU 0 free.  Without it, which CPU runs the
# loopback softirq work (and whom it is charged to) changes from run to
# run, and the server CPU time varies by tens of percent.
ncpu=$(nproc)
server_pin=()
client_pin=()
pin_note="none"
if [ "$pin" = 1 ] && [ "$threads" -lt "$ncpu" ] && command -v taskset >/dev/null 2>&1; then
    server_pin=(taskset -c "1-$((ncpu - 1))")
    client_pin=(taskset -c 0)
    pin_note="dnsperf on CPU 0, servers on CPU 1-$((ncpu - 1))"
fi

# ---------------------------------------------------------------- workdir
work=$(mktemp -d "${TMPDIR:-/tmp}/steerdns-bench.XXXXXX")
chmod 755 "$work"
started=()          # PIDs of every server we started
client=""           # PID of the running dnsperf

# All processes below $1 (inclusive), from the ppid links of `ps`.
tree_pids() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            keep[root] = 1; n = 1
            do {
                grew = 0
                for (p in parent)
                    if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 }
            } while (grew)
            for (p in keep) if (p in parent) print p
        }'
}

alive() { kill -0 "$1" 2>/dev/null; }

# Stop the server whose top PID is $1 and everything it forked; wait for all
# of them to be gone (callgrind writes its output at exit).
stop_server() {
    local pid=$1 tree p i
    tree=$(tree_pids "$pid")
    [ -n "$tree" ] || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do           # up to 60 s (callgrind dumps)
        local any=0
        for p in $tree; do alive "$p" && any=1; done
        [ $any = 0 ] && break
        # The top process may have exited leaving children: terminate those.
        if ! alive "$pid" && [ $i -gt 50 ]; then
            for p in $tree; do kill -TERM "$p" 2>/dev/null || true; done
        fi
        sleep 0.1
    done
    for p in $tree; do
        if alive "$p"; then
            echo "run.sh: PID $p did not stop, killing it" >&2
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? p
    trap - INT TERM
    if [ -n "$client" ] && alive "$client"; then
        kill -TERM "$client" 2>/dev/null || true
        wait "$client" 2>/dev/null || true
    fi
    for p in "${started[@]}"; do
        alive "$p" && stop_server "$p"
    done
    if [ "$keep" = 1 ]; then
        echo "run.sh: work directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sum of utime+stime (seconds) over the process tree rooted at $1; the
# per-process figures include all of its threads, live and exited.
cpu_seconds() {
    local pids
    pids=$(tree_pids "$1")
    for p in $pids; do
        cat "/proc/$p/stat" 2>/dev/null || true
    done | awk -v hz="$clk_tck" '
        { sub(/^.*\) /, ""); t += $12 + $13 }
        END { printf "%.3f\n", t / hz }'
}

# CPU seconds used by everything else on the machine: utime+stime+cutime+
# cstime of every process except the server's tree ($1) and this script
# (whose children include dnsperf) or this subshell.  Counting the children's times catches
# most short-lived processes too, once their parent has reaped them.
other_cpu() {
    local skip
    skip=" $(tree_pids "$1" | tr '\n' ' ') $$ $BASHPID "
    for f in /proc/[0-9]*/stat; do
        p=${f#/proc/}; p=${p%/stat}
        [[ $skip == *" $p "* ]] && continue
        cat "$f" 2>/dev/null || true
    done | awk -v hz="$clk_tck" '
        { sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15 }
        END { printf "%.3f\n", t / hz }'
}

port_busy() {
    [ -n "$(ss -H -lnu "sport = :$1" 2>/dev/null)$(ss -H -lnt "sport = :$1" 2>/dev/null)" ]
}

# ---------------------------------------------------------------- query mix
# 100 questions: 70% www A/AAAA, the rest apex SOA/NS/MX/TXT, a CNAME,
# an SRV, a referral, NXDOMAINs and NODATAs.  Interleaved with a fixed
# permutation (i*37 mod 100) so that the types are spread over the file.
make_queries() {
    {
        for ((i = 0; i < 35; i++)); do echo "www.lb.example A"; done
        for ((i = 0; i < 35; i++)); do echo "www.lb.example AAAA"; done
        for ((i = 0; i < 4; i++)); do echo "lb.example SOA"; done
        for ((i = 0; i < 4; i++)); do echo "lb.example NS"; done
        for ((i = 0; i < 4; i++)); do echo "lb.example MX"; done
        echo "lb.example TXT"
        for ((i = 0; i < 5; i++)); do echo "docs.lb.example A"; done   # CNAME
        echo "_sip._udp.lb.example SRV"
        echo "host.sub.lb.example A"                                  # referral
        echo "nope.lb.example A"                                      # NXDOMAIN
        echo "wwww.lb.example AAAA"
        echo "x.www.lb.example A"
        echo "missing.lb.example MX"
        echo "b.svc.lb.example A"
        echo "mail2.lb.example A"
        echo "svc.lb.example A"                                       # NODATA (ENT)
        echo "www.lb.example MX"                                      # NODATA
        echo "mail.lb.example AAAA"                                   # NODATA
        echo "lb.example A"                                           # NODATA
    } | awk '{ printf "%d %s\n", (NR * 37) % 100, $0 }' | sort -n | cut -d' ' -f2-
}
queries="$work/queries.txt"
make_queries >"$queries"
nq_file=$(wc -l <"$queries")

# ---------------------------------------------------------------- configs
# The repo's zone without health checks: its pools' members would be probed
# at their (documentation, non-loopback) addresses, fail, and change the
# answers during the run.  Pools without a check are not probed and their
# members count as up.  Drops the "checks" group and every check,
# check_address and check_port setting.
strip_checks() {
    awk '
        skip { depth += gsub(/\{/, "{") - gsub(/\}/, "}"); if (depth <= 0) skip = 0; next }
        /^[ \t]*checks[ \t]*=[ \t]*\{/ {
            depth = gsub(/\{/, "{") - gsub(/\}/, "}"); if (depth > 0) skip = 1; next
        }
        {
            gsub(/check_address[ \t]*=[ \t]*"[^"]*"[ \t]*;/, "")
            gsub(/check_port[ \t]*=[ \t]*[0-9]+[ \t]*;/, "")
            gsub(/check[ \t]*=[ \t]*"[^"]*"[ \t]*;/, "")
            print
        }' "$1"
}

setup_steerdns() {
    local d=$work/steerdns zf=$zone_conf
    mkdir -p "$d"
    if [ -z "$zf" ]; then
        [ -r "$repo_zone" ] || die "missing $repo_zone"
        zf=$d/lb.example.conf
        strip_checks "$repo_zone" >"$zf"
        if [ -n "$(grep -v '^[ \t]*#' "$zf" | grep -E '(^|[^_a-z])check(s|_address|_port)?[ \t]*=')" ]; then
            die "could not remove the health checks from $repo_zone (see $zf); use --steerdns-zone"
        fi
    fi
    [ -r "$zf" ] || die "missing $zf"
    cat >"$d/steerdns.conf" <<EOF
server = { listen = [ "127.0.0.1:${port[steerdns]}" ]; workers = $threads; edns_payload = 1232; };
zones = [ "$zf" ];
EOF
    cmd=("$steerdns_bin" -f -c "$d/steerdns.conf")
}

setup_gdnsd() {
    local d=$work/gdnsd
    mkdir -p "$d/etc/zones" "$d/run" "$d/state"
    cp "$zone_file" "$d/etc/zones/lb.example"
    cat >"$d/etc/config" <<EOF
options => {
  listen => [ 127.0.0.1:${port[gdnsd]} ]
  udp_threads => $threads
  tcp_threads => 1
  zones_default_ttl => 300
  run_dir => $d/run
  state_dir => $d/state
}
EOF
    cmd=(gdnsd -c "$d/etc" start)
}

setup_knot() {
    local d=$work/knot
    mkdir -p "$d/run" "$d/db" "$d/zones"
    cp "$zone_file" "$d/zones/lb.example.zone"
    cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d/run"
    user: root:root
    listen: 127.0.0.1@${port[knot]}
    udp-workers: $threads
    tcp-workers: 1
    background-workers: 1

log:
  - target: stderr
    any: warning

database:
    storage: "$d/db"

template:
  - id: default
    storage: "$d/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
  - domain: lb.example.
EOF
    [ "$(id -u)" = 0 ] || sed -i '/^    user: /d' "$d/knot.conf"
    cmd=(knotd -c "$d/knot.conf")
}

setup_nsd() {
    local d=$work/nsd
    mkdir -p "$d/zones" "$d/xfr"
    cp "$zone_file" "$d/zones/lb.example.zone"
    cat >"$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@${port[nsd]}
    do-ip6: no
    server-count: $threads
    tcp-count: 10
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$d/zones"
    pidfile: "$d/nsd.pid"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d/xfr"
    zonelistfile: "$d/zone.list"
    logfile: "$d/nsd.log"
    verbosity: 0
    reuseport: yes
    # Debian builds NSD with response rate limiting (200 qps per /24 by
    # default), which would drop most benchmark queries: turn it off.
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    # Like the other servers, do not add the apex NS RRset to the
    # authority section of every positive answer.
    minimal-responses: yes

remote-control:
    control-enable: no

zone:
    name: "lb.example"
    zonefile: "lb.example.zone"
EOF
    cmd=(nsd -d -c "$d/nsd.conf")
}

server_version() {
    local v
    case $1 in
    steerdns) # not run for this: an unknown option must not start a server
        v=$(grep -aoE 'steerdns[ -][0-9]+\.[0-9]+[0-9a-z.~+-]*' "$steerdns_bin" 2>/dev/null | sed -n 1p || true)
        v=${v:-steerdns} ;;
    gdnsd) v=$(dpkg-query -W -f='gdnsd ${Version}' gdnsd 2>/dev/null || echo gdnsd) ;;
    knot) v=$(knotd --version 2>&1 || true) ;;
    nsd) v=$(nsd -v 2>&1 || true) ;;
    esac
    printf '%s\n' "$v" | sed -n 1p
}

# ---------------------------------------------------------------- running
# start NAME LOG [WRAPPER...]: start the server (under the wrapper, e.g.
# valgrind), record its PID in $spid and wait until it answers.
start() {
    local name=$1 log=$2; shift 2
    local p=${port[$name]} i ans
    if port_busy "$p"; then die "port $p is already in use; is an old $name still running?"; fi
    "setup_$name"
    "${server_pin[@]}" "$@" "${cmd[@]}" >"$log" 2>&1 </dev/null &
    spid=$!
    started+=("$spid")
    local limit=150                            # 15 s
    [ $# -gt 0 ] && limit=1200                 # 120 s under valgrind
    for ((i = 0; i < limit; i++)); do
        if ! alive "$spid"; then
            echo "run.sh: $name exited during startup; log $log:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
        ans=$(dig @127.0.0.1 -p "$p" www.lb.example A +short +time=1 +tries=1 2>/dev/null || true)
        if grep -qE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' <<<"$ans"; then return 0; fi
        sleep 0.1
    done
    echo "run.sh: $name did not answer on port $p; log $log:" >&2
    tail -n 20 "$log" >&2
    return 1
}

# Answer fingerprint for every distinct question of the mix, one line each:
# rcode, AA bit and the sorted answer and authority sections.  Used to check that all
# servers agree.
answers() {
    local p=$1 q t
    sort -u "$queries" | while read -r q t; do
        dig @127.0.0.1 -p "$p" "$q" "$t" +norec +nocmd +noall +comments +answer +authority \
            +time=2 +tries=1 2>/dev/null | awk -v q="$q" -v t="$t" '
            /^;; ->>HEADER<<-/ { match($0, /status: [A-Z]+/); st = substr($0, RSTART + 8, RLENGTH - 8) }
            /^;; flags:/ { aa = ($0 ~ / aa[ ;]/) ? "aa" : "-" }
            /^;; AUTHORITY SECTION:/ { sec = "auth: " }
            /^[^;]/ && NF { $3 = ""; gsub(/[ \t]+/, " "); ans[++n] = (sec == "" ? 1 : 2) sec $0 }
            END {
                for (i = 2; i <= n; i++)            # insertion sort
                    for (j = i; j > 1 && ans[j - 1] > ans[j]; j--) { x = ans[j]; ans[j] = ans[j - 1]; ans[j - 1] = x }
                line = sprintf("%s %s\t%s %s", q, t, st == "" ? "NO-ANSWER" : st, aa)
                for (i = 1; i <= n; i++) line = line " | " substr(ans[i], 2)
                print line
            }'
    done
}

# Questions on which servers $1 and $2 disagree.
answer_diff() {
    paste -d '\n' "$work/$1/answers.txt" "$work/$2/answers.txt" | awk -F '\t' -v a="$1" -v b="$2" '
        NR % 2 { l = $0; q = $1; x = $2; next }
        $0 != l { printf "    %s\n      %-9s %s\n      %-9s %s\n", q, a ":", x, b ":", $2 }'
}

# dnsperf ARGS... > report.  Run in the background and waited for, so that
# an interrupt reaches our trap at once: bash would otherwise let dnsperf
# handle ^C, finish its report, and go on with the next step.
perf() {
    local e=()
    [ "$edns" = 1 ] && e=(-e)
    "${client_pin[@]}" dnsperf -s 127.0.0.1 -d "$queries" -c "$clients" -T 1 -t 5 "${e[@]}" "$@" 2>&1 &
    client=$!
    wait "$client"
}

# Fields of a dnsperf report.
pf() {
    case $2 in
    qps) sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' "$1" ;;
    sent) sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' "$1" ;;
    completed) sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' "$1" ;;
    lost) sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' "$1" ;;
    rcodes) sed -n 's/^ *Response codes: *//p' "$1" ;;
    rsize) sed -n 's/^ *Average packet size: *request [0-9]*, response \([0-9]*\).*/\1/p' "$1" ;;
    esac | sed -n 1p
}

# Total Ir over all callgrind output files in a directory.
sum_ir() {
    local f total=0 v
    for f in "$1"/cg.*.out; do
        [ -e "$f" ] || continue
        v=$(awk '/^totals:/ { t = $2 } /^summary:/ { s = $2 } END { print (t != "" ? t : s) }' "$f")
        [ -n "$v" ] && total=$((total + v))
    done
    echo "$total"
}

calc() { awk "BEGIN { $1 }"; }

declare -A r_other r_rsize r_qps r_lost r_cpu r_qpc r_ipq r_note r_ver r_rcodes
ran=()

bench_server() {
    local s=$1 d=$work/$1 rep
    r_note[$s]=""
    if [ "$s" = steerdns ] && [ ! -x "$steerdns_bin" ]; then
        say "steerdns: binary $steerdns_bin not found or not executable -- skipped"
        r_note[$s]="not run: binary missing"
        return 0
    fi
    mkdir -p "$d"
    r_ver[$s]=$(server_version "$s")
    say "$s (${r_ver[$s]}) on 127.0.0.1:${port[$s]}"

    # --- throughput and CPU time, native
    if ! start "$s" "$d/native.log"; then
        r_note[$s]="not run: failed to start (see log)"
        return 0
    fi
    if [ "$s" = steerdns ] && [ "${r_ver[$s]}" = steerdns ]; then
        # steerdns names its version in its "ready" line on stderr.
        local v
        v=$(sed -n 's/.*ready.*version \([^ ,;]*\).*/\1/p' "$d/native.log" | sed -n 1p)
        [ -z "$v" ] || r_ver[$s]="steerdns $v"
    fi
    answers "${port[$s]}" >"$d/answers.txt"
    perf -p "${port[$s]}" -l 1 >"$d/warmup.txt" || true
    local c0 c1 o0 o1
    o0=$(other_cpu "$spid")
    c0=$(cpu_seconds "$spid")
    perf -p "${port[$s]}" -l "$duration" >"$d/dnsperf.txt" || true
    c1=$(cpu_seconds "$spid")
    o1=$(other_cpu "$spid")
    r_other[$s]=$(calc "printf \"%.2f\", $o1 - $o0")
    stop_server "$spid"
    if [ "$s" = steerdns ] && grep -q 'health:' "$d/native.log"; then
        r_note[$s]="health states changed during the run (see its log)"
    fi
    rep=$d/dnsperf.txt
    r_qps[$s]=$(pf "$rep" qps)
    r_lost[$s]=$(pf "$rep" lost)
    r_rcodes[$s]=$(pf "$rep" rcodes)
    r_rsize[$s]=$(pf "$rep" rsize)
    local done_q
    done_q=$(pf "$rep" completed)
    [ -n "${r_qps[$s]}" ] || { r_note[$s]="dnsperf failed (see $rep)"; cat "$rep" >&2; }
    r_cpu[$s]=$(calc "printf \"%.2f\", $c1 - $c0")
    r_qpc[$s]=$(calc "c = $c1 - $c0; if (c > 0 && \"$done_q\" != \"\") printf \"%.0f\", $done_q / c; else printf \"n/a\"")
    say "$s: ${r_qps[$s]:-?} qps, lost ${r_lost[$s]:-?}, server CPU ${r_cpu[$s]} s"

    # --- instructions per query, under callgrind
    r_ipq[$s]="n/a"
    [ "$do_callgrind" = 1 ] || { ran+=("$s"); return 0; }
    local n ir=() nq=() i cgd reps lost
    for n in "$cg_n1" "$cg_n2"; do
        cgd=$d/cg-$n
        mkdir -p "$cgd"
        if ! start "$s" "$cgd/server.log" valgrind --tool=callgrind --trace-children=yes \
                --vgdb=no --dump-instr=no --callgrind-out-file="$cgd/cg.%p.out"; then
            r_note[$s]="${r_note[$s]}${r_note[$s]:+; }callgrind start failed"
            ran+=("$s"); return 0
        fi
        reps=$(( (n + nq_file - 1) / nq_file ))
        perf -p "${port[$s]}" -n "$reps" -Q "$cg_rate" >"$cgd/dnsperf.txt" || true
        stop_server "$spid"
        lost=$(pf "$cgd/dnsperf.txt" lost)
        if [ "${lost:-1}" != 0 ]; then
            say "$s: WARNING: $lost queries lost under callgrind (try a lower --cg-rate)"
            r_note[$s]="${r_note[$s]}${r_note[$s]:+; }callgrind run lost ${lost:-?} queries"
        fi
        ir+=("$(sum_ir "$cgd")")
        nq+=("$(pf "$cgd/dnsperf.txt" completed)")
        local files=("$cgd"/cg.*.out)
        say "$s: callgrind ${nq[-1]:-?} queries answered, ${ir[-1]} Ir in ${#files[@]} process(es)"
    done
    if [ -n "${nq[0]}" ] && [ -n "${nq[1]}" ] && [ "${nq[1]}" -gt "${nq[0]}" ] \
            && [ "${ir[0]}" -gt 0 ] && [ "${ir[1]}" -gt 0 ]; then
        r_ipq[$s]=$(calc "printf \"%.0f\", (${ir[1]} - ${ir[0]}) / (${nq[1]} - ${nq[0]})")
    fi
    ran+=("$s")
}

for s in "${servers[@]}"; do
    bench_server "$s"
done

# ---------------------------------------------------------------- answers check
ref=""
check=""
for s in "${ran[@]}"; do
    [ -s "$work/$s/answers.txt" ] || continue
    if [ -z "$ref" ]; then ref=$s; continue; fi
    if cmp -s "$work/$ref/answers.txt" "$work/$s/answers.txt"; then
        check+="  $s: same answers as $ref"$'\n'
    else
        check+="  $s: ANSWERS DIFFER from $ref on:"$'\n'
        check+=$(answer_diff "$ref" "$s")$'\n'
    fi
done

# ---------------------------------------------------------------- report
ratio() {   # ratio A B -> A/B with 2 decimals, or n/a
    calc "a = \"$1\"; b = \"$2\"; if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf \"%.2f\", a / b; else printf \"n/a\""
}

{
    echo "steerdns benchmark -- $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host: $(uname -n), kernel $(uname -sr) $(uname -m), $(nproc) CPU(s): $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "server threads/processes: $threads   dnsperf clients: $clients   throughput run: ${duration} s   EDNS0: $([ "$edns" = 1 ] && echo yes || echo no)"
    echo "CPU pinning: $pin_note"
    if [ "$do_callgrind" = 1 ]; then
        echo "callgrind runs: $cg_n1 and $cg_n2 queries at <= $cg_rate qps; Ir/query = (Ir2-Ir1)/(answered2-answered1)"
    else
        echo "callgrind: skipped"
    fi
    echo "query mix: $nq_file questions (70% www A/AAAA, SOA/NS/MX/TXT/SRV, CNAME, referral, NXDOMAIN, NODATA); dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p')"
    echo "zones: steerdns ${zone_conf:-$repo_zone (health checks removed)}; peers $zone_file"
    echo "all servers on 127.0.0.1, measured one after the other in this run"
    echo
    printf "%-9s %10s %8s %7s %9s %9s %6s  %s\n" server qps lost "cpu-s" "q/cpu-s" "Ir/query" "resp-B" version
    for s in "${servers[@]}"; do
        if [[ " ${ran[*]} " == *" $s "* ]]; then
            printf "%-9s %10s %8s %7s %9s %9s %6s  %s\n" "$s" "$(calc "printf \"%.0f\", 0${r_qps[$s]:-0}")" \
                "${r_lost[$s]:-?}" "${r_cpu[$s]:-?}" "${r_qpc[$s]:-?}" "${r_ipq[$s]:-?}" "${r_rsize[$s]:-?}" "${r_ver[$s]:-}"
        else
            printf "%-9s %s\n" "$s" "${r_note[$s]:-not run}"
        fi
    done
    echo
    echo "qps: answered queries per second (dnsperf); lost: unanswered queries"
    echo "cpu-s: server CPU seconds (user+system, all threads/processes) during the run"
    echo "q/cpu-s: answered queries per server CPU second; Ir/query: user-space instructions per query (callgrind)"
    echo "resp-B: average response size in bytes (servers differ in what they put in the additional section)"
    notes=""
    for s in "${ran[@]}"; do
        if calc "exit !(${r_other[$s]:-0} > 0.05 * $duration)"; then
            notes+="  $s: other processes used ${r_other[$s]} CPU s during its ${duration} s run:"
            notes+=" the machine was not quiet, qps and cpu-s are disturbed"$'\n'
        fi
    done
    for s in "${servers[@]}"; do
        [[ " ${ran[*]} " == *" $s "* ]] && [ -n "${r_note[$s]}" ] && notes+="  $s: ${r_note[$s]}"$'\n'
    done
    if [ -n "$notes" ]; then echo; echo "notes:"; printf "%s" "$notes"; fi
    echo
    if [[ " ${ran[*]} " == *" steerdns "* ]] && [ ${#ran[@]} -gt 1 ]; then
        echo "ratios (qps and q/cpu-s: >1 means steerdns is better; Ir/query: <1 means steerdns is better)"
        printf "%-18s %8s %9s %9s\n" "" qps "q/cpu-s" "Ir/query"
        for s in "${ran[@]}"; do
            [ "$s" = steerdns ] && continue
            printf "%-18s %8s %9s %9s\n" "steerdns/$s" \
                "$(ratio "${r_qps[steerdns]}" "${r_qps[$s]}")" \
                "$(ratio "${r_qpc[steerdns]}" "${r_qpc[$s]}")" \
                "$(ratio "${r_ipq[steerdns]}" "${r_ipq[$s]}")"
        done
    else
        echo "ratios: n/a (steerdns was not measured in this run)"
    fi
    echo
    echo "response codes seen by dnsperf:"
    for s in "${ran[@]}"; do echo "  $s: ${r_rcodes[$s]:-?}"; done
    if [ -n "$ref" ]; then
        echo "answer check (rcode, AA bit, answer and authority sections of each distinct question):"
        if [ -n "$check" ]; then printf "%s" "$check"; else echo "  only $ref answered"; fi
        if [ "$ref" = steerdns ] && [ ${#ran[@]} -gt 1 ]; then
            echo "  (steerdns chooses the addresses of its managed names, such as www, per query;"
            echo "  the peers serve static RRsets of the same size, so those addresses may differ)"
        fi
    fi
} >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
echo "(written to $out)" >&2
