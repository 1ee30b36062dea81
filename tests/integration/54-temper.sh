#!/bin/bash
# 54-temper: what a pool does with members that change, through the real
# daemon and real HTTP backends.
# - A target a reload adds is not answered before its first check result
#   while other members are usable (its backend hangs: the first result
#   is a timeout 3 s later), but is answered when nothing else is usable,
#   rather than the name's all_down.
# - slow_start: a member that comes back gets a small share of the
#   answers at first (weighted, first 1) and its whole share later;
#   `members` says so.
# - flap_limit / flap_window: a member that changed state more than the
#   limit within the window stays out while its checks say up, until it
#   has been stable for the window; `members`, explain and /metrics say so.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
need_ctl

MPORT=$(port 1)
BP=$(port 2)
ZF=$T/t.test.conf
CONF=$T/steerdns.conf

# write_zone [added]: the zone; "added" adds a hung member to web2 and a
# pool and name of one hung member
write_zone() {
    more="" solo="" soloname=""
    if [ "${1:-}" = added ]; then
        more='{ address = "127.0.0.4"; },'
        solo='solo = { check = "slow"; members = ( { address = "127.0.0.5"; } ); };'
        soloname='solo = { pool = "solo"; all_down = "servfail"; };'
    fi
    cat >"$ZF.new" <<EOF
origin = "t.test.";
ttl = 300;
soa = { mname = "ns1.t.test."; rname = "hostmaster.t.test.";
        serial = 1; refresh = 3600; retry = 900; expire = 604800;
        minimum = 60; };
ns = [ "ns1.t.test." ];
records = [ "ns1 A 127.0.0.1" ];
checks = {
  fast = { type = "http"; port = $BP; path = "/"; interval = 0.2;
           timeout = 0.15; rise = 1; fall = 1; };
  slow = { type = "http"; port = $BP; path = "/"; interval = 10;
           timeout = 6; rise = 1; fall = 1; };
};
pools = {
  web = { check = "fast"; slow_start = 10; flap_limit = 2; flap_window = 8;
          members = (
    { address = "127.0.0.2"; weight = 100; },
    { address = "127.0.0.3"; weight = 100; }
  ); };
  web2 = { check = "slow"; members = (
    $more
    { address = "127.0.0.6"; }
  ); };
  $solo
};
names = {
  www = { pool = "web"; strategy = "weighted"; max_answers = 1;
          all_down = "servfail"; };
  www2 = { pool = "web2"; strategy = "random"; max_answers = 1;
           all_down = "servfail"; };
  $soloname
};
EOF
    mv "$ZF.new" "$ZF"
}
write_zone
main_conf "$CONF" "$(port 0)" t.test.conf listen=v4 control=ctl.sock \
    metrics="127.0.0.1:$MPORT"

for a in 127.0.0.2 127.0.0.3 127.0.0.6; do backend $a "$BP" ok; done
for a in 127.0.0.4 127.0.0.5; do backend $a "$BP" hang; done
start_daemon "$CONF" || bail "daemon did not start"

# member_line ADDR: its line of `steerdnsctl members`
member_line() { ctl members; grep -F " $1 " "$T/ctl.out"; }
lbl() { echo "{zone=\"t.test.\",pool=\"${2:-web}\",member=\"$1\"}"; }

# ---- a reload adds a member whose first result is 6 s away (dig takes
# some 50 ms a query: the checks below fit in that time)
write_zone added
ctl reload
expect_eq "reload with a hung member added: exit 0" 0 "$CTL_RC" "$T/ctl.err"
dq solo.t.test A
expect_eq "a name with only a pending member answers it, not all_down" \
    "NOERROR 127.0.0.5" "$(d_status) $(d_section ANSWER | awk '{print $5}')" "$DIG_OUT"
F=$(firsts www2.t.test 20)
expect_eq "the added member is not answered before its first result (20 answers)" \
    "20 127.0.0.6" "$F" "$DAEMON_LOG"
expect_match "members: the added member is pending" '\(pending\)' \
    "$(member_line 127.0.0.4)" "$T/ctl.out"
http GET /status "$T/status.html" >/dev/null
expect_match "status page: pending shown" 'pending: no result since the reload' \
    "$(cat "$T/status.html")" "$T/status.html"
expect_eq "metrics: steerdns_member_pending 1" 1 \
    "$(metric "steerdns_member_pending$(lbl 127.0.0.4 web2)")" "$T/metrics.txt"
ctl explain www2.t.test A 127.0.0.1
expect_match "explain: why the pending member is left out" \
    'no check result yet since a reload added it' "$(cat "$T/ctl.out")" "$T/ctl.out"
solo_down() { [ "$(status solo.t.test)" = SERVFAIL ]; }
if wait_until 20000 solo_down; then
    ok "after the first result (a timeout) the lone member is down: SERVFAIL after $WAITED"
else
    notok "the lone pending member is down after its first result" "$(status solo.t.test)"
fi
expect_eq "metrics: no longer pending" 0 \
    "$(metric "steerdns_member_pending$(lbl 127.0.0.4 web2)")" "$T/metrics.txt"
write_zone
ctl reload

# ---- slow start: .3 goes down and comes back
only2() { [ "$(firsts www.t.test 10)" = "10 127.0.0.2" ]; }
# usable ADDR: `members` shows it up and answered (no "*")
usable() { member_line "$1" | grep -q ' up[ (]' && ! member_line "$1" | grep -qF '*'; }
stop_backend 127.0.0.3 "$BP"
wait_until 3000 only2 || bail "127.0.0.3 did not go down"
backend 127.0.0.3 "$BP" ok
wait_until 3000 usable 127.0.0.3 || bail "127.0.0.3 did not come back"
F=$(firsts www.t.test 40)
C3=$(count_of 127.0.0.3)
# In the first 2.5 s of a 10 s ramp its weight is 10-32 of 100: a share
# of at most 25%; 16 of 40 leaves room for a slow machine.
check "slow start: just back, .3 came first in at most 16 of 40 ($C3)" [ "$C3" -le 16 ]
expect_match "members: slow start shown" '\(slow start [0-9]+/100\)' \
    "$(member_line 127.0.0.3)" "$T/ctl.out"
http GET /status "$T/status.html" >/dev/null
expect_match "status page: slow start shown" 'slow start: weight [0-9]+ of 100' \
    "$(cat "$T/status.html")" "$T/status.html"
SH=$(metric "steerdns_member_weight_share$(lbl 127.0.0.3)")
check "metrics: weight share below 1 while ramping ($SH)" \
    awk -v v="$SH" 'BEGIN { exit !(v != "" && v < 1) }'
whole() { [ "$(metric "steerdns_member_weight_share$(lbl 127.0.0.3)")" = 1 ]; }
if wait_until 12000 whole; then
    ok "metrics: whole weight again after $WAITED more"
else
    notok "metrics: whole weight again within 12 s" "$(metric "steerdns_member_weight_share$(lbl 127.0.0.3)")"
fi
F=$(firsts www.t.test 100)
C3=$(count_of 127.0.0.3)
check "slow start over: .3 first in 30-70 of 100 ($C3)" [ "$C3" -ge 30 -a "$C3" -le 70 ]

# ---- flap damping: .2 changes four times within the 8 s window (long
# enough for the checks below on a slow machine)
sleep "$(awk -v s="$SLOW" 'BEGIN { print 8.2 * s }')"  # .3's changes out of the window
has2() { F=$(firsts www.t.test 5); [ "$(count_of 127.0.0.2)" -gt 0 ]; }
only3() { [ "$(firsts www.t.test 10)" = "10 127.0.0.3" ]; }
stop_backend 127.0.0.2 "$BP"
wait_until 3000 only3 || bail "127.0.0.2 did not go down (1)"
backend 127.0.0.2 "$BP" ok
wait_until 3000 has2 || bail "127.0.0.2 did not come back (2)"
stop_backend 127.0.0.2 "$BP"
wait_until 3000 only3 || bail "127.0.0.2 did not go down (3)"
backend 127.0.0.2 "$BP" ok
t_up=$(ms_now)
# Its checks say up now (4th change), but it flaps: out.
up2() { member_line 127.0.0.2 | grep -q ' up\*'; }
wait_until 3000 up2 || bail "127.0.0.2's checks did not say up (4)"
expect_match "members: .2 up by its checks, flapping, not answered" '\(flapping\)' \
    "$(member_line 127.0.0.2)" "$T/ctl.out"
F=$(firsts www.t.test 40)
expect_eq "flapping: .2 not answered while up (40 answers)" 0 "$(count_of 127.0.0.2)" "$DAEMON_LOG"
expect_eq "metrics: steerdns_member_flapping 1" 1 \
    "$(metric "steerdns_member_flapping$(lbl 127.0.0.2)")" "$T/metrics.txt"
http GET /status "$T/status.html" >/dev/null
expect_match "status page: .2 flapping, in the attention block and its row" \
    'flapping: kept out until stable.*flapping: kept out</span>' \
    "$(tr -d '\n' <"$T/status.html")" "$T/status.html"
ctl explain www.t.test A 127.0.0.1
expect_match "explain: flapping is the reason" \
    'flapping: more than 2 changes within 8s; out until stable for 8s' \
    "$(cat "$T/ctl.out")" "$T/ctl.out"
if wait_until 14000 has2; then
    back=$(( $(ms_now) - t_up ))
    ok "stable for the window: .2 answered again after $WAITED"
    check "... not before the window from its last change ($back ms)" [ "$back" -ge 7500 ]
else
    notok "stable for the window: .2 answered again within 14 s" "$(firsts www.t.test 5)"
fi
expect_eq "metrics: no longer flapping" 0 \
    "$(metric "steerdns_member_flapping$(lbl 127.0.0.2)")" "$T/metrics.txt"

stop_daemon
finish
