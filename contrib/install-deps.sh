#!/bin/sh
# install-deps.sh -- install the Debian packages steerdns builds and tests with
# usage: contrib/install-deps.sh [build|test]   (default: build)
# SPDX-License-Identifier: ISC
set -eu
BUILD="autoconf automake make gcc pkg-config libldns-dev libev-dev libsystemd-dev
 libconfig-dev libcmocka-dev liburcu-dev libcurl4-openssl-dev libjansson-dev
 libmaxminddb-dev"
TEST="$BUILD clang libclang-rt-14-dev ldnsutils dnsutils knot-dnsutils knot knot-dnssecutils libssl-dev
 unbound dnsperf python3 mmdb-bin
 python3-dnspython python3-yaml mandoc procps openssl chromium etcd-server etcd-client curl"
case "${1:-build}" in
build) want=$BUILD ;;
test) want=$TEST ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
