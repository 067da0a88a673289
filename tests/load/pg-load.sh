#!/usr/bin/env bash
# PostgreSQL ack latency under Slack-like load (issue 13, item 7): publishes the host in Release, makes a fresh database,
# runs 3 replicas on it, offers signed app_mention events at a fixed rate with 20% racing duplicate deliveries (the same
# event sent at once to two replicas), restarts one replica under load, and prints acked / answered / lost / duplicates,
# ack p50/p95/p99, deliveries over 3 s and the restarted replica's first 10 ack latencies (pgload.py does the work).
# Exit code 1 when the target is missed: ack p99 < 500 ms, no delivery over 3 s, 0 lost, 0 duplicates, restarted
# replica's first acks < 200 ms.
#
#   bash tests/load/pg-load.sh [rate=100] [duration_s=60] [replicas=3] [extra pgload.py options…]
#   bash tests/load/pg-load.sh 100 60 1 --restart-at 0        # the ceiling of one replica, same rate
#
# Loopback only; bounded: rate × duration events, retries until 60 s after the offer ends, a 90 s drain. Starts a
# throwaway server with .ci/postgres.sh unless TRIAGEBOT_TEST_POSTGRES is set; the database is dropped afterwards.
# TRIAGEBOT_LOAD_HOST=DIR reuses an already published host (to compare builds back to back).
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-100}
duration=${2:-60}
replicas=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
work=$(mktemp -d)
db="triagebot_pgload_$$"
conn=""
get() { printf '%s' "$conn" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n 1; }
psql_test() { PGPASSWORD="$(get Password)" psql -X -q -h "$(get Host)" -p "$(get Port)" -U "$(get Username)" -d "$(get Database)" "$@"; }
cleanup() {
  if [ -n "$conn" ]; then psql_test -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

host="${TRIAGEBOT_LOAD_HOST:-}"
if [ -z "$host" ]; then
  echo "building TriageBot (Release)…" >&2
  # For linux-x64, as the Dockerfile does: ReadyToRun (precompiled) code.
  dotnet publish src/TriageBot.Host -c Release -r linux-x64 --no-self-contained -o "$work/host" --nologo -v quiet >/dev/null
  host="$work/host"
fi

if [ -z "${TRIAGEBOT_TEST_POSTGRES:-}" ]; then eval "$(bash .ci/postgres.sh)"; fi
conn="$TRIAGEBOT_TEST_POSTGRES"
psql_test -c "CREATE DATABASE $db" >/dev/null
echo "database $db on $(get Host):$(get Port); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 tests/load/pgload.py --host-dll "$host/TriageBot.Host.dll" --replicas "$replicas" \
  --postgres "$(printf '%s' "$conn" | sed "s/Database=[^;]*/Database=$db/I")" --database "$db" \
  --rate "$rate" --duration "$duration" "$@"
