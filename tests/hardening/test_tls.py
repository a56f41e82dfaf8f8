"""TLS: the emulator's HTTPS ports (certificate from a CA it makes at start), through ansible-playbook -vvv.

Per cloud: validate_certs true + ca_path works; the default trust store (the emulator's CA unknown to it) fails once,
with a message that says the certificate could not be verified and what to set, and is not retried (a verification
failure is a configuration problem, not a transient one); a ca_path that does not exist fails the same way without a
connection; validate_certs false works and warns.
"""

import json

import pytest

from .harness import CLOUD_NAMES, cloud_task, crashed, run_playbook, secret_findings
from .test_fault_matrix import make_ids

CASES = ("ca_path", "unknown_ca", "missing_ca_file", "no_verification")
BASE = {"state": "absent", "retries": 2, "timeout": 5, "wait": True, "wait_timeout": 60}
_RUN = {}


def tls_outcome(hx, workdir):
    if _RUN:
        return _RUN
    hx.reset()
    tasks, ids = [], {}
    for cloud in CLOUD_NAMES:
        ids[cloud] = dict(zip(CASES, make_ids(cloud, 70, len(CASES))))
        hx.control.add_images(cloud, [{"id": i, "name": "hx-tls-" + case} for case, i in ids[cloud].items()])
        for case in CASES:
            args = dict(BASE, image_ids=[ids[cloud][case]], **hx.connection(cloud, https=True))
            if case == "ca_path":
                args["ca_path"] = hx.ca_path
            elif case == "missing_ca_file":
                args["ca_path"] = hx.ca_path + ".missing"
            elif case == "no_verification":
                args["validate_certs"] = False
            tasks.append(cloud_task(cloud, "%s %s" % (case, cloud), args))
    run = run_playbook(workdir, "tls", tasks)
    journal = hx.control.journal()
    _RUN.update(
        run=run,
        ids=ids,
        journal=journal,
        tls=hx.control.tls()["ports"],
        images={cloud: hx.images(cloud) for cloud in CLOUD_NAMES},
        findings=secret_findings(run.texts(), journal, hx.control.leaks()),
    )
    return _RUN


def cell(outcome, cloud, case):
    entry = outcome["run"].results.get((cloud, "%s %s" % (case, cloud)))
    assert entry is not None, outcome["run"].stdout[-3000:]
    assert not crashed(entry["result"]), "the module crashed: %s" % show(entry["result"])
    return entry["status"], entry["result"]


def calls_about(outcome, cloud, image_id):
    return [c for c in outcome["journal"] if c["cloud"] == cloud and image_id in c["image_ids"]]


def show(result):
    return json.dumps({k: v for k, v in result.items() if k != "invocation"}, default=str)[:2000]


def deleted_over_tls(outcome, cloud, case):
    """The case's task deleted its one image, every call about it over TLS; returns (result, those calls)."""
    status, result = cell(outcome, cloud, case)
    image_id = outcome["ids"][cloud][case]
    assert status == "ok" and result["deleted"] == [image_id] and result["changed"] is True, show(result)
    calls = calls_about(outcome, cloud, image_id)
    assert all(c["tls"] for c in calls)
    return result, calls


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_validate_certs_with_ca_path_works(hx, hx_workdir, cloud):
    outcome = tls_outcome(hx, hx_workdir)
    result, calls = deleted_over_tls(outcome, cloud, "ca_path")
    assert not any("validate_certs" in w for w in result.get("warnings", []))
    assert calls
    assert sum(1 for c in calls if c["mutating"] and c["applied"]) == 1


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_unknown_ca_fails_clearly_once(hx, hx_workdir, cloud):
    outcome = tls_outcome(hx, hx_workdir)
    status, result = cell(outcome, cloud, "unknown_ca")
    image_id = outcome["ids"][cloud]["unknown_ca"]
    assert status == "failed" and result["deleted"] == [] and not result["changed"], show(result)
    assert calls_about(outcome, cloud, image_id) == []  # the handshake failed: no request reached the API
    assert image_id in outcome["images"][cloud]
    msg = result["msg"].lower()
    assert "certificate" in msg and "ca_path" in msg, result["msg"]
    assert "run again later" not in msg, "a verification failure is not a passing network problem: %s" % result["msg"]
    assert result["error"]["category"] not in ("transient", "throttled"), show(result)
    # One handshake, refused: a certificate that cannot be verified is not retried.
    assert outcome["tls"]["%s_https" % cloud]["failures"] == 1, outcome["tls"]


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_missing_ca_file_fails_clearly(hx, hx_workdir, cloud):
    outcome = tls_outcome(hx, hx_workdir)
    status, result = cell(outcome, cloud, "missing_ca_file")
    assert status == "failed" and result["deleted"] == [] and not result["changed"], show(result)
    assert calls_about(outcome, cloud, outcome["ids"][cloud]["missing_ca_file"]) == []
    assert "ca_path" in result["msg"] and ".missing" in result["msg"], result["msg"]
    assert result["error"]["category"] not in ("transient", "throttled"), show(result)


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_no_verification_works_and_warns(hx, hx_workdir, cloud):
    outcome = tls_outcome(hx, hx_workdir)
    result, dummy_calls = deleted_over_tls(outcome, cloud, "no_verification")
    assert any("validate_certs" in w for w in result.get("warnings", [])), result.get("warnings")
    assert "validate_certs is false" in outcome["run"].stderr


def test_tls_runs_leak_no_secret(hx, hx_workdir):
    assert tls_outcome(hx, hx_workdir)["findings"] == []
