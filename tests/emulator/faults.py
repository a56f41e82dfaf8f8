"""Injected faults: which calls they match, when they fire, how many times; and the per-action quotas.

Error-like kinds (throttle, server_error, drop, slow, error) change the answer of a call; the first one still due
fires. ``mutate`` faults change the emulator's state when a matching call arrives (before or after it runs), for
races such as "the image became shared between the pre-flight and the delete"; every due one fires.
"""

import threading
import time

from .seed import ACTIONS, CLOUD_FIELDS, COMMON_FIELDS, with_state_key

KINDS = ("throttle", "server_error", "drop", "slow", "error", "mutate", "hold")
PHASES = ("before", "after")
MAX_DELAY_MS = 120000


class FaultError(ValueError):
    pass


def _optional_bool(value, name):
    if value is not None and not isinstance(value, bool):
        raise FaultError("%s must be true, false or null" % name)
    return value


class Fault:
    def __init__(self, spec):
        spec = dict(spec)
        self.cloud = spec.pop("cloud", None)
        self.action = spec.pop("action", None)
        self.image_id = spec.pop("image_id", None)
        self.mutating = _optional_bool(spec.pop("mutating", None), "mutating")
        self.dry_run = _optional_bool(spec.pop("dry_run", None), "dry_run")
        self.kind = spec.pop("kind", None)
        self.times = spec.pop("times", 1)
        self.after = spec.pop("after", 0)
        self.phase = spec.pop("phase", "before")
        self.code = spec.pop("code", None)
        self.status = spec.pop("status", None)
        self.message = spec.pop("message", None)
        self.delay_ms = spec.pop("delay_ms", None)
        self.target = spec.pop("target", None)
        self.set = spec.pop("set", None)
        self.delete = spec.pop("delete", False)
        self.count = spec.pop("count", None)
        if spec:
            raise FaultError("unknown fault keys: %s" % ", ".join(sorted(spec)))
        if self.cloud not in ACTIONS:
            raise FaultError("fault cloud must be one of %s" % ", ".join(ACTIONS))
        if self.action is not None and self.action not in ACTIONS[self.cloud]:
            raise FaultError("%s actions are %s" % (self.cloud, ", ".join(ACTIONS[self.cloud])))
        if self.kind not in KINDS:
            raise FaultError("fault kind must be one of %s" % ", ".join(KINDS))
        if self.phase not in PHASES:
            raise FaultError("phase must be before or after")
        for name in ("times", "after"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise FaultError("%s must be an integer" % name)
        if self.kind == "error" and not self.code:
            raise FaultError("an error fault needs a code")
        if self.status is not None and not (isinstance(self.status, int) and 200 <= self.status <= 599):
            raise FaultError("status must be an HTTP status code")
        if self.kind == "slow":
            self.delay_ms = 1000 if self.delay_ms is None else self.delay_ms
        if self.kind == "hold":
            self.delay_ms = 10000 if self.delay_ms is None else self.delay_ms
            self.count = 2 if self.count is None else self.count
            if not isinstance(self.count, int) or isinstance(self.count, bool) or not 2 <= self.count <= 100:
                raise FaultError("count must be an integer from 2 to 100")
        elif self.count is not None:
            raise FaultError("count belongs to hold faults")
        if self.delay_ms is not None and not (isinstance(self.delay_ms, int) and 0 <= self.delay_ms <= MAX_DELAY_MS):
            raise FaultError("delay_ms must be an integer from 0 to %d" % MAX_DELAY_MS)
        if self.kind == "mutate":
            self.target = self.target or self.image_id
            if not isinstance(self.target, str) or not self.target:
                raise FaultError("a mutate fault needs a target image id (target, or image_id)")
            if self.set is not None and not isinstance(self.set, dict):
                raise FaultError("set must be an object of image fields")
            unknown = (
                set(with_state_key(self.cloud, self.set or {})) - set(COMMON_FIELDS) - set(CLOUD_FIELDS[self.cloud])
            )
            if unknown or "id" in (self.set or {}):
                raise FaultError(
                    "set: unknown or unchangeable %s image fields: %s"
                    % (self.cloud, ", ".join(sorted(unknown | ({"id"} & set(self.set or {})))))
                )
            if not isinstance(self.delete, bool):
                raise FaultError("delete must be true or false")
            if not self.set and not self.delete:
                raise FaultError("a mutate fault needs set (image fields) or delete: true")
        elif self.target is not None or self.set is not None or self.delete:
            raise FaultError("target, set and delete belong to mutate faults")
        self.seen = 0
        self.fired = 0
        self._gate = threading.Condition()
        self._arrived = 0

    def hold(self):
        """Wait until `count` calls have arrived at this fault (each group of `count` goes on together), at most
        delay_ms; return whether the group was complete."""
        with self._gate:
            self._arrived += 1
            group_end = ((self._arrived - 1) // self.count + 1) * self.count
            self._gate.notify_all()
            return self._gate.wait_for(lambda: self._arrived >= group_end, timeout=self.delay_ms / 1000.0)

    def matches(self, call):
        return (
            self.cloud == call.cloud
            and self.action in (None, call.action)
            and (self.image_id is None or self.image_id in call.image_ids)
            and self.mutating in (None, call.mutating)
            and self.dry_run in (None, call.dry_run)
        )

    def due(self):
        return self.seen > self.after and (self.times < 0 or self.fired < self.times)

    def describe(self):
        out = {
            "cloud": self.cloud,
            "action": self.action,
            "image_id": self.image_id,
            "kind": self.kind,
            "times": self.times,
            "after": self.after,
            "code": self.code,
            "status": self.status,
            "message": self.message,
            "delay_ms": self.delay_ms,
            "seen": self.seen,
            "fired": self.fired,
            "phase": self.phase,
            "mutating": self.mutating,
            "dry_run": self.dry_run,
        }
        if self.kind == "hold":
            out["count"] = self.count
        if self.kind == "mutate":
            out.update(target=self.target, set=self.set, delete=self.delete)
        return out


class FaultBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, spec):
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault.describe()

    def clear(self):
        with self._lock:
            self._faults = []

    def list(self):
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def match(self, call):
        """The answer-changing fault for this call: every matching one sees it, the first one still due fires
        (times < 0: every time). Mutate faults are not considered (see ``mutations``)."""
        return self.fire(call)[0]

    def fire(self, call):
        """(answer-changing fault or None, [due mutate faults]) for this call; counts seen and fired."""
        chosen = None
        mutations = []
        with self._lock:
            for fault in self._faults:
                if not fault.matches(call):
                    continue
                fault.seen += 1
                if not fault.due():
                    continue
                if fault.kind == "mutate":
                    fault.fired += 1
                    mutations.append(fault)
                elif chosen is None:
                    fault.fired += 1
                    chosen = fault
        return chosen, mutations


class QuotaBook:
    """The per-action quotas of config ``quotas`` ({cloud: {action: calls per second}}): one token bucket per
    cloud + action + account, refilled at the quota's rate and holding at most one second of calls (at least one
    call). A call finding the bucket empty is refused with the cloud's throttling answer and takes no token."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets = {}

    def clear(self):
        with self._lock:
            self._buckets = {}

    def admit(self, call, quotas):
        """Whether the call is within its action's quota (always, when the action has none)."""
        rate = (quotas.get(call.cloud) or {}).get(call.action)
        if not rate:
            return True
        capacity = max(1.0, float(rate))
        key = (call.cloud, call.action, call.account)
        with self._lock:
            now = self.clock()
            tokens, updated = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - updated) * rate)
            admitted = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if admitted else tokens, now)
        return admitted
