#!/usr/bin/env bash
# Two API processes on one PostgreSQL database and one Meilisearch (docs/deploy.md): a product published through
# replica A is found through replica B; a bank subscribed on B hears of a demand posted through A within a
# second (LISTEN/NOTIFY); 30 wrong passwords spread over both are limited to 5 (rate windows in PostgreSQL).
# tests/e2e/replicas.rs checks the same (and the scheduled expiry) with two servers inside one test process; this
# runs the real binary twice. Then reports on a streaming standby (DATABASE_REPLICA_URL): on a primary and a standby
# of its own, an API reading its reports on the standby answers what an API on the primary alone answers once the
# standby has replayed, lags it exactly while replay is paused, and says how current it is (asOf). Exits
# non-zero on any difference.
#
# Needs PostgreSQL (XYD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432) and Node 20+ (its WebSocket); the
# standby part needs the PostgreSQL server binaries (initdb, pg_basebackup) and root (to run them as postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

DRILL="REPLICAS DRILL"
source scripts/lib/drill.sh
if ! node --experimental-websocket --no-warnings -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null; then
  [[ "${CI:-}" == "true" ]] && fail "Node 20+ with WebSocket is required in CI"
  echo "warning: no Node with WebSocket: the replicas drill is skipped" >&2
  exit 0
fi

db="xyd_replicas_$$"
create_database "$db"
start_meili 7821 meili
DATABASE_URL="$pg/$db" MEILI_URL=http://127.0.0.1:7821 "$bin" seed-demo >/dev/null
start_api "$db" 7821 8121
start_api "$db" 7821 8122
echo "two API processes (pids ${pids[*]:1}) on $db and one Meilisearch"

bank=$(token 8121 loans@rcb.demo Demo12345)
owner=$(token 8122 boss@firm.demo Demo12345)

# 1. A product published through A is found through B.
r=$(gql 8121 "$bank" 'mutation { createProduct(input: {name: "双进程演练贷", description: "多副本演练的经营周转贷款",
  productType: CREDIT, amountMin: "100000.00", amountMax: "3000000.00", termMonthsMin: 6, termMonthsMax: 36,
  rateMin: "3.45", rateMax: "6.00", subjectKinds: [ENTERPRISE, INDIVIDUAL_BUSINESS], regionPrefixes: ["4408"],
  industryCodes: [], requiresCleanRecord: false, requiresVerified: true}) { id } }')
product=$(jq -r '.data.createProduct.id' <<<"$r")
gql 8121 "$bank" "mutation { publishProduct(id: \"$product\") { id } }" >/dev/null
found=""
for _ in $(seq 1 100); do
  r=$(gql 8122 "" '{ products(query: "双进程演练贷", first: 5) { nodes { id } } }')
  if jq -e --arg p "$product" '.data.products.nodes | map(.id) | index($p) != null' <<<"$r" >/dev/null; then found=yes; break; fi
  sleep 0.1
done
[[ -n "$found" ]] || fail "the product published through A is not found through B: $r"
echo "a product published through A is found through B"

# 2. A bank subscribed on B hears of a demand posted through A within a second.
cat >"$work/subscribe.mjs" <<'JS'
const [url, token] = process.argv.slice(2);
const ws = new WebSocket(url, "graphql-transport-ws");
const give_up = setTimeout(() => { console.log("timeout"); process.exit(1); }, 15000);
ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.type === "connection_ack") {
    ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { newOpportunities { id } }" } }));
    setTimeout(() => console.log("ready"), 300);
  } else if (message.type === "next") {
    console.log(`heard ${message.payload.data.newOpportunities.id} ${Date.now()}`);
    clearTimeout(give_up);
    process.exit(0);
  } else if (message.type === "error") {
    console.log(`error ${JSON.stringify(message.payload)}`);
    process.exit(1);
  }
};
JS
node --experimental-websocket --no-warnings "$work/subscribe.mjs" ws://127.0.0.1:8122/graphql/ws "$bank" >"$work/heard" &
listener=$!
pids+=("$listener")
for _ in $(seq 1 100); do grep -q ready "$work/heard" && break; sleep 0.1; done
grep -q ready "$work/heard" || fail "the subscription on B did not start: $(cat "$work/heard")"
posted_at=$(date +%s%3N)
r=$(gql 8121 "$owner" 'mutation { postDemand(input: {amount: "500000.00", termMonths: 12, purpose: "采购原材料，扩大食品加工产能",
  guaranteeTypes: [CREDIT, GUARANTEE], maxRate: "6.50", shareWithResponders: []}) { id } }')
demand=$(jq -r '.data.postDemand.id' <<<"$r")
wait "$listener" || fail "B's subscriber heard nothing: $(cat "$work/heard")"
read -r _ heard_id heard_at < <(grep heard "$work/heard")
[[ "$heard_id" == "$demand" ]] || fail "B's subscriber heard $heard_id, not the demand $demand"
elapsed=$((heard_at - posted_at))
((elapsed < 1000)) || fail "the demand reached B's subscriber after $elapsed ms"
echo "a bank subscribed on B heard of the demand posted through A after $elapsed ms (the post's own time included)"

# 3. 30 wrong passwords, alternating between A and B: 5 are checked, 25 refused.
checked=0 refused=0
for i in $(seq 0 29); do
  port=$((i % 2 == 0 ? 8121 : 8122))
  code=$(gql_raw "$port" "" 'mutation { login(input: {email: "guessed@bank.demo", password: "wrong-password-0"}) { accessToken } }' |
    jq -r '.errors[0].extensions.code')
  case "$code" in
    UNAUTHENTICATED) checked=$((checked + 1)) ;;
    RATE_LIMITED) refused=$((refused + 1)) ;;
    *) fail "unexpected answer to a wrong password: $code" ;;
  esac
done
[[ "$checked $refused" == "5 25" ]] || fail "$checked passwords checked and $refused refused, not 5 and 25"
echo "30 wrong passwords over both replicas: 5 checked, 25 refused"

# 4. Reports on a streaming standby.
source scripts/lib/standby.sh
figures="demandsPosted demandAmount respondedDemands creditGrantedCount creditGrantedAmount disbursedCount
  disbursedAmount loanObtainingSubjects registeredSubjects verifiedSubjects medianResponseHours averageAnnualRate"
today=$(TZ=Asia/Shanghai date +%F)
from=$(date -d "$today -364 days" +%F) to=$(date -d "$today +1 day" +%F)
period="from: \"$from\", to: \"$to\""
report_query="{ indicators(input: {$period, groupBy: BANK}) { asOf totals { key $figures } rows { key label $figures } }
  bankLeague(input: {$period}) { asOf bank { id } respondedDemands accepted rejected disbursedCount disbursedAmount } }"

# report PORT: the city bureau's report and league through the API on PORT.
report() { gql "$1" "$city" "$report_query" | jq -S .data; }
# without_as_of REPORT: the report without its asOf.
without_as_of() { jq -S 'walk(if type == "object" then del(.asOf) else . end)' <<<"$1"; }
# as_of REPORT: the report's asOf in seconds since the epoch (fails when it is missing).
as_of() {
  local t
  t=$(jq -r '.indicators.asOf // empty' <<<"$1")
  [[ -n "$t" ]] || fail "the report has no asOf: $1"
  date -d "$t" +%s
}
# agree: the report through the standby (R, 8123) is the primary's (P, 8124), and says it is current.
agree() {
  local on_standby on_primary
  on_standby=$(report 8123)
  on_primary=$(report 8124)
  [[ "$(without_as_of "$on_standby")" == "$(without_as_of "$on_primary")" ]] ||
    fail "the report through the standby differs from the primary's: $(diff <(without_as_of "$on_standby") <(without_as_of "$on_primary"))"
  (($(as_of "$on_standby") <= $(date +%s))) || fail "asOf is after now: $on_standby"
  echo "$on_standby"
}

standby_reports() {
  start_primary
  psql "$primary_url/postgres" -qc "CREATE DATABASE xyd"
  DATABASE_URL="$primary_url/xyd" MEILI_URL=http://127.0.0.1:7821 XYD_INDEX_PREFIX=standby "$bin" seed-demo >/dev/null
  start_standby
  XYD_INDEX_PREFIX=standby DATABASE_REPLICA_URL="$standby_url/xyd" start_api "$primary_url/xyd" 7821 8123
  XYD_INDEX_PREFIX=standby start_api "$primary_url/xyd" 7821 8124
  city=$(token 8123 finance@jrj.demo Demo12345)
  boss=$(token 8124 boss@firm.demo Demo12345)
  # The logins wrote on the primary: once the standby replayed them, it knows the time of its last commit.
  wait_standby replay
  local before lagging caught_up written posted
  before=$(agree)
  posted=$(jq '.indicators.totals.demandsPosted' <<<"$before")
  echo "the report through the standby is the primary's (demandsPosted $posted, asOf $(jq -r .indicators.asOf <<<"$before"))"

  # Replay paused, a demand posted: the standby's answer is the one from before the demand, and says so.
  psql "$standby_url/postgres" -qAtc "SELECT pg_wal_replay_pause()" >/dev/null
  for _ in $(seq 1 100); do
    [[ $(psql "$standby_url/postgres" -Atc "SELECT pg_get_wal_replay_pause_state()") == paused ]] && break
    sleep 0.05
  done
  [[ $(psql "$standby_url/postgres" -Atc "SELECT pg_get_wal_replay_pause_state()") == paused ]] || fail "replay did not pause"
  written=$(date +%s)
  gql 8124 "$boss" 'mutation { postDemand(input: {amount: "300000.00", termMonths: 12, purpose: "备库演练：采购原材料",
    guaranteeTypes: [CREDIT], maxRate: "6.50", shareWithResponders: []}) { id } }' >/dev/null
  wait_standby receive
  lagging=$(report 8123)
  [[ "$(without_as_of "$lagging")" == "$(without_as_of "$before")" ]] ||
    fail "the API with a standby did not read it: its report moved while replay was paused"
  (($(jq '.indicators.totals.demandsPosted' <<<"$(report 8124)") == posted + 1)) || fail "the primary did not count the demand"
  (($(as_of "$lagging") <= written)) || fail "a lagging standby's asOf is after the write it has not replayed: $lagging"
  local header
  header=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $city" \
    "http://127.0.0.1:8123/exports/indicators?from=$from&to=$to&format=csv" |
    tr -d '\r' | sed -n 's/^x-data-as-of: //Ip')
  [[ -n "$header" ]] && (($(date -d "$header" +%s) <= written)) || fail "the export's X-Data-As-Of is not the standby's: '$header'"
  echo "replay paused: the standby still answers demandsPosted $posted (asOf $(jq -r .indicators.asOf <<<"$lagging"), export X-Data-As-Of $header), the primary $((posted + 1))"

  # Replay resumed: the standby catches up and agrees again, current as of the demand at least.
  psql "$standby_url/postgres" -qAtc "SELECT pg_wal_replay_resume()" >/dev/null
  wait_standby replay
  caught_up=$(agree)
  (($(jq '.indicators.totals.demandsPosted' <<<"$caught_up") == posted + 1)) || fail "the caught-up standby misses the demand"
  (($(as_of "$caught_up") >= written)) || fail "a caught-up standby's asOf is before the demand it replayed: $caught_up"
  echo "replay resumed: the standby caught up and answers the primary's report (asOf $(jq -r .indicators.asOf <<<"$caught_up"))"
}

if standby_tools; then
  standby_reports
elif [[ "${CI:-}" == "true" ]]; then
  fail "the PostgreSQL server binaries (initdb, pg_basebackup under /usr/lib/postgresql/*/bin) and root are required in CI"
else
  echo "warning: no PostgreSQL server binaries (or not root): the reports-on-a-standby part is skipped" >&2
fi
echo
echo "REPLICAS DRILL PASSED"
