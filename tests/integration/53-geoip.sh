#!/bin/bash
# 53-geoip: regions from a GeoIP database (mmdb_write.py writes it): a
# client per region by ECS, answered and scoped as the database says
# (subdivision, country, continent, AS number, the zone's prefix winning,
# none), fallback_order past a drained region; the file rewritten with
# another mapping and followed without a reload by hand; a corrupt file
# refused with the old mapping serving; the errors at start.
. "$(dirname "$0")/lib.sh"
require_tool dig
require_tool mmdblookup
need_daemon

WRITE="$(dirname "$0")/mmdb_write.py"
DB=$T/geo.mmdb

# db SPEC-NETWORKS: write $DB from a list of [prefix, data] pairs.
db() {
    printf '{"record_size": 28, "aliases": true, "networks": [%s]}' "$1" |
        "$PYTHON" "$WRITE" - "$DB" || bail "mmdb_write.py failed"
}
loc() { # loc CONTINENT COUNTRY [SUBDIVISION]
    if [ -n "${3:-}" ]; then
        printf '{"continent": {"code": "%s"}, "country": {"iso_code": "%s"}, "subdivisions": [{"iso_code": "%s"}]}' "$1" "$2" "$3"
    else
        printf '{"continent": {"code": "%s"}, "country": {"iso_code": "%s"}}' "$1" "$2"
    fi
}
V1="[\"10.1.0.0/16\", $(loc EU DE BY)],
 [\"10.2.0.0/16\", $(loc EU DE HE)],
 [\"10.3.0.0/24\", $(loc AS TR)],
 [\"10.4.0.0/20\", {\"autonomous_system_number\": 64500}],
 [\"10.5.0.0/16\", $(loc NA US)],
 [\"10.6.0.0/16\", $(loc EU FR)],
 [\"2001:db8:1::/48\", $(loc EU DE)]"
# The second mapping: 10.3.0.0/24 moves to the US, 10.1.0.0/16 to TR.
V2="[\"10.1.0.0/16\", $(loc AS TR)],
 [\"10.2.0.0/16\", $(loc EU DE HE)],
 [\"10.3.0.0/24\", $(loc NA US)],
 [\"10.4.0.0/20\", {\"autonomous_system_number\": 64500}],
 [\"10.5.0.0/16\", $(loc NA US)],
 [\"10.6.0.0/16\", $(loc EU FR)],
 [\"2001:db8:1::/48\", $(loc EU DE)]"
db "$V1"
expect_match "mmdblookup reads our file: 10.1.5.5 is in DE-BY" '"BY"' \
    "$(mmdblookup --file "$DB" --ip 10.1.5.5 subdivisions 0 iso_code 2>&1)"

cat >"$T/geo.conf" <<'EOF'
origin = "g.example.";
soa = { mname = "ns1"; rname = "hostmaster"; };
ns = [ "ns1" ];
records = [ "ns1 A 192.0.2.1" ];
regions = {
  eu = { continents = [ "EU" ]; };
  by = { subdivisions = [ "DE-BY" ]; };
  tr = { countries = [ "TR" ]; };
  isp = { asns = [ 64500 ]; };
  lab = { nets = [ "10.1.2.0/24" ]; };
  us = { countries = [ "US" ]; };
  fr = { countries = [ "FR" ]; };
};
pools = { web = { members = (
  { address = "192.0.2.10"; region = "eu"; },
  { address = "192.0.2.11"; region = "by"; },
  { address = "192.0.2.12"; region = "tr"; },
  { address = "192.0.2.13"; region = "isp"; },
  { address = "192.0.2.14"; region = "lab"; },
  { address = "192.0.2.15"; region = "us"; },
  { address = "192.0.2.16"; region = "fr"; admin = "down"; },
  { address = "2001:db8::10"; region = "eu"; }
); }; };
names = {
  www = { pool = "web"; strategy = "geo";
    fallback_order = [ "fr -> us -> any" ]; };
  plain = { pool = "web"; strategy = "geo"; };
};
EOF
CONF=$T/steerdns.conf
main_conf "$CONF" "$(port 0)" "geo.conf"
printf 'geoip = { database = "geo.mmdb"; };\n' >>"$CONF"
start_daemon "$CONF" || bail "daemon did not start"

d_ecs() { sed -n 's/^; CLIENT-SUBNET: //p' "$DIG_OUT" | head -n 1; }
# ask NAME SUBNET [TYPE]: the addresses, sorted, and the ECS echoed
ask() {
    dq +subnet="$2" "$1.g.example" "${3:-A}"
    echo "$(d_section ANSWER | awk '{ print $5 }' | sort | tr '\n' ' ')$(d_ecs)"
}

# --- every mapping, with the scope the database gives
expect_eq "DE-BY (subdivision): by's member, scope /17 (/16, out of lab's /24)" \
    "192.0.2.11 10.1.200.0/24/17" "$(ask www 10.1.200.0/24)" "$DIG_OUT"
expect_eq "the zone's prefix 10.1.2.0/24 wins over DE-BY: lab, /24" \
    "192.0.2.14 10.1.2.0/24/24" "$(ask www 10.1.2.0/24)" "$DIG_OUT"
expect_eq "DE-HE (continent EU): eu's member, the network's /16" \
    "192.0.2.10 10.2.3.0/24/16" "$(ask www 10.2.3.0/24)" "$DIG_OUT"
expect_eq "... a /12 of it: scope capped at the source prefix" \
    "192.0.2.10 10.2.0.0/15/15" "$(ask www 10.2.0.0/15)" "$DIG_OUT"
expect_eq "TR (country): tr's member, /24" \
    "192.0.2.12 10.3.0.0/24/24" "$(ask www 10.3.0.0/24)" "$DIG_OUT"
expect_eq "AS 64500: isp's member, /20" \
    "192.0.2.13 10.4.1.0/24/20" "$(ask www 10.4.1.0/24)" "$DIG_OUT"
expect_eq "US (country): us's member, /16" \
    "192.0.2.15 10.5.0.0/24/16" "$(ask www 10.5.0.0/24)" "$DIG_OUT"
expect_eq "FR drained: fallback_order goes on to us" \
    "192.0.2.15 10.6.0.0/24/16" "$(ask www 10.6.0.0/24)" "$DIG_OUT"
expect_eq "... without fallback_order: every usable member" \
    "192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13 192.0.2.14 192.0.2.15 10.6.0.0/24/16" \
    "$(ask plain 10.6.0.0/24)" "$DIG_OUT"
expect_eq "not in the database: no region, every usable member, /9" \
    "192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13 192.0.2.14 192.0.2.15 10.200.0.0/16/9" \
    "$(ask www 10.200.0.0/16)" "$DIG_OUT"
expect_eq "IPv6 client in DE: eu's AAAA, the network's /48" \
    "2001:db8::10 2001:db8:1::/56/48" "$(ask www 2001:db8:1::/56 AAAA)" "$DIG_OUT"

# --- the file changes: the daemon follows it
db "$V2"
tr_now() { [ "$(ask www 10.1.200.0/24)" = "192.0.2.12 10.1.200.0/24/17" ]; }
if wait_until 10000 tr_now; then
    ok "a new database file is followed in $WAITED: 10.1.200.0/24 is TR now"
else
    notok "a new database file is followed" "got: $(ask www 10.1.200.0/24)"
    show "$DAEMON_LOG"
fi
expect_eq "... 10.3.0.0/24 is in the US" "192.0.2.15 10.3.0.0/24/24" \
    "$(ask www 10.3.0.0/24)" "$DIG_OUT"
expect_eq "... the zone's prefix still wins" "192.0.2.14 10.1.2.0/24/24" \
    "$(ask www 10.1.2.0/24)" "$DIG_OUT"
check "... the change was logged" logged "$DAEMON_LOG" \
    "geoip database $DB changed: reloading"

# --- a corrupt file: refused, the old mapping serves
printf 'this is not a MaxMind DB\n' >"$DB.tmp" && mv "$DB.tmp" "$DB"
refused() { grep -q "geoip database \"$DB\": " "$DAEMON_LOG"; }
if wait_until 10000 refused; then
    ok "a corrupt database is refused and logged in $WAITED"
else
    notok "a corrupt database is refused and logged" "no message"
    show "$DAEMON_LOG"
fi
check "... as a refused reload" logged "$DAEMON_LOG" "reload refused"
expect_eq "... the last good mapping keeps serving (TR)" \
    "192.0.2.12 10.1.200.0/24/17" "$(ask www 10.1.200.0/24)" "$DIG_OUT"
expect_eq "... (US)" "192.0.2.15 10.3.0.0/24/24" "$(ask www 10.3.0.0/24)" \
    "$DIG_OUT"
db "$V1"
by_again() { [ "$(ask www 10.1.200.0/24)" = "192.0.2.11 10.1.200.0/24/17" ]; }
if wait_until 10000 by_again; then
    ok "a good file again is taken in $WAITED"
else
    notok "a good file again is taken" "got: $(ask www 10.1.200.0/24)"
fi
stop_daemon

# --- errors at start
mv "$DB" "$T/moved.mmdb"
out=$("$STEERDNS" -n -c "$CONF" 2>&1)
rc=$?
expect_eq "a missing database stops the start" 1 "$rc"
expect_match "... with its line and reason" \
    "steerdns.conf:[0-9]+: geoip database \"$T/geo.mmdb\": No such file or directory" "$out"
printf 'garbage' >"$DB"
out=$("$STEERDNS" -n -c "$CONF" 2>&1)
expect_match "a corrupt one too" "geoip database \"$T/geo.mmdb\": .*invalid metadata" "$out"
sed -i '/^geoip/d' "$CONF"
out=$("$STEERDNS" -n -c "$CONF" 2>&1)
expect_match "database keys without a geoip group: the zone file's line" \
    "geo.conf:6: region \"eu\": continents, countries, subdivisions and asns need the main file's geoip database" "$out"
finish
