#!/usr/bin/env bash
# Installs what tests/browser needs on a Debian machine, as root. Idempotent:
# safe to run again when everything is already there.
#   - Debian packages chromium, chromium-driver, fonts-noto-cjk (only when
#     /usr/bin/chromium is missing); playwright never downloads a browser here.
#   - node_modules from package-lock.json (npm ci).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkgs=(chromium chromium-driver fonts-noto-cjk)

# apt may be busy (another installer, unattended upgrades): wait for the lock
# instead of failing.
apt_get() {
  local tries=0
  until DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 3 ]; then
      echo "install.sh: apt-get $* failed $tries times" >&2
      return 1
    fi
    sleep 10
  done
}

if [ ! -x /usr/bin/chromium ]; then
  echo "install.sh: installing ${pkgs[*]}"
  apt_get update
  apt_get install -y "${pkgs[@]}"
else
  echo "install.sh: /usr/bin/chromium present, skipping apt"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: installing nodejs and npm"
  apt_get update
  apt_get install -y nodejs npm
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
echo "install.sh: $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version")"
