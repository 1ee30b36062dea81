#!/bin/bash
# 16-load: a short, bounded load with dnsperf over loopback (UDP, then
# TCP, then UDP with EDNS): rate-limited so that a correct server loses
# nothing; every query completes, the response codes are the expected
# ones, and the daemon answers and stops cleanly afterwards.
. "$(dirname "$0")/lib.sh"
require_tool dnsperf
standard_setup

cat >"$T/queries" <<'EOF'
www.lb.example A
www.lb.example AAAA
docs.lb.example A
chain.lb.example A
nx.lb.example A
svc.lb.example A
x.sub.lb.example A
lb.example SOA
lb.example NS
lb.example MX
_sip._udp.lb.example SRV
host.second.test A
example.com A
EOF
perf() { # perf DESC dnsperf-options...
    desc=$1; shift
    timeout 60 dnsperf -s 127.0.0.1 -p "$PORT" -d "$T/queries" -l 3 -Q 1500 -c 4 -t 2 "$@" \
        >"$T/perf.out" 2>&1
    rc=$?
    sent=$(sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' "$T/perf.out")
    done_=$(sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' "$T/perf.out")
    lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' "$T/perf.out")
    codes=$(sed -n 's/^ *Response codes: *//p' "$T/perf.out")
    expect_eq "$desc: dnsperf ran (exit 0)" 0 "$rc" "$T/perf.out"
    if [ -n "$sent" ] && [ "$sent" -ge 1000 ]; then ok "$desc: $sent queries sent"
    else notok "$desc: at least 1000 queries sent" "sent: ${sent:-?}"; show "$T/perf.out"; fi
    expect_eq "$desc: no query lost" "0" "${lost:-?}" "$T/perf.out"
    expect_eq "$desc: every query completed" "${sent:-x}" "${done_:-y}"
    expect_nomatch "$desc: no SERVFAIL/FORMERR/NOTIMP" 'SERVFAIL|FORMERR|NOTIMP' "$codes"
    expect_match "$desc: NOERROR, NXDOMAIN and REFUSED seen" 'NOERROR.*NXDOMAIN.*REFUSED|NOERROR.*REFUSED.*NXDOMAIN' "$codes"
}

perf "UDP load"
perf "TCP load" -m tcp
perf "UDP load with EDNS and DO" -e -D

dq www.lb.example A
expect_eq "after the load: www A answered" "NOERROR 2" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
stop_daemon
finish
