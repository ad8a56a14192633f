#!/usr/bin/env bash
# What credit reports need: the CJK TrueType font embedded in their PDFs (Debian's fonts-arphic-gbsn00lp) and, for
# the tests, pdftotext (poppler-utils) to read them back. Installs them with apt-get when missing and allowed;
# otherwise says what is missing and leaves it to the caller.
set -euo pipefail
source "$(dirname "$0")/lib/apt-install.sh"
font=/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf
missing=()
[[ -f "$font" ]] || missing+=(fonts-arphic-gbsn00lp)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[[ ${#missing[@]} -eq 0 ]] && exit 0
apt_install "credit reports need them" "${missing[@]}"
