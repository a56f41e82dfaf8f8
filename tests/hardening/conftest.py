"""Fixtures of the hardening tests: one dedicated emulator per session (``hx``) and a work directory."""
import os
import shutil
import tempfile

import pytest

from emulator import fixtures

from .harness import HardeningEmulator


@pytest.fixture(scope="session")
def hx_workdir():
    path = tempfile.mkdtemp(prefix="multicloud-hardening-")
    yield path
    if not os.environ.get("HARDENING_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def hx(hx_workdir):
    # The Alibaba SDK always uses HTTP(S)_PROXY from the environment: none while the emulator runs (as fixtures.py).
    saved = {name: os.environ.pop(name) for name in fixtures.PROXY_VARIABLES if name in os.environ}
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    emulator = HardeningEmulator(hx_workdir)
    try:
        yield emulator
    finally:
        emulator.stop()
        for name in ("NO_PROXY", "no_proxy"):
            os.environ.pop(name, None)
        os.environ.update(saved)
