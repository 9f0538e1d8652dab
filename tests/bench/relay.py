#!/usr/bin/env python
"""A counting relay between an AWS client and the emulator, for benchmarks.

The client (boto3, ansible-inventory, ...) talks to the relay as its AWS_ENDPOINT_URL; the relay forwards every
request unchanged to the emulator and records, per API action, how many calls were made and how long the relay
waited on the emulator for them. Benchmarks subtract that wait from the wall time to get the client-side cost,
which is what an inventory plugin controls (the emulator is far slower than AWS at DescribeInstances).

In a benchmark:

    with Relay("http://127.0.0.1:4566") as relay:
        env["AWS_ENDPOINT_URL"] = relay.url
        relay.reset()
        ...run the client...
        stats = relay.stats()   # {"calls": {"ec2:DescribeInstances": 1, ...}, "upstream_seconds": 12.3, ...}

Stand-alone (stats as JSON at GET /__relay__/stats, reset with POST /__relay__/reset):

    python tests/bench/relay.py --upstream http://127.0.0.1:4566 --port 4600
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTROL_PREFIX = "/__relay__/"
# Headers that describe one hop, not the message (RFC 9110 7.6.1); http.client sets its own Host/length.
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host"}
# SigV4 credential scope: Credential=AKID/20260101/us-east-1/ec2/aws4_request
SERVICE_FROM_AUTH = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


def action_of(method, path, headers, body):
    """Best-effort 'service:Action' for a request, whatever the AWS protocol (query, JSON or REST)."""
    match = SERVICE_FROM_AUTH.search(headers.get("Authorization", ""))
    service = match.group(1) if match else "unknown"
    target = headers.get("X-Amz-Target")
    if target:  # JSON protocols: X-Amz-Target: AmazonSSM.GetParameter
        return "{0}:{1}".format(service, target.rsplit(".", 1)[-1])
    if body and "x-www-form-urlencoded" in headers.get("Content-Type", ""):
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:  # query protocols (EC2, Auto Scaling, IAM, ...): Action=DescribeInstances in the body
            return "{0}:{1}".format(service, action[0])
    query_action = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("Action")
    if query_action:
        return "{0}:{1}".format(service, query_action[0])
    return "{0}:{1} {2}".format(service, method, urllib.parse.urlsplit(path).path)  # REST protocols


class Stats:
    """Calls per action and time spent waiting on the upstream; safe for concurrent requests."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.calls = Counter()
            self.seconds = Counter()
            self.bytes_out = 0
            # Union of the wait intervals, so overlapping requests are not counted twice.
            self.busy_seconds = 0.0
            self._in_flight = 0
            self._busy_since = 0.0

    def begin(self):
        with self._lock:
            if self._in_flight == 0:
                self._busy_since = time.perf_counter()
            self._in_flight += 1
        return time.perf_counter()

    def end(self, action, started, size):
        now = time.perf_counter()
        with self._lock:
            self.calls[action] += 1
            self.seconds[action] += now - started
            self.bytes_out += size
            self._in_flight -= 1
            if self._in_flight == 0:
                self.busy_seconds += now - self._busy_since

    def snapshot(self):
        with self._lock:
            return {
                "calls": dict(sorted(self.calls.items())),
                "seconds": {k: round(v, 4) for k, v in sorted(self.seconds.items())},
                "total_calls": sum(self.calls.values()),
                "upstream_seconds": round(self.busy_seconds, 4),
                "response_bytes": self.bytes_out,
            }


def make_handler(upstream, stats):
    target = urllib.parse.urlsplit(upstream)
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=600)
        return conn

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: one line per call would swamp benchmark output
            pass

        def _control(self):
            if self.path == CONTROL_PREFIX + "reset" and self.command == "POST":
                stats.reset()
                payload = b"{}"
            elif self.path == CONTROL_PREFIX + "stats":
                payload = json.dumps(stats.snapshot()).encode()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _relay(self):
            if self.path.startswith(CONTROL_PREFIX):
                self._control()
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            action = action_of(self.command, self.path, self.headers, body)
            started = stats.begin()
            payload = b""
            try:
                try:
                    conn = connection()
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                except (http.client.HTTPException, OSError):
                    local.conn = None  # a stale keep-alive connection: retry once on a fresh one
                    conn = connection()
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                payload = resp.read()
            finally:
                stats.end(action, started, len(payload))
            self.send_response_only(resp.status, resp.reason)
            for key, value in resp.getheaders():
                if key.lower() not in HOP_HEADERS and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up waiting (botocore's 60 s read timeout on an overloaded machine).
                    self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _relay

    return Handler


class Relay:
    """The relay as a context manager serving from a background thread of the current process."""

    def __init__(self, upstream, host="127.0.0.1", port=0):
        self.stats_ = Stats()
        self._server = ThreadingHTTPServer((host, port), make_handler(upstream, self.stats_))
        self._server.daemon_threads = True
        self.url = "http://{0}:{1}".format(*self._server.server_address[:2])
        self._thread = threading.Thread(target=self._server.serve_forever, name="relay", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def reset(self):
        self.stats_.reset()

    def stats(self):
        return self.stats_.snapshot()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="emulator URL, e.g. http://127.0.0.1:4566")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    relay = Relay(args.upstream, args.host, args.port)
    print("relay {0} -> {1}; stats at {0}{2}stats".format(relay.url, args.upstream, CONTROL_PREFIX), flush=True)
    try:
        relay._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        relay._server.server_close()


if __name__ == "__main__":
    main()
