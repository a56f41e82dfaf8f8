"""Types shared by the cloud front ends: the parsed request, one API call, an API error, a response."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional


class ApiError(Exception):
    """An error the cloud answers in its own wire format (status None: the cloud's default)."""

    def __init__(self, code, message, status=None, shape=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.shape = shape


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: Any  # email.message.Message: case-insensitive get() and get_all()
    body: bytes
    tls: bool = False

    def header(self, name, default=None):
        value = self.headers.get(name)
        return default if value is None else value


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def json(cls, status, payload, content_type="application/json", headers=None):
        merged = {"Content-Type": content_type}
        merged.update(headers or {})
        return cls(status, json.dumps(payload).encode(), merged)


@dataclass
class Call:
    """One API call as the journal records it."""

    cloud: str
    method: str
    path: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    action: Optional[str] = None
    account: Optional[str] = None
    region: Optional[str] = None
    params: dict = field(default_factory=dict)
    image_ids: list = field(default_factory=list)
    dry_run: bool = False
    mutating: bool = False
    fault: Optional[str] = None
    sent_headers: dict = field(default_factory=dict)
    tls: bool = False
    applied: bool = False  # the call ran and succeeded on the emulator's side (whatever answer the client got)
    mutations: list = field(default_factory=list)  # mutate faults applied around this call
    leaks: list = field(default_factory=list)  # leak-watch hits: [{cloud, label, where}]
    generation: int = 0  # the journal's generation when the call came in (see Journal.clear)
    key_id: Optional[str] = None  # the access key id the request names (signing.key_id_of), not a secret


def as_bool(value, name):
    """Booleans arrive as JSON true/false, or in a query as the strings the SDKs send (Alibaba's Utils.query:
    True/False) and the API pages show (true/false)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if value in ("True", "true"):
        return True
    if value in ("False", "false", ""):
        return False
    raise ValueError("%s must be a boolean, not %r" % (name, value))


def as_int(value, name, default, low, high):
    """An integer parameter within [low, high]; ValueError names the parameter."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be an integer, not %r" % (name, value))
    if isinstance(value, bool) or not low <= number <= high:
        raise ValueError("%s must be between %d and %d, not %r" % (name, low, high, value))
    return number
