"""pytest fixtures: `emulator` (one emulator process per session) and `emu` (reset before each test)."""

import json
import os
import selectors
import subprocess
import sys
import tempfile

import pytest

from .client import ControlClient
from .seed import DEFAULT_SEED_FILE, load_file

RUN_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.py")
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)
START_TIMEOUT = 30


class Emulator:
    """A running emulator: .ports (the JSON it printed), .control (ControlClient), .keys, .seed, .ca_path."""

    def __init__(self, ports, seed):
        self.ports = ports
        self.control = ControlClient(ports["control"])
        self.seed = seed
        self.keys = default_keys(seed)
        self.ca_path = ports.get("ca_path")  # None when started with --no-tls

    def endpoint(self, cloud):
        return self.ports[cloud]

    def url(self, cloud, https=False):
        """The cloud's endpoint as a URL: http://127.0.0.1:PORT, or its HTTPS port (https=True)."""
        address = self.ports[cloud + "_https" if https else cloud]
        if "://" in address:
            return address
        return ("https://" if https else "http://") + address


def default_keys(seed):
    """The first account's keys per cloud, plus its Huawei projects and STS keys."""
    account = seed["accounts"][0]
    keys = {cloud: dict(account[cloud]) for cloud in ("tencent", "aliyun", "huawei") if cloud in account}
    keys["account"] = str(account["id"])
    keys["sts"] = {sts["cloud"]: dict(sts) for sts in account.get("sts", []) if not sts.get("expired")}
    keys["sts_expired"] = {sts["cloud"]: dict(sts) for sts in account.get("sts", []) if sts.get("expired")}
    return keys


def start(seed_file=DEFAULT_SEED_FILE, extra_args=()):
    """Start run.py as a subprocess; return (process, ports). Its stderr goes to a temporary file."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    stderr = tempfile.TemporaryFile()
    # --parent-pid: if this test process is killed (a timeout, an OOM kill), the emulator stops by itself.
    process = subprocess.Popen(
        [sys.executable, RUN_PY, "--seed", seed_file, "--parent-pid", str(os.getpid()), *extra_args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
    )
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(START_TIMEOUT)
    line = process.stdout.readline() if ready else b""
    if not line:
        process.kill()
        process.wait(5)
        stderr.seek(0)
        raise RuntimeError("the emulator did not start: %s" % stderr.read().decode(errors="replace"))
    return process, json.loads(line)


def stop(process, control):
    try:
        control.shutdown()
        process.wait(10)
    except Exception:  # already gone or hung: make sure it ends
        process.kill()
        process.wait(5)


@pytest.fixture(scope="session")
def emulator():
    # The Alibaba SDK always uses HTTP(S)_PROXY from the environment (darabonba ignores NO_PROXY): none while the emulator runs.
    saved = {name: os.environ.pop(name) for name in PROXY_VARIABLES if name in os.environ}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    try:
        process, ports = start()
        instance = Emulator(ports, load_file(DEFAULT_SEED_FILE))
        try:
            yield instance
        finally:
            stop(process, instance.control)
    finally:
        for name in ("NO_PROXY", "no_proxy"):
            os.environ.pop(name, None)
        os.environ.update(saved)


@pytest.fixture
def emu(emulator):
    emulator.control.reset()
    return emulator
