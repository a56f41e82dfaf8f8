"""The scale benchmark of the image modules against the local emulator (run it through scripts/bench).

For each cloud it measures, with real ansible-playbook runs and the emulator's call journal:
  a) deleting N images in ONE task vs a ``loop:`` of N single-id tasks: wall time, API calls, ratio;
  b) API calls per deleted image vs the floor (describes + pre-flight DryRuns + deletes + wait polls, batched);
  c) a one-image delete task vs an ``ansible.builtin.ping`` task in the same playbook run (median of repeats);
  d) the time the client-side rate limit implies for the set (calls it governs / rate) vs the measured task time;
and, once, the startup checks: which SDKs a module run imports (none on an argument error) and import times.

It prints a table with each target met or missed and writes every figure to OUT/results.json
(plus the playbooks, their output and the per-task timings).

  python scripts/bench_lib/bench.py --work DIR [--images 200] [--clouds tencent,aliyun,huawei] [--latency-ms 50]
        [--loop-images N | --no-loop] [--single-repeats 5] [--timeout 1800] [--out tests/output/bench]
        [--quota-sweep [--quotas 5,20,100]]   # only the quota sweep (quota.py)
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from emulator.client import ControlClient  # noqa: E402  pylint: disable=wrong-import-position

CLOUDS = ("tencent", "aliyun", "huawei")
MODULES = {"tencent": "tencent_image", "aliyun": "aliyun_image", "huawei": "huawei_image"}
ADAPTERS = {"tencent": ("tencent", "TencentAdapter"), "aliyun": ("aliyun", "AliyunAdapter"),
            "huawei": ("huawei", "HuaweiAdapter")}
# The emulator's default seed: account 100000000001 (fake keys that only work against the emulator).
CONNECTION = {
    "tencent": {"region": "ap-guangzhou", "access_key": "emu-tencent-id-1", "secret_key": "emu-tencent-key-1"},
    "aliyun": {"region": "cn-hangzhou", "access_key": "emu-aliyun-id-1", "secret_key": "emu-aliyun-secret-1"},
    "huawei": {"region": "cn-north-4", "access_key": "emu-huawei-ak-1", "secret_key": "emu-huawei-sk-1",
               "project_id": "0a1b2c3d4e5f40718293a4b5c6d7e8f1"},
}
# Journal action names: reads, and the rate-limited delete API (real deletes and DryRuns).
READS = {"tencent": ("DescribeImages",), "aliyun": ("DescribeImages",), "huawei": ("ShowImage", "ListImages")}
DELETE_ACTION = {"tencent": "DeleteImages", "aliyun": "DeleteImage", "huawei": "DeleteImage"}
SDK_PACKAGES = {"tencent": "tencentcloud", "aliyun": "alibabacloud_", "huawei": "huaweicloudsdk"}
SDK_CLIENTS = {"tencent": "tencentcloud.cvm.v20170312.cvm_client", "aliyun": "alibabacloud_tea_openapi.client",
               "huawei": "huaweicloudsdkims.v2"}
SAMPLE_IDS = {"tencent": "img-emu99999", "aliyun": "m-emu9999", "huawei": "e0000000-0000-4000-8000-0000000009ff"}
DESCRIBE_BATCH = 100

# Targets of the issue (measured here, not asserted in tests).
TARGET_LOOP_RATIO = 20.0
TARGET_FLOOR_RATIO = 2.0
TARGET_PING_RATIO = 1.5


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# -- ids -------------------------------------------------------------------------------------
def make_ids(cloud, run, count):
    """``count`` fresh ids in the cloud's format, unique per ``run``."""
    if cloud == "tencent":
        return ["img-b%03dr%05d" % (run, i) for i in range(count)]
    if cloud == "aliyun":
        return ["m-b%03dr%05d" % (run, i) for i in range(count)]
    return ["%08x-0000-4000-8000-%012x" % (0xb0000000 + run, i) for i in range(count)]


def seed_images(control, cloud, ids, tag):
    region = CONNECTION[cloud]["region"]
    images = [{"id": image_id, "name": "bench-%s-%05d" % (tag, n), "region": region, "account": "100000000001",
               "created_at": "2026-02-01T00:00:00Z"} for n, image_id in enumerate(ids)]
    for start in range(0, len(images), 500):
        control.add_images(cloud, images[start:start + 500])


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
    return [{"name": name, "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": module_defaults(cloud, ports), "tasks": tasks}]


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
        env.update({
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "ANSIBLE_COLLECTIONS_PATH": self.farm,
            "ANSIBLE_PYTHON_INTERPRETER": self.python,
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.work, "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.work, "ansible-remote"),
        })
        env.update(extra)
        return env

    def start_emulator(self):
        ports_file = os.path.join(self.work, "ports.json")
        cmd = [self.python, os.path.join(ROOT, "tests", "emulator", "run.py"), "--background",
               "--ports-file", ports_file, "--latency-ms", str(self.args.latency_ms)]
        subprocess.run(cmd, cwd=ROOT, env=self.env(), check=True, stdout=subprocess.DEVNULL, timeout=60)
        with open(ports_file, encoding="utf-8") as handle:
            self.ports = json.load(handle)
        self.pid = self.ports["pid"]
        self.control = ControlClient(self.ports["control"], timeout=60)
        self.control.health()
        log("emulator pid %s, latency %d ms per call: %s" % (self.pid, self.args.latency_ms, json.dumps(
            dict((k, v) for k, v in self.ports.items() if k != "pid"))))

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
                rc = subprocess.run(cmd, cwd=self.work, env=self.env(BENCH_TIMINGS_FILE=timings), stdout=output,
                                    stderr=subprocess.STDOUT, timeout=self.args.timeout, check=False).returncode
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
        return ([i["id"] for i in images if i.get("deleting_polls_left") is None],
                [i["id"] for i in images if i.get("deleting_polls_left") is not None
                 and (i.get("state") or i.get("status")) != "deleted"])


# -- journal analysis -------------------------------------------------------------------------
def poll_groups(cloud, reads):
    """Split the wait-phase describes into polls: a poll ends when an id (or the first listing page) repeats."""
    polls = []
    seen = set()
    current = []
    for call in reads:
        if call["action"] == "ListImages":
            keys = {"list-page:%s" % (call["params"].get("marker") or "")}
        elif call["action"] == "ShowImage":
            keys = {call["params"].get("image_id") or "?"}
        elif cloud == "tencent":
            keys = set(call["params"].get("ImageIds") or [])
        else:
            keys = set(str(call["params"].get("ImageId") or "").split(","))
        if current and keys & seen:
            polls.append(current)
            current = []
            seen = set()
        current.append(call)
        seen |= keys
    if current:
        polls.append(current)
    return polls


def analyse(cloud, calls, deleted):
    """Counts from the journal of one run; ``deleted``: images the run was asked to delete."""
    reads = [c for c in calls if c["action"] in READS[cloud]]
    governed = [c for c in calls if c["action"] == DELETE_ACTION[cloud]]
    dry = [c for c in governed if c.get("dry_run")]
    real = [c for c in governed if not c.get("dry_run")]
    other = [c for c in calls if c not in reads and c not in governed]
    last_delete = max([c["seq"] for c in real] or [0])
    wait_reads = [c for c in reads if c["seq"] > last_delete] if real else []
    polls = poll_groups(cloud, wait_reads)
    errors = [c for c in calls if c.get("code") and not (c.get("dry_run") and c["code"] == "DryRunOperation")]
    return {
        "calls": len(calls), "describes": len(reads), "preflight_describes": len(reads) - len(wait_reads),
        "wait_describes": len(wait_reads), "polls": len(polls),
        "max_describes_per_poll": max([len(p) for p in polls] or [0]),
        "dry_runs": len(dry), "deletes": len(real), "governed": len(governed), "other": len(other),
        "errors": len(errors), "error_codes": sorted(set(c["code"] for c in errors)),
        "deleted_images": deleted,
    }


def call_floor(cloud, n, polls, batch_size):
    """The fewest calls that delete n images with this module's contract, given the number of wait polls.

    describes ceil(n/100) + pre-flight DryRuns + deletes + polls * ceil(n/100);
    Tencent: DryRun and DeleteImages per batch of ``batch_size``; Alibaba: one DryRun and one DeleteImage
    per image (DeleteImage takes one id); Huawei: one DELETE per image, no DryRun."""
    describes = math.ceil(n / DESCRIBE_BATCH)
    if cloud == "tencent":
        dry = deletes = math.ceil(n / batch_size)
    elif cloud == "aliyun":
        dry = deletes = n
    else:
        dry, deletes = 0, n
    return {"describes": describes, "dry_runs": dry, "deletes": deletes, "wait_describes": polls * describes,
            "total": describes + dry + deletes + polls * describes}


def adapter_defaults(farm):
    sys.path.insert(0, farm)
    out = {}
    import importlib  # pylint: disable=import-outside-toplevel
    for cloud, (mod, cls) in ADAPTERS.items():
        module = importlib.import_module("ansible_collections.multicloud.images.plugins.module_utils." + mod)
        adapter = getattr(module, cls)
        out[cloud] = {"rate_limit": adapter.default_rate_limit,
                      "batch_size": (adapter.delete_options.get("batch_size") or {}).get("default", 1)}
    return out


# -- the scenarios ------------------------------------------------------------------------------
def one_task(runner, cloud, n, label, extra=None):
    """One task deleting n fresh images; return (result, the cloud's journal of the run)."""
    ids = runner.next_ids(cloud, n, label)
    runner.control.clear_journal()
    task = delete_task(cloud, "delete %d images in one task" % n, "{{ bench_ids }}", extra)
    data, rc = runner.playbook("%s-%s-%d" % (cloud, label, n), play(cloud, runner.ports, [task], label),
                               {"bench_ids": ids})
    calls = runner.control.journal(cloud)
    left, deleting = runner.remaining(cloud, ids)
    seconds = runner.task_seconds(data, task["name"])
    return {"seconds": seconds[0] if seconds else None, "rc": rc, "left": len(left), "deleting": len(deleting)}, calls


def bench_bulk(runner, cloud, n):
    result, calls = one_task(runner, cloud, n, "bulk")
    result.update(journal=analyse(cloud, calls, n), timeline=timeline(calls))
    return result


def bench_loop(runner, cloud, n):
    ids = runner.next_ids(cloud, n, "loop")
    runner.control.clear_journal()
    task = delete_task(cloud, "delete one image per task, loop of %d" % n, ["{{ item }}"])
    task["loop"] = "{{ bench_ids }}"
    data, rc = runner.playbook("%s-loop-%d" % (cloud, n), play(cloud, runner.ports, [task], "loop"),
                               {"bench_ids": ids})
    calls = runner.control.journal(cloud)
    left, deleting = runner.remaining(cloud, ids)
    seconds = runner.task_seconds(data, task["name"])
    return {"seconds": seconds[0] if seconds else None, "rc": rc, "left": len(left), "deleting": len(deleting),
            "images": n, "journal": analyse(cloud, calls, n)}


def bench_single(runner, cloud, repeats):
    """Alternate ping and one-image delete tasks in ONE playbook run; medians of the per-task times."""
    ids = runner.next_ids(cloud, 2 * repeats, "single")
    tasks = [{"name": "warm-up ping", "ansible.builtin.ping": {}}]
    for r in range(repeats):
        tasks.append({"name": "ping %d" % r, "ansible.builtin.ping": {}})
        tasks.append(delete_task(cloud, "delete one image %d" % r, [ids[2 * r]]))
        tasks.append(delete_task(cloud, "delete one image, wait false %d" % r, [ids[2 * r + 1]], {"wait": False}))
    runner.control.clear_journal()
    data, rc = runner.playbook("%s-single" % cloud, play(cloud, runner.ports, tasks, "single"))
    calls = runner.control.journal(cloud)

    def median(prefix):
        values = [t["seconds"] for t in data["tasks"] if re.match(prefix + r" \d+$", t["name"]) and t["seconds"]]
        return {"median": statistics.median(values) if values else None, "min": min(values) if values else None,
                "max": max(values) if values else None, "n": len(values)}

    return {"rc": rc, "ping": median("ping"), "delete": median("delete one image"),
            "delete_nowait": median("delete one image, wait false"),
            "calls": len(calls),
            "left": len(runner.remaining(cloud, ids)[0])}


def bench_phases(runner, cloud, n, wait=True):
    """One module run outside Ansible (scripts/bench_lib/phases.py): where the time goes, phase by phase."""
    ids = runner.next_ids(cloud, n, "phases")
    conn = emulator_connection(cloud, runner.ports)
    args_file = os.path.join(runner.work, "phases-%s.json" % cloud)
    with open(args_file, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": dict(conn, state="absent", image_ids=ids, wait=wait)}, handle)
    runner.control.clear_journal()
    proc = subprocess.run([runner.python, os.path.join(HERE, "phases.py"), runner.farm, args_file, cloud],
                          cwd=runner.work, env=runner.env(), capture_output=True, text=True,
                          timeout=runner.args.timeout, check=False)
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (proc.stdout + proc.stderr)[-500:]}
    out["journal"] = analyse(cloud, runner.control.journal(cloud), n)
    out["images"] = n
    out["wait"] = wait
    return out


def timeline(calls):
    """Seconds-resolution spread of the journal (the emulator stamps whole seconds)."""
    if not calls:
        return {}
    stamps = [c["time"] for c in calls]
    return {"first": min(stamps), "last": max(stamps)}


# -- startup -------------------------------------------------------------------------------------
def run_module(runner, cloud, module_args, importtime=True):
    """Run one module file directly (as AnsiballZ would), with ``-X importtime``; return (seconds, result, sdks)."""
    args_file = os.path.join(runner.work, "args-%s.json" % cloud)
    with open(args_file, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": module_args}, handle)
    cmd = [runner.python]
    if importtime:
        cmd += ["-X", "importtime"]
    cmd += ["-m", "ansible_collections.multicloud.images.plugins.modules." + MODULES[cloud], args_file]
    env = runner.env(PYTHONPATH=runner.farm)
    started = time.time()
    proc = subprocess.run(cmd, cwd=runner.work, env=env, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.time() - started
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"unparsed": proc.stdout[-500:]}
    sdks = {}
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not match:
            continue
        name = match.group(4)
        for sdk_cloud, prefix in SDK_PACKAGES.items():
            if name.startswith(prefix):
                sdks.setdefault(sdk_cloud, 0)
                sdks[sdk_cloud] += 1
    return seconds, result, sdks


def import_seconds(runner, module, after="", repeats=3):
    """Seconds to import ``module`` in a fresh interpreter (median of ``repeats``), ``after`` imported first."""
    code = ("import time\n%s\nstarted = time.perf_counter()\nimport %s\nprint(time.perf_counter() - started)"
            % ("import " + after if after else "", module))
    values = []
    for dummy in range(repeats):
        proc = subprocess.run([runner.python, "-c", code], cwd=runner.work, env=runner.env(PYTHONPATH=runner.farm),
                              capture_output=True, text=True, timeout=120, check=False)
        try:
            values.append(float(proc.stdout.strip()))
        except ValueError:
            return None
    return round(statistics.median(values), 3)


def bench_startup(runner, clouds):
    out = {}
    prefix = "ansible_collections.multicloud.images.plugins."
    for cloud in clouds:
        conn = emulator_connection(cloud, runner.ports)
        cases = {
            "malformed id": dict(conn, state="absent", image_ids=["not-an-id"]),
            "missing state": dict(conn, image_ids=[SAMPLE_IDS[cloud]]),
            "partial credentials": dict(conn, state="absent", image_ids=[SAMPLE_IDS[cloud]], secret_key=None),
            "rate_limit 0": dict(conn, state="absent", image_ids=[SAMPLE_IDS[cloud]], rate_limit=0),
        }
        bad = {}
        for label, module_args in cases.items():
            module_args = dict((k, v) for k, v in module_args.items() if v is not None)
            seconds, result, sdks = run_module(runner, cloud, module_args)
            bad[label] = {"seconds": round(seconds, 3), "failed": bool(result.get("failed")),
                          "sdk_modules_imported": sdks, "msg": str(result.get("msg"))[:160]}
        good_args = dict(conn, state="absent", image_ids=[SAMPLE_IDS[cloud]])
        seconds, result, sdks = run_module(runner, cloud, good_args)
        times = [run_module(runner, cloud, good_args, importtime=False)[0] for dummy in range(3)]
        bad_times = [run_module(runner, cloud, cases["malformed id"], importtime=False)[0] for dummy in range(3)]
        out[cloud] = {
            "argument_errors": bad,
            "valid_run": {"failed": bool(result.get("failed")), "already_absent": result.get("already_absent"),
                          "sdk_modules_imported": sdks, "seconds_median": round(statistics.median(times), 3)},
            "argument_error_seconds_median": round(statistics.median(bad_times), 3),
            "import_seconds": {
                "collection module + module_utils (no SDK)": import_seconds(runner, prefix + "modules." + MODULES[cloud]),
                "SDK client %s (after ansible basic)" % SDK_CLIENTS[cloud]: import_seconds(
                    runner, SDK_CLIENTS[cloud], after="ansible.module_utils.basic"),
            },
        }
    return out


# -- report ---------------------------------------------------------------------------------------
def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return "%.*f" % (digits, value)
    return str(value)


def verdict(ok):
    return "MET" if ok else "MISSED"


def table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    out = ["  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip() for r in [header] + rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def report(results):
    cfg = results["config"]
    n = cfg["images"]
    clouds = [c for c in cfg["clouds"] if c in results["clouds"]]
    targets = []
    lines = ["", "multicloud.images scale benchmark: %d images per cloud, emulator latency %d ms per API call, "
             "%s CPUs (load average %s at the start), ansible-core %s, Python %s"
             % (n, cfg["latency_ms"], cfg["cpus"], cfg.get("loadavg"), cfg["ansible_core"], cfg["python"])]
    notes = []

    rows = []
    for cloud in clouds:
        r = results["clouds"][cloud]
        bulk, loop = r.get("bulk"), r.get("loop")
        if not bulk:
            continue
        ok = r.get("loop_ratio") is not None and r["loop_ratio"] >= TARGET_LOOP_RATIO
        scaled = loop and loop["images"] != n
        rows.append([cloud, "%.2f s" % bulk["seconds"], bulk["journal"]["calls"],
                     ("%.1f s%s" % (r["loop_seconds"], "*" if scaled else "")) if loop else "-",
                     r.get("loop_calls", "-"), ("%.1fx" % r["loop_ratio"]) if r.get("loop_ratio") else "-",
                     verdict(ok) if loop else "not run"])
        if loop:
            targets.append((cloud, "a) one task >= %.0fx faster than the loop" % TARGET_LOOP_RATIO, ok,
                            "%.1fx" % (r["loop_ratio"] or -1)))
        for label, run in (("one task", bulk), ("loop", loop)):
            if run and (run["rc"] != 0 or run["left"]):
                notes.append("%s %s: ansible-playbook exit %s, %d image(s) not deleted" % (cloud, label, run["rc"], run["left"]))
        if bulk["deleting"]:
            notes.append("%s: %d of the %d images were still in the cloud's deleting state when the wait: true task "
                         "returned" % (cloud, bulk["deleting"], n))
        if scaled:
            notes.append("%s loop: measured with %d images, time and calls scaled x%.1f to %d" % (
                cloud, loop["images"], n / float(loop["images"]), n))
    lines += ["", "a) %d images: one task vs a loop of %d single-id tasks (wall time of the task, API calls from the "
              "emulator journal)" % (n, n)]
    lines += table(["cloud", "one task", "calls", "loop", "calls", "loop/one", "target >= %.0fx" % TARGET_LOOP_RATIO], rows)

    rows = []
    for cloud in clouds:
        r = results["clouds"][cloud]
        bulk = r.get("bulk")
        if not bulk:
            continue
        j, f = bulk["journal"], r["call_floor"]
        allowed = math.ceil(n / float(DESCRIBE_BATCH))
        ok = j["max_describes_per_poll"] <= allowed
        rows.append([cloud, "%d (%d+%d+%d+%d)" % (j["calls"], j["preflight_describes"], j["dry_runs"], j["deletes"],
                                                  j["wait_describes"]),
                     "%.3f" % (j["calls"] / float(n)),
                     "%d (%d+%d+%d+%dx%d)"
                     % (f["total"], f["describes"], f["dry_runs"], f["deletes"], j["polls"], f["describes"]),
                     "%.3f" % (f["total"] / float(n)), j["calls"] - f["total"], j["polls"],
                     "%d / %d" % (j["max_describes_per_poll"], allowed), verdict(ok)])
        targets.append((cloud, "b) wait polls: <= 1 describe per 100 images per poll", ok,
                        "%d per poll" % j["max_describes_per_poll"]))
        if j["errors"]:
            notes.append("%s one task: %d API errors (%s)" % (cloud, j["errors"], ", ".join(j["error_codes"])))
    lines += ["", "b) API calls per deleted image vs the floor; calls = describes + DryRuns + deletes + wait describes; "
              "floor = ceil(n/100) + DryRuns + deletes + polls x ceil(n/100) (tencent: per batch_size ids)"]
    lines += table(["cloud", "calls", "per image", "floor", "per image", "extra", "polls",
                    "describes/poll (max / allowed)", "target"], rows)

    rows = []
    for cloud in clouds:
        r = results["clouds"][cloud]
        single = r.get("single")
        if not single:
            continue
        ok = r.get("ping_ratio") is not None and r["ping_ratio"] <= TARGET_PING_RATIO
        rows.append([cloud, "%.2f s" % single["ping"]["median"], "%.2f s" % single["delete"]["median"],
                     "%.2fx" % r["ping_ratio"], verdict(ok), "%.2f s" % single["delete_nowait"]["median"],
                     "%.2fx" % r["ping_ratio_nowait"]])
        targets.append((cloud, "c) one-image task <= %.1fx a ping task" % TARGET_PING_RATIO, ok, "%.2fx" % (r["ping_ratio"] or -1)))
    if rows:
        lines += ["", "c) one-image delete task vs ansible.builtin.ping on localhost, same playbook run, median of %d each"
                  % cfg["single_repeats"]]
        lines += table(["cloud", "ping", "one image", "ratio", "target <= %.1fx" % TARGET_PING_RATIO,
                        "wait: false", "ratio"], rows)

    rows = []
    for cloud in clouds:
        r = results["clouds"][cloud]
        bulk = r.get("bulk")
        if not bulk:
            continue
        j = bulk["journal"]
        ok = r.get("floor_ratio") is not None and r["floor_ratio"] <= TARGET_FLOOR_RATIO
        rows.append([cloud, "%g/s" % r["rate_limit"], "%d (%d+%d)" % (j["governed"], j["dry_runs"], j["deletes"]),
                     "%.2f s" % r["floor_seconds"], "%.2f s" % bulk["seconds"], "%.2fx" % r["floor_ratio"], verdict(ok),
                     "%.2f s" % r["delete_floor_seconds"], "%.2fx" % r["delete_floor_ratio"],
                     ("%.2f s" % r["bulk_minus_ping"]) if r.get("bulk_minus_ping") is not None else "-"])
        targets.append((cloud, "d) one task <= %.0fx the rate-limit floor" % TARGET_FLOOR_RATIO, ok,
                        "%.2fx" % (r["floor_ratio"] or -1)))
    lines += ["", "d) the rate-limit floor of the one-task run: calls the limiter governs (DryRuns + deletes, both calls "
              "of the rate-limited delete API) / rate; pure-delete floor: deletes / rate"]
    lines += table(["cloud", "rate", "governed (dry+del)", "floor", "measured", "measured/floor",
                    "target <= %.0fx" % TARGET_FLOOR_RATIO, "pure-delete floor", "measured/it",
                    "measured - ping"], rows)

    for cloud in clouds:
        phases = results["clouds"][cloud].get("phases") or []
        for ph in phases:
            if "timers" not in ph:
                lines.append("phases %s: %s" % (cloud, ph.get("error")))
                continue
            if ph is phases[0]:
                lines += ["", "where the time goes, %s: module runs outside Ansible (scripts/bench_lib/phases.py); "
                          "* = summed over threads" % cloud]
            lines.append("  %d image(s), wait %s: %.2f s, %d calls: %s" % (
                ph["images"], "true" if ph["wait"] else "false", ph["module_run_seconds"], ph["journal"]["calls"],
                "; ".join("%s %.2f%s" % (k.replace(" (summed over threads)", "*"), v["seconds"],
                                         "" if v["count"] == 1 else " (x%d)" % v["count"])
                          for k, v in ph["timers"].items())))

    startup = results.get("startup")
    if startup:
        lines += ["", "startup: a module run directly (python -X importtime -m <module> args.json): argument errors "
                  "(malformed id, missing state, partial credentials, rate_limit 0) must import no SDK"]
        rows = []
        for cloud, st in startup.items():
            leaked = dict((label, case["sdk_modules_imported"]) for label, case in st["argument_errors"].items()
                          if case["sdk_modules_imported"] or not case["failed"])
            others = [c for c in st["valid_run"]["sdk_modules_imported"] if c != cloud]
            imp = list(st["import_seconds"].values())
            rows.append([cloud, "none" if not leaked else json.dumps(leaked),
                         ", ".join(sorted(st["valid_run"]["sdk_modules_imported"])) or "none",
                         "%.2f s" % st["argument_error_seconds_median"], "%.2f s" % st["valid_run"]["seconds_median"],
                         "%.2f s" % imp[0] if imp[0] is not None else "-", "%.2f s" % imp[1] if imp[1] is not None else "-"])
            ok = not leaked and not others
            targets.append((cloud, "startup: argument errors import no SDK, a run only its own", ok,
                            "ok" if ok else "leaked"))
        lines += table(["cloud", "SDK on arg errors", "SDKs of a valid run", "arg-error run", "valid 1-id run",
                        "import module code", "import SDK client"], rows)

    if notes:
        lines += ["", "notes:"] + ["  " + note for note in notes]
    lines += ["", "targets:"]
    lines += table(["cloud", "target", "measured", ""], [[c, label, value, verdict(ok)] for c, label, ok, value in targets])
    return "\n".join(lines)


def summarise(results):
    for cloud in results["config"]["clouds"]:
        r = results["clouds"][cloud]
        n = results["config"]["images"]
        rate = r["rate_limit"]
        bulk = r.get("bulk")
        if bulk:
            j = bulk["journal"]
            r["call_floor"] = call_floor(cloud, n, j["polls"], r["batch_size"])
            r["floor_seconds"] = j["governed"] / rate
            r["delete_floor_seconds"] = j["deletes"] / rate
            r["floor_ratio"] = bulk["seconds"] / r["floor_seconds"] if bulk["seconds"] and r["floor_seconds"] else None
            r["delete_floor_ratio"] = (bulk["seconds"] / r["delete_floor_seconds"]
                                       if bulk["seconds"] and r["delete_floor_seconds"] else None)
            ping = (r.get("single") or {}).get("ping", {}).get("median")
            r["bulk_minus_ping"] = bulk["seconds"] - ping if ping and bulk["seconds"] else None
        loop = r.get("loop")
        if loop:
            scale = n / float(loop["images"])
            r["loop_seconds"] = loop["seconds"] * scale if loop["seconds"] else None
            r["loop_calls"] = int(round(loop["journal"]["calls"] * scale))
            r["loop_ratio"] = r["loop_seconds"] / bulk["seconds"] if bulk and bulk["seconds"] and r["loop_seconds"] else None
        single = r.get("single")
        if single:
            ping = single["ping"]["median"]
            r["ping_ratio"] = single["delete"]["median"] / ping if ping and single["delete"]["median"] else None
            r["ping_ratio_nowait"] = (single["delete_nowait"]["median"] / ping
                                      if ping and single["delete_nowait"]["median"] else None)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Scale benchmark of the image modules against the emulator.")
    parser.add_argument("--work", required=True, help="scratch directory (scripts/bench makes and removes it)")
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "output", "bench"),
                        help="where results.json, report.txt and the logs go (default tests/output/bench)")
    parser.add_argument("--images", type=int, default=200, help="images per cloud for the one-task delete (200)")
    parser.add_argument("--clouds", default=",".join(CLOUDS), help="comma-separated subset of " + ",".join(CLOUDS))
    parser.add_argument("--latency-ms", type=int, default=50, help="emulator latency added to every API call (50)")
    parser.add_argument("--loop-images", type=int, help="images in the loop run (default --images; fewer: "
                        "the loop's time and calls are scaled up to --images, and marked so)")
    parser.add_argument("--no-loop", action="store_true", help="skip the loop runs (the slowest part)")
    parser.add_argument("--single-repeats", type=int, default=5, help="ping / one-image delete pairs (5)")
    parser.add_argument("--no-phases", action="store_true", help="skip the phase timings outside Ansible")
    parser.add_argument("--no-startup", action="store_true", help="skip the startup checks")
    parser.add_argument("--timeout", type=int, default=1800, help="limit per ansible-playbook run, seconds (1800)")
    parser.add_argument("--quota-sweep", action="store_true", help="only the quota sweep (scripts/bench_lib/quota.py): "
                        "one task per cloud and quota, the achieved rate vs the quota, throttled answers")
    parser.add_argument("--quotas", default="5,20,100", help="quotas of the sweep, calls per second (5,20,100)")
    args = parser.parse_args(argv)
    clouds = [c.strip() for c in args.clouds.split(",") if c.strip()]
    bad = [c for c in clouds if c not in CLOUDS]
    if bad or not clouds:
        parser.error("--clouds: unknown %s (choose from %s)" % (", ".join(bad) or "(none)", ", ".join(CLOUDS)))
    if args.images < 1 or args.images > 5000:
        parser.error("--images must be 1 to 5000")
    loop_images = args.loop_images or args.images
    if loop_images < 1 or loop_images > args.images:
        parser.error("--loop-images must be 1 to --images")

    os.makedirs(args.work, exist_ok=True)
    if os.path.isdir(os.path.join(args.out, "logs")):
        shutil.rmtree(os.path.join(args.out, "logs"))
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    runner = Runner(args)
    runner.make_farm()
    import ansible  # pylint: disable=import-outside-toplevel
    results = {"config": {"images": args.images, "clouds": clouds, "latency_ms": args.latency_ms,
                          "loop_images": None if args.no_loop else loop_images,
                          "single_repeats": args.single_repeats, "cpus": os.cpu_count(),
                          "ansible_core": ansible.__version__, "python": sys.version.split()[0],
                          "loadavg": " ".join("%.1f" % x for x in os.getloadavg()),
                          "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
               "clouds": {}}
    if args.quota_sweep:
        import quota  # pylint: disable=import-outside-toplevel,import-error

        return quota.run(runner, args, clouds, results["config"])
    defaults = adapter_defaults(runner.farm)
    started = time.time()
    runner.start_emulator()
    try:
        for cloud in clouds:
            r = results["clouds"][cloud] = dict(defaults[cloud])
            log("%s: one task deleting %d images" % (cloud, args.images))
            r["bulk"] = bench_bulk(runner, cloud, args.images)
            log("%s: %.2f s" % (cloud, r["bulk"]["seconds"] or -1))
            log("%s: one-image task vs ping, %d pairs" % (cloud, args.single_repeats))
            r["single"] = bench_single(runner, cloud, args.single_repeats)
            if not args.no_phases:
                log("%s: phase timings outside Ansible (1 image with and without wait, %d images)" % (cloud, args.images))
                r["phases"] = [bench_phases(runner, cloud, 1), bench_phases(runner, cloud, 1, wait=False),
                               bench_phases(runner, cloud, args.images)]
            if not args.no_loop:
                log("%s: loop of %d single-id tasks (the slow part)" % (cloud, loop_images))
                r["loop"] = bench_loop(runner, cloud, loop_images)
                log("%s: %.2f s" % (cloud, r["loop"]["seconds"] or -1))
        if not args.no_startup:
            log("startup checks")
            results["startup"] = bench_startup(runner, clouds)
    finally:
        runner.stop_emulator()
    results["config"]["seconds"] = round(time.time() - started, 1)
    results["config"]["loadavg_end"] = " ".join("%.1f" % x for x in os.getloadavg())
    summarise(results)
    text = report(results)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    with open(os.path.join(args.out, "report.txt"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(text)
    print("\n(results: %s, logs: %s; %.0f s in all)"
          % (os.path.join(args.out, "results.json"), os.path.join(args.out, "logs"), time.time() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
