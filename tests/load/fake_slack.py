"""A fake Slack Web API for load and crash tests, on 127.0.0.1 only.

It answers the methods TriageBot's queue calls after an app_mention: chat.postMessage (recorded, with a configurable
latency, keeping the message metadata), conversations.history / conversations.replies (with the recorded metadata, so a
retry after a crash can find what it already posted), users.info, and {"ok": true} for anything else.

Used by kill9.py (imported) or on its own:  python3 tests/load/fake_slack.py PORT [latency_ms]
"""
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSlack:
    def __init__(self, port, latency_ms=100):
        self.port = port
        self.latency = latency_ms / 1000.0
        self.lock = threading.Lock()
        self.posts = []            # (time, channel, thread_ts, work_item_id)
        self.by_thread = {}        # (channel, thread_ts or None) -> [message dict]
        self.lookups = 0
        self.seq = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                method = self.path.rsplit("/", 1)[-1]
                answer = fake.handle(method, body, self.headers.get("Content-Type") or "")
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass   # the caller was killed (kill -9) while we answered

            do_GET = do_POST

        class Server(ThreadingHTTPServer):
            request_queue_size = 512   # the bot opens many connections at once

            def handle_error(self, request, client_address):
                pass                   # a killed replica's dropped connection is expected here

        self.server = Server(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()

    def handle(self, method, body, content_type):
        if method == "chat.postMessage":
            request = json.loads(body or b"{}")
            time.sleep(self.latency)   # Slack's own answer time; a kill -9 now leaves the send's outcome unknown
            with self.lock:
                self.seq += 1
                ts = "%d.%06d" % (time.time(), self.seq % 1000000)
                metadata = request.get("metadata")
                item = ((metadata or {}).get("event_payload") or {}).get("work_item_id")
                self.posts.append((time.time(), request.get("channel"), request.get("thread_ts"), item))
                message = {"ts": ts, "text": request.get("text"), "bot_id": "B0FAKE"}
                if metadata:
                    message["metadata"] = metadata
                self.by_thread.setdefault((request.get("channel"), request.get("thread_ts")), []).append(message)
                self.by_thread.setdefault((request.get("channel"), None), []).append(message)
            return {"ok": True, "channel": request.get("channel"), "ts": ts}
        if method in ("conversations.history", "conversations.replies"):
            form = dict(urllib.parse.parse_qsl(body.decode()))
            key = (form.get("channel"), form.get("ts") if method == "conversations.replies" else None)
            with self.lock:
                self.lookups += 1
                messages = list(reversed(self.by_thread.get(key, [])))
            if form.get("include_all_metadata") != "true":
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "users.info":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            return {"ok": True, "user": {"id": form.get("user"), "name": "someone", "profile": {}}}
        return {"ok": True}

    def snapshot(self):
        with self.lock:
            return list(self.posts), self.lookups


if __name__ == "__main__":
    fake = FakeSlack(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100).start()
    print("fake Slack on 127.0.0.1:%d" % fake.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
