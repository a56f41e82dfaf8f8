"""How many reference reads protect_referenced costs, per cloud (a benchmark, not a test).

Starts the emulator, seeds a region with TEMPLATES launch templates (VERSIONS versions each; Huawei has none) and
CONFIGURATIONS scaling configurations (and, on Huawei, SERVERS servers), some naming candidate images, then runs the
image module (its main(), the real SDKs, real HTTP) in check mode on each number of candidate images given, and
prints the reference reads it made (from the emulator's journal), the blocked images and the wall time. The reads
depend on the region's templates, configurations and servers, never on the number of images.

  .venv/bin/python scripts/bench_lib/references.py [--images 20,200] [--templates 50] [--configurations 50]
  scripts/bench --references                      # the same, through the benchmark's entry point
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

# tests/conftest.py sets up the collection's import path.
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from emulator import fixtures  # noqa: E402  pylint: disable=wrong-import-position
from emulator.seed import DEFAULT_SEED_FILE, load_file  # noqa: E402  pylint: disable=wrong-import-position
from hardening.harness import run_module  # noqa: E402  pylint: disable=wrong-import-position
from report import references_header, references_row  # noqa: E402  pylint: disable=wrong-import-position,import-error
from runner import REFERENCE_SERVICES  # noqa: E402  pylint: disable=wrong-import-position,import-error

CLOUDS = ("tencent", "aliyun", "huawei")
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
KEYS = {
    "tencent": ("secret_id", "secret_key"),
    "aliyun": ("access_key_id", "access_key_secret"),
    "huawei": ("ak", "sk"),
}
READS = {
    "tencent": ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeLaunchConfigurations"),
    "aliyun": ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeScalingConfigurations"),
    "huawei": ("ListScalingConfigs", "ListServersDetails"),
}
VERSIONS = 3
MAX_IMAGES = 1000


def image_id(cloud, n):
    return {
        "tencent": "img-refb%05d" % n,
        "aliyun": "m-refb%05d" % n,
        "huawei": "b%07d-0000-4000-8000-000000000000" % n,
    }[cloud]


def uuid_like(prefix, n):
    return "%s%07d-0000-4000-8000-000000000000" % (prefix, n)


def references(cloud, images, templates, configurations):
    """Templates (VERSIONS versions, the last naming an image), configurations and, on Huawei, servers; one in
    five of each names a candidate image, the others an image outside the task."""

    def named(n):
        return image_id(cloud, n % images) if n % 5 == 0 else image_id(cloud, MAX_IMAGES + n)

    out = []
    if cloud == "huawei":
        out += [{"kind": "server", "id": uuid_like("5", n), "image_id": named(n)} for n in range(templates)]
    else:
        out += [
            {
                "kind": "launch_template",
                "id": "lt-refb%05d" % n,
                "versions": [{"image_id": image_id(cloud, MAX_IMAGES + n)}] * (VERSIONS - 1) + [{"image_id": named(n)}],
            }
            for n in range(templates)
        ]
    out += [
        {
            "kind": "scaling_configuration",
            "id": uuid_like("c", n) if cloud == "huawei" else "asc-refb%05d" % n,
            "image_id": named(n + 1),
            "group": uuid_like("a", n) if cloud == "huawei" else "asg-refb%05d" % n,
        }
        for n in range(configurations)
    ]
    return out


def connection(emulator, cloud):
    names = KEYS[cloud]
    url = emulator.url(cloud)
    args = {
        "region": REGIONS[cloud],
        "endpoint": url,
        "access_key": emulator.keys[cloud][names[0]],
        "secret_key": emulator.keys[cloud][names[1]],
        "service_endpoints": dict((s, url) for s in REFERENCE_SERVICES[cloud]),
    }
    if cloud == "huawei":
        args["project_id"] = emulator.keys["huawei"]["projects"][REGIONS["huawei"]]
    return args


def measure(emulator, cloud, images, options):
    """One check-mode run on ``images`` candidates: {cloud, images, reads: {action: calls}, blocked, seconds}."""
    control = emulator.control
    control.reset()
    ids = [image_id(cloud, n) for n in range(images)]
    seeded = [
        {
            "id": i,
            "name": "refb-%05d" % n,
            "region": REGIONS[cloud],
            "account": emulator.keys["account"],
            "created_at": "2026-02-01T00:00:00Z",
        }
        for n, i in enumerate(ids)
    ]
    for start in range(0, len(seeded), 500):
        control.add_images(cloud, seeded[start : start + 500])
    control.add_references(cloud, references(cloud, images, options.templates, options.configurations))
    control.clear_journal()
    start = time.monotonic()
    result = run_module(cloud, dict(connection(emulator, cloud), state="absent", image_ids=ids), check_mode=True).result
    seconds = time.monotonic() - start
    journal = control.journal(cloud=cloud)
    reads = dict((action, len([c for c in journal if c["action"] == action])) for action in READS[cloud])
    return {
        "cloud": cloud,
        "images": images,
        "reads": reads,
        "blocked": len(result.get("blocked") or []),
        "seconds": seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", default="20,200", help="candidate image counts, comma-separated (20,200)")
    parser.add_argument("--templates", type=int, default=50, help="launch templates (Huawei: servers) (50)")
    parser.add_argument("--configurations", type=int, default=50, help="scaling configurations (50)")
    parser.add_argument("--clouds", default=",".join(CLOUDS))
    options = parser.parse_args()
    counts = [int(n) for n in options.images.split(",")]
    if (
        any(not 1 <= n <= MAX_IMAGES for n in counts)
        or not 0 <= options.templates <= 500
        or not 0 <= options.configurations <= 500
    ):
        parser.error("--images 1-%d each, --templates and --configurations 0-500" % MAX_IMAGES)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    process, ports = fixtures.start()
    emulator = fixtures.Emulator(ports, load_file(DEFAULT_SEED_FILE))
    try:
        print(references_header(options.templates, VERSIONS, options.configurations))
        for cloud in options.clouds.split(","):
            for images in counts:
                print(references_row(measure(emulator, cloud, images, options)))
    finally:
        fixtures.stop(process, emulator.control)


if __name__ == "__main__":
    main()
