#!/usr/bin/env bash
# What credit reports need: the CJK TrueType font embedded in their PDFs (Debian's fonts-arphic-gbsn00lp) and, for
# the tests, pdftotext (poppler-utils) to read them back. Installs them with apt-get when missing and allowed;
# otherwise says what is missing and leaves it to the caller.
set -euo pipefail
font=/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf
missing=()
[[ -f "$font" ]] || missing+=(fonts-arphic-gbsn00lp)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "warning: cannot install ${missing[*]} (not root): credit reports need them" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "warning: no apt-get to install ${missing[*]}: credit reports need them" >&2
  exit 0
fi
$sudo apt-get update -qq >/dev/null || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
  echo "warning: installing ${missing[*]} failed: credit reports need them" >&2
