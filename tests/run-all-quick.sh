#!/bin/sh
# run-all-quick.sh -- tests/run-all.sh --quick runs the plain build and its
# tests only, and without it every stage (.ci/run's), in a copy of the
# script beside stubs of configure, make's targets and the fuzz runner that
# say which stage ran.
# SPDX-License-Identifier: ISC
set -u
src="${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}"
T=$(mktemp -d "${TMPDIR:-/tmp}/run-all-quick.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; printf '%s\n' "$2" | sed 's/^/#   /'; }

# Run under make check, the inner makes must not see the outer one's
# jobserver: they would warn, and run-all.sh counts a warning as a failure.
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$T/tests/fuzz" "$T/contrib"
cp "$src/tests/run-all.sh" "$T/tests/run-all.sh"
printf '#!/bin/sh\nexit 0\n' >"$T/contrib/install-deps.sh"
# configure writes a Makefile whose check passes one test and says where.
cat >"$T/configure" <<'STUB'
#!/bin/sh
echo "configure $*" >>"$STAGES"
cat >Makefile <<'MK'
all:
check:
	@echo "check $$(basename $$(pwd))" >>"$$STAGES"
	@printf '# PASS: 1\n# FAIL: 0\n' >test-suite.log
fuzz:
	@echo "fuzz build" >>"$$STAGES"
MK
STUB
printf '#!/bin/sh\necho "fuzz $1" >>"$STAGES"\n' >"$T/tests/fuzz/run.sh"
chmod +x "$T/configure" "$T/contrib/install-deps.sh" "$T/tests/fuzz/run.sh"

STAGES=$T/quick.stages sh "$T/tests/run-all.sh" --quick >"$T/quick.out" 2>&1
rc=$?
got=$(tr '\n' '|' <"$T/quick.stages" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ "$got" = "configure -q --enable-developer|check build-plain|" ]; then
	ok "--quick: the plain build and its check only, exit 0"
else
	notok "--quick: the plain build and its check only, exit 0" "exit $rc, stages: $got
$(cat "$T/quick.out")"
fi
last=$(tail -n 1 "$T/quick.out")
case $last in
"2 passed, 0 failed"*) ok "--quick: ends with the totals ($last)" ;;
*) notok "--quick: ends with the totals" "$last" ;;
esac

STAGES=$T/full.stages FUZZ_SECONDS=1 sh "$T/tests/run-all.sh" >"$T/full.out" 2>&1
rc=$?
got=$(tr '\n' '|' <"$T/full.stages" 2>/dev/null)
case $got in
"configure -q --enable-developer|check build-plain|configure -q --enable-developer --enable-sanitizers|check build-sanitizers|configure -q --enable-fuzzing|fuzz build|fuzz "*)
	ok "without --quick: plain, sanitizers, then the fuzz targets" ;;
*)	notok "without --quick: plain, sanitizers, then the fuzz targets" "exit $rc, stages: $got" ;;
esac

sh "$T/tests/run-all.sh" --bogus >/dev/null 2>"$T/bogus.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q 'usage: .*--quick' "$T/bogus.err"; then
	ok "an unknown argument: usage, exit 2"
else
	notok "an unknown argument: usage, exit 2" "exit $rc: $(cat "$T/bogus.err")"
fi
echo "1..$n"
exit $fail
