#!/bin/bash
# 13-config-errors: `steerdns -n -c FILE` (--check-config) accepts valid
# configurations ("config OK" on stdout, exit 0) and rejects every case
# under tests/integration/conf/ with exit 1 and one "FILE:LINE: message"
# line on stderr per error, all errors of a file reported.
#
# Case CASE.conf is a main configuration; its zone, if any, is CASE.zone.
# A line of either file ending in "# expect: RE" must be reported as
# FILE:LINE: with a message matching the ERE RE (case-insensitive); of
# the lines ending in "# either: RE" at least one must be.  Messages are
# not fixed: RE lists a few keywords.
. "$(dirname "$0")/lib.sh"
need_daemon

# run_check OUT ERR ARGS...: run steerdns bounded by 10 s; sets RC
run_check() {
    o=$1 e=$2; shift 2
    timeout 10 "$STEERDNS" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
}

# --- valid configurations
run_check "$T/out" "$T/err" -n -c "$TI_CONF/good.conf"
expect_eq "good.conf: exit status 0" 0 "$RC" "$T/err"
expect_match "good.conf: 'config OK' on stdout" 'config OK' "$(cat "$T/out")" "$T/err"
(cd "$TI_CONF/.." && timeout 10 "$STEERDNS" -n -c conf/good.conf >"$T/out" 2>"$T/err")
expect_eq "good.conf by a relative path from another directory: exit 0" 0 "$?" "$T/err"
run_check "$T/out" "$T/err" --check-config -c "$TI_CONF/good.conf"
expect_eq "--check-config (long option): exit 0" "0 config OK" "$RC $(grep -o 'config OK' "$T/out")" "$T/err"
if [ -f "$top_srcdir/zones/steerdns.conf" ]; then
    run_check "$T/out" "$T/err" -n -c "$top_srcdir/zones/steerdns.conf"
    expect_eq "shipped zones/steerdns.conf is valid" "0 config OK" "$RC $(grep -o 'config OK' "$T/out")" "$T/err"
fi
copy_zone lb.example.conf
copy_zone second.test.conf
main_conf "$T/steerdns.conf" "$(port 0)" "lb.example.conf second.test.conf"
run_check "$T/out" "$T/err" -n -c "$T/steerdns.conf"
expect_eq "the integration test zones are valid" "0 config OK" "$RC $(grep -o 'config OK' "$T/out")" "$T/err"

# --check-config does not bind: it passes while a daemon holds the port
start_daemon "$T/steerdns.conf" "$(port 0)" || bail "daemon did not start"
run_check "$T/out" "$T/err" -n -c "$T/steerdns.conf"
expect_eq "--check-config while the port is in use: still valid" "0 config OK" \
    "$RC $(grep -o 'config OK' "$T/out")" "$T/err"
stop_daemon

# --- invalid configurations
for main in "$TI_CONF"/*.conf; do
    case_name=$(basename "$main" .conf)
    [ "$case_name" = good ] && continue
    zone=$TI_CONF/$case_name.zone
    run_check "$T/out" "$T/err" -n -c "$main"
    expect_eq "$case_name: exit status 1" 1 "$RC" "$T/err"
    expect_nomatch "$case_name: no 'config OK'" 'config OK' "$(cat "$T/out")"
    either_n=0
    either_hit=0
    either_want=""
    for f in "$main" "$zone"; do
        [ -f "$f" ] || continue
        fb=$(basename "$f" | sed 's/\./\\./g')
        while IFS=: read -r line rest; do
            kind=$(printf '%s\n' "$rest" | sed -n 's/.*# \(expect\|either\): .*/\1/p')
            re=$(printf '%s\n' "$rest" | sed -n 's/.*# \(expect\|either\): \(.*\)$/\2/p')
            [ -n "$kind" ] || continue
            pat="(^|/)$fb:$line: .*($re)"
            if [ "$kind" = expect ]; then
                if grep -Eiq -- "$pat" "$T/err"; then
                    ok "$case_name: $(basename "$f"):$line reported"
                else
                    notok "$case_name: $(basename "$f"):$line reported" \
                        "expected a stderr line matching: $pat" "stderr was:"
                    show "$T/err"
                fi
            else
                either_n=$((either_n + 1))
                either_want="$either_want $(basename "$f"):$line"
                grep -Eiq -- "$pat" "$T/err" && either_hit=$((either_hit + 1))
            fi
        done <<EOF
$(grep -n -E '# (expect|either): ' "$f")
EOF
    done
    if [ "$either_n" -gt 0 ]; then
        if [ "$either_hit" -gt 0 ]; then ok "$case_name: one of$either_want reported"
        else
            notok "$case_name: one of$either_want reported" "stderr was:"
            show "$T/err"
        fi
    fi
    # every error line has the FILE:LINE: shape
    nshape=$(grep -Ec '^[^: ]+:[0-9]+: .+' "$T/err")
    nmark=$(cat "$main" "$zone" 2>/dev/null | grep -Ec '# expect: ')
    [ "$either_n" -gt 0 ] && nmark=$((nmark + 1))
    if [ "$nshape" -ge "$nmark" ] && [ "$nshape" -ge 1 ]; then
        ok "$case_name: $nshape FILE:LINE: message line(s) for $nmark error(s)"
    else
        notok "$case_name: at least $nmark FILE:LINE: message line(s)" "got $nshape; stderr was:"
        show "$T/err"
    fi
done

# --- the daemon itself refuses to start on an invalid configuration
run_check "$T/out" "$T/err" -f -c "$TI_CONF/bad-ttl.conf"
expect_match "steerdns -f with an invalid zone: exits non-zero at once" '^([1-9]|[1-9][0-9]|1[01][0-9]|12[0-3])$' "$RC" "$T/err"
expect_nomatch "steerdns -f with an invalid zone: never ready" '(^|[^[:alnum:]])ready([^[:alnum:]]|$)' "$(cat "$T/out" "$T/err")"
expect_match "steerdns -f with an invalid zone: FILE:LINE: on stderr" '(^|/)bad-ttl\.zone:3: ' "$(cat "$T/err")" "$T/err"
run_check "$T/out" "$T/err" -n -c "$T/does-not-exist.conf"
expect_eq "missing main configuration file: exit 1" 1 "$RC" "$T/err"

finish
