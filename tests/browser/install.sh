#!/usr/bin/env bash
# Installs what tests/browser needs on a Debian machine, as root. Idempotent:
# safe to run again when everything is already there.
#   - Debian packages (only those whose program is missing): chromium and
#     fonts-noto-cjk (playwright never downloads a browser here), nginx-light
#     (the suite starts its own nginx on loopback; the system service is not
#     used), default-jre-headless (for the Nu Html Checker), nodejs and npm.
#   - node_modules from package-lock.json (npm ci): playwright-core, axe-core,
#     vnu-jar.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

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

pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || pkgs+=(fonts-noto-cjk)
[ -x /usr/sbin/nginx ] || pkgs+=(nginx-light)
command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
if [ "${#pkgs[@]}" -gt 0 ]; then
  echo "install.sh: installing ${pkgs[*]}"
  apt_get update
  # The packages' own services are not wanted (the suite starts its own nginx):
  # a policy-rc.d of our own, only when the machine has none, keeps them stopped.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_get install -y "${pkgs[@]}"
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
else
  echo "install.sh: chromium, fonts, nginx, java and npm present, skipping apt"
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
v() { node -p "require('./node_modules/$1/package.json').version"; }
echo "install.sh: $(/usr/bin/chromium --version 2>/dev/null), $(/usr/sbin/nginx -v 2>&1), java $(java -version 2>&1 | head -1), playwright-core $(v playwright-core), axe-core $(v axe-core), vnu-jar $(v vnu-jar)"
