#!/bin/bash
# 17-configure: configure stops with the name of the Debian package to
# install when a library is missing; libsystemd is optional unless asked
# for.  Each library is hidden in turn behind a pkg-config that denies it
# (libev, which has no .pc file, through its header's cache variable).
. "$(dirname "$0")/lib.sh"
CONFIGURE=$top_srcdir/configure
[ -x "$CONFIGURE" ] || bail "no $CONFIGURE (run autoreconf -fi)"
REAL=$(command -v pkg-config) || bail "pkg-config not installed"

cat >"$T/pkg-config" <<EOF
#!/bin/sh
# Deny \$HIDE, ask the real pkg-config about everything else.
for a in "\$@"; do
    case \$a in "\$HIDE"|"\$HIDE "*) exit 1 ;; esac
done
exec "$REAL" "\$@"
EOF
chmod +x "$T/pkg-config"

# try NAME HIDE [configure args...]: run configure in its own directory.
try() {
    name=$1 hide=$2
    shift 2
    mkdir -p "$T/$name"
    (cd "$T/$name" && HIDE=$hide PKG_CONFIG="$T/pkg-config" \
        "$CONFIGURE" -q "$@" >out 2>&1)
    RC=$?
    OUT=$(cat "$T/$name/out")
}

for pair in ldns:libldns-dev libconfig:libconfig-dev liburcu:liburcu-dev \
    libcurl:libcurl4-openssl-dev jansson:libjansson-dev \
    libmaxminddb:libmaxminddb-dev cmocka:libcmocka-dev; do
    mod=${pair%%:*} pkg=${pair#*:}
    try "no-$mod" "$mod"
    expect_eq "without $mod configure fails" 1 "$RC"
    expect_match "... and names the Debian package $pkg" \
        "error: $mod not found: install the Debian package $pkg" "$OUT"
done

try no-libev none ac_cv_header_ev_h=no
expect_eq "without libev's header configure fails" 1 "$RC"
expect_match "... and names the Debian package libev-dev" \
    'error: libev headers not found: install the Debian package libev-dev' "$OUT"

try no-systemd libsystemd
expect_eq "without libsystemd configure goes on (it is optional)" 0 "$RC" "$T/no-systemd/out"
expect_eq "... and builds without readiness notification" "/* #undef HAVE_LIBSYSTEMD */" \
    "$(grep HAVE_LIBSYSTEMD "$T/no-systemd/config.h" 2>/dev/null)"
try want-systemd libsystemd --with-systemd
expect_eq "--with-systemd without libsystemd fails" 1 "$RC"
expect_match "... naming libsystemd-dev" \
    'error: libsystemd not found: install the Debian package libsystemd-dev' "$OUT"
try all none
expect_eq "with everything there configure succeeds" 0 "$RC" "$T/all/out"
expect_match "... with libsystemd" '#define HAVE_LIBSYSTEMD 1' \
    "$(cat "$T/all/config.h" 2>/dev/null)"
finish
