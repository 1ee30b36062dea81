#!/bin/bash
# 21-zone-file: a zone served from its master file (records_file) with
# $ORIGIN, $TTL, $INCLUDE (nested, relative to the including file),
# parentheses, blank owners, and records beside it; the same file passes
# Knot DNS's kzonecheck unchanged.  A reload with a broken included file
# is refused with file:line and the old answers stay; a fixed one is read
# again and answered.
. "$(dirname "$0")/lib.sh"
require_tool dig kzonecheck
need_daemon

mkdir -p "$T/hosts"
# The master file, as an operator's zone from another server would be.
cat >"$T/lb.example.zone" <<'EOF'
; lb.example.zone -- written for BIND, NSD or Knot DNS
$ORIGIN lb.example.
$TTL 300
@	IN	SOA	ns1 hostmaster (
		2026120301	; serial
		3600		; refresh
		900		; retry
		604800		; expire
		60 )		; minimum
	IN	NS	ns1
	IN	NS	ns2.lb.example.
ns1	IN	A	127.0.0.1
ns2	IN	A	127.0.0.2
www	IN	A	192.0.2.10
	IN	AAAA	2001:db8::10
mail	IN	MX	10 mx.lb.example.
mx	IN	A	192.0.2.25
txt	IN	TXT	"v=spf1 -all; not a comment" ( "second"
		"third" )
_https._tcp	IN	SRV	0 5 443 www
*.wild	600	IN	A	192.0.2.99
sub	IN	NS	ns.sub
ns.sub	IN	A	192.0.2.53
$INCLUDE hosts/hosts.zone hosts.lb.example.
after	IN	A	192.0.2.40
EOF
cat >"$T/hosts/hosts.zone" <<'EOF'
; hosts.zone -- included with origin hosts.lb.example.
$TTL 60
a	IN	A	192.0.2.101
$INCLUDE more.zone
EOF
cat >"$T/hosts/more.zone" <<'EOF'
; more.zone -- beside hosts.zone, which includes it
b	IN	A	192.0.2.102
EOF
cat >"$T/lb.example.conf" <<'EOF'
# the zone: its records from the master file, one more beside them
origin = "lb.example.";
records_file = "lb.example.zone";
records = [ "extra TXT \"from records\"" ];
EOF
CONF=$T/steerdns.conf
main_conf "$CONF" "$(port 0)" "lb.example.conf"

# ------------------------------------------------------ Knot, then us
(cd "$T" && kzonecheck -o lb.example. lb.example.zone) >"$T/kzc.out" 2>&1
expect_eq "kzonecheck accepts the master file" 0 "$?" "$T/kzc.out"
"$STEERDNS" -n -c "$CONF" >"$T/n.out" 2>&1
expect_eq "steerdns -n loads it unchanged" 0 "$?" "$T/n.out"
expect_match "steerdns -n: every record" "1 zone, 18 records" "$(cat "$T/n.out")" "$T/n.out"

start_daemon "$CONF" || bail "daemon did not start"

# a_of NAME TYPE: "STATUS: answer | answer"
a_of() { dq +norec "$1" "$2"; echo "$(d_status): $(d_section ANSWER | oneline)"; }

expect_eq "SOA from the file (parentheses, comments)" \
    "NOERROR: lb.example. 300 IN SOA ns1.lb.example. hostmaster.lb.example. 2026120301 3600 900 604800 60" \
    "$(a_of lb.example SOA)" "$DIG_OUT"
expect_eq "apex NS from the file, blank owners" \
    "NOERROR: lb.example. 300 IN NS ns1.lb.example. | lb.example. 300 IN NS ns2.lb.example." \
    "$(a_of lb.example NS)" "$DIG_OUT"
expect_eq "AAAA under a blank owner" "NOERROR: www.lb.example. 300 IN AAAA 2001:db8::10" \
    "$(a_of www.lb.example AAAA)" "$DIG_OUT"
expect_eq "TXT over two lines, ; in quotes" \
    'NOERROR: txt.lb.example. 300 IN TXT "v=spf1 -all; not a comment" "second" "third"' \
    "$(a_of txt.lb.example TXT)" "$DIG_OUT"
expect_eq "SRV with a relative target" \
    "NOERROR: _https._tcp.lb.example. 300 IN SRV 0 5 443 www.lb.example." \
    "$(a_of _https._tcp.lb.example SRV)" "$DIG_OUT"
expect_eq "wildcard from the file" "NOERROR: x.y.wild.lb.example. 600 IN A 192.0.2.99" \
    "$(a_of x.y.wild.lb.example A)" "$DIG_OUT"
expect_eq "\$INCLUDE with an origin and its own \$TTL" \
    "NOERROR: a.hosts.lb.example. 60 IN A 192.0.2.101" "$(a_of a.hosts.lb.example A)" "$DIG_OUT"
expect_eq "nested \$INCLUDE, relative to the including file" \
    "NOERROR: b.hosts.lb.example. 60 IN A 192.0.2.102" "$(a_of b.hosts.lb.example A)" "$DIG_OUT"
expect_eq "after the include: the file's origin and TTL again" \
    "NOERROR: after.lb.example. 300 IN A 192.0.2.40" "$(a_of after.lb.example A)" "$DIG_OUT"
# records take the zone's ttl (3600 by default); $TTL is the file's.
expect_eq "records beside records_file" 'NOERROR: extra.lb.example. 3600 IN TXT "from records"' \
    "$(a_of extra.lb.example TXT)" "$DIG_OUT"
dq +norec x.sub.lb.example A
expect_eq "delegation from the file: a referral with glue" \
    "NOERROR aa=clear sub.lb.example. 300 IN NS ns.sub.lb.example. | ns.sub.lb.example. 300 IN A 192.0.2.53" \
    "$(d_status) aa=$(d_flag aa) $(d_section AUTHORITY | oneline) | $(d_section ADDITIONAL | oneline)" "$DIG_OUT"
dq +tcp mail.lb.example MX
expect_eq "MX over TCP, the exchange's address beside it" \
    "NOERROR: mail.lb.example. 300 IN MX 10 mx.lb.example. + mx.lb.example. 300 IN A 192.0.2.25" \
    "$(d_status): $(d_section ANSWER) + $(d_section ADDITIONAL)" "$DIG_OUT"

# ------------------------------------------------------------- reload
# Broken: the old answers stay, the log says where.
cat >"$T/hosts/more.zone" <<'EOF'
; more.zone -- broken
b	IN	A	192.0.2.202
c	IN	A	300.1.2.3
EOF
kill -HUP "$DAEMON_PID"
refused() { grep -q "reload refused" "$DAEMON_LOG"; }
if wait_until 5000 refused; then ok "broken master file: reload refused ($WAITED)"
else notok "broken master file: reload refused"; show "$DAEMON_LOG"; fi
expect_match "the log names the included file and line" \
    "hosts/more\.zone:3: bad record \"c IN A 300\.1\.2\.3\"" "$(cat "$DAEMON_LOG")" "$DAEMON_LOG"
expect_eq "the old answer stays" "NOERROR: b.hosts.lb.example. 60 IN A 192.0.2.102" \
    "$(a_of b.hosts.lb.example A)" "$DIG_OUT"

# Fixed: read again on reload.
printf 'b\tIN\tA\t192.0.2.202\n' >"$T/hosts/more.zone"
kill -HUP "$DAEMON_PID"
b_new() { [ "$(a_of b.hosts.lb.example A)" = "NOERROR: b.hosts.lb.example. 60 IN A 192.0.2.202" ]; }
if wait_until 5000 b_new; then ok "fixed master file: read again on reload ($WAITED)"
else notok "fixed master file: read again on reload" "$(a_of b.hosts.lb.example A)"; show "$DAEMON_LOG"; fi

stop_daemon
finish
