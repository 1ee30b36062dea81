#!/bin/bash
# 14-resolver: a real resolver (Debian's unbound, iterator only, with a
# stub zone for lb.example pointing at steerdns) resolves our names: the
# answers it gives clients match our records, including a CNAME chased
# inside the zone, NXDOMAIN and NODATA.  Loopback only: unbound is told
# to refuse everything but lb.example.
. "$(dirname "$0")/lib.sh"
require_tool unbound
standard_setup

UPORT=$(port 9)
U=$T/unbound
mkdir "$U"
cat >"$U/unbound.conf" <<EOF
server:
    interface: 127.0.0.1@$UPORT
    port: $UPORT
    do-ip6: no
    username: ""
    chroot: ""
    directory: "$U"
    pidfile: "$U/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 1
    do-daemonize: no
    module-config: "iterator"
    domain-insecure: "lb.example"
    do-not-query-localhost: no
    qname-minimisation: no
    target-fetch-policy: "0 0 0 0 0"
    harden-referral-path: no
    prefetch: no
    num-threads: 1
    outgoing-range: 64
    access-control: 127.0.0.0/8 allow
    # never leave the loopback: refuse anything outside lb.example
    local-zone: "." refuse
    local-zone: "lb.example." transparent
stub-zone:
    name: "lb.example"
    stub-addr: 127.0.0.1@$PORT
EOF

if ! unbound-checkconf "$U/unbound.conf" >"$T/unbound-checkconf.log" 2>&1; then
    show "$T/unbound-checkconf.log"
    bail "unbound-checkconf rejected the generated configuration"
fi
unbound -d -c "$U/unbound.conf" >"$T/unbound.log" 2>&1 </dev/null &
UPID=$!
PIDS="$PIDS $UPID"

# wait (bounded) until unbound answers; a REFUSED for "." is enough
n=100
while [ "$n" -gt 0 ]; do
    if dig @127.0.0.1 -p "$UPORT" +time=1 +tries=1 . SOA 2>/dev/null | grep -q 'status: REFUSED'; then
        break
    fi
    alive "$UPID" || { show "$T/unbound.log"; bail "unbound exited"; }
    sleep 0.1
    n=$((n - 1))
done
[ "$n" -gt 0 ] || { show "$T/unbound.log"; bail "unbound did not answer within 10 s"; }

uq() { # uq ARGS: dig against unbound (recursion desired)
    dig @127.0.0.1 -p "$UPORT" +time=5 +tries=1 +nostats "$@" >"$DIG_OUT" 2>&1
}

uq www.lb.example A
expect_eq "via unbound: www A status" NOERROR "$(d_status)" "$DIG_OUT"
expect_eq "via unbound: www A has RD and RA (from the resolver)" "rd=set ra=set" \
    "rd=$(d_flag rd) ra=$(d_flag ra)" "$DIG_OUT"
expect_eq "via unbound: www A addresses" "192.0.2.10
192.0.2.11" "$(d_section ANSWER | awk '$4 == "A" {print $5}' | sort)" "$DIG_OUT"
expect_eq "via unbound: www A owner and TTL <= 30" "ok" \
    "$(d_section ANSWER | awk '$1 != "www.lb.example." || $2 > 30 {bad = 1} END {print (NR == 2 && !bad) ? "ok" : "bad"}')" "$DIG_OUT"

uq www.lb.example AAAA
expect_eq "via unbound: www AAAA addresses" "2001:db8::10
2001:db8::11" "$(d_section ANSWER | awk '$4 == "AAAA" {print $5}' | sort)" "$DIG_OUT"

uq docs.lb.example A
expect_eq "via unbound: docs A status" NOERROR "$(d_status)" "$DIG_OUT"
expect_match "via unbound: docs A has the CNAME" '^docs\.lb\.example\. [0-9]+ IN CNAME www\.lb\.example\.$' \
    "$(d_section ANSWER)" "$DIG_OUT"
expect_eq "via unbound: docs A addresses" "192.0.2.10
192.0.2.11" "$(d_section ANSWER | awk '$4 == "A" {print $5}' | sort)" "$DIG_OUT"

uq chain.lb.example A
expect_eq "via unbound: chain A addresses (two CNAMEs)" "192.0.2.10
192.0.2.11" "$(d_section ANSWER | awk '$4 == "A" {print $5}' | sort)" "$DIG_OUT"

uq lb.example MX
expect_eq "via unbound: MX" "lb.example. MX 10 mail.lb.example." \
    "$(d_section ANSWER | awk '{print $1, $4, $5, $6}')" "$DIG_OUT"

uq nx.lb.example A
expect_eq "via unbound: nx A is NXDOMAIN" NXDOMAIN "$(d_status)" "$DIG_OUT"
uq svc.lb.example A
expect_eq "via unbound: svc A (empty non-terminal) is NODATA" "NOERROR 0" \
    "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
uq www.lb.example TXT
expect_eq "via unbound: www TXT is NODATA" "NOERROR 0" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"

# the resolver reached us, not some other server: our log may be quiet, so
# ask once more with a name only our zone has
uq _sip._udp.lb.example SRV
expect_eq "via unbound: SRV" "10 60 5060 sip.lb.example." \
    "$(d_section ANSWER | awk '{print $5, $6, $7, $8}')" "$DIG_OUT"

kill -TERM "$UPID" 2>/dev/null
wait_gone "$UPID" 5 || kill -KILL "$UPID" 2>/dev/null
wait "$UPID" 2>/dev/null

stop_daemon
finish
