#!/bin/bash
# contrib/bench/fleet.sh -- a fleet of 3 nodes over a 1-member etcd on
# loopback, with N health-checked tcp targets (default 10,000).
#
# Half the targets are up (a listener on 0.0.0.0 accepts for every
# 127.x.y.z), half refuse.  Measures:
#   - initial sync: from starting the 3 nodes together until etcd holds
#     every node's verdict of every target and each node has seen the
#     store up to that revision;
#   - steady state for --steady seconds: etcd writes per second from each
#     node (only changes and the 10 s node refresh) and the CPU and
#     resident memory of each node, against one node alone (no fleet) on
#     the same config;
#   - a change: one port's targets all going down, until every node sees
#     every vote.
# Usage: contrib/bench/fleet.sh [--targets N] [--interval S] [--steady S]
#        [BUILD_DIR]
# SPDX-License-Identifier: ISC
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
targets=10000 interval=10 steady=20 build=
while [ $# -gt 0 ]; do
    case $1 in
        --targets) targets=$2; shift 2 ;;
        --interval) interval=$2; shift 2 ;;
        --steady) steady=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) build=$1; shift ;;
    esac
done
[ -n "$build" ] || build=$( [ -x ./src/steerdns ] && pwd || echo "$top")
D=$build/src/steerdns
C=$build/src/steerdnsctl
[ -x "$D" ] || { echo "fleet.sh: no $D (build first)" >&2; exit 1; }
for t in etcd curl python3; do
    command -v $t >/dev/null || { echo "fleet.sh: needs $t" >&2; exit 1; }
done

T=$(mktemp -d /tmp/steerdns-fleet-bench.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

base=${STEERDNS_BENCH_PORT:-16400}
EC=$base EPP=$((base + 1)) UP=$((base + 2)) DOWN=$((base + 3)) DP=$((base + 4))
etcd --name b1 --data-dir "${ETCD_DIR:-$T/etcd}" \
    --listen-client-urls "http://127.0.0.1:$EC" \
    --advertise-client-urls "http://127.0.0.1:$EC" \
    --listen-peer-urls "http://127.0.0.1:$EPP" \
    --initial-advertise-peer-urls "http://127.0.0.1:$EPP" \
    --initial-cluster "b1=http://127.0.0.1:$EPP" \
    --quota-backend-bytes 1073741824 --log-level error >"$T/etcd.log" 2>&1 &
EPID=$!
PIDS="$PIDS $EPID"
python3 - "$UP" >"$T/listener.log" 2>&1 <<'EOF' &
import socket, sys, select
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(4096)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
EOF
LPID=$!
PIDS="$PIDS $LPID"
for _ in $(seq 100); do
    curl -s -m 1 "http://127.0.0.1:$EC/health" | grep -q true && break
    sleep 0.1
done

# The zone: targets/2 up members, targets/2 refusing, 8 per pool.
python3 - "$T/z.conf" "$targets" "$UP" "$DOWN" "$interval" <<'EOF'
import sys
path, n, up, down, iv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
with open(path, "w") as f:
    f.write('origin = "fleet.bench.";\nsoa = { mname = "ns1"; rname = "h"; };\n')
    f.write('ns = [ "ns1" ];\nrecords = [ "ns1 A 127.0.0.1" ];\n')
    f.write('checks = {\n')
    f.write('  up = { type = "tcp"; port = %s; interval = %s; timeout = 1; rise = 1; fall = 2; };\n' % (up, iv))
    f.write('};\npools = (\n')
    pools = []
    for p in range((n + 7) // 8):
        mem = []
        for k in range(8):
            i = p * 8 + k
            if i >= n:
                break
            a = "127.%d.%d.%d" % (10 + i // 65025, (i // 255) % 255, i % 255 + 1)
            mem.append('{ address = "%s";%s }' % (a, "" if i % 2 == 0 else " check_port = %s;" % down))
        pools.append('  { name = "p%d"; check = "up"; members = ( %s ); }' % (p, ", ".join(mem)))
    f.write(",\n".join(pools) + "\n);\n")
    f.write('names = ( { owner = "www"; pool = "p0"; } );\n')
EOF
node_conf() {
    cat >"$T/n$1.conf" <<EOF
server = { listen = [ "127.0.0.1:$((DP + $1))" ]; workers = 1; metrics = "";
           control = "$T/n$1.sock"; };
zones = [ "z.conf" ];
EOF
    [ "$2" = fleet ] && cat >>"$T/n$1.conf" <<EOF
fleet = { node = "n$1"; etcd = [ "http://127.0.0.1:$EC" ]; prefix = "/bench/"; };
EOF
    return 0
}
count() {
    curl -s "http://127.0.0.1:$EC/v3/kv/range" -d "$(python3 -c "
import base64,json
k=b'$1'; e=k[:-1]+bytes([k[-1]+1])
print(json.dumps({'key':base64.b64encode(k).decode(),'range_end':base64.b64encode(e).decode(),'count_only':True}))")" |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print(r.get("count","0"), r["header"]["revision"])'
}
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_of() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
now() { date +%s.%N; }

# ---- one node alone, for the baseline
node_conf 0 alone
"$D" -f -c "$T/n0.conf" >"$T/n0.log" 2>&1 &
P0=$!
PIDS="$PIDS $P0"
for _ in $(seq 300); do grep -q ready "$T/n0.log" && break; sleep 0.1; done
c0=$(cpu_of $P0)
sleep "$steady"
alone_cpu=$(( $(cpu_of $P0) - c0 ))
alone_rss=$(rss_of $P0)
kill -TERM $P0; wait $P0 || true

# ---- three nodes together
for k in 1 2 3; do node_conf $k fleet; done
t0=$(now)
for k in 1 2 3; do
    "$D" -f -c "$T/n$k.conf" >"$T/n$k.log" 2>&1 &
    eval "P$k=$!"
    PIDS="$PIDS $!"
done
want=$((targets * 3))
sync_s=""
# votes_of N: the verdicts node N holds, of every node.  The polls use
# sed and awk, not python3: its 0.5 s start on this machine made each
# round of three polls 1.5 s and the sync look twice as long as it was.
votes_of() {
    "$C" -s "$T/n$1.sock" --json fleet 2>/dev/null |
        sed -n 's/.*"votes":\([0-9]*\).*/\1/p' | grep . || echo 0
}
# shown VALUE ELSE: "VALUE s", or ELSE when VALUE is empty
shown() { if [ -n "$1" ]; then echo "$1 s"; else echo "$2"; fi; }
# wait_all FN T: poll each node N with FN N until it says $want or more
# (a node once there is not asked again), every 10 ms; print the seconds
# since T when all three are there, nothing after 60 s.
wait_all() {
    local fn=$1 t=$2 d1="" d2="" d3="" k
    for _ in $(seq 6000); do
        for k in 1 2 3; do
            [ -n "$(eval echo "\$d$k")" ] && continue
            [ "$($fn $k)" -ge "$want" ] && eval "d$k=1"
        done
        if [ "$d1$d2$d3" = 111 ]; then
            echo "$(now) - $t" | bc
            return
        fi
        [ "$(echo "$(now) - $t > 60" | bc)" = 1 ] && return
        sleep 0.01
    done
}
sync_s=$(wait_all votes_of "$t0")
read -r stored rev < <(count /bench/v/)
ready=$(sed -n 's/.*ready: .*; \([0-9.]*\) s (.*/\1/p' "$T/n1.log")
hz=$(getconf CLK_TCK)
echo "CPU during the sync: etcd $(echo "scale=2; $(cpu_of $EPID) / $hz" | bc) s; nodes $(for k in 1 2 3; do eval "echo -n \"\$(echo \"scale=2; \$(cpu_of \$P$k) / $hz\" | bc) s \""; done)"
echo "targets: $targets per node (interval $interval s), 3 nodes, 1 etcd member"
# The nodes' own word: each logs when it first holds every verdict.
whole=""
for k in 1 2 3; do
    w=$(sed -n 's/^\([0-9T:.-]*\)Z steerdns: fleet: every verdict of 3 nodes .*/\1/p' "$T/n$k.log" | head -n 1)
    [ -n "$w" ] || { whole=""; break; }
    w=$(echo "$(date -u -d "$w" +%s.%N) - $t0" | bc)
    whole=$(echo "if (${whole:-0} > $w) ${whole:-0} else $w" | bc)
done
echo "initial sync: $(shown "${whole:-}" "not reached") from start until the last node held all $want verdicts, by the nodes' logs; $(shown "${sync_s:-}" "not reached in 60 s") by polling them; in $stored etcd keys (node 1 ready after ${ready:-?} s)"

changes() {
    "$C" -s "$T/n$1.sock" --json stats | python3 -c 'import json,sys; p=json.load(sys.stdin)["stats"]["probes"]; print(p["to_up"] + p["to_down"])'
}
x_before=$(for k in 1 2 3; do changes $k; done)
w_before=$(for k in 1 2 3; do "$C" -s "$T/n$k.sock" --json fleet | python3 -c 'import json,sys; print(json.load(sys.stdin)["fleet"]["writes"])'; done)
c_before=$(for k in 1 2 3; do eval "cpu_of \$P$k"; done)
sleep "$steady"
w_after=$(for k in 1 2 3; do "$C" -s "$T/n$k.sock" --json fleet | python3 -c 'import json,sys; print(json.load(sys.stdin)["fleet"]["writes"])'; done)
x_after=$(for k in 1 2 3; do changes $k; done)
c_after=$(for k in 1 2 3; do eval "cpu_of \$P$k"; done)
hz=$(getconf CLK_TCK)
paste <(echo "$w_before") <(echo "$w_after") <(echo "$c_before") <(echo "$c_after") \
    <(echo "$x_before") <(echo "$x_after") |
    awk -v s="$steady" -v hz="$hz" -v a="$alone_cpu" -v ar="$alone_rss" '
    { printf "node %d steady: %.2f etcd writes/s for %d verdict changes of its checks in %d s, CPU %.1f%% of a core (alone: %.1f%%)\n",
        NR, ($2 - $1) / s, $6 - $5, s, ($4 - $3) / hz / s * 100, a / hz / s * 100 }'
for k in 1 2 3; do
    eval "p=\$P$k"
    echo "node $k resident memory: $(( $(rss_of "$p") / 1024 )) MB (alone: $(( alone_rss / 1024 )) MB)"
done

# ---- a node joins a fleet that has been running: node 3 restarts
kill -TERM "$P3"
wait "$P3" 2>/dev/null || true
t2=$(now)
"$D" -f -c "$T/n3.conf" >"$T/n3b.log" 2>&1 &
P3=$!
PIDS="$PIDS $P3"
join=$(wait_all votes_of "$t2")
echo "join: node 3 restarted into the running fleet: in step (read $((targets * 2)) verdicts, wrote its $targets) after $(shown "${join:-}" "not reached in 60 s") by polling"

# ---- a change: every "up" target goes down
writes() {
    t=0
    for k in 1 2 3; do
        w=$("$C" -s "$T/n$k.sock" --json fleet | python3 -c 'import json,sys; print(json.load(sys.stdin)["fleet"]["writes"])')
        t=$((t + w))
    done
    echo $t
}
# down_votes N: the verdicts "down" node N holds, of every node
down_votes() {
    "$C" -s "$T/n$1.sock" --json members 2>/dev/null |
        grep -o '"voters":[0-9]*,"down":[0-9]*' |
        awk -F: '{ n += $3 } END { print n + 0 }'
}
w0=$(writes)
t1=$(now)
kill -TERM $LPID
wait $LPID 2>/dev/null || true
chg=$(wait_all down_votes "$t1")
echo "change: $((targets / 2)) more targets down on 3 nodes: every node holds all $want down verdicts after $(shown "${chg:-}" "not reached in 60 s") by polling (checks every $interval s; $(( $(writes) - w0 )) writes)"
