"""Injected faults and latency, seen through the real SDKs."""

import time

import pytest
from alibabacloud_ecs20140526 import models as ali
from alibabacloud_tea_openapi import exceptions as tea
from huaweicloudsdkcore.exceptions import exceptions as hw
from huaweicloudsdkims.v2 import ListImagesRequest
from Tea.exceptions import UnretryableException
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.cvm.v20170312 import models as tc

from . import sdk
from .client import ControlError


def tencent_describe(emu):
    request = tc.DescribeImagesRequest()
    request.ImageIds = ["img-emu00001"]
    return sdk.tencent(emu).DescribeImages(request)


def tencent_delete(emu, image_id="img-emu00001"):
    request = tc.DeleteImagesRequest()
    request.ImageIds = [image_id]
    return sdk.tencent(emu).DeleteImages(request)


def aliyun_describe(emu, client=None):
    client = client or sdk.aliyun(emu)
    return client.describe_images(ali.DescribeImagesRequest(region_id=sdk.ALIYUN_REGION, image_id="m-emu0001"))


def aliyun_delete(emu, image_id="m-emu0001"):
    return sdk.aliyun(emu).delete_image(ali.DeleteImageRequest(region_id=sdk.ALIYUN_REGION, image_id=image_id))


def huawei_list(emu):
    return sdk.huawei(emu).list_images(ListImagesRequest(imagetype="private", limit=2))


def raises(kind, call, emu):
    with pytest.raises(kind) as info:
        call(emu)
    return info.value


def test_throttle_fires_once_by_default(emu):
    emu.control.add_fault(cloud="tencent", action="DeleteImages", kind="throttle")
    assert raises(TencentCloudSDKException, tencent_delete, emu).code == "RequestLimitExceeded"
    assert tencent_delete(emu).RequestId
    emu.control.add_fault(cloud="aliyun", kind="throttle")
    failure = raises(tea.AlibabaCloudException, aliyun_describe, emu)
    assert (failure.code, failure.status_code) == ("Throttling.User", 400)
    emu.control.add_fault(cloud="huawei", action="ListImages", kind="throttle")
    assert raises(hw.ClientRequestException, huawei_list, emu).status_code == 429
    assert [c["fault"] for c in emu.control.journal()] == ["throttle", None, "throttle", "throttle"]


def test_after_and_times_schedule(emu):
    emu.control.add_fault(cloud="tencent", action="DescribeImages", kind="server_error", after=1, times=2)
    outcomes = []
    for _attempt in range(4):
        try:
            tencent_describe(emu)
            outcomes.append("ok")
        except TencentCloudSDKException as error:
            outcomes.append(error.code)
    assert outcomes == ["ok", "InternalError", "InternalError", "ok"]
    assert [(f["seen"], f["fired"]) for f in emu.control.faults()] == [(4, 2)]
    emu.control.clear_faults()
    assert emu.control.faults() == []


def test_server_errors_change_nothing(emu):
    emu.control.add_fault(cloud="tencent", action="DeleteImages", kind="server_error")
    assert raises(TencentCloudSDKException, tencent_delete, emu).code == "InternalError"
    assert {i["id"]: i["state"] for i in emu.control.images("tencent")}["img-emu00001"] == "NORMAL"
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="server_error")
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="server_error", status=503, after=1)
    failure = raises(tea.ServerException, aliyun_delete, emu)
    assert (failure.code, failure.status_code) == ("InternalError", 500)
    failure = raises(tea.ServerException, aliyun_delete, emu)
    assert (failure.code, failure.status_code) == ("ServiceUnavailable", 503)
    emu.control.add_fault(cloud="huawei", kind="server_error")
    emu.control.add_fault(cloud="huawei", kind="server_error", status=503, after=1)
    failure = raises(hw.ServerResponseException, huawei_list, emu)
    assert (failure.status_code, failure.error_code) == (500, "IMG.0061")
    assert raises(hw.ServerResponseException, huawei_list, emu).status_code == 503
    assert emu.control.journal("aliyun", mutating=True)[-1]["status"] == 503


def test_drop_closes_the_connection_without_an_answer(emu):
    for cloud in ("tencent", "aliyun", "huawei"):
        emu.control.add_fault(cloud=cloud, kind="drop")
    assert raises(TencentCloudSDKException, tencent_describe, emu).code == "ClientNetworkError"
    with pytest.raises(Exception) as info:
        aliyun_describe(emu)
    assert not isinstance(info.value, tea.AlibabaCloudException)
    raises(hw.ConnectionException, huawei_list, emu)
    calls = emu.control.journal()
    assert [(c["cloud"], c["fault"], c["status"]) for c in calls] == [
        ("tencent", "drop", None),
        ("aliyun", "drop", None),
        ("huawei", "drop", None),
    ]
    assert tencent_describe(emu).TotalCount == 1


def test_slow_answers_and_client_timeouts(emu):
    emu.control.add_fault(cloud="huawei", kind="slow", delay_ms=300)
    started = time.monotonic()
    huawei_list(emu)
    assert time.monotonic() - started >= 0.3
    emu.control.add_fault(cloud="aliyun", kind="slow", delay_ms=1500)
    client = sdk.aliyun(emu)
    client._read_timeout = 300
    started = time.monotonic()
    with pytest.raises(UnretryableException):  # the SDK gives up on a read that timed out or was dropped
        aliyun_describe(emu, client)
    assert time.monotonic() - started < 1.4
    assert emu.control.journal("huawei")[-1]["fault"] == "slow"
    assert [c["fault"] for c in sdk.await_journal(emu, "aliyun")] == ["slow"]


def test_latency_applies_to_every_answer(emu):
    emu.control.configure(latency_ms=200)
    started = time.monotonic()
    tencent_describe(emu)
    aliyun_describe(emu)
    assert time.monotonic() - started >= 0.4
    emu.control.reset()
    assert emu.control.config()["latency_ms"] == 0


def test_error_faults_use_each_wire_format(emu):
    emu.control.add_fault(cloud="tencent", kind="error", code="FailedOperation.InvalidImageState")
    emu.control.add_fault(cloud="aliyun", kind="error", code="IncorrectImageStatus", status=403)
    emu.control.add_fault(cloud="huawei", kind="error", code="APIGW.0101", status=404)
    assert raises(TencentCloudSDKException, tencent_delete, emu).code == "FailedOperation.InvalidImageState"
    failure = raises(tea.ClientException, aliyun_delete, emu)
    assert (failure.code, failure.status_code) == ("IncorrectImageStatus", 403)
    failure = raises(hw.ClientRequestException, huawei_list, emu)
    assert (failure.status_code, failure.error_code) == (404, "APIGW.0101")


def test_faults_can_target_one_image(emu):
    emu.control.add_fault(cloud="aliyun", image_id="m-emu0003", kind="error", code="Forbidden.RAM", times=-1)
    aliyun_delete(emu, "m-emu0001")
    for _attempt in range(2):
        assert raises(tea.ClientException, lambda e: aliyun_delete(e, "m-emu0003"), emu).code == "Forbidden.RAM"


@pytest.mark.parametrize(
    "fault",
    [
        {"cloud": "gcp", "kind": "drop"},
        {"cloud": "tencent", "kind": "explode"},
        {"cloud": "tencent", "kind": "error"},
        {"cloud": "tencent", "action": "DeleteImage", "kind": "drop"},
        {"cloud": "huawei", "kind": "slow", "delay_ms": 10**9},
        {"cloud": "huawei", "kind": "drop", "color": "red"},
    ],
)
def test_bad_faults_are_refused(emu, fault):
    with pytest.raises(ControlError) as info:
        emu.control.add_fault(**fault)
    assert info.value.status == 400
