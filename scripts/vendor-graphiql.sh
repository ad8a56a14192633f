#!/usr/bin/env bash
# Vendors GraphiQL's browser assets from the npm registry at pinned versions into api/assets/graphiql/, with their
# licences, so the page the binary serves loads nothing from the internet. Run it to change a version; the
# files it writes are committed (the build needs no network).
set -euo pipefail
cd "$(dirname "$0")/.."
GRAPHIQL=3.8.3
REACT=18.3.1
out=api/assets/graphiql
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for pkg in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir -p "$tmp/$pkg" && tar xzf "$tmp/$pkg.tgz" -C "$tmp/$pkg"
done
mkdir -p "$out"
cp "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.js" "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.css" "$out/"
cp "$tmp/react-$REACT/package/umd/react.production.min.js" "$out/"
cp "$tmp/react-dom-$REACT/package/umd/react-dom.production.min.js" "$out/"
cp "$tmp/graphiql-$GRAPHIQL/package/LICENSE" "$out/LICENSE.graphiql"
cp "$tmp/react-$REACT/package/LICENSE" "$out/LICENSE.react"
cp "$tmp/react-dom-$REACT/package/LICENSE" "$out/LICENSE.react-dom"
printf 'graphiql %s (MIT), react %s (MIT), react-dom %s (MIT), from the npm registry.\n' "$GRAPHIQL" "$REACT" "$REACT" > "$out/VERSIONS"
echo "vendored into $out"
