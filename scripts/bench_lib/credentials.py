"""How fast a task with no credentials anywhere fails, per cloud (a benchmark, not a test).

Each image module runs in this process (its main(), the real SDKs) with no cloud variable set, an empty HOME and an
endpoint nobody listens on, REPEATS times; it prints the median and the slowest wall time, the error category and
whether the message names the variables to set. A regression to the old behaviour (a retried network error) shows as
seconds instead of milliseconds and as category ``transient``.

  .venv/bin/python scripts/bench_lib/credentials.py [--repeats 5] [--clouds tencent,aliyun,huawei]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

# tests/conftest.py sets up the collection's import path.
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from hardening.harness import run_module  # noqa: E402  pylint: disable=wrong-import-position
from report import CREDENTIALS_HEADER, credentials_row  # noqa: E402  pylint: disable=wrong-import-position,import-error

CLOUD_PREFIXES = ("TENCENTCLOUD_", "ALIBABA_CLOUD_", "ALICLOUD_", "HUAWEICLOUD_", "HW_", "TKE_")
IMAGES = {"tencent": "img-bench0001", "aliyun": "m-bench0001", "huawei": "e0000000-0000-4000-8000-00000000b001"}
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
FIRST_VARIABLE = {
    "tencent": "TENCENTCLOUD_SECRET_ID",
    "aliyun": "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "huawei": "HUAWEICLOUD_SDK_AK",
}


def measure(cloud, repeats):
    """REPEATS runs of CLOUD's module with no credentials: {cloud, median, max, category, named}."""
    times, result = [], None
    for dummy in range(repeats):
        start = time.monotonic()
        result = run_module(
            cloud,
            {"state": "absent", "region": REGIONS[cloud], "image_ids": [IMAGES[cloud]], "endpoint": "127.0.0.1:9"},
        ).result
        times.append(time.monotonic() - start)
    return {
        "cloud": cloud,
        "median": statistics.median(times),
        "max": max(times),
        "category": result["error"]["category"],
        "named": FIRST_VARIABLE[cloud] in result["msg"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clouds", default="tencent,aliyun,huawei")
    options = parser.parse_args()
    for name in list(os.environ):
        if name.startswith(CLOUD_PREFIXES):
            del os.environ[name]
    os.environ["HOME"] = tempfile.mkdtemp(prefix="mci-bench-home-")
    print(CREDENTIALS_HEADER)
    for cloud in options.clouds.split(","):
        print(credentials_row(measure(cloud, options.repeats)))


if __name__ == "__main__":
    main()
