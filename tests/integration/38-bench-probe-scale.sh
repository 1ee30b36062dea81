#!/bin/bash
# 38-bench-probe-scale: contrib/bench/probe-scale measures what it says.
# For each check kind, 40 targets for 2 s against its listener: every
# check passes, none goes down, and the listener saw every check the
# prober finished; with nothing listening, every target ends down and
# every check fails without a timeout.  The benchmark is built on
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
    "$PS" -k "$kind" -n 40 -i 0.5 -d 2 -p "$P" >"$T/out" 2>&1 ||
        { show "$T/out"; bail "probe-scale -k $kind failed"; }
    checks=$(field checks)
    expect_match "$kind accepting: checks ran" '^[1-9][0-9]+$' "$checks" "$T/out"
    expect_eq "$kind accepting: every check passed" "$checks" "$(field ok)" "$T/out"
    expect_eq "$kind accepting: all 40 up" 40 "$(field up)" "$T/out"
    expect_eq "$kind accepting: none went down" 0 "$(field down_events)" "$T/out"
    # The listener counts whole runs, the prober only the measured ones.
    answered=$(sed -n 's/^listener *\([0-9]*\) answered.*/\1/p' "$T/out")
    expect_match "$kind accepting: the listener answered them" '^[0-9]+$' "$answered" "$T/out"
    if [ -n "$answered" ] && [ "$answered" -ge "$checks" ]; then
        ok "$kind accepting: listener count >= checks"
    else
        notok "$kind accepting: listener count >= checks" "$answered < $checks"
    fi

    "$PS" -k "$kind" -n 40 -i 0.5 -d 2 -p "$P" -r >"$T/out" 2>&1 ||
        { show "$T/out"; bail "probe-scale -k $kind -r failed"; }
    checks=$(field checks)
    expect_eq "$kind refused: no check passed" 0 "$(field ok)" "$T/out"
    expect_eq "$kind refused: all 40 down" 0 "$(field up)" "$T/out"
    expect_eq "$kind refused: failures, not timeouts" "$checks" "$(field other)" "$T/out"
done
finish
