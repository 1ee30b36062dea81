#!/bin/bash
# 38-bench-probe-scale: contrib/bench/probe-scale measures what it says.
# For each check kind, 40 targets for 2 s against its listener: every
# check passes (or, on a busy machine, is taken as the prober's own
# lateness), none goes down, and the listener answered every check that
# passed; with nothing listening, every target ends down and every check
# fails without a timeout.  The benchmark is built on
# demand (it links OpenSSL for the https listener).
. "$(dirname "$0")/lib.sh"

PS=$top_builddir/contrib/bench/probe-scale
if [ ! -x "$PS" ]; then
    make -s -C "$top_builddir" contrib/bench/probe-scale >"$T/make.log" 2>&1 ||
        { show "$T/make.log"; bail "cannot build contrib/bench/probe-scale"; }
fi
P=$(port 0)

# field NAME: a field of the RESULT line of $T/out
field() { sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" "$T/out"; }

for kind in tcp http https dns; do
    "$PS" -k "$kind" -n 40 -i 0.5 -t 0.45 -d 2 -p "$P" >"$T/out" 2>&1 ||
        { show "$T/out"; bail "probe-scale -k $kind failed"; }
    checks=$(field checks)
    expect_match "$kind accepting: checks ran" '^[1-9][0-9]+$' "$checks" "$T/out"
    passed=$(field ok)
    expect_match "$kind accepting: checks passed" '^[1-9][0-9]+$' "$passed" "$T/out"
    expect_eq "$kind accepting: no check failed" "$checks" \
        "$((passed + $(field local)))" "$T/out"
    expect_eq "$kind accepting: all 40 up" 40 "$(field up)" "$T/out"
    expect_eq "$kind accepting: none went down" 0 "$(field down_events)" "$T/out"
    # The listener counts the whole run, the prober the measured time.
    answered=$(sed -n 's/^listener *\([0-9]*\) answered.*/\1/p' "$T/out")
    expect_match "$kind accepting: the listener answered them" '^[0-9]+$' "$answered" "$T/out"
    if [ -n "$answered" ] && [ "$answered" -ge "$passed" ]; then
        ok "$kind accepting: listener count >= checks passed"
    else
        notok "$kind accepting: listener count >= checks passed" \
            "$answered < $passed"
    fi

    "$PS" -k "$kind" -n 40 -i 0.5 -t 0.45 -d 2 -p "$P" -r >"$T/out" 2>&1 ||
        { show "$T/out"; bail "probe-scale -k $kind -r failed"; }
    checks=$(field checks)
    expect_eq "$kind refused: no check passed" 0 "$(field ok)" "$T/out"
    expect_eq "$kind refused: all 40 down" 0 "$(field up)" "$T/out"
    expect_eq "$kind refused: failures, not timeouts" "$checks" \
        "$(( $(field other) + $(field local) ))" "$T/out"
done
finish
