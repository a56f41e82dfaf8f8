"""The benchmark's machinery (scripts/bench_lib): the emulator it starts, the images it seeds, the playbooks it writes
and runs with the timing callback. measure.py measures with it; bench.py drives both and report.py prints.
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from emulator.client import ControlClient  # noqa: E402  pylint: disable=wrong-import-position

CLOUDS = ("tencent", "aliyun", "huawei")
MODULES = {"tencent": "tencent_image", "aliyun": "aliyun_image", "huawei": "huawei_image"}
# The emulator's default seed: account 100000000001 (fake keys that only work against the emulator).
CONNECTION = {
    "tencent": {"region": "ap-guangzhou", "access_key": "emu-tencent-id-1", "secret_key": "emu-tencent-key-1"},
    "aliyun": {"region": "cn-hangzhou", "access_key": "emu-aliyun-id-1", "secret_key": "emu-aliyun-secret-1"},
    "huawei": {
        "region": "cn-north-4",
        "access_key": "emu-huawei-ak-1",
        "secret_key": "emu-huawei-sk-1",
        "project_id": "0a1b2c3d4e5f40718293a4b5c6d7e8f1",
    },
}


def log(msg):
    """Progress on stderr (the figures go to stdout)."""
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# -- ids -------------------------------------------------------------------------------------
def make_ids(cloud, run, count):
    """``count`` fresh ids in the cloud's format, unique per ``run``."""
    if cloud == "tencent":
        return ["img-b%03dr%05d" % (run, i) for i in range(count)]
    if cloud == "aliyun":
        return ["m-b%03dr%05d" % (run, i) for i in range(count)]
    return ["%08x-0000-4000-8000-%012x" % (0xB0000000 + run, i) for i in range(count)]


def seed_images(control, cloud, ids, tag):
    region = CONNECTION[cloud]["region"]
    images = [
        {
            "id": image_id,
            "name": "bench-%s-%05d" % (tag, n),
            "region": region,
            "account": "100000000001",
            "created_at": "2026-02-01T00:00:00Z",
        }
        for n, image_id in enumerate(ids)
    ]
    for start in range(0, len(images), 500):
        control.add_images(cloud, images[start : start + 500])


# -- playbooks -------------------------------------------------------------------------------
# The other services the modules read (protect_referenced), served by the emulator on the cloud's port.
REFERENCE_SERVICES = {"tencent": ("as",), "aliyun": ("ess",), "huawei": ("as", "ecs")}


def emulator_connection(cloud, ports):
    """The connection options of ``cloud`` pointed at the emulator: the image API and the other services."""
    conn = dict(CONNECTION[cloud])
    endpoint = ports[cloud] if ports[cloud].startswith("http") else "http://" + ports[cloud]
    conn["endpoint"] = endpoint
    conn["service_endpoints"] = dict((name, endpoint) for name in REFERENCE_SERVICES[cloud])
    return conn


def module_defaults(cloud, ports):
    return {"group/multicloud.images.%s" % cloud: emulator_connection(cloud, ports)}


def play(cloud, ports, tasks, name):
    return [
        {
            "name": name,
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": module_defaults(cloud, ports),
            "tasks": tasks,
        }
    ]


def delete_task(cloud, name, ids_expr, extra=None):
    args = {"state": "absent", "image_ids": ids_expr}
    args.update(extra or {})
    return {"name": name, "multicloud.images.%s" % MODULES[cloud]: args}


def write_yaml(path, data):
    # JSON is YAML: no PyYAML needed to write a playbook.
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


class Runner:
    """Runs ansible-playbook with the collection farm and the timing callback; one emulator for all runs."""

    def __init__(self, args):
        self.args = args
        self.work = args.work
        self.out = args.out
        self.python = sys.executable
        self.bin = os.path.dirname(sys.executable)
        self.farm = os.path.join(self.work, "farm")
        self.ports = None
        self.control = None
        self.run_no = 0
        self.id_batches = 0
        self.pid = None

    # -- setup -------------------------------------------------------------------------------
    def make_farm(self):
        link_dir = os.path.join(self.farm, "ansible_collections", "multicloud")
        os.makedirs(link_dir, exist_ok=True)
        link = os.path.join(link_dir, "images")
        if not os.path.islink(link):
            os.symlink(ROOT, link)

    def env(self, **extra):
        env = dict(os.environ)
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(name, None)
        env.update(
            {
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
                "ANSIBLE_COLLECTIONS_PATH": self.farm,
                "ANSIBLE_PYTHON_INTERPRETER": self.python,
                "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
                "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
                "ANSIBLE_RETRY_FILES_ENABLED": "false",
                "ANSIBLE_LOCAL_TEMP": os.path.join(self.work, "ansible-local"),
                "ANSIBLE_REMOTE_TEMP": os.path.join(self.work, "ansible-remote"),
            }
        )
        env.update(extra)
        return env

    def start_emulator(self):
        ports_file = os.path.join(self.work, "ports.json")
        cmd = [
            self.python,
            os.path.join(ROOT, "tests", "emulator", "run.py"),
            "--background",
            "--ports-file",
            ports_file,
            "--latency-ms",
            str(self.args.latency_ms),
        ]
        subprocess.run(cmd, cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL, timeout=60)
        with open(ports_file, encoding="utf-8") as handle:
            self.ports = json.load(handle)
        self.pid = self.ports["pid"]
        self.control = ControlClient(self.ports["control"], timeout=60)
        self.control.health()
        log(
            "emulator pid %s, latency %d ms per call: %s"
            % (self.pid, self.args.latency_ms, json.dumps(dict((k, v) for k, v in self.ports.items() if k != "pid")))
        )

    def stop_emulator(self):
        if self.control is None:
            return
        try:
            self.control.shutdown()
        except Exception:  # pylint: disable=broad-except
            pass
        deadline = time.time() + 10
        while time.time() < deadline and self.pid and os.path.exists("/proc/%d" % self.pid):
            time.sleep(0.1)
        self.control = None

    # -- one playbook run ------------------------------------------------------------------------
    def playbook(self, label, plays, extra_vars=None):
        """Run the plays; return (timings dict, returncode). Output goes to OUT/logs/LABEL.log."""
        self.run_no += 1
        base = os.path.join(self.out, "logs", "%02d-%s" % (self.run_no, label))
        path = base + ".yml"
        write_yaml(path, plays)
        timings = base + ".timings.json"
        cmd = [os.path.join(self.bin, "ansible-playbook"), "-i", "localhost,", path]
        if extra_vars is not None:
            vars_file = base + ".vars.json"
            write_yaml(vars_file, extra_vars)
            cmd += ["-e", "@" + vars_file]
        started = time.time()
        with open(base + ".log", "w", encoding="utf-8") as output:
            try:
                rc = subprocess.run(
                    cmd,
                    cwd=self.work,
                    env=self.env(BENCH_TIMINGS_FILE=timings),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    timeout=self.args.timeout,
                    check=False,
                ).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        wall = time.time() - started
        data = {"tasks": [], "playbook_seconds": wall}
        if os.path.exists(timings):
            with open(timings, encoding="utf-8") as handle:
                data = json.load(handle)
        data["process_seconds"] = wall
        if rc != 0:
            log("%s: ansible-playbook exit %s, see %s" % (label, rc, base + ".log"))
        return data, rc

    def task_seconds(self, data, name):
        return [t["seconds"] for t in data["tasks"] if t["name"] == name and t["seconds"] is not None]

    def next_ids(self, cloud, count, tag):
        self.id_batches += 1
        ids = make_ids(cloud, self.id_batches, count)
        seed_images(self.control, cloud, ids, tag)
        return ids

    def remaining(self, cloud, ids):
        """(ids still there and not being deleted, ids still in the cloud's deleting state) right after a run."""
        wanted = set(ids)
        images = [i for i in self.control.images(cloud) if i["id"] in wanted]
        # Deletions still in progress: images the emulator still lists after their accepted delete (Huawei's
        # documented status "deleted" counts as gone).
        return (
            [i["id"] for i in images if i.get("deleting_polls_left") is None],
            [
                i["id"]
                for i in images
                if i.get("deleting_polls_left") is not None and (i.get("state") or i.get("status")) != "deleted"
            ],
        )
