"""The scale benchmark of the image modules against the local emulator (run it through scripts/bench).

For each cloud it measures, with real ansible-playbook runs and the emulator's call journal:
  a) deleting N images in ONE task vs a ``loop:`` of N single-id tasks: wall time, API calls, ratio;
  b) API calls per deleted image vs the floor (describes + pre-flight DryRuns + deletes + wait polls, batched);
  c) a one-image delete task vs an ``ansible.builtin.ping`` task in the same playbook run (median of repeats);
  d) the time the client-side rate limit implies for the set (calls it governs / rate) vs the measured task time;
and, once, the startup checks: which SDKs a module run imports (none on an argument error) and import times.

It prints a table with each target met or missed and writes every figure to OUT/results.json
(plus the playbooks, their output and the per-task timings). This file is the driver: runner.py starts the emulator
and runs the playbooks, measure.py (and quota.py) measure and return plain figures, report.py prints them.

  python scripts/bench_lib/bench.py --work DIR [--images 200] [--clouds tencent,aliyun,huawei] [--latency-ms 50]
        [--loop-images N | --no-loop] [--single-repeats 5] [--timeout 1800] [--out tests/output/bench]
        [--quota-sweep [--quotas 5,20,100]]   # only the quota sweep (quota.py)
"""

import argparse
import json
import os
import shutil
import sys
import time

import measure  # pylint: disable=import-error
import quota  # pylint: disable=import-error
import report  # pylint: disable=import-error
from runner import CLOUDS, ROOT, Runner, log  # pylint: disable=import-error


def parse_options(argv):
    """The command line of scripts/bench (scale benchmark or quota sweep), checked."""
    parser = argparse.ArgumentParser(description="Scale benchmark of the image modules against the emulator.")
    parser.add_argument("--work", required=True, help="scratch directory (scripts/bench makes and removes it)")
    parser.add_argument(
        "--out",
        default=os.path.join(ROOT, "tests", "output", "bench"),
        help="where results.json, report.txt and the logs go (default tests/output/bench)",
    )
    parser.add_argument("--images", type=int, default=200, help="images per cloud for the one-task delete (200)")
    parser.add_argument("--clouds", default=",".join(CLOUDS), help="comma-separated subset of " + ",".join(CLOUDS))
    parser.add_argument("--latency-ms", type=int, default=50, help="emulator latency added to every API call (50)")
    parser.add_argument(
        "--loop-images",
        type=int,
        help="images in the loop run (default --images; fewer: "
        "the loop's time and calls are scaled up to --images, and marked so)",
    )
    parser.add_argument("--no-loop", action="store_true", help="skip the loop runs (the slowest part)")
    parser.add_argument("--single-repeats", type=int, default=5, help="ping / one-image delete pairs (5)")
    parser.add_argument("--no-phases", action="store_true", help="skip the phase timings outside Ansible")
    parser.add_argument("--no-startup", action="store_true", help="skip the startup checks")
    parser.add_argument("--timeout", type=int, default=1800, help="limit per ansible-playbook run, seconds (1800)")
    parser.add_argument(
        "--quota-sweep",
        action="store_true",
        help="only the quota sweep (scripts/bench_lib/quota.py): "
        "one task per cloud and quota, the achieved rate vs the quota, throttled answers",
    )
    parser.add_argument("--quotas", default="5,20,100", help="quotas of the sweep, calls per second (5,20,100)")
    args = parser.parse_args(argv)
    clouds = [c.strip() for c in args.clouds.split(",") if c.strip()]
    bad = [c for c in clouds if c not in CLOUDS]
    if bad or not clouds:
        parser.error("--clouds: unknown %s (choose from %s)" % (", ".join(bad) or "(none)", ", ".join(CLOUDS)))
    if args.images < 1 or args.images > 5000:
        parser.error("--images must be 1 to 5000")
    args.loop_images = args.loop_images or args.images
    if args.loop_images < 1 or args.loop_images > args.images:
        parser.error("--loop-images must be 1 to --images")
    try:
        args.quotas = quota.parse_quotas(args.quotas)
    except ValueError as exc:
        parser.error(str(exc))
    args.clouds = clouds
    return args


def run_config(args):
    """What a run records about itself (results.json "config")."""
    import ansible  # pylint: disable=import-outside-toplevel

    return {
        "images": args.images,
        "clouds": args.clouds,
        "latency_ms": args.latency_ms,
        "loop_images": None if args.no_loop else args.loop_images,
        "single_repeats": args.single_repeats,
        "cpus": os.cpu_count(),
        "ansible_core": ansible.__version__,
        "python": sys.version.split()[0],
        "loadavg": loadavg(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def loadavg():
    return " ".join("%.1f" % x for x in os.getloadavg())


def measured(runner, how):
    """how(runner) on a fresh emulator, stopped afterwards; returns (its figures, seconds it took)."""
    started = time.time()
    runner.start_emulator()
    try:
        figures = how(runner)
    finally:
        runner.stop_emulator()
    return figures, time.time() - started


def publish(out, name, figures, text):
    """Write OUT/NAME-results.json (the figures) and OUT/NAME-report.txt (the text), print the text."""
    with open(os.path.join(out, name + "results.json"), "w", encoding="utf-8") as handle:
        json.dump(figures, handle, indent=1, sort_keys=True)
    with open(os.path.join(out, name + "report.txt"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(text)


def scale_benchmark(runner, args, config):
    """a) b) c) d), phases and startup on every cloud; OUT/results.json and OUT/report.txt; print the tables."""
    results, took = measured(runner, lambda r: measure.measure_clouds(r, args, args.clouds))
    results["config"] = config
    config.update(seconds=round(took, 1), loadavg_end=loadavg())
    measure.derive(results)
    publish(args.out, "", results, report.scale_report(results))
    print(
        "\n(results: %s, logs: %s; %.0f s in all)"
        % (os.path.join(args.out, "results.json"), os.path.join(args.out, "logs"), took)
    )
    return 0


def quota_sweep(runner, args, config):
    """The quota sweep; OUT/quota-results.json and OUT/quota-report.txt; exit 1 when a run missed its target."""

    def progress(cloud, figures):
        log("  ".join(str(x) for x in report.quota_row(cloud, figures)))

    results, took = measured(runner, lambda r: quota.sweep(r, args.clouds, args.images, args.quotas, progress))
    config.update(quotas=args.quotas, seconds=round(took, 1), loadavg_end=loadavg())
    publish(args.out, "quota-", {"config": config, "clouds": results}, report.quota_report(results, config))
    print("\n(results: %s; %.0f s in all)" % (os.path.join(args.out, "quota-results.json"), took))
    return 0 if all(report.quota_passed(r) for runs in results.values() for r in runs) else 1


def main(argv=None):
    args = parse_options(argv)
    os.makedirs(args.work, exist_ok=True)
    if os.path.isdir(os.path.join(args.out, "logs")):
        shutil.rmtree(os.path.join(args.out, "logs"))
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    runner = Runner(args)
    runner.make_farm()
    config = run_config(args)
    if args.quota_sweep:
        return quota_sweep(runner, args, config)
    return scale_benchmark(runner, args, config)


if __name__ == "__main__":
    sys.exit(main())
