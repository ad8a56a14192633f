#!/usr/bin/env bash
# Backup and restore drill (docs/deploy.md, "Backups"): a running platform on PostgreSQL and Meilisearch takes
# writes — banks reading credit data (access-log links) and publishing products (index changes) — while it is
# backed up with `pg_dump` (one snapshot, whose row counts are taken in the same snapshot) and a Meilisearch dump.
# Both are restored into a fresh database and a fresh Meilisearch, the API is started on them, and the drill
# checks that the row counts are the snapshot's, that the index agrees with the database (`search verify`, after
# the restored outbox has drained; `search reindex` if it does not), that the audit chains hold
# (`audit verify`), and that the restored API answers. Exits non-zero on any difference.
#
# Needs PostgreSQL (XYD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432) with pg_dump and pg_restore of the
# server's version. Takes about two minutes with a warm debug build.
set -euo pipefail
cd "$(dirname "$0")/.."

DRILL=DRILL
source scripts/lib/drill.sh
src="xyd_drill_src_$$"
dst="xyd_drill_dst_$$"
step() { printf '\n== %s\n' "$*"; }

# The row counts the drill compares, as one line.
COUNTS="SELECT concat_ws(' ', (SELECT count(*) FROM subjects), (SELECT count(*) FROM products),
  (SELECT count(*) FROM demands), (SELECT count(*) FROM bank_responses), (SELECT count(*) FROM registry_entries),
  (SELECT count(*) FROM credit_records), (SELECT count(*) FROM access_log), (SELECT count(*) FROM record_events),
  (SELECT count(*) FROM outbox))"

step "a running platform: demo data on PostgreSQL, Meilisearch, the API"
command -v pg_dump >/dev/null || apt_install "the drill backs up with them" postgresql-client
create_database "$src"
start_meili 7811 meili-source
DATABASE_URL="$pg/$src" MEILI_URL=http://127.0.0.1:7811 "$bin" seed-demo >/dev/null
start_api "$src" 7811 8111
bank=$(token 8111 loans@rcb.demo Demo12345)
owner=$(token 8111 boss@firm.demo Demo12345)
subject=$(gql 8111 "$owner" '{ me { subject { id } } }' | jq -r '.data.me.subject.id')

step "writes while the backup is taken"
(
  for i in $(seq 1 100000); do
    gql 8111 "$bank" "{ creditProfile(subjectId: \"$subject\", purpose: LOAN_APPLICATION) { subject { id } } }" >/dev/null
    if ((i % 5 == 0)); then
      id=$(gql 8111 "$bank" "mutation { createProduct(input: {name: \"演练贷$i\", description: \"备份演练期间发布的经营贷\",
        productType: CREDIT, amountMin: \"100000.00\", amountMax: \"3000000.00\", termMonthsMin: 6, termMonthsMax: 36,
        rateMin: \"3.45\", rateMax: \"6.00\", subjectKinds: [ENTERPRISE], regionPrefixes: [\"4408\"], industryCodes: [],
        requiresCleanRecord: true, requiresVerified: true}) { id } }" |
        jq -r '.data.createProduct.id')
      gql 8111 "$bank" "mutation { publishProduct(id: \"$id\") { id } }" >/dev/null
    fi
  done
) 2>"$work/writer.log" &
writer=$!
pids+=("$writer")
sleep 3

step "backup: pg_dump of one exported snapshot (counted in that snapshot), then a Meilisearch dump"
coproc snapshot_session { psql -qAt "$pg/$src"; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&"${snapshot_session[1]}"
read -r snapshot <&"${snapshot_session[0]}"
echo "$COUNTS;" >&"${snapshot_session[1]}"
read -r counted <&"${snapshot_session[0]}"
started=$(date +%s.%N)
pg_dump --snapshot="$snapshot" -Fc -f "$work/database.dump" "$pg/$src"
dumped=$(date +%s.%N)
echo "COMMIT;" >&"${snapshot_session[1]}"
session_in=${snapshot_session[1]}
exec {session_in}>&-
task=$(curl -fsS -X POST http://127.0.0.1:7811/dumps -H "Authorization: Bearer $MEILI_MASTER_KEY" | jq -r .taskUid)
for _ in $(seq 1 600); do
  status=$(curl -fsS "http://127.0.0.1:7811/tasks/$task" -H "Authorization: Bearer $MEILI_MASTER_KEY" | jq -r .status)
  [[ "$status" == succeeded ]] && break
  [[ "$status" == failed ]] && fail "the Meilisearch dump failed"
  sleep 0.2
done
[[ "$status" == succeeded ]] || fail "the Meilisearch dump did not finish"
meili_dump=$(ls "$work"/dumps/*.dump)
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
[[ -s "$work/writer.log" ]] && fail "the writer failed: $(tail -3 "$work/writer.log")"
echo "snapshot counts (subjects products demands responses registry credit access_log record_events outbox): $counted"
awk -v s="$started" -v d="$dumped" 'BEGIN {printf "pg_dump: %.1f s\n", d - s}'
ls -l "$work/database.dump" "$meili_dump" | awk '{print $5, $9}'

step "restore into a fresh database and a fresh Meilisearch, and start the API on them"
create_database "$dst"
started=$(date +%s.%N)
pg_restore --no-owner -d "$pg/$dst" "$work/database.dump"
restored=$(date +%s.%N)
awk -v s="$started" -v d="$restored" 'BEGIN {printf "pg_restore: %.1f s\n", d - s}'
start_meili 7812 meili-restored --import-dump "$meili_dump"
start_api "$dst" 7812 8112

step "checks"
[[ "$(psql "$pg/$dst" -qAt -c "$COUNTS")" == "$counted" ]] || fail "row counts differ from the snapshot's"
echo "row counts: as in the snapshot"
export DATABASE_URL="$pg/$dst" MEILI_URL=http://127.0.0.1:7812
# The restored outbox holds what the relay had not yet applied at the snapshot; the restored API applies it.
verified=""
for _ in $(seq 1 50); do
  if "$bin" search verify >"$work/verify.out" 2>&1; then verified=yes; break; fi
  sleep 0.2
done
if [[ -z "$verified" ]]; then
  # The Meilisearch dump was taken after the database's snapshot: products published in between are in the
  # index but not in the database. The database is the source of truth: rebuild the index from it.
  echo "the index differs from the restored database after the outbox drained:"
  cat "$work/verify.out"
  "$bin" search reindex
  "$bin" search verify || fail "search verify still reports differences after reindex"
  echo "search verify: 0 differences after search reindex"
else
  echo "search verify: 0 differences"
fi
"$bin" audit verify || fail "the audit chains of the restored database do not hold"
found=$(gql 8112 "" '{ products(query: "经营", first: 5) { totalCount } }' | jq -r '.data.products.totalCount')
((found > 0)) || fail "the restored API finds no products"
gql 8112 "" "mutation { login(input: {email: \"loans@rcb.demo\", password: \"Demo12345\"}) { accessToken } }" >/dev/null
echo "the restored API answers: $found products for 经营, the bank logs in"
echo
echo "DRILL PASSED"
