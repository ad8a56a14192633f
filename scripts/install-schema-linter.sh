#!/usr/bin/env bash
# graphql-schema-linter (npm) at a pinned version, for the test that checks every type, field, argument and
# enum value of the schema is described and the connections follow the Relay spec. Installed once into
# ~/.cache/xinyidai/schema-linter; prints the path of its executable, or nothing (with a warning) when npm
# or the registry is unavailable.
set -euo pipefail
LINTER=3.0.1
GRAPHQL=16.11.0
dir="${XDG_CACHE_HOME:-$HOME/.cache}/xinyidai/schema-linter-$LINTER"
bin="$dir/node_modules/.bin/graphql-schema-linter"
if [[ ! -x "$bin" ]]; then
  if ! command -v npm >/dev/null; then
    echo "warning: npm is missing: the schema linter test will be skipped" >&2
    exit 0
  fi
  mkdir -p "$dir"
  if ! npm install --silent --no-audit --no-fund --prefix "$dir" "graphql-schema-linter@$LINTER" "graphql@$GRAPHQL" \
    >/dev/null 2>&1; then
    echo "warning: installing graphql-schema-linter failed: the schema linter test will be skipped" >&2
    exit 0
  fi
fi
echo "$bin"
