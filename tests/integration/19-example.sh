#!/bin/bash
# 19-example: the example configuration (zones/) runs as its comments say
# on other ports, with nothing changed but the lines marked "# ports" in
# steerdns.conf and lb.example.conf (the control socket and the state file
# moved into the test's directory): the members probed on this machine
# are up, those probed where nothing listens down, the drained one
# drained.  Changing steerdns.conf's lines alone takes the checked members
# down: the marked lines do hold every port the checks depend on.
. "$(dirname "$0")/lib.sh"
need_ctl
P=$(port 0) M=$(port 1)
# The files as shipped (make check copies them from git's HEAD: see
# SHIPPED_DIR in Makefile.am), not as an operator trying them edited them.
Z=$top_builddir/tests/unit/shipped
[ -f "$Z/steerdns.conf" ] || Z=$top_srcdir/zones
mkdir -p "$T/ex" "$T/half"

# example DIR ZONE-TOO: the shipped files in DIR, ports moved
example() {
    sed -e "/# ports/s/5353/$P/g" -e "/# ports/s/9353/$M/g" \
        -e "s|^\( *control =\).*|\1 \"$1/ctl.sock\";|" \
        -e "s|^\( *state_file =\).*|\1 \"$1/overrides\";|" \
        "$Z/steerdns.conf" >"$1/steerdns.conf"
    if [ "$2" = yes ]; then
        sed -e "/# ports/s/5353/$P/g" -e "/# ports/s/9353/$M/g" \
            "$Z/lb.example.conf" >"$1/lb.example.conf"
    else
        cp "$Z/lb.example.conf" "$1/lb.example.conf"
    fi
}
# states: "pool member state/usable" for every checked member, sorted
states() {
    "$CTL" -c "$1/steerdns.conf" --json members >"$T/members.json" 2>"$T/ctl.err"
    "$PYTHON" - "$T/members.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s/%s=%s%s" % (m["pool"], m["member"], m["state"],
                                      "" if m["usable"] else "!")
                      for m in d["members"] if m.get("check"))))
PY
}

example "$T/ex" yes
expect_eq "only the marked lines name the example's ports" \
    "" "$(cat "$T/ex/steerdns.conf" "$T/ex/lb.example.conf" | grep -v '^ *#' | grep -E '(5353|9353)')"
start_daemon "$T/ex/steerdns.conf" "$P" || bail "the example did not start on ports $P, $M"
expect_eq "the example on ports $P and $M: every member as its comments say" \
    "app/192.0.2.30=up app/192.0.2.31=up app/192.0.2.32=up app/2001:db8::30=up edge/192.0.2.70=up edge/198.51.100.70=up edge/2001:db8::70=up site/192.0.2.20=up site/192.0.2.21=down! site/198.51.100.20=up site/198.51.100.21=down!" \
    "$(states "$T/ex")" "$T/ctl.err"
dq www.lb.example A
expect_eq "www.lb.example A answered on port $P" "NOERROR 2" "$(d_status) $(d_count ANSWER)" "$DIG_OUT"
stop_daemon

example "$T/half" no
start_daemon "$T/half/steerdns.conf" "$P" || bail "the half-changed example did not start"
expect_eq "steerdns.conf's ports changed alone: the checked members probed here are down" \
    "" "$(states "$T/half" | tr ' ' '\n' | grep -E '=up$')"
stop_daemon
finish
