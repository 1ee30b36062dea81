#!/bin/sh
# run.sh -- run one libFuzzer target for a bounded time over a copy of its
# seed corpus; exit 0 when it ends without a crash, leak, timeout or
# disagreement.  A failing input is kept in the artifacts directory.
# usage: tests/fuzz/run.sh TARGET SECONDS   (TARGET: query, conf, ctl,
#        state, http, wire_ldns; from a build made with --enable-fuzzing)
# Environment: top_builddir (default .), FUZZ_ARTIFACTS (default
# $top_builddir/tests/fuzz/artifacts), extra libFuzzer flags in FUZZ_FLAGS.
# SPDX-License-Identifier: ISC
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	exit 2
fi
target=$1
secs=$2
src=$(cd "$(dirname "$0")" && pwd)
build=${top_builddir:-.}
bin=$build/tests/fuzz/fuzz_$target
if [ ! -x "$bin" ]; then
	echo "$0: no $bin: configure --enable-fuzzing and make fuzz" >&2
	exit 2
fi
if [ ! -d "$src/corpus/$target" ]; then
	echo "$0: no corpus $src/corpus/$target" >&2
	exit 2
fi
art=${FUZZ_ARTIFACTS:-$build/tests/fuzz/artifacts}
mkdir -p "$art" || exit 1
art=$(cd "$art" && pwd)	# the targets may change directory
work=$(mktemp -d "${TMPDIR:-/tmp}/steer-fuzz-$target.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cp "$src/corpus/$target"/* "$work"/ || exit 1
# Leaks count as failures; UBSan stops at the first report.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/lsan.supp:print_suppressions=0}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$art/$target-" \
    ${FUZZ_FLAGS:-} "$work" </dev/null >"$work/log" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done)' \
    "$work/log" | sed "s/^/$target: /"
if [ "$rc" -ne 0 ]; then
	echo "$target: FAILED (exit $rc); the input is in $art:"
	grep -v '^#' "$work/log" | tail -n 60
	exit 1
fi
echo "$target: ok"
