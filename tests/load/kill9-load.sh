#!/usr/bin/env bash
# kill -9 under signed Slack load: publishes the host, then runs kill9.py (a fake Slack on 127.0.0.1, paced signed
# app_mention deliveries with Slack-like retries, a replica killed with SIGKILL and restarted at least three times) and
# prints acked / answered / lost / duplicates / reply lag. Exit code 1 unless 0 lost and 0 duplicates.
#
#   bash tests/load/kill9-load.sh sqlite   [rate=200] [events=6000] [kills=3]
#   bash tests/load/kill9-load.sh postgres [rate=100] [events=3000] [kills=3]     # 3 replicas on one PostgreSQL
#
# Loopback only; bounded: `events` deliveries, a 3-minute cap on the load, 2 minutes on the drain. PostgreSQL mode
# starts a throwaway server with .ci/postgres.sh (or uses TRIAGEBOT_TEST_POSTGRES) and a fresh database per run.
# Why not wrk here: every delivery needs its own event_id and signature, and a fixed rate; wrk's Lua has no HMAC.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-sqlite}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building TriageBot (Release)…" >&2
dotnet publish src/TriageBot.Host -c Release -o "$work/host" --nologo -v quiet >/dev/null

case "$mode" in
  sqlite)
    python3 tests/load/kill9.py --host-dll "$work/host/TriageBot.Host.dll" --replicas 1 \
      --rate "${2:-200}" --events "${3:-6000}" --kills "${4:-3}" ;;
  postgres)
    if [ -z "${TRIAGEBOT_TEST_POSTGRES:-}" ]; then eval "$(bash .ci/postgres.sh)"; fi
    # A fresh database for this run, next to the test database, owned by the same user.
    db="triagebot_kill9_$$"
    conn="$TRIAGEBOT_TEST_POSTGRES"
    get() { printf '%s' "$conn" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n 1; }
    PGPASSWORD="$(get Password)" psql -q -h "$(get Host)" -p "$(get Port)" -U "$(get Username)" -d "$(get Database)" \
      -c "CREATE DATABASE $db" >/dev/null
    trap 'PGPASSWORD="$(get Password)" psql -q -h "$(get Host)" -p "$(get Port)" -U "$(get Username)" -d "$(get Database)" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
    python3 tests/load/kill9.py --host-dll "$work/host/TriageBot.Host.dll" --replicas 3 \
      --postgres "$(printf '%s' "$conn" | sed "s/Database=[^;]*/Database=$db/I")" \
      --rate "${2:-100}" --events "${3:-3000}" --kills "${4:-3}" ;;
  *) echo "usage: $0 sqlite|postgres [rate] [events] [kills]" >&2; exit 2 ;;
esac
