#!/usr/bin/env bash
# Mailpit, a real SMTP server with an HTTP API, that the notification tests send email through.
#
#   scripts/mailpit.sh path    print the binary's path on stdout; build it with `go install` when none is found
#   scripts/mailpit.sh start [smtp-port] [http-port]
#                              run it in the foreground on 127.0.0.1 (defaults 1025 and 8025), mail kept in memory
#
# Environment: MAILPIT_PATH (use this binary).
set -euo pipefail

readonly MODULE='github.com/axllent/mailpit@v1.33.1'
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly LOCAL_BIN="$ROOT/.data/bin"

say() { printf 'mailpit.sh: %s\n' "$*" >&2; }
# shellcheck source=lib/find-binary.sh
source "$ROOT/scripts/lib/find-binary.sh"

is_mailpit() {
  [[ -n "$1" && -x "$1" ]] && "$1" version --no-release-check 2>/dev/null | grep -qi 'mailpit'
}

build_binary() {
  if ! command -v go >/dev/null 2>&1; then
    say "no Mailpit found, and Go is not installed to build one: install Go, or set MAILPIT_PATH"
    exit 1
  fi
  say "building Mailpit with go install ($MODULE), this takes a few minutes..."
  mkdir -p "$LOCAL_BIN"
  if ! GOBIN="$LOCAL_BIN" go install "$MODULE" >&2; then
    say "go install $MODULE failed (see above)"
    exit 1
  fi
  say "built $LOCAL_BIN/mailpit"
  printf '%s\n' "$LOCAL_BIN/mailpit"
}

binary_path() { find_binary MAILPIT_PATH Mailpit mailpit is_mailpit is_mailpit || build_binary; }

case "${1:-}" in
  path) binary_path ;;
  start)
    binary="$(binary_path)"
    smtp_port="${2:-1025}" http_port="${3:-8025}"
    say "SMTP on 127.0.0.1:$smtp_port, web and API on http://127.0.0.1:$http_port"
    exec "$binary" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" --smtp-auth-accept-any --smtp-auth-allow-insecure \
      --smtp-disable-rdns --disable-version-check
    ;;
  *)
    say "usage: scripts/mailpit.sh path | start [smtp-port] [http-port]"
    exit 2
    ;;
esac
