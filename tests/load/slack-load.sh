#!/usr/bin/env bash
# Load test: signed /triage slash commands against TriageBot's POST /slack/events and, in the same run,
# against a minimal Bolt for JavaScript app that only verifies and acks. Loopback only, bounded duration.
#
#   bash tests/load/slack-load.sh [duration_seconds=20] [connections=32]
#
# Needs: wrk (apt-get install wrk), node + npm (installs @slack/bolt into tests/load/bolt), openssl.
# TriageBot computes and stores the full decision (SQLite, WAL; with the sentence model) before it acks; Bolt only acks.
# TriageBot and Bolt get the same mix of realistic messages (the evaluation set's data-science requests).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
duration=${1:-20}
conns=${2:-32}
secret="load-test-signing-secret"
tb_port=5090
bolt_port=5091
bare_port=5092
slack_port=5093
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -d tests/load/bolt/node_modules/@slack/bolt ] || (cd tests/load/bolt && npm install --no-audit --no-fund --silent)

echo "building TriageBot (Release)…"
dotnet publish src/TriageBot.Host -c Release -o "$work/host" --nologo -v quiet >/dev/null
dotnet publish tests/load/baseline -c Release -o "$work/baseline" --nologo -v quiet >/dev/null

# A reply sink on loopback (the baseline app's /commands route, answering "ok" as Slack does): the queue worker posts
# each decision to the command's response_url, which here points at it (TriageBot trusts a response_url on its API's
# own server), so replies really complete, as in production, and nothing leaves the machine. (Python's fake Slack
# costs a core at this rate and would slow every server measured.)
# TriageBot: HTTP mode, SQLite in a temp dir, sample org, the Dockerfile's 64 MB first GC generation
# (TRIAGEBOT_GC_GEN0SIZE=0 for the runtime's default; TRIAGEBOT_MIN_THREADS sets the thread pool's minimum, for
# experiments).
# `exec` makes each $! the server itself, so the EXIT trap really stops it.
(cd "$work" && \
  ASPNETCORE_ENVIRONMENT=Production \
  TriageBot__Slack__SigningSecret=$secret \
  TriageBot__Slack__BotToken=xoxb-load-test \
  TriageBot__Slack__ApiBaseUrl=http://127.0.0.1:$slack_port/api/ \
  TriageBot__Storage__ConnectionString="Data Source=$work/triagebot.db" \
  TriageBot__Org__Path="$root/deploy/sample/org.yaml" \
  TriageBot__Playground__Enabled=false \
  Serilog__MinimumLevel__Default=Warning \
  DOTNET_GCgen0size=${TRIAGEBOT_GC_GEN0SIZE:-0x4000000} \
  DOTNET_ThreadPool_ForceMinWorkerThreads=${TRIAGEBOT_MIN_THREADS:-0} \
  exec dotnet "$work/host/TriageBot.Host.dll" --urls "http://127.0.0.1:$tb_port" >"$work/host.log" 2>&1) &
pids+=($!)
(cd tests/load/bolt && SLACK_SIGNING_SECRET=$secret PORT=$bolt_port exec node app.js >"$work/bolt.log" 2>&1) &
pids+=($!)
# The machine's ceiling: a bare ASP.NET Core endpoint that only verifies the signature and parses the form (TriageBot's
# own protocol code), as in the issue's orientation figures. Whatever TriageBot does on top costs throughput from here.
(SLACK_SIGNING_SECRET=$secret exec dotnet "$work/baseline/TriageBot.LoadBaseline.dll" --urls "http://127.0.0.1:$bare_port" >"$work/baseline.log" 2>&1) &
pids+=($!)
(SLACK_SIGNING_SECRET=$secret exec dotnet "$work/baseline/TriageBot.LoadBaseline.dll" --urls "http://127.0.0.1:$slack_port" >"$work/sink.log" 2>&1) &
pids+=($!)

wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.2; done; echo "server on :$1 did not start" >&2; cat "$work"/*.log >&2; exit 1; }
wait_up $tb_port /healthz
wait_up $bolt_port /
wait_up $slack_port /_stats
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$bare_port/slack/events" && break; sleep 0.2; done

ts=$(date +%s)
# Slack lead "ana" (see deploy/sample/org.yaml) asks about a causal-inference design: a full triage.
user_id=$(sed -n 's/.*slack_id: *\([A-Z0-9]*\).*/\1/p' deploy/sample/org.yaml | head -n 1)
body="token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0LOAD&team_domain=load&enterprise_id=&channel_id=C0LOAD&channel_name=general&user_id=${user_id:-U01ANA}&user_name=lead&command=%2Ftriage&text=Can+you+help+me+design+a+difference+in+differences+analysis+for+next+quarter%27s+launches%3F&response_url=http%3A%2F%2F127.0.0.1%3A${slack_port}%2Fcommands%2FT0LOAD%2F1%2Fx&trigger_id=1.2.3&api_app_id=A0LOAD"
sig="v0=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.*= //')"
export LOAD_BODY="$body" LOAD_SIGNATURE="$sig" LOAD_TIMESTAMP="$ts"

# A mix of realistic requests (the evaluation set's data-science messages, written as people write: jargon, typos,
# pasted errors), each signed, so the engine and the sentence model see varied text rather than one sentence.
python3 - "$secret" "$ts" "${user_id:-U01ANA}" "$slack_port" > "$work/mix.tsv" <<'PY'
import hashlib, hmac, json, sys, urllib.parse, glob
secret, ts, user, slack_port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
texts = [json.loads(line)["text"] for path in sorted(glob.glob("tests/eval/data-science.*.jsonl"))
         for line in open(path, encoding="utf-8") if line.strip()]
# Slack gives every command its own trigger_id, which TriageBot uses as the idempotency key: each line gets its own, so
# the queue worker really reads (with the model) every distinct command rather than finding it already triaged.
for round in range(100):
    for i, text in enumerate(texts):
        body = urllib.parse.urlencode({"token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": "T0LOAD", "team_domain": "load", "channel_id": "C0LOAD",
            "channel_name": "general", "user_id": user, "user_name": "lead", "command": "/triage", "text": text,
            "response_url": f"http://127.0.0.1:{slack_port}/commands/T0LOAD/1/x", "trigger_id": f"{round}.{i}.{ts}", "api_app_id": "A0LOAD"})
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        print(f"{sig}\t{body}")
PY
echo "request mix: $(wc -l < "$work/mix.tsv") signed commands (110 realistic messages, each with 100 trigger ids)"

check=$(curl -s -o "$work/check.json" -w '%{http_code}' -H "X-Slack-Signature: $sig" -H "X-Slack-Request-Timestamp: $ts" -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" "http://127.0.0.1:$tb_port/slack/events")
[ "$check" = 200 ] || { echo "TriageBot answered $check to a signed command" >&2; cat "$work/host.log" >&2; exit 1; }
echo "TriageBot's answer to one command: $(head -c 160 "$work/check.json")…"
count_stored() { sqlite3 "$work/triagebot.db" "select (select count(*) from requests) || ' requests, ' || (select count(*) from work_items where kind = 'slack-command.read') || ' slash commands acked (queued or read)'" 2>&1; }
before=$(count_stored)

run() { # name port
  wrk -t2 -c"$conns" -d"${duration}s" --latency -s tests/load/signed-post.lua "http://127.0.0.1:$2/slack/events" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
echo "warm-up…"; LOAD_FILE="$work/mix.tsv" wrk -t2 -c"$conns" -d10s -s tests/load/signed-post.lua "http://127.0.0.1:$tb_port/slack/events" >/dev/null
wrk -t2 -c"$conns" -d5s -s tests/load/signed-post.lua "http://127.0.0.1:$bolt_port/slack/events" >/dev/null
wrk -t2 -c"$conns" -d5s -s tests/load/signed-post.lua "http://127.0.0.1:$bare_port/slack/events" >/dev/null
over() { # METRIC FILTER LE1 LE2: a histogram on TriageBot's /metrics (its series that contain FILTER, summed): total, over LE1, over LE2
  curl -s "http://127.0.0.1:$tb_port/metrics" | python3 -c '
import re, sys
metric, only, le1, le2 = sys.argv[1:5]
b = {}
for line in sys.stdin:
    if not line.startswith(metric + "_bucket{") or only not in line: continue
    m = re.search(r"le=\"([^\"]+)\"\} (\d+)", line)
    if m: b[m.group(1)] = b.get(m.group(1), 0) + int(m.group(2))
t = b.get("+Inf", 0)
print(t, t - b.get(le1, 0), t - b.get(le2, 0))' "$@"
}
# TriageBot's own view of its acks (ASP.NET Core's request-duration histogram): total, over 100 ms, over 500 ms
slow_acks() { over http_server_request_duration_seconds 'http_route="/slack/events"' 0.1 0.5; }
# the single SQLite writer's commits (TriageBot.Storage meter): total, over 10 ms, over 25 ms
slow_commits() { over triagebot_storage_write_batch_duration_seconds '' 0.01 0.025; }
gc_pauses() { # the runtime's view (System.Runtime meter): total GC pause in ms, collections, and gen2 collections
  curl -s "http://127.0.0.1:$tb_port/metrics" | python3 -c '
import re, sys
pause, all, gen2 = 0.0, 0, 0
for line in sys.stdin:
    m = re.match(r"dotnet_gc_pause_time_seconds_total(\{[^}]*\})? ([0-9.eE+-]+)", line)
    if m: pause += float(m.group(2))
    m = re.match(r"dotnet_gc_collections_total\{[^}]*gc_heap_generation=\"(gen\d)\"[^}]*\} (\d+)", line)
    if m:
        all += int(m.group(2))
        if m.group(1) == "gen2": gen2 += int(m.group(2))
print(int(pause * 1000), all, gen2)'
}
# The thread pool during the measured run, sampled every 200 ms from /metrics: the longest queue of work items waiting
# for a thread, the most threads, and the slowest /metrics answer (a starved pool delays it too). A wait for the pool
# happens before ASP.NET Core's request timer starts, so it would show at wrk and not in the histogram above.
sample_pool() {
  python3 - "http://127.0.0.1:$tb_port/metrics" "$duration" <<'PY'
import re, sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
queue = threads = 0; slowest = 0.0; samples = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    started = time.monotonic()
    try:
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    except Exception:
        text = ""
    took = time.monotonic() - started
    slowest = max(slowest, took); samples += 1
    for line in text.splitlines():
        m = re.match(r"dotnet_thread_pool_queue_length(?:_total)?(\{[^}]*\})? ([0-9.eE+-]+)", line)
        if m: queue = max(queue, int(float(m.group(2))))
        m = re.match(r"dotnet_thread_pool_thread_count(?:_total)?(\{[^}]*\})? ([0-9.eE+-]+)", line)
        if m: threads = max(threads, int(float(m.group(2))))
    time.sleep(max(0.0, 0.2 - took))
print(samples, queue, threads, int(slowest * 1000))
PY
}
read -r acks_before slow100_before slow500_before <<<"$(slow_acks)"
read -r commits_before commits10_before commits25_before <<<"$(slow_commits)"
read -r gc_ms_before gcs_before gen2_before <<<"$(gc_pauses)"
sample_pool >"$work/pool.txt" &
sampler=$!
tb=$(LOAD_FILE="$work/mix.tsv" run triagebot $tb_port)
wait "$sampler" || true
read -r pool_samples pool_queue pool_threads pool_slowest <"$work/pool.txt"
read -r acks_after slow100_after slow500_after <<<"$(slow_acks)"
read -r commits_after commits10_after commits25_after <<<"$(slow_commits)"
read -r gc_ms_after gcs_after gen2_after <<<"$(gc_pauses)"
# Let TriageBot's queue worker finish the runs' backlog (reading each command and replying to its response_url) before
# Bolt is measured: otherwise Bolt would share the cores with TriageBot's deferred work.
drain_started=$(date +%s)
pending() { sqlite3 "$work/triagebot.db" "select count(*) from work_items where state = 'pending'" 2>/dev/null || echo 1; }
for _ in $(seq 1 600); do [ "$(pending)" = 0 ] && break; sleep 0.5; done
drained="$(( $(date +%s) - drain_started )) s after the run ($(pending) items still pending)"
bolt=$(LOAD_FILE="$work/mix.tsv" run bolt $bolt_port)
bare=$(run bare-aspnetcore $bare_port)
# For context: the same signed command with `/triage help`, which TriageBot answers without the engine or the store
# (the cost of the HTTP pipeline, signature check, parsing and a Block Kit answer alone).
help_body=$(printf '%s' "$body" | sed 's/&text=[^&]*&/\&text=help\&/')
help_sig="v0=$(printf 'v0:%s:%s' "$ts" "$help_body" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.*= //')"
sample_pool >"$work/pool-help.txt" &
sampler=$!
help=$(LOAD_BODY="$help_body" LOAD_SIGNATURE="$help_sig" run triagebot-help $tb_port)
wait "$sampler" || true
read -r help_samples help_queue help_threads help_slowest <"$work/pool-help.txt"
echo "$tb"
echo "  TriageBot's own histogram for the measured run: $((acks_after - acks_before)) acks, $((slow100_after - slow100_before)) over 100 ms, $((slow500_after - slow500_before)) over 500 ms"
echo "  its SQLite writer during the measured run: $((commits_after - commits_before)) commits, $((commits10_after - commits10_before)) over 10 ms, $((commits25_after - commits25_before)) over 25 ms"
echo "  its GC during the measured run: paused $((gc_ms_after - gc_ms_before)) ms in all over $((gcs_after - gcs_before)) collections, $((gen2_after - gen2_before)) of them gen2"
echo "  its thread pool ($pool_samples samples, 200 ms apart): at most $pool_queue work items queued, $pool_threads threads; slowest /metrics answer $pool_slowest ms"
echo "  its queue worker finished the backlog $drained"
echo "$bolt"
echo "$help"
echo "  its thread pool during that run: at most $help_queue work items queued, $help_threads threads; slowest /metrics answer $help_slowest ms"
echo "$bare"
rps() { echo "$1" | sed 's/.*rps=\([0-9.]*\).*/\1/'; }
ratio() { awk -v a="$(rps "$1")" -v b="$(rps "$bolt")" 'BEGIN{printf "%.1f", a/b}'; }
echo "throughput ratio triagebot/bolt: $(ratio "$tb")x (help: $(ratio "$help")x; bare verify+parse endpoint, the ceiling: $(ratio "$bare")x)"
echo "replies the queue worker delivered to the sink: $(curl -s "http://127.0.0.1:$slack_port/_stats")"
echo "requests stored by TriageBot: $before before the runs, $(count_stored) after (warm-up + measured run)"
