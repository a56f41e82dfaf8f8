# -*- coding: utf-8 -*-
"""Where the clouds' documents are silent, the emulator offers each plausible behaviour (docs/emulator.md,
"Assumptions"), and the modules' lifecycle is run against each one: the real adapters, the real SDKs, real HTTP.

Each test names the assumption it covers; the outcome asserted for each behaviour is the one the README promises
(and, where a behaviour makes a report less precise, the one docs/emulator.md states as the residual risk).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.deletion import DeletionFailed, ImageDeletion
from ansible_collections.multicloud.images.tests.unit.plugins.module_utils.emulator_adapters import (
    adapter_for as make_adapter,
)

DELETABLE = {
    "tencent": ["img-emu00001", "img-emu00002"],
    "aliyun": ["m-emu0001", "m-emu0008"],
    "huawei": ["e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000005"],
}
DELETE_ACTION = {"tencent": "DeleteImages", "aliyun": "DeleteImage", "huawei": "DeleteImage"}


@pytest.fixture
def run():
    """``run(emu, cloud, ids, **engine_options)``: one task's lifecycle with the real adapter (2 retries)."""

    def run_task(emu, cloud, ids, **kwargs):
        kwargs.setdefault("sleep", lambda s: None)
        kwargs.setdefault("batch_size", 50)
        return ImageDeletion(make_adapter(emu, cloud, retries=2), image_ids=ids, **kwargs).run()

    return run_task


def present(emu, cloud, ids):
    """The ids still there and not being deleted."""
    return [i["id"] for i in emu.control.images(cloud) if i["id"] in ids and i["deleting_polls_left"] is None]


def listed(emu, cloud, ids):
    return [i["id"] for i in emu.control.images(cloud) if i["id"] in ids]


# -- deleting_view and delete_polls: what a describe shows while an accepted delete finishes (no cloud documents it;
#    Tencent's DELETING and Alibaba's Deleting are not documented states) ----------------------------------------------


@pytest.mark.parametrize("cloud", sorted(DELETABLE))
@pytest.mark.parametrize("view, polls", [("unchanged", 3), ("state", 3), ("unchanged", 0)])
def test_wait_and_rerun_whatever_a_deleting_image_looks_like(emu, cloud, view, polls, run):
    emu.control.configure(deleting_view=view, delete_polls=polls)
    ids = DELETABLE[cloud]
    first = run(emu, cloud, ids, wait=True)
    assert first["changed"] and first["deleted"] == ids
    assert listed(emu, cloud, ids) == []  # wait returned only once no describe listed them
    emu.control.reset()
    emu.control.configure(deleting_view=view, delete_polls=polls)
    run(emu, cloud, ids, wait=False)
    again = run(emu, cloud, ids, wait=False)
    assert not again["changed"] and again["deleted"] == [] and again["already_absent"] == ids


@pytest.mark.parametrize("cloud", sorted(DELETABLE))
@pytest.mark.parametrize("view", ["unchanged", "state"])
def test_a_delete_whose_answer_was_lost(emu, cloud, view, run):
    """The delete is applied but its answer is lost (connection dropped): the retry is refused as not found, whether
    the image then looks as it was or shows a deleting state. The image is this task's own delete: `deleted`, and
    waited for."""
    emu.control.configure(deleting_view=view)
    ids = DELETABLE[cloud]
    emu.control.add_fault(cloud=cloud, action=DELETE_ACTION[cloud], mutating=True, kind="drop", phase="after")
    result = run(emu, cloud, ids, wait=True, max_concurrency=1)
    assert result["deleted"] == ids and result["already_absent"] == []
    assert listed(emu, cloud, ids) == []


# -- aliyun_missing_delete: DeleteImage of an id that is not there answers NotFound, or is ignored (its page says both)


@pytest.mark.parametrize("mode", ["not_found", "ignore"])
def test_aliyun_image_gone_between_the_preflight_and_its_delete(emu, mode, run):
    emu.control.configure(aliyun_missing_delete=mode, delete_polls=0)
    emu.control.add_fault(
        cloud="aliyun", action="DeleteImage", mutating=True, kind="mutate", target="m-emu0001", delete=True
    )
    result = run(emu, "aliyun", ["m-emu0001", "m-emu0008"])
    assert present(emu, "aliyun", ["m-emu0001", "m-emu0008"]) == []
    # NotFound: already absent. Ignored: the cloud answers success, so the module cannot tell (reported deleted).
    expected = ["m-emu0001"] if mode == "not_found" else []
    assert result["already_absent"] == expected and set(result["deleted"]) == {"m-emu0001", "m-emu0008"} - set(expected)


# -- aliyun_dry_run: DeleteImage's DryRun checks the AccessKey, the RAM permission and the parameters (documented for
#    ECS DryRun), or also the delete's own refusals -----------------------------------------------------------------


@pytest.mark.parametrize("dry_run", ["documented", "full"])
def test_aliyun_copy_in_progress_is_found_by_the_delete_or_the_dry_run(emu, dry_run, run):
    """A copy in progress shows in no documented read: with the documented DryRun only the delete finds it, and the
    task reports exactly what was deleted and what was not; if DryRun checked more, nothing would be deleted."""
    emu.control.configure(aliyun_dry_run=dry_run, delete_polls=0)
    ids = ["m-emu0001", "m-emu0004", "m-emu0008"]
    with pytest.raises(DeletionFailed) as info:
        run(emu, "aliyun", ids, max_concurrency=1)
    result = info.value.result
    assert [(b["id"], b["category"], b["code"]) for b in result["blocked"]] == [
        ("m-emu0004", "busy", "OperationDenied.ImageCopying")
    ]
    if dry_run == "documented":
        assert result["deleted"] == ["m-emu0001", "m-emu0008"] and result["not_deleted"] == ["m-emu0004"]
        assert present(emu, "aliyun", ids) == ["m-emu0004"]
    else:
        assert result["deleted"] == [] and sorted(present(emu, "aliyun", ids)) == sorted(ids)
    check = pytest.raises(DeletionFailed) if dry_run == "full" else None
    emu.control.reset()
    emu.control.configure(aliyun_dry_run=dry_run)
    if check:
        with check:
            run(emu, "aliyun", ids, check_mode=True)
    else:  # check mode cannot know either: it says the copy would go (the README's residual risk)
        assert run(emu, "aliyun", ids, check_mode=True)["deleted"] == ids


def test_aliyun_ram_denial_is_found_by_the_dry_run_in_both_readings(emu, run):
    for dry_run in ("documented", "full"):
        emu.control.reset()
        emu.control.configure(aliyun_dry_run=dry_run)
        emu.control.update_image("aliyun", "m-emu0008", ram_denied=True)
        with pytest.raises(DeletionFailed) as info:
            run(emu, "aliyun", ["m-emu0001", "m-emu0008"])
        assert [(b["id"], b["category"]) for b in info.value.result["blocked"]] == [("m-emu0008", "forbidden")]
        assert info.value.result["deleted"] == [] and emu.control.journal("aliyun", mutating=True) == []


# -- aliyun_image_id_list: DescribeImages reads a comma list of ImageId values (an earlier page), or one id only ------


@pytest.mark.parametrize("mode", ["comma", "single"])
def test_aliyun_describes_work_whether_or_not_id_lists_are_read(emu, mode, run):
    emu.control.configure(aliyun_image_id_list=mode, delete_polls=2)
    ids = ["m-emu0001", "m-emu0008", "m-nothere9"]
    result = run(emu, "aliyun", ids)
    assert result["deleted"] == ids[:2] and result["already_absent"] == ["m-nothere9"]
    assert listed(emu, "aliyun", ids) == []
    lists = [c for c in emu.control.journal("aliyun") if c["action"] == "DescribeImages" and len(c["image_ids"]) > 1]
    assert lists  # one list is always tried; with `single`, the ids are then asked one by one
    assert (len(lists) == 1) == (mode == "single")


# -- tencent_failed_states: whether CREATEFAILED / IMPORTFAILED images can be deleted is not documented -------------


@pytest.mark.parametrize("mode", ["deletable", "refused"])
def test_tencent_failed_images(emu, mode, run):
    emu.control.configure(tencent_failed_states=mode, delete_polls=0)
    ids = ["img-emu00002", "img-emu00009"]  # NORMAL, CREATEFAILED
    if mode == "deletable":
        assert run(emu, "tencent", ids)["deleted"] == ids
        return
    with pytest.raises(DeletionFailed) as info:
        run(emu, "tencent", ids)
    assert [(b["id"], b["category"]) for b in info.value.result["blocked"]] == [("img-emu00009", "invalid_state")]
    assert info.value.result["deleted"] == [] and emu.control.journal("tencent", mutating=True) == []


# -- huawei_error_status: the IMS error-code list gives 400 for every IMG code; the DeleteImage page lists 403/404 ---


@pytest.mark.parametrize("status", ["table", "http"])
def test_huawei_outcomes_do_not_depend_on_the_http_status(emu, status, run):
    emu.control.configure(huawei_error_status=status, delete_polls=0)
    gone, kept = DELETABLE["huawei"]
    emu.control.add_fault(cloud="huawei", action="DeleteImage", mutating=True, kind="mutate", target=gone, delete=True)
    result = run(emu, "huawei", [gone, kept, "e0000000-0000-4000-8000-0000000000ff"], max_concurrency=1)
    assert result["deleted"] == [kept]
    assert result["already_absent"] == [gone, "e0000000-0000-4000-8000-0000000000ff"]
    with pytest.raises(DeletionFailed) as info:
        run(emu, "huawei", ["f0000000-0000-4000-8000-000000000002", "e0000000-0000-4000-8000-000000000006"])
    assert [b["category"] for b in info.value.result["blocked"]] == ["forbidden", "invalid_state"]


# -- huawei_tag_format: whether an answer's tags read Key.Value or Key=Value is not documented -------------------------


@pytest.mark.parametrize("tag_format", ["dot", "equals"])
def test_huawei_tags_read_either_way(emu, tag_format):
    emu.control.configure(huawei_tag_format=tag_format)
    image = make_adapter(emu, "huawei").describe(["e0000000-0000-4000-8000-000000000001"])
    assert image["e0000000-0000-4000-8000-000000000001"]["tags"] == {"env": "prod"}
