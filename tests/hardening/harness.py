"""Machinery of the hardening tests.

- ``HardeningEmulator``: an emulator of its own (tests/emulator/run.py) whose main account has distinctive secret keys
  and STS tokens, so that a leak anywhere can be found by plain text search.
- ``run_module``: a module's ``main()`` in this process (module_runs.module_args), for the property tests.
- ``run_playbook``: ``ansible-playbook -vvv`` with one host per cloud (strategy free: the clouds run side by side),
  every task result captured by the ``hardening_results`` callback.
- ``secret_findings``: the secret scan of outputs, results, warnings and the emulator's journal and leak watch.
"""

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

import yaml
from emulator import fixtures
from emulator.seed import DEFAULT_SEED_FILE, load_file
from module_runs import as_a_module, module_args
from processes import kill_tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CALLBACKS = os.path.join(HERE, "callback_plugins")
ACCOUNT = "100000000001"
CLOUD_NAMES = ("tencent", "aliyun", "huawei")
MASK = "********"  # what Ansible prints in place of a no_log value: its presence means something tried to print one
MASK_RE = re.compile(r"(?<!\*)\*{8}(?!\*)")  # exactly eight: longer runs are Ansible's banners

# Distinctive secrets of the main account: '/', '+' and '=' make a leak through URL or JSON encoding visible too.
SECRETS = {
    "tencent": {
        "access_key": "HXTENCENTPLAINID01",
        "secret_key": "hxTcKEY/plain+Zebra=7Qw3",
        "sts_access_key": "HXTENCENTSTSID0001",
        "sts_secret_key": "hxTcSTS/secret+Okapi=4Wm9",
        "token": "hxTcTOKEN/sts+Narwhal=2Lp8",
    },
    "aliyun": {
        "access_key": "HXALIYUNPLAINID01",
        "secret_key": "hxAlKEY/plain+Lemur=9Rt2",
        "sts_access_key": "STS.hxAliyunStsId0001",
        "sts_secret_key": "hxAlSTS/secret+Quokka=5Jk7",
        "token": "hxAlTOKEN/sts+Axolotl=8Hn4",
    },
    "huawei": {
        "access_key": "HXHUAWEIPLAINAK0001",
        "secret_key": "hxHwKEY/plain+Tapir=3Vb6",
        "sts_access_key": "HXHUAWEISTSAK000001",
        "sts_secret_key": "hxHwSTS/secret+Gecko=6Cx1",
        "token": "hxHwTOKEN/sts+Pangolin=1Ds5",
    },
}
# Wrong secrets a test sends on purpose: they must not come back either.
WRONG_SECRETS = {cloud: "hxWRONG/%s+Dingo=0Ff0" % cloud for cloud in CLOUD_NAMES}
PROJECTS = {"cn-north-4": "0a1b2c3d4e5f40718293a4b5c6d7e8f1"}
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
MODULES = {cloud: "%s_image" % cloud for cloud in CLOUD_NAMES}


def secret_values():
    """[(label, value, is_token)] of every secret the hardening tests use."""
    out = []
    for cloud, keys in SECRETS.items():
        out.append(("%s secret_key" % cloud, keys["secret_key"], False))
        out.append(("%s sts secret_key" % cloud, keys["sts_secret_key"], False))
        out.append(("%s security_token" % cloud, keys["token"], True))
        out.append(("%s wrong secret_key" % cloud, WRONG_SECRETS[cloud], False))
    return out


def hardening_seed():
    """The default seed with the main account's keys replaced by the distinctive ones."""
    seed = copy.deepcopy(load_file(DEFAULT_SEED_FILE))
    account = next(a for a in seed["accounts"] if str(a["id"]) == ACCOUNT)
    t, a, h = SECRETS["tencent"], SECRETS["aliyun"], SECRETS["huawei"]
    account["tencent"] = {"secret_id": t["access_key"], "secret_key": t["secret_key"]}
    account["aliyun"] = {"access_key_id": a["access_key"], "access_key_secret": a["secret_key"]}
    account["huawei"] = dict(account["huawei"], ak=h["access_key"], sk=h["secret_key"])
    account["sts"] = [
        {
            "cloud": cloud,
            "access_key": keys["sts_access_key"],
            "secret_key": keys["sts_secret_key"],
            "token": keys["token"],
        }
        for cloud, keys in SECRETS.items()
    ]
    return seed


class HardeningEmulator:
    """A dedicated emulator process (own seed, own faults and journal): .emu (fixtures.Emulator), .control."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.seed_file = os.path.join(workdir, "hardening_seed.yml")
        with open(self.seed_file, "w", encoding="utf-8") as handle:
            yaml.safe_dump(hardening_seed(), handle)
        self.process, ports = fixtures.start(self.seed_file, ("--tls-dir", os.path.join(workdir, "tls")))
        self.emu = fixtures.Emulator(ports, load_file(self.seed_file))
        self.control = self.emu.control
        self.ports = ports
        self.ca_path = ports["ca_path"]

    def stop(self):
        fixtures.stop(self.process, self.control)

    def reset(self, **config):
        """Back to the seed, with these config keys, and the leak watch on for every secret."""
        self.control.reset()
        if config:
            self.control.configure(**config)
        self.control.watch(
            [{"label": label, "value": value, "token": token} for label, value, token in secret_values()]
        )

    def connection(self, cloud, sts=True, https=False, secret_key=None):
        """Module options that reach this emulator as the main account (STS keys by default)."""
        keys = SECRETS[cloud]
        args = {"region": REGIONS[cloud], "endpoint": self.emu.url(cloud, https=https)}
        if sts:
            args.update(
                access_key=keys["sts_access_key"], secret_key=keys["sts_secret_key"], security_token=keys["token"]
            )
        else:
            args.update(access_key=keys["access_key"], secret_key=keys["secret_key"])
        if secret_key is not None:
            args["secret_key"] = secret_key
        if cloud == "huawei":
            args["project_id"] = PROJECTS["cn-north-4"]
        # Every other service the modules call is served by the emulator on the same port: never a public endpoint.
        args["service_endpoints"] = dict((name, args["endpoint"]) for name in SERVICES[cloud])
        return args

    def images(self, cloud):
        """{id: image} of the cloud's images that still exist (DELETING ones included)."""
        return {image["id"]: image for image in self.control.images(cloud)}

    def gone_or_deleting(self, cloud, image_id):
        image = self.images(cloud).get(image_id)
        return image is None or image.get("deleting_polls_left") is not None


# -- journal helpers ------------------------------------------------------------------------------------------


def applied_deletes(journal, image_id):
    """How many delete calls for image_id really ran (whatever answer the client got)."""
    return sum(1 for c in journal if c["mutating"] and c["applied"] and image_id in c["image_ids"])


def delete_attempts(journal, image_id):
    return sum(1 for c in journal if c["mutating"] and image_id in c["image_ids"])


# -- the secret scan ---------------------------------------------------------------------------------------------


def _needles(value):
    """The secret, and a distinctive middle part of it (a truncated or partly masked copy is still a leak)."""
    middle = value[len(value) // 4 : len(value) // 4 + 10]
    return (value, middle) if len(middle) >= 8 else (value,)


def secret_findings(texts, journal=None, leaks=None):
    """Every place a secret (or Ansible's mask of one) shows. texts: {place: str}. Empty list: clean."""
    found = []
    for place, text in texts.items():
        text = text or ""
        for label, value, _token in secret_values():
            for needle in _needles(value):
                if needle in text:
                    found.append("%s in %s" % (label, place))
                    break
        if MASK_RE.search(text):
            found.append("a masked no_log value (%s) in %s: something tried to print a secret" % (MASK, place))
    if journal is not None:
        dumped = json.dumps(journal, ensure_ascii=False)
        for label, value, _token in secret_values():
            if any(needle in dumped for needle in _needles(value)):
                found.append("%s in the emulator's journal" % label)
    for hit in (leaks or {}).get("hits", []):
        found.append("%s sent to the %s API in clear text (%s)" % (hit["label"], hit["cloud"], hit["where"]))
    return found


def crashed(result):
    """Whether a task result is a module crash (an uncaught exception) rather than the module's own answer.

    ansible-core 2.19 reports a crash as msg "Task failed: Module failed: <exception>" (older: MODULE FAILURE with
    module_stderr), and every failed result carries "exception": "(traceback unavailable)" unless tracebacks are on.
    """
    msg = str(result.get("msg", ""))
    return (
        "module_stderr" in result
        or "MODULE FAILURE" in msg
        or msg.startswith("Task failed: Module failed")
        or "Traceback (most recent call last)" in str(result.get("exception", ""))
    )


# -- in-process module runs ---------------------------------------------------------------------------------------


class Unrepresentable(Exception):
    """Args that Ansible's own module-args encoder refuses: they can never reach a module."""


class ModuleRun:
    def __init__(self, result, rc, stdout, stderr, error):
        self.result = result  # the exit JSON (None if there was none)
        self.rc = rc  # SystemExit code
        self.stdout = stdout
        self.stderr = stderr
        self.error = error  # a traceback (str) when the module raised anything but SystemExit

    @property
    def failed(self):
        return bool(self.result and self.result.get("failed"))


def module_main(cloud, info=False):
    import importlib

    name = "ansible_collections.multicloud.images.plugins.modules.%s_image%s" % (cloud, "_info" if info else "")
    return importlib.import_module(name).main


# The service_endpoints keys each cloud's modules take (their doc fragments).
SERVICES = {"tencent": ("sts", "as", "cbs"), "aliyun": ("sts", "ess"), "huawei": ("as", "ecs")}


def run_module(cloud, args, check_mode=False, diff=False, info=False):
    """Run <cloud>_image main() here with these args; capture its exit JSON, output and any traceback."""
    from ansible.module_utils.common import warnings as ansible_warnings

    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
    main = module_main(cloud, info)
    full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    out, err = io.StringIO(), io.StringIO()
    rc, error = None, None
    try:
        # The controller refuses what is not valid UTF-8 (lone surrogates) in playbooks and extra vars alike.
        json.dumps(full, ensure_ascii=False, default=str).encode("utf-8")
    except (UnicodeError, ValueError) as exc:
        raise Unrepresentable(repr(exc))
    patch = module_args(full)
    try:
        patch.__enter__()
    except Exception as exc:
        raise Unrepresentable(repr(exc))
    with contextlib.ExitStack() as stack:
        stack.push(patch)
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(as_a_module())
        try:
            main()
            error = "main() returned without exit_json/fail_json"
        except SystemExit as exit_:
            rc = exit_.code
        except BaseException:  # the property under test: this must never happen
            error = traceback.format_exc()
    text = out.getvalue()
    result = None
    try:
        result = json.loads(text.strip().splitlines()[-1]) if text.strip() else None
    except ValueError:
        error = error or "stdout is not the module's JSON: %r" % text[-500:]
    return ModuleRun(result, rc, text, err.getvalue(), error)


# -- ansible-playbook runs ----------------------------------------------------------------------------------------


class PlaybookRun:
    def __init__(self, rc, stdout, stderr, results, duration, timed_out):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results  # {(host, task name): {"status", "result"}}
        self.duration = duration
        self.timed_out = timed_out

    def result(self, host, task):
        entry = self.results.get((host, task))
        if entry is None:
            raise AssertionError(
                "no result for %s / %s; stdout tail:\n%s\nstderr:\n%s"
                % (host, task, self.stdout[-3000:], self.stderr[-3000:])
            )
        return entry["result"]

    def texts(self):
        return {
            "ansible-playbook stdout": self.stdout,
            "ansible-playbook stderr": self.stderr,
            "task results": json.dumps([e["result"] for e in self.results.values()], ensure_ascii=False),
        }


def inventory(path):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "[clouds]\n%s\n\n[clouds:vars]\nansible_connection=local\nansible_python_interpreter=%s\n"
            % ("\n".join(CLOUD_NAMES), sys.executable)
        )
    return path


def playbook_env(results_path, extra=None):
    from conftest import COLLECTIONS_ROOT

    env = {k: v for k, v in os.environ.items() if k not in fixtures.PROXY_VARIABLES and not k.startswith("ANSIBLE_")}
    env.update(
        {
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
            "ANSIBLE_CALLBACKS_ENABLED": "hardening_results",
            "HARDENING_RESULTS": results_path,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(os.path.dirname(results_path), "ansible-local"),
            "ANSIBLE_FORKS": "6",
        }
    )
    env.update(extra or {})
    return env


def start_playbook(workdir, name, tasks, env=None, verbosity="-vvv", play_extra=None):
    """Write and start a playbook of these tasks (each names its cloud host: ``when: inventory_hostname == C``)."""
    run_dir = tempfile.mkdtemp(prefix=name + "-", dir=workdir)
    play = {"name": name, "hosts": "clouds", "gather_facts": False, "strategy": "free", "tasks": tasks}
    play.update(play_extra or {})
    path = os.path.join(run_dir, "play.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([play], handle, sort_keys=False, allow_unicode=True)
    results = os.path.join(run_dir, "results.jsonl")
    command = [
        os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
        "-i",
        inventory(os.path.join(run_dir, "hosts.ini")),
        path,
    ] + ([verbosity] if verbosity else [])
    stdout = open(os.path.join(run_dir, "stdout.txt"), "w+", encoding="utf-8")
    stderr = open(os.path.join(run_dir, "stderr.txt"), "w+", encoding="utf-8")
    process = subprocess.Popen(
        command, cwd=run_dir, env=playbook_env(results, env), stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL
    )
    return {"process": process, "stdout": stdout, "stderr": stderr, "results": results, "started": time.monotonic()}


def finish_playbook(handle, timeout=150):
    process = handle["process"]
    timed_out = False
    try:
        process.wait(timeout=max(1, timeout - (time.monotonic() - handle["started"])))
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_tree(process)
    duration = time.monotonic() - handle["started"]
    outputs = []
    for stream in (handle["stdout"], handle["stderr"]):
        stream.seek(0)
        outputs.append(stream.read())
        stream.close()
    results = {}
    if os.path.exists(handle["results"]):
        with open(handle["results"], encoding="utf-8") as lines:
            for line in lines:
                entry = json.loads(line)
                results[(entry["host"], entry["task"])] = entry
    return PlaybookRun(process.returncode, outputs[0], outputs[1], results, duration, timed_out)


def run_playbook(workdir, name, tasks, env=None, timeout=150, play_extra=None):
    return finish_playbook(start_playbook(workdir, name, tasks, env=env, play_extra=play_extra), timeout)


def cloud_task(cloud, name, args, module=None, check_mode=False):
    """One task for the cloud's host; failures are recorded, not fatal."""
    task = {
        "name": name,
        "multicloud.images.%s" % (module or MODULES[cloud]): args,
        "when": "inventory_hostname == '%s'" % cloud,
        "ignore_errors": True,
    }
    if check_mode:
        task["check_mode"] = True
    return task
