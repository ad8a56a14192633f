#!/usr/bin/env bash
# What the dashboard's browser test (tests/e2e/dashboard.rs) needs: headless Chromium (Debian's `chromium`).
# Installs it with apt-get when no browser is found and installing is allowed; otherwise says so and leaves it
# to the caller. Never fails: without a browser the test is skipped with a warning (in CI, with CI=true, the
# test fails instead). XYD_CHROMIUM names another binary.
set -uo pipefail
if [[ -n "${XYD_CHROMIUM:-}" ]] && command -v "$XYD_CHROMIUM" >/dev/null; then exit 0; fi
for browser in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$browser" >/dev/null && exit 0
done
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "warning: cannot install chromium (not root): the dashboard browser test will be skipped" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "warning: no apt-get to install chromium: the dashboard browser test will be skipped" >&2
  exit 0
fi
$sudo apt-get update -qq >/dev/null || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null ||
  echo "warning: installing chromium failed: the dashboard browser test will be skipped" >&2
exit 0
