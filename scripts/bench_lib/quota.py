"""The quota sweep of the benchmark (scripts/bench --quota-sweep): how near the adaptive rate runs to a quota.

For each cloud and each quota (calls per second on the cloud's delete action, enforced by the emulator, see
docs/emulator.md "Quotas"), one task deletes N images and the emulator's journal gives:
  - the achieved rate on the quota'd action: calls it let through per second, between the first and the last of them.
    Every call of the action counts, as the cloud counts it: Alibaba sends a DryRun per image and then the delete,
    both DeleteImage calls; Tencent runs with batch_size 1, so that its rate matters;
  - that rate as a share of the lower of the quota and the ceiling (the limit the cloud documents: Tencent
    DeleteImages 10/s; Alibaba and Huawei document none, so the quota);
  - the throttled answers (the quota's refusals) and their share of the action's calls; the task's wall time.
Targets: a share of at least 80%, throttled answers under 5% of the calls, no failed task.
"""

import importlib
import json
import os
import sys
import time

from bench import ADAPTERS, DELETE_ACTION, one_task, log, table, verdict  # pylint: disable=import-error

DEFAULT_QUOTAS = (5, 20, 100)
TARGET_SHARE = 0.8
TARGET_THROTTLED = 0.05


def documented_ceilings(farm):
    """The documented rate limit of each cloud's delete action (None: none documented), from the adapters."""
    sys.path.insert(0, farm)
    out = {}
    for cloud, (mod, cls) in ADAPTERS.items():
        module = importlib.import_module("ansible_collections.multicloud.images.plugins.module_utils." + mod)
        out[cloud] = getattr(module, cls).documented_rate_limit
    return out


def measure(cloud, calls, quota, ceiling):
    """The figures of one run from its journal."""
    on_action = [c for c in calls if c["action"] == DELETE_ACTION[cloud]]
    refused = [c for c in on_action if c.get("fault") == "quota"]
    passed = sorted(c["at"] for c in on_action if c.get("fault") != "quota")
    span = passed[-1] - passed[0] if len(passed) > 1 else 0.0
    rate = (len(passed) - 1) / span if span > 0 else None
    target = min(quota, ceiling) if ceiling else quota
    first = min(c["at"] for c in on_action) if on_action else 0.0
    return {"quota": quota, "ceiling": ceiling, "target_rate": target, "calls": len(on_action),
            "throttled_at": [round(c["at"] - first, 2) for c in refused],
            "dry_runs": len([c for c in on_action if c.get("dry_run")]), "throttled": len(refused),
            "throttled_share": len(refused) / float(len(on_action)) if on_action else None,
            "rate": rate, "share": rate / target if rate else None, "span_seconds": span}


def sweep(runner, clouds, images, quotas):
    """Run the sweep; return {cloud: [figures per quota]}."""
    ceilings = documented_ceilings(runner.farm)
    out = {}
    try:
        for cloud in clouds:
            out[cloud] = []
            for quota in quotas:
                runner.control.configure(quotas={cloud: {DELETE_ACTION[cloud]: quota}})
                log("%s: quota %g/s on %s, one task deleting %d images" % (cloud, quota, DELETE_ACTION[cloud], images))
                extra = {"batch_size": 1} if cloud == "tencent" else None
                result, calls = one_task(runner, cloud, images, "quota%g" % quota, extra)
                result.update(measure(cloud, calls, quota, ceilings[cloud]))
                log("  ".join(str(x) for x in row(cloud, result)))
                out[cloud].append(result)
    finally:
        runner.control.configure(quotas={})
    return out


def passed(result):
    return (result["rc"] == 0 and not result["left"] and result["share"] is not None
            and result["share"] >= TARGET_SHARE and result["throttled_share"] < TARGET_THROTTLED)


def row(cloud, r):
    return [cloud, "%g/s" % r["quota"], "%g/s" % r["ceiling"] if r["ceiling"] else "none",
            "%d (%d dry)" % (r["calls"], r["dry_runs"]), "%d (%.1f%%)" % (r["throttled"], 100.0 * (r["throttled_share"] or 0)),
            "%.1f/s" % r["rate"] if r["rate"] else "-", "%.0f%%" % (100.0 * r["share"]) if r["share"] else "-",
            "%.1f s" % r["seconds"] if r["seconds"] is not None else "-",
            "ok" if r["rc"] == 0 and not r["left"] else "FAILED (rc %s, %d left)" % (r["rc"], r["left"]), verdict(passed(r))]


def report(results, config):
    lines = ["", "quota sweep: %d images per run, %d ms per API call, %s CPUs, load %s (start) / %s (end)" % (
        config["images"], config["latency_ms"], config["cpus"], config["loadavg"], config.get("loadavg_end")),
        "rate = calls of the quota'd action the emulator let through per second (first to last); Alibaba: DryRun + "
        "delete per image, both DeleteImage calls; Tencent with batch_size 1",
        "target: rate >= %d%% of min(quota, ceiling), throttled < %d%% of the action's calls, task not failed"
        % (TARGET_SHARE * 100, TARGET_THROTTLED * 100)]
    rows = [row(cloud, r) for cloud, runs in results.items() for r in runs]
    lines += table(["cloud", "quota", "ceiling", "calls on action", "throttled", "rate", "of target", "wall",
                    "task", "target"], rows)
    return "\n".join(lines)


def default_quotas(text):
    """'5,20,100' -> [5, 20, 100]."""
    values = [float(v) for v in text.split(",") if v.strip()]
    if not values or any(v <= 0 or v > 100000 for v in values):
        raise ValueError("--quotas: numbers of calls per second above 0, comma-separated")
    return [int(v) if v == int(v) else v for v in values]


def run(runner, args, clouds, config):
    """The sweep on its own emulator; write OUT/quota-results.json and OUT/quota-report.txt; print the table."""
    quotas = default_quotas(args.quotas)
    started = time.time()
    runner.start_emulator()
    try:
        results = sweep(runner, clouds, args.images, quotas)
    finally:
        runner.stop_emulator()
    config.update(quotas=quotas, seconds=round(time.time() - started, 1),
                  loadavg_end=" ".join("%.1f" % x for x in os.getloadavg()))
    text = report(results, config)
    with open(os.path.join(args.out, "quota-results.json"), "w", encoding="utf-8") as handle:
        json.dump({"config": config, "clouds": results}, handle, indent=1, sort_keys=True)
    with open(os.path.join(args.out, "quota-report.txt"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(text)
    print("\n(results: %s; %.0f s in all)" % (os.path.join(args.out, "quota-results.json"), time.time() - started))
    return 0 if all(passed(r) for runs in results.values() for r in runs) else 1
