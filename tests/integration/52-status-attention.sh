#!/bin/bash
# 52-status-attention: the status page opens with what needs attention,
# most urgent first, or says that nothing does.  All members up: a green
# line.  Then each kind of trouble shows as its own item and goes away
# when it ends: a member drained and one forced up (overrides), a name
# degraded and a name all-down (IPv6) with the pool named, a member down
# with its check's reason, a refused reload with its file:line problem.
. "$(dirname "$0")/lib.sh"
need_ctl

MPORT=$(port 1)
DNS=$(port 0)
NOPORT=$(port 3)
ZF=$T/att.test.conf
CONF=$T/steerdns.conf

# write_zone V6CHECKPORT [EXTRA]: the tcp checks connect to our own DNS
# port over TCP (we listen on both members' addresses); the IPv6
# member's to V6CHECKPORT on 127.0.0.1.
write_zone() {
    cat >"$ZF" <<EOF
origin = "att.test.";
soa = { mname = "ns1"; rname = "h"; minimum = 60; };
ns = [ "ns1" ];
records = [ "ns1 A 127.0.0.1" ];
checks = { tcp = { type = "tcp"; port = $DNS; interval = 0.3;
                   timeout = 0.25; rise = 1; fall = 1; }; };
pools = {
  web = { check = "tcp"; members = (
    { address = "127.0.0.1"; }, { address = "127.0.0.2"; } ); };
  web6 = { check = "tcp"; members = (
    { address = "2001:db8::1"; check_address = "127.0.0.1";
      check_port = $1; } ); };
};
names = { www = { pool = "web"; }; v6 = { pool = "web6"; }; };
${2:-}
EOF
}
cat >"$CONF" <<EOF
server = {
  listen = [ "127.0.0.1:$DNS", "127.0.0.2:$DNS" ];
  control = "ctl.sock";
  metrics = "127.0.0.1:$MPORT";
};
zones = [ "att.test.conf" ];
EOF
write_zone "$DNS"
start_daemon "$CONF" || bail "daemon did not start"

# items: the attention items of /status, one per line: "KIND | text";
# first the id of the page's first block, last the green line if any.
items() {
    http GET /status "$T/status.html" >/dev/null
    "$PYTHON" - "$T/status.html" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.kind = None; self.text = ''; self.out = []
        self.ok = None; self.in_ok = False; self.first = None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if self.first is None and tag in ('h2', 'table', 'div'):
            self.first = a.get('id', tag)
        if tag == 'li' and 'data-kind' in a:
            self.kind = a['data-kind']; self.text = ''
        if tag == 'p' and 'ok' in (a.get('class') or '').split():
            self.in_ok = True; self.ok = ''
    def handle_endtag(self, tag):
        if tag == 'li' and self.kind:
            self.out.append('%s | %s' % (self.kind, ' '.join(self.text.split())))
            self.kind = None
        if tag == 'p':
            self.in_ok = False
    def handle_data(self, d):
        if self.kind: self.text += d
        if self.in_ok: self.ok += d
p = P(); p.feed(open(sys.argv[1]).read())
print('first: %s' % p.first)
for o in p.out: print(o)
if p.ok is not None: print('ok | ' + ' '.join(p.ok.split()))
EOF
}
has_item() { items >"$T/items"; grep -qE -- "$1" "$T/items"; }

items >"$T/items"
expect_eq "the page opens with the attention block" "first: attention" \
    "$(head -n 1 "$T/items")" "$T/items"
check "all up: nothing needs attention" grep -q '^ok | Nothing needs attention' "$T/items"
expect_eq "all up: no item" 0 "$(grep -vc '^ok\|^first' "$T/items")" "$T/items"

ctl drain 127.0.0.2 -r "moving racks"
check "a drained member: listed with its reason" has_item \
    '^member \| Member 127\.0\.0\.2 of pool web \(att\.test\.\): drained: moving racks$'
check "its name: degraded, the pool named" grep -qE \
    '^degraded \| Name www\.att\.test\. \(att\.test\.\): degraded, 1 of 2 IPv4 members of pool web usable$' "$T/items"
check "no green line beside items" test "$(grep -c '^ok' "$T/items")" -eq 0
ctl force-up 127.0.0.1 -r testing
check "a member forced up: listed with its reason" has_item \
    '^member \| Member 127\.0\.0\.1 of pool web \(att\.test\.\): forced up: testing$'
ctl undrain 127.0.0.2
ctl undrain 127.0.0.1
check "overrides removed: nothing needs attention" has_item \
    '^ok \| Nothing needs attention'

# A broken reload: refused, listed with the problem; the old config serves.
write_zone "$DNS" "bogus = 1;"
kill -HUP "$DAEMON_PID"
if wait_until 5000 has_item '^reload \| The last reload'; then
    ok "a refused reload: listed ($WAITED)"
else notok "a refused reload: listed" "$(cat "$T/items")"; fi
check "... with its file:line problem" grep -qE \
    "^reload \| .*refused: $ZF:[0-9]+: " "$T/items"

# A good reload whose IPv6 member's check is refused: the reload item
# goes, the member is down with its reason, its name all-down.
write_zone "$NOPORT"
kill -HUP "$DAEMON_PID"
if wait_until 5000 has_item '^all-down'; then
    ok "the IPv6 member's check refused: its name all-down ($WAITED)"
else notok "the IPv6 member's check refused: its name all-down" "$(cat "$T/items")"; fi
check "... the pool and the answer named" grep -qE \
    '^all-down \| Name v6\.att\.test\. \(att\.test\.\): every IPv6 member of pool web6 is out; answering ' "$T/items"
check "... the member down, with the check's reason" grep -qE \
    '^member \| Member 2001:db8::1 of pool web6 \(att\.test\.\): down since .*: connect refused' "$T/items"
check "... the refused reload is no longer listed" test "$(grep -c '^reload' "$T/items")" -eq 0

write_zone "$DNS"
kill -HUP "$DAEMON_PID"
if wait_until 5000 has_item '^ok \| Nothing needs attention'; then
    ok "all well again: nothing needs attention ($WAITED)"
else notok "all well again: nothing needs attention" "$(cat "$T/items")"; fi
stop_daemon
finish
