#!/bin/bash
# 31-probe-http: what the http and https checks send and what they read.
# Fake backends log every request: path, Host, extra headers, User-Agent
# and the TLS server name (SNI).  https against a self-signed certificate
# made now: verify = false is up, verify = true is down for a certificate
# problem.  Load figures from a header and from the body order a
# least_conn name and changing them changes the shares; a backend that
# answers 150 ms late comes after a quick one in a least_rtt name.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
# Intervals and timeouts, times $SLOW under valgrind (a loop that slow
# would otherwise make every timeout the prober's own lateness).
sc() { awk -v v="$1" -v s="$SLOW" 'BEGIN { printf "%g", v * s }'; }
need_daemon
require_tool openssl

BP=$(port 2)            # plain HTTP backends
TP=$(port 3)            # HTTPS backends

# A self-signed certificate for backend.test.
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -days 2 -subj /CN=backend.test \
    -addext subjectAltName=DNS:backend.test \
    -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1; then
    bail "openssl req failed: $(cat "$T/openssl.log")"
fi
TLS="--tls $T/cert.pem $T/key.pem"

# shellcheck disable=SC2086
{
backend 127.0.0.2 "$BP" ok --log "$T/req.log"
backend 127.0.0.3 "$BP" ok --log "$T/plain.log"
backend 127.0.0.4 "$TP" ok $TLS --log "$T/tls-sni.log"
backend 127.0.0.5 "$TP" ok $TLS --log "$T/tls-verify.log"
backend 127.0.0.6 "$TP" ok $TLS --log "$T/tls-host.log"
backend 127.0.0.7 "$TP" ok $TLS --log "$T/tls-ip.log"
}
echo 30 >"$T/load8"
echo 20 >"$T/load12"
echo " 5 " >"$T/load9"
backend 127.0.0.8 "$BP" loadheader --load "$T/load8"
backend 127.0.0.12 "$BP" loadheader --load "$T/load12"
backend 127.0.0.9 "$BP" loadbody --load "$T/load9"
backend 127.0.0.10 "$BP" ok --delay 0.15
backend 127.0.0.11 "$BP" ok

cat >"$T/http.test.conf" <<EOF
origin = "http.test.";
soa = { mname = "ns1"; rname = "h"; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.1" ];
checks = {
  req = { type = "http"; port = $BP; path = "/health/check?probe=1";
          host = "www.backend.test"; user_agent = "steer-test/1.0";
          headers = [ "X-Probe: steerdns", "X-Trace:  a b c" ];
          interval = $(sc 0.5); timeout = $(sc 0.4); rise = 1; fall = 1; };
  plain = { type = "http"; port = $BP; interval = $(sc 0.5); timeout = $(sc 0.4); };
  tlssni = { type = "https"; port = $TP; sni = "sni.backend.test";
             verify = false; interval = $(sc 1.0); timeout = $(sc 1.0); rise = 1;
             fall = 1; };
  tlsverify = { type = "https"; port = $TP; sni = "backend.test";
                interval = $(sc 1.0); timeout = $(sc 1.0); rise = 1; fall = 1; };
  tlshost = { type = "https"; port = $TP; sni = "sni.backend.test";
              host = "vhost.backend.test"; verify = false;
              interval = $(sc 1.0); timeout = $(sc 1.0); rise = 1; fall = 1; };
  tlsip = { type = "https"; port = $TP; verify = false; interval = $(sc 1.0);
            timeout = $(sc 1.0); rise = 1; fall = 1; };
  load = { type = "http"; port = $BP; load_header = "X-Load";
           load_body = true; interval = $(sc 0.5); timeout = $(sc 0.4); rise = 1;
           fall = 1; };
  rtt = { type = "http"; port = $BP; interval = $(sc 0.5); timeout = $(sc 0.45);
          rise = 1; fall = 1; };
};
pools = {
  req = { check = "req"; members = ( { address = "127.0.0.2"; } ); };
  plain = { check = "plain"; members = ( { address = "127.0.0.3"; } ); };
  tlssni = { check = "tlssni"; members = ( { address = "127.0.0.4"; } ); };
  tlsverify = { check = "tlsverify";
                members = ( { address = "127.0.0.5"; } ); };
  tlshost = { check = "tlshost"; members = ( { address = "127.0.0.6"; } ); };
  tlsip = { check = "tlsip"; members = ( { address = "127.0.0.7"; } ); };
  load = { check = "load"; members = ( { address = "127.0.0.8"; },
           { address = "127.0.0.12"; }, { address = "127.0.0.9"; } ); };
  rtt = { check = "rtt"; members = ( { address = "127.0.0.10"; },
          { address = "127.0.0.11"; } ); };
};
names = {
  req = { pool = "req"; all_down = "servfail"; };
  plain = { pool = "plain"; all_down = "servfail"; };
  tlssni = { pool = "tlssni"; all_down = "servfail"; };
  tlsverify = { pool = "tlsverify"; all_down = "servfail"; };
  tlshost = { pool = "tlshost"; all_down = "servfail"; };
  tlsip = { pool = "tlsip"; all_down = "servfail"; };
  load = { pool = "load"; strategy = "least_conn"; };
  rtt = { pool = "rtt"; strategy = "least_rtt"; };
};
EOF
main_conf "$T/steerdns.conf" "$(port 0)" "http.test.conf" listen=v4
start_daemon "$T/steerdns.conf" || bail "daemon did not start"
LOG1=$DAEMON_LOG

# ---- the request: path, Host, extra headers, User-Agent
expect_eq "req: up" 127.0.0.2 "$(addrs req.http.test)" "$LOG1"
expect_eq "req: the configured path is requested" "/health/check?probe=1" \
    "$(req1 "$T/req.log" path)" "$T/req.log"
expect_eq "req: Host is the configured host" "www.backend.test" \
    "$(req1 "$T/req.log" host)" "$T/req.log"
expect_eq "req: User-Agent is the configured one" "steer-test/1.0" \
    "$(req1 "$T/req.log" ua)" "$T/req.log"
H=$(reqs "$T/req.log" headers)
expect_eq "req: X-Probe arrives once with its value" "X-Probe: steerdns" \
    "$(printf '%s\n' "$H" | grep -i '^X-Probe:')" "$T/req.log"
expect_eq "req: X-Trace arrives once with its value" "X-Trace: a b c" \
    "$(printf '%s\n' "$H" | grep -i '^X-Trace:')" "$T/req.log"
NH=$(printf '%s\n' "$H" | grep -ci '^Host:')
NU=$(printf '%s\n' "$H" | grep -ci '^User-Agent:')
expect_eq "req: one Host header, one User-Agent" "1 1" "$NH $NU" "$T/req.log"
L=$T/plain.log
expect_eq "plain: defaults: path /, Host address:port, steerdns-probe" \
    "/|127.0.0.3:$BP|steerdns-probe" \
    "$(req1 "$L" path)|$(req1 "$L" host)|$(req1 "$L" ua)" "$L"

# ---- https
expect_eq "https verify = false, self-signed: up" 127.0.0.4 \
    "$(addrs tlssni.http.test)" "$LOG1"
expect_eq "https: the backend got the configured sni" "sni.backend.test" \
    "$(req1 "$T/tls-sni.log" sni)" "$T/tls-sni.log"
expect_eq "https: Host defaults to the sni name and port" \
    "sni.backend.test:$TP" "$(req1 "$T/tls-sni.log" host)" "$T/tls-sni.log"
expect_eq "https verify = true, self-signed: down (SERVFAIL)" SERVFAIL \
    "$(status tlsverify.http.test)" "$LOG1"
R="health: 127\.0\.0\.5:$TP \(tlsverify\) up -> down: 1 failure: "
expect_match "https verify = true: down for a certificate problem" \
    "${R}SSL certificate problem: .*self.signed" \
    "$(grep tlsverify "$LOG1")" "$LOG1"
expect_eq "https verify = true: the failed handshake carried the sni" \
    "backend.test" "$(req1 "$T/tls-verify.log" sni tls)" "$T/tls-verify.log"
expect_eq "https sni and host: the sni in TLS, the host in Host" \
    "sni.backend.test|vhost.backend.test" \
    "$(req1 "$T/tls-host.log" sni)|$(req1 "$T/tls-host.log" host)" \
    "$T/tls-host.log"
L=$T/tls-ip.log
expect_eq "https without sni: up, no server name, Host address:port" \
    "127.0.0.7|None|127.0.0.7:$TP" \
    "$(addrs tlsip.http.test)|$(req1 "$L" sni)|$(req1 "$L" host)" "$L"

# ---- load figures: header (127.0.0.8, .12) and body (127.0.0.9)
# least_conn spreads answers by weight / (load + 1)^2 instead of sending all
# to the least loaded (man steerdns.conf, least_load).
# The pool lists .8 .12 .9; loads 30 20 5: shares 3.3%, 7.3%, 89.3%.
F=$(firsts load.http.test 200)
C9=$(count_of 127.0.0.9)
C12=$(count_of 127.0.0.12)
C8=$(count_of 127.0.0.8)
check "least_conn: loads 30/20/5: the least loaded first in 160-196 of 200 ($C9)" \
    [ "$C9" -ge 160 -a "$C9" -le 196 ]
check "least_conn: ... the others first too, .12 more often ($C12 $C8): no herd" \
    [ "$C12" -ge 3 -a "$((C12 + C8))" -ge 4 ]
# setload FILE VALUE: replace the file whole, so that a backend reading it
# for a probe never sees it empty or half written
setload() { echo "$2" >"$1.new" && mv "$1.new" "$1"; }
setload "$T/load8" 2
setload "$T/load9" 50
# first_is NAME ADDR: ADDR came first in 5 answers of 5
first_is() { [ "$(firsts "$1" 5)" = "5 $2" ]; }
if wait_until 3000 first_is load.http.test 127.0.0.8; then
    ok "least_conn: new loads move the answers after $WAITED"
else
    notok "least_conn: new loads move the answers within 3 s" \
        "got: $(firsts load.http.test 5)"
fi
sleep "$(sc 0.6)"       # a round more: every target probed with the new file
# Loads 2 20 50: shares 97.6%, 2.0%, 0.3%.
F=$(firsts load.http.test 200)
C8=$(count_of 127.0.0.8)
C9=$(count_of 127.0.0.9)
check "least_conn: the new loads hold (2 header, 20, 50 body): .8 first in 183-200 of 200 ($C8), .9 in at most 4 ($C9)" \
    [ "$C8" -ge 183 -a "$C9" -le 4 ]
# A body that is no number makes the load unknown (not the last figure,
# not 0): .9 goes after every member that reports one, even .8 at 60.
setload "$T/load9" busy
setload "$T/load8" 60
last_is() { [ "$(order "$1" | awk '{print $NF}')" = "$2" ]; }
wait_until 3000 last_is load.http.test 127.0.0.9
sleep "$(sc 1.1)"       # two more rounds: .9 has been probed with the bad body
O=$(orders load.http.test 20)
expect_eq "least_conn: a body that is no number makes the load unknown: last in 20 of 20" \
    "" "$(printf '%s\n' "$O" | awk '$NF != "127.0.0.9"')" "$LOG1"
expect_eq "... and never first" 0 \
    "$(printf '%s\n' "$O" | awk '$2 == "127.0.0.9" {c += $1} END {print c + 0}')" "$LOG1"

# ---- smoothed RTT: .10 answers 150 ms late, .11 at once
expect_eq "least_rtt: the quick backend first, though listed second" \
    "10 127.0.0.11 127.0.0.10" "$(orders rtt.http.test 10)" "$LOG1"

# A check that failed on our side ("local error: ...").  The notice that
# the prober fell behind on a loaded machine is not one: its late results
# are kept from the targets' state by design (tested in 34).
expect_eq "no check failed with a local error" 0 "$(grep -c 'local error:' "$LOG1")" "$LOG1"
stop_daemon
finish
