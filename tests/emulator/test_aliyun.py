"""Alibaba ECS through the real alibabacloud_ecs20140526 SDK."""

import datetime
import json

import pytest
from alibabacloud_ecs20140526 import models
from alibabacloud_tea_openapi import exceptions as tea
from alibabacloud_tea_openapi.utils import Utils
from darabonba.core import DaraCore

from . import sdk

REGION = sdk.ALIYUN_REGION
SYSTEM_IMAGE = "aliyun_3_x64_20G_alibase_20250101.vhd"


def describe(client, **params):
    tags = params.pop("tags", None)
    request = models.DescribeImagesRequest(region_id=params.pop("region_id", REGION), **params)
    if tags:
        request.tag = [models.DescribeImagesRequestTag(key=k, value=v) for k, v in tags.items()]
    return client.describe_images(request).body


def ids(body):
    return [image.image_id for image in body.images.image]


def delete(client, image_id, region_id=REGION, **params):
    return client.delete_image(models.DeleteImageRequest(region_id=region_id, image_id=image_id, **params)).body


def error(call, *args, **kwargs):
    with pytest.raises(tea.AlibabaCloudException) as info:
        call(*args, **kwargs)
    return info.value


def status_of(emu, image_id):
    return {image["id"]: image["status"] for image in emu.control.images("aliyun")}.get(image_id)


def test_describe_defaults_to_available_and_filters(emu):
    client = sdk.aliyun(emu)
    body = describe(client, page_size=100)
    assert body.total_count == 8 and body.region_id == REGION and body.page_number == 1
    assert ids(body)[:3] == ["m-emu0001", "m-emu0002", "m-emu0003"]
    # Status defaults to Available; no ImageOwnerAlias means system, self and others (not marketplace).
    assert "m-emu0005" not in ids(body) and "m-emu0008" not in ids(body) and "m-mkt0001" not in ids(body)
    own = describe(client, image_owner_alias="self", status="ALL", page_size=100)
    assert ids(own) == ["m-emu000%d" % i for i in range(1, 9)]
    assert ids(describe(client, image_owner_alias="self", status="Creating,CreateFailed")) == ["m-emu0005", "m-emu0008"]
    assert ids(describe(client, image_owner_alias="system")) == [SYSTEM_IMAGE]
    assert ids(describe(client, image_owner_alias="others")) == ["m-shr0001"]
    assert ids(describe(client, image_owner_alias="marketplace")) == ["m-mkt0001"]
    assert ids(describe(client, image_id="m-emu0003,m-emu000a,m-nothere1,m-emu0001")) == ["m-emu0001", "m-emu0003"]
    assert ids(describe(client, image_name="app-")) == ["m-emu0001", "m-emu0002"]
    assert ids(describe(client, usage="instance")) == ["m-emu0002"]
    assert ids(describe(client, tags={"env": "prod"})) == ["m-emu0001"]
    assert ids(describe(client, region_id="cn-shanghai", image_owner_alias="self")) == ["m-emu0009"]
    second = sdk.aliyun(emu, "emu-aliyun-id-2", "emu-aliyun-secret-2")
    assert ids(describe(second, image_owner_alias="self")) == ["m-emu000a"]


def test_describe_answer_fields(emu):
    images = {i.image_id: i for i in describe(sdk.aliyun(emu), status="ALL", page_size=100).images.image}
    first = images["m-emu0001"]
    assert (first.image_name, first.status, first.size, first.osname, first.image_owner_alias) == (
        "app-1",
        "Available",
        40,
        "Alibaba Cloud Linux 3",
        "self",
    )
    assert (first.usage, first.is_public, first.is_self_shared, first.progress) == ("none", False, "False", "100%")
    assert [(t.tag_key, t.tag_value) for t in first.tags.tag] == [("env", "prod")]
    assert [m.snapshot_id for m in first.disk_device_mappings.disk_device_mapping] == ["s-emu0001"]
    assert images["m-emu0002"].usage == "instance"
    assert images["m-emu0003"].is_self_shared == "True"
    assert images["m-emu0007"].is_public is True
    assert images["m-emu0005"].progress == "40%"


def test_describe_paging_and_limits(emu):
    client = sdk.aliyun(emu)
    pages = [describe(client, image_owner_alias="self", status="ALL", page_size=3, page_number=n) for n in (1, 2, 3)]
    assert [i for page in pages for i in ids(page)] == ["m-emu000%d" % i for i in range(1, 9)]
    assert {page.total_count for page in pages} == {8} and pages[2].page_size == 3
    failure = error(describe, client, page_size=101)
    assert (failure.code, failure.status_code) == ("InvalidParameter", 400)
    assert error(describe, client, dry_run=True).code == "DryRunOperation"


@pytest.mark.parametrize("status", ["All", "all", "ALL,Available", "available", "Deleting", "Available,"])
def test_status_values_are_exactly_the_documented_ones(emu, status):
    """DescribeImagesRequest.status: Creating, Waiting, Available, UnAvailable, CreateFailed, Deprecated or ALL
    ("ALL cannot be used together with other status values"); nothing else, in no other case."""
    failure = error(describe, sdk.aliyun(emu), status=status)
    assert (failure.code, failure.status_code) == ("InvalidParameter", 400)


def test_documented_codes_for_bad_values(emu):
    client = sdk.aliyun(emu)
    failure = error(describe, client, image_owner_alias="mine")
    assert (failure.code, failure.status_code) == ("InvalidImageOwnerAlias.ValueNotSupported", 400)
    failure = error(describe, client, usage="sometimes")
    assert (failure.code, failure.status_code) == ("InvalidUsage", 404)


@pytest.mark.parametrize("mode, found", [("comma", ["m-emu0001", "m-emu0003"]), ("single", [])])
def test_image_id_list_either_way(emu, mode, found):
    """A comma list of ImageId values is documented only by an earlier DescribeImages page: both readings."""
    emu.control.configure(aliyun_image_id_list=mode)
    client = sdk.aliyun(emu)
    assert ids(describe(client, image_id="m-emu0003,m-emu000a,m-nothere1,m-emu0001")) == found
    assert ids(describe(client, image_id="m-emu0003")) == ["m-emu0003"]


@pytest.mark.parametrize("view", ["unchanged", "state"])
def test_delete_lingers_as_it_was_then_gone_and_keeps_snapshots(emu, view):
    """No deleting status is documented: whatever `deleting_view` says, the image is described as it was for
    `delete_polls` describes, then not at all."""
    emu.control.configure(deleting_view=view)
    client = sdk.aliyun(emu)
    assert delete(client, "m-emu0001").request_id
    for _attempt in range(2):
        body = describe(client, image_id="m-emu0001", status="ALL")
        assert [(i.image_id, i.status) for i in body.images.image] == [("m-emu0001", "Available")]
    assert describe(client, image_id="m-emu0001", status="ALL").total_count == 0
    assert "s-emu0001" in {s["id"] for s in emu.control.snapshots("aliyun")}
    assert error(delete, client, "m-emu0001").code == "InvalidImageId.NotFound"
    mutating = emu.control.journal("aliyun", mutating=True)
    assert [(c["action"], c["params"]["ImageId"], c["status"]) for c in mutating] == [
        ("DeleteImage", "m-emu0001", 200),
        ("DeleteImage", "m-emu0001", 404),
    ]


@pytest.mark.parametrize(
    "image_id, code, status",
    [
        ("m-emu0002", "ImageUsingByInstance", 403),
        ("m-emu0003", "ImageUseShared", 403),
        ("m-emu0004", "OperationDenied.ImageCopying", 403),
        ("m-emu0005", "ImageIsImporting", 403),
        ("m-emu0006", "ImageIsExporting", 403),
        ("m-emu0007", "ImageIsPublic", 403),
        ("m-nothere1", "InvalidImageId.NotFound", 404),
        ("m-emu0009", "InvalidImageId.NotFound", 404),  # another region
        ("m-emu000a", "InvalidImageId.NotFound", 404),  # another account
        ("m-shr0001", "InvalidImageId.NotFound", 404),
        (SYSTEM_IMAGE, "InvalidImageId.NotFound", 404),
    ],
)
def test_delete_errors(emu, image_id, code, status):
    failure = error(delete, sdk.aliyun(emu), image_id)
    assert (failure.code, failure.status_code) == (code, status)
    assert failure.request_id and failure.data["HostId"] and failure.data["Recommend"]
    assert isinstance(failure, tea.ClientException)


@pytest.mark.parametrize("dry_run", ["documented", "full"])
def test_force_and_dry_run(emu, dry_run):
    """ECS documents DryRun as a check of the AccessKey, the RAM permission and the parameters (`documented`);
    `full` also runs the delete's own refusals, the other reading of DeleteImage's undescribed DryRun."""
    emu.control.configure(aliyun_dry_run=dry_run)
    client = sdk.aliyun(emu)
    failure = error(delete, client, "m-emu0001", dry_run=True)
    assert (failure.code, failure.status_code) == ("DryRunOperation", 400)
    in_use = error(delete, client, "m-emu0002", dry_run=True).code
    assert in_use == ("DryRunOperation" if dry_run == "documented" else "ImageUsingByInstance")
    assert error(delete, client, "m-emu0004", dry_run=True).code == (
        "DryRunOperation" if dry_run == "documented" else "OperationDenied.ImageCopying"
    )
    assert error(delete, client, "m-emu0002", dry_run=True, force=True).code == "DryRunOperation"
    assert emu.control.journal("aliyun", mutating=True) == []
    delete(client, "m-emu0002", force=True)
    assert [i["deleting_polls_left"] for i in emu.control.images("aliyun") if i["id"] == "m-emu0002"] == [2]
    assert emu.control.journal("aliyun")[-1]["params"]["Force"] == "True"


def test_ram_denial_answers_dry_runs_and_deletes(emu):
    """DeleteImage's RAM resource is the image (acs:ecs:{regionId}:{accountId}:image/{imageId}): a DryRun checks it."""
    emu.control.update_image("aliyun", "m-emu0001", ram_denied=True)
    client = sdk.aliyun(emu)
    for dry_run in (True, False):
        failure = error(delete, client, "m-emu0001", dry_run=dry_run)
        assert (failure.code, failure.status_code) == ("Forbidden.RAM", 403)
    assert error(delete, client, "m-emu0008", dry_run=True).code == "DryRunOperation"


def test_describe_tasks_shows_imports_and_exports(emu):
    client = sdk.aliyun(emu)

    def tasks(**params):
        body = client.describe_tasks(models.DescribeTasksRequest(region_id=REGION, **params)).body
        return [(t.task_action, t.task_status, t.resource_id) for t in body.task_set.task]

    assert tasks() == [("ImportImage", "Processing", "m-emu0005"), ("ExportImage", "Processing", "m-emu0006")]
    assert tasks(task_action="ExportImage", task_status="Processing", resource_ids=["m-emu0006", "m-emu0001"]) == [
        ("ExportImage", "Processing", "m-emu0006")
    ]
    assert tasks(task_action="ImportImage", resource_ids=["m-emu0006"]) == []
    assert tasks(task_status="Finished") == []
    assert error(tasks, task_action="CopyImage").code == "InvalidParameter"
    assert emu.control.journal("aliyun")[-1]["image_ids"] == []


def test_missing_image_can_be_ignored(emu):
    client = sdk.aliyun(emu)
    emu.control.configure(aliyun_missing_delete="ignore")
    assert delete(client, "m-nothere1").request_id
    assert error(delete, client, "m-nothere1", dry_run=True).code == "DryRunOperation"
    assert error(delete, client, "m-emu0003").code == "ImageUseShared"


def test_auth_failures(emu, monkeypatch):
    checks = [
        (sdk.aliyun(emu, secret="wrong"), "SignatureDoesNotMatch", 400),
        (sdk.aliyun(emu, key_id="emu-no-such-key"), "InvalidAccessKeyId.NotFound", 404),
        (sdk.aliyun(emu, token="stray"), "InvalidSecurityToken.MismatchWithAccessKey", 400),
    ]
    sts, old = emu.keys["sts"]["aliyun"], emu.keys["sts_expired"]["aliyun"]
    checks += [
        (sdk.aliyun(emu, sts["access_key"], sts["secret_key"], "wrong"), "InvalidSecurityToken.Malformed", 400),
        (sdk.aliyun(emu, sts["access_key"], sts["secret_key"]), "InvalidSecurityToken.Malformed", 400),
        (sdk.aliyun(emu, old["access_key"], old["secret_key"], old["token"]), "InvalidSecurityToken.Expired", 400),
    ]
    for client, code, status in checks:
        failure = error(describe, client)
        assert (failure.code, failure.status_code) == (code, status)
    assert describe(sdk.aliyun(emu, sts["access_key"], sts["secret_key"], sts["token"])).total_count == 8
    stale = (datetime.datetime.utcnow() - datetime.timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with monkeypatch.context() as patch:
        patch.setattr(Utils, "get_timestamp", staticmethod(lambda: stale))
        assert error(describe, sdk.aliyun(emu)).code == "InvalidTimeStamp.Expired"
    original = DaraCore.do_action

    def tampered(request, runtime=None):
        request.body = b"tampered=1"
        return original(request, runtime)

    monkeypatch.setattr(DaraCore, "do_action", staticmethod(tampered))
    assert error(describe, sdk.aliyun(emu)).code == "SignatureDoesNotMatch"
    text = json.dumps(emu.control.journal("aliyun"))
    assert sts["token"] not in text and emu.keys["aliyun"]["access_key_secret"] not in text
    assert "<redacted>" in text


def test_region_is_required(emu):
    failure = error(delete, sdk.aliyun(emu), "m-emu0001", region_id=None)
    assert (failure.code, failure.status_code) == ("MissingRegionId", 400)
