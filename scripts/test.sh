#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, then the jest suite with its arguments passed
# through. Jest's global setup starts Temporal; this script starts PostgreSQL for the store tests
# (unless TEST_DATABASE_URL is already set) and stops it at the end. Jest runs with
# --experimental-vm-modules because PGlite loads its modules through dynamic import, which jest's
# module sandbox allows only with that flag.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly RESULTS="$ROOT/.data/test-results.json"
cd "$ROOT"

say() { printf '==> %s\n' "$*" >&2; }

say "type-checking (tsc --noEmit)"
npx tsc --noEmit -p .

# Started once here, before jest's parallel workers could race to initialise the same cluster.
if [[ -z "${TEST_DATABASE_URL:-}" && -f scripts/postgres.sh ]]; then
  say "starting PostgreSQL for the store tests (scripts/postgres.sh)"
  trap 'bash scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  TEST_DATABASE_URL="$(bash scripts/postgres.sh start)"
  export TEST_DATABASE_URL
fi

say "running jest $*"
mkdir -p "$(dirname "$RESULTS")"
rm -f "$RESULTS"
status=0
# A hung run must still end within CI's limit, saying so (INSIGHT_HUB_TEST_TIMEOUT, e.g. 80m, to allow more).
limit="${INSIGHT_HUB_TEST_TIMEOUT:-60m}"
NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" timeout --kill-after=30s "$limit" \
  npx jest --json --outputFile="$RESULTS" "$@" || status=$?
if [[ "$status" -eq 124 || "$status" -eq 137 ]]; then
  say "jest did not finish within $limit and was stopped: look for a test that hangs (run its file alone), or set INSIGHT_HUB_TEST_TIMEOUT"
fi

# Stopped before the counts are printed, so that jest's summary and the counts are the run's last lines.
if [[ -n "$(trap -p EXIT)" ]]; then
  bash scripts/postgres.sh stop >/dev/null 2>&1 || true
  trap - EXIT
fi

# One plain closing line with the counts, for readers (and CI) that do not parse jest's summary.
if [[ -f "$RESULTS" ]]; then
  # shellcheck disable=SC2016 # the $ are JavaScript's
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    // A test file that could not run at all counts as a failure too.
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`jest: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests} skipped`);
  ' "$RESULTS"
fi
exit "$status"
