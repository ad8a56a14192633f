#!/usr/bin/env bash
# The npm tools the test suite runs against our own server and schema, at pinned versions: graphql-schema-linter
# (every type, field, argument and enum value described; Relay connections) and graphql-http (the GraphQL over
# HTTP spec audit). Installed once into ~/.cache/xinyidai/npm-tools-<versions>; prints that directory, or nothing
# (with a warning) when npm or the registry is unavailable — the tests that need them are then skipped, except
# in CI.
set -euo pipefail
LINTER=3.0.1
GRAPHQL=16.11.0
GRAPHQL_HTTP=1.22.4
dir="${XDG_CACHE_HOME:-$HOME/.cache}/xinyidai/npm-tools-$LINTER-$GRAPHQL-$GRAPHQL_HTTP"
if [[ ! -x "$dir/node_modules/.bin/graphql-schema-linter" || ! -d "$dir/node_modules/graphql-http" ]]; then
  if ! command -v npm >/dev/null; then
    echo "warning: npm is missing: the schema linter and GraphQL over HTTP audit tests will be skipped" >&2
    exit 0
  fi
  mkdir -p "$dir"
  if ! npm install --silent --no-audit --no-fund --prefix "$dir" "graphql-schema-linter@$LINTER" "graphql@$GRAPHQL" \
    "graphql-http@$GRAPHQL_HTTP" >/dev/null 2>&1; then
    echo "warning: installing the npm test tools failed: their tests will be skipped" >&2
    exit 0
  fi
fi
echo "$dir"
