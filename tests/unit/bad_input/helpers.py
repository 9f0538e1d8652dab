"""Shared by the bad-input tables: run a module's main() and read its result, AWS answering AccessDenied to every
call, and a Jenkins that answers 403 to every request (the fixtures in conftest.py wrap the last two)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.client
from ansible.module_utils.testing import patch_module_args

from tests.unit.modules.helpers import REGION, use_test_credentials

# Operations that only read: a denied read must never be followed by a write (a read mistaken for "absent").
READ_PREFIXES = ("Describe", "List", "Get")


class ModuleCrashed(AssertionError):
    pass


def run_module(main, capsys, args):
    """A module's JSON result; a traceback (any exception but the module's own exit) fails the test."""
    args = dict(args)
    args.setdefault("_ansible_check_mode", False)
    try:
        with patch_module_args(args):
            main()
    except SystemExit:
        return json.loads(capsys.readouterr().out)
    except Exception as error:  # pylint: disable=broad-exception-caught
        raise ModuleCrashed("{0} escaped the module: {1!r}".format(type(error).__name__, error)) from error
    raise ModuleCrashed("the module returned without exit_json/fail_json")


# The error code each protocol family uses for a missing permission (what the service really answers).
DENIED_CODES = {
    "ec2": "UnauthorizedOperation",
    "autoscaling": "AccessDenied",
    "iam": "AccessDenied",
    "sts": "AccessDenied",
    "sns": "AuthorizationError",
}


class _Refusal:
    """The HTTP side of a refused call: botocore raises the ClientError itself from the parsed body."""

    status_code = 403
    headers = {}
    content = b""


def refuse_every_call(monkeypatch):
    """Every AWS call is refused as an identity without permissions is; yields the operations attempted.

    The refusal replaces the HTTP request only: botocore still validates the parameters first, as it does before
    sending anything to AWS, and raises the ClientError from the error body the service would return.
    """
    use_test_credentials(monkeypatch)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    attempted = []

    def refuse(client, operation_model, request_dict, request_context):  # pylint: disable=unused-argument
        attempted.append(operation_model.name)
        service = client.meta.service_model.service_name
        code = DENIED_CODES.get(service, "AccessDeniedException")
        message = "User: arn:aws:iam::123456789012:user/bad is not authorized to perform: {0}:{1}".format(
            client.meta.service_model.signing_name, operation_model.name
        )
        return _Refusal(), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}

    monkeypatch.setattr(botocore.client.BaseClient, "_make_request", refuse)
    yield attempted


class _Forbidden(BaseHTTPRequestHandler):
    def _refuse(self):
        body = b"<html><body>Access Denied: anonymous is missing the Overall/Administer permission</body></html>"
        self.send_response(403)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _refuse

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def forbidding_server():
    """The base URL of an HTTP server that answers 403 to everything (Jenkins without the permission)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forbidden)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:{0}/".format(server.server_address[1])
    server.shutdown()
    server.server_close()
