# tests/integration/local.mk -- included from the top-level Makefile.am.
# End-to-end tests: each script starts src/steerdns on its own loopback
# ports (20000 + 10 * NN, see lib.sh) and queries it with dig, kdig,
# drill, unbound, dnsperf and python3 with dnspython.  The lead adds
# TESTS += $(INTEGRATION_TESTS).

INTEGRATION_TESTS = \
	tests/integration/01-basic.sh \
	tests/integration/02-negative.sh \
	tests/integration/03-cname.sh \
	tests/integration/04-delegation.sh \
	tests/integration/05-refused.sh \
	tests/integration/06-malformed.sh \
	tests/integration/07-edns.sh \
	tests/integration/08-truncation.sh \
	tests/integration/09-tcp-pipeline.sh \
	tests/integration/10-tcp-timeout.sh \
	tests/integration/11-tcp-limit.sh \
	tests/integration/12-names-any.sh \
	tests/integration/13-config-errors.sh \
	tests/integration/14-resolver.sh \
	tests/integration/15-lifecycle.sh \
	tests/integration/16-load.sh \
	tests/integration/18-identity.sh \
	tests/integration/19-example.sh \
	tests/integration/20-managed.sh \
	tests/integration/21-zone-file.sh \
	tests/integration/30-probe.sh \
	tests/integration/31-probe-http.sh \
	tests/integration/32-probe-sched.sh \
	tests/integration/33-probe-source.sh \
	tests/integration/34-probe-scale.sh \
	tests/integration/35-probe-behind.sh \
	tests/integration/36-probe-tcp.sh \
	tests/integration/38-bench-probe-scale.sh \
	tests/integration/40-control.sh \
	tests/integration/41-reload-load.sh \
	tests/integration/42-status-page.sh \
	tests/integration/48-hostile.sh \
	tests/integration/52-status-attention.sh \
	tests/integration/54-temper.sh \
	tests/integration/55-cname-pool.sh \
	tests/integration/51-status-charts.sh \
	tests/integration/49-metrics.sh \
	tests/integration/46-cookies.sh

# A backend fast enough for thousands of http checks a second (34).
check_PROGRAMS += tests/integration/http-sink
tests_integration_http_sink_SOURCES = tests/integration/http-sink.c
tests_integration_http_sink_LDADD = $(EV_LIBS)

EXTRA_DIST += $(INTEGRATION_TESTS) \
	tests/integration/README \
	tests/integration/lib.sh \
	tests/integration/peer-recorder.py \
	tests/integration/probe-backend.py \
	tests/integration/probe-lib.sh \
	tests/integration/pycheck.py \
	tests/integration/tap.py \
	tests/integration/zones/lb.example.conf \
	tests/integration/zones/managed.conf \
	tests/integration/zones/second.test.conf \
	tests/integration/conf/bad-address.conf \
	tests/integration/conf/bad-address.zone \
	tests/integration/conf/bad-last-record.conf \
	tests/integration/conf/bad-last-record.zone \
	tests/integration/conf/bad-listen.conf \
	tests/integration/conf/bad-ns.conf \
	tests/integration/conf/bad-ns.zone \
	tests/integration/conf/bad-ttl.conf \
	tests/integration/conf/bad-ttl.zone \
	tests/integration/conf/cname-other.conf \
	tests/integration/conf/cname-other.zone \
	tests/integration/conf/duplicate-origin.conf \
	tests/integration/conf/duplicate-origin.zone \
	tests/integration/conf/duplicate-zone.conf \
	tests/integration/conf/good.conf \
	tests/integration/conf/good.zone \
	tests/integration/conf/missing-zone.conf \
	tests/integration/conf/multi-main.conf \
	tests/integration/conf/multi.conf \
	tests/integration/conf/multi.zone \
	tests/integration/conf/out-of-zone.conf \
	tests/integration/conf/out-of-zone.zone \
	tests/integration/conf/payload-range.conf \
	tests/integration/conf/syntax-zone.conf \
	tests/integration/conf/syntax-zone.zone \
	tests/integration/conf/syntax.conf \
	tests/integration/conf/unknown-key.conf \
	tests/integration/conf/unknown-zone-key.conf \
	tests/integration/conf/unknown-zone-key.zone \
	tests/integration/conf/wrong-type.conf \
	tests/integration/ops/promcheck.py

# Running as a service: detaching, pid file, privileges, sd_notify,
# syslog, log level, query log, the systemd unit.
INTEGRATION_TESTS += tests/integration/43-service.sh

# Hardening: planted links, a second instance, hostile state files, odd
# values.
INTEGRATION_TESTS += tests/integration/47-hardening.sh
# TCP under abuse: slow drip, per-source limit, idle eviction, a
# pipeliner that never reads, descriptor exhaustion, the start limit.
INTEGRATION_TESTS += tests/integration/44-tcp-abuse.sh

# configure names the Debian package of a missing library.
INTEGRATION_TESTS += tests/integration/17-configure.sh

# A fleet: three nodes over a three-member etcd cluster, all on loopback.
INTEGRATION_TESTS += tests/integration/50-fleet.sh
EXTRA_DIST += tests/integration/fleet-backend.py

# Response rate limiting under a spoofed flood; answers never fragmented.
INTEGRATION_TESTS += tests/integration/45-rrl.sh

# Query by query against Knot DNS (knotd) on one generated zone.
INTEGRATION_TESTS += tests/integration/22-knot-diff.sh
EXTRA_DIST += tests/integration/knot-diff.py

# Regions from a GeoIP database the test writes (mmdb_write.py): ECS per
# region and its scope, fallback_order, the file followed and refused.
INTEGRATION_TESTS += tests/integration/53-geoip.sh
