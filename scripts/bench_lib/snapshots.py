"""delete_snapshots at scale (a benchmark, not a test): N images with 3 snapshots each, one task per cloud.

Starts its own emulator (loopback, per-call latency), seeds N images of 3 snapshots (a system disk and two data disks)
per cloud, runs the image module in this process (its main(), the real SDKs, real HTTP) with delete_snapshots: true,
then prints (report.py) the wall time and, from the emulator's journal, the calls per action and the ids per snapshot delete:
Tencent's CBS DeleteSnapshots takes a list (batches of 100), Alibaba's DeleteSnapshot one id (concurrent calls within
the rate limit). Bounded: at most 1000 images, one run per cloud, a time limit per run; rerunnable (fresh emulator).

  scripts/bench --snapshots [--images 200] [--latency-ms 50] [--clouds tencent,aliyun]
  .venv/bin/python scripts/bench_lib/snapshots.py --images 50
"""

import argparse
import collections
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

# tests/conftest.py sets up the collection's import path.
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from emulator.client import ControlClient  # noqa: E402  pylint: disable=wrong-import-position
from emulator.fixtures import default_keys, start, stop  # noqa: E402  pylint: disable=wrong-import-position
from emulator.seed import DEFAULT_SEED_FILE, load_file  # noqa: E402  pylint: disable=wrong-import-position
from hardening.harness import run_module  # noqa: E402  pylint: disable=wrong-import-position
from report import snapshots_report  # noqa: E402  pylint: disable=wrong-import-position,import-error
from runner import REFERENCE_SERVICES  # noqa: E402  pylint: disable=wrong-import-position,import-error

CLOUDS = ("tencent", "aliyun")
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou"}
MAX_IMAGES = 1000


def images(cloud, count):
    """``count`` images of 3 snapshots each (ids unique per run)."""
    prefix, snap = ("img-bs", "snap-bs") if cloud == "tencent" else ("m-bs", "s-bs")
    return [
        {
            "id": "%s%06d" % (prefix, n),
            "name": "bench-snap-%d" % n,
            "account": "100000000001",
            "snapshot_ids": ["%s%d%05d" % (snap, disk, n) for disk in range(3)],
        }
        for n in range(count)
    ]


def arguments(cloud, ports, keys, ids):
    """The module's arguments, every service it reads pointed at the emulator (snapshots, and the reference reads
    of protect_referenced)."""
    endpoint = "http://" + ports[cloud]
    args = {
        "state": "absent",
        "region": REGIONS[cloud],
        "endpoint": endpoint,
        "image_ids": ids,
        "delete_snapshots": True,
        "wait": False,
        "retries": 6,
        "service_endpoints": dict((name, endpoint) for name in REFERENCE_SERVICES[cloud]),
    }
    if cloud == "tencent":
        args.update(access_key=keys["tencent"]["secret_id"], secret_key=keys["tencent"]["secret_key"])
        args["service_endpoints"]["cbs"] = endpoint
    else:
        args.update(access_key=keys["aliyun"]["access_key_id"], secret_key=keys["aliyun"]["access_key_secret"])
    return args


def bench(control, ports, keys, cloud, count, latency_ms):
    seed = load_file(DEFAULT_SEED_FILE)
    seeded = images(cloud, count)
    seed["images"][cloud] = seeded
    seed["config"] = dict(seed.get("config") or {}, latency_ms=latency_ms, delete_polls=1)
    control.reset(seed)
    start_time = time.monotonic()
    result = run_module(cloud, arguments(cloud, ports, keys, [i["id"] for i in seeded])).result
    seconds = time.monotonic() - start_time
    journal = control.journal(cloud)
    per_action = collections.Counter(c["action"] for c in journal)
    deletes = [c for c in journal if c["action"] in ("DeleteSnapshots", "DeleteSnapshot") and c["code"] is None]
    sizes = [len(c["params"].get("SnapshotIds") or [c["params"].get("SnapshotId")]) for c in deletes]
    left = len([s for s in control.snapshots(cloud) if s["id"].startswith(("snap-bs", "s-bs"))])
    return {
        "cloud": cloud,
        "seconds": seconds,
        "failed": bool(result.get("failed")),
        "msg": result.get("msg"),
        "images": len(result.get("deleted") or []),
        "snapshots_deleted": len(result.get("snapshots_deleted") or []),
        "snapshots_kept": len(result.get("snapshots_kept") or []),
        "left": left,
        "calls": per_action,
        "delete_sizes": sizes,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200, help="images per cloud, 1 to %d (200)" % MAX_IMAGES)
    parser.add_argument("--latency-ms", type=int, default=50, help="emulator latency per API call (50)")
    parser.add_argument("--clouds", default=",".join(CLOUDS))
    options = parser.parse_args()
    if not 1 <= options.images <= MAX_IMAGES:
        parser.error("--images must be between 1 and %d" % MAX_IMAGES)
    clouds = [c for c in options.clouds.split(",") if c]
    if set(clouds) - set(CLOUDS):
        parser.error("--clouds: delete_snapshots exists on %s" % ", ".join(CLOUDS))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    process, ports = start(DEFAULT_SEED_FILE, ["--no-tls"])
    control = ControlClient(ports["control"])
    try:
        keys = default_keys(load_file(DEFAULT_SEED_FILE))
        for cloud in clouds:
            print(
                snapshots_report(bench(control, ports, keys, cloud, options.images, options.latency_ms), options.images)
            )
    finally:
        stop(process, control)


if __name__ == "__main__":
    main()
