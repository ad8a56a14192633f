#!/usr/bin/env bash
# Schemathesis, the property-based GraphQL tester that tests/e2e/fuzz.rs runs against our server (every operation,
# anonymous and as each role), from PyPI at the versions and hashes pinned in tests/fuzz/requirements.txt.
# Installed once into a virtualenv at ~/.cache/xinyidai/fuzz-tools-<version>-<pins>; prints that directory, or
# nothing (with a warning) when Python's venv or PyPI is unavailable — the fuzz test is then skipped, except in
# CI. On Debian, `python3 -m venv` needs python3-venv, installed with apt-get when allowed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt-install.sh
SCHEMATHESIS=4.32.5
requirements=tests/fuzz/requirements.txt
pins=$(sha256sum "$requirements" | cut -c1-12)
dir="${XDG_CACHE_HOME:-$HOME/.cache}/xinyidai/fuzz-tools-$SCHEMATHESIS-$pins"
skip() {
  echo "warning: $1: the schema fuzz test will be skipped" >&2
  exit 0
}
# A virtualenv's scripts name its own path, so it is built where it stays; the stamp says it is complete.
if [[ ! -f "$dir/.installed" ]]; then
  command -v python3 >/dev/null || skip "python3 is missing"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt_install "the schema fuzz test needs python3 -m venv" python3-venv
    python3 -c 'import ensurepip, venv' 2>/dev/null || skip "python3 -m venv is unavailable (Debian: python3-venv)"
  fi
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  python3 -m venv "$dir" >/dev/null 2>&1 || { rm -rf "$dir"; skip "creating a virtualenv failed"; }
  if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-hashes \
    -r "$requirements" >/dev/null 2>&1; then
    rm -rf "$dir"
    skip "installing Schemathesis $SCHEMATHESIS from PyPI failed"
  fi
  "$dir/bin/schemathesis" --version >/dev/null 2>&1 || { rm -rf "$dir"; skip "the installed Schemathesis does not run"; }
  touch "$dir/.installed"
fi
echo "$dir"
