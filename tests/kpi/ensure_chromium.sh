#!/usr/bin/env bash
# Install Debian's chromium for the dashboard browser test, when we can (root + apt). Never fails the build:
# without it the test skips with a clear message.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(command -v chromium || echo /usr/bin/chromium)"; exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium missing and cannot install it (need root and apt-get); the dashboard browser test will skip"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
  && echo "chromium installed" || echo "chromium install failed; the dashboard browser test will skip"
exit 0
