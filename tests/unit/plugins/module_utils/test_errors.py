# -*- coding: utf-8 -*-
"""The taxonomy: every native code the collection knows (each adapter's ``error_codes``) maps to the right
category."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils import errors
from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

ADAPTERS = {"tencent": TencentAdapter, "aliyun": AliyunAdapter, "huawei": HuaweiAdapter}


def classify(cloud, code, status=None):
    return errors.classify(ADAPTERS[cloud].error_codes, code, status)


@pytest.mark.parametrize(
    "cloud, code, status, category",
    [
        # Tencent: the DeleteImages page and errorcodes.py (docs/emulator.md, Sources)
        ("tencent", "InvalidImageId.NotFound", None, "not_found"),
        ("tencent", "InvalidImageId.Malformed", None, "malformed_id"),
        ("tencent", "InvalidImageId.InShared", None, "shared"),
        ("tencent", "InvalidImageId.IncorrectState", None, "invalid_state"),
        ("tencent", "InvalidParameterValue.InvalidImageId", None, "public"),
        ("tencent", "InvalidParameterValue.LimitExceeded", None, "limit_exceeded"),
        ("tencent", "MutexOperation.TaskRunning", None, "transient"),
        ("tencent", "UnauthorizedOperation.ImageNotBelongToAccount", None, "forbidden"),
        ("tencent", "AuthFailure.SignatureFailure", None, "auth_failed"),
        ("tencent", "AuthFailure.SecretIdNotFound", None, "auth_failed"),
        ("tencent", "AuthFailure.UnauthorizedOperation", None, "forbidden"),
        ("tencent", "RequestLimitExceeded", None, "throttled"),
        ("tencent", "RequestLimitExceeded.UinLimitExceeded", None, "throttled"),
        ("tencent", "InternalError", None, "transient"),
        ("tencent", "ClientNetworkError", None, "transient"),
        ("tencent", "ServerNetworkError", None, "transient"),
        ("tencent", "SomethingNew", None, "unknown"),
        ("tencent", "InvalidParameterValue.InvalidImageIdIsShared", None, "forbidden"),
        ("tencent", "InvalidParameterValue.InvalidImageState", None, "busy"),
        ("tencent", "FailedOperation.InvalidImageState", None, "busy"),  # errorcodes.py: busy, retry later
        ("tencent", "InvalidParameter.InvalidParameterCoexistImageIdsFilters", None, "invalid_parameter"),
        ("tencent", "InvalidFilterValue.LimitExceeded", None, "invalid_parameter"),
        ("tencent", "InvalidFilter", None, "invalid_parameter"),
        # Alibaba: the DeleteImage page (docs/emulator.md, Sources)
        ("aliyun", "ImageUsingByInstance", 403, "in_use"),
        ("aliyun", "ImageUseShared", 403, "shared"),
        ("aliyun", "OperationDenied.ImageCopying", 403, "busy"),
        ("aliyun", "ImageIsImporting", 403, "busy"),
        ("aliyun", "ImageIsExporting", 403, "busy"),
        ("aliyun", "ImageIsPublic", 403, "public"),
        ("aliyun", "InvalidImageId.NotFound", 404, "not_found"),
        ("aliyun", "Throttling.User", 400, "throttled"),
        ("aliyun", "SignatureDoesNotMatch", 400, "auth_failed"),
        ("aliyun", "InvalidAccessKeyId.NotFound", 404, "auth_failed"),
        ("aliyun", "Forbidden.RAM", 403, "forbidden"),
        ("aliyun", "ServiceUnavailable", 503, "transient"),
        ("aliyun", "Whatever", 500, "transient"),
        ("aliyun", "ImageIsCreating", 403, "busy"),
        ("aliyun", "MissingRegionId", 400, "invalid_parameter"),
        ("aliyun", "InvalidParamter", 400, "invalid_parameter"),
        ("aliyun", "SignatureNonceUsed", 400, "transient"),
        # A wrong endpoint or API: never "not found" (that would read as "already absent").
        ("aliyun", "InvalidApi.NotFound", 404, "invalid_parameter"),
        ("aliyun", "InvalidProduct.NotFound", 404, "invalid_parameter"),
        ("aliyun", "SomethingNew", 404, "unknown"),
        # Huawei: the IMS error-code list (docs/emulator.md, Sources)
        ("huawei", "IMG.0027", 404, "not_found"),
        ("huawei", "IMG.0066", 400, "malformed_id"),
        ("huawei", "IMG.0090", 400, "busy"),
        ("huawei", "IMG.0091", 400, "invalid_state"),
        ("huawei", "IMG.0092", 403, "forbidden"),
        ("huawei", "IMG.0094", 403, "public"),
        ("huawei", "IMG.0001", 400, "invalid_parameter"),
        ("huawei", "IMG.0061", 500, "transient"),
        ("huawei", "APIGW.0301", 401, "auth_failed"),
        ("huawei", "APIGW.0308", 429, "throttled"),
        ("huawei", "429", 429, "throttled"),
        ("huawei", "", 503, "transient"),
        ("huawei", "Unlisted", 403, "forbidden"),
        ("huawei", "Unlisted", 409, "invalid_state"),
        ("huawei", "Unlisted", 404, "unknown"),
        ("huawei", "IMG.0027", 400, "not_found"),  # the IMS error-code list gives 400 for every IMG code
    ],
)
def test_classify(cloud, code, status, category):
    assert classify(cloud, code, status) == category


def test_every_table_value_is_a_category():
    for adapter in ADAPTERS.values():
        assert set(adapter.error_codes.values()) <= set(errors.CATEGORIES)
        assert set(adapter.persistent_blocks.values()) <= errors.IMAGE_BLOCKS
    assert set(errors.ADVICE) == set(errors.CATEGORIES)


def test_longest_prefix_wins():
    # AuthFailure.UnauthorizedOperation is a permission problem, other AuthFailure.* are credentials.
    assert classify("tencent", "AuthFailure.UnauthorizedOperation") == "forbidden"
    assert classify("tencent", "AuthFailure.TokenFailure") == "auth_failed"


def test_only_throttled_and_transient_are_retryable():
    retryable = [c for c in errors.CATEGORIES if CloudError(c, "m").retryable]
    assert sorted(retryable) == ["throttled", "transient"]


def test_describe_is_plain_words_with_code_and_request_id():
    error = CloudError("shared", "The image is being shared.", code="InvalidImageId.InShared", request_id="r-1")
    text = error.describe()
    assert "InvalidImageId.InShared" in text and "r-1" in text and "cancel the sharing" in text
    assert error.as_dict() == {
        "category": "shared",
        "code": "InvalidImageId.InShared",
        "message": "The image is being shared.",
        "request_id": "r-1",
        "http_status": None,
    }


def test_tencent_codes_are_the_sdks():
    """Every exact Tencent code the collection maps is in the SDK's errorcodes.py, or a common code of the API 3.0
    error-code page (https://www.tencentcloud.com/document/api/213/33281) for signatures, throttling and the SDK's
    own network errors."""
    from tencentcloud.cbs.v20170312 import errorcodes as cbs_errorcodes
    from tencentcloud.cvm.v20170312 import errorcodes

    # CVM's codes, and CBS's for the snapshot calls of delete_snapshots.
    documented = set(
        v
        for module in (errorcodes, cbs_errorcodes)
        for k, v in vars(module).items()
        if k.isupper() and isinstance(v, str)
    )
    common = {"AuthFailure.UnauthorizedOperation", "ClientNetworkError", "ServerNetworkError", "UnsupportedRegion"}
    for code in TencentAdapter.error_codes:
        if not code.endswith("*"):
            assert code in documented or code in common, code


def test_a_task_in_progress_is_retried_then_blocks_its_image():
    """Tencent's MutexOperation.TaskRunning is transient (retried); once retries run out it blocks the image."""
    adapter = TencentAdapter({"region": "ap-guangzhou", "retries": 0})
    error = adapter.cloud_error("MutexOperation.TaskRunning", "busy", image_id="img-aaaaaaaa")
    assert (error.category, error.retryable, error.blocks_image) == ("transient", True, "busy")
    assert adapter.cloud_error("InternalError", "oops").blocks_image is None


@pytest.mark.parametrize(
    "message, named",
    [
        ("The image img-bbbbbbbb is shared.", "img-bbbbbbbb"),
        ("Images img-aaaaaaaa and img-bbbbbbbb are shared.", None),
        ("Some image is shared.", None),
    ],
)
def test_a_refused_batch_names_its_image_only_when_the_message_names_one(message, named):
    error = errors.CloudError("shared", message, code="InvalidImageId.InShared")
    TencentAdapter.name_image(error, ["img-aaaaaaaa", "img-bbbbbbbb"])
    assert error.image_id == named
