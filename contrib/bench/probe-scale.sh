#!/bin/sh
# probe-scale.sh -- the prober on 10,000 tcp targets (127.1.x.y) at a 1 s
# interval for 10 s: timer lateness, CPU and memory per target.
# usage: contrib/bench/probe-scale.sh [probe-scale options: -n -i -d -p -r]
# Run from the top of a configured build directory.
# SPDX-License-Identifier: ISC
set -eu
make -s contrib/bench/probe-scale
# One descriptor per target in flight, and the listener's accepted ones.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== local listener accepts every connection"
contrib/bench/probe-scale -n 10000 -i 1 -d 10 "$@"
echo "== nothing listens: every connect is refused"
contrib/bench/probe-scale -n 10000 -i 1 -d 10 -r "$@"
