#!/usr/bin/env bash
# Bring up the whole platform on the embedded default: a SQLite file under ./data, Meilisearch fetched and
# started here, demo data loaded, and the API at http://127.0.0.1:8080/graphql (GraphiQL in the browser).
# Ctrl-C stops everything. Override any setting through the environment (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }
mkdir -p data
meili_bin=$(scripts/fetch-meilisearch.sh)
scripts/install-report-tools.sh

# A master key for this installation, kept beside its data.
[[ -s data/meili.key ]] || (umask 077 && openssl rand -hex 24 > data/meili.key)
export MEILI_MASTER_KEY="${MEILI_MASTER_KEY:-$(cat data/meili.key)}"
export MEILI_URL="${MEILI_URL:-http://127.0.0.1:7700}"
export XYD_ENV="${XYD_ENV:-development}"
export XYD_BIND="${XYD_BIND:-127.0.0.1:8080}"
export XYD_BOOTSTRAP_ADMIN_EMAIL="${XYD_BOOTSTRAP_ADMIN_EMAIL:-admin@xinyidai.demo}"
export XYD_BOOTSTRAP_ADMIN_PASSWORD="${XYD_BOOTSTRAP_ADMIN_PASSWORD:-Admin12345}"
# Keep sessions valid across restarts of the demo.
[[ -s data/jwt.secret ]] || (umask 077 && openssl rand -hex 32 > data/jwt.secret)
export XYD_JWT_SECRET="${XYD_JWT_SECRET:-$(cat data/jwt.secret)}"
[[ -s data/data.key ]] || (umask 077 && openssl rand -hex 32 > data/data.key)
export XYD_DATA_KEY="${XYD_DATA_KEY:-$(cat data/data.key)}"

"$meili_bin" --http-addr "${MEILI_URL#http://}" --master-key "$MEILI_MASTER_KEY" --db-path data/meili \
  --dump-dir data/meili-dumps --no-analytics --env development >data/meili.log 2>&1 &
meili_pid=$!
trap 'kill $meili_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "$MEILI_URL/health" >/dev/null 2>&1 && break
  sleep 0.2
done

cargo build --release --locked -p xyd-cli
bin=target/release/xinyidai
[[ -n "${CARGO_TARGET_DIR:-}" ]] && bin="$CARGO_TARGET_DIR/release/xinyidai"
"$bin" seed-demo

cat <<INFO

  信易贷 platform is starting at http://$XYD_BIND/graphql  (GraphiQL in the browser)
  admin   $XYD_BOOTSTRAP_ADMIN_EMAIL / $XYD_BOOTSTRAP_ADMIN_PASSWORD
  bank    loans@rcb.demo / Demo12345      bureau  credit@fgj.demo / Demo12345
  enterprise boss@firm.demo / Demo12345   dashboard http://$XYD_BIND/dashboard
  person  person@person.demo, person2@person.demo / Demo12345

INFO
"$bin" serve
