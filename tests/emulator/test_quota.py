"""Per-action quotas (config ``quotas``): beyond its quota a call gets the cloud's documented throttling answer."""

import pytest
from alibabacloud_ecs20140526 import models as ali
from alibabacloud_tea_openapi import exceptions as tea
from huaweicloudsdkcore.exceptions import exceptions as hw
from huaweicloudsdkims.v2 import GlanceDeleteImageRequest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.cvm.v20170312 import models as tc

from . import sdk
from .client import ControlError
from .faults import QuotaBook
from .test_faults import aliyun_describe, tencent_delete

MISSING = {"tencent": "img-emu99999", "aliyun": "m-emu9999", "huawei": "e0000000-0000-4000-8000-0000000009ff"}
# 0.5 calls/s: a bucket of one call that takes two seconds to refill, so a second call right after is refused.
SLOW = 0.5


def tencent_dry_run(emu, image_id="img-emu00001", client=None):
    request = tc.DeleteImagesRequest()
    request.ImageIds = [image_id]
    request.DryRun = True
    return (client or sdk.tencent(emu)).DeleteImages(request)


def aliyun_delete(emu, image_id, dry_run=False, client=None):
    return (client or sdk.aliyun(emu)).delete_image(
        ali.DeleteImageRequest(region_id=sdk.ALIYUN_REGION, image_id=image_id, dry_run=dry_run)
    )


def huawei_delete(emu, image_id, client=None):
    return (client or sdk.huawei(emu)).glance_delete_image(GlanceDeleteImageRequest(image_id=image_id))


def throttle_of(call):
    """(code, HTTP status) of the error the call raises."""
    with pytest.raises((TencentCloudSDKException, tea.AlibabaCloudException, hw.ClientRequestException)) as info:
        call()
    error = info.value
    if isinstance(error, TencentCloudSDKException):
        return error.code, None
    if isinstance(error, tea.AlibabaCloudException):
        return error.code, error.status_code
    return error.error_code, error.status_code


@pytest.mark.parametrize(
    "cloud,call,code,status",
    [
        # Tencent: RequestLimitExceeded (the code the SDK's own retryer backs off on, tencentcloud/common/retry.py), in
        # the HTTP 200 envelope of every API 3.0 error; Alibaba: Throttling.User, 400; Huawei: the gateway's APIGW.0308,
        # 429 (the SDK keeps the status as its error code). Sources: docs/emulator.md, "Error codes".
        ("tencent", lambda emu: tencent_delete(emu, MISSING["tencent"]), "RequestLimitExceeded", 200),
        ("aliyun", lambda emu: aliyun_delete(emu, MISSING["aliyun"]), "Throttling.User", 400),
        ("huawei", lambda emu: huawei_delete(emu, MISSING["huawei"]), "429", 429),
    ],
)
def test_a_call_beyond_the_quota_gets_the_clouds_throttling_answer(emu, cloud, call, code, status):
    action = {"tencent": "DeleteImages"}.get(cloud, "DeleteImage")
    emu.control.configure(quotas={cloud: {action: SLOW}})
    first = throttle_of(lambda: call(emu))  # within the quota: the image is not there
    assert "NotFound" in str(first[0]) or first[0] == "IMG.0027"  # not found: the call was admitted
    assert throttle_of(lambda: call(emu))[0] == code
    entries = emu.control.journal(cloud=cloud)
    assert [(e["fault"], e["status"]) for e in entries] == [(None, entries[0]["status"]), ("quota", status)]
    assert entries[1]["code"] == {"huawei": "APIGW.0308"}.get(cloud, code) and not entries[1]["applied"]


def test_dry_runs_count_on_the_quota_and_other_actions_do_not(emu):
    emu.control.configure(quotas={"aliyun": {"DeleteImage": SLOW}, "tencent": {"DeleteImages": SLOW}})
    # Alibaba DeleteImage with DryRun is a DeleteImage call: it takes the one call of the bucket
    assert throttle_of(lambda: aliyun_delete(emu, "m-emu0001", dry_run=True))[0] == "DryRunOperation"
    assert throttle_of(lambda: aliyun_delete(emu, "m-emu0001"))[0] == "Throttling.User"
    assert aliyun_describe(emu).body.images  # DescribeImages has no quota here
    assert tencent_dry_run(emu).RequestId
    assert throttle_of(lambda: tencent_dry_run(emu))[0] == "RequestLimitExceeded"
    assert [e["fault"] for e in emu.control.journal(cloud="aliyun")] == [None, "quota", None]
    assert [img["id"] for img in emu.control.images("aliyun") if img["id"] == "m-emu0001"]  # nothing deleted


def test_each_account_has_its_own_bucket(emu):
    emu.control.configure(quotas={"huawei": {"DeleteImage": SLOW}})
    other = emu.seed["accounts"][1]["huawei"]
    second = sdk.huawei(emu, ak=other["ak"], sk=other["sk"], project_id=other["projects"]["cn-north-4"])
    for client in (None, second):  # admitted: not found (IMG.0027)
        assert throttle_of(lambda c=client: huawei_delete(emu, MISSING["huawei"], client=c))[0] == "IMG.0027"
    assert throttle_of(lambda: huawei_delete(emu, MISSING["huawei"], client=second))[1] == 429


def test_quotas_are_checked_set_and_reset(emu):
    for bad in (
        {"gcp": {"DeleteImage": 1}},
        {"aliyun": {"DeleteImages": 1}},
        {"aliyun": {"DeleteImage": 0}},
        {"aliyun": {"DeleteImage": True}},
        {"aliyun": {"DeleteImage": "5"}},
        {"aliyun": 5},
        [1],
    ):
        with pytest.raises(ControlError):
            emu.control.configure(quotas=bad)
    assert emu.control.configure(quotas={"tencent": {"DeleteImages": 2.5}})["quotas"] == {
        "tencent": {"DeleteImages": 2.5}
    }
    emu.control.reset()
    assert emu.control.config()["quotas"] == {}


def test_a_bucket_refills_at_the_quota_and_holds_one_second_of_calls():
    now = [0.0]
    book = QuotaBook(clock=lambda: now[0])

    class Call:
        cloud, action, account = "aliyun", "DeleteImage", "1"

    quotas = {"aliyun": {"DeleteImage": 5}}
    assert [book.admit(Call, quotas) for dummy in range(6)] == [True] * 5 + [False]
    now[0] += 0.2  # one call's worth
    assert [book.admit(Call, quotas) for dummy in range(2)] == [True, False]
    now[0] += 60  # idle: the bucket holds at most one second of calls
    assert sum(book.admit(Call, quotas) for dummy in range(20)) == 5
    assert book.admit(Call, {}) and book.admit(Call, {"aliyun": {"DescribeImages": 1}})
