# -*- coding: utf-8 -*-
"""delete_snapshots: the snapshot phase (snapshots.py) through the real adapters and SDKs against the emulator.

Asserts on the engine's result (what the module returns) and on the emulator's journal and snapshots.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.deletion import DeletionFailed, ImageDeletion
from ansible_collections.multicloud.images.tests.unit.plugins.module_utils.emulator_adapters import (
    adapter_for as make_adapter,
)

TENCENT_IMAGES = [
    {"id": "img-snap0001", "name": "three-disks", "snapshot_ids": ["snap-sys00001", "snap-dat00001", "snap-dat00002"]},
    {"id": "img-snap0002", "name": "shares-one", "snapshot_ids": ["snap-sys00002", "snap-shr00001"]},
    {"id": "img-snap0003", "name": "keeps-shared", "snapshot_ids": ["snap-shr00001"]},
]
SNAPSHOT_ACTIONS = ("DescribeSnapshots", "DeleteSnapshots", "DeleteSnapshot")


def seed(emu, cloud, images, snapshots=None, **config):
    emu.control.add_images(cloud, images)
    emu.control.configure(delete_polls=1, **config)
    if snapshots:
        base = emu.seed
        emu.control.reset(
            dict(
                base,
                images=dict(base["images"], **{cloud: base["images"][cloud] + images}),
                snapshots={cloud: snapshots},
                config=dict(base.get("config") or {}, delete_polls=1, **config),
            )
        )
    emu.control.clear_journal()


@pytest.fixture
def run():
    """``run(emu, cloud, ids, check_mode=False, delete_snapshots=True, **engine_options)``: one task with the real adapter."""

    def run_task(emu, cloud, ids, check_mode=False, delete_snapshots=True, **kwargs):
        kwargs.setdefault("sleep", lambda s: None)
        return ImageDeletion(
            make_adapter(emu, cloud, retries=1),
            image_ids=ids,
            options={"delete_snapshots": delete_snapshots},
            check_mode=check_mode,
            batch_size=50,
            **kwargs,
        ).run()

    return run_task


def snapshot_ids(emu, cloud):
    return set(s["id"] for s in emu.control.snapshots(cloud))


def calls(emu, cloud, action):
    return [c for c in emu.control.journal(cloud) if c["action"] == action]


@pytest.mark.parametrize("binded", ["system", "all"])
def test_tencent_an_image_goes_with_its_three_snapshots(emu, binded, run):
    seed(emu, "tencent", TENCENT_IMAGES[:1], tencent_binded_snap=binded)
    result = run(emu, "tencent", ["img-snap0001"], wait=False)
    assert result["deleted"] == ["img-snap0001"]
    assert result["snapshots_deleted"] == ["snap-sys00001", "snap-dat00001", "snap-dat00002"]
    assert result["snapshots_kept"] == []
    assert not snapshot_ids(emu, "tencent") & {"snap-sys00001", "snap-dat00001", "snap-dat00002"}
    assert [c["params"]["DeleteBindedSnap"] for c in calls(emu, "tencent", "DeleteImages")] == [True, True]
    deletes = [c for c in calls(emu, "tencent", "DeleteSnapshots") if c["code"] is None]
    # DeleteBindedSnap takes the system disk's snapshot (or all): one batched CBS call for what it leaves, or none.
    assert [c["params"]["SnapshotIds"] for c in deletes] == (
        [["snap-dat00001", "snap-dat00002"]] if binded == "system" else []
    )
    # The snapshot calls came after the image was gone (wait: false notwithstanding).
    journal = emu.control.journal("tencent")
    last_describe = max(c["seq"] for c in journal if c["action"] == "DescribeImages")
    assert all(c["seq"] > last_describe for c in deletes)


def test_tencent_a_snapshot_another_image_uses_is_kept_and_said_why(emu, run):
    seed(emu, "tencent", TENCENT_IMAGES)
    result = run(emu, "tencent", ["img-snap0002"])
    assert result["snapshots_deleted"] == ["snap-sys00002"]
    assert [(k["id"], k["image_id"]) for k in result["snapshots_kept"]] == [("snap-shr00001", "img-snap0002")]
    assert "img-snap0003" in result["snapshots_kept"][0]["reason"]
    assert "snap-shr00001" in snapshot_ids(emu, "tencent")
    # The cloud's own clean-up is not asked for an image whose snapshot stays (the DryRun, sent before the snapshots
    # are read, checks the same image).
    assert [c["params"]["DeleteBindedSnap"] for c in calls(emu, "tencent", "DeleteImages") if not c["dry_run"]] == [
        False
    ]
    assert result["diff"]["before"]["snapshots"] == ["snap-sys00002", "snap-shr00001"]
    assert result["diff"]["after"]["snapshots"] == ["snap-shr00001"]


def test_tencent_both_users_deleted_together_take_the_shared_snapshot(emu, run):
    seed(emu, "tencent", TENCENT_IMAGES)
    result = run(emu, "tencent", ["img-snap0002", "img-snap0003"])
    assert result["snapshots_deleted"] == ["snap-sys00002", "snap-shr00001"] and result["snapshots_kept"] == []


def test_tencent_check_mode_deletes_nothing_and_lists_the_same(emu, run):
    seed(emu, "tencent", TENCENT_IMAGES)
    before = snapshot_ids(emu, "tencent")
    checked = run(emu, "tencent", ["img-snap0001", "img-snap0002"], check_mode=True)
    assert snapshot_ids(emu, "tencent") == before
    assert not [c for c in emu.control.journal("tencent") if c["mutating"]]
    real = run(emu, "tencent", ["img-snap0001", "img-snap0002"])
    assert checked["snapshots_deleted"] == real["snapshots_deleted"]
    assert checked["snapshots_kept"] == real["snapshots_kept"]


def test_tencent_without_the_option_every_snapshot_stays(emu, run):
    seed(emu, "tencent", TENCENT_IMAGES)
    before = snapshot_ids(emu, "tencent")
    result = run(emu, "tencent", ["img-snap0001"], delete_snapshots=False)
    assert result["deleted"] == ["img-snap0001"]
    assert result["snapshots_deleted"] == [] and result["snapshots_kept"] == []
    assert snapshot_ids(emu, "tencent") == before
    assert not [c for c in emu.control.journal("tencent") if c["action"] in SNAPSHOT_ACTIONS]


@pytest.mark.parametrize(
    "field, value, words",
    [("share_reference", 2, "shared with 2"), ("state", "COPYING_FROM_REMOTE", "NORMAL"), ("locked", True, "locked")],
)
def test_tencent_what_describe_snapshots_shows_keeps_a_snapshot(emu, field, value, words, run):
    seed(emu, "tencent", TENCENT_IMAGES[:1], snapshots=[{"id": "snap-dat00001", field: value}])
    result = run(emu, "tencent", ["img-snap0001"])
    assert result["snapshots_deleted"] == ["snap-sys00001", "snap-dat00002"]
    assert [k["id"] for k in result["snapshots_kept"]] == ["snap-dat00001"]
    assert words in result["snapshots_kept"][0]["reason"]
    assert "snap-dat00001" in snapshot_ids(emu, "tencent")


def test_tencent_a_refused_batch_is_narrowed_and_the_rest_goes(emu, run):
    """The delete's own refusal (a use no read showed): the batch is halved until the refused snapshot is named."""
    seed(emu, "tencent", TENCENT_IMAGES[:1], tencent_binded_snap="system")
    emu.control.add_fault(
        cloud="tencent", action="DeleteSnapshots", kind="error", code="UnsupportedOperation.SnapHasShared", times=2
    )
    result = run(emu, "tencent", ["img-snap0001"])
    assert result["deleted"] == ["img-snap0001"]
    kept = result["snapshots_kept"]
    assert len(kept) == 1 and "UnsupportedOperation.SnapHasShared" in kept[0]["reason"]
    assert len(result["snapshots_deleted"]) == 2


@pytest.mark.parametrize(
    "action, deleted, words",
    [
        ("DeleteSnapshots", ["img-snap0001"], "were deleted"),  # after the images: the task fails, saying what went
        ("DescribeSnapshots", [], "nothing was deleted"),  # the plan's read: the task stops before any delete
    ],
)
def test_tencent_a_permission_error_on_a_snapshot_call_fails_the_task(emu, action, deleted, words, run):
    seed(emu, "tencent", TENCENT_IMAGES[:1])
    emu.control.add_fault(cloud="tencent", action=action, kind="error", code="UnauthorizedOperation")
    with pytest.raises(DeletionFailed) as failure:
        run(emu, "tencent", ["img-snap0001"])
    assert failure.value.result["deleted"] == deleted and failure.value.error.category == "forbidden"
    assert words in failure.value.msg
    if not deleted:
        assert not [c for c in emu.control.journal("tencent") if c["mutating"]]


@pytest.mark.parametrize("limit", [100, 1])
def test_tencent_cbs_batch_size_is_not_documented_so_a_refused_batch_is_halved(emu, limit, run):
    seed(emu, "tencent", TENCENT_IMAGES[:1], tencent_cbs_max_batch=limit)
    result = run(emu, "tencent", ["img-snap0001"])
    assert result["snapshots_deleted"] == ["snap-sys00001", "snap-dat00001", "snap-dat00002"]
    sizes = [len(c["params"]["SnapshotIds"]) for c in calls(emu, "tencent", "DeleteSnapshots") if c["code"] is None]
    assert sizes == ([2] if limit == 100 else [1, 1])


def test_the_snapshots_of_an_image_someone_else_deleted_meanwhile_stay(emu, run):
    """An image gone between the pre-flight and its delete is not this task's: its snapshots are not touched."""
    seed(emu, "tencent", TENCENT_IMAGES[:2])
    emu.control.configure(delete_polls=0)
    emu.control.add_fault(
        cloud="tencent", action="DeleteImages", mutating=True, kind="mutate", target="img-snap0002", delete=True
    )
    result = run(emu, "tencent", ["img-snap0001", "img-snap0002"])
    assert result["deleted"] == ["img-snap0001"] and result["already_absent"] == ["img-snap0002"]
    kept = dict((k["id"], k) for k in result["snapshots_kept"])
    assert set(kept) == {"snap-sys00002", "snap-shr00001"}
    assert all(k["image_id"] == "img-snap0002" and "not deleted by this task" in k["reason"] for k in kept.values())
    assert "snap-shr00001" in snapshot_ids(emu, "tencent")


def test_tencent_a_throttled_snapshot_delete_is_retried(emu, run):
    seed(emu, "tencent", TENCENT_IMAGES[:1])
    emu.control.add_fault(cloud="tencent", action="DeleteSnapshots", kind="throttle", times=1)
    result = run(emu, "tencent", ["img-snap0001"])
    assert len(result["snapshots_deleted"]) == 3


# -- Alibaba: ECS DescribeSnapshots, then one DeleteSnapshot per snapshot on the task's threads -------------------------

ALIYUN_IMAGES = [
    {"id": "m-snap0001", "name": "three-disks", "snapshot_ids": ["s-sys0001", "s-dat0001", "s-dat0002"]},
    {"id": "m-snap0002", "name": "shares-one", "snapshot_ids": ["s-sys0002", "s-shr0001"]},
    {"id": "m-snap0003", "name": "keeps-shared", "snapshot_ids": ["s-shr0001"]},
]


@pytest.mark.parametrize("missing", ["ignore", "not_found"])
def test_aliyun_an_image_goes_with_its_three_snapshots_even_when_an_answer_is_lost(emu, missing, run):
    """DeleteSnapshot of an id that is gone is ignored (its page) or answers NotFound: a retry after a lost answer
    counts the snapshot deleted either way."""
    seed(emu, "aliyun", ALIYUN_IMAGES[:1], aliyun_missing_snapshot=missing)
    emu.control.add_fault(cloud="aliyun", action="DeleteSnapshot", kind="drop", phase="after")
    result = run(emu, "aliyun", ["m-snap0001"], wait=False)
    assert result["deleted"] == ["m-snap0001"]
    assert result["snapshots_deleted"] == ["s-sys0001", "s-dat0001", "s-dat0002"] and result["snapshots_kept"] == []
    assert not snapshot_ids(emu, "aliyun") & {"s-sys0001", "s-dat0001", "s-dat0002"}
    journal = emu.control.journal("aliyun")
    deletes = [c for c in journal if c["action"] == "DeleteSnapshot"]
    assert sorted(set(c["params"]["SnapshotId"] for c in deletes)) == ["s-dat0001", "s-dat0002", "s-sys0001"]
    assert all("Force" not in c["params"] for c in deletes)
    last_image_read = max(c["seq"] for c in journal if c["action"] == "DescribeImages")
    assert all(c["seq"] > last_image_read for c in deletes)  # after the image was gone


def test_aliyun_a_snapshot_another_image_uses_is_kept_and_said_why(emu, run):
    seed(emu, "aliyun", ALIYUN_IMAGES)
    checked = run(emu, "aliyun", ["m-snap0002"], check_mode=True)
    assert not [c for c in emu.control.journal("aliyun") if c["mutating"]]
    result = run(emu, "aliyun", ["m-snap0002"])
    for outcome in (checked, result):
        assert outcome["snapshots_deleted"] == ["s-sys0002"]
        assert [(k["id"], k["image_id"]) for k in outcome["snapshots_kept"]] == [("s-shr0001", "m-snap0002")]
        assert "m-snap0003" in outcome["snapshots_kept"][0]["reason"]
    assert "s-shr0001" in snapshot_ids(emu, "aliyun") and "s-sys0002" not in snapshot_ids(emu, "aliyun")


def test_aliyun_a_snapshot_disks_were_made_from_is_kept(emu, run):
    seed(emu, "aliyun", ALIYUN_IMAGES[:1], snapshots=[{"id": "s-dat0002", "disk_ids": ["d-fromsnap1"]}])
    result = run(emu, "aliyun", ["m-snap0001"])
    assert result["snapshots_deleted"] == ["s-sys0001", "s-dat0001"]
    assert [k["id"] for k in result["snapshots_kept"]] == ["s-dat0002"] and "Force" in result["snapshots_kept"][0][
        "reason"
    ]
    assert "s-dat0002" in snapshot_ids(emu, "aliyun")


def test_aliyun_a_refusal_only_the_delete_shows_keeps_that_snapshot(emu, run):
    seed(emu, "aliyun", ALIYUN_IMAGES[:1])
    emu.control.add_fault(
        cloud="aliyun", action="DeleteSnapshot", kind="error", code="SnapshotCreatedImage", status=403
    )
    result = run(emu, "aliyun", ["m-snap0001"], max_concurrency=1)
    assert len(result["snapshots_deleted"]) == 2
    assert len(result["snapshots_kept"]) == 1 and "SnapshotCreatedImage" in result["snapshots_kept"][0]["reason"]


def test_aliyun_without_the_option_every_snapshot_stays(emu, run):
    seed(emu, "aliyun", ALIYUN_IMAGES)
    before = snapshot_ids(emu, "aliyun")
    result = run(emu, "aliyun", ["m-snap0001"], delete_snapshots=False)
    assert result["deleted"] == ["m-snap0001"] and result["snapshots_deleted"] == [] and result["snapshots_kept"] == []
    assert snapshot_ids(emu, "aliyun") == before
    assert not [c for c in emu.control.journal("aliyun") if c["action"] in SNAPSHOT_ACTIONS]
