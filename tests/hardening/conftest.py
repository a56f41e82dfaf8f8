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


# -- a summary of the run: tests/output/hardening/summary.json and matrix.md ------------------------------------------

_OUTCOMES = {}


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        if "tests/hardening/" in report.nodeid:
            _OUTCOMES[report.nodeid] = report.outcome


def pytest_sessionfinish(session, exitstatus):
    if not _OUTCOMES:
        return
    import json
    import re

    from . import test_properties

    out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "output", "hardening")
    os.makedirs(out, exist_ok=True)
    examples = {"%s %s" % key: n for key, n in sorted(test_properties.COUNTS.items())}
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump(
            {"outcomes": _OUTCOMES, "examples": examples, "examples_total": sum(test_properties.COUNTS.values())},
            handle,
            indent=1,
            sort_keys=True,
        )
    rows, clouds = {}, ("tencent", "aliyun", "huawei")
    for nodeid, outcome in _OUTCOMES.items():
        match = re.search(r"::test_(\w+)\[(.+)\]$", nodeid)
        if not match:
            continue
        params = match.group(2)
        cloud = next((c for c in clouds if re.search(r"(^|-)%s($|-)" % c, params)), None)
        if cloud is None:
            continue
        rest = re.sub(r"(^|-)%s($|-)" % cloud, "-", params).strip("-")
        row = "%s %s" % (match.group(1), rest) if rest else match.group(1)
        rows.setdefault(row, {})[cloud] = outcome
    with open(os.path.join(out, "matrix.md"), "w", encoding="utf-8") as handle:
        handle.write("| test | %s |\n|---|---|---|---|\n" % " | ".join(clouds))
        for row in sorted(rows):
            handle.write("| %s | %s |\n" % (row, " | ".join(rows[row].get(c, "n/a") for c in clouds)))
