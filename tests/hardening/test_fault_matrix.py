"""The fault matrix: each scenario x each cloud, through ``ansible-playbook -vvv`` against the emulator.

One playbook run serves every scenario and cloud: one inventory host per cloud (strategy free, so the clouds run side
by side), one task per scenario on each host. Each scenario has its own images and its faults match only calls about
them, so scenarios cannot disturb each other; a cell's journal is the calls about its images. The outcome is cached
and each (scenario, cloud) cell is its own test that asserts the final state, the module's ``changed`` and returned
lists, the call journal and the secret scan.

Invariants asserted in every cell, on top of the scenario's own expectations:
- no traceback or MODULE FAILURE; a failure has a ``msg`` and an ``error.category`` of the taxonomy;
- ``changed`` is true exactly when ``deleted`` is not empty; ``deleted`` and ``already_absent`` do not overlap;
- an image is in ``deleted`` exactly when one delete call of this run really ran for it (journal ``applied``), and it is
  then gone or DELETING; every other requested image that was not ``already_absent`` still exists, untouched;
- no secret in stdout, stderr, results, warnings, the journal or the requests (leak watch).
"""

import json
import os
import time

import pytest
from emulator.faults import ACTIONS

from ansible_collections.multicloud.images.plugins.module_utils.errors import CATEGORIES  # every failure ends in one

from .harness import (
    CLOUD_NAMES,
    WRONG_SECRETS,
    applied_deletes,
    cloud_task,
    crashed,
    delete_attempts,
    finish_playbook,
    run_playbook,
    secret_findings,
    start_playbook,
)

DELETE = {"tencent": "DeleteImages", "aliyun": "DeleteImage", "huawei": "DeleteImage"}
DESCRIBE = {"tencent": "DescribeImages", "aliyun": "DescribeImages", "huawei": "ShowImage"}
BASE_ARGS = {"state": "absent", "retries": 3, "timeout": 5, "wait": True, "wait_timeout": 60, "rate_limit": 100.0}


def make_ids(cloud, number, count):
    if cloud == "tencent":
        return ["img-hx%02d%04d" % (number, n) for n in range(1, count + 1)]
    if cloud == "aliyun":
        return ["m-hx%02d%04d" % (number, n) for n in range(1, count + 1)]
    return ["d%07d-0000-4000-8000-%012d" % (number, n) for n in range(1, count + 1)]


class Scenario:
    """A fault scenario. ``ids`` of a cloud: [A, B, C] (or [A, X, B] where X is the image the race is about)."""

    name = None
    title = None
    clouds = CLOUD_NAMES
    count = 3
    config = {}

    def faults(self, cloud, ids):
        return []

    def args(self, cloud, ids):
        return {}

    def images(self, cloud, ids):
        return [
            {"id": image_id, "name": "hx-%s-%d" % (self.name, n), "created_at": "2026-02-0%dT00:00:00Z" % n}
            for n, image_id in enumerate(ids, 1)
        ]

    def check(self, cloud, ids, cell):
        raise NotImplementedError


class Cell:
    """One cloud's part of a scenario run."""

    def __init__(self, result, status, journal, images, faults):
        self.result = result
        self.status = status
        self.journal = journal
        self.images = images
        self.faults = faults

    @property
    def failed(self):
        # The callback sees failed results without a "failed" key (ansible-core 2.19): the status says it.
        return self.status == "failed" or bool(self.result.get("failed"))

    def exists(self, image_id):
        image = self.images.get(image_id)
        return image is not None and image.get("deleting_polls_left") is None

    def describe(self):
        return json.dumps({k: v for k, v in self.result.items() if k != "invocation"}, indent=1, default=str)[:4000]


def assert_success(cell, deleted, already_absent=()):
    got = (not cell.failed, cell.result.get("deleted"), cell.result.get("already_absent"), cell.result.get("changed"))
    want = (True, list(deleted), list(already_absent), bool(deleted))
    assert got == want, "expected (ok, deleted, already_absent, changed) = %r, got %r; blocked: %s; msg: %s" % (
        want,
        got,
        [(b["id"], b["code"]) for b in cell.result.get("blocked", [])],
        cell.result.get("msg", "")[:300],
    )


def fired(cell, **match):
    return sum(f["fired"] for f in cell.faults if all(f.get(k) == v for k, v in match.items()))


# -- the scenarios -----------------------------------------------------------------------------------------------


class ThrottleBurst(Scenario):
    name, title = "throttle_burst", "throttling bursts (reads, DryRun, deletes)"

    def faults(self, cloud, ids):
        faults = [{"action": DESCRIBE[cloud], "image_id": ids[0], "kind": "throttle", "times": 2}]
        # One throttled answer per image's delete (tencent: the batch holds all three, so three in a row).
        faults += [{"action": DELETE[cloud], "image_id": i, "mutating": True, "kind": "throttle"} for i in ids]
        if cloud != "huawei":
            faults.append({"action": DELETE[cloud], "image_id": ids[0], "dry_run": True, "kind": "throttle"})
        return faults

    def args(self, cloud, ids):
        return {"retries": 4}

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="throttle") == (6 if cloud != "huawei" else 5)
        deletes = [c for c in cell.journal if c["mutating"]]
        # One call per batch (tencent) or per image, plus exactly one more per throttled answer: no retry storm.
        assert len(deletes) == (1 if cloud == "tencent" else len(ids)) + 3


class ServerErrors(Scenario):
    name, title = "server_5xx", "5xx / InternalError answers"

    def faults(self, cloud, ids):
        return [
            {"action": DESCRIBE[cloud], "image_id": ids[0], "kind": "server_error", "times": 1},
            {"action": DELETE[cloud], "image_id": ids[0], "mutating": True, "kind": "server_error", "times": 1},
            {
                "action": DELETE[cloud],
                "image_id": ids[2],
                "mutating": True,
                "kind": "server_error",
                "status": 503,
                "times": 1,
            },
        ]

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="server_error") == 3
        assert len([c for c in cell.journal if c["mutating"]]) == (1 if cloud == "tencent" else len(ids)) + 2


class DroppedConnections(Scenario):
    name, title = "dropped_connections", "connections dropped before an answer (nothing done)"

    def faults(self, cloud, ids):
        return [
            {"action": DESCRIBE[cloud], "image_id": ids[0], "kind": "drop", "times": 1},
            {"action": DELETE[cloud], "image_id": ids[0], "mutating": True, "kind": "drop", "times": 1},
            {"action": DELETE[cloud], "image_id": ids[2], "mutating": True, "kind": "drop", "times": 1},
        ]

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="drop") == 3


class AnswerLost(Scenario):
    name, title = "answer_lost", "delete done, then the connection dropped (answer lost)"

    def faults(self, cloud, ids):
        return [{"action": DELETE[cloud], "image_id": ids[1], "mutating": True, "kind": "drop", "phase": "after"}]

    def check(self, cloud, ids, cell):
        # The retry meets an image that is already going: this run deleted it, and must say so.
        assert_success(cell, ids)
        assert fired(cell, kind="drop") == 1


class SlowerThanTimeout(Scenario):
    name, title = "slower_than_timeout", "answers slower than `timeout` (nothing done yet)"

    def faults(self, cloud, ids):
        return [
            {"action": DESCRIBE[cloud], "image_id": ids[0], "kind": "slow", "delay_ms": 2500, "times": 1},
            {"action": DELETE[cloud], "image_id": ids[1], "mutating": True, "kind": "slow", "delay_ms": 2500},
        ]

    def args(self, cloud, ids):
        return {"timeout": 1}

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="slow") == 2


class LateAnswer(Scenario):
    name, title = "late_answer", "delete done, answer later than `timeout`"

    def faults(self, cloud, ids):
        return [
            {
                "action": DELETE[cloud],
                "image_id": ids[1],
                "mutating": True,
                "kind": "slow",
                "delay_ms": 2500,
                "phase": "after",
            }
        ]

    def args(self, cloud, ids):
        return {"timeout": 1}

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="slow") == 1


class TaskRunningTransient(Scenario):
    name, title = "task_running_transient", "MutexOperation.TaskRunning that clears"
    clouds = ("tencent",)

    def faults(self, cloud, ids):
        return [
            {
                "action": "DeleteImages",
                "image_id": ids[0],
                "mutating": True,
                "kind": "error",
                "code": "MutexOperation.TaskRunning",
                "times": 2,
            }
        ]

    def check(self, cloud, ids, cell):
        assert_success(cell, ids)
        assert fired(cell, kind="error") == 2
        assert len([c for c in cell.journal if c["mutating"]]) == 3


class TaskRunningPersistent(Scenario):
    name, title = "task_running_persistent", "MutexOperation.TaskRunning that stays (busy image)"
    clouds = ("tencent",)

    def images(self, cloud, ids):
        images = super().images(cloud, ids)
        images[1]["task_running"] = True
        return images

    def args(self, cloud, ids):
        return {"retries": 2}

    def check(self, cloud, ids, cell):
        assert cell.failed, cell.describe()
        assert cell.result["deleted"] == [] and cell.result["changed"] is False
        assert [(b["id"], b["category"]) for b in cell.result["blocked"]] == [(ids[1], "busy")]
        assert ids[1] in cell.result["msg"] and "Nothing was deleted" in cell.result["msg"]
        assert [c for c in cell.journal if c["mutating"]] == []
        # Retried within `retries` on each narrowing step, not more.
        assert delete_attempts_dry(cell, ids[1]) <= 2 * 3


def delete_attempts_dry(cell, image_id):
    return sum(1 for c in cell.journal if c["action"] == "DeleteImages" and c["dry_run"] and image_id in c["image_ids"])


class BecomesBlocked(Scenario):
    """Image X changes between the pre-flight and the delete: the delete is refused; the others go."""

    fields = None
    categories = None

    def faults(self, cloud, ids):
        return [{"action": DELETE[cloud], "image_id": ids[1], "mutating": True, "kind": "mutate", "set": self.fields}]

    def check(self, cloud, ids, cell):
        a, x, b = ids
        if self.categories[cloud] is None:
            # The cloud documents no refusal for it: the delete goes through (see the README's protection table).
            assert_success(cell, [a, x, b], [])
            return
        assert cell.failed, cell.describe()
        assert sorted(cell.result["deleted"]) == sorted([a, b]) and cell.result["changed"] is True
        assert cell.result["not_deleted"] == [x]
        assert [(e["id"], e["category"]) for e in cell.result["blocked"]] == [(x, self.categories[cloud])]
        assert cell.result["error"]["category"] == self.categories[cloud]
        assert "Not deleted: %s." % x in cell.result["msg"] and x in cell.result["msg"]
        assert cell.exists(x)
        assert all(cell.images[x][k] == v for k, v in self.fields.items())


class BecomesInUse(BecomesBlocked):
    name, title = "becomes_in_use", "image becomes in use between pre-flight and delete"
    fields = {"in_use": True}
    # Tencent shows an image in use as state USING and refuses it with InvalidImageId.IncorrectState; IMS deletes it.
    categories = {"tencent": "invalid_state", "aliyun": "in_use", "huawei": None}


class BecomesShared(BecomesBlocked):
    name, title = "becomes_shared", "image becomes shared between pre-flight and delete"
    fields = {"shared": True}
    # IMS deletes a shared image: shared after the pre-flight read its members, it goes (a race no read can close).
    categories = {"tencent": "shared", "aliyun": "shared", "huawei": None}


class DeletedByOther(Scenario):
    name, title = "deleted_by_other", "image deleted by someone else between pre-flight and delete"

    def faults(self, cloud, ids):
        return [{"action": DELETE[cloud], "image_id": ids[1], "mutating": True, "kind": "mutate", "delete": True}]

    def check(self, cloud, ids, cell):
        a, x, b = ids
        assert_success(cell, [a, b], [x])
        assert applied_deletes(cell.journal, x) == 0


class DeletedByOtherOnly(Scenario):
    name, title = "deleted_by_other_only", "the only image deleted by someone else right after it was described"
    count = 1

    def faults(self, cloud, ids):
        return [{"action": DESCRIBE[cloud], "image_id": ids[0], "kind": "mutate", "delete": True, "phase": "after"}]

    def check(self, cloud, ids, cell):
        assert_success(cell, [], ids)
        assert applied_deletes(cell.journal, ids[0]) == 0


class RetriesExhausted(Scenario):
    name, title = "retries_exhausted", "throttled until retries run out on one image"

    def faults(self, cloud, ids):
        return [{"action": DELETE[cloud], "image_id": ids[1], "mutating": True, "kind": "throttle", "times": -1}]

    def args(self, cloud, ids):
        args = {"retries": 2, "max_concurrency": 1}
        if cloud == "tencent":
            args["batch_size"] = 1
        return args

    def check(self, cloud, ids, cell):
        a, x, b = ids
        assert cell.failed, cell.describe()
        assert cell.result["deleted"] == [a] and cell.result["changed"] is True
        assert cell.result["not_deleted"] == [x, b]
        assert cell.result["error"]["category"] == "throttled"
        assert "Deleted: %s." % a in cell.result["msg"] and "Not deleted: %s, %s." % (x, b) in cell.result["msg"]
        assert delete_attempts(cell.journal, x) == 3  # the first attempt + retries: 2
        assert delete_attempts(cell.journal, b) == 0  # not started once the task was failing
        assert cell.exists(x) and cell.exists(b)


class AuthRejected(Scenario):
    name, title = "auth_rejected", "wrong secret key: failed once, never retried"

    def args(self, cloud, ids):
        return {"wrong_secret": True}

    def check(self, cloud, ids, cell):
        assert cell.failed, cell.describe()
        assert cell.result["error"]["category"] == "auth_failed"
        assert cell.result["deleted"] == [] and cell.result["changed"] is False
        assert len(cell.journal) == 1, [c["action"] for c in cell.journal]
        assert all(cell.exists(i) for i in ids)


SCENARIOS = [
    ThrottleBurst(),
    ServerErrors(),
    DroppedConnections(),
    AnswerLost(),
    SlowerThanTimeout(),
    LateAnswer(),
    TaskRunningTransient(),
    TaskRunningPersistent(),
    BecomesInUse(),
    BecomesShared(),
    DeletedByOther(),
    DeletedByOtherOnly(),
    RetriesExhausted(),
    AuthRejected(),
]
MATRIX = [(scenario, cloud) for scenario in SCENARIOS for cloud in scenario.clouds]


# -- running the matrix (one playbook for every scenario and cloud) ---------------------------------------------------

_MATRIX = {}


def scenario_ids(scenario):
    number = SCENARIOS.index(scenario) + 1
    return {cloud: make_ids(cloud, number, scenario.count) for cloud in scenario.clouds}


def scenario_task(hx, scenario, cloud, ids):
    extra = dict(scenario.args(cloud, ids))
    wrong = extra.pop("wrong_secret", False)
    args = dict(BASE_ARGS, image_ids=ids, **hx.connection(cloud, secret_key=WRONG_SECRETS[cloud] if wrong else None))
    args.update(extra)
    return cloud_task(cloud, "%s %s" % (scenario.name, cloud), args)


def settle(hx, limit=15.0):
    """Wait until calls held by slow faults have been answered (journalled), so that the journal is complete and no
    late call reaches the next test."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        held = sum(f["fired"] for f in hx.control.faults() if f["kind"] == "slow")
        if sum(1 for c in hx.control.journal() if c["fault"] == "slow") >= held:
            return
        time.sleep(0.2)


def save(workdir, name, data):
    """Keep what a run did (results, journal, faults) beside its playbook, for a person to read."""
    with open(os.path.join(workdir, name + ".outcome.json"), "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, default=str, ensure_ascii=False)


def about(entry, ids):
    """Whether a journal entry or fault is about one of these images."""
    ids = set(ids)
    return bool(set(entry.get("image_ids") or ()) & ids) or entry.get("image_id") in ids or entry.get("target") in ids


def matrix_outcome(hx, workdir):
    if _MATRIX:
        return _MATRIX
    hx.reset()
    tasks = []
    for scenario in SCENARIOS:
        ids = scenario_ids(scenario)
        for cloud in scenario.clouds:
            hx.control.add_images(cloud, scenario.images(cloud, ids[cloud]))
            for fault in scenario.faults(cloud, ids[cloud]):
                assert fault.get("image_id") or fault.get("target"), "matrix faults must match one scenario's calls"
                hx.control.add_fault(cloud=cloud, **fault)
            tasks.append(scenario_task(hx, scenario, cloud, ids[cloud]))
    run = run_playbook(workdir, "fault-matrix", tasks)
    settle(hx)
    journal, faults = hx.control.journal(), hx.control.faults()
    images = {cloud: hx.images(cloud) for cloud in CLOUD_NAMES}
    cells = {}
    for scenario in SCENARIOS:
        ids = scenario_ids(scenario)
        for cloud in scenario.clouds:
            entry = run.results.get((cloud, "%s %s" % (scenario.name, cloud)))
            cells[(scenario.name, cloud)] = Cell(
                entry["result"] if entry else {"failed": True, "msg": "NO RESULT", "missing": True},
                entry["status"] if entry else None,
                [c for c in journal if c["cloud"] == cloud and about(c, ids[cloud])],
                images[cloud],
                [f for f in faults if f["cloud"] == cloud and about(f, ids[cloud])],
            )
    findings = secret_findings(run.texts(), journal, hx.control.leaks())
    save(
        workdir,
        "fault-matrix",
        {
            "duration": run.duration,
            "findings": findings,
            "cells": {
                "%s %s" % key: {
                    "status": cell.status,
                    "result": cell.result,
                    "faults": cell.faults,
                    "journal": [
                        {
                            k: c[k]
                            for k in (
                                "seq",
                                "action",
                                "image_ids",
                                "dry_run",
                                "mutating",
                                "applied",
                                "code",
                                "fault",
                                "mutations",
                            )
                        }
                        for c in cell.journal
                    ],
                }
                for key, cell in cells.items()
            },
        },
    )
    _MATRIX.update(run=run, cells=cells, findings=findings)
    return _MATRIX


def check_invariants(cloud, ids, cell, run):
    result = cell.result
    assert not result.get("missing"), "no result; stdout tail:\n%s\nstderr:\n%s" % (
        run.stdout[-3000:],
        run.stderr[-3000:],
    )
    assert not crashed(result), cell.describe()
    assert "Traceback (most recent call last)" not in run.stdout + run.stderr
    if cell.failed:
        assert isinstance(result.get("msg"), str) and result["msg"].strip()
        assert result.get("error", {}).get("category") in CATEGORIES, cell.describe()
    assert result["changed"] is bool(result["deleted"]), cell.describe()
    assert not set(result["deleted"]) & set(result["already_absent"])
    for image_id in ids:
        ran = applied_deletes(cell.journal, image_id)
        if image_id in result["deleted"]:
            assert ran == 1, "%s reported deleted, %d delete calls ran for it" % (image_id, ran)
            assert not cell.exists(image_id), "%s reported deleted but still there" % image_id
        else:
            assert ran == 0, "%s deleted by this run (%d calls) but not reported" % (image_id, ran)
            if image_id not in result["already_absent"]:
                assert cell.exists(image_id), "%s neither deleted nor absent, yet gone" % image_id


@pytest.mark.parametrize("scenario,cloud", MATRIX, ids=["%s-%s" % (s.name, c) for s, c in MATRIX])
def test_fault_matrix(hx, hx_workdir, scenario, cloud):
    outcome = matrix_outcome(hx, hx_workdir)
    cell = outcome["cells"][(scenario.name, cloud)]
    ids = scenario_ids(scenario)[cloud]
    problems = []
    for check in (lambda: scenario.check(cloud, ids, cell), lambda: check_invariants(cloud, ids, cell, outcome["run"])):
        try:
            check()
        except AssertionError as error:  # report the scenario's expectation and the invariants together
            problems.append(str(error).split("\n", maxsplit=1)[0][:1500])
    leaks = [f for f in outcome["findings"] if f.split()[0] in (cloud, "a")]
    assert not problems and not leaks, "\n".join(problems + leaks) + "\n" + cell.describe()


def test_no_unintended_deletion(hx, hx_workdir):
    """Over the whole matrix run: every delete that really ran was for an image its task asked to delete."""
    outcome = matrix_outcome(hx, hx_workdir)
    requested = {}
    for scenario in SCENARIOS:
        for cloud, ids in scenario_ids(scenario).items():
            requested.setdefault(cloud, set()).update(ids)
    applied = [c for cell in outcome["cells"].values() for c in cell.journal if c["mutating"] and c["applied"]]
    stray = [c for c in applied if not set(c["image_ids"]) <= requested[c["cloud"]]]
    assert applied and stray == [], stray


# -- two playbooks deleting overlapping sets at the same time ---------------------------------------------------------

_CONCURRENT = {}


def concurrent_outcome(hx, workdir):
    if _CONCURRENT:
        return _CONCURRENT
    hx.reset(latency_ms=20)
    ids = {cloud: make_ids(cloud, 50, 6) for cloud in CLOUD_NAMES}
    sets = {}
    for cloud in CLOUD_NAMES:
        hx.control.add_images(cloud, [{"id": i, "name": "hx-concurrent-%d" % n} for n, i in enumerate(ids[cloud])])
        # The two runs' first describes wait for each other before they are answered (a barrier, up to 20 s): both
        # runs see every image available, and both go on to delete the shared ones at about the same time.
        hx.control.add_fault(
            cloud=cloud,
            action="ListImages" if cloud == "huawei" else "DescribeImages",
            kind="hold",
            count=2,
            delay_ms=20000,
            phase="after",
            times=2,
        )
        # Both runs start with the shared images, so they reach them at the same moment.
        sets[cloud] = (
            [ids[cloud][2], ids[cloud][3], ids[cloud][0], ids[cloud][1]],
            [ids[cloud][2], ids[cloud][3], ids[cloud][4], ids[cloud][5]],
        )
    handles = []
    for n in (0, 1):
        tasks = [
            cloud_task(
                cloud, "concurrent %s" % cloud, dict(BASE_ARGS, image_ids=sets[cloud][n], **hx.connection(cloud))
            )
            for cloud in CLOUD_NAMES
        ]
        # Credentials from the environment in this scenario (env_fallback), not from task arguments.
        env = {}
        for task, cloud in zip(tasks, CLOUD_NAMES):
            args = task["multicloud.images.%s_image" % cloud]
            names = {
                "tencent": ("TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN"),
                "aliyun": ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
                "huawei": ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            }[cloud]
            env[names[0]] = args.pop("secret_key")
            env[names[1]] = args.pop("security_token")
        handles.append(start_playbook(workdir, "concurrent-%d" % n, tasks, env=env))
    runs = [finish_playbook(handle) for handle in handles]
    settle(hx)
    journal = hx.control.journal()
    _CONCURRENT.update(
        runs=runs,
        ids=ids,
        sets=sets,
        journal=journal,
        images={cloud: hx.images(cloud) for cloud in CLOUD_NAMES},
        findings=secret_findings(
            dict(("run %d: %s" % (n, k), v) for n, run in enumerate(runs) for k, v in run.texts().items()),
            journal,
            hx.control.leaks(),
        ),
    )
    return _CONCURRENT


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_concurrent_overlapping_runs(hx, hx_workdir, cloud):
    outcome = concurrent_outcome(hx, hx_workdir)
    journal = [c for c in outcome["journal"] if c["cloud"] == cloud]
    results = [run.result(cloud, "concurrent %s" % cloud) for run in outcome["runs"]]
    statuses = [run.results[(cloud, "concurrent %s" % cloud)]["status"] for run in outcome["runs"]]
    for result, status, requested in zip(results, statuses, outcome["sets"][cloud]):
        assert status == "ok", json.dumps(result, default=str)[:3000]
        assert result["changed"] is bool(result["deleted"])
        assert sorted(result["deleted"] + result["already_absent"]) == sorted(requested)
    deleted = [set(r["deleted"]) for r in results]
    assert not deleted[0] & deleted[1], "both runs claim %s" % (deleted[0] & deleted[1])
    assert deleted[0] | deleted[1] == set(outcome["ids"][cloud])
    for image_id in outcome["ids"][cloud]:
        assert applied_deletes(journal, image_id) == 1, image_id
        image = outcome["images"][cloud].get(image_id)
        assert image is None or image.get("deleting_polls_left") is not None
    assert [f for f in outcome["findings"] if f.split()[0] in (cloud, "a")] == [], outcome["findings"]


def test_every_fault_action_is_known():
    for cloud in CLOUD_NAMES:
        assert DELETE[cloud] in ACTIONS[cloud] and DESCRIBE[cloud] in ACTIONS[cloud]
