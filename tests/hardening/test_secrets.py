"""Secrets: every module, on every cloud, on its success and failure paths, at -vvv, with distinctive secret values.

The keys come the way AWX injects them (the environment of ansible-playbook), through the SDK-named variables, with an
STS token; the wrong-secret and partial-key cases pass options. Nothing may show a secret: stdout, stderr, task results
(warnings included), the emulator's journal, the requests themselves (leak watch). The fault matrix, the TLS runs and
the property tests run the same scan on their own outputs.
"""

import pytest

from .harness import CLOUD_NAMES, SECRETS, WRONG_SECRETS, cloud_task, crashed, run_playbook, secret_findings
from .test_fault_matrix import make_ids

ENV = {
    "tencent": {
        "TENCENTCLOUD_SECRET_ID": "sts_access_key",
        "TENCENTCLOUD_SECRET_KEY": "sts_secret_key",
        "TENCENTCLOUD_SECURITY_TOKEN": "token",
    },
    "aliyun": {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "sts_access_key",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sts_secret_key",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "token",
    },
    "huawei": {
        "HUAWEICLOUD_SDK_AK": "sts_access_key",
        "HUAWEICLOUD_SDK_SK": "sts_secret_key",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": "token",
    },
}
BASE = {"retries": 1, "timeout": 5}
# (case, module, extra args, check_mode, expected status)
CASES = [
    ("info", "image_info", {}, False, "ok"),
    ("check_diff", "image", {"state": "absent"}, True, "ok"),
    ("delete", "image", {"state": "absent"}, False, "ok"),
    ("blocked", "image", {"state": "absent"}, False, "failed"),
    ("wrong_secret", "image", {"state": "absent"}, False, "failed"),
    ("wrong_secret_info", "image_info", {}, False, "failed"),
    ("partial_keys", "image", {"state": "absent"}, False, "failed"),
    ("malformed_id", "image", {"state": "absent"}, False, "failed"),
]
BLOCKED = {"tencent": "img-emu00003", "aliyun": "m-emu0003", "huawei": "e0000000-0000-4000-8000-000000000006"}
_RUN = {}


def connection(hx, cloud):
    args = hx.connection(cloud)
    for name in ("access_key", "secret_key", "security_token"):
        args.pop(name)  # from the environment
    return args


def secrets_outcome(hx, workdir):
    if _RUN:
        return _RUN
    hx.reset()
    env, tasks = {}, []
    for cloud in CLOUD_NAMES:
        env.update((name, SECRETS[cloud][key]) for name, key in ENV[cloud].items())
        fresh = make_ids(cloud, 80, 2)
        hx.control.add_images(cloud, [{"id": i, "name": "hx-secrets-%d" % n} for n, i in enumerate(fresh)])
        for case, module, extra, check_mode, _status in CASES:
            args = dict(BASE, **connection(hx, cloud))
            args.update(extra)
            if module == "image":
                args["image_ids"] = {
                    "check_diff": [fresh[0]],
                    "delete": [fresh[1]],
                    "blocked": [BLOCKED[cloud]],
                    "malformed_id": ["not-an-id-" + SECRETS[cloud]["access_key"]],
                }.get(case, [fresh[0]])
            if case.startswith("wrong_secret"):
                args["secret_key"] = WRONG_SECRETS[cloud]
            if case == "partial_keys":
                args.update(access_key=SECRETS[cloud]["access_key"], secret_key="")
            task = cloud_task(
                cloud, "%s %s" % (case, cloud), args, module="%s_%s" % (cloud, module), check_mode=check_mode
            )
            if case == "check_diff":
                task["diff"] = True
            tasks.append(task)
    run = run_playbook(workdir, "secrets", tasks, env=env)
    journal = hx.control.journal()
    _RUN.update(run=run, findings=secret_findings(run.texts(), journal, hx.control.leaks()), journal=journal)
    return _RUN


@pytest.mark.parametrize("case", [c[0] for c in CASES])
@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_no_secret_on_any_path(hx, hx_workdir, cloud, case):
    outcome = secrets_outcome(hx, hx_workdir)
    entry = outcome["run"].results.get((cloud, "%s %s" % (case, cloud)))
    assert entry is not None, outcome["run"].stdout[-3000:]
    expected = dict((c[0], c[4]) for c in CASES)[case]
    assert entry["status"] == expected and not crashed(entry["result"]), entry["result"]
    if case == "partial_keys":
        assert "secret_key" in entry["result"]["msg"]
    if case.startswith("wrong_secret"):
        assert entry["result"]["error"]["category"] == "auth_failed"
    assert [f for f in outcome["findings"] if f.split()[0] in (cloud, "a")] == [], outcome["findings"]


def test_the_scan_sees_secrets(hx, hx_workdir):
    """The scan itself: a secret, its middle part, Ansible's mask and a leak-watch hit are all reported."""
    value = SECRETS["aliyun"]["sts_secret_key"]
    assert secret_findings({"out": "x %s y" % value})
    assert secret_findings({"out": value[len(value) // 4 : len(value) // 4 + 10]})
    assert secret_findings({"out": "secret: ********"})
    assert not secret_findings({"out": "TASK [x] ************************************"})
    assert secret_findings({}, leaks={"hits": [{"cloud": "aliyun", "label": "x", "where": "body"}]})
    assert secret_findings({}, journal=[{"params": {"k": value}}])
