#!/usr/bin/env bash
# Installs the command-line tools the tests drive (Debian packages), as root. Idempotent:
# safe to run again when everything is already there.
#   - wrk: the HTTP load generator of tests/load.rs.
#   - libreoffice-calc (command soffice): tests/xlsx.rs proves that a real office suite opens the
#     workbook nianbao writes.
#   - libreoffice-writer (command lowriter): tests/documents.rs converts each .docx to PDF.
#   - poppler-utils (pdftotext, pdftoppm): tests/documents.rs reads the text of the PDFs.
set -euo pipefail

# command:package
tools=(wrk:wrk soffice:libreoffice-calc lowriter:libreoffice-writer pdftotext:poppler-utils)

# apt may be busy (another installer, unattended upgrades): wait for the lock
# instead of failing.
apt_get() {
  local tries=0
  until DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 3 ]; then
      echo "tools/install.sh: apt-get $* failed $tries times" >&2
      return 1
    fi
    sleep 10
  done
}

missing=()
for tool in "${tools[@]}"; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "tools/install.sh: installing ${missing[*]}"
  apt_get update
  apt_get install -y "${missing[@]}"
else
  echo "tools/install.sh: ${tools[*]} present, skipping apt"
fi
