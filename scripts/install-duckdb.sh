#!/usr/bin/env bash
# DuckDB from PyPI at a pinned version, for the indicators benchmark's comparison (scripts/bench.sh indicators):
# installed once into a virtual environment under ~/.cache/xinyidai; prints its python.
set -euo pipefail
DUCKDB=2.0.1
venv="${XDG_CACHE_HOME:-$HOME/.cache}/xinyidai/duckdb-$DUCKDB"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "duckdb==$DUCKDB" >&2
fi
echo "$venv/bin/python"
