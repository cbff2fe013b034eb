#!/usr/bin/env bash
# Install Debian's PostgreSQL server for the production-topology test, when we can (root + apt). Never fails
# the build: without it tests/operate/test_operate_topology.py skips with a clear message. Only the binaries
# are used (the test starts its own throwaway cluster on a loopback port); policy-rc.d keeps the package's
# own cluster down where services may not start.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql present: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"; exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "postgresql missing and cannot install it (need root and apt-get); the topology test will skip"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null \
  && echo "postgresql installed" || echo "postgresql install failed; the topology test will skip"
exit 0
