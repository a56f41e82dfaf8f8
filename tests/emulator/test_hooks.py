"""Fault hooks for the hardening tests: mutate faults, phase "after", call filters, the leak watch."""

import pytest
from alibabacloud_tea_openapi import exceptions as tea
from huaweicloudsdkcore.exceptions import exceptions as hw
from huaweicloudsdkims.v2 import GlanceDeleteImageRequest, GlanceShowImageRequest
from Tea.exceptions import UnretryableException
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.cvm.v20170312 import models as tc

from . import sdk
from .client import ControlError
from .test_faults import aliyun_delete, raises, tencent_delete

HW1 = "e0000000-0000-4000-8000-000000000001"


def tencent_delete_many(emu, ids, dry_run=False):
    request = tc.DeleteImagesRequest()
    request.ImageIds = list(ids)
    request.DryRun = dry_run
    return sdk.tencent(emu).DeleteImages(request)


def states(emu, cloud):
    return {i["id"]: i.get("state") or i.get("status") for i in emu.control.images(cloud)}


def test_mutate_before_the_real_delete_makes_it_refused(emu):
    # The race of "shared between pre-flight and delete": the DryRun passes, the real delete meets a shared image.
    emu.control.add_fault(
        cloud="tencent",
        action="DeleteImages",
        image_id="img-emu00002",
        mutating=True,
        kind="mutate",
        set={"shared": True},
    )
    assert tencent_delete_many(emu, ["img-emu00001", "img-emu00002"], dry_run=True).RequestId
    failure = raises(TencentCloudSDKException, lambda e: tencent_delete_many(e, ["img-emu00001", "img-emu00002"]), emu)
    assert failure.code == "InvalidImageId.InShared"
    assert states(emu, "tencent")["img-emu00001"] == "NORMAL"  # all or nothing
    calls = emu.control.journal("tencent")
    assert [c["mutations"] for c in calls] == [
        [],
        [{"target": "img-emu00002", "phase": "before", "set": {"shared": True}, "result": "done"}],
    ]
    assert [(c["dry_run"], c["applied"]) for c in calls] == [(True, True), (False, False)]
    assert emu.control.faults()[0]["fired"] == 1


def deleting(emu, cloud, image_id):
    """Whether the image's delete was accepted (it is still described for a few describes)."""
    return [i["deleting_polls_left"] is not None for i in emu.control.images(cloud) if i["id"] == image_id] == [True]


def test_mutate_after_a_call_and_delete_by_someone_else(emu):
    # After the first describe is answered, someone else deletes the image.
    emu.control.add_fault(cloud="huawei", action="ShowImage", kind="mutate", target=HW1, delete=True, phase="after")
    client = sdk.huawei(emu)
    assert client.glance_show_image(GlanceShowImageRequest(image_id=HW1)).status == "active"
    assert deleting(emu, "huawei", HW1)  # still described for delete_polls describes
    raises(hw.ClientRequestException, lambda e: client.glance_delete_image(GlanceDeleteImageRequest(image_id=HW1)), emu)
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="mutate", target="m-emu0001", set={"in_use": True})
    assert raises(tea.ClientException, aliyun_delete, emu).code == "ImageUsingByInstance"
    assert emu.control.images("aliyun")[0]["usage"] == "instance"  # derived fields follow, as with PATCH


def test_mutate_of_an_absent_image_is_recorded(emu):
    emu.control.add_fault(cloud="tencent", kind="mutate", target="img-nothere1", delete=True)
    tencent_delete(emu)
    assert emu.control.journal("tencent")[0]["mutations"] == [
        {"target": "img-nothere1", "phase": "before", "result": "absent"}
    ]


def test_phase_after_runs_the_call_then_spoils_the_answer(emu):
    emu.control.configure(delete_polls=0)
    emu.control.add_fault(cloud="tencent", action="DeleteImages", kind="server_error", phase="after")
    assert raises(TencentCloudSDKException, tencent_delete, emu).code == "InternalError"
    assert "img-emu00001" not in states(emu, "tencent")  # deleted although the client saw an error
    assert raises(TencentCloudSDKException, tencent_delete, emu).code == "InvalidImageId.NotFound"
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="drop", phase="after")
    with pytest.raises(UnretryableException):  # the SDK gives up on a read that timed out or was dropped
        aliyun_delete(emu)
    assert "m-emu0001" not in states(emu, "aliyun")
    calls = emu.control.journal(mutating=True)
    assert [(c["cloud"], c["fault"], c["applied"], c["code"]) for c in calls] == [
        ("tencent", "server_error", True, "InternalError"),
        ("tencent", None, False, "InvalidImageId.NotFound"),
        ("aliyun", "drop", True, None),
    ]


def test_late_answer_with_phase_after_slow(emu):
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="slow", delay_ms=1500, phase="after")
    client = sdk.aliyun(emu)
    client._read_timeout = 400
    from alibabacloud_ecs20140526 import models as ali

    with pytest.raises(UnretryableException):  # the SDK gives up on a read that timed out or was dropped
        client.delete_image(ali.DeleteImageRequest(region_id=sdk.ALIYUN_REGION, image_id="m-emu0001"))
    assert deleting(emu, "aliyun", "m-emu0001")
    assert [c["fault"] for c in sdk.await_journal(emu, "aliyun")] == ["slow"]


def test_dry_run_and_mutating_filters(emu):
    emu.control.add_fault(cloud="tencent", action="DeleteImages", dry_run=True, kind="throttle", times=-1)
    assert (
        raises(TencentCloudSDKException, lambda e: tencent_delete_many(e, ["img-emu00001"], True), emu).code
        == "RequestLimitExceeded"
    )
    assert tencent_delete_many(emu, ["img-emu00001"]).RequestId
    assert [(f["seen"], f["fired"]) for f in emu.control.faults()] == [(1, 1)]


@pytest.mark.parametrize(
    "fault",
    [
        {"cloud": "tencent", "kind": "mutate"},
        {"cloud": "tencent", "kind": "mutate", "target": "img-emu00001"},
        {"cloud": "tencent", "kind": "mutate", "target": "img-emu00001", "set": {"colour": "red"}},
        {"cloud": "tencent", "kind": "mutate", "target": "img-emu00001", "set": {"id": "img-other001"}},
        {"cloud": "tencent", "kind": "drop", "set": {"shared": True}},
        {"cloud": "tencent", "kind": "drop", "phase": "x"},
        {"cloud": "tencent", "kind": "drop", "mutating": "yes"},
    ],
)
def test_bad_hook_faults_are_refused(emu, fault):
    with pytest.raises(ControlError) as info:
        emu.control.add_fault(**fault)
    assert info.value.status == 400


def test_leak_watch_reports_places_not_values(emu):
    keys = emu.keys["tencent"]
    sts = emu.keys["sts"]["tencent"]
    emu.control.watch(
        [
            {"label": "secret_key", "value": keys["secret_key"]},
            {"label": "token", "value": sts["token"], "token": True},
            {"label": "canary", "value": "CANARY-in-the-body"},
        ]
    )
    tencent_delete(emu)  # a clean call: the signature is an HMAC, the secret never travels
    client = sdk.tencent(emu, sts["access_key"], sts["secret_key"], sts["token"])
    client.DescribeImages(tc.DescribeImagesRequest())  # the token in X-TC-Token is how STS works
    request = tc.DescribeImagesRequest()
    request.Filters = [{"Name": "image-name", "Values": ["CANARY-in-the-body"]}]
    sdk.tencent(emu).DescribeImages(request)
    report = emu.control.leaks()
    assert report["watching"] == ["secret_key", "token", "canary"] and report["checked"] == 3
    assert report["hits"] == [{"cloud": "tencent", "label": "canary", "where": "body"}]
    assert keys["secret_key"] not in str(report)
    assert [c["leaks"] for c in emu.control.journal()][-1] == report["hits"]
    emu.control.clear_watch()
    assert emu.control.leaks() == {"watching": [], "checked": 0, "hits": []}
    with pytest.raises(ControlError):
        emu.control.watch([{"label": "short", "value": "abc"}])


def test_leak_watch_sees_percent_encoded_and_misplaced_tokens(emu):
    sts = emu.keys["sts"]["aliyun"]
    emu.control.watch([{"label": "token", "value": sts["token"], "token": True}])
    from alibabacloud_ecs20140526 import models as ali

    client = sdk.aliyun(emu)
    client.describe_images(ali.DescribeImagesRequest(region_id=sdk.ALIYUN_REGION, image_name=sts["token"] + "/x"))
    assert emu.control.leaks()["hits"] == [{"cloud": "aliyun", "label": "token", "where": "request line"}]


def test_hold_lets_calls_go_on_together(emu):
    import threading
    import time

    emu.control.add_fault(
        cloud="tencent", action="DescribeImages", kind="hold", count=2, phase="after", times=2, delay_ms=5000
    )
    done = []

    def describe():
        request = tc.DescribeImagesRequest()
        request.ImageIds = ["img-emu00001"]
        sdk.tencent(emu).DescribeImages(request)
        done.append(time.monotonic())

    first = threading.Thread(target=describe)
    first.start()
    time.sleep(0.5)
    assert done == []  # held until a second call arrives
    second = threading.Thread(target=describe)
    second.start()
    first.join(10)
    second.join(10)
    assert len(done) == 2 and abs(done[0] - done[1]) < 0.4
    assert [c["fault"] for c in emu.control.journal()] == ["hold", "hold"]
    emu.control.add_fault(cloud="aliyun", kind="hold", count=2, delay_ms=300)  # alone: goes on after delay_ms
    started = time.monotonic()
    aliyun_delete(emu)
    assert 0.3 <= time.monotonic() - started < 3
    with pytest.raises(ControlError):
        emu.control.add_fault(cloud="aliyun", kind="hold", count=1)
    with pytest.raises(ControlError):
        emu.control.add_fault(cloud="aliyun", kind="drop", count=2)


def test_a_call_slowed_across_a_reset_neither_runs_nor_is_journaled(emu):
    import threading

    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="slow", delay_ms=800)
    errors = []

    def delete():
        try:
            aliyun_delete(emu)
        except Exception as error:  # the emulator gives a call from before the reset no answer
            errors.append(error)

    late = threading.Thread(target=delete)
    late.start()
    import time

    time.sleep(0.3)
    emu.control.reset()
    late.join(10)
    assert errors and emu.control.journal() == []
    assert states(emu, "aliyun")["m-emu0001"] == "Available"
