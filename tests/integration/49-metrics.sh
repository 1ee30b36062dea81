#!/bin/bash
# 49-metrics: the state gauges and the prober's counters on /metrics, and
# the Grafana dashboard and alert rules in contrib/ over them.
# steerdns_member_up{zone,pool,member} holds the checks' verdict as its
# value, steerdns_member_usable whether it is answered and
# steerdns_member_admin{...,state} each override kind as 0/1: a member
# going down and a drain change values, never the set of series.
# steerdns_name_members_usable counts a name's usable members (0: all
# down).  steerdns_probe_{runs,failures,skipped}_total count per check
# kind (failures by reason), every kind and reason from the start.
# steerdns_reload_failed follows the last reload.  Every metric named in
# contrib/grafana/*.json and contrib/prometheus/*.yml, with the labels its
# selectors name, is in a real scrape.
. "$(dirname "$0")/lib.sh"
. "$TI_SRC/probe-lib.sh"
need_ctl
MPORT=$(port 1)
BP=$(port 2)
ZF=$T/mt.test.conf
CONF=$T/steerdns.conf
PROMCHECK=$TI_SRC/ops/promcheck.py

write_zone() {
    cat >"$ZF" <<EOF
origin = "mt.test.";
soa = { mname = "ns1.mt.test."; rname = "hostmaster.mt.test.";
        serial = 1; refresh = 3600; retry = 900; expire = 604800;
        minimum = 60; };
ns = [ "ns1.mt.test." ];
records = [ "ns1 A 127.0.0.1" ];
checks = {
  web = { type = "http"; port = $BP; path = "/health"; body = "ok";
          interval = 0.2; timeout = 0.2; rise = 1; fall = 1; };
  conn = { type = "tcp"; port = $BP; interval = 0.2; timeout = 0.2; };
  # Runs as long as its interval: with jitter, rounds come while it runs.
  slow = { type = "exec"; interval = 0.3; timeout = 0.3; jitter = 0.5;
           command = "sleep 1"; };
};
pools = {
  web = { check = "web"; members = (
    { address = "127.0.0.2"; }, { address = "127.0.0.3"; } ); };
  one = { check = "web"; members = ( { address = "127.0.0.3"; } ); };
  tcp = { check = "conn"; members = ( { address = "127.0.0.2"; } ); };
  ex = { check = "slow"; members = ( { address = "192.0.2.9"; } ); };
};
names = {
  www = { pool = "web"; };
  one = { pool = "one"; };
  t = { pool = "tcp"; };
  ex = { pool = "ex"; };
};
${1:-}
EOF
}
cat >"$CONF" <<EOF
server = {
  listen = [ "127.0.0.1:$(port 0)" ];
  workers = 1;
  control = "ctl.sock";
  metrics = "127.0.0.1:$MPORT";
};
zones = [ "mt.test.conf" ];
EOF
write_zone
for a in 127.0.0.2 127.0.0.3; do backend $a "$BP" ok; done
start_daemon "$CONF" || bail "daemon did not start"

# scrape N: /metrics into $T/mN.txt, checked; the samples in $T/mN.json
scrape() {
    http GET /metrics "$T/m$1.txt" >/dev/null
    "$PYTHON" "$PROMCHECK" "$T/m$1.txt" --json "$T/m$1.json" >"$T/m$1.check" 2>&1
    PROM_RC=$?
}
# mval N NAME [LABEL=VALUE...]: the sum of NAME's samples with those
# labels in scrape N, "none" when there is none
mval() {
    "$PYTHON" - "$T/m$1.json" "${@:2}" <<'PY'
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[3:])
vals = [float(v) for n, l, v in json.load(open(sys.argv[1]))
        if n == sys.argv[2] and all(l.get(k) == x for k, x in want.items())]
print("%g" % sum(vals) if vals else "none")
PY
}
# series N: the label sets of the state and per-kind families, sorted
series() {
    "$PYTHON" - "$T/m$1.json" <<'PY'
import json, sys
fam = ("steerdns_member_up", "steerdns_member_usable", "steerdns_member_admin",
       "steerdns_name_members_usable", "steerdns_probe_runs_total",
       "steerdns_probe_failures_total", "steerdns_probe_skipped_total")
for n, l in sorted((n, sorted(l.items())) for n, l, v in json.load(open(sys.argv[1])) if n in fam):
    print(n, l)
PY
}

# Rounds of every check, a skipped one of exec among them (about every
# other round of it is: its runs last its interval, jitter moves the next).
skipped_one() {
    scrape 0
    [ "$(mval 0 steerdns_probe_skipped_total kind=exec)" != 0 ] &&
        [ "$(mval 0 steerdns_probe_failures_total kind=exec reason=timeout)" != 0 ]
}
wait_until 8000 skipped_one
expect_eq "/metrics: valid Prometheus text" 0 "$PROM_RC" "$T/m0.check"
types=""
for f in steerdns_member_up:gauge steerdns_member_usable:gauge steerdns_member_admin:gauge \
    steerdns_name_members_usable:gauge steerdns_probe_runs_total:counter \
    steerdns_probe_failures_total:counter steerdns_probe_skipped_total:counter \
    steerdns_reload_failed:gauge; do
    grep -q "^# TYPE ${f%%:*} ${f#*:}\$" "$T/m0.txt" || types="$types $f"
done
expect_eq "/metrics: the new families with their types" "" "$types"
expect_eq "member_up: its labels are zone, pool and member only" \
    'steerdns_member_up{zone="mt.test.",pool="web",member="127.0.0.3"} 1' \
    "$(grep '^steerdns_member_up{.*pool="web",member="127.0.0.3"' "$T/m0.txt")"
expect_eq "member_up and usable: 1 for the members of web and one" "1 1 1 1" \
    "$(mval 0 steerdns_member_up pool=web member=127.0.0.2) $(mval 0 steerdns_member_up pool=web member=127.0.0.3) $(mval 0 steerdns_member_usable pool=web member=127.0.0.2) $(mval 0 steerdns_member_usable pool=one)"
expect_eq "member_admin: drain, up and down for each of the 5 members, all 0" "15 0" \
    "$(grep -c '^steerdns_member_admin{' "$T/m0.txt") $(mval 0 steerdns_member_admin)"
expect_eq "name_members_usable: www 2, one 1" "2 1" \
    "$(mval 0 steerdns_name_members_usable name=www.mt.test. pool=web) $(mval 0 steerdns_name_members_usable name=one.mt.test.)"
kinds=$(sed -n 's/^steerdns_probe_runs_total{kind="\([a-z]*\)"}.*/\1/p' "$T/m0.txt" | tr '\n' ' ')
expect_eq "probe_runs_total: every check kind, in use or not" "tcp http https dns exec " "$kinds"
runs="$(mval 0 steerdns_probe_runs_total kind=http) $(mval 0 steerdns_probe_runs_total kind=tcp) $(mval 0 steerdns_probe_runs_total kind=exec)"
expect_match "probe_runs_total: http, tcp and exec ran ($runs)" '^[1-9][0-9]* [1-9][0-9]* [1-9][0-9]*$' "$runs"
expect_eq "probe_runs_total: no https or dns check, no run" "0 0" \
    "$(mval 0 steerdns_probe_runs_total kind=https) $(mval 0 steerdns_probe_runs_total kind=dns)"
expect_eq "probe_runs_total sums to probe_results_total" \
    "$(mval 0 steerdns_probe_results_total)" "$(mval 0 steerdns_probe_runs_total)"
sk="$(mval 0 steerdns_probe_skipped_total kind=exec) $(mval 0 steerdns_probe_skipped_total kind=http)"
expect_match "probe_skipped_total: the exec check's rounds skipped, none of http's ($sk)" '^[1-9][0-9]* 0$' "$sk"
expect_eq "probe_skipped_total sums to the rounds skipped" \
    "$(mval 0 steerdns_probe_rounds_total outcome=skipped)" "$(mval 0 steerdns_probe_skipped_total)"
et=$(mval 0 steerdns_probe_failures_total kind=exec reason=timeout)
expect_match "probe_failures_total: exec timeouts ($et)" '^[1-9][0-9]*$' "$et"
expect_eq "probe_failures_total: no http failure yet; 9 reasons per kind" "0 45" \
    "$(mval 0 steerdns_probe_failures_total kind=http) $(grep -c '^steerdns_probe_failures_total{' "$T/m0.txt")"
expect_eq "reload_failed: 0 at start" 0 "$(mval 0 steerdns_reload_failed)"
series 0 >"$T/s0"

# ---- a backend stops: values change, series do not
hf=$(mval 0 steerdns_probe_failures_total kind=http)
stop_backend 127.0.0.3 "$BP"
down_now() { scrape 1; [ "$(mval 1 steerdns_member_up pool=web member=127.0.0.3)" = 0 ]; }
if wait_until 3000 down_now; then ok "stopped backend: member_up{member=127.0.0.3} 0"
else notok "stopped backend: member_up 0 within 3 s" "$(grep 'member_up{.*127.0.0.3' "$T/m1.txt")"; fi
expect_eq "... usable 0 in both pools, no override" "0 0 0" \
    "$(mval 1 steerdns_member_usable member=127.0.0.3) $(mval 1 steerdns_member_up member=127.0.0.3) $(mval 1 steerdns_member_admin member=127.0.0.3)"
expect_eq "name_members_usable: www 1, one 0 (all down)" "1 0" \
    "$(mval 1 steerdns_name_members_usable name=www.mt.test.) $(mval 1 steerdns_name_members_usable name=one.mt.test.)"
hf1=$(mval 1 steerdns_probe_failures_total kind=http)
if [ "${hf1%.*}" -gt "${hf%.*}" ]; then ok "probe_failures_total{kind=http} grew ($hf -> $hf1)"
else notok "probe_failures_total{kind=http} grew" "$hf -> $hf1"; fi
series 1 >"$T/s1"
expect_eq "the same series before and after the member went down" "" "$(diff "$T/s0" "$T/s1")"

# ---- a drain: the admin gauge of its kind
ctl drain 127.0.0.2 -r metrics
expect_eq "drain 127.0.0.2: exit 0" 0 "$CTL_RC" "$T/ctl.err"
scrape 2
expect_eq "drained 127.0.0.2 in web: up 1, usable 0, admin drain 1, up 0, down 0" "1 0 1 0 0" \
    "$(mval 2 steerdns_member_up pool=web member=127.0.0.2) $(mval 2 steerdns_member_usable pool=web member=127.0.0.2) $(mval 2 steerdns_member_admin pool=web member=127.0.0.2 state=drain) $(mval 2 steerdns_member_admin pool=web member=127.0.0.2 state=up) $(mval 2 steerdns_member_admin pool=web member=127.0.0.2 state=down)"
expect_eq "name_members_usable: www 0 now" 0 "$(mval 2 steerdns_name_members_usable name=www.mt.test.)"
ctl force-up 127.0.0.2
scrape 3
expect_eq "force-up replaces the drain: admin up 1, drain 0, usable 1" "1 0 1" \
    "$(mval 3 steerdns_member_admin pool=web member=127.0.0.2 state=up) $(mval 3 steerdns_member_admin pool=web member=127.0.0.2 state=drain) $(mval 3 steerdns_member_usable pool=web member=127.0.0.2)"
series 3 >"$T/s3"
expect_eq "the same series after a drain and a force-up" "" "$(diff "$T/s0" "$T/s3")"
expect_eq "no member_up series carries the state in a label any more" "" \
    "$(grep '^steerdns_member_up{.*\(state\|admin\)=' "$T/m3.txt")"
ctl undrain 127.0.0.2

# ---- reloads
write_zone 'bogus_key = 1;'
ctl reload
expect_eq "bad reload: exit 1" 1 "$CTL_RC" "$T/ctl.err"
scrape 4
expect_eq "reload_failed: 1 after a failed reload" 1 "$(mval 4 steerdns_reload_failed)"
write_zone
ctl reload
expect_eq "good reload: exit 0" 0 "$CTL_RC" "$T/ctl.err"
scrape 5
expect_eq "reload_failed: 0 again after a good one" 0 "$(mval 5 steerdns_reload_failed)"
sk5=$(mval 5 steerdns_probe_skipped_total kind=exec)
if [ "${sk5%.*}" -ge "${sk%% *}" ]; then ok "per-kind counters carry over the reload ($sk -> $sk5)"
else notok "per-kind counters carry over the reload" "$sk -> $sk5"; fi

# ---- contrib/: every metric the dashboard and the rules name, in a scrape
"$PYTHON" - "$T/m5.json" "$top_srcdir"/contrib/grafana/*.json "$top_srcdir"/contrib/prometheus/*.yml >"$T/contrib.out" 2>&1 <<'PY'
import json, re, sys
samples = json.load(open(sys.argv[1]))
labels = {}
for n, l, v in samples:
    labels.setdefault(n, set()).update(l)
bad = []
for path in sys.argv[2:]:
    text = open(path).read()
    short = path.split("/contrib/")[-1]
    if path.endswith(".json"):
        d = json.loads(text)
        exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", [])]
        exprs += [v["query"]["query"] for v in d["templating"]["list"]
                  if isinstance(v.get("query"), dict)]
        if len([p for p in d["panels"] if p["type"] != "row"]) < 10:
            bad.append("%s: fewer than 10 panels" % short)
    else:
        import yaml
        d = yaml.safe_load(text)
        rules = [r for g in d["groups"] for r in g["rules"]]
        exprs = [r["expr"] for r in rules]
        names = {r["alert"]: r for r in rules}
        for r in rules:
            if not r.get("labels", {}).get("severity") or not r.get("annotations", {}).get("summary"):
                bad.append("%s: %s lacks a severity or a summary" % (short, r["alert"]))
        for want in ("SteerdnsMemberDown", "SteerdnsNameAllDown", "SteerdnsReloadFailed"):
            if want not in names:
                bad.append("%s: no %s" % (short, want))
        if "SteerdnsMemberDown" in names and not names["SteerdnsMemberDown"].get("for"):
            bad.append("%s: SteerdnsMemberDown has no 'for'" % short)
    used = set()
    for e in exprs:
        for m in re.finditer(r"\b(steerdns_[a-z0-9_]+)(\{([^}]*)\})?", e):
            used.add(m.group(1))
            if m.group(1) not in labels:
                continue
            for k in re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", m.group(3) or ""):
                if k not in labels[m.group(1)] and k != "instance":
                    bad.append("%s: %s has no label %s" % (short, m.group(1), k))
    # names in the prose count too: they must not send a reader astray
    used |= set(re.findall(r"\bsteerdns_[a-z0-9_]+", text))
    for n in sorted(used):
        if n not in labels:
            bad.append("%s: %s is not in the scrape" % (short, n))
    print("%s: %d metrics" % (short, len(used)))
for b in bad:
    print("BAD " + b)
sys.exit(1 if bad else 0)
PY
rc=$?
expect_eq "contrib/: every metric and label the dashboard and the rules use is in a real scrape" 0 "$rc" "$T/contrib.out"
expect_match "... the dashboard and the rules were both read" \
    'grafana/steerdns.json: [0-9]+ metrics.*prometheus/steerdns.rules.yml: [0-9]+ metrics' \
    "$(tr '\n' ' ' <"$T/contrib.out")" "$T/contrib.out"
stop_daemon
finish
