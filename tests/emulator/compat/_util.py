"""Helpers shared by the compatibility patches: reversible monkeypatching and rest-json plumbing."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import unquote

_MISSING = object()


class Patcher:
    """Records every attribute/dict entry it replaces so remove() restores stock moto exactly.

    apply() on an active Patcher is a no-op, which makes every patch idempotent.
    """

    def __init__(self):
        self._undo = []
        self.active = False

    def setattr(self, owner, name, value):
        # owner.__dict__ rather than getattr: restore what the class itself held, not an inherited attribute.
        self._undo.append((owner, name, owner.__dict__.get(name, _MISSING)))
        setattr(owner, name, value)

    def setitem(self, mapping, key, value):
        self._undo.append((mapping, key, mapping.get(key, _MISSING), "item"))
        mapping[key] = value

    def restore(self):
        for entry in reversed(self._undo):
            if len(entry) == 4:
                mapping, key, old, _unused = entry
                if old is _MISSING:
                    mapping.pop(key, None)
                else:
                    mapping[key] = old
            else:
                owner, name, old = entry
                if old is _MISSING:
                    delattr(owner, name)
                else:
                    setattr(owner, name, old)
        self._undo = []
        self.active = False


def rest_params(response, service, operation):
    """Parse a rest-json request into the operation's input members, as botocore's model places them.

    moto's own responses mostly split self.path by hand; reading the model keeps location names right.
    """
    import botocore.session

    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    try:
        body = json.loads(response.body) if response.body else {}
    except ValueError:
        body = {}
    uri = getattr(response, "uri_match", None) or {}
    params = {}
    for name, shape in model.input_shape.members.items():
        location = shape.serialization.get("location")
        wire = shape.serialization.get("name", name)
        if location == "uri":
            value = uri.get(wire, uri.get(name))
            value = unquote(value) if isinstance(value, str) else value
        elif location == "querystring":
            values = response.querystring.get(wire)
            if values is None:
                continue
            value = values if shape.type_name == "list" else values[0]
            if shape.type_name == "integer":
                value = int(value)
            elif shape.type_name == "timestamp":
                value = parse_time(value)
        elif location == "header":
            value = response.headers.get(wire)
        else:
            value = body.get(name)
        if value is not None:
            params[name] = value
    return params


def parse_time(value):
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except ValueError:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))


def epoch(moment):
    """rest-json timestamps travel as epoch seconds."""
    return moment.timestamp() if isinstance(moment, datetime) else moment


def json_response(data, status=200):
    return json.dumps(data, default=epoch), {"status": status, "Content-Type": "application/json"}


def now():
    return datetime.now(timezone.utc)


def hook_answer(status, data):
    """A /moto-api/ test hook's answer, (status, headers, body), as moto's own views return it."""
    return status, {"Content-Type": "application/json"}, json.dumps(data)


def hook_request(request, path):
    """What was POSTed to the test hook at path: (parsed JSON or None when it is not JSON, None), or (None, the 405
    answer) for another method. Each hook then checks the body's shape itself."""
    if request.method != "POST":
        return None, hook_answer(405, {"error": "MethodNotAllowed", "message": f"POST to {path}"})
    raw = request.get_data() if hasattr(request, "get_data") else request.body
    try:
        return json.loads(raw or b"{}"), None
    except ValueError:
        return None, None
