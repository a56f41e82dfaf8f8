"""Where the time of one image-module run goes (a diagnostic of scripts/bench, not a test).

Runs a module in this process exactly as AnsiballZ would (runpy, the arguments file in argv) with timers
around the lifecycle phases, the SDK client build, the API calls, the rate limiter and the wait sleeps:

  python scripts/bench_lib/phases.py FARM ARGS_JSON CLOUD      -> one JSON line on stdout

FARM is a directory holding ansible_collections/multicloud/images (a link to the tree); ARGS_JSON the
module's arguments file ({"ANSIBLE_MODULE_ARGS": {...}}). Phases overlap where threads run in parallel
(calls, limiter waits): those figures are summed over threads, the phase figures are wall time.
"""

import io
import json
import runpy
import sys
import threading
import time

T0 = time.perf_counter()


class Timers:
    def __init__(self):
        self.lock = threading.Lock()
        self.sums = {}
        self.counts = {}

    def add(self, name, seconds):
        with self.lock:
            self.sums[name] = self.sums.get(name, 0.0) + seconds
            self.counts[name] = self.counts.get(name, 0) + 1

    def wrap(self, owner, attr, name):
        original = getattr(owner, attr)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - start)

        setattr(owner, attr, timed)


def main():
    farm, args_file, cloud = sys.argv[1:4]
    sys.path.insert(0, farm)
    timers = Timers()
    start = time.perf_counter()
    prefix = "ansible_collections.multicloud.images.plugins."
    import importlib  # pylint: disable=import-outside-toplevel

    base = importlib.import_module(prefix + "module_utils.base")
    deletion = importlib.import_module(prefix + "module_utils.deletion")
    retry = importlib.import_module(prefix + "module_utils.retry")
    adapter_mod = importlib.import_module(prefix + "module_utils." + cloud)
    timers.add("import collection code (incl. ansible.module_utils.basic)", time.perf_counter() - start)
    adapter_cls = [v for k, v in vars(adapter_mod).items() if k.endswith("Adapter") and k != "ImageAdapter"][0]

    for attr in ("resolve", "preflight", "delete_all", "wait_until_gone"):
        timers.wrap(deletion.ImageDeletion, attr, "phase " + attr)
    timers.wrap(base.CloudModule, "__init__", "AnsibleModule + argument spec")
    timers.wrap(adapter_cls, "build_client", "build_client (SDK import + client, per thread)")
    timers.wrap(adapter_cls, "describe", "describe calls (summed over threads)")
    timers.wrap(adapter_cls, "delete", "delete/DryRun calls (summed over threads)")
    timers.wrap(retry.RateLimiter, "acquire", "rate limiter waits (summed over threads)")
    real_sleep = deletion.time.sleep

    class SleepProxy:  # the wait loop's sleeps (ImageDeletion takes time.sleep as its default argument)
        pass

    defaults = list(deletion.ImageDeletion.__init__.__defaults__)
    for i, value in enumerate(defaults):
        if value is real_sleep:

            def sleep(seconds):
                began = time.perf_counter()
                real_sleep(seconds)
                timers.add("wait-loop sleeps", time.perf_counter() - began)

            defaults[i] = sleep
    deletion.ImageDeletion.__init__.__defaults__ = tuple(defaults)

    sys.argv = ["module", args_file]
    stdout = sys.stdout
    sys.stdout = io.StringIO()
    run_start = time.perf_counter()
    try:
        runpy.run_module(prefix + "modules." + cloud + "_image", run_name="__main__")
    except SystemExit:
        pass
    output, sys.stdout = sys.stdout.getvalue(), stdout
    total = time.perf_counter() - run_start
    try:
        result = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"unparsed": output[-300:]}
    print(
        json.dumps(
            {
                "module_run_seconds": round(total, 3),
                "process_seconds_so_far": round(time.perf_counter() - T0, 3),
                "failed": bool(result.get("failed")),
                "deleted": len(result.get("deleted") or []),
                "msg": result.get("msg"),
                "timers": dict(
                    (k, {"seconds": round(v, 3), "count": timers.counts[k]}) for k, v in sorted(timers.sums.items())
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
