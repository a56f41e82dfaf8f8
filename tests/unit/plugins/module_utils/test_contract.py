# -*- coding: utf-8 -*-
"""Contract tests: every request the adapters send is checked against the clouds' official SDK request models.

The adapters run their whole repertoire (describes, name lookups, listings of every image type with tags and names,
the pre-flight reads, DryRuns, deletes, waits) against the emulator; then each request of the emulator's journal is
checked against the official SDK package's request model: every parameter name must be a field of the model, and
every value with a documented set must be one of the documented values, spelled exactly as the model's docstring
spells it (so that, e.g., DescribeImages Status=All fails here while ALL passes). The documented values below are
checked to appear in the model's own source, so the table cannot drift from the SDK.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import inspect
import json
import re

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.deletion import ImageDeletion
from ansible_collections.multicloud.images.tests.unit.plugins.module_utils.emulator_adapters import (
    adapter_for as make_adapter,
)

# Deletable images of the default seed, and one name of each cloud.
DELETABLE = {
    "tencent": ["img-emu00001", "img-emu00002", "img-emu00009"],
    "aliyun": ["m-emu0001", "m-emu0008"],
    "huawei": [
        "e0000000-0000-4000-8000-000000000001",
        "e0000000-0000-4000-8000-000000000005",
        "e0000000-0000-4000-8000-000000000009",
        "e0000000-0000-4000-8000-000000000002",
    ],
}
NAMES = {"tencent": ["web-2"], "aliyun": ["app-1"], "huawei": ["api-1"]}


# Launch templates (two versions each) and scaling configurations that name images the exercise does not delete, so
# that every reference read (and each template's versions) is made and nothing is blocked.
REFERENCES = {
    "tencent": [
        {
            "kind": "launch_template",
            "id": "lt-emu00001",
            "versions": [{"image_id": "img-zzzzzzz1"}, {"image_id": "img-zzzzzzz2"}],
        },
        {"kind": "scaling_configuration", "id": "asc-emu00001", "image_id": "img-zzzzzzz3", "group": "asg-1"},
    ],
    "aliyun": [
        {
            "kind": "launch_template",
            "id": "lt-emu00001",
            "versions": [{"image_id": "m-zzzz1"}, {"image_id": "m-zzzz2"}],
        },
        {"kind": "scaling_configuration", "id": "asc-emu00001", "image_id": "m-zzzz3", "group": "asg-1"},
    ],
    "huawei": [
        {
            "kind": "scaling_configuration",
            "id": "c0000000-0000-4000-8000-000000000001",
            "image_id": "f0000000-0000-4000-8000-0000000000fe",
            "group": "g0000000-0000-4000-8000-000000000001",
        },
        {
            "kind": "server",
            "id": "50000000-0000-4000-8000-000000000001",
            "image_id": "f0000000-0000-4000-8000-0000000000fd",
        },
    ],
}


def exercise(emu, cloud):
    """Every kind of request the adapters make, through the engine and the info listing; returns the journal."""
    emu.control.configure(delete_polls=1)
    emu.control.add_references(cloud, REFERENCES[cloud])
    options = {
        "tencent": {"delete_snapshots": True},
        "aliyun": {"force": False, "delete_snapshots": True},
        "huawei": {"delete_backups": True},
    }[cloud]
    for check_mode in (True, False):
        ImageDeletion(
            make_adapter(emu, cloud),
            image_ids=DELETABLE[cloud],
            names=NAMES[cloud],
            options=options,
            check_mode=check_mode,
            batch_size=2,
            sleep=lambda s: None,
        ).run()
    lister = make_adapter(emu, cloud)
    for image_type in ("private", "shared", "public", "all"):
        lister.list_images(image_type=image_type, tags={"env": "prod"})
        lister.list_images(image_type=image_type, names=["web-1", "app-1", "api-1"])
    absent = {"tencent": "img-zzzzzzzz", "aliyun": "m-zzzz", "huawei": "f0000000-0000-4000-8000-0000000000ff"}[cloud]
    lister.list_images(image_ids=DELETABLE[cloud][:1] + [absent])
    lister.describe(DELETABLE[cloud][:1])
    return emu.control.journal(cloud)


def model_source(cls):
    return inspect.getsource(cls)


# -- Tencent: tencentcloud-sdk-python-cvm, tencentcloud/cvm/v20170312/models.py ---------------------------------------

TENCENT_FILTERS = ("image-id", "image-type", "image-name", "platform", "tag-key", "tag-value")  # + tag:KEY
TENCENT_IMAGE_TYPES = ("PRIVATE_IMAGE", "PUBLIC_IMAGE", "SHARED_IMAGE")


def check_tencent(call):
    from tencentcloud.autoscaling.v20180419 import models as as_models
    from tencentcloud.cvm.v20170312 import models

    if call["action"] in TENCENT_CBS_ACTIONS:
        return check_tencent_cbs(call)
    model = getattr(
        as_models if call["action"] == "DescribeLaunchConfigurations" else models, call["action"] + "Request"
    )()
    params = call["params"]
    for name in params:
        assert hasattr(model, name), "%s is not a field of %sRequest" % (name, call["action"])
    if call["action"] == "DescribeImages":
        assert not (params.get("ImageIds") and params.get("Filters")), "ImageIds and Filters cannot be given together"
        assert int(params.get("Limit", 20)) <= 100 and int(params.get("Offset", 0)) >= 0
        assert len(params.get("Filters") or []) <= 10
        for item in params.get("Filters") or []:
            assert set(item) == {"Name", "Values"} and 1 <= len(item["Values"]) <= 5
            assert item["Name"] in TENCENT_FILTERS or item["Name"].startswith("tag:"), item["Name"]
            if item["Name"] == "image-type":
                assert set(item["Values"]) <= set(TENCENT_IMAGE_TYPES), item["Values"]
    elif call["action"] in TENCENT_REFERENCE_READS:
        assert 1 <= int(params.get("Limit", 20)) <= 100 and int(params.get("Offset", 0)) >= 0
        if call["action"] == "DescribeLaunchTemplateVersions":
            assert params["LaunchTemplateId"] and 0 <= int(params["MinVersion"]) <= int(params["MaxVersion"])
            assert "DefaultVersion" not in params and "LaunchTemplateVersions" not in params  # every version
    else:
        assert all(isinstance(i, str) for i in params["ImageIds"])
        assert isinstance(params.get("DryRun", False), bool) and isinstance(params.get("DeleteBindedSnap", False), bool)


# CBS (tencentcloud-sdk-python-cbs, tencentcloud/cbs/v20170312/models.py): the snapshot calls of delete_snapshots.
TENCENT_CBS_ACTIONS = ("DescribeSnapshots", "DeleteSnapshots")


def check_tencent_cbs(call):
    from tencentcloud.cbs.v20170312 import models

    model = getattr(models, call["action"] + "Request")()
    params = call["params"]
    for name in params:
        assert hasattr(model, name), "%s is not a field of cbs %sRequest" % (name, call["action"])
    assert params["SnapshotIds"] and all(isinstance(i, str) for i in params["SnapshotIds"])
    if call["action"] == "DescribeSnapshots":
        assert not params.get("Filters"), "SnapshotIds and Filters cannot be given together"
        assert int(params.get("Limit", 20)) <= 100
    else:
        assert not params.get("DeleteBindImages"), "the module never deletes images through a snapshot delete"


def test_tencent_cbs_documented_values_are_the_models():
    from tencentcloud.cbs.v20170312 import models

    assert "最大值为100" in model_source(models.DescribeSnapshotsRequest)
    assert "参数不支持同时指定`SnapshotIds`和`Filters`" in model_source(models.DescribeSnapshotsRequest)
    assert "DeleteBindImages" in model_source(models.DeleteSnapshotsRequest)


def test_tencent_documented_values_are_the_models():
    from tencentcloud.autoscaling.v20180419 import models as as_models
    from tencentcloud.cvm.v20170312 import models

    source = model_source(models.DescribeImagesRequest)
    for value in TENCENT_FILTERS + TENCENT_IMAGE_TYPES + ("tag:tag-key", "上限为10", "上限为5", "最大值为100"):
        assert value in source, value
    # Reference reads: Limit at most 100; a version range defaults to 0..30, so the module names its end.
    for model in (
        models.DescribeLaunchTemplatesRequest,
        models.DescribeLaunchTemplateVersionsRequest,
        as_models.DescribeLaunchConfigurationsRequest,
    ):
        assert "最大值为100" in model_source(model), model
    assert "默认为30" in model_source(models.DescribeLaunchTemplateVersionsRequest)
    assert "ImageId" in model_source(models.LaunchTemplateVersionData)
    assert "AutoScalingGroupAbstractSet" in model_source(as_models.LaunchConfiguration)


TENCENT_REFERENCE_READS = ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeLaunchConfigurations")


# -- Alibaba: alibabacloud_ecs20140526 models --------------------------------------------------------------------------

ALIYUN_STATUSES = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")
ALIYUN_ALIASES = ("system", "self", "others", "marketplace")
ALIYUN_TASK_ACTIONS = ("ImportImage", "ExportImage")
ALIYUN_TASK_STATUSES = ("Finished", "Processing", "Failed")


def unflatten(params):
    """Tag.1.Key=a, ResourceIds.1=b -> {"Tag": [{"Key": "a"}], "ResourceIds": ["b"]}, as the models' from_map reads."""
    out = {}
    for key, value in params.items():
        match = re.match(r"^(\w+)\.(\d+)(?:\.(\w+))?$", key)
        if not match:
            out[key] = value
            continue
        items = out.setdefault(match.group(1), {})
        index = int(match.group(2))
        if match.group(3):
            items.setdefault(index, {})[match.group(3)] = value
        else:
            items[index] = value
    return dict((k, [v[i] for i in sorted(v)] if isinstance(v, dict) else v) for k, v in out.items())


def check_aliyun(call):
    from alibabacloud_ecs20140526 import models
    from alibabacloud_ess20220222 import models as ess_models

    params = unflatten(call["params"])
    model = getattr(
        ess_models if call["action"] == "DescribeScalingConfigurations" else models, call["action"] + "Request"
    )().from_map(params)
    assert set(params) <= set(model.to_map()), set(params) - set(model.to_map())
    for flag in ("DryRun", "Force"):
        assert params.get(flag, "False") in ("True", "False")  # how the SDK itself sends booleans
    if call["action"] == "DescribeImages":
        status = params.get("Status")
        assert status is not None, "Status defaults to Available: every lookup must ask for ALL"
        assert status == "ALL" or set(status.split(",")) <= set(ALIYUN_STATUSES), status
        assert params.get("ImageOwnerAlias", "self") in ALIYUN_ALIASES
        assert 1 <= int(params.get("PageSize", 10)) <= 100 and int(params.get("PageNumber", 1)) >= 1
        assert 1 <= len(params.get("Tag") or [None]) <= 20
    if call["action"] == "DescribeTasks":
        assert params["TaskAction"] in ALIYUN_TASK_ACTIONS and params["TaskStatus"] in ALIYUN_TASK_STATUSES
        assert 1 <= len(params["ResourceIds"]) <= 100 and int(params.get("PageSize", 10)) <= 100
    if call["action"] == "DescribeSnapshots":
        ids = json.loads(params["SnapshotIds"])  # "a JSON array that consists of up to 100 snapshot IDs"
        assert isinstance(ids, list) and 1 <= len(ids) <= 100 and int(params.get("MaxResults", 10)) <= 100
    if call["action"] == "DeleteSnapshot":
        assert params["SnapshotId"] and params.get("Force", "False") == "False", "disk-used snapshots are kept"
    if call["action"] in ALIYUN_REFERENCE_READS:
        assert 1 <= int(params.get("PageSize", 10)) <= 50 and int(params.get("PageNumber", 1)) >= 1
    if call["action"] == "DescribeLaunchTemplateVersions":
        assert params["LaunchTemplateId"] and params.get("DetailFlag", "true").lower() == "true"
        assert not {"DefaultVersion", "MinVersion", "MaxVersion", "LaunchTemplateVersion"} & set(params)  # every one


ALIYUN_REFERENCE_READS = ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeScalingConfigurations")


def test_aliyun_documented_values_are_the_models():
    from alibabacloud_ecs20140526 import models

    images = model_source(models.DescribeImagesRequest)
    for value in ALIYUN_STATUSES + ("ALL",):
        assert "# - %s:" % value in images, value
    assert "ALL cannot be used together with other status values" in images
    for value in ALIYUN_ALIASES:
        assert "# - %s:" % value in images, value
    assert "Maximum value: 100" in images
    tasks = model_source(models.DescribeTasksRequest)
    for value in ALIYUN_TASK_ACTIONS + ALIYUN_TASK_STATUSES:
        assert value in tasks, value
    snapshots = model_source(models.DescribeSnapshotsRequest)
    for value in (
        "- image:",
        "- disk:",
        "- image_disk:",
        "- none:",
        "- accomplished:",
        "up to 100 snapshot IDs",
        "Maximum value: 100",
    ):
        assert value in snapshots, value
    assert "force delete a snapshot that has been used to create a cloud disk" in model_source(
        models.DeleteSnapshotRequest
    )
    from alibabacloud_ess20220222 import models as ess_models

    assert "Maximum value: 50" in model_source(ess_models.DescribeScalingConfigurationsRequest)
    assert "ImageId" in model_source(ess_models.DescribeScalingConfigurationsResponseBodyScalingConfigurations)
    assert "DetailFlag" in model_source(models.DescribeLaunchTemplateVersionsRequest)


# -- Huawei: huaweicloudsdkims v2 models -------------------------------------------------------------------------------

HUAWEI_IMAGETYPES = ("gold", "private", "shared", "market")


def check_huawei(call):
    from huaweicloudsdkas.v1 import ListScalingConfigsRequest
    from huaweicloudsdkecs.v2 import ListServersDetailsRequest
    from huaweicloudsdkims.v2 import GlanceDeleteImageRequestBody, ListImagesRequest

    params = dict(call["params"])
    if call["action"] != "ListScalingConfigs":
        params.pop("image_id", None)  # the path's
    params.pop("project_id", None)  # the path's
    body = params.pop("body", None)
    if call["action"] == "ListScalingConfigs":
        assert set(params) <= set(ListScalingConfigsRequest.attribute_map.values()), params
        assert 0 <= int(params.get("limit", 20)) <= 100 and int(params.get("start_number", 0)) >= 0
    elif call["action"] == "ListServersDetails":
        assert set(params) <= set(ListServersDetailsRequest.attribute_map.values()), params
        assert 1 <= int(params.get("limit", 25)) <= 1000 and int(params.get("offset", 1)) >= 1
    elif call["action"] == "ListImages":
        assert set(params) <= set(ListImagesRequest.attribute_map.values()), params
        assert params.get("__imagetype", "private") in HUAWEI_IMAGETYPES
        assert "sort_key" not in params and "member_status" not in params
    elif call["action"] == "ListImageMembers":
        assert set(params) <= {"limit", "marker"}
    elif call["action"] == "DeleteImage":
        assert set(body or {}) <= set(GlanceDeleteImageRequestBody.attribute_map.values())
        assert isinstance((body or {}).get("delete_backup", False), bool)
    else:
        assert call["action"] in ("ShowImage", "ListProjects") and not params


def test_huawei_documented_values_are_the_models():
    from huaweicloudsdkims.v2 import ListImagesRequest

    source = model_source(ListImagesRequest)
    for value in HUAWEI_IMAGETYPES:
        assert value in source, value
    from huaweicloudsdkas.v1 import InstanceConfigResult, ListScalingConfigsRequest
    from huaweicloudsdkecs.v2 import ListServersDetailsRequest

    assert "默认为20" in model_source(ListScalingConfigsRequest) and "imageRef" in model_source(InstanceConfigResult)
    assert "最多返回1000台" in model_source(ListServersDetailsRequest)


CHECKS = {"tencent": check_tencent, "aliyun": check_aliyun, "huawei": check_huawei}


@pytest.mark.parametrize("cloud", ["aliyun", "huawei", "tencent"])
def test_every_request_fits_the_sdk_request_model(emu, cloud):
    journal = exercise(emu, cloud)
    actions = set(c["action"] for c in journal)
    assert {
        "tencent": {"DescribeImages", "DeleteImages", "DescribeSnapshots", "DeleteSnapshots"}
        | set(TENCENT_REFERENCE_READS),
        "aliyun": {"DescribeImages", "DeleteImage", "DescribeTasks", "DescribeSnapshots", "DeleteSnapshot"}
        | set(ALIYUN_REFERENCE_READS),
        "huawei": {
            "ListImages",
            "ShowImage",
            "ListImageMembers",
            "DeleteImage",
            "ListScalingConfigs",
            "ListServersDetails",
        },
    }[cloud] <= actions
    # No request was refused for its form; only lookups of the absent id and deletes may answer an error.
    assert all(c["code"] in (None, "IMG.0027", "DryRunOperation") for c in journal), [
        (c["action"], c["code"]) for c in journal if c["code"]
    ]
    for call in journal:
        CHECKS[cloud](call)


def test_an_off_document_status_fails_the_contract():
    """The check itself: the old module's Status=All is caught, ALL passes."""
    call = {"action": "DescribeImages", "params": {"RegionId": "cn-hangzhou", "Status": "All", "PageSize": "100"}}
    with pytest.raises(AssertionError):
        check_aliyun(call)
    call["params"]["Status"] = "ALL"
    check_aliyun(call)
    call["params"]["Status"] = "ALL,Available"
    with pytest.raises(AssertionError):
        check_aliyun(call)
