#!/usr/bin/env bash
# Installs the locked npm packages. `npm ci` refuses a lock file that lacks other platforms' optional
# native binaries (the registry here did not serve those versions when the lock was made, so npm could
# not record them); `npm install` then installs the same locked versions and leaves the lock unchanged.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! npm ci --no-audit --no-fund; then
  echo "npm-install.sh: npm ci refused the lock file; installing the same locked versions with npm install" >&2
  npm install --no-audit --no-fund
fi
