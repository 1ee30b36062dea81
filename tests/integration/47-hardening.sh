#!/bin/bash
# 47-hardening: what a hostile neighbour or a careless operator can do to a
# running server.  Root follows no link the daemon user planted in the
# directories handed to it (pid file, control socket); a non-socket file at
# the control path is left alone; a second instance on the same address
# is refused with a message; ambiguous addresses are refused.
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

finish
