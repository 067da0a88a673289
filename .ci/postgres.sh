#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks, and prints ONE line on
# stdout:   export TRIAGEBOT_TEST_POSTGRES='Host=127.0.0.1;Port=...;Username=...;Password=...;Database=...'
# so callers can do:   eval "$(bash .ci/postgres.sh)"
# Everything else goes to stderr. Idempotent: a server left running by a previous run is reused.
#
# Works on a fresh Debian 12 machine as root (installs the 'postgresql' package when initdb is missing and runs the
# server as the 'postgres' OS user) and as a normal user who has PostgreSQL installed (runs it as that user).
#
# Environment (all optional):
#   TRIAGEBOT_PG_DIR   data/run directory           (default /tmp/triagebot-pg)
#   TRIAGEBOT_PG_PORT  first port to try            (default 55432)
#   TRIAGEBOT_PG_STOP=1   stop the server and exit.
#
# This server is for tests only: fsync is off (the data directory is thrown away), it listens on 127.0.0.1 only.
set -euo pipefail

dir="${TRIAGEBOT_PG_DIR:-/tmp/triagebot-pg}"
first_port="${TRIAGEBOT_PG_PORT:-55432}"
db_user="triagebot"
db_pass="triagebot-test"
db_name="triagebot_test"
log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

bindir="$(find_bindir || true)"
if [ -z "$bindir" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL server binaries not found; install the 'postgresql' package (needs root)."; exit 1
  fi
  log "installing postgresql from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bindir="$(find_bindir)"
fi
log "using $bindir"

# Run server commands as 'postgres' when we are root (initdb refuses to run as root).
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
  as_pg() { runuser -u postgres -- "$@"; }
  pg_owner=postgres
else
  as_pg() { "$@"; }
  pg_owner="$(id -un)"
fi

data="$dir/data"
sock="$dir/sock"
portfile="$dir/port"

if [ "${TRIAGEBOT_PG_STOP:-0}" = "1" ]; then
  [ -d "$data" ] && as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2 || true
  exit 0
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running=0
if [ -f "$data/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  running=1
  port="$(cat "$portfile")"
  log "reusing the server already running on 127.0.0.1:$port"
fi

if [ "$running" -eq 0 ]; then
  mkdir -p "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data" "$sock"
    chown -R "$pg_owner" "$dir"
    chmod 700 "$data"
    log "initdb in $data"
    pwfile="$dir/.pw"
    echo "postgres-superuser-$RANDOM$RANDOM" > "$pwfile"; chown "$pg_owner" "$pwfile"; chmod 600 "$pwfile"
    # Superuser via the Unix socket only (peer/trust for the owner); TCP clients must use a password.
    as_pg "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >&2 2>&1 || as_pg "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >&2
    rm -f "$pwfile"
  fi
  mkdir -p "$sock"; chown "$pg_owner" "$sock"
  port="$first_port"
  while port_busy "$port"; do
    port=$((port + 1))
    if [ "$port" -gt $((first_port + 100)) ]; then log "no free port from $first_port"; exit 1; fi
  done
  echo "$port" > "$portfile"
  rm -f "$data/postmaster.pid.stale"
  log "starting on 127.0.0.1:$port"
  as_pg "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$sock' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB" \
    start >&2 || { log "start failed; server log follows"; tail -n 50 "$dir/server.log" >&2; exit 1; }
fi

psql_su() { as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"; }

# Role and database, idempotently.
if [ "$(psql_su -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != "1" ]; then
  psql_su -c "CREATE ROLE $db_user LOGIN CREATEDB PASSWORD '$db_pass'" >&2
else
  psql_su -c "ALTER ROLE $db_user LOGIN CREATEDB PASSWORD '$db_pass'" >&2
fi
if [ "$(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != "1" ]; then
  psql_su -c "CREATE DATABASE $db_name OWNER $db_user" >&2
fi

log "ready"
echo "export TRIAGEBOT_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=$db_user;Password=$db_pass;Database=$db_name'"
