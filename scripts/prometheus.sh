#!/usr/bin/env bash
# Debian's Prometheus and Alertmanager, for the alert-rule tests (promtool test rules, a real Prometheus
# scraping the API and a worker, amtool check-config). Idempotent; as root or through sudo. The
# packages' own services are not needed: the tests start Prometheus themselves on a free port.
set -euo pipefail

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1; then
  echo "already installed: $(prometheus --version 2>&1 | head -n 1)"
  exit 0
fi
as_root apt-get update -qq
# policy-rc.d 101: the packages install without starting their daemons (a CI machine or a container has no use for them).
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
  as_root chmod +x "$policy"
  trap 'as_root rm -f "$policy"' EXIT
fi
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager
prometheus --version 2>&1 | head -n 1
