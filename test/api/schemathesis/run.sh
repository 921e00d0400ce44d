#!/usr/bin/env bash
# shellcheck disable=SC2317 # stop_all runs from the EXIT trap
# Fuzzes the API as served, against a real Temporal: schemathesis (PyPI) reads /api/v1/openapi.json
# and sends what the document allows and what it does not, as an admin; any 5xx, any answer whose
# status or body the document does not describe, is a finding, and the script exits non-zero.
#
#   bash test/api/schemathesis/run.sh
#
# In a temporary folder, removed afterwards: a Temporal dev server (scripts/temporal.sh start, on
# free ports), an admin API key (scripts/create-api-key.ts), then the API itself (api/main.ts) over
# both. Bounded: SCHEMATHESIS_MAX_EXAMPLES cases per operation and phase (default 20) and
# SCHEMATHESIS_SEED for a run to repeat. Python packages: requirements.txt beside this script, in
# the virtual environment `bash scripts/python-env.sh schemathesis` makes (SCHEMATHESIS_VENV, default
# .data/schemathesis-venv). Its report (JUnit, every request as a cassette) and the API's and
# Temporal's logs go to .data/schemathesis/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
readonly ROOT
readonly HERE="$ROOT/test/api/schemathesis"
readonly VENV="${SCHEMATHESIS_VENV:-$ROOT/.data/schemathesis-venv}"
readonly REPORT_DIR="$ROOT/.data/schemathesis"
readonly MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
cd "$ROOT"

say() { printf 'schemathesis: %s\n' "$*" >&2; }

WORK="$(mktemp -d)"
readonly WORK
temporal_pid=""
api_pid=""

# TERM, then KILL after a grace period; each was started in its own process group (setsid).
stop_group() {
  local pid="$1" waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  if [[ -n "$api_pid" ]]; then stop_group "$api_pid"; fi
  if [[ -n "$temporal_pid" ]]; then stop_group "$temporal_pid"; fi
  rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 130' INT TERM HUP

free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_until_up WHAT PID LOG SECONDS COMMAND...: waits until COMMAND succeeds; when the process PID
# ends first or SECONDS pass, says WHAT did not come up, shows the end of its LOG and exits.
wait_until_up() {
  local what="$1" pid="$2" log="$3" deadline=$((SECONDS + $4))
  shift 4
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
      say "$what did not come up:"
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

start_temporal() {
  local cli port ui_port
  cli="$(bash scripts/temporal.sh path)"
  port="$(free_port)"
  ui_port="$(free_port)"
  say "starting a Temporal dev server on 127.0.0.1:$port"
  TEMPORAL_PORT="$port" TEMPORAL_UI_PORT="$ui_port" TEMPORAL_DB_FILE="$WORK/temporal.db" \
    setsid bash scripts/temporal.sh start >"$WORK/temporal.log" 2>&1 &
  temporal_pid=$!
  wait_until_up "the Temporal dev server" "$temporal_pid" "$WORK/temporal.log" 90 \
    "$cli" operator cluster health --address "127.0.0.1:$port"
  TEMPORAL_ADDRESS="127.0.0.1:$port"
  export TEMPORAL_ADDRESS
}

start_api() {
  API_PORT="$(free_port)"
  export API_PORT API_HOST=127.0.0.1
  say "starting the API on 127.0.0.1:$API_PORT"
  setsid node_modules/.bin/tsx api/main.ts >"$WORK/api.log" 2>&1 &
  api_pid=$!
  wait_until_up "the API" "$api_pid" "$WORK/api.log" 120 curl -fsS "http://127.0.0.1:$API_PORT/healthz"
}

# Made or brought up to date from requirements.txt by the project's one Python-environment script.
bash scripts/python-env.sh schemathesis >/dev/null
# The API and the key script share one control plane: the embedded store and its keys under DATA_DIR.
export DATA_DIR="$WORK/data"
unset DATABASE_URL
start_temporal
say "issuing an admin API key"
# The script logs on stdout too: the key is its line that is one.
ADMIN_KEY="$(node_modules/.bin/tsx scripts/create-api-key.ts --subject schemathesis --role admin --label fuzzing 2>&1 | tee -a "$WORK/api.log" | grep -E '^ihk_' || true)"
if [[ -z "$ADMIN_KEY" ]]; then
  say "no API key was issued:"
  tail -n 5 "$WORK/api.log" >&2
  exit 1
fi
start_api

# Things for the routes that read them to find: a SendGrid connector taking unsigned deliveries (the
# webhook then stores events and wakes its drain) and a started cycle (its run can be read).
api_post() {
  curl -fsS -X POST -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' --data "${2:-}" \
    "http://127.0.0.1:$API_PORT$1" | node -pe "JSON.parse(require('node:fs').readFileSync(0, 'utf8')).$3"
}
readonly CONNECTORS=/api/v1/data-warehouse-connector
INSIGHT_HUB_FUZZ_SENDGRID_CONNECTOR="$(api_post "$CONNECTORS" \
  '{"userId":"fuzz","name":"sendgrid","configuration":{"source":{"kind":"sendgrid","allowUnsigned":true}}}' id)"
salesforce="$(api_post "$CONNECTORS" '{"userId":"fuzz","name":"salesforce","configuration":{"source":{"kind":"salesforce","loginUrl":"http://127.0.0.1:1/login","auth":{"type":"access-token","accessToken":"none"}}}}' id)"
INSIGHT_HUB_FUZZ_WORKFLOW_ID="$(api_post "$CONNECTORS/$salesforce/runs" '' workflowId)"
export INSIGHT_HUB_FUZZ_SENDGRID_CONNECTOR INSIGHT_HUB_FUZZ_WORKFLOW_ID

mkdir -p "$REPORT_DIR"
say "fuzzing every operation of http://127.0.0.1:$API_PORT/api/v1/openapi.json (at most $MAX_EXAMPLES cases each per phase)"
status=0
# Schemathesis frames its sections and its closing line as pytest does, and a CI that reads pytest's
# closing line took "=== 3 warnings in 154.00s ===" for a pytest run that executed no test: the frames
# become dashes and the closing line says what it is.
INSIGHT_HUB_FUZZ_API_KEY="$ADMIN_KEY" "$VENV/bin/schemathesis" --config-file "$HERE/schemathesis.toml" \
  run "http://127.0.0.1:$API_PORT/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  ${SCHEMATHESIS_SEED:+--seed "$SCHEMATHESIS_SEED"} \
  --workers 1 \
  --request-timeout 30 \
  --suppress-health-check all \
  --report junit,vcr --report-dir "$REPORT_DIR" \
  --output-sanitize true |
  sed -u -E -e 's/^=+ (.*) in ([0-9.]+s) =+$/schemathesis finished in \2 (\1)/' -e 's/^=+ (.*) =+$/--- \1 ---/' || status=$?

# The API's and Temporal's logs beside the report, to look into a finding.
cp "$WORK/api.log" "$WORK/temporal.log" "$REPORT_DIR/"
if ((status != 0)); then
  say "findings above; the cases, the API's log and Temporal's are in ${REPORT_DIR#"$ROOT"/}. The API's errors and warnings:"
  grep -E '"level":(40|50|60)' "$WORK/api.log" | tail -n 20 >&2 || true
fi
# A process that died prints its reason as plain text (an uncaught error's stack), not as a JSON log line.
if ! kill -0 "$api_pid" 2>/dev/null; then
  say "the API exited during the run; the last lines it printed:"
  grep -vE '^\{"level":(10|20|30|40)' "$WORK/api.log" | tail -n 40 >&2 || true
  status=1
fi
exit "$status"
