#!/bin/sh
# layout.sh -- the shape of src/: no file over 800 lines, no include loops
# between modules, no event loop, sockets or threads in the pure modules.
# A module is a .c file and the .h of the same name.
# SPDX-License-Identifier: ISC
set -u
src="${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/src"
fail=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; printf '%s\n' "$2" | sed 's/^/#   /'; }

# 1. Size: a file that long holds more than one concept.
long=$(wc -l "$src"/*.c "$src"/*.h | awk '$2 != "total" && $1 > 800 { print $2 ": " $1 }')
if [ -z "$long" ]; then ok "no file in src/ over 800 lines"
else notok "no file in src/ over 800 lines" "$long"; fi

# 2. Loops: module A uses module B when A.c or A.h includes B.h.  A
#    module's private header (zone_int.h) is part of it.
edges=$(for f in "$src"/*.c "$src"/*.h; do
	m=$(basename "$f"); m=${m%.*}; m=${m%_int}
	sed -n 's/^#include "\([a-z0-9_]*\)\.h".*/\1/p' "$f" | while read -r d; do
		d=${d%_int}
		[ "$d" = "$m" ] || [ "$d" = config ] || echo "$m $d"
	done
done | sort -u)
loops=$(printf '%s\n' "$edges" | awk '
	{ to[$1] = to[$1] " " $2; mods[$1] = 1; mods[$2] = 1 }
	function visit(m, path,   i, n, d, k) {
		if (state[m] == 2) return
		if (state[m] == 1) { print path; found = 1; return }
		state[m] = 1
		n = split(to[m], d, " ")
		for (i = 1; i <= n; i++) visit(d[i], path " -> " d[i])
		state[m] = 2
	}
	END { for (k in mods) visit(k, k) }')
if [ -z "$loops" ]; then ok "no include loops between modules"
else notok "no include loops between modules" "$loops"; fi

# 3. The per-query path and what it stands on are pure: bytes in, bytes
#    out, no event loop, no sockets, no threads, no clock, no libraries
#    of I/O.  (Allocation is load time there; test_answer_noalloc shows the
#    per-query path has none.)
pure="answer answer_follow wire cookie siphash zone zone_ident lb lb_up lb_priority lb_topology
 lb_round_robin lb_shuffle lb_weighted lb_hash lb_fastest lb_least_load lb_first
 health rrl httpc geo"
bad=
for m in $pure; do
	for f in "$src/$m.c" "$src/$m.h"; do
		[ -f "$f" ] || continue
		hit=$(grep -nE '^#include <(ev\.h|curl/|urcu|pthread\.h|ldns/|libconfig\.h|maxminddb\.h|unistd\.h|sys/epoll)' "$f")
		[ -z "$hit" ] || bad="$bad
$(basename "$f"):$hit"
		calls=$(grep -nE '\b(socket|connect|send|recv|sendmmsg|recvmmsg|time|clock_gettime|arc4random|pthread_[a-z]+)\(' "$f" | grep -v '^\([0-9]*\):\s*/\?\*')
		[ -z "$calls" ] || bad="$bad
$(basename "$f"):$calls"
	done
done
if [ -z "$bad" ]; then ok "the pure modules include and call no I/O"
else notok "the pure modules include and call no I/O" "$bad"; fi

echo "1..$n"
exit $fail
