# contrib/bench/local.mk -- included from the top-level Makefile.am.
EXTRA_DIST += \
	contrib/bench/run.sh \
	contrib/bench/README \
	contrib/bench/lb.example.zone \
	contrib/bench/ir.sh \
	contrib/bench/lib.sh \
	contrib/bench/scale.sh \
	contrib/bench/fleet.sh \
	contrib/bench/probe-daemon.sh \
	contrib/bench/scale-gen.py \
	contrib/bench/local.mk
