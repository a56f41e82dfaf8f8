"""Injected faults: which calls they match, when they fire, how many times."""
import threading

KINDS = ("throttle", "server_error", "drop", "slow", "error")
ACTIONS = {
    "tencent": ("DescribeImages", "DeleteImages"),
    "aliyun": ("DescribeImages", "DeleteImage"),
    "huawei": ("ShowImage", "ListImages", "DeleteImage", "ListProjects"),
}
MAX_DELAY_MS = 120000


class FaultError(ValueError):
    pass


class Fault:
    def __init__(self, spec):
        spec = dict(spec)
        self.cloud = spec.pop("cloud", None)
        self.action = spec.pop("action", None)
        self.image_id = spec.pop("image_id", None)
        self.kind = spec.pop("kind", None)
        self.times = spec.pop("times", 1)
        self.after = spec.pop("after", 0)
        self.code = spec.pop("code", None)
        self.status = spec.pop("status", None)
        self.message = spec.pop("message", None)
        self.delay_ms = spec.pop("delay_ms", None)
        if spec:
            raise FaultError("unknown fault keys: %s" % ", ".join(sorted(spec)))
        if self.cloud not in ACTIONS:
            raise FaultError("fault cloud must be one of %s" % ", ".join(ACTIONS))
        if self.action is not None and self.action not in ACTIONS[self.cloud]:
            raise FaultError("%s actions are %s" % (self.cloud, ", ".join(ACTIONS[self.cloud])))
        if self.kind not in KINDS:
            raise FaultError("fault kind must be one of %s" % ", ".join(KINDS))
        for name in ("times", "after"):
            if not isinstance(getattr(self, name), int) or isinstance(getattr(self, name), bool):
                raise FaultError("%s must be an integer" % name)
        if self.kind == "error" and not self.code:
            raise FaultError("an error fault needs a code")
        if self.status is not None and not (isinstance(self.status, int) and 200 <= self.status <= 599):
            raise FaultError("status must be an HTTP status code")
        if self.kind == "slow":
            self.delay_ms = 1000 if self.delay_ms is None else self.delay_ms
        if self.delay_ms is not None and not (isinstance(self.delay_ms, int) and 0 <= self.delay_ms <= MAX_DELAY_MS):
            raise FaultError("delay_ms must be an integer from 0 to %d" % MAX_DELAY_MS)
        self.seen = 0
        self.fired = 0

    def matches(self, call):
        return (self.cloud == call.cloud and self.action in (None, call.action)
                and (self.image_id is None or self.image_id in call.image_ids))

    def describe(self):
        return {"cloud": self.cloud, "action": self.action, "image_id": self.image_id, "kind": self.kind,
                "times": self.times, "after": self.after, "code": self.code, "status": self.status,
                "message": self.message, "delay_ms": self.delay_ms, "seen": self.seen, "fired": self.fired}


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
        """Every matching fault sees the call; the first one still due fires (times < 0: every time)."""
        chosen = None
        with self._lock:
            for fault in self._faults:
                if not fault.matches(call):
                    continue
                fault.seen += 1
                due = fault.seen > fault.after and (fault.times < 0 or fault.fired < fault.times)
                if due and chosen is None:
                    fault.fired += 1
                    chosen = fault
        return chosen
