# lib.sh -- helpers sourced by the steerdns integration tests
# (tests/integration/NN-name.sh).  POSIX-ish bash; needs dig, python3.
#
# Works under `make check` (cwd = top build dir, $srcdir = top source dir,
# possibly a different directory: make distcheck) and by hand from the top
# of the repository: `tests/integration/01-basic.sh`.
#
# Environment knobs:
#   STEERDNS                  the daemon to test (default: src/steerdns of
#                             the build dir, else of the source dir)
#   STEERDNS_TEST_PORT_BASE   first port (default 20000); test NN uses
#                             BASE+10*NN .. BASE+10*NN+9
#   STEERDNS_TEST_KEEP        keep the temporary directory (logs, configs)
#   STEERDNS_TEST_SLOW        N > 1: the daemon runs N times slower than
#                             usual (make check-valgrind sets it): bounds on
#                             waits are N times longer, and timing
#                             assertions that cannot widen are skipped
#                             (timing_skip)
#   PYTHON                    python3 interpreter (default: python3, or
#                             /usr/bin/python3 when only that one has
#                             dnspython)
# SPDX-License-Identifier: ISC

# ------------------------------------------------------------ locations
TI_SRC=$(cd "$(dirname "$0")" && pwd)
if [ -n "${top_srcdir:-}" ] && [ -d "$top_srcdir/tests/integration" ]; then
    top_srcdir=$(cd "$top_srcdir" && pwd)
elif [ -n "${srcdir:-}" ] && [ -d "$srcdir/tests/integration" ]; then
    top_srcdir=$(cd "$srcdir" && pwd)
else
    top_srcdir=$(cd "$TI_SRC/../.." && pwd)
fi
TI_ZONES=$TI_SRC/zones
TI_CONF=$TI_SRC/conf
: "${top_builddir:=$PWD}"
if [ -z "${STEERDNS:-}" ]; then
    for cand in "$top_builddir/src/steerdns" "$top_srcdir/src/steerdns"; do
        if [ -x "$cand" ]; then STEERDNS=$cand; break; fi
    done
fi
# The python checks need dnspython (Debian python3-dnspython), which Debian
# installs for /usr/bin/python3; a python3 earlier in PATH (pyenv, a venv)
# may not see it.
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    if ! python3 -c 'import dns.message' 2>/dev/null &&
        /usr/bin/python3 -c 'import dns.message' 2>/dev/null; then
        PYTHON=/usr/bin/python3
    fi
fi

TEST_NAME=$(basename "$0" .sh)
TEST_NUM=$(printf '%s\n' "$TEST_NAME" | sed -n 's/^\([0-9][0-9]*\).*/\1/p')
: "${TEST_NUM:=99}"
PORT_BASE=$(( ${STEERDNS_TEST_PORT_BASE:-20000} + 10 * 10#$TEST_NUM ))
PORT=$PORT_BASE          # port of the "current" daemon
ADDR=127.0.0.1           # address dq/kq/py talk to by default
export PORT ADDR

# A positive integer; 1 unless the daemon runs under valgrind or the like.
SLOW=${STEERDNS_TEST_SLOW:-1}
case $SLOW in ''|*[!0-9]*|0) echo "STEERDNS_TEST_SLOW: not a positive integer" >&2; exit 99 ;; esac

PASS=0
FAIL=0
SKIPPED=0
PIDS=""                  # every process we started (daemons, unbound)
T=$(mktemp -d "${TMPDIR:-/tmp}/steerdns-$TEST_NAME.XXXXXX") || exit 99

# port N: the N-th port (0..9) of this test
port() { echo $(( PORT_BASE + $1 )); }

# ------------------------------------------------------------- reporting
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }

# notok DESC [DETAIL-LINE...]
notok() {
    FAIL=$((FAIL + 1))
    echo "not ok - $1"
    shift
    for l in "$@"; do printf '#   %s\n' "$l"; done
}

# show FILE: a file's content as TAP comments
show() { [ -f "$1" ] && sed 's/^/#   | /' "$1"; return 0; }

# expect_eq DESC EXPECTED GOT [FILE-TO-SHOW-ON-FAILURE]
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        notok "$1" "expected: $2" "     got: $3"
        [ -n "${4:-}" ] && show "$4"
    fi
    return 0
}

# expect_match DESC ERE GOT [FILE]
expect_match() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else
        notok "$1" "expected to match: $2" "                got: $3"
        [ -n "${4:-}" ] && show "$4"
    fi
    return 0
}

# expect_nomatch DESC ERE GOT [FILE]
expect_nomatch() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then
        notok "$1" "expected NOT to match: $2" "                    got: $3"
        [ -n "${4:-}" ] && show "$4"
    else ok "$1"; fi
    return 0
}

# check DESC CMD...: ok when CMD succeeds
check() {
    d=$1; shift
    if "$@"; then ok "$d"; else notok "$d" "command failed: $*"; fi
    return 0
}

skip() { echo "SKIP: $*"; SKIPPED=1; exit 77; }

# slowed N: N times $SLOW (a bound in seconds or milliseconds)
slowed() { echo $(( $1 * SLOW )); }

# timed: true when timing assertions hold, that is when the daemon runs at
# its normal speed.  Use as `if timed; then expect...; else vg_skip DESC
# WHY; fi` for a check no wider bound can save.
timed() { [ "$SLOW" -eq 1 ]; }

# under_valgrind: $STEERDNS is tests/valgrind/steerdns (make check-valgrind)
under_valgrind() {
    [ "$(head -c 2 "$STEERDNS" 2>/dev/null)" = '#!' ] &&
        grep -q 'exec valgrind' "$STEERDNS"
}

# vg_skip DESC WHY: one assertion not made under valgrind, as a TAP skip
vg_skip() { echo "ok - $1 # SKIP skipped under valgrind: $2"; }

bail() {
    notok "Bail out! $*"
    exit 1
}

require_tool() {
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
    done
}

finish() {
    echo "# $TEST_NAME"
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ] && exit 0
    exit 1
}

# ms_now: a clock in milliseconds
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_until MS CMD...: poll CMD every 0.1 s for up to MS milliseconds
# (times $SLOW); sets WAITED ("0.81s")
# shellcheck disable=SC2034
wait_until() {
    lim=$(( $1 * SLOW )); shift
    t0=$(ms_now)
    while :; do
        if "$@"; then
            el=$(( $(ms_now) - t0 ))
            WAITED=$(printf '%d.%02ds' $((el / 1000)) $((el % 1000 / 10)))
            return 0
        fi
        [ $(( $(ms_now) - t0 )) -gt "$lim" ] && return 1
        sleep 0.1
    done
}

# ------------------------------------------------------------ processes
# alive PID: the process exists and is not a zombie
alive() {
    [ -r "/proc/$1/stat" ] || return 1
    st=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_gone PID SECONDS: poll until PID has exited; 1 on timeout
wait_gone() {
    n=$(( $2 * 20 ))
    while [ "$n" -gt 0 ]; do
        alive "$1" || return 0
        sleep 0.05
        n=$((n - 1))
    done
    ! alive "$1"
}

cleanup() {
    rc=$?
    for p in $PIDS; do
        if alive "$p"; then
            kill -TERM "$p" 2>/dev/null
            wait_gone "$p" "$(slowed 5)" || kill -KILL "$p" 2>/dev/null
        fi
        wait "$p" 2>/dev/null
    done
    if [ -n "${STEERDNS_TEST_KEEP:-}" ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; }; then
        if [ -n "${STEERDNS_TEST_KEEP:-}" ]; then
            echo "# kept $T"
        else
            for f in "$T"/*.log; do
                [ -f "$f" ] || continue
                echo "# ---- $f (last 40 lines)"
                tail -n 40 "$f" | sed 's/^/#   | /'
            done
        fi
    fi
    [ -n "${STEERDNS_TEST_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

need_daemon() {
    if [ -z "${STEERDNS:-}" ] || [ ! -x "$STEERDNS" ]; then
        echo "ERROR: steerdns binary not found (looked in $top_builddir/src" \
             "and $top_srcdir/src; set STEERDNS=)" >&2
        exit 99
    fi
}

# --------------------------------------------------------------- configs
# copy_zone NAME [DIR]: copy tests/integration/zones/NAME into DIR (def. $T)
copy_zone() { cp "$TI_ZONES/$1" "${2:-$T}/$1"; }

# main_conf FILE PORT "zone.conf ..." [workers=N] [edns_payload=N]
#           [tcp_timeout=N] [tcp_clients=N] [listen=v4|v6|both]
#           [control=PATH] [metrics=ADDRESS:PORT]
# Writes a main configuration listening on 127.0.0.1:PORT and [::1]:PORT,
# with no metrics unless given (tests run in parallel: no shared port).
main_conf() {
    f=$1 p=$2 zl=$3
    shift 3
    w=2 ep=1232 tt=10 tc=512 ls=both ctl="" mx=""
    for kv in "$@"; do
        case $kv in
            control=*) ctl="  control = \"${kv#*=}\";" ;;
            metrics=*) mx=${kv#*=} ;;
            workers=*) w=${kv#*=} ;;
            edns_payload=*) ep=${kv#*=} ;;
            tcp_timeout=*) tt=${kv#*=} ;;
            tcp_clients=*) tc=${kv#*=} ;;
            listen=*) ls=${kv#*=} ;;
            *) echo "main_conf: bad option $kv" >&2; exit 99 ;;
        esac
    done
    case $ls in
        v4) l="\"127.0.0.1:$p\"" ;;
        v6) l="\"[::1]:$p\"" ;;
        *) l="\"127.0.0.1:$p\", \"[::1]:$p\"" ;;
    esac
    zs=""
    for z in $zl; do zs="${zs:+$zs, }\"$z\""; done
    cat >"$f" <<EOF
# generated by $TEST_NAME
server = {
  listen = [ $l ];
  workers = $w;
  edns_payload = $ep;
  tcp_timeout = $tt;
  tcp_clients = $tc;
  metrics = "$mx";
$ctl
};
zones = [ $zs ];
EOF
}

# standard_setup [main_conf options...]: test zones + config in $T,
# daemon started on port 0 of this test.  Sets CONF.
standard_setup() {
    need_daemon
    copy_zone lb.example.conf
    copy_zone second.test.conf
    CONF=$T/steerdns.conf
    main_conf "$CONF" "$(port 0)" "lb.example.conf second.test.conf" "$@"
    start_daemon "$CONF" || bail "daemon did not start"
}

# ---------------------------------------------------------------- daemon
# start_daemon CONF [PORT]: start `steerdns -f -c CONF`, wait (<= 10 s
# times $SLOW) for a line containing "ready".  Sets DAEMON_PID, DAEMON_LOG
# and PORT.
DAEMON_N=0
start_daemon() {
    need_daemon
    DAEMON_N=$((DAEMON_N + 1))
    DAEMON_LOG=$T/daemon$DAEMON_N.log
    "$STEERDNS" -f -c "$1" >"$DAEMON_LOG" 2>&1 </dev/null &
    DAEMON_PID=$!
    PIDS="$PIDS $DAEMON_PID"
    [ -n "${2:-}" ] && PORT=$2
    [ -z "${2:-}" ] && PORT=$(sed -n 's/.*"127\.0\.0\.1:\([0-9]*\)".*/\1/p;s/.*"\[::1\]:\([0-9]*\)".*/\1/p' "$1" | head -n 1)
    export PORT
    n=$(slowed 200)   # 10 s
    while [ "$n" -gt 0 ]; do
        if grep -qw ready "$DAEMON_LOG" 2>/dev/null; then
            return 0
        fi
        if ! alive "$DAEMON_PID"; then
            wait "$DAEMON_PID"
            st=$?
            notok "steerdns started with $(basename "$1")" \
                "daemon exited with status $st before printing 'ready'"
            show "$DAEMON_LOG"
            return 1
        fi
        sleep 0.05
        n=$((n - 1))
    done
    notok "steerdns started with $(basename "$1")" \
        "no 'ready' line within $(slowed 10) s"
    show "$DAEMON_LOG"
    return 1
}

# stop_daemon [PID] [LOG]: SIGTERM; asserts exit within 5 s (times $SLOW)
# with status 0 and no sanitizer report in the log.
stop_daemon() {
    p=${1:-$DAEMON_PID}
    lg=${2:-$DAEMON_LOG}
    kill -TERM "$p" 2>/dev/null
    if wait_gone "$p" "$(slowed 5)"; then
        wait "$p"
        st=$?
        expect_eq "steerdns (pid $p) exits with status 0 on SIGTERM" 0 "$st" "$lg"
    else
        notok "steerdns (pid $p) exits within $(slowed 5) s of SIGTERM" "still running"
        show "$lg"
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    fi
    if grep -Eq 'ERROR: [A-Za-z]*Sanitizer|runtime error:' "$lg"; then
        notok "no sanitizer report in the daemon log"
        show "$lg"
    fi
    return 0
}

# ------------------------------------------------------------------- dig
# dq [@ADDR] ARGS...: dig against the current daemon; output in $DIG_OUT.
DIG_OUT=$T/dig.out
dq() {
    srv=@$ADDR
    case ${1:-} in @*) srv=$1; shift ;; esac
    dig "$srv" -p "$PORT" +time=2 +tries=1 +nostats "$@" >"$DIG_OUT" 2>&1
    DIG_RC=$?
    return 0
}

# d_status [FILE]: status of the (first) response, e.g. NOERROR
d_status() { sed -n 's/^;; ->>HEADER<<-.* status: \([A-Z0-9]*\),.*/\1/p' "${1:-$DIG_OUT}" | head -n 1; }
# d_opcode [FILE]
d_opcode() { sed -n 's/^;; ->>HEADER<<- opcode: \([A-Z0-9]*\),.*/\1/p' "${1:-$DIG_OUT}" | head -n 1; }
# d_id [FILE]
d_id() { sed -n 's/^;; ->>HEADER<<-.* id: \([0-9]*\).*/\1/p' "${1:-$DIG_OUT}" | head -n 1; }
# d_flags [FILE]: header flags, e.g. "qr aa rd"
d_flags() { sed -n 's/^;; flags:\([a-z ]*\);.*/\1/p' "${1:-$DIG_OUT}" | head -n 1 | sed 's/^ *//;s/ *$//'; }
# d_flag FLAG [FILE]: prints "set" or "clear"
d_flag() {
    if d_flags "${2:-$DIG_OUT}" | tr ' ' '\n' | grep -qx "$1"; then echo set; else echo clear; fi
}
# d_count SECTION [FILE]: QUERY|ANSWER|AUTHORITY|ADDITIONAL count
d_count() { sed -n "s/^;; flags:.* $1: \([0-9]*\).*/\1/p" "${2:-$DIG_OUT}" | head -n 1; }
# d_section SECTION [FILE]: records of a section, whitespace-normalised,
# sorted, one per line (ANSWER, AUTHORITY, ADDITIONAL)
d_section() {
    awk -v s=";; $1 SECTION:" '$0 == s {f = 1; next} f && (/^$/ || /^;; [A-Z]+ SECTION:/) {exit} f && !/^;/ {print}' "${2:-$DIG_OUT}" |
        tr -s ' \t' '  ' | LC_ALL=C sort
}
# d_section_lc: same, names lower-cased
d_section_lc() { d_section "$@" | tr 'A-Z' 'a-z'; }
# d_edns_udp [FILE]: the EDNS udp size of the response, empty if no OPT
d_edns_udp() { sed -n 's/^; EDNS: version: [0-9]*, flags:[^;]*; udp: \([0-9]*\).*/\1/p' "${1:-$DIG_OUT}" | head -n 1; }
d_edns_version() { sed -n 's/^; EDNS: version: \([0-9]*\),.*/\1/p' "${1:-$DIG_OUT}" | head -n 1; }
d_edns_flags() { sed -n 's/^; EDNS: version: [0-9]*, flags:\([^;]*\);.*/\1/p' "${1:-$DIG_OUT}" | head -n 1 | sed 's/^ *//;s/ *$//'; }

# oneline: join lines with " | " (for compact expected/got)
oneline() { tr '\n' '|' | sed 's/|$//;s/|/ | /g'; }

# order [dig options...] NAME [TYPE]: dig +short (type A by default); the
# lines of the answer in order, on one line
order() { dq +short "$@"; tr '\n' ' ' <"$DIG_OUT" | sed 's/ *$//'; }

# addrs NAME: the A records of NAME, sorted, space separated
addrs() {
    dq "$1" A
    d_section ANSWER | awk '$4 == "A" {print $5}' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# has NAME ADDRESS: ADDRESS is among the A records of NAME
has() { addrs "$1" | tr ' ' '\n' | grep -qx "$2"; }

# logged FILE TEXT: the fixed string TEXT is in FILE (a daemon's log)
logged() { grep -qF -- "$2" "$1"; }

# ------------------------------------------------------------------ kdig
KDIG_OUT=$T/kdig.out
kq() {
    srv=@$ADDR
    case ${1:-} in @*) srv=$1; shift ;; esac
    kdig "$srv" -p "$PORT" +timeout=2 +retry=0 +nostats "$@" >"$KDIG_OUT" 2>&1
    KDIG_RC=$?
    return 0
}
# k_status / k_flags / k_section (kdig's text format)
k_status() { sed -n 's/^;; ->>HEADER<<-.* status: \([A-Z0-9]*\);.*/\1/p' "$KDIG_OUT" | head -n 1; }
k_flags() { sed -n 's/^;; Flags: \([a-z ]*\);.*/\1/p' "$KDIG_OUT" | head -n 1 | sed 's/^ *//;s/ *$//'; }
k_section() {
    awk -v s=";; $1 SECTION:" '$0 == s {f = 1; next} f && (/^$/ || /^;; [A-Z]+ SECTION:/) {exit} f && !/^;/ {print}' "$KDIG_OUT" |
        tr -s ' \t' '  ' | LC_ALL=C sort
}

# ------------------------------------------------- steerdnsctl and HTTP
# need_ctl: set CTL to steerdnsctl beside $STEERDNS (or $STEERDNSCTL)
need_ctl() {
    need_daemon
    CTL=${STEERDNSCTL:-$(dirname "$STEERDNS")/steerdnsctl}
    if [ ! -x "$CTL" ]; then
        echo "ERROR: steerdnsctl not found beside $STEERDNS (set STEERDNSCTL=)" >&2
        exit 99
    fi
}

# ctl ARGS...: steerdnsctl -c $CONF ARGS; output in $T/ctl.out and
# $T/ctl.err, exit status in CTL_RC
ctl() {
    "$CTL" -c "$CONF" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
    CTL_RC=$?
    return 0
}

# http METHOD PATH OUT: a request to the daemon's HTTP endpoint on
# 127.0.0.1:$MPORT; prints the status and the Content-Type, the body
# goes to OUT
http() {
    "$PYTHON" - "$1" "$MPORT" "$2" "$3" <<'EOF'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=5)
c.request(sys.argv[1], sys.argv[3])
r = c.getresponse()
body = r.read()
open(sys.argv[4], "wb").write(body)
print(r.status, r.getheader("Content-Type"))
EOF
}

# json_valid FILE: python3 -m json.tool accepts it
json_valid() { "$PYTHON" -m json.tool "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- python
# require_dnspython: skip unless $PYTHON has dnspython (for pycheck.py)
require_dnspython() {
    "$PYTHON" -c 'import dns.message' 2>/dev/null ||
        skip "dnspython not installed for $PYTHON (Debian: python3-dnspython)"
}

# pyrun ARGS...: $PYTHON ARGS with tap.py and pycheck.py importable, HOST
# and PORT of the current daemon exported
pyrun() {
    PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$TI_SRC${PYTHONPATH:+:$PYTHONPATH}" \
        HOST=$ADDR PORT=$PORT "$PYTHON" "$@"
}

# py [ARGS] <<'EOF' ... EOF: run a python check script (see pyrun); its
# ok / not ok lines are counted.
py() {
    pyrun - "$@" >"$T/py.out" 2>&1
    prc=$?
    cat "$T/py.out"
    np=$(grep -c '^ok - ' "$T/py.out")
    nf=$(grep -c '^not ok - ' "$T/py.out")
    PASS=$((PASS + np))
    FAIL=$((FAIL + nf))
    if [ "$prc" -ne 0 ] && [ "$nf" -eq 0 ]; then
        notok "python check exited with status $prc"
    fi
    return 0
}

command -v dig >/dev/null 2>&1 || skip "dig not installed"
command -v "$PYTHON" >/dev/null 2>&1 || skip "$PYTHON not installed"
