#!/usr/bin/env bash
# The whole test suite: unit, property and end-to-end tests, on PostgreSQL and SQLite with a real
# Meilisearch, then the backup-and-restore and replicas drills (scripts/restore-drill.sh, scripts/replicas-drill.sh). Needs PostgreSQL on 127.0.0.1:5432 (XYD_TEST_PG_URL to change); with CI=true a missing
# PostgreSQL fails the run instead of skipping its half of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }
# The Meilisearch binary the tests start (fetched once, integrity-checked, cached outside the checkout).
MEILI_BIN=$(scripts/fetch-meilisearch.sh)
# The CJK font embedded in credit reports, and pdftotext to read them back.
scripts/install-report-tools.sh
# Headless Chromium for the dashboard's browser test (skipped with a warning when it cannot be installed).
scripts/install-browser.sh
# graphql-schema-linter and graphql-http's audit (npm, pinned), run by the tests against our schema and server.
XYD_NPM_TOOLS=$(scripts/install-npm-tools.sh)
# Schemathesis (PyPI, pinned with hashes, in a virtualenv), which fuzzes every GraphQL operation of the server.
XYD_FUZZ_TOOLS=$(scripts/install-fuzz-tools.sh)
export MEILI_BIN XYD_NPM_TOOLS XYD_FUZZ_TOOLS

pg_url="${XYD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
if command -v pg_isready >/dev/null && ! pg_isready -q -d "$pg_url/postgres"; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "PostgreSQL is not reachable at $pg_url: CI requires it" >&2
    exit 1
  fi
  echo "warning: PostgreSQL is not reachable at $pg_url; its half of the tests will be skipped" >&2
fi

# The e2e tests that need the server as a process of its own (tests/src/served.rs) run this binary; `cargo test`
# builds only test harnesses for the CLI crate, not the binary itself.
cargo build --locked -p xyd-cli
cargo test --workspace --locked "$@"
# The whole suite (no test filter) ends with two drills on PostgreSQL against the real binary: backup and
# restore, and two API processes on one database.
if [[ $# -eq 0 ]]; then
  if command -v pg_isready >/dev/null && ! pg_isready -q -d "$pg_url/postgres"; then
    echo "warning: PostgreSQL is not reachable: the restore and replicas drills are skipped" >&2
  else
    XYD_TEST_PG_URL="$pg_url" scripts/restore-drill.sh
    XYD_TEST_PG_URL="$pg_url" scripts/replicas-drill.sh
  fi
fi
