#!/usr/bin/env bash
# Benchmarks against the release build with line tables (Cargo profile `profiling`: the release optimisation, so
# the release binary's timings, and `perf record --call-graph dwarf -p <pid>` can be attached to any run);
# figures and how to read them in docs/benchmarks.md.
#   scripts/bench.sh import     gen-data 1,000,000 registry rows, then import them into PostgreSQL
#   scripts/bench.sh products   5,000 published products: products(query + 2 filters) via GraphQL vs Meilisearch
#   scripts/bench.sh match      1,000,000 subjects and 5,000 products: matchProducts latency, both modes, ROUNDS=3
#                               times over, the worst p95 of each mode last
#   scripts/bench.sh indicators 1,000,000 subjects, 300,000 demands: 12-month report by town vs hand-written SQL
#                               in PostgreSQL and in DuckDB (PyPI) over the same rows exported
#   scripts/bench.sh abuse      5,000 products: products p95 idle vs while 50 clients hammer login and registration
#   scripts/bench.sh logged     32 enterprises, 4 banks: a bank's logged creditProfile vs the owner's unlogged one, ROUNDS=3,
#                               32 clients (P7)
# Needs PostgreSQL (XYD_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:?usage: scripts/bench.sh import|products|match|indicators|abuse|logged}"
pg="${XYD_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --profile profiling --locked -p xyd-cli -p xyd-bench
bin="$target/profiling/xinyidai"
bench="$target/profiling/xyd-bench"
work=$(mktemp -d)
db="xyd_bench_$$"
cleanup() {
  [[ -n "${api_pid:-}" ]] && kill "$api_pid" 2>/dev/null || true
  [[ -n "${meili_pid:-}" ]] && kill "$meili_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$pg/postgres" -qc "CREATE DATABASE $db"
export DATABASE_URL="$pg/$db" XYD_ENV=development RUST_LOG=warn
"$bin" migrate

case "$what" in
  import)
    /usr/bin/time -f "gen-data: %e s, peak RSS %M KB" "$bin" gen-data registry --rows 1000000 --seed 42 -o "$work/registry.csv"
    ls -l "$work/registry.csv"
    /usr/bin/time -f "import: %e s, peak RSS %M KB" "$bin" import registry "$work/registry.csv"
    psql "$DATABASE_URL" -Atc "SELECT 'rows in registry_entries: ' || count(*) FROM registry_entries"
    # P4's yardstick, the set-based path on the same file: psql \copy into a staging table, then one
    # INSERT … SELECT … ON CONFLICT into a table with registry_entries' columns and indexes. A checkpoint first,
    # so the import's dirty pages are not written on the yardstick's time.
    psql "$DATABASE_URL" -qc "CHECKPOINT"
    psql "$DATABASE_URL" -qc "CREATE TABLE bench_registry (LIKE registry_entries INCLUDING ALL)" \
      -c "CREATE TABLE bench_staging (uscc text, name text, kind text, region_code text, industry_code text,
            legal_rep_name text, established_on date, status text, snapshot_date date)"
    start=$(date +%s.%N)
    psql "$DATABASE_URL" -qc "\copy bench_staging FROM '$work/registry.csv' WITH (FORMAT csv, HEADER)"
    copied=$(date +%s.%N)
    psql "$DATABASE_URL" -qc "INSERT INTO bench_registry (id, uscc, snapshot_date, name, kind, region_code, industry_code,
        legal_rep_name, established_on, status)
      SELECT gen_random_uuid(), uscc, snapshot_date, name, kind, region_code, NULLIF(industry_code, ''),
        NULLIF(legal_rep_name, ''), established_on,
        CASE status WHEN '存续' THEN 'ACTIVE' WHEN '注销' THEN 'CANCELLED' ELSE 'REVOKED' END
      FROM bench_staging
      ON CONFLICT (uscc, snapshot_date) DO UPDATE SET name = excluded.name, kind = excluded.kind,
        region_code = excluded.region_code, industry_code = excluded.industry_code,
        legal_rep_name = excluded.legal_rep_name, established_on = excluded.established_on, status = excluded.status"
    merged=$(date +%s.%N)
    awk -v s="$start" -v c="$copied" -v m="$merged" \
      'BEGIN {printf "set-based path: \\copy %.1f s + INSERT … ON CONFLICT %.1f s = %.1f s\n", c - s, m - c, m - s}'
    ;;
  products|match|indicators|abuse|logged)
    meili_bin=$(scripts/fetch-meilisearch.sh)
    export MEILI_MASTER_KEY="bench-master-key-0123456789" MEILI_URL="http://127.0.0.1:7791" XYD_INDEX_PREFIX=bench
    export XYD_BIND=127.0.0.1:8091 XYD_METRICS_BIND=127.0.0.1:9191
    # The abuse benchmark tells its clients apart by X-Forwarded-For, as behind one reverse proxy; so does the
    # logged-reads set-up, to register 32 enterprises within the per-address limit.
    [[ "$what" == abuse || "$what" == logged ]] && export XYD_TRUSTED_PROXY_HOPS=1
    "$meili_bin" --http-addr 127.0.0.1:7791 --master-key "$MEILI_MASTER_KEY" --db-path "$work/meili" \
      --dump-dir "$work/dumps" --no-analytics --env development >"$work/meili.log" 2>&1 &
    meili_pid=$!
    until curl -fs "$MEILI_URL/health" >/dev/null 2>&1; do sleep 0.2; done
    export XYD_BOOTSTRAP_ADMIN_EMAIL=admin@bench.test XYD_BOOTSTRAP_ADMIN_PASSWORD=Bench-Admin-2026
    if [[ "$what" == match ]]; then
      # A million market subjects: the registry imported, then every existing subject registered in bulk (with
      # the indicator summary triggers off for this session: matching does not read them, and per-row summary
      # upkeep would make the load take 20 minutes instead of one).
      "$bin" gen-data registry --rows 1000000 --seed 42 -o "$work/registry.csv"
      "$bin" import registry "$work/registry.csv" >/dev/null
      psql "$DATABASE_URL" -qc "SET session_replication_role = replica" -c "INSERT INTO subjects (id, uscc, name, kind, region_code, industry_code, legal_rep_name,
          established_on, registered_at, verification_status, verification_method, verified_at, restricted, trusted, version)
        SELECT gen_random_uuid(), uscc, name, kind, region_code, industry_code, COALESCE(legal_rep_name, '-'), established_on,
          now(), 'VERIFIED', 'REGISTRY_MATCH', now(), false, false, 0
        FROM registry_entries WHERE status = 'ACTIVE'"
      psql "$DATABASE_URL" -Atc "SELECT 'subjects: ' || count(*) FROM subjects"
    fi
    if [[ "$what" == indicators ]]; then
      # The history: a million-row registry snapshot, 200 products, 300,000 demands over 12 months with their
      # responses, credits and loans (each demanding subject registered a week before its first demand), then
      # every other existing subject registered at some time in the past 24 months (85% verified).
      "$bin" gen-data registry --rows 1000000 --seed 42 -o "$work/registry.csv"
      /usr/bin/time -f "import registry: %e s" "$bin" import registry "$work/registry.csv" >/dev/null
      "$bin" gen-data products --rows 200 --seed 42
      /usr/bin/time -f "gen-data demands: %e s" "$bin" gen-data demands --rows "${DEMANDS:-300000}" \
        --registry-rows 1000000 --months 12 --seed 42
      /usr/bin/time -f "gen-data subjects: %e s" "$bin" gen-data subjects --rows 1000000 --seed 42 --months 24
      psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
      psql "$DATABASE_URL" -Atc "SELECT 'registry entries: ' || count(*) FROM registry_entries" \
        -c "SELECT 'subjects: ' || count(*) FROM subjects" -c "SELECT 'demands: ' || count(*) FROM demands" \
        -c "SELECT 'responses: ' || count(*) FROM bank_responses" \
        -c "SELECT 'disbursements: ' || count(*) FROM bank_responses WHERE disbursed_at IS NOT NULL"
    elif [[ "$what" != logged ]]; then
      "$bin" gen-data products --rows 5000 --seed 42
    fi
    "$bin" search reindex
    "$bin" serve 2>"$work/api.log" &
    api_pid=$!
    until curl -fs "http://$XYD_BIND/healthz" >/dev/null 2>&1; do sleep 0.2; done
    # gen-data left an outbox row per product: measure once the relay has applied them (seconds of Meilisearch
    # indexing that would otherwise overlap the first requests of both sides).
    until curl -fs "http://$XYD_METRICS_BIND/metrics" | grep -qx "xyd_outbox_pending 0"; do sleep 0.5; done
    # Server memory (P5): resident set when idle, and its peak once the benchmark has run.
    sleep 2
    echo "server idle: $(grep VmRSS /proc/$api_pid/status | awk '{print $2, $3}')"
    trap 'echo "server peak: $(grep VmHWM /proc/$api_pid/status | awk "{print \$2, \$3}")"; cleanup' EXIT
    if [[ "$what" == indicators ]]; then
      # The 12 whole months before this one (Asia/Shanghai).
      to=$(TZ=Asia/Shanghai date +%Y-%m-01)
      from=$(date -d "$to -12 months" +%Y-%m-01)
      "$bench" indicators --api "http://$XYD_BIND" --email "$XYD_BOOTSTRAP_ADMIN_EMAIL" \
        --password "$XYD_BOOTSTRAP_ADMIN_PASSWORD" --from "$from" --to "$to" --region 440882 --requests "${REQUESTS:-30}"
      # The same figures by hand-written SQL over the event tables, timed by psql in the same run.
      { echo '\timing on'; for _ in $(seq "${REQUESTS:-30}"); do cat bench/sql/indicators_by_town.sql; done; } \
        >"$work/hand.sql"
      psql "$DATABASE_URL" -v from="$from" -v to="$to" -f "$work/hand.sql" >"$work/hand.out"
      grep '^Time:' "$work/hand.out" | awk '{print $2}' | sort -n |
        awk '{a[NR]=$1} END {printf "hand-written SQL: %d runs, median %.1f ms, p95 %.1f ms\n", NR, a[int((NR+1)/2)], a[int(NR*0.95+0.5)]}'
      psql "$DATABASE_URL" -v from="$from" -v to="$to" -f bench/sql/indicators_by_town.sql
      # P3's yardstick: DuckDB (PyPI, pinned) running the same hand-written SQL over the same event rows, exported
      # from this database.
      "$(scripts/install-duckdb.sh)" bench/duckdb_indicators.py "$DATABASE_URL" "$from" "$to" "${REQUESTS:-30}"
    elif [[ "$what" == abuse ]]; then
      "$bench" abuse --api "http://$XYD_BIND" --abusers "${ABUSERS:-50}" --requests "${REQUESTS:-1000}"
    elif [[ "$what" == logged ]]; then
      "$bench" logged-reads --api "http://$XYD_BIND" --email "$XYD_BOOTSTRAP_ADMIN_EMAIL" \
        --password "$XYD_BOOTSTRAP_ADMIN_PASSWORD" --cli "$bin" --requests "${REQUESTS:-6000}" \
        --rounds "${ROUNDS:-3}"
      # How the access log's sequencer batched the logged reads (set-up and warm-up included).
      curl -fs "http://$XYD_METRICS_BIND/metrics" | awk '$1 == "xyd_audit_batches_total" {b = $2}
        $1 == "xyd_audit_batched_entries_total" {e = $2}
        END {if (b) printf "access-log batches: %d, %.1f reads per batch\n", b, e / b}'
    elif [[ "$what" == match ]]; then
      "$bench" match --api "http://$XYD_BIND" --email "$XYD_BOOTSTRAP_ADMIN_EMAIL" \
        --password "$XYD_BOOTSTRAP_ADMIN_PASSWORD" --requests "${REQUESTS:-1000}" --rounds "${ROUNDS:-3}"
    else
      # The floor: the same engine request behind one bare axum route in its own process (bench/src/floor.rs).
      "$bench" floor --meili "$MEILI_URL" --key "$MEILI_MASTER_KEY" --prefix "$XYD_INDEX_PREFIX" \
        --bind 127.0.0.1:8092 &
      floor_pid=$!
      until curl -fs "http://127.0.0.1:8092/search" >/dev/null 2>&1; do sleep 0.2; done
      "$bench" products --api "http://$XYD_BIND" --meili "$MEILI_URL" --key "$MEILI_MASTER_KEY" \
        --prefix "$XYD_INDEX_PREFIX" --requests "${REQUESTS:-1000}" --floor http://127.0.0.1:8092
      kill "$floor_pid"
    fi
    ;;
  *) echo "unknown benchmark: $what" >&2; exit 2 ;;
esac
