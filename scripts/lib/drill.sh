# Sourced by the drills (scripts/restore-drill.sh, scripts/replicas-drill.sh), which run the debug binary against
# PostgreSQL (XYD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432) and Meilisearch: the binary built, a
# work folder, the processes started and the databases created cleaned up on exit, and GraphQL over curl.
# The caller sets DRILL (its name in failure messages) before sourcing.

pg="${XYD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -q -p xyd-cli
bin="$target/debug/xinyidai"
meili_bin=$(scripts/fetch-meilisearch.sh)
work=$(mktemp -d)
pids=()
databases=()
exit_hooks=()
drill_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for hook in "${exit_hooks[@]}"; do "$hook" || true; done
  for db in "${databases[@]}"; do
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap drill_cleanup EXIT
fail() { echo "$DRILL FAILED: $*" >&2; exit 1; }
# on_exit FUNCTION: run at exit, once the processes started here are stopped.
on_exit() { exit_hooks+=("$1"); }
source scripts/lib/apt-install.sh
command -v jq >/dev/null || apt_install "the drills read GraphQL answers with it" jq

# Settings every process of a drill shares, as an orchestrator would give them.
export XYD_INDEX_PREFIX=drill XYD_ENV=development RUST_LOG=warn MEILI_MASTER_KEY="drill-master-key-0123456789abcdef"
export XYD_JWT_SECRET="drill-jwt-secret-0123456789abcdef0123456789" XYD_DATA_KEY=$(printf '%064d' 7)
export XYD_BOOTSTRAP_ADMIN_EMAIL=admin@xinyidai.demo XYD_BOOTSTRAP_ADMIN_PASSWORD=Admin12345

# create_database NAME: a fresh database, dropped on exit.
create_database() {
  psql "$pg/postgres" -qc "CREATE DATABASE $1"
  databases+=("$1")
}

# start_meili PORT DIR [MEILISEARCH ARGUMENTS…]: a Meilisearch with its data in $work/DIR, dumps in $work/dumps.
start_meili() {
  local port=$1 dir=$2
  shift 2
  "$meili_bin" --http-addr "127.0.0.1:$port" --master-key "$MEILI_MASTER_KEY" --db-path "$work/$dir" \
    --dump-dir "$work/dumps" --no-analytics --env development "$@" >"$work/$dir.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return; sleep 0.2; done
  fail "Meilisearch on $port did not start: $(tail -5 "$work/$dir.log")"
}

# start_api DATABASE MEILI_PORT API_PORT: `xinyidai serve`, its metrics on API_PORT + 1000. DATABASE is a database
# of $pg, or a whole URL.
start_api() {
  local url=$1
  [[ "$url" == *://* ]] || url="$pg/$1"
  DATABASE_URL="$url" MEILI_URL="http://127.0.0.1:$2" XYD_BIND="127.0.0.1:$3" XYD_METRICS_BIND="127.0.0.1:$(($3 + 1000))" \
    "$bin" serve 2>>"$work/api-$3.log" &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$3/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  fail "the API on $3 did not start: $(tail -5 "$work/api-$3.log")"
}

# gql_raw PORT TOKEN QUERY: the response body as it came.
gql_raw() {
  curl -sS "http://127.0.0.1:$1/graphql" -H 'Content-Type: application/json' \
    ${2:+-H "Authorization: Bearer $2"} --data "$(jq -cn --arg q "$3" '{query: $q}')"
}

# gql PORT TOKEN QUERY: the response body; fails on GraphQL errors.
gql() {
  local body
  body=$(gql_raw "$@")
  jq -e '.errors == null' <<<"$body" >/dev/null || fail "GraphQL errors: $body"
  echo "$body"
}

# token PORT EMAIL PASSWORD: an access token.
token() { gql "$1" "" "mutation { login(input: {email: \"$2\", password: \"$3\"}) { accessToken } }" | jq -r '.data.login.accessToken'; }
