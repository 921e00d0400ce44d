#!/usr/bin/env bash
# A throwaway local PostgreSQL for the tests: `scripts/postgres.sh` starts it (idempotent) and prints
# its DATABASE_URL on stdout, progress on stderr; `scripts/postgres.sh stop` stops it.
#   PGDATA_DIR   data directory (default .data/postgres under the repository)
#   PGPORT_TEST  TCP port on 127.0.0.1 (default 54329)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${PGDATA_DIR:-$repo_root/.data/postgres}"
port="${PGPORT_TEST:-54329}"
pg_bin="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"

say() { echo "postgres.sh: $*" >&2; }

# Everything runs as the `postgres` OS user: PostgreSQL refuses to run as root.
as_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

ensure_installed() {
  [ -x "$pg_bin/pg_ctl" ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL 15 is not at $pg_bin and cannot be installed here (needs root and apt-get)"
    exit 1
  fi
  say "installing PostgreSQL (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  if [ ! -x "$pg_bin/pg_ctl" ]; then
    say "apt-get installed PostgreSQL, but not version 15 at $pg_bin; set PG_BIN_DIR to its bin folder"
    exit 1
  fi
}

is_running() {
  [ -f "$data_dir/PG_VERSION" ] && as_postgres "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

init_cluster() {
  say "initialising a cluster in $data_dir"
  mkdir -p "$data_dir"
  chown postgres: "$data_dir" 2>/dev/null || true
  chmod 700 "$data_dir"
  # Trust on loopback and the socket only: this cluster is a test fixture, never a server.
  as_postgres "$pg_bin/initdb" -D "$data_dir" -U postgres --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --no-instructions --no-sync >/dev/null
  cat >"$data_dir/pg_hba.conf" <<'HBA'
local all all trust
host  all all 127.0.0.1/32 trust
HBA
}

# As root the cluster belongs to the postgres user, who may not reach a clone under /root: then the
# cluster lives under /tmp instead, one per clone.
ensure_reachable_data_dir() {
  mkdir -p "$(dirname "$data_dir")"
  if [ "$(id -u)" -eq 0 ] && ! as_postgres test -x "$(dirname "$data_dir")"; then
    say "the postgres user cannot reach $(dirname "$data_dir")"
    data_dir="${TMPDIR:-/tmp}/insight-hub-postgres-$(printf '%s' "$data_dir" | sha256sum | cut -c1-12)"
    say "using $data_dir instead"
  fi
}

port_taken() {
  node -e 'const s = require("node:net").createServer(); s.once("error", () => process.exit(0)); s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(1)));' "$1"
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# A running cluster keeps the port it was started with: postmaster.pid's fourth line.
running_url() {
  local running_port
  running_port="$(sed -n 4p "$data_dir/postmaster.pid" 2>/dev/null || true)"
  echo "postgresql://postgres@127.0.0.1:${running_port:-$port}/postgres"
}

start() {
  ensure_installed
  ensure_reachable_data_dir
  if is_running; then
    say "already running"
    running_url
    return 0
  fi
  [ -f "$data_dir/PG_VERSION" ] || init_cluster
  if port_taken "$port"; then
    # Another server (another clone's cluster, say) holds the default: any free port will do,
    # since callers read the URL this script prints.
    port="$(free_port)"
    say "port ${PGPORT_TEST:-54329} is taken; using $port"
  fi
  say "starting on 127.0.0.1:$port"
  # 9>&-: the server must not inherit (and so hold forever) this script's lock.
  as_postgres "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 9>&- || { say "failed to start; the end of $data_dir/server.log:"; tail -n 20 "$data_dir/server.log" >&2; exit 1; }
  running_url
}

stop() {
  ensure_reachable_data_dir
  if is_running; then
    say "stopping"
    as_postgres "$pg_bin/pg_ctl" -D "$data_dir" -m fast -w stop >&2
  else
    say "not running"
  fi
}

# Test files start it in parallel: one caller at a time, the others then find it running.
mkdir -p "$(dirname "$data_dir")"
exec 9>"$(dirname "$data_dir")/.postgres.sh.lock"
flock 9

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) say "usage: scripts/postgres.sh [start|stop]"; exit 2 ;;
esac
