#!/usr/bin/env bash
# Installs the command-line tools the tests drive (Debian packages), as root. Idempotent:
# safe to run again when everything is already there.
#   - wrk: the HTTP load generator of tests/load.rs.
set -euo pipefail

pkgs=(wrk)

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
for pkg in "${pkgs[@]}"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "tools/install.sh: installing ${missing[*]}"
  apt_get update
  apt_get install -y "${missing[@]}"
else
  echo "tools/install.sh: ${pkgs[*]} present, skipping apt"
fi
