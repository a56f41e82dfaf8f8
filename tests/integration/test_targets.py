"""Run the integration targets (tests/integration/targets) with ansible-playbook against the local emulator.

For each image module target: reset the emulator, write integration_config.yml for it, and apply the target role
in a one-play playbook. The targets check the module results and the emulator's journal themselves; this file
checks what a playbook cannot see from inside: that secrets stay out of `ansible-playbook -vvv` output, and that a
task with malformed ids never imports a cloud SDK.
"""

import json
import os
import resource
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from conftest import COLLECTIONS_ROOT  # tests/conftest.py: the ansible_collections symlink farm
from emulator_config import build_config, write_config
from processes import kill_tree

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, "targets")
BIN = os.path.dirname(sys.executable)
ANSIBLE_PLAYBOOK = os.path.join(BIN, "ansible-playbook")
IMAGE_TARGETS = ("tencent_image", "aliyun_image", "huawei_image")
# One target run should take well under a minute on an idle machine; the bound is for a loaded one.
TARGET_TIMEOUT = int(os.environ.get("MCI_TARGET_TIMEOUT", "300"))
SHORT_TIMEOUT = int(os.environ.get("MCI_SHORT_TIMEOUT", "120"))
# Only these scenarios of a target (names separated by commas; the run_scenarios target's run_scenarios_only).
ONLY_SCENARIOS = os.environ.get("MCI_SCENARIOS", "")
TAIL_LINES = 80

PROXY_VARIABLES = {
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
}
# Cloud credentials of the developer's shell must not leak into the modules' environment fallbacks.
CLOUD_ENV_PREFIXES = ("TENCENTCLOUD_", "ALIBABA_CLOUD_", "ALICLOUD_", "HUAWEICLOUD_", "HW_")
SDK_PACKAGES = ("tencentcloud", "alibabacloud", "Tea", "darabonba", "huaweicloudsdk")

# A syntactically valid id per cloud that no seed uses.
ABSENT_IDS = {"tencent": "img-itest0000a", "aliyun": "m-itest0000a", "huawei": "e9999999-0000-4000-8000-00000000000a"}
MALFORMED_IDS = {
    "tencent": ["img-BAD", "m-emu0001"],
    "aliyun": ["img-emu00001", "m-"],
    "huawei": ["not-a-uuid", "img-emu00001"],
}


# -- running ansible-playbook ------------------------------------------------------------------


def playbook_env(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in PROXY_VARIABLES and not name.startswith(CLOUD_ENV_PREFIXES) and not name.startswith("ANSIBLE_")
    }
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\n", encoding="utf-8")
    env.update(
        {
            "ANSIBLE_CONFIG": str(config),
            "ANSIBLE_ROLES_PATH": TARGETS,
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ANSIBLE_PIPELINING": "1",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "PATH": BIN + os.pathsep + env.get("PATH", ""),
        }
    )
    return env


def run_playbook(tmp_path, play, config, extra_args=(), timeout=TARGET_TIMEOUT):
    """Write ``play`` and ``config``, run ansible-playbook on them; return (rc, output, seconds).

    The CPU seconds of the run (ansible-playbook and its module processes) are printed beside the wall time: on a
    busy machine the wall time says little about the tests themselves.
    """
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    config_file = tmp_path / "integration_config.yml"
    write_config(config, str(config_file))
    command = [ANSIBLE_PLAYBOOK, "-i", "localhost,", str(playbook), "-e", "@%s" % config_file, *extra_args]
    started, cpu_before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        command,
        cwd=str(tmp_path),
        env=playbook_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        output = process.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        kill_tree(process)
        output = process.communicate()[0]
        pytest.fail("ansible-playbook did not finish within %d s:\n%s" % (timeout, tail(output)))
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        "ansible-playbook: %.1f s wall, %.1f s CPU"
        % (
            time.monotonic() - started,
            cpu_after.ru_utime - cpu_before.ru_utime + cpu_after.ru_stime - cpu_before.ru_stime,
        )
    )
    return process.returncode, output.decode(errors="replace"), time.monotonic() - started


def tail(output, lines=TAIL_LINES):
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    return "\n".join(output.splitlines()[-lines:])


def one_play(roles=(), tasks=()):
    play = {"name": "integration", "hosts": "localhost", "connection": "local", "gather_facts": False}
    if roles:
        play["roles"] = list(roles)
    if tasks:
        play["tasks"] = list(tasks)
    return play


def run_target(target, config, tmp_path, label=""):
    """Run ``target`` as the role of one play; fail with the end of its output unless it passes. Return the output.

    With MCI_SCENARIOS set, only those scenarios of the target run (a name the target lacks fails it)."""
    extra_args = ["-e", "run_scenarios_only=%s" % ONLY_SCENARIOS] if ONLY_SCENARIOS else []
    rc, output, seconds = run_playbook(tmp_path, one_play(roles=[target]), config, extra_args)
    print("%s%s: rc %s in %.1f s" % (target, label, rc, seconds))
    assert rc == 0, "%s failed (rc %s, %.1f s); the end of its output:\n%s" % (target, rc, seconds, tail(output))
    return output


def without_emulator(config, iam=True):
    """The config a real-cloud run gets: no emulator_* settings. The emulator still plays the cloud (and, with
    ``iam``, Huawei's IAM too)."""
    config = {name: value for name, value in config.items() if not name.startswith("emulator_")}
    if iam:
        config["huawei_iam_endpoint"] = config["huawei_endpoint"]
    return config


@pytest.fixture
def emu_config(emu):
    return build_config(emu.ports, emu.seed)


# -- the targets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", IMAGE_TARGETS)
def test_target(target, emu, emu_config, tmp_path):
    run_target(target, emu_config, tmp_path)


@pytest.mark.parametrize("target", IMAGE_TARGETS)
def test_target_as_against_a_real_cloud(target, emu, emu_config, tmp_path):
    """Without emulator_control the targets must run only what is safe on a real account: the emulator plays the
    cloud here, and its journal must show that nothing was deleted and no control call was needed."""
    output = run_target(target, without_emulator(emu_config), tmp_path, " without emulator_control")
    assert "Skipped without the emulator:" in output, tail(output)
    calls = emu.control.journal()
    assert calls, "the real-cloud scenarios made no API call"
    assert [call for call in calls if call["mutating"]] == [], "a real-cloud run must not delete anything"


# -- secrets in -vvv output ----------------------------------------------------------------------


def wrong_secret_task(cloud, config, secret, token):
    args = {
        "state": "absent",
        "image_ids": [ABSENT_IDS[cloud]],
        "region": config["%s_region" % cloud],
        "endpoint": config["%s_endpoint" % cloud],
        "access_key": config["%s_sts_access_key" % cloud],
        "secret_key": secret,
        "security_token": token,
        "retries": 2,
    }
    if cloud == "huawei":
        args["project_id"] = config["huawei_project_id"]
    return [
        {
            "name": "Delete with a wrong secret",
            "multicloud.images.%s_image" % cloud: args,
            "register": "itest_result",
            "ignore_errors": True,
        },
        {
            "name": "The task failed as an auth error",
            "ansible.builtin.assert": {
                "that": ["itest_result is failed", "itest_result.error.category == 'auth_failed'"]
            },
        },
    ]


@pytest.mark.parametrize("cloud", ("tencent", "aliyun", "huawei"))
def test_wrong_secret_stays_secret(cloud, emu, emu_config, tmp_path):
    """A failed login at -vvv: one call, an auth error, and neither the secret nor the token anywhere."""
    secret = "itest-secret-%s-%s" % (cloud, uuid.uuid4().hex)
    token = "itest-token-%s-%s" % (cloud, uuid.uuid4().hex)
    emu.control.clear_journal()
    rc, output, seconds = run_playbook(
        tmp_path,
        one_play(tasks=wrong_secret_task(cloud, emu_config, secret, token)),
        emu_config,
        extra_args=["-vvv"],
        timeout=SHORT_TIMEOUT,
    )
    print("%s wrong secret at -vvv: rc %s in %.1f s" % (cloud, rc, seconds))
    assert rc == 0, tail(output)
    assert "auth_failed" in output
    for value in (secret, token):
        assert value not in output, "a secret shows in ansible-playbook -vvv output"
    calls = emu.control.journal()
    assert len(calls) == 1, "an auth failure must not be retried: %s" % json.dumps(calls)
    journal = json.dumps(calls)
    for value in (secret, token):
        assert value not in journal, "a secret reached the emulator's journal"


# -- malformed ids: no SDK import -----------------------------------------------------------------

RUN_MODULE = """
import json, runpy, sys
sys.argv = ["module", sys.argv[1]]
try:
    runpy.run_module("ansible_collections.multicloud.images.plugins.modules.%s_image", run_name="__main__")
except SystemExit:
    pass
sys.stderr.write("\\nSDK-MODULES " + json.dumps(sorted(m for m in sys.modules if m.startswith(%r))) + "\\n")
"""


def run_module_directly(cloud, args, tmp_path):
    """Run the module file in a fresh interpreter; return (its JSON result, the SDK modules it imported)."""
    args_file = tmp_path / ("%s-args.json" % cloud)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}), encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in PROXY_VARIABLES and not name.startswith(CLOUD_ENV_PREFIXES)
    }
    env["PYTHONPATH"] = COLLECTIONS_ROOT
    result = subprocess.run(
        [sys.executable, "-c", RUN_MODULE % (cloud, SDK_PACKAGES), str(args_file)],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=SHORT_TIMEOUT,
        check=False,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("SDK-MODULES ")]
    assert marker, "the module runner broke: %s %s" % (result.stdout, result.stderr)
    return json.loads(result.stdout), json.loads(marker[-1].split(" ", 1)[1])


@pytest.mark.parametrize("cloud", ("tencent", "aliyun", "huawei"))
def test_malformed_ids_import_no_sdk(cloud, emu, emu_config, tmp_path):
    base = {
        "state": "absent",
        "region": emu_config["%s_region" % cloud],
        "endpoint": emu_config["%s_endpoint" % cloud],
        "access_key": emu_config["%s_access_key" % cloud],
        "secret_key": emu_config["%s_secret_key" % cloud],
        "retries": 0,
    }
    if cloud == "huawei":
        base["project_id"] = emu_config["huawei_project_id"]
    emu.control.clear_journal()
    result, imported = run_module_directly(
        cloud, dict(base, image_ids=[ABSENT_IDS[cloud]] + MALFORMED_IDS[cloud]), tmp_path
    )
    assert result.get("failed"), result
    assert [b["id"] for b in result["blocked"]] == MALFORMED_IDS[cloud], result
    assert imported == [], "a task that fails on its ids imported %s" % imported
    assert emu.control.journal() == []
    # The same runner sees the SDK when the module does talk to the cloud, so the check above can fail.
    result, imported = run_module_directly(cloud, dict(base, image_ids=[ABSENT_IDS[cloud]]), tmp_path)
    assert not result.get("failed"), result
    assert result["already_absent"] == [ABSENT_IDS[cloud]]
    assert imported, "the control run imported no SDK"
