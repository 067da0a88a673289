"""PostgreSQL ack latency under Slack-like load: replicas on one PostgreSQL, racing duplicates, a restart under load.

Run it through pg-load.sh (which publishes the host and makes a fresh database); on its own:
  python3 tests/load/pgload.py --host-dll PATH/TriageBot.Host.dll --postgres CONNSTR
                               [--replicas 3] [--rate 100] [--duration 60] [--dup-share 0.2] [--restart-at 0.4]

Everything listens on 127.0.0.1. The load is open-loop and bounded: `rate` signed app_mention deliveries per second for
`duration` seconds, each with its own event_id, spread round robin over the replicas in rotation. A share of the events
(--dup-share) is delivered twice *at the same moment* to two different replicas, as Slack retries can race. A delivery
answered 409 (another delivery holds the event's claim) or 5xx is retried 0.5 s later on another replica, as Slack would
(it waits longer), until the event is acknowledged or the run's deadline passes.

At --restart-at (share of the duration) one replica is taken out of rotation, stopped (SIGTERM, as a rolling deploy
does), started again and put back in rotation as soon as its /readyz answers 200; its first acks are recorded.

Printed at the end: acked, answered, lost, duplicates, ack latency p50/p95/p99/max over every delivery (whatever its
status), deliveries over 3 s, the restarted replica's first 10 ack latencies, and CPU seconds used by the replicas, by
this run's PostgreSQL backends and by this generator. Exit code 1 when the target is missed:
ack p99 < 500 ms, no delivery over 3 s, 0 lost, 0 duplicates, every event acknowledged, restarted replica's first acks
(10) under 200 ms.
"""
import argparse
import http.client
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_slack import FakeSlack  # noqa: E402
from kill9 import TEXT, Replica, app_mention, free_port, percentile, signed_headers  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK   # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (every process, every core), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK


def postgres_backends(database):
    """PIDs of PostgreSQL backends serving `database` (their process title names it)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and (" %s " % database) in title:
            pids.append(int(entry))
    return pids


def db_counters(connstr, database):
    """(transactions committed, rolled back, rows inserted, updated) of the run's database, via psql; None if unavailable."""
    parts = dict(p.split("=", 1) for p in connstr.split(";") if "=" in p)
    parts = {k.lower(): v for k, v in parts.items()}
    env = dict(os.environ, PGPASSWORD=parts.get("password", ""))
    sql = ("SELECT xact_commit, xact_rollback, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = '%s'" % database)
    try:
        out = subprocess.run(["psql", "-X", "-qtA", "-F", " ", "-h", parts.get("host", "127.0.0.1"), "-p", parts.get("port", "5432"),
                              "-U", parts.get("username", ""), "-d", database, "-c", sql],
                             env=env, capture_output=True, text=True, timeout=10).stdout.split()
        return [int(x) for x in out[:4]]
    except Exception:
        return None


class CpuMeter:
    """CPU seconds of the replicas (every process they ran, restarts included), PostgreSQL backends and this process."""

    def __init__(self, database):
        self.database = database
        self.seen = {}          # pid -> (group, first, last)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def sample(self, replicas):
        groups = [(r.proc.pid, "replicas") for r in replicas if r.proc and r.proc.poll() is None]
        groups += [(p, "postgres") for p in postgres_backends(self.database)] if self.database else []
        groups.append((os.getpid(), "generator"))
        with self.lock:
            for pid, group in groups:
                now = cpu_seconds(pid)
                if pid in self.seen:
                    g, first, _ = self.seen[pid]
                    self.seen[pid] = (g, first, now)
                else:
                    self.seen[pid] = (group, now, now)

    def run(self, replicas):
        while not self.stop.wait(0.5):
            self.sample(replicas)
            if self.database:
                self.max_backends = max(getattr(self, "max_backends", 0), len(postgres_backends(self.database)))

    def totals(self):
        out = {}
        with self.lock:
            for group, first, last in self.seen.values():
                out[group] = out.get(group, 0.0) + (last - first)
        return out


def server_histogram(replica, route="/slack/events"):
    """The replica's own view of its acks: ASP.NET Core's http.server.request.duration histogram (seconds) for the
    route, summed over methods and status codes, as {upper bound: cumulative count}. It starts when Kestrel has read the
    request line and headers, so it leaves out the generator, the kernel's queues and the wait for a thread to accept."""
    import re
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % replica.port, timeout=5) as r:
            text = r.read().decode()
    except Exception:
        return {}
    buckets = {}
    for line in text.splitlines():
        m = re.match(r'^http_server_request_duration_seconds_bucket\{([^}]*)\}\s+(\S+)', line)
        if not m or ('http_route="%s"' % route) not in m.group(1):
            continue
        le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
        bound = float("inf") if le == "+Inf" else float(le)
        buckets[bound] = buckets.get(bound, 0) + float(m.group(2))
    return buckets


def merge_histograms(histograms):
    out = {}
    for h in histograms:
        for k, v in h.items():
            out[k] = out.get(k, 0) + v
    return out


class Load:
    def __init__(self, replicas, rate, duration, dup_share, threads=96):
        self.replicas = replicas
        self.rotation = list(replicas)
        self.rate = rate
        self.total = int(rate * duration)
        self.dup_every = int(round(1 / dup_share)) if dup_share > 0 else 0
        self.deadline = 2 * duration + 60
        self.threads = threads
        self.lock = threading.Lock()
        self.jobs = queue.Queue()
        self.acked = {}               # index -> ack time
        self.deliveries = []          # (latency ms, status, replica n, sent at)
        self.late_starts = 0
        self.retried = 0
        self.base_ts = int(time.time()) - 10
        self.start_time = None
        self.watch = {}               # replica n -> list of (latency ms, status) after its restart
        self.finished = threading.Event()
        self.restart_pending = False
        self.offered = 0
        self.ramp = 0.0

    def event(self, i):
        return app_mention("Ev%08d" % i, self.base_ts, "%d.%06d" % (self.base_ts, i), "C0LOAD%04d" % (i % 1000))

    def key(self, i):
        e = self.event(i)["event"]
        return e["channel"], e["ts"]

    def pick(self, i, offset):
        with self.lock:
            rotation = self.rotation
            return rotation[(i + offset) % len(rotation)]

    def out_of_rotation(self, replica):
        with self.lock:
            self.rotation = [r for r in self.rotation if r is not replica]

    def into_rotation(self, replica):
        with self.lock:
            self.watch[replica.n] = []
            self.rotation = self.rotation + [replica]

    def schedule(self):
        """The pacer: puts each delivery on the job queue at its due time (a racing duplicate is two jobs at once).
        While a restarted replica has not had 10 deliveries yet, the offer goes on (at most as long again)."""
        self.start_time = time.time()
        i = 0
        while i < self.total or (self.extend() and i < 2 * self.total):
            if self.ramp > 0:
                # The offer ramps from a tenth of the rate to all of it over the first `ramp` seconds.
                due = self.start_time + self.ramp_due(i)
            else:
                due = self.start_time + i / self.rate
            wait = due - time.time()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.05:
                self.late_starts += 1
            self.jobs.put((i, 0, 0))
            if self.dup_every and i % self.dup_every == 0:
                self.jobs.put((i, 0, 1))     # the same event, at the same moment, to the next replica
            i += 1
        self.offered = i

    def ramp_due(self, i):
        """Seconds after the start at which event i is due, with the rate ramping up linearly over `ramp` seconds."""
        r, big = self.rate, self.ramp
        in_ramp = r * (0.1 * big + 0.45 * big)          # events offered during the ramp
        if i >= in_ramp:
            return big + (i - in_ramp) / r
        # Solve r * (0.1 t + 0.45 t² / big) = i for t.
        a, b, c = 0.45 * r / big, 0.1 * r, -i
        return (-b + (b * b - 4 * a * c) ** 0.5) / (2 * a)

    def extend(self):
        with self.lock:
            return self.restart_pending or any(len(v) < 10 for v in self.watch.values())

    def worker(self):
        connections = {}
        while True:
            job = self.jobs.get()
            if job is None:
                return
            i, attempt, offset = job
            with self.lock:
                if attempt and i in self.acked:
                    continue
            replica = self.pick(i, attempt + offset)
            body = json.dumps(self.event(i), separators=(",", ":")).encode()
            headers = signed_headers(body)
            if attempt:
                headers["X-Slack-Retry-Num"] = str(attempt)
                headers["X-Slack-Retry-Reason"] = "http_error"
            status = None
            sent = time.time()
            for fresh in (False, True):
                # A kept-alive connection to a process that was restarted fails at once: the balancer would open a new
                # one, so the delivery goes again on a fresh connection (its latency counts from the first try).
                conn = connections.get(replica.port)
                reused = conn is not None
                try:
                    if conn is None:
                        conn = connections[replica.port] = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
                    conn.request("POST", "/slack/events", body, headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except Exception:
                    connections.pop(replica.port, None)
                    if not reused or fresh or time.time() - sent > 1:
                        break
            now = time.time()
            ms = (now - sent) * 1000
            with self.lock:
                self.deliveries.append((ms, status, replica.n, sent))
                if replica.n in self.watch and status is not None:
                    self.watch[replica.n].append((ms, status))
                if status == 200:
                    self.acked.setdefault(i, now)
                    retry = False
                else:
                    retry = now - self.start_time < self.deadline
            if retry:
                with self.lock:
                    self.retried += 1
                threading.Timer(0.5, self.jobs.put, args=((i, attempt + 1, offset),)).start()

    def run(self):
        workers = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.threads)]
        for w in workers:
            w.start()
        self.schedule()
        # Wait for every event to be acknowledged (retries included), up to the deadline.
        while time.time() - self.start_time < self.deadline:
            with self.lock:
                if self.offered and len(self.acked) >= self.offered:
                    break
            time.sleep(0.1)
        for _ in workers:
            self.jobs.put(None)
        for w in workers:
            w.join(15)
        self.finished.set()


def prewarm(replica, count, pause=0.1):
    """Sends `count` signed app_mention events, one at a time, to a replica before the measured load (an experiment:
    what a replica that has already served a few real events does). Their replies go to a channel the load never uses."""
    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    base_ts = int(time.time()) - 100
    for k in range(count):
        event = app_mention("EvWARM%d_%06d" % (replica.n, k), base_ts, "%d.%06d" % (base_ts, k), "C0WARM%d" % replica.n,
                            user=os.environ.get("PREWARM_USER", "U01ANA"), text=os.environ.get("PREWARM_TEXT", TEXT))
        body = json.dumps(event, separators=(",", ":")).encode()
        conn.request("POST", "/slack/events", body, signed_headers(body))
        conn.getresponse().read()
        time.sleep(pause)
    conn.close()


def wait_ready(replica, timeout):
    """Polls /readyz every 50 ms; returns the seconds it took, or raises."""
    started = time.time()
    while time.time() - started < timeout:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % replica.port, timeout=2) as r:
                if r.status == 200:
                    return time.time() - started
        except Exception:
            pass
        time.sleep(0.05)
    raise RuntimeError("replica %d did not become ready; see its log" % replica.n)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-dll", required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--database", default=None, help="database name, to count its backends' CPU")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--dup-share", type=float, default=0.2)
    parser.add_argument("--restart-at", type=float, default=0.4, help="share of the duration; 0 = no restart")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--drain-timeout", type=float, default=90)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument("--ramp", type=float, default=0, help="ramp the offer up from a tenth of the rate over this many seconds")
    parser.add_argument("--prewarm", type=int, default=0, help="send each replica this many events, one every 0.1 s, before the load (an experiment)")
    parser.add_argument("--settle", type=float, default=0, help="seconds to wait after the replicas are ready, before the load (an experiment)")
    parser.add_argument("--dump", default=None, help="write every delivery (sent at s, latency ms, status, replica) to this CSV")
    parser.add_argument("--conn-extra", default="", help="appended to the replicas' connection string, e.g. ';Maximum Pool Size=16'")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for every replica (an experiment)")
    args = parser.parse_args()

    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    work = tempfile.mkdtemp(prefix="triagebot-pgload-")
    slack = FakeSlack(free_port(), args.latency_ms).start()
    replicas = [Replica(n, args.host_dll, root, work, slack.port, args.postgres + args.conn_extra) for n in range(args.replicas)]
    for r in replicas:
        for pair in args.env:
            name, _, value = pair.partition("=")
            r.env[name] = value
    cpu = CpuMeter(args.database)
    try:
        for r in replicas:
            r.start()
            wait_ready(r, 120)   # one at a time: the first migrates
        if args.prewarm:
            threads = [threading.Thread(target=prewarm, args=(r, args.prewarm)) for r in replicas]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(1)
        time.sleep(args.settle)
        load = Load(replicas, args.rate, args.duration, args.dup_share)
        load.ramp = args.ramp
        loadavg_start = os.getloadavg()
        cpu.sample(replicas)
        busy_start = machine_busy_seconds()
        counters_start = db_counters(args.postgres, args.database) if args.database else None
        meter = threading.Thread(target=cpu.run, args=(replicas,), daemon=True)
        meter.start()
        runner = threading.Thread(target=load.run, daemon=True)
        runner.start()

        restart_ready = None
        server_before_restart = {}
        victim = replicas[-1]
        if args.restart_at > 0 and len(replicas) > 1:
            while load.start_time is None:
                time.sleep(0.01)
            at = load.start_time + args.duration * args.restart_at
            while time.time() < at:
                time.sleep(0.05)
            load.restart_pending = True
            load.out_of_rotation(victim)
            time.sleep(0.5)           # the balancer stops sending; deliveries in flight finish
            server_before_restart = server_histogram(victim)
            victim.stop()
            victim.start()
            restart_ready = wait_ready(victim, 120)
            load.into_rotation(victim)
            load.restart_pending = False
        runner.join()
        load_end = time.time()
        server = merge_histograms([server_before_restart] + [server_histogram(r) for r in replicas])
        loadavg_end = os.getloadavg()
        busy_end = machine_busy_seconds()
        counters_end = db_counters(args.postgres, args.database) if args.database else None
        cpu.stop.set()
        meter.join()
        cpu.sample(replicas)

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
            elif time.time() - last_change > 30:
                break
            time.sleep(0.5)

        if args.dump:
            with open(args.dump, "w") as f:
                f.write("sent_s,ms,status,replica\n")
                for ms, status, n, sent in load.deliveries:
                    f.write("%.3f,%.1f,%s,%d\n" % (sent - load.start_time, ms, status, n))
        posts, _ = slack.snapshot()
        per_event = {}
        for at, channel, thread_ts, _ in posts:
            per_event.setdefault((channel, thread_ts), []).append(at)
        lost = duplicates = answered = 0
        lags = []
        for key, i in keys.items():
            times = sorted(per_event.get(key, []))
            if not times:
                lost += 1
                continue
            answered += 1
            duplicates += len(times) - 1
            lags.append(times[0] - load.acked[i])
        lat = [d[0] for d in load.deliveries if d[1] is not None]
        failed = sum(1 for d in load.deliveries if d[1] is None)
        by_status = {}
        for d in load.deliveries:
            by_status[d[1]] = by_status.get(d[1], 0) + 1
        over3 = sum(1 for x in lat if x > 3000)
        first = [ms for ms, status in load.watch.get(victim.n, [])][:10]
        totals = cpu.totals()
        wall = max(1e-9, load_end - load.start_time)

        print("mode: postgres, %d replicas; offered %d events at %.0f/s over %.0f s, %.0f%% delivered twice at once; "
              "fake Slack latency %d ms" % (args.replicas, load.offered, args.rate, args.duration, args.dup_share * 100, args.latency_ms))
        print("load average: %.1f at the start, %.1f at the end (%d cores); late starts (pacer behind > 50 ms): %d"
              % (loadavg_start[0], loadavg_end[0], os.cpu_count(), load.late_starts))
        print("acked: %d  answered: %d  lost: %d  duplicates: %d  (deliveries: %d, by status %s; retried: %d)"
              % (len(keys), answered, lost, duplicates, len(load.deliveries),
                 ", ".join("%s=%d" % (k, v) for k, v in sorted(by_status.items(), key=lambda kv: str(kv[0]))), load.retried))
        print("ack ms (every delivery): p50 %.1f  p95 %.1f  p99 %.1f  max %.1f;  deliveries over 3 s: %d (no answer: %d)"
              % (percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), max(lat or [0]), over3, failed))
        print("reply lag s: p50 %.2f  p99 %.2f  max %.2f" % (percentile(lags, 50), percentile(lags, 99), max(lags or [0])))
        if server:
            total = server.get(float("inf"), 0)
            shown = [b for b in sorted(server) if b in (0.025, 0.1, 0.25, 0.5, 1, 2.5, float("inf"))]
            print("ack s inside the replicas (ASP.NET Core's request duration, %d requests), share at or under: %s"
                  % (total, "  ".join("%s %.2f%%" % ("all" if b == float("inf") else "%g" % b, 100 * server[b] / max(1, total))
                                      for b in shown)))
        if restart_ready is not None:
            print("restarted replica %d: ready %.1f s after start; first acks ms: %s"
                  % (victim.n, restart_ready, " ".join("%.0f" % x for x in first)))
        ours = sum(totals.values())
        print("cpu (cores, over the load's %.0f s): replicas %.2f, postgres backends %.2f, generator+fake Slack %.2f; "
              "the whole machine %.2f of %d (others: %.2f)"
              % (wall, totals.get("replicas", 0) / wall, totals.get("postgres", 0) / wall, totals.get("generator", 0) / wall,
                 (busy_end - busy_start) / wall, os.cpu_count(), max(0.0, busy_end - busy_start - ours) / wall))
        print("postgres backends of this database, most at once: %d" % getattr(cpu, "max_backends", 0))
        if load.offered:
            print("cpu ms per event: replicas %.1f, postgres backends %.1f (the cost that decides the ceiling: "
                  "events/s ≈ cores available × 1000 / the sum)"
                  % (totals.get("replicas", 0) * 1000 / load.offered, totals.get("postgres", 0) * 1000 / load.offered))
        if counters_start and counters_end and load.offered:
            d = [b - a for a, b in zip(counters_start, counters_end)]
            print("database per event (acks, duplicates, queue work and stats together): %.1f transactions committed, "
                  "%.2f rolled back, %.1f rows inserted, %.1f rows updated" % tuple(x / load.offered for x in d))
        checks = [
            ("every event acked", len(keys) == load.offered),
            ("0 lost", lost == 0),
            ("0 duplicates", duplicates == 0),
            ("ack p99 < 500 ms", percentile(lat, 99) < 500),
            ("no delivery over 3 s", over3 == 0 and failed == 0),
        ]
        if restart_ready is not None:
            checks.append(("restarted replica's first 10 acks < 200 ms", len(first) == 10 and max(first) < 200))
        for name, ok in checks:
            print("  %-45s %s" % (name, "ok" if ok else "MISSED"))
        ok = all(c[1] for c in checks)
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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
