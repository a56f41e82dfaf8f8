"""Reporting (scripts/bench_lib): the benchmark's figures as text tables, each target met or missed. Nothing here
measures: every function takes the plain figures measure.py and quota.py return (the content of results.json).

  scale_report(results)          the tables of scripts/bench: a) b) c) d), where the time goes, startup, targets
  quota_report(results, config)  the table of scripts/bench --quota-sweep
  snapshots_report(row, count)   one cloud of scripts/bench --snapshots (snapshots.py)
  references_header/_row        scripts/bench --references (references.py)
  CREDENTIALS_HEADER, credentials_row   credentials.py
"""

import json

# Targets of the issue (measured by the benchmark, not asserted in tests).
TARGET_LOOP_RATIO = 20.0
TARGET_FLOOR_RATIO = 2.0
TARGET_PING_RATIO = 1.5
# Quota sweep: a rate of at least this share of min(quota, ceiling), throttled answers under this share of the calls.
TARGET_SHARE = 0.8
TARGET_THROTTLED = 0.05


def verdict(ok):
    return "MET" if ok else "MISSED"


def table(header, rows):
    """Left-aligned columns under a header and a rule; returns the lines."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    out = ["  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip() for r in [header] + rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def seconds(value, digits=2):
    """'1.23 s', or '-' when there is no figure."""
    return "%.*f s" % (digits, value) if value is not None else "-"


class ScaleReport:
    """The scale benchmark's report, section by section; each section adds its table, notes and targets."""

    def __init__(self, results):
        self.results = results
        self.config = results["config"]
        self.n = self.config["images"]
        self.clouds = [c for c in self.config["clouds"] if c in results["clouds"]]
        self.lines = []
        self.notes = []
        self.targets = []

    def figures(self, key):
        """(cloud, its figures) for each cloud that measured ``key``."""
        return [
            (cloud, self.results["clouds"][cloud]) for cloud in self.clouds if self.results["clouds"][cloud].get(key)
        ]

    def target(self, cloud, label, ok, measured):
        self.targets.append((cloud, label, ok, measured))
        return verdict(ok)

    def section(self, title, header, rows):
        """A blank line, the section's title, and its table."""
        self.lines += ["", title]
        self.lines += table(header, rows)

    def header(self):
        cfg = self.config
        self.lines += [
            "",
            "multicloud.images scale benchmark: %d images per cloud, emulator latency %d ms per API call, "
            "%s CPUs (load average %s at the start), ansible-core %s, Python %s"
            % (self.n, cfg["latency_ms"], cfg["cpus"], cfg.get("loadavg"), cfg["ansible_core"], cfg["python"]),
        ]

    def loop_row(self, cloud, r):
        bulk, loop = r["bulk"], r.get("loop")
        ok = r.get("loop_ratio") is not None and r["loop_ratio"] >= TARGET_LOOP_RATIO
        scaled = loop and loop["images"] != self.n
        state = "not run"
        if loop:
            state = self.target(
                cloud,
                "a) one task >= %.0fx faster than the loop" % TARGET_LOOP_RATIO,
                ok,
                "%.1fx" % (r["loop_ratio"] or -1),
            )
        for label, run in (("one task", bulk), ("loop", loop)):
            if run and (run["rc"] != 0 or run["left"]):
                self.notes.append(
                    "%s %s: ansible-playbook exit %s, %d image(s) not deleted" % (cloud, label, run["rc"], run["left"])
                )
        if bulk["deleting"]:
            self.notes.append(
                "%s: %d of the %d images were still in the cloud's deleting state when the wait: true task "
                "returned" % (cloud, bulk["deleting"], self.n)
            )
        if scaled:
            self.notes.append(
                "%s loop: measured with %d images, time and calls scaled x%.1f to %d"
                % (cloud, loop["images"], self.n / float(loop["images"]), self.n)
            )
        return [
            cloud,
            "%.2f s" % bulk["seconds"],
            bulk["journal"]["calls"],
            ("%.1f s%s" % (r["loop_seconds"], "*" if scaled else "")) if loop else "-",
            r.get("loop_calls", "-"),
            ("%.1fx" % r["loop_ratio"]) if r.get("loop_ratio") else "-",
            state,
        ]

    def loop_section(self):
        rows = [self.loop_row(cloud, r) for cloud, r in self.figures("bulk")]
        self.section(
            "a) %d images: one task vs a loop of %d single-id tasks (wall time of the task, API calls from "
            "the emulator journal)" % (self.n, self.n),
            ["cloud", "one task", "calls", "loop", "calls", "loop/one", "target >= %.0fx" % TARGET_LOOP_RATIO],
            rows,
        )

    def calls_row(self, cloud, r):
        j, f = r["bulk"]["journal"], r["call_floor"]
        allowed = f["describes"]  # describes of one pass over the ids: ceil(n/100)
        ok = j["max_describes_per_poll"] <= allowed
        state = self.target(
            cloud,
            "b) wait polls: <= 1 describe per 100 images per poll",
            ok,
            "%d per poll" % j["max_describes_per_poll"],
        )
        if j["errors"]:
            self.notes.append("%s one task: %d API errors (%s)" % (cloud, j["errors"], ", ".join(j["error_codes"])))
        return [
            cloud,
            "%d (%d+%d+%d+%d)"
            % (j["calls"], j["preflight_describes"], j["dry_runs"], j["deletes"], j["wait_describes"]),
            "%.3f" % (j["calls"] / float(self.n)),
            "%d (%d+%d+%d+%dx%d)"
            % (f["total"], f["describes"], f["dry_runs"], f["deletes"], j["polls"], f["describes"]),
            "%.3f" % (f["total"] / float(self.n)),
            j["calls"] - f["total"],
            j["polls"],
            "%d / %d" % (j["max_describes_per_poll"], allowed),
            state,
        ]

    def calls_section(self):
        rows = [self.calls_row(cloud, r) for cloud, r in self.figures("bulk")]
        self.section(
            "b) API calls per deleted image vs the floor; calls = describes + DryRuns + deletes + wait "
            "describes; floor = ceil(n/100) + DryRuns + deletes + polls x ceil(n/100) (tencent: per batch_size ids)",
            [
                "cloud",
                "calls",
                "per image",
                "floor",
                "per image",
                "extra",
                "polls",
                "describes/poll (max / allowed)",
                "target",
            ],
            rows,
        )

    def ping_section(self):
        rows = []
        for cloud, r in self.figures("single"):
            single = r["single"]
            ok = r.get("ping_ratio") is not None and r["ping_ratio"] <= TARGET_PING_RATIO
            state = self.target(
                cloud,
                "c) one-image task <= %.1fx a ping task" % TARGET_PING_RATIO,
                ok,
                "%.2fx" % (r["ping_ratio"] or -1),
            )
            rows.append(
                [
                    cloud,
                    "%.2f s" % single["ping"]["median"],
                    "%.2f s" % single["delete"]["median"],
                    "%.2fx" % r["ping_ratio"],
                    state,
                    "%.2f s" % single["delete_nowait"]["median"],
                    "%.2fx" % r["ping_ratio_nowait"],
                ]
            )
        if rows:
            self.section(
                "c) one-image delete task vs ansible.builtin.ping on localhost, same playbook run, median "
                "of %d each" % self.config["single_repeats"],
                ["cloud", "ping", "one image", "ratio", "target <= %.1fx" % TARGET_PING_RATIO, "wait: false", "ratio"],
                rows,
            )

    def floor_section(self):
        rows = []
        for cloud, r in self.figures("bulk"):
            j = r["bulk"]["journal"]
            ok = r.get("floor_ratio") is not None and r["floor_ratio"] <= TARGET_FLOOR_RATIO
            state = self.target(
                cloud,
                "d) one task <= %.0fx the rate-limit floor" % TARGET_FLOOR_RATIO,
                ok,
                "%.2fx" % (r["floor_ratio"] or -1),
            )
            rows.append(
                [
                    cloud,
                    "%g/s" % r["rate_limit"],
                    "%d (%d+%d)" % (j["governed"], j["dry_runs"], j["deletes"]),
                    "%.2f s" % r["floor_seconds"],
                    "%.2f s" % r["bulk"]["seconds"],
                    "%.2fx" % r["floor_ratio"],
                    state,
                    "%.2f s" % r["delete_floor_seconds"],
                    "%.2fx" % r["delete_floor_ratio"],
                    seconds(r.get("bulk_minus_ping")),
                ]
            )
        self.section(
            "d) the rate-limit floor of the one-task run: calls the limiter governs (DryRuns + deletes, "
            "both calls of the rate-limited delete API) / rate; pure-delete floor: deletes / rate",
            [
                "cloud",
                "rate",
                "governed (dry+del)",
                "floor",
                "measured",
                "measured/floor",
                "target <= %.0fx" % TARGET_FLOOR_RATIO,
                "pure-delete floor",
                "measured/it",
                "measured - ping",
            ],
            rows,
        )

    def phases_section(self):
        for cloud in self.clouds:
            phases = self.results["clouds"][cloud].get("phases") or []
            for ph in phases:
                if "timers" not in ph:
                    self.lines.append("phases %s: %s" % (cloud, ph.get("error")))
                    continue
                if ph is phases[0]:
                    self.lines += [
                        "",
                        "where the time goes, %s: module runs outside Ansible (scripts/bench_lib/phases.py); "
                        "* = summed over threads" % cloud,
                    ]
                self.lines.append(
                    "  %d image(s), wait %s: %.2f s, %d calls: %s"
                    % (
                        ph["images"],
                        "true" if ph["wait"] else "false",
                        ph["module_run_seconds"],
                        ph["journal"]["calls"],
                        "; ".join(
                            "%s %.2f%s"
                            % (
                                k.replace(" (summed over threads)", "*"),
                                v["seconds"],
                                "" if v["count"] == 1 else " (x%d)" % v["count"],
                            )
                            for k, v in ph["timers"].items()
                        ),
                    )
                )

    def startup_row(self, cloud, st):
        leaked = dict(
            (label, case["sdk_modules_imported"])
            for label, case in st["argument_errors"].items()
            if case["sdk_modules_imported"] or not case["failed"]
        )
        others = [c for c in st["valid_run"]["sdk_modules_imported"] if c != cloud]
        imp = list(st["import_seconds"].values())
        ok = not leaked and not others
        self.target(cloud, "startup: argument errors import no SDK, a run only its own", ok, "ok" if ok else "leaked")
        return [
            cloud,
            "none" if not leaked else json.dumps(leaked),
            ", ".join(sorted(st["valid_run"]["sdk_modules_imported"])) or "none",
            "%.2f s" % st["argument_error_seconds_median"],
            "%.2f s" % st["valid_run"]["seconds_median"],
            seconds(imp[0]),
            seconds(imp[1]),
        ]

    def startup_section(self):
        startup = self.results.get("startup")
        if not startup:
            return
        rows = [self.startup_row(cloud, st) for cloud, st in startup.items()]
        self.section(
            "startup: a module run directly (python -X importtime -m <module> args.json): argument errors "
            "(malformed id, missing state, partial credentials, rate_limit 0) must import no SDK",
            [
                "cloud",
                "SDK on arg errors",
                "SDKs of a valid run",
                "arg-error run",
                "valid 1-id run",
                "import module code",
                "import SDK client",
            ],
            rows,
        )

    def closing(self):
        if self.notes:
            self.lines += ["", "notes:"] + ["  " + note for note in self.notes]
        self.lines += ["", "targets:"]
        self.lines += table(
            ["cloud", "target", "measured", ""],
            [[c, label, value, verdict(ok)] for c, label, ok, value in self.targets],
        )

    def text(self):
        for section in (
            self.header,
            self.loop_section,
            self.calls_section,
            self.ping_section,
            self.floor_section,
            self.phases_section,
            self.startup_section,
            self.closing,
        ):
            section()
        return "\n".join(self.lines)


def scale_report(results):
    """The text of scripts/bench's report (results: the figures of measure.py, after measure.derive)."""
    return ScaleReport(results).text()


# -- quota sweep ------------------------------------------------------------------------------------
def quota_passed(result):
    """One sweep run met its targets: the task deleted everything, near enough the quota, rarely throttled."""
    return (
        result["rc"] == 0
        and not result["left"]
        and result["share"] is not None
        and result["share"] >= TARGET_SHARE
        and result["throttled_share"] < TARGET_THROTTLED
    )


def quota_row(cloud, r):
    """One line of the sweep's table (also logged as each run ends)."""
    return [
        cloud,
        "%g/s" % r["quota"],
        "%g/s" % r["ceiling"] if r["ceiling"] else "none",
        "%d (%d dry)" % (r["calls"], r["dry_runs"]),
        "%d (%.1f%%)" % (r["throttled"], 100.0 * (r["throttled_share"] or 0)),
        "%.1f/s" % r["rate"] if r["rate"] else "-",
        "%.0f%%" % (100.0 * r["share"]) if r["share"] else "-",
        seconds(r["seconds"], 1),
        "ok" if r["rc"] == 0 and not r["left"] else "FAILED (rc %s, %d left)" % (r["rc"], r["left"]),
        verdict(quota_passed(r)),
    ]


def quota_report(results, config):
    """The text of the quota sweep's report (results: {cloud: [figures per quota]} of quota.sweep)."""
    lines = [
        "",
        "quota sweep: %d images per run, %d ms per API call, %s CPUs, load %s (start) / %s (end)"
        % (config["images"], config["latency_ms"], config["cpus"], config["loadavg"], config.get("loadavg_end")),
        "rate = calls of the quota'd action the emulator let through per second (first to last); Alibaba: DryRun + "
        "delete per image, both DeleteImage calls; Tencent with batch_size 1",
        "target: rate >= %d%% of min(quota, ceiling), throttled < %d%% of the action's calls, task not failed"
        % (TARGET_SHARE * 100, TARGET_THROTTLED * 100),
    ]
    rows = [quota_row(cloud, r) for cloud, runs in results.items() for r in runs]
    lines += table(
        ["cloud", "quota", "ceiling", "calls on action", "throttled", "rate", "of target", "wall", "task", "target"],
        rows,
    )
    return "\n".join(lines)


# -- the smaller benchmarks ----------------------------------------------------------------------------
SNAPSHOT_ACTIONS = ("DescribeSnapshots", "DeleteSnapshots", "DeleteSnapshot")


def snapshots_report(row, count):
    """One cloud's delete_snapshots run (row: the figures of snapshots.bench)."""
    lines = ["\n== %s: %d images x 3 snapshots, delete_snapshots: true ==" % (row["cloud"], count)]
    if row["failed"]:
        lines.append("FAILED: %s" % row["msg"])
    lines.append(
        "wall time %.2f s; images deleted %d; snapshots deleted %d, kept %d, left in the emulator %d"
        % (row["seconds"], row["images"], row["snapshots_deleted"], row["snapshots_kept"], row["left"])
    )
    lines.append("%-20s %6s" % ("action", "calls"))
    for action, calls in sorted(row["calls"].items()):
        lines.append("%-20s %6d%s" % (action, calls, "  (snapshot phase)" if action in SNAPSHOT_ACTIONS else ""))
    sizes = row["delete_sizes"]
    if sizes:
        lines.append("snapshot delete calls: %d, ids per call: min %d, max %d" % (len(sizes), min(sizes), max(sizes)))
    return "\n".join(lines)


def references_header(templates, versions, configurations):
    """The heading of scripts/bench --references (references.py prints a row as each run ends)."""
    return "\n".join(
        [
            "%d launch templates (%d versions each; Huawei: servers), %d scaling configurations per region"
            % (templates, versions, configurations),
            "%-8s %7s  %-70s %6s %8s %8s" % ("cloud", "images", "reference reads", "total", "blocked", "seconds"),
        ]
    )


def references_row(row):
    """One cloud and number of images (row: the figures of references.measure)."""
    detail = ", ".join("%s %d" % (action, n) for action, n in row["reads"].items())
    return "%-8s %7d  %-70s %6d %8d %8.2f" % (
        row["cloud"],
        row["images"],
        detail,
        sum(row["reads"].values()),
        row["blocked"],
        row["seconds"],
    )


CREDENTIALS_HEADER = "%-8s %10s %10s  %-12s %s" % ("cloud", "median s", "max s", "category", "names what to set")


def credentials_row(row):
    """How fast a task with no credentials failed on one cloud (row: the figures of credentials.measure)."""
    return "%-8s %10.3f %10.3f  %-12s %s" % (row["cloud"], row["median"], row["max"], row["category"], row["named"])
