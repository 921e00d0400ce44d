#!/usr/bin/env bash
# Installs exactly the locked npm packages with `npm ci`, which never writes package-lock.json: a
# fresh clone stays clean. There is no `npm install` fallback on purpose: it would rewrite the lock
# file; a refused lock is a bug of the repository to report, not something to paper over here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! npm ci --no-audit --no-fund; then
  {
    echo "npm-install.sh: npm $(npm --version) (node $(node --version)) refused package-lock.json, which is left as it is."
    echo "npm-install.sh: the lock is written by npm 11: with it (npm install -g npm@11), run bash scripts/npm-install.sh again"
  } >&2
  exit 1
fi
