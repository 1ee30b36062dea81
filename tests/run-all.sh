#!/bin/sh
# run-all.sh -- the whole test suite: a normal build and a build with
# AddressSanitizer and UndefinedBehaviorSanitizer, each running every unit and
# integration test; then a clang build with libFuzzer that runs each fuzz
# target for FUZZ_SECONDS (30) over its seed corpus, one test per target.
# Ends with "N passed, M failed"; a skip counts as failed.
# --quick: the normal build and its tests only, for a first check (a third
# of the time); .ci/run runs it all.
# SPDX-License-Identifier: ISC
set -u
quick=false
case ${1:-} in
--quick) quick=true ;;
"") ;;
*) echo "usage: sh tests/run-all.sh [--quick]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
"$top/contrib/install-deps.sh" test || exit 1
[ -x configure ] || autoreconf -fi || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

# count DIR: add the results of DIR/test-suite.log to the totals.
count() {
	log="$1/test-suite.log"
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$log")
	f=$(sed -n 's/^# FAIL: *//p' "$log")
	s=$(sed -n 's/^# SKIP: *//p' "$log")
	x=$(sed -n 's/^# XFAIL: *//p' "$log")
	e=$(sed -n 's/^# ERROR: *//p' "$log")
	xp=$(sed -n 's/^# XPASS: *//p' "$log")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${s:-0} + ${x:-0} + ${e:-0} + ${xp:-0}))
}

# run NAME CONFIGURE-ARGS...: build in build-NAME and run make check there.
run() {
	name=$1
	shift
	dir="$top/build-$name"
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "=== $name build: ./configure $*"
	if ! (cd "$dir" && "$top/configure" -q "$@" >configure.log 2>&1 &&
	    make -j"$jobs" >make.log 2>&1); then
		echo "not ok - $name build failed:"
		tail -n 30 "$dir/configure.log" "$dir/make.log" 2>/dev/null
		failed=$((failed + 1))
		return
	fi
	if grep -q 'warning:' "$dir/make.log"; then
		echo "not ok - $name build has compiler warnings:"
		grep 'warning:' "$dir/make.log" | head -n 20
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
	(cd "$dir" && make -j"$jobs" check >check.log 2>&1)
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.log"
	for f in "$dir"/tests/unit/*.log "$dir"/tests/integration/*.log; do
		[ -f "$f" ] || continue
		case "$f" in *test-suite.log) continue ;; esac
		if grep -qE '^(FAIL|ERROR|SKIP)' "${f%.log}.trs" 2>/dev/null; then
			echo "--- $f"
			tail -n 40 "$f"
		fi
	done
	count "$dir"
}

run plain --enable-developer
if $quick; then
	echo "$passed passed, $failed failed (--quick: the plain build only)"
	[ "$failed" -eq 0 ]
	exit
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run sanitizers --enable-developer --enable-sanitizers
# fuzz: build the libFuzzer targets with clang, run each for a bounded time.
fuzz() {
	dir="$top/build-fuzz"
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "=== fuzz build: CC=clang ./configure --enable-fuzzing"
	if ! (cd "$dir" && CC=clang "$top/configure" -q --enable-fuzzing \
	    >configure.log 2>&1 && make -j"$jobs" fuzz >make.log 2>&1); then
		echo "not ok - fuzz build failed:"
		tail -n 30 "$dir/configure.log" "$dir/make.log" 2>/dev/null
		failed=$((failed + 1))
		return
	fi
	for t in query conf ctl state http wire_ldns httpc; do
		if top_builddir="$dir" "$top/tests/fuzz/run.sh" "$t" \
		    "${FUZZ_SECONDS:-30}" >"$dir/fuzz-$t.log" 2>&1; then
			echo "PASS: fuzz $t ($(sed -n \
			    's/.*average_exec_per_sec: *//p' \
			    "$dir/fuzz-$t.log") exec/s)"
			passed=$((passed + 1))
		else
			echo "FAIL: fuzz $t"
			tail -n 60 "$dir/fuzz-$t.log"
			failed=$((failed + 1))
		fi
	done
}
fuzz
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
