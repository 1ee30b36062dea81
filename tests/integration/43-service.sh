#!/bin/bash
# 43-service: running as a service.  Without -f the daemon detaches and
# writes its pid file; it drops to user/group after binding and the control
# socket belongs to them; it tells systemd (NOTIFY_SOCKET) when it is
# ready, reloading and stopping; logs go to syslog when asked, at the
# configured level; a sampled query log; the systemd unit passes
# systemd-analyze verify.
. "$(dirname "$0")/lib.sh"
require_tool python3 dig
need_daemon
need_ctl

P0=$(port 0)
copy_zone lb.example.conf
# A zone with a pool, for the overrides.
cat >"$T/pool.test.conf" <<'EOF'
origin = "pool.test.";
soa = { mname = "ns.pool.test."; rname = "h.pool.test."; serial = 1;
        refresh = 3600; retry = 900; expire = 604800; minimum = 60; };
ns = [ "ns.pool.test." ];
records = [ "ns A 192.0.2.53" ];
pools = { web = { members = ( { address = "192.0.2.77"; },
                              { address = "192.0.2.78"; } ); }; };
names = { www = { pool = "web"; strategy = "round_robin"; }; };
EOF

# conf FILE PORT EXTRA-SERVER-SETTINGS: a main file serving lb.example.
conf() {
    cat >"$1" <<EOF
server = {
  listen = [ "127.0.0.1:$2" ];
  workers = 1;
  metrics = "";
  $3
};
zones = [ "lb.example.conf", "pool.test.conf" ];
EOF
}

# ---------------------------------------------------------- daemon mode
conf "$T/bg.conf" "$P0" "pid_file = \"$T/run/steerdns.pid\"; control = \"$T/run/ctl.sock\";"
"$STEERDNS" -c "$T/bg.conf" >"$T/bg.out" 2>&1 </dev/null
expect_eq "without -f the command returns at once with status 0" 0 $? "$T/bg.out"
n=0
while [ ! -s "$T/run/steerdns.pid" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
BGPID=$(cat "$T/run/steerdns.pid" 2>/dev/null)
if [ -n "$BGPID" ] && alive "$BGPID"; then
    ok "the pid file (in a directory it made) names a running daemon"
    PIDS="$PIDS $BGPID"
else
    notok "the pid file names a running daemon" "pid file: '${BGPID:-missing}'"
fi
ppid=$(awk '{print $4}' "/proc/$BGPID/stat" 2>/dev/null)
expect_eq "the daemon is detached (its parent is init)" 1 "$ppid"
expect_eq "it has no controlling terminal" 0 "$(awk '{print $7}' "/proc/$BGPID/stat" 2>/dev/null)"
n=0
until PORT=$P0 dig @127.0.0.1 -p "$P0" +time=1 +tries=1 +short lb.example SOA >/dev/null 2>&1 || [ $n -ge 40 ]; do
    sleep 0.25; n=$((n + 1))
done
PORT=$P0 dq lb.example SOA
expect_eq "the detached daemon answers" NOERROR "$(d_status)" "$DIG_OUT"
"$CTL" -s "$T/run/ctl.sock" status >"$T/st.out" 2>&1
expect_match "steerdnsctl status gives the daemon's pid" "pid $BGPID," "$(cat "$T/st.out")"
kill -TERM "$BGPID"
if wait_gone "$BGPID" 5; then ok "it stops on SIGTERM"
else notok "it stops on SIGTERM" "pid $BGPID still running"; fi
check "its pid file is removed" test ! -e "$T/run/steerdns.pid"
check "its control socket is removed" test ! -e "$T/run/ctl.sock"

# ------------------------------------------------------------ privileges
if id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null 2>&1; then
    P1=$(port 1)
    mkdir -p "$T/priv"
    chmod 755 "$T" "$T/priv"
    conf "$T/priv.conf" "$P1" "user = \"nobody\"; group = \"nogroup\"; control = \"$T/priv/run/ctl.sock\"; state_file = \"$T/priv/state/overrides\";"
    start_daemon "$T/priv.conf" || bail "daemon did not start as nobody"
    uid=$(awk '/^Uid:/ {print $2 " " $3 " " $4 " " $5}' "/proc/$DAEMON_PID/status")
    gid=$(awk '/^Gid:/ {print $2 " " $3 " " $4 " " $5}' "/proc/$DAEMON_PID/status")
    nu=$(id -u nobody)
    ng=$(getent group nogroup | cut -d: -f3)
    expect_eq "after binding it runs as nobody (real, effective, saved)" "$nu $nu $nu $nu" "$uid"
    expect_eq "... in group nogroup" "$ng $ng $ng $ng" "$gid"
    expect_eq "with no supplementary groups but nogroup" "$ng" \
        "$(awk '/^Groups:/ {$1 = ""; print}' "/proc/$DAEMON_PID/status" | tr -d ' ')"
    expect_eq "the control socket is nobody:nogroup, mode 660" "nobody:nogroup 660" \
        "$(stat -c '%U:%G %a' "$T/priv/run/ctl.sock" 2>&1)"
    PORT=$P1 dq lb.example SOA
    expect_eq "it answers on the port it bound as root" NOERROR "$(d_status)" "$DIG_OUT"
    # The state directory it made belongs to nobody, who writes there.
    "$CTL" -s "$T/priv/run/ctl.sock" drain 192.0.2.77 >"$T/drain.out" 2>&1
    expect_eq "a drain is accepted" 0 "$?" "$T/drain.out"
    expect_eq "the state file was written by nobody" "nobody" \
        "$(stat -c '%U' "$T/priv/state/overrides" 2>&1)"
    stop_daemon
else
    notok "user nobody and group nogroup exist for the privilege test"
fi

# ------------------------------------------------------------ sd_notify
P2=$(port 2)
conf "$T/notify.conf" "$P2" ""
cat >"$T/notify.py" <<'EOF'
import socket, sys, time
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(30)
with open(out, "a") as f:
    while True:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            break
        f.write(msg.replace("\n", " ") + "\n")
        f.flush()
        if "STOPPING=1" in msg:
            break
EOF
python3 "$T/notify.py" "$T/notify.sock" "$T/notify.out" &
NPID=$!
PIDS="$PIDS $NPID"
n=0; while [ ! -S "$T/notify.sock" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
NOTIFY_SOCKET=$T/notify.sock start_daemon "$T/notify.conf" || bail "daemon did not start"
wait_for_line() { # FILE ERE: up to 5 s
    n=0; while ! grep -Eq "$2" "$1" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    grep -Eq "$2" "$1" 2>/dev/null
}
check "READY=1 reaches the service manager once it answers" wait_for_line "$T/notify.out" '^READY=1'
kill -HUP "$DAEMON_PID"
check "a reload says RELOADING=1 then READY=1" wait_for_line "$T/notify.out" 'RELOADING=1'
n=0; while [ "$(grep -c . "$T/notify.out")" -lt 3 ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
expect_eq "... in that order" "READY=1 RELOADING=1 READY=1" \
    "$(sed -n 1,3p "$T/notify.out" | tr -s ' \n' '  ' | sed 's/ *$//')"
stop_daemon
check "stopping says STOPPING=1" wait_for_line "$T/notify.out" 'STOPPING=1'

# ------------------------------------------------- log level, query log
P3=$(port 3)
conf "$T/qlog.conf" "$P3" "query_log = 1.0; log_level = \"debug\";"
start_daemon "$T/qlog.conf" || bail "daemon did not start"
PORT=$P3 dq www.lb.example A
PORT=$P3 dq nx.lb.example TXT +tcp
sleep 0.3
expect_match "query_log 1.0 logs a UDP query: client, name, type, rcode, answers" \
    'query: 127\.0\.0\.1 udp www\.lb\.example\. type 1: NOERROR, [0-9]+ answers?' "$(cat "$DAEMON_LOG")" "$DAEMON_LOG"
expect_match "... and a TCP one" 'query: 127\.0\.0\.1 tcp nx\.lb\.example\. type 16: NXDOMAIN, 0 answers' \
    "$(cat "$DAEMON_LOG")" "$DAEMON_LOG"
stop_daemon
P4=$(port 4)
conf "$T/warn.conf" "$P4" "log_level = \"warn\"; query_log = 0.0;"
"$STEERDNS" -f -c "$T/warn.conf" >"$T/warn.log" 2>&1 </dev/null &
WPID=$!
PIDS="$PIDS $WPID"
n=0
until PORT=$P4 dig @127.0.0.1 -p "$P4" +time=1 +tries=1 lb.example SOA >/dev/null 2>&1 || [ $n -ge 40 ]; do
    sleep 0.25; n=$((n + 1))
done
PORT=$P4 dq www.lb.example A
expect_eq "log_level warn: it answers" NOERROR "$(d_status)" "$DIG_OUT"
stop_daemon "$WPID" "$T/warn.log"
expect_eq "log_level warn: no info line (no 'ready', no 'stopped')" 0 \
    "$(grep -Ec 'ready|stopped' "$T/warn.log")" "$T/warn.log"
expect_eq "query_log 0: no query line" 0 "$(grep -c 'query:' "$T/warn.log")"

# ---------------------------------------------------------------- syslog
# In a mount namespace of its own, /dev is a fresh tmpfs whose /dev/log
# is our listener: what the daemon sends to syslog lands in a file.
if command -v unshare >/dev/null 2>&1 && unshare -m true 2>/dev/null; then
    P5=$(port 5)
    conf "$T/syslog.conf" "$P5" "log = \"syslog\";"
    cat >"$T/syslog.sh" <<EOF
set -e
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
python3 - <<'PY' &
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(20)
with open("$T/syslog.out", "a") as f:
    while True:
        try:
            m = s.recv(8192).decode(errors="replace")
        except socket.timeout:
            break
        f.write(m + "\n"); f.flush()
        if "stopped" in m:
            break
PY
while [ ! -S /dev/log ]; do sleep 0.05; done
exec "$STEERDNS" -f -c "$T/syslog.conf"
EOF
    unshare -m --propagation private sh "$T/syslog.sh" >"$T/syslog-stderr.log" 2>&1 &
    SPID=$!
    PIDS="$PIDS $SPID"
    check "log = syslog: the ready line goes to syslog" wait_for_line "$T/syslog.out" 'steerdns\[[0-9]+\]: ready:'
    expect_match "... with the daemon facility and info level (<30>)" '^<30>' "$(grep ready "$T/syslog.out")"
    expect_eq "... and not to stderr" 0 "$(grep -c ready "$T/syslog-stderr.log")" "$T/syslog-stderr.log"
    kill -TERM "$SPID" 2>/dev/null
    wait_gone "$SPID" 5
else
    notok "unshare -m works here (needed to catch syslog)"
fi

# ---------------------------------------------------------- systemd unit
if command -v systemd-analyze >/dev/null 2>&1; then
    sed -e "s|@sbindir@|$(dirname "$STEERDNS")|g" -e "s|@sysconfdir@|$T/etc|g" \
        "$top_srcdir/contrib/steerdns.service.in" >"$T/steerdns.service"
    mkdir -p "$T/etc/steerdns"
    cp "$T/bg.conf" "$T/etc/steerdns/steerdns.conf"
    systemd-analyze verify "$T/steerdns.service" >"$T/verify.out" 2>&1
    # The man pages it names are not installed here: that one is not
    # about the unit.
    expect_eq "systemd-analyze verify finds nothing wrong in the unit" "" \
        "$(grep 'steerdns.service' "$T/verify.out" | grep -v "Command 'man ")" "$T/verify.out"
    expect_match "the unit waits for the daemon's readiness (Type=notify)" '^Type=notify$' "$(cat "$T/steerdns.service")"
    sec=$(systemd-analyze security "$T/steerdns.service" --offline=true 2>/dev/null | sed -n 's/.*Overall exposure level for steerdns.service: \([0-9.]*\).*/\1/p')
    expect_match "systemd-analyze security rates the unit's exposure below 3 (got ${sec:-nothing})" \
        '^[0-2]\.' "$sec"
else
    notok "systemd-analyze is installed"
fi

finish
