"""The call journal: every API call, successful or not, without secrets."""

import threading
import time
from collections import deque

REDACTED = "<redacted>"
SECRET_HEADERS = {
    "authorization",
    "x-tc-token",
    "x-acs-security-token",
    "x-security-token",
    "x-acs-bearer-token",
    "x-auth-token",
}
# Request parameters that carry credentials, spelt as the SDKs send them: Alibaba's RPC query `Signature` and
# `SecurityToken` (the ECS API's common parameters), Tencent's `Token` (API 3.0 common parameters, the STS token of a
# GET-signed call); `SecretKey` and `AccessKeySecret` should a test send them.
SECRET_PARAMS = {"SecurityToken", "Token", "Signature", "SecretKey", "AccessKeySecret"}


def redact_headers(headers):
    """Request headers as a dict, with credentials replaced by <redacted> (header names in any case: RFC 9110)."""
    return {name: (REDACTED if name.lower() in SECRET_HEADERS else value) for name, value in headers.items()}


def redact_params(params):
    if isinstance(params, dict):
        return {k: (REDACTED if k in SECRET_PARAMS else redact_params(v)) for k, v in params.items()}
    if isinstance(params, list):
        return [redact_params(item) for item in params]
    return params


class Journal:
    def __init__(self, limit=50000):
        self._lock = threading.Lock()
        self._calls = deque(maxlen=limit)
        self._seq = 0
        # Bumped by clear() (and so by a reset): a call that started before it is not recorded after it.
        self.generation = 0

    def record(self, call, status, code):
        if call.generation != self.generation:
            return None
        entry = {
            "cloud": call.cloud,
            "action": call.action,
            "method": call.method,
            "path": call.path,
            "account": call.account,
            "region": call.region,
            "params": redact_params(call.params),
            "dry_run": call.dry_run,
            "mutating": call.mutating,
            "status": status,
            "code": code,
            "request_id": call.request_id,
            "fault": call.fault,
            "image_ids": list(call.image_ids),
            "sent_headers": call.sent_headers,
            "tls": call.tls,
            "applied": call.applied,
            "mutations": list(call.mutations),
            "leaks": list(call.leaks),
            "key_id": call.key_id,
        }
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            now = time.time()
            entry["time"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + "Z"
            entry["at"] = round(now, 6)  # the same moment in seconds since the epoch, to the microsecond (rates)
            self._calls.append(entry)
        return entry

    def calls(self, cloud=None, mutating=None):
        with self._lock:
            return [
                dict(entry)
                for entry in self._calls
                if (cloud is None or entry["cloud"] == cloud) and (mutating is None or entry["mutating"] == mutating)
            ]

    def clear(self):
        with self._lock:
            self._calls.clear()
            self.generation += 1
