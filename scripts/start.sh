#!/usr/bin/env bash
# shellcheck disable=SC2317 # stop_all and stop_process run from the EXIT trap
# The README's run command (`npm start`). On a fresh clone it installs what is missing, starts the
# Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS names a cluster), then the Salesforce
# simulator, the worker and the API in one process (scripts/dev.ts). Ctrl-C stops everything.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly LOG_FILE="$ROOT/.data/logs/temporal.log"
readonly PORT="${TEMPORAL_PORT:-7233}"
readonly UI_PORT="${TEMPORAL_UI_PORT:-8233}"
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }

server_pid=""
app_pid=""

# TERM, then KILL if it has not stopped after a grace period: Ctrl-C must never leave a server behind.
stop_process() {
  local pid="$1" name="$2" waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  say "stopping $name"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The app first, so the worker can finish its tasks while the server still answers.
stop_all() {
  if [[ -n "$app_pid" ]]; then stop_process "$app_pid" 'the worker, the API and the simulator'; fi
  if [[ -n "$server_pid" ]]; then stop_process "$server_pid" 'the Temporal dev server'; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM HUP

install_missing() {
  if [[ ! -d node_modules ]]; then
    say "installing npm packages"
    bash scripts/npm-install.sh
  fi
}

# Its own session (setsid, where available) keeps the terminal's Ctrl-C from reaching the server
# before the worker has stopped; stop_all stops it in order.
start_dev_server() {
  local cli="$1"
  mkdir -p "$(dirname "$LOG_FILE")"
  say "starting the Temporal dev server (log: ${LOG_FILE#"$ROOT"/})"
  if command -v setsid >/dev/null 2>&1; then
    setsid bash scripts/temporal.sh start >>"$LOG_FILE" 2>&1 &
  else
    bash scripts/temporal.sh start >>"$LOG_FILE" 2>&1 &
  fi
  server_pid=$!
  local deadline=$((SECONDS + 60))
  until "$cli" operator cluster health --address "127.0.0.1:$PORT" >/dev/null 2>&1; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS > deadline)); then
      say "the Temporal dev server did not come up; the end of ${LOG_FILE#"$ROOT"/}:"
      tail -n 20 "$LOG_FILE"
      exit 1
    fi
    sleep 0.5
  done
  bash scripts/temporal.sh register "127.0.0.1:$PORT"
}

install_missing
if [[ -n "${TEMPORAL_ADDRESS:-}" ]]; then
  say "using the Temporal cluster at $TEMPORAL_ADDRESS (TEMPORAL_ADDRESS is set): no dev server"
else
  say "finding the Temporal CLI"
  # Payloads are encrypted (INSIGHT_HUB_PAYLOAD_KEYS): the Web UI decrypts them through the API's codec.
  api_scheme=http
  if [[ -n "${API_TLS_CERT_FILE:-}" ]]; then api_scheme=https; fi
  export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-$api_scheme://${API_HOST:-127.0.0.1}:${API_PORT:-3000}/codec}"
  export CODEC_CORS_ORIGINS="${CODEC_CORS_ORIGINS:-http://127.0.0.1:$UI_PORT,http://localhost:$UI_PORT}"
  TEMPORAL_CLI_PATH="$(bash scripts/temporal.sh path)"
  start_dev_server "$TEMPORAL_CLI_PATH"
  # The demo's banner says where the CLI is, for `temporal workflow list` and the like.
  export TEMPORAL_ADDRESS="127.0.0.1:$PORT" TEMPORAL_UI_URL="http://127.0.0.1:$UI_PORT" TEMPORAL_CLI_PATH
  say "Temporal: $TEMPORAL_ADDRESS    Web UI: http://127.0.0.1:$UI_PORT    state: .data/temporal/temporal.db"
fi

say "starting the source simulators, the worker and the API (scripts/dev.ts); Ctrl-C stops everything"
dashboard_scheme=http
if [[ -n "${API_TLS_CERT_FILE:-}" ]]; then dashboard_scheme=https; fi
say "the dashboard will be at $dashboard_scheme://${API_HOST:-127.0.0.1}:${API_PORT:-3000}/dashboard/ (sign in with the admin API key printed when ready)"
# Two glibc malloc arenas, as the image sets (deploy/Dockerfile): the worker stays about 90 MiB smaller.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
node_modules/.bin/tsx scripts/dev.ts &
app_pid=$!
status=0
wait "$app_pid" || status=$?
app_pid=""
exit "$status"
