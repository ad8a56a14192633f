#!/usr/bin/env bash
# What the dashboard's browser test (tests/e2e/dashboard.rs) needs: headless Chromium (Debian's `chromium`).
# Installs it with apt-get when no browser is found and installing is allowed; otherwise says so and leaves it
# to the caller. Never fails: without a browser the test is skipped with a warning (in CI, with CI=true, the
# test fails instead). XYD_CHROMIUM names another binary.
set -uo pipefail
source "$(dirname "$0")/lib/apt-install.sh"
if [[ -n "${XYD_CHROMIUM:-}" ]] && command -v "$XYD_CHROMIUM" >/dev/null; then exit 0; fi
for browser in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$browser" >/dev/null && exit 0
done
apt_install "the dashboard browser test will be skipped" chromium
