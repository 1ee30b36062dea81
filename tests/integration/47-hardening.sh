#!/bin/bash
# 47-hardening: what a hostile neighbour or a careless operator can do to a
# running server.  Root follows no link the daemon user planted in the
# directories handed to it (pid file, control socket); a non-socket file at
# the control path is left alone; a hostile state file (duplicates, long
# lines, control characters) is read safely and written 0600; a second
# instance on the same address is refused with a message; @include is
# relative to the including file, also for a detached daemon's reload;
# opcode 15 with every flag, ECS with a scope or twice.
. "$(dirname "$0")/lib.sh"
require_tool python3 dig
need_daemon
need_ctl

copy_zone lb.example.conf

# conf FILE PORT EXTRA-SERVER-SETTINGS
conf() {
    cat >"$1" <<EOF
server = {
  listen = [ "127.0.0.1:$2" ];
  workers = 1;
  metrics = "";
  $3
};
zones = [ "lb.example.conf" ];
EOF
}

# ------------------------------------------------- links in the run dir
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 &&
    getent group nogroup >/dev/null 2>&1; then
    P0=$(port 0)
    mkdir -p "$T/run" "$T/secret"
    chmod 755 "$T" "$T/run"
    chown nobody:nogroup "$T/run"
    printf 'precious\n' >"$T/secret/target"
    chmod 600 "$T/secret/target"
    before=$(stat -c '%U:%G %a %s' "$T/secret/target")
    ln -s "$T/secret/target" "$T/run/steerdns.pid"
    conf "$T/link.conf" "$P0" "user = \"nobody\"; group = \"nogroup\"; pid_file = \"$T/run/steerdns.pid\"; control = \"$T/run/ctl.sock\";"
    if start_daemon "$T/link.conf"; then
        expect_eq "a planted pid-file link: its target is untouched" \
            "precious|$before" "$(cat "$T/secret/target")|$(stat -c '%U:%G %a %s' "$T/secret/target")"
        check "the pid file is a new regular file, not the link" \
            test -f "$T/run/steerdns.pid" -a ! -L "$T/run/steerdns.pid"
        expect_eq "it names the daemon" "$DAEMON_PID" "$(cat "$T/run/steerdns.pid")"
        expect_match "the removed link is logged" "symbolic link" "$(cat "$DAEMON_LOG")"
        expect_eq "the control socket belongs to the daemon user" \
            "nobody:nogroup socket" "$(stat -c '%U:%G %F' "$T/run/ctl.sock")"
        check "no private directory is left beside it" \
            test -z "$(ls -d "$T"/run/ctl.sock.* 2>/dev/null)"
        "$CTL" -s "$T/run/ctl.sock" status >"$T/st.out" 2>&1
        expect_match "steerdnsctl reaches it" "pid $DAEMON_PID," "$(cat "$T/st.out")"
        stop_daemon
    fi
    expect_eq "after the run the target is still untouched" \
        "precious|$before" "$(cat "$T/secret/target")|$(stat -c '%U:%G %a %s' "$T/secret/target")"
else
    echo "# not root or no nobody/nogroup: pid-file link test left out"
fi

# A regular file at the control path is not ours to delete.
P1=$(port 1)
printf 'keep me\n' >"$T/notasock"
conf "$T/ns.conf" "$P1" "control = \"$T/notasock\";"
"$STEERDNS" -f -c "$T/ns.conf" >"$T/ns.out" 2>&1 </dev/null &
nspid=$!
PIDS="$PIDS $nspid"
if wait_gone "$nspid" 10; then
    wait "$nspid"; st=$?
    expect_eq "a file that is not a socket at the control path: refused" 1 "$st" "$T/ns.out"
else
    notok "a file that is not a socket at the control path: refused" "still running"
    kill -TERM "$nspid"
fi
expect_match "the refusal says why" "not a socket is there; not removing it" "$(head -n 1 "$T/ns.out")"
expect_eq "the file is left alone" "keep me" "$(cat "$T/notasock")"

# ------------------------------------------------- a hostile state file
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
P2=$(port 2)
mkdir -p "$T/st"
{
    printf '192.0.2.77\tdrain\t100\t0\tfirst\n'
    printf '192.0.2.77\tdrain\t100\t0\tsecond\n'
    # 1023 bytes, then what the old reader took for an override of its own
    printf '192.0.2.78\tdrain\t100\t0\t%s' "$(head -c 1000 /dev/zero | tr '\0' x)"
    printf '192.0.2.78\tdown\t100\t0\tsmuggled\n'
    printf '192.0.2.78\tdrain\t100\t0\t\033[2J\n'
} >"$T/st/overrides"
cat >"$T/st.conf" <<EOF
server = {
  listen = [ "127.0.0.1:$P2" ];
  workers = 1;
  metrics = "";
  control = "$T/st/ctl.sock";
  state_file = "$T/st/overrides";
};
zones = [ "pool.test.conf" ];
EOF
if start_daemon "$T/st.conf"; then
    expect_match "the duplicate is logged, the later line wins" \
        'overrides:2: 192\.0\.2\.77 already on line 1; the later line wins' "$(cat "$DAEMON_LOG")"
    expect_match "the long line is skipped with its line number" \
        'overrides:3: line longer than 1023 bytes, skipped' "$(cat "$DAEMON_LOG")"
    expect_match "the control characters are skipped with their line number" \
        'overrides:4: a control character, skipped' "$(cat "$DAEMON_LOG")"
    PORT=$P2 dq +short www.pool.test A
    expect_eq "only 192.0.2.78 answers (77 drained, 78 not overridden)" "192.0.2.78" \
        "$(tr '\n' ' ' <"$DIG_OUT" | sed 's/ *$//')"
    "$CTL" -s "$T/st/ctl.sock" undrain 192.0.2.77 >"$T/ud.out" 2>&1
    expect_eq "undrain is accepted" 0 "$?" "$T/ud.out"
    ans=""
    for i in 1 2 3 4; do PORT=$P2 dq +short www.pool.test A; ans="$ans $(cat "$DIG_OUT")"; done
    expect_match "after undrain 192.0.2.77 answers again" '192\.0\.2\.77' "$ans"
    expect_eq "the state file holds no override any more" "" \
        "$(grep -v '^#' "$T/st/overrides")"
    "$CTL" -s "$T/st/ctl.sock" drain 192.0.2.78 >/dev/null 2>&1
    expect_eq "the state file is written mode 600" 600 "$(stat -c '%a' "$T/st/overrides")"
    stop_daemon
fi

# ------------------------------------------------ a second instance
P3=$(port 3)
conf "$T/one.conf" "$P3" ""
if start_daemon "$T/one.conf"; then
    FIRST=$DAEMON_PID
    "$STEERDNS" -f -c "$T/one.conf" >"$T/two.out" 2>&1 </dev/null &
    two=$!
    PIDS="$PIDS $two"
    if wait_gone "$two" 10; then
        wait "$two"; st=$?
        expect_eq "a second instance on the same address is refused" 1 "$st" "$T/two.out"
    else
        notok "a second instance on the same address is refused" "it runs"
        kill -TERM "$two"
    fi
    expect_match "with a message naming the address" \
        "listen 127\.0\.0\.1:$P3: another process already listens there" "$(cat "$T/two.out")"
    n=0
    for i in $(seq 1 20); do
        PORT=$P3 dq lb.example SOA
        [ "$(d_status)" = NOERROR ] && n=$((n + 1))
    done
    expect_eq "the first one answers every query" 20 "$n"
    stop_daemon "$FIRST"
fi
# Something else on the TCP port only.
"$PYTHON" - "$P3" >"$T/tcphold.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("listening", flush=True); time.sleep(30)
EOF
hold=$!
PIDS="$PIDS $hold"
wait_until 5000 grep -q listening "$T/tcphold.out"
"$STEERDNS" -f -c "$T/one.conf" >"$T/three.out" 2>&1 </dev/null &
three=$!
PIDS="$PIDS $three"
if wait_gone "$three" 10; then
    wait "$three"; st=$?
    expect_eq "another program on the TCP port: refused too" 1 "$st" "$T/three.out"
else
    notok "another program on the TCP port: refused too" "it runs"
    kill -TERM "$three"
fi
kill "$hold" 2>/dev/null

# ------------------------------- @include relative to the including file
P4=$(port 4)
mkdir -p "$T/inc/zones" "$T/elsewhere"
cp "$TI_ZONES/lb.example.conf" "$T/inc/zones/lb.example.conf"
cat >"$T/inc/server.inc" <<EOF
listen = [ "127.0.0.1:$P4" ];
workers = 1;
metrics = "";
control = "$T/inc/ctl.sock";
pid_file = "$T/inc/steerdns.pid";
EOF
cat >"$T/inc/main.conf" <<'EOF'
server = {
  @include "server.inc"
};
zones = [ "zones/lb.example.conf" ];
EOF
# Started from another directory, detached (its cwd is then /).
(cd "$T/elsewhere" && exec "$STEERDNS" -c ../inc/main.conf) >"$T/inc.out" 2>&1
expect_eq "@include relative to the file: starts from another directory" 0 "$?" "$T/inc.out"
n=0
while [ ! -s "$T/inc/steerdns.pid" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
IPID=$(cat "$T/inc/steerdns.pid" 2>/dev/null)
if [ -n "$IPID" ] && alive "$IPID"; then
    PIDS="$PIDS $IPID"
    n=0
    until "$CTL" -s "$T/inc/ctl.sock" status >/dev/null 2>&1 || [ $n -ge 100 ]; do
        sleep 0.05; n=$((n + 1))
    done
    "$CTL" -s "$T/inc/ctl.sock" reload >"$T/inc-reload.out" 2>&1
    expect_eq "the detached daemon (cwd /) reloads with its @include" \
        "0 reloaded: generation 2" "$? $(cat "$T/inc-reload.out")"
    (cd / && "$CTL" -c "$T/inc/main.conf" status) >"$T/inc-st.out" 2>&1
    expect_match "steerdnsctl -c finds the socket through the @include" "pid $IPID," "$(cat "$T/inc-st.out")"
    kill -TERM "$IPID"
    wait_gone "$IPID" 5 || notok "the detached daemon stops on SIGTERM"
else
    notok "@include relative to the file: the daemon runs" "pid file: ${IPID:-none}"
    show "$T/inc.out"
fi

# ----------------------------------------------------------- odd values
P5=$(port 5)
conf "$T/odd.conf" "$P5" ""
if start_daemon "$T/odd.conf"; then
    "$PYTHON" - "$P5" >"$T/odd.out" 2>&1 <<'EOF'
import socket, struct, sys
port = int(sys.argv[1])
def ask(pkt):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(pkt, ("127.0.0.1", port))
    try:
        return s.recv(4096)
    except socket.timeout:
        return b""
q = b"\x02lb\x07example\x00\x00\x06\x00\x01"
def opt(opts):
    return b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00" + struct.pack(">H", len(opts)) + opts
def ecs(scope):
    return struct.pack(">HHHBB", 8, 7, 1, 24, scope) + b"\xc0\x00\x02"
# opcode 15, every flag set
r = ask(struct.pack(">HHHHHH", 0x1234, 0x7fff & ~0x000f | 0x7800, 1, 0, 0, 0) + q)
print("opcode15 %04x" % struct.unpack(">H", r[2:4])[0] if r else "opcode15 none")
for name, o in (("scope", ecs(24)), ("two", ecs(0) + ecs(0)), ("one", ecs(0))):
    r = ask(struct.pack(">HHHHHH", 0x4321, 0x0100, 1, 0, 0, 1) + q + opt(o))
    print("%s rcode %d" % (name, r[3] & 0xf) if r else name + " none")
EOF
    expect_eq "opcode 15 with every flag: NOTIMP with QR, opcode 15 and RD only" \
        "opcode15 f904" "$(sed -n 's/^opcode15 //p;' "$T/odd.out" | sed 's/^/opcode15 /')" "$T/odd.out"
    expect_eq "ECS with a non-zero scope in a query: FORMERR" "scope rcode 1" "$(grep '^scope' "$T/odd.out")" "$T/odd.out"
    expect_eq "two ECS options: FORMERR" "two rcode 1" "$(grep '^two' "$T/odd.out")" "$T/odd.out"
    expect_eq "one ECS option with scope 0: NOERROR" "one rcode 0" "$(grep '^one' "$T/odd.out")" "$T/odd.out"
    stop_daemon
fi

finish
