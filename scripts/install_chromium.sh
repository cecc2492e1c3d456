#!/usr/bin/env bash
# Install Debian's chromium and chromium-driver for the browser tests
# (tests/integration/test_pages.py).
# `playwright install` is never used: it downloads a browser build. When another apt run holds
# the dpkg lock (an unattended upgrade, a second setup), wait for it instead of failing at once.
set -euo pipefail
LOCK_TIMEOUT_S="${APT_LOCK_TIMEOUT_S:-600}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "warning: /usr/bin/chromium is missing and we are not root; the browser tests" \
      "will be skipped (install chromium and chromium-driver)" >&2
    exit 0
  fi
fi
echo "installing chromium and chromium-driver with apt (waits up to ${LOCK_TIMEOUT_S} s" \
  "if another apt run holds the dpkg lock)" >&2
apt_get=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -q
  -o "DPkg::Lock::Timeout=${LOCK_TIMEOUT_S}")
install=("${apt_get[@]}" install -y --no-install-recommends chromium chromium-driver)
if ! "${install[@]}" >/dev/null; then
  "${apt_get[@]}" update >/dev/null
  "${install[@]}" >/dev/null
fi
