"""Measuring (scripts/bench_lib): each scenario of the scale benchmark runs against the emulator and returns plain
figures (dicts of numbers, the content of results.json); nothing here prints but progress on stderr (runner.log).
report.py turns the figures into tables; bench.py drives a run.

  measure_clouds(runner, options, clouds)  a) b) c) d) and the phase timings, per cloud
  bench_startup(runner, clouds)            the startup checks
  derive(results)                          the figures computed from the measured ones (floors, ratios)
"""

import importlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time

from runner import HERE, MODULES, delete_task, emulator_connection, log, play  # pylint: disable=import-error

ADAPTERS = {
    "tencent": ("tencent", "TencentAdapter"),
    "aliyun": ("aliyun", "AliyunAdapter"),
    "huawei": ("huawei", "HuaweiAdapter"),
}
# Journal action names: reads, and the rate-limited delete API (real deletes and DryRuns).
READS = {"tencent": ("DescribeImages",), "aliyun": ("DescribeImages",), "huawei": ("ShowImage", "ListImages")}
DELETE_ACTION = {"tencent": "DeleteImages", "aliyun": "DeleteImage", "huawei": "DeleteImage"}
SDK_PACKAGES = {"tencent": "tencentcloud", "aliyun": "alibabacloud_", "huawei": "huaweicloudsdk"}
SDK_CLIENTS = {
    "tencent": "tencentcloud.cvm.v20170312.cvm_client",
    "aliyun": "alibabacloud_tea_openapi.client",
    "huawei": "huaweicloudsdkims.v2",
}
SAMPLE_IDS = {"tencent": "img-emu99999", "aliyun": "m-emu9999", "huawei": "e0000000-0000-4000-8000-0000000009ff"}
DESCRIBE_BATCH = 100


# -- journal analysis -------------------------------------------------------------------------
def poll_keys(cloud, call):
    """What one wait-phase read asks about: the ids it names, or the listing page."""
    if call["action"] == "ListImages":
        return {"list-page:%s" % (call["params"].get("marker") or "")}
    if call["action"] == "ShowImage":
        return {call["params"].get("image_id") or "?"}
    if cloud == "tencent":
        return set(call["params"].get("ImageIds") or [])
    return set(str(call["params"].get("ImageId") or "").split(","))


def poll_groups(cloud, reads):
    """Split the wait-phase describes into polls: a poll ends when an id (or the first listing page) repeats."""
    polls = []
    seen = set()
    current = []
    for call in reads:
        keys = poll_keys(cloud, call)
        if current and keys & seen:
            polls.append(current)
            current = []
            seen = set()
        current.append(call)
        seen |= keys
    if current:
        polls.append(current)
    return polls


def wait_reads(reads, deletes):
    """The reads after the last real delete (the wait polls); none when nothing was deleted."""
    if not deletes:
        return []
    last_delete = max(c["seq"] for c in deletes)
    return [c for c in reads if c["seq"] > last_delete]


def api_errors(calls):
    """Calls the cloud answered with an error (a DryRun's DryRunOperation is its success)."""
    return [c for c in calls if c.get("code") and not (c.get("dry_run") and c["code"] == "DryRunOperation")]


def analyse(cloud, calls, deleted):
    """Counts from the journal of one run; ``deleted``: images the run was asked to delete."""
    reads = [c for c in calls if c["action"] in READS[cloud]]
    governed = [c for c in calls if c["action"] == DELETE_ACTION[cloud]]
    dry = [c for c in governed if c.get("dry_run")]
    real = [c for c in governed if not c.get("dry_run")]
    waits = wait_reads(reads, real)
    polls = poll_groups(cloud, waits)
    errors = api_errors(calls)
    return {
        "calls": len(calls),
        "describes": len(reads),
        "preflight_describes": len(reads) - len(waits),
        "wait_describes": len(waits),
        "polls": len(polls),
        "max_describes_per_poll": max((len(p) for p in polls), default=0),
        "dry_runs": len(dry),
        "deletes": len(real),
        "governed": len(governed),
        "other": len(calls) - len(reads) - len(governed),
        "errors": len(errors),
        "error_codes": sorted(set(c["code"] for c in errors)),
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
    return {
        "describes": describes,
        "dry_runs": dry,
        "deletes": deletes,
        "wait_describes": polls * describes,
        "total": describes + dry + deletes + polls * describes,
    }


def adapter_classes(farm):
    """{cloud: its adapter class}, imported from the collection in FARM."""
    sys.path.insert(0, farm)
    return dict(
        (
            cloud,
            getattr(importlib.import_module("ansible_collections.multicloud.images.plugins.module_utils." + mod), cls),
        )
        for cloud, (mod, cls) in ADAPTERS.items()
    )


def adapter_defaults(farm):
    """{cloud: its default rate limit and batch size}."""
    return dict(
        (
            cloud,
            {
                "rate_limit": adapter.default_rate_limit,
                "batch_size": (adapter.delete_options.get("batch_size") or {}).get("default", 1),
            },
        )
        for cloud, adapter in adapter_classes(farm).items()
    )


# -- the scenarios ------------------------------------------------------------------------------
def one_task(runner, cloud, n, label, extra=None):
    """One task deleting n fresh images; return (result, the cloud's journal of the run)."""
    ids = runner.next_ids(cloud, n, label)
    runner.control.clear_journal()
    task = delete_task(cloud, "delete %d images in one task" % n, "{{ bench_ids }}", extra)
    data, rc = runner.playbook(
        "%s-%s-%d" % (cloud, label, n), play(cloud, runner.ports, [task], label), {"bench_ids": ids}
    )
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
    data, rc = runner.playbook("%s-loop-%d" % (cloud, n), play(cloud, runner.ports, [task], "loop"), {"bench_ids": ids})
    calls = runner.control.journal(cloud)
    left, deleting = runner.remaining(cloud, ids)
    seconds = runner.task_seconds(data, task["name"])
    return {
        "seconds": seconds[0] if seconds else None,
        "rc": rc,
        "left": len(left),
        "deleting": len(deleting),
        "images": n,
        "journal": analyse(cloud, calls, n),
    }


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
        return {
            "median": statistics.median(values) if values else None,
            "min": min(values) if values else None,
            "max": max(values) if values else None,
            "n": len(values),
        }

    return {
        "rc": rc,
        "ping": median("ping"),
        "delete": median("delete one image"),
        "delete_nowait": median("delete one image, wait false"),
        "calls": len(calls),
        "left": len(runner.remaining(cloud, ids)[0]),
    }


def bench_phases(runner, cloud, n, wait=True):
    """One module run outside Ansible (scripts/bench_lib/phases.py): where the time goes, phase by phase."""
    ids = runner.next_ids(cloud, n, "phases")
    conn = emulator_connection(cloud, runner.ports)
    args_file = os.path.join(runner.work, "phases-%s.json" % cloud)
    with open(args_file, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": dict(conn, state="absent", image_ids=ids, wait=wait)}, handle)
    runner.control.clear_journal()
    proc = subprocess.run(
        [runner.python, os.path.join(HERE, "phases.py"), runner.farm, args_file, cloud],
        cwd=runner.work,
        env=runner.env(),
        capture_output=True,
        text=True,
        timeout=runner.args.timeout,
        check=False,
    )
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
    code = "import time\n%s\nstarted = time.perf_counter()\nimport %s\nprint(time.perf_counter() - started)" % (
        "import " + after if after else "",
        module,
    )
    values = []
    for dummy in range(repeats):
        proc = subprocess.run(
            [runner.python, "-c", code],
            cwd=runner.work,
            env=runner.env(PYTHONPATH=runner.farm),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
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
            bad[label] = {
                "seconds": round(seconds, 3),
                "failed": bool(result.get("failed")),
                "sdk_modules_imported": sdks,
                "msg": str(result.get("msg"))[:160],
            }
        good_args = dict(conn, state="absent", image_ids=[SAMPLE_IDS[cloud]])
        seconds, result, sdks = run_module(runner, cloud, good_args)
        times = [run_module(runner, cloud, good_args, importtime=False)[0] for dummy in range(3)]
        bad_times = [run_module(runner, cloud, cases["malformed id"], importtime=False)[0] for dummy in range(3)]
        out[cloud] = {
            "argument_errors": bad,
            "valid_run": {
                "failed": bool(result.get("failed")),
                "already_absent": result.get("already_absent"),
                "sdk_modules_imported": sdks,
                "seconds_median": round(statistics.median(times), 3),
            },
            "argument_error_seconds_median": round(statistics.median(bad_times), 3),
            "import_seconds": {
                "collection module + module_utils (no SDK)": import_seconds(
                    runner, prefix + "modules." + MODULES[cloud]
                ),
                "SDK client %s (after ansible basic)" % SDK_CLIENTS[cloud]: import_seconds(
                    runner, SDK_CLIENTS[cloud], after="ansible.module_utils.basic"
                ),
            },
        }
    return out


# -- a run over the clouds ----------------------------------------------------------------------
def measure_cloud(runner, options, cloud, defaults):
    """a) b) c) d) and the phase timings of one cloud: {rate_limit, batch_size, bulk, single, phases, loop}."""
    figures = dict(defaults)
    log("%s: one task deleting %d images" % (cloud, options.images))
    figures["bulk"] = bench_bulk(runner, cloud, options.images)
    log("%s: %.2f s" % (cloud, figures["bulk"]["seconds"] or -1))
    log("%s: one-image task vs ping, %d pairs" % (cloud, options.single_repeats))
    figures["single"] = bench_single(runner, cloud, options.single_repeats)
    if not options.no_phases:
        log("%s: phase timings outside Ansible (1 image with and without wait, %d images)" % (cloud, options.images))
        figures["phases"] = [
            bench_phases(runner, cloud, 1),
            bench_phases(runner, cloud, 1, wait=False),
            bench_phases(runner, cloud, options.images),
        ]
    if options.loop_images:
        log("%s: loop of %d single-id tasks (the slow part)" % (cloud, options.loop_images))
        figures["loop"] = bench_loop(runner, cloud, options.loop_images)
        log("%s: %.2f s" % (cloud, figures["loop"]["seconds"] or -1))
    return figures


def measure_clouds(runner, options, clouds):
    """Every scenario on each cloud, then the startup checks; {"clouds": {...}, "startup": {...}}."""
    defaults = adapter_defaults(runner.farm)
    out = {"clouds": dict((cloud, measure_cloud(runner, options, cloud, defaults[cloud])) for cloud in clouds)}
    if not options.no_startup:
        log("startup checks")
        out["startup"] = bench_startup(runner, clouds)
    return out


# -- derived figures ------------------------------------------------------------------------------
def ratio(measured, floor):
    """measured / floor, None when either is missing or zero."""
    return measured / floor if measured and floor else None


def derive_bulk(figures, cloud, n):
    bulk = figures["bulk"]
    journal, rate = bulk["journal"], figures["rate_limit"]
    figures["call_floor"] = call_floor(cloud, n, journal["polls"], figures["batch_size"])
    figures["floor_seconds"] = journal["governed"] / rate
    figures["delete_floor_seconds"] = journal["deletes"] / rate
    figures["floor_ratio"] = ratio(bulk["seconds"], figures["floor_seconds"])
    figures["delete_floor_ratio"] = ratio(bulk["seconds"], figures["delete_floor_seconds"])
    ping = (figures.get("single") or {}).get("ping", {}).get("median")
    figures["bulk_minus_ping"] = bulk["seconds"] - ping if ping and bulk["seconds"] else None


def derive_loop(figures, n):
    loop, bulk = figures["loop"], figures.get("bulk")
    scale = n / float(loop["images"])
    figures["loop_seconds"] = loop["seconds"] * scale if loop["seconds"] else None
    figures["loop_calls"] = int(round(loop["journal"]["calls"] * scale))
    figures["loop_ratio"] = ratio(figures["loop_seconds"], bulk["seconds"] if bulk else None)


def derive_single(figures):
    single = figures["single"]
    ping = single["ping"]["median"]
    figures["ping_ratio"] = ratio(single["delete"]["median"], ping)
    figures["ping_ratio_nowait"] = ratio(single["delete_nowait"]["median"], ping)


def derive(results):
    """Add to each cloud's figures the floors and ratios the report compares (they go to results.json too)."""
    n = results["config"]["images"]
    for cloud in results["config"]["clouds"]:
        figures = results["clouds"][cloud]
        if figures.get("bulk"):
            derive_bulk(figures, cloud, n)
        if figures.get("loop"):
            derive_loop(figures, n)
        if figures.get("single"):
            derive_single(figures)
