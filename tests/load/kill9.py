"""kill -9 under signed Slack load: TriageBot replicas, a fake Slack, a paced event generator, and a count at the end.

Run it through kill9-load.sh (which publishes the host); on its own:
  python3 tests/load/kill9.py --host-dll PATH/TriageBot.Host.dll [--replicas 1] [--postgres CONNSTR]
                              [--rate 200] [--events 6000] [--kills 3] [--latency-ms 100]

Everything listens on 127.0.0.1. The load is bounded: --events app_mention events at --rate per second, each a signed
Events API delivery with its own event_id, channel (round robin over 1000 channels, so Slack's per-channel pacing of
one message a second is not what is measured) and ts. A delivery that fails (the replica is dead, 409 while a killed
replica's claim on the event lasts, 5xx) is retried like Slack does, on the next replica, until it is acknowledged or
the run's deadline passes. Meanwhile --kills times a replica is killed with SIGKILL and started again at once.

At the end it waits for the queue to drain and prints, per event acknowledged with 200: answered (a reply in its
thread), lost (no reply), duplicates (replies beyond the first), and the reply lag (first reply - ack). Exit code 1 when
anything was lost or duplicated.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_slack import FakeSlack  # noqa: E402

SECRET = "kill9-signing-secret"
TEXT = "<@U0BOT> Can you help me design a difference in differences analysis for next quarter's launches?"


def app_mention(event_id, event_time, ts, channel, user="U01ANA", text=TEXT):
    """A signed-to-be app_mention event callback for the load's workspace (both load scripts send these)."""
    return {
        "token": "x", "team_id": "T0LOAD", "api_app_id": "A0LOAD", "type": "event_callback",
        "event_id": event_id, "event_time": event_time,
        "authorizations": [{"team_id": "T0LOAD", "user_id": "U0BOT", "is_bot": True}],
        "event": {"type": "app_mention", "user": user, "text": text, "ts": ts, "event_ts": ts, "channel": channel},
    }


def signed_headers(body):
    """Slack's signature headers for a JSON body, signed now."""
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Signature": sig, "X-Slack-Request-Timestamp": ts}


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    def __init__(self, n, dll, root, work, slack_port, postgres):
        self.n = n
        self.dll = dll
        self.port = free_port()
        self.data = os.path.join(work, "replica-%d" % n)
        os.makedirs(self.data, exist_ok=True)
        self.log = open(os.path.join(work, "replica-%d.log" % n), "ab")
        self.env = dict(os.environ,
                        ASPNETCORE_ENVIRONMENT="Production",
                        TriageBot__DataDirectory=self.data,
                        TriageBot__Slack__SigningSecret=SECRET,
                        TriageBot__Slack__BotToken="xoxb-kill9",
                        TriageBot__Slack__BotUserId="U0BOT",
                        TriageBot__Slack__ApiBaseUrl="http://127.0.0.1:%d/api/" % slack_port,
                        TriageBot__Org__Path=os.path.join(root, "deploy/sample/org.yaml"),
                        TriageBot__Playground__Enabled="false",
                        TriageBot__Understanding__Embeddings="false",
                        Serilog__MinimumLevel__Default="Warning")
        if postgres:
            self.env["TriageBot__Storage__Provider"] = "postgres"
            self.env["TriageBot__Storage__ConnectionString"] = postgres
        else:
            self.env["TriageBot__Storage__ConnectionString"] = "Data Source=%s" % os.path.join(work, "triagebot.db")
        self.proc = None
        self.kills = 0

    def start(self):
        self.proc = subprocess.Popen(["dotnet", self.dll, "--urls", "http://127.0.0.1:%d" % self.port],
                                     cwd=self.data, env=self.env, stdout=self.log, stderr=self.log)

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % self.port, timeout=2) as r:
                    if r.status == 200:
                        return True
            except Exception:
                pass
            time.sleep(0.2)
        raise RuntimeError("replica %d did not become ready; see its log" % self.n)

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.kills += 1

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Load:
    """Paced signed deliveries with Slack-like retries, spread over the replicas."""

    def __init__(self, replicas, rate, events, threads=16, deadline=180):
        self.replicas = replicas
        self.rate = rate
        self.total = events
        self.threads = threads
        self.deadline = deadline
        self.lock = threading.Lock()
        self.next_index = 0
        self.retries = []          # (due, index, attempt)
        self.acked = {}            # index -> ack time
        self.ack_ms = []
        self.failed_deliveries = 0
        self.base_ts = int(time.time()) - 10
        self.start_time = None
        self.done = threading.Event()

    def event(self, i):
        return app_mention("Ev%08d" % i, self.base_ts, "%d.%06d" % (self.base_ts, i), "C0LOAD%04d" % (i % 1000))

    def key(self, i):
        e = self.event(i)["event"]
        return e["channel"], e["ts"]

    def take(self):
        while True:
            now = time.time()
            with self.lock:
                if self.retries and self.retries[0][0] <= now:
                    return self.retries.pop(0)[1:]
                if self.next_index < self.total:
                    due = self.start_time + self.next_index / self.rate
                    if due <= now:
                        self.next_index += 1
                        return self.next_index - 1, 0
                    wait = due - now
                elif not self.retries:
                    if len(self.acked) >= self.total or now - self.start_time > self.deadline:
                        return None
                    wait = 0.05
                else:
                    wait = min(0.05, max(0.0, self.retries[0][0] - now))
                if now - self.start_time > self.deadline:
                    return None
            time.sleep(min(wait, 0.05))

    def worker(self, n):
        connections = {}
        while True:
            job = self.take()
            if job is None:
                return
            i, attempt = job
            replica = self.replicas[(i + attempt) % len(self.replicas)]
            body = json.dumps(self.event(i), separators=(",", ":")).encode()
            headers = signed_headers(body)
            if attempt:
                headers["X-Slack-Retry-Num"] = str(attempt)
                headers["X-Slack-Retry-Reason"] = "http_error"
            status = None
            sent = time.time()
            try:
                conn = connections.get(replica.port)
                if conn is None:
                    conn = connections[replica.port] = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
                conn.request("POST", "/slack/events", body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except Exception:
                connections.pop(replica.port, None)
            now = time.time()
            with self.lock:
                if status == 200:
                    if i not in self.acked:
                        self.acked[i] = now
                        self.ack_ms.append((now - sent) * 1000)
                else:
                    self.failed_deliveries += 1
                    self.retries.append((now + 0.5, i, attempt + 1))
                    self.retries.sort()

    def run(self):
        self.start_time = time.time()
        workers = [threading.Thread(target=self.worker, args=(n,), daemon=True) for n in range(self.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.done.set()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-dll", required=True)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--events", type=int, default=6000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, database)")
    args = parser.parse_args()

    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    work = tempfile.mkdtemp(prefix="triagebot-kill9-")
    slack = FakeSlack(free_port(), args.latency_ms).start()
    replicas = [Replica(n, args.host_dll, root, work, slack.port, args.postgres) for n in range(args.replicas)]
    try:
        for r in replicas:
            r.start()
            if args.postgres:
                r.wait_ready(90)   # one at a time: migrations, then the next
        for r in replicas:
            r.wait_ready(90)

        load = Load(replicas, args.rate, args.events)
        runner = threading.Thread(target=load.run, daemon=True)
        runner.start()
        duration = args.events / args.rate
        restarts = []

        def restart(k, victim, killed_at):
            victim.wait_ready(120)
            restarts.append(time.time() - killed_at)
            print("kill -9 #%d: replica %d at t=%.1f s, ready again after %.1f s"
                  % (k + 1, victim.n, killed_at - load.start_time, restarts[-1]), flush=True)

        # The kills are spread over the load, on schedule; each victim is started again at once.
        waiting = []
        for k in range(args.kills):
            at = load.start_time + duration * (k + 1) / (args.kills + 1)
            while time.time() < at:
                time.sleep(0.05)
            victim = replicas[k % len(replicas)]
            if waiting and len(replicas) == 1:
                waiting[-1].join()   # one replica: it must be up again before it can be killed again
            victim.kill9()
            killed_at = time.time()
            victim.start()
            waiting.append(threading.Thread(target=restart, args=(k, victim, killed_at), daemon=True))
            waiting[-1].start()
        for w in waiting:
            w.join()
        runner.join()
        load_end = time.time()

        # Drain: every acknowledged event answered, or nothing new for a while, or the drain timeout.
        keys = {load.key(i): i for i in load.acked}
        last_count, last_change = -1, time.time()
        while time.time() - load_end < args.drain_timeout:
            posts, _ = slack.snapshot()
            answered = {(c, t) for _, c, t, _ in posts} & set(keys)
            if len(answered) >= len(keys):
                time.sleep(3)   # late duplicates would show up now
                break
            if len(posts) != last_count:
                last_count, last_change = len(posts), time.time()
            elif time.time() - last_change > 45:
                break
            time.sleep(0.5)

        posts, lookups = slack.snapshot()
        per_event = {}
        for at, channel, thread_ts, _ in posts:
            per_event.setdefault((channel, thread_ts), []).append(at)
        lags, lost, duplicates, answered = [], 0, 0, 0
        for key, i in keys.items():
            times = sorted(per_event.get(key, []))
            if not times:
                lost += 1
                continue
            answered += 1
            duplicates += len(times) - 1
            lags.append(times[0] - load.acked[i])
        stray = sum(len(v) for k, v in per_event.items() if k not in keys)
        span = (max(p[0] for p in posts) - min(p[0] for p in posts)) if len(posts) > 1 else 0
        mode = "postgres, %d replicas" % args.replicas if args.postgres else "sqlite, %d replica(s)" % args.replicas
        print("mode: %s; offered %d events at %.0f/s; kill -9: %d; fake Slack latency %d ms"
              % (mode, args.events, args.rate, sum(r.kills for r in replicas), args.latency_ms))
        print("acked: %d  answered: %d  lost: %d  duplicates: %d  (replies to unacked events: %d; failed deliveries retried: %d; history look-ups: %d)"
              % (len(keys), answered, lost, duplicates, stray, load.failed_deliveries, lookups))
        print("ack ms: p50 %.1f  p99 %.1f  max %.1f" % (percentile(load.ack_ms, 50), percentile(load.ack_ms, 99), max(load.ack_ms or [0])))
        print("reply lag s: p50 %.2f  p99 %.2f  max %.2f; replies/s from first to last reply %.0f"
              % (percentile(lags, 50), percentile(lags, 99), max(lags or [0]), len(posts) / span if span else 0))
        if restarts:
            print("restart to ready s: %s" % ", ".join("%.1f" % r for r in restarts))
        ok = lost == 0 and duplicates == 0 and len(keys) == args.events
        print("RESULT %s" % ("PASS" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        for r in replicas:
            r.stop()
        slack.stop()
        if args.keep:
            print("work folder kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
