#!/usr/bin/env bash
# Two API processes on one PostgreSQL database and one Meilisearch (docs/deploy.md): a product published through
# replica A is found through replica B; a bank subscribed on B hears of a demand posted through A within a
# second (LISTEN/NOTIFY); 30 wrong passwords spread over both are limited to 5 (rate windows in PostgreSQL).
# tests/e2e/replicas.rs checks the same (and the scheduled expiry) with two servers inside one test process; this
# runs the real binary twice. Exits non-zero on any difference.
#
# Needs PostgreSQL (XYD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432) and Node 20+ (its WebSocket).
set -euo pipefail
cd "$(dirname "$0")/.."

pg="${XYD_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --locked -q -p xyd-cli
bin="$target/debug/xinyidai"
meili_bin=$(scripts/fetch-meilisearch.sh)
work=$(mktemp -d)
db="xyd_replicas_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "REPLICAS DRILL FAILED: $*" >&2; exit 1; }
source scripts/lib/apt-install.sh
command -v jq >/dev/null || apt_install "the drill reads GraphQL answers with it" jq
if ! node --experimental-websocket --no-warnings -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null; then
  [[ "${CI:-}" == "true" ]] && fail "Node 20+ with WebSocket is required in CI"
  echo "warning: no Node with WebSocket: the replicas drill is skipped" >&2
  exit 0
fi

# Everything the replicas must agree on is configured once, as an orchestrator would.
export DATABASE_URL="$pg/$db" MEILI_URL=http://127.0.0.1:7821 MEILI_MASTER_KEY="replicas-master-key-0123456789"
export XYD_INDEX_PREFIX=replicas XYD_ENV=development RUST_LOG=warn
export XYD_JWT_SECRET="replicas-jwt-secret-0123456789abcdef0123456789" XYD_DATA_KEY=$(printf '%064d' 3)
export XYD_BOOTSTRAP_ADMIN_EMAIL=admin@xinyidai.demo XYD_BOOTSTRAP_ADMIN_PASSWORD=Admin12345

psql "$pg/postgres" -qc "CREATE DATABASE $db"
"$meili_bin" --http-addr 127.0.0.1:7821 --master-key "$MEILI_MASTER_KEY" --db-path "$work/meili" \
  --no-analytics --env development >"$work/meili.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs "$MEILI_URL/health" >/dev/null 2>&1 && break; sleep 0.2; done
"$bin" seed-demo >/dev/null
for port in 8121 8122; do
  XYD_BIND="127.0.0.1:$port" XYD_METRICS_BIND="127.0.0.1:$((port + 1000))" "$bin" serve 2>>"$work/api-$port.log" &
  pids+=($!)
done
for port in 8121 8122; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
done
echo "two API processes (pids ${pids[*]:1}) on $db and one Meilisearch"

# gql PORT TOKEN QUERY: the response body.
gql() {
  curl -sS "http://127.0.0.1:$1/graphql" -H 'Content-Type: application/json' \
    ${2:+-H "Authorization: Bearer $2"} --data "$(jq -cn --arg q "$3" '{query: $q}')"
}
ok() { jq -e '.errors == null' <<<"$1" >/dev/null || fail "GraphQL errors: $1"; }
token() {
  local r
  r=$(gql "$1" "" "mutation { login(input: {email: \"$2\", password: \"$3\"}) { accessToken } }")
  ok "$r"
  jq -r '.data.login.accessToken' <<<"$r"
}
bank=$(token 8121 loans@rcb.demo Demo12345)
owner=$(token 8122 boss@firm.demo Demo12345)

# 1. A product published through A is found through B.
r=$(gql 8121 "$bank" 'mutation { createProduct(input: {name: "双进程演练贷", description: "多副本演练的经营周转贷款",
  productType: CREDIT, amountMin: "100000.00", amountMax: "3000000.00", termMonthsMin: 6, termMonthsMax: 36,
  rateMin: "3.45", rateMax: "6.00", subjectKinds: [ENTERPRISE, INDIVIDUAL_BUSINESS], regionPrefixes: ["4408"],
  industryCodes: [], requiresCleanRecord: false, requiresVerified: true}) { id } }')
ok "$r"
product=$(jq -r '.data.createProduct.id' <<<"$r")
ok "$(gql 8121 "$bank" "mutation { publishProduct(id: \"$product\") { id } }")"
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
ok "$r"
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
  code=$(gql "$port" "" 'mutation { login(input: {email: "guessed@bank.demo", password: "wrong-password-0"}) { accessToken } }' |
    jq -r '.errors[0].extensions.code')
  case "$code" in
    UNAUTHENTICATED) checked=$((checked + 1)) ;;
    RATE_LIMITED) refused=$((refused + 1)) ;;
    *) fail "unexpected answer to a wrong password: $code" ;;
  esac
done
[[ "$checked $refused" == "5 25" ]] || fail "$checked passwords checked and $refused refused, not 5 and 25"
echo "30 wrong passwords over both replicas: 5 checked, 25 refused"
echo
echo "REPLICAS DRILL PASSED"
