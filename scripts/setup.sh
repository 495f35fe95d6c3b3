#!/usr/bin/env bash
# Installs what Warkat needs on a fresh Debian machine, idempotently and quickly on a
# second run: Debian packages (browser, fonts, PDF tools, OCR, gettext, oathtool for the
# demo's TOTP codes), Python 3.12 via pyenv or PATH, uv, and the locked Python
# packages in .venv. Quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# OCR of scans (warkat.ocr): Debian's OCRmyPDF, run as a program (never imported), with
# the Tesseract, Ghostscript and Indonesian model versions it was built and tested with.
APT_PACKAGES=(chromium gettext poppler-utils util-linux oathtool fonts-dejavu-core fonts-liberation2
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info
  ocrmypdf tesseract-ocr tesseract-ocr-ind ghostscript dovecot-imapd)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "warkat: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # apt and debconf chatter (e.g. "delaying package configuration") is shown only
  # when the installation fails.
  log=$(mktemp)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install \
      -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
fi

find_python() {
  if command -v pyenv >/dev/null 2>&1; then
    for v in 3.12 3.13; do
      local prefix
      prefix=$(pyenv prefix "$v" 2>/dev/null | head -n1) || continue
      [ -x "$prefix/bin/python" ] && { echo "$prefix/bin/python"; return; }
    done
  fi
  for exe in python3.12 python3.13 python3; do
    if command -v "$exe" >/dev/null 2>&1 && "$exe" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$exe"; return
    fi
  done
  echo "warkat: Python 3.12 or newer is required" >&2; exit 1
}

if [ ! -x .venv/bin/python ] || [ requirements.lock -nt .venv/.installed ]; then
  PY=$(find_python)
  "$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install -q "uv==0.13.8"
  export UV_PYTHON_DOWNLOADS=never
  [ -x .venv/bin/python ] || "$PY" -m uv venv -q --python "$PY" .venv
  "$PY" -m uv pip sync -q --python .venv/bin/python requirements.lock
  touch .venv/.installed
fi

# Compile the translation catalogues that changed.
for po in $(find warkat -name django.po -path '*/locale/*'); do
  mo="${po%.po}.mo"
  [ -f "$mo" ] && [ "$mo" -nt "$po" ] || msgfmt --check -o "$mo" "$po"
done
