"""A fault-injecting HTTP proxy between the AWS clients under test and the emulator (loopback only, test-only).

Real AWS throttles, fails with 5xx, drops connections, is slow, and sometimes applies a request whose answer the
client never hears (a *lost response*: the create happened, the client retries it). This proxy reproduces those
failure modes on a seeded, bounded schedule so that a playbook run through it either converges to the same stack as
a clean run, or shows where it does not (duplicates, failures, changed reruns).

Every fault answers in the wire shape of the request's protocol, so botocore parses it as it would parse AWS:

| protocol (how it is told apart) | throttling | internal error |
| --- | --- | --- |
| ec2 (signing service `ec2`) | 503 `RequestLimitExceeded` in EC2's `<Response><Errors>` body | 500 `InternalError` |
| query (form body with `Action=`) | 400 `Throttling` in `<ErrorResponse>` | 500 `InternalFailure` |
| json (`X-Amz-Target` header) | 400 `{"__type": "ThrottlingException"}` | 500 `InternalFailure` |
| rest-json (EFS, Backup, …) | 429 with `x-amzn-ErrorType: ThrottlingException` | 500 `InternalFailure` |
| rest-xml (Route 53, S3) | 400 `Throttling` in `<ErrorResponse>` | 500 `InternalFailure` |
| anything else (e.g. rpc-v2-cbor) | 503 without a body (retried by status) | 500 without a body |

Transport faults (any protocol): `drop` closes the connection before forwarding, `latency` delays the forward,
`lost` forwards the request (the emulator applies it) and then closes the connection without answering; `lost` is
only chosen for requests that change something (a read whose answer is lost is just a drop).

The schedule is bounded: at most `max_faults` in all, at most `max_consecutive` faults in a row for the same request
(so a client with a few retries always gets through), and a fault rate between 0 and 1. The seed and every injected
fault are logged (JSON lines) and summarised, so a failing run can be replayed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import re
import signal
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KINDS = ("throttle", "internal", "drop", "latency", "lost")
READ_PREFIXES = ("Describe", "List", "Get", "Head", "Lookup", "Search", "Check", "Validate")
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
REST_JSON_SERVICES = {"elasticfilesystem", "backup", "lambda", "apigateway", "eks", "ecs"}
REST_XML_SERVICES = {"route53", "s3", "cloudfront"}


@dataclass(frozen=True)
class Call:
    """What the proxy knows of one request: enough to pick a fault and to answer in the right shape."""

    service: str
    protocol: str
    operation: str
    mutating: bool
    fingerprint: str


def classify(method: str, path: str, headers, body: bytes) -> Call:
    """Service, protocol and operation of an AWS request, from its signature scope, headers and body."""
    scope = CREDENTIAL_SCOPE.search(headers.get("Authorization", "") or "")
    service = scope.group("service") if scope else "unknown"
    target = headers.get("X-Amz-Target")
    content_type = (headers.get("Content-Type") or "").lower()
    operation = ""
    if target:
        protocol = "json"
        operation = target.rpartition(".")[2]
    elif headers.get("smithy-protocol") or "cbor" in content_type:
        protocol = "other"
        operation = path.rstrip("/").rpartition("/")[2]
    elif "x-www-form-urlencoded" in content_type or "Action=" in path:
        protocol = "ec2" if service == "ec2" else "query"
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        form.update(parse_qs(urlsplit(path).query))
        operation = (form.get("Action") or [""])[0]
    elif service in REST_XML_SERVICES:
        protocol = "rest-xml"
    elif service in REST_JSON_SERVICES:
        protocol = "rest-json"
    else:
        protocol = "other"
    if protocol in ("json", "query", "ec2", "other") and operation:
        mutating = not operation.startswith(READ_PREFIXES)
    else:
        mutating = method not in ("GET", "HEAD")
        operation = operation or "{0} {1}".format(method, urlsplit(path).path)
    digest = hashlib.sha256(method.encode() + path.encode() + body).hexdigest()[:16]
    return Call(service, protocol, operation, mutating, digest)


def error_response(call: Call, kind: str):
    """(status, headers, body) of a throttling or internal error in the request's protocol."""
    request_id = str(uuid.uuid4())
    throttle = kind == "throttle"
    if call.protocol == "ec2":
        code, message = (
            ("RequestLimitExceeded", "Request limit exceeded.")
            if throttle
            else (
                "InternalError",
                "An internal error has occurred",
            )
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{0}</Code><Message>{1}</Message>'
            "</Error></Errors><RequestID>{2}</RequestID></Response>".format(code, message, request_id)
        )
        return (503 if throttle else 500), {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if call.protocol in ("query", "rest-xml"):
        kind_type, code, message = (
            ("Sender", "Throttling", "Rate exceeded")
            if throttle
            else (
                "Receiver",
                "InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.",
            )
        )
        body = (
            "<ErrorResponse><Error><Type>{0}</Type><Code>{1}</Code><Message>{2}</Message></Error>"
            "<RequestId>{3}</RequestId></ErrorResponse>".format(kind_type, code, message, request_id)
        )
        return (400 if throttle else 500), {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
    if call.protocol == "json":
        code = "ThrottlingException" if throttle else "InternalFailure"
        body = json.dumps({"__type": code, "message": "Rate exceeded" if throttle else "Internal failure"})
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}
        return (400 if throttle else 500), headers, body.encode()
    if call.protocol == "rest-json":
        code = "ThrottlingException" if throttle else "InternalFailure"
        body = json.dumps({"message": "Rate exceeded" if throttle else "Internal failure"})
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
        return (429 if throttle else 500), headers, body.encode()
    return (503 if throttle else 500), {"Content-Length": "0"}, b""


@dataclass
class FaultPlan:
    """The seeded schedule: which request gets which fault, within the bounds."""

    seed: int
    rate: float = 0.05
    max_faults: int = 200
    max_consecutive: int = 2
    kinds: tuple = KINDS
    latency_seconds: float = 0.5
    injected: list = field(default_factory=list)

    def __post_init__(self):
        if not 0 <= self.rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError("unknown fault kinds: {0}".format(", ".join(sorted(unknown))))
        self._random = random.Random(self.seed)
        self._streak = {}
        self._lock = threading.Lock()
        self._count = 0

    def decide(self, call: Call):
        """The fault for this request, or None to forward it untouched."""
        with self._lock:
            self._count += 1
            roll = self._random.random()
            choice = self._random.choice(self.kinds)
            if choice == "lost" and not call.mutating:
                choice = "drop"
            streak = self._streak.get(call.fingerprint, 0)
            if roll >= self.rate or len(self.injected) >= self.max_faults or streak >= self.max_consecutive:
                self._streak.pop(call.fingerprint, None)
                return None
            self._streak[call.fingerprint] = streak + 1
            self.injected.append(
                {
                    "n": self._count,
                    "kind": choice,
                    "service": call.service,
                    "operation": call.operation,
                    "mutating": call.mutating,
                }
            )
            return choice

    def summary(self):
        by_kind = {}
        for fault in self.injected:
            by_kind[fault["kind"]] = by_kind.get(fault["kind"], 0) + 1
        return {"seed": self.seed, "requests": self._count, "faults": len(self.injected), "by_kind": by_kind}


class FaultProxy:
    """The proxy server: `FaultProxy(upstream, plan).start()` listens on a free loopback port."""

    def __init__(self, upstream: str, plan: FaultPlan, port: int = 0, log_path=None):
        parts = urlsplit(upstream)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the proxy forwards to loopback only, not to {0}".format(parts.hostname))
        self.upstream = (parts.hostname, parts.port or 80)
        self.plan = plan
        self._log = open(log_path, "a", encoding="utf-8") if log_path else None
        self._log_lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = "http://127.0.0.1:{0}".format(self.port)
        self._thread = None

    def start(self):
        self._write({"event": "start", "seed": self.plan.seed, "rate": self.plan.rate, "kinds": self.plan.kinds})
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._write(dict(event="stop", **self.plan.summary()))
        if self._log:
            self._log.close()

    def _write(self, record):
        if self._log:
            with self._log_lock:
                self._log.write(json.dumps(record, sort_keys=True) + "\n")
                self._log.flush()

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - the base class's signature
                return

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = classify(self.command, self.path, self.headers, body)
                fault = proxy.plan.decide(call)
                if fault:
                    proxy._write({"event": "fault", "kind": fault, "service": call.service, "op": call.operation})
                if fault in ("throttle", "internal"):
                    status, headers, payload = error_response(call, fault)
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "drop":
                    self._abort()
                    return
                if fault == "latency":
                    time.sleep(proxy.plan.latency_seconds)
                status, headers, payload = self._forward(body)
                if fault == "lost":
                    self._abort()
                    return
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self, body):
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=300)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    response = conn.getresponse()
                    return response.status, response.getheaders(), response.read()
                finally:
                    conn.close()

            def _abort(self):
                # No answer at all: the client sees the connection close (botocore: ConnectionClosedError).
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

        return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the emulator, e.g. http://127.0.0.1:4566")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=None, help="default: random, printed")
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--max-faults", type=int, default=200)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--log", default=None, help="JSON lines of every injected fault")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    plan = FaultPlan(seed=seed, rate=args.rate, max_faults=args.max_faults, kinds=tuple(args.kinds.split(",")))
    proxy = FaultProxy(args.upstream, plan, port=args.port, log_path=args.log).start()
    print("fault proxy on {0} -> {1}, seed {2}".format(proxy.url, args.upstream, seed), flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    proxy.stop()
    print(json.dumps(plan.summary(), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
