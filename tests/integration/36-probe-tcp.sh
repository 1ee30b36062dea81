#!/bin/bash
# 36-probe-tcp: the tcp check's three outcomes on loopback, where the
# kernel settles a connect() within the call and the check asks it again
# rather than watching the socket: an accepting listener (IPv4 and IPv6)
# is up and stays up; a refused port is down at once, "connect refused";
# a listener whose accept queue is full drops the SYN, so the connect is
# still in flight when asked again, is watched, and times out: down,
# "timeout after 0.4s".
. "$(dirname "$0")/lib.sh"
need_daemon

BP=$(port 2)

# tcp-listen.py ADDR PORT accept|full: listen; "full": backlog 0 and the
# queue filled by a connection of its own, so further SYNs are dropped.
cat >"$T/tcp-listen.py" <<'PYEOF'
import socket, sys, time
addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
if mode == 'full':
    s.listen(0)
    hold = [socket.create_connection((addr, port))]
    time.sleep(0.2)
    print('listening', flush=True)
    while True:
        time.sleep(1)
s.listen(128)
print('listening', flush=True)
n = 0
while True:
    c, _ = s.accept()
    c.close()
    n += 1
    print('accepted %d' % n, flush=True)
PYEOF

listener() {
    lg=$T/listen-$1.log
    "$PYTHON" "$T/tcp-listen.py" "$1" "$BP" "$2" >"$lg" 2>&1 &
    PIDS="$PIDS $!"
    wait_until 5000 grep -q listening "$lg" || bail "listener $1 $2: $(cat "$lg")"
}
listener 127.0.0.31 full
listener 127.0.0.32 accept
listener ::1 accept

cat >"$T/tcp.test.conf" <<EOF2
origin = "tcp.test.";
soa = { mname = "ns1"; rname = "h"; minimum = 60; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.1" ];
checks = { tcp = { type = "tcp"; port = $BP; interval = 0.5; timeout = 0.4;
                   rise = 1; fall = 1; }; };
pools = {
  p = { check = "tcp"; members = ( { address = "127.0.0.31"; },
        { address = "127.0.0.32"; }, { address = "127.0.0.33"; } ); };
  p6 = { check = "tcp"; members = ( { address = "::1"; } ); };
};
names = { www = { pool = "p"; strategy = "round_robin"; };
          v6 = { pool = "p6"; all_down = "servfail"; }; };
EOF2
main_conf "$T/steerdns.conf" "$(port 0)" "tcp.test.conf" listen=v4
start_daemon "$T/steerdns.conf" || bail "daemon did not start"

expect_eq "only the accepting listener is answered" "127.0.0.32" \
    "$(addrs www.tcp.test)" "$DAEMON_LOG"
check "a refused port: down, connect refused" logged "$DAEMON_LOG" \
    "health: 127.0.0.33:$BP (tcp) up -> down: 1 failure: connect refused"
check "a dropped SYN: watched, down on the timeout" logged "$DAEMON_LOG" \
    "health: 127.0.0.31:$BP (tcp) up -> down: 1 failure: timeout after 0.4s"
dq v6.tcp.test AAAA
expect_eq "::1 accepting: up" "NOERROR ::1" \
    "$(d_status) $(d_section ANSWER | awk '{print $NF}')" "$DIG_OUT"
# Several rounds later: nothing flapped, and each round reached the
# accepting listeners.
sleep 2
before=$(grep -c accepted "$T/listen-127.0.0.32.log")
sleep 1.5
after=$(grep -c accepted "$T/listen-127.0.0.32.log")
check "the accepting listener is connected to each round ($before, then $after)" \
    test "$after" -ge $((before + 2))
check "::1 was connected to each round" \
    test "$(grep -c accepted "$T/listen-::1.log")" -ge 4
expect_eq "no member changed state again" 2 \
    "$(grep -c 'health: .*(tcp) up -> down' "$DAEMON_LOG")" "$DAEMON_LOG"
expect_eq "still only the accepting listener" "127.0.0.32" \
    "$(addrs www.tcp.test)" "$DAEMON_LOG"
stop_daemon
finish
