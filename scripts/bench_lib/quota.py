"""The quota sweep of the benchmark (scripts/bench --quota-sweep): how near the adaptive rate runs to a quota.

For each cloud and each quota (calls per second on the cloud's delete action, enforced by the emulator, see
docs/emulator.md "Quotas"), one task deletes N images and the emulator's journal gives:
  - the achieved rate on the quota'd action: calls it let through per second, between the first and the last of them.
    Every call of the action counts, as the cloud counts it: Alibaba sends a DryRun per image and then the delete,
    both DeleteImage calls; Tencent runs with batch_size 1, so that its rate matters;
  - that rate as a share of the lower of the quota and the ceiling (the limit the cloud documents: Tencent
    DeleteImages 10/s; Alibaba and Huawei document none, so the quota);
  - the throttled answers (the quota's refusals) and their share of the action's calls; the task's wall time.
Targets (report.py): a share of at least 80%, throttled answers under 5% of the calls, no failed task.
This file measures and returns the figures; report.py prints them, bench.py drives the sweep.
"""

from measure import DELETE_ACTION, adapter_classes, one_task  # pylint: disable=import-error
from runner import log  # pylint: disable=import-error


def documented_ceilings(farm):
    """The documented rate limit of each cloud's delete action (None: none documented), from the adapters."""
    return dict((cloud, adapter.documented_rate_limit) for cloud, adapter in adapter_classes(farm).items())


def measure(cloud, calls, quota, ceiling):
    """The figures of one run from its journal."""
    on_action = [c for c in calls if c["action"] == DELETE_ACTION[cloud]]
    refused = [c for c in on_action if c.get("fault") == "quota"]
    passed = sorted(c["at"] for c in on_action if c.get("fault") != "quota")
    span = passed[-1] - passed[0] if len(passed) > 1 else 0.0
    rate = (len(passed) - 1) / span if span > 0 else None
    target = min(quota, ceiling) if ceiling else quota
    first = min(c["at"] for c in on_action) if on_action else 0.0
    return {
        "quota": quota,
        "ceiling": ceiling,
        "target_rate": target,
        "calls": len(on_action),
        "throttled_at": [round(c["at"] - first, 2) for c in refused],
        "dry_runs": len([c for c in on_action if c.get("dry_run")]),
        "throttled": len(refused),
        "throttled_share": len(refused) / float(len(on_action)) if on_action else None,
        "rate": rate,
        "share": rate / target if rate else None,
        "span_seconds": span,
    }


def sweep(runner, clouds, images, quotas, progress):
    """Run the sweep; return {cloud: [figures per quota]}; ``progress(cloud, figures)`` after each run."""
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
                progress(cloud, result)
                out[cloud].append(result)
    finally:
        runner.control.configure(quotas={})
    return out


def parse_quotas(text):
    """'5,20,100' -> [5, 20, 100]."""
    values = [float(v) for v in text.split(",") if v.strip()]
    if not values or any(v <= 0 or v > 100000 for v in values):
        raise ValueError("--quotas: numbers of calls per second above 0, comma-separated")
    return [int(v) if v == int(v) else v for v in values]
