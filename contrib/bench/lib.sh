# contrib/bench/lib.sh -- shell functions shared by scale.sh and ir.sh.
#
# Sourced, not run.  The caller sets $prog (its name, for messages) and
# $work (its temp directory) before using the functions that need them.
# Every process is stopped by the PID recorded when it was started.
# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2154

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }
isint() { [[ $1 =~ ^[0-9]+$ ]]; }
alive() { kill -0 "$1" 2>/dev/null; }
# Microseconds since the epoch, without a subprocess (bash 5).
now_us() { local t=$EPOCHREALTIME; echo $(( ${t/[.,]/} )); }
# Microseconds -> seconds with two decimals.
secs() { calc "printf \"%.2f\", $1 / 1e6"; }
calc() { awk "BEGIN { $1 }"; }

# Install a Debian package only when the command it provides is missing.
need() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return 0
    say "$cmd missing, installing Debian package $pkg"
    command -v apt-get >/dev/null 2>&1 || die "$cmd missing and no apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >&2 \
        || die "could not install $pkg"
}

port_busy() {
    [ -n "$(ss -H -lnu "sport = :$1" 2>/dev/null)$(ss -H -lnt "sport = :$1" 2>/dev/null)" ]
}

# stop_pid PID [SECS]: SIGTERM, wait up to SECS (default 30) for it to go,
# then SIGKILL.  Reaps it when it is our child.
stop_pid() {
    local pid=$1 secs=${2:-30} i
    [ -n "$pid" ] || return 0
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < secs * 10; i++)); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then
            echo "$prog: PID $pid did not stop, killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# A field of /proc/PID/status (VmRSS, VmHWM) in KiB; empty if gone.
proc_kib() {
    awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status" 2>/dev/null || true
}

# KiB -> MiB with one decimal; "?" when empty.
mib() {
    if [ -n "$1" ]; then calc "printf \"%.1f\", $1 / 1024"; else echo "?"; fi
}

# wait_log FILE REGEX SECS PID: wait until a line of FILE matches REGEX.
# Returns 0 when it does, 1 after SECS seconds, 2 when PID exits first.
# Polls every 10 ms, so a time measured with it is late by up to ~10 ms.
wait_log() {
    local file=$1 re=$2 secs=$3 pid=$4 end
    end=$(( $(now_us) + secs * 1000000 ))
    while :; do
        grep -qE -- "$re" "$file" 2>/dev/null && return 0
        alive "$pid" || { grep -qE -- "$re" "$file" 2>/dev/null && return 0; return 2; }
        [ "$(now_us)" -lt "$end" ] || return 1
        sleep 0.01
    done
}

# start_listener PORT: a TCP listener on 0.0.0.0:PORT, so that connections
# to every address of 127.0.0.0/8 reach it, which accepts each connection
# and closes it at once.  Sets $listener_pid.  The health checks' targets.
listener_pid=""
start_listener() {
    local port=$1 i
    cat >"$work/listener.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(65535)     # the kernel caps it at net.core.somaxconn
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
EOF
    python3 "$work/listener.py" "$port" >"$work/listener.log" 2>&1 </dev/null &
    listener_pid=$!
    for ((i = 0; i < 100; i++)); do
        grep -q listening "$work/listener.log" 2>/dev/null && return 0
        alive "$listener_pid" || break
        sleep 0.05
    done
    cat "$work/listener.log" >&2
    die "the listener on port $port did not start"
}

# write_main FILE ZONEFILE PORT WORKERS: a main file serving ZONEFILE on
# 127.0.0.1:PORT, a control socket in $work, no metrics, no state file.
write_main() {
    cat >"$1" <<EOF
server = {
  listen = [ "127.0.0.1:$3" ];
  workers = $4;
  control = "$work/control.sock";
  metrics = "";
  log_level = "info";
};
zones = [ "$2" ];
EOF
}
