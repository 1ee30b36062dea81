# probe-lib.sh -- helpers for the tests with fake backends (30-*, 31-*,
# 32-*, 40-*, 41-*, 42-*), sourced after lib.sh: the backends, answer
# order, the backends' request logs.
# SPDX-License-Identifier: ISC

# backend ADDR PORT MODE [probe-backend.py options...]: start a fake
# backend (probe-backend.py: modes and options), wait until it is bound.
# Its output goes to $T/backend-ADDR-PORT.log.
backend() {
    ba=$1 bpo=$2
    lg=$T/backend-$ba-$bpo.log
    : >"$lg"
    "$PYTHON" "$TI_SRC/probe-backend.py" "$@" >"$lg" 2>&1 &
    bp=$!
    PIDS="$PIDS $bp"
    eval "BPID_$(echo "$ba-$bpo" | tr .- __)=$bp"
    n=200
    while [ "$n" -gt 0 ] && ! grep -q listening "$lg"; do
        alive "$bp" || break
        sleep 0.05; n=$((n - 1))
    done
    grep -q listening "$lg" || bail "backend $* did not start: $(cat "$lg")"
}

# stop_backend ADDR PORT: SIGTERM to the backend started there; wait
stop_backend() {
    bp=$(eval echo "\$BPID_$(echo "$1-$2" | tr .- __)")
    kill -TERM "$bp" 2>/dev/null
    wait_gone "$bp" 5
    wait "$bp" 2>/dev/null
    return 0
}

# status NAME: the rcode of an A query for NAME
status() { dq "$1" A; d_status; }

# order_is NAME WANT: the answer order is WANT
order_is() { [ "$(order "$1")" = "$2" ]; }

# metric SAMPLE: the value of SAMPLE (name and labels) in the daemon's
# /metrics on 127.0.0.1:$MPORT
metric() {
    http GET /metrics "$T/metrics.txt" >/dev/null
    awk -v s="$1" '$1 == s {print $NF}' "$T/metrics.txt"
}

# firsts NAME N: how often each address came first in N answers, "COUNT ADDR"
firsts() {
    i=0
    while [ "$i" -lt "$2" ]; do order "$1" | cut -d' ' -f1; i=$((i + 1)); done |
        sort | uniq -c | sed 's/^ *//'
}
# count_of ADDR: its count in $F, output of firsts (0 when absent)
count_of() { printf '%s\n' "$F" | awk -v a="$1" '$2 == a {c = $1} END {print c + 0}'; }

# orders NAME N: the answer order of N queries, one per line, uniq -c
orders() {
    i=0
    while [ "$i" -lt "$2" ]; do order "$1"; echo; i=$((i + 1)); done |
        sed '/^$/d' | sort | uniq -c | sed 's/^ *//'
}

# reqs LOG FIELD [tls]: FIELD of every request in a probe-backend.py --log
# file, one per line ("None" when absent); with "tls", of every failed TLS
# handshake instead.  FIELD "headers" prints the headers of the last
# request, "Name: value" per line.
reqs() {
    "$PYTHON" - "$@" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = "tls_error" if sys.argv[3:] == ["tls"] else "path"
recs = [r for r in recs if want in r]
if sys.argv[2] == "headers":
    for k, v in (recs[-1]["headers"] if recs else []):
        print("%s: %s" % (k, v))
else:
    for r in recs:
        print(r.get(sys.argv[2]))
EOF
}

# req1 LOG FIELD [tls]: the distinct values of FIELD, space separated
req1() { reqs "$@" | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }
