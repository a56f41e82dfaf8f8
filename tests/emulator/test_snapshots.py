"""The snapshot calls of the emulator (snapshots.py), driven by the official SDKs: Tencent's CBS client
(tencentcloud-sdk-python-cbs) and Alibaba's ECS client."""

import json

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from tencentcloud.cbs.v20170312 import models as cbs_models
from tencentcloud.cbs.v20170312.cbs_client import CbsClient
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312 import models as cvm_models

from . import sdk
from .seed import SeedError, normalize


def cbs(emu):
    keys = emu.keys["tencent"]
    profile = HttpProfile(protocol="http", endpoint=emu.ports["tencent"], reqTimeout=10)
    return CbsClient(
        credential.Credential(keys["secret_id"], keys["secret_key"]),
        sdk.TENCENT_REGION,
        ClientProfile(httpProfile=profile, language="en-US"),
    )


def cbs_request(cls, **fields):
    request = cls()
    request.from_json_string(json.dumps(fields))
    return request


def describe(client, ids, **fields):
    return client.DescribeSnapshots(cbs_request(cbs_models.DescribeSnapshotsRequest, SnapshotIds=ids, **fields))


def delete(client, ids):
    return client.DeleteSnapshots(cbs_request(cbs_models.DeleteSnapshotsRequest, SnapshotIds=ids))


def shared_seed(emu, snapshots=None):
    """The default seed plus img-emu0000c, which shares web-1's data-disk snapshot snap-emu00002."""
    seed = dict(emu.seed)
    seed["images"] = dict(
        seed["images"],
        tencent=seed["images"]["tencent"]
        + [
            {
                "id": "img-emu0000c",
                "name": "shares-a-snapshot",
                "account": emu.keys["account"],
                "snapshot_ids": ["snap-emu00004", "snap-emu00002"],
            }
        ],
    )
    if snapshots:
        seed["snapshots"] = snapshots
    emu.control.reset(seed)


def test_cbs_describe_shows_the_images_and_the_fields(emu):
    shared_seed(emu)
    answer = describe(cbs(emu), ["snap-emu00001", "snap-emu00002", "snap-nothere1"], Limit=100)
    by_id = {s.SnapshotId: s for s in answer.SnapshotSet}
    assert sorted(by_id) == ["snap-emu00001", "snap-emu00002"]  # an unknown id is left out
    assert [i.ImageId for i in by_id["snap-emu00002"].Images] == ["img-emu00001", "img-emu0000c"]
    assert by_id["snap-emu00001"].DiskUsage == "SYSTEM_DISK" and by_id["snap-emu00002"].DiskUsage == "DATA_DISK"
    assert by_id["snap-emu00001"].SnapshotState == "NORMAL" and by_id["snap-emu00001"].ShareReference == 0


def test_cbs_describe_limit_and_both_selectors(emu):
    client = cbs(emu)
    with pytest.raises(TencentCloudSDKException) as error:
        describe(client, ["snap-emu00001"], Limit=101)
    assert error.value.code == "InvalidParameterValue.LimitExceeded"
    with pytest.raises(TencentCloudSDKException) as error:
        describe(client, ["snap-emu00001"], Filters=[{"Name": "snapshot-id", "Values": ["snap-emu00001"]}])
    assert error.value.code == "InvalidParameter"


def test_cbs_is_signed_for_the_cbs_service(emu):
    """A CBS action signed with the cvm scope (the CVM client's) is refused as a bad signature."""
    client = sdk.tencent(emu)
    with pytest.raises(TencentCloudSDKException) as error:
        client.call_json("DescribeSnapshots", {"SnapshotIds": ["snap-emu00001"]})
    assert error.value.code == "AuthFailure.SignatureFailure"


def test_cbs_delete_is_all_or_nothing_and_refuses_what_an_image_uses(emu):
    client = cbs(emu)
    with pytest.raises(TencentCloudSDKException) as error:
        delete(client, ["snap-emu00003", "snap-emu00001"])  # web-1 (img-emu00001) still uses snap-emu00001
    assert error.value.code == "UnsupportedOperation.SnapshotHasBindedImage"
    assert {"snap-emu00001", "snap-emu00003"} <= {s["id"] for s in emu.control.snapshots("tencent")}
    emu.control.configure(delete_polls=0)
    sdk.tencent(emu).DeleteImages(_delete_images_request(["img-emu00001", "img-emu00002"]))
    answer = delete(client, ["snap-emu00003"])
    assert answer.RequestId and "snap-emu00003" not in {s["id"] for s in emu.control.snapshots("tencent")}
    calls = [c for c in emu.control.journal("tencent") if c["action"] == "DeleteSnapshots"]
    assert [c["mutating"] for c in calls] == [True, True] and calls[0][
        "code"
    ] == "UnsupportedOperation.SnapshotHasBindedImage"


def _delete_images_request(ids):
    request = cvm_models.DeleteImagesRequest()
    request.ImageIds = ids
    return request


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"share_reference": 1}, "UnsupportedOperation.SnapHasShared"),
        ({"state": "CREATING"}, "InvalidSnapshot.NotSupported"),
        ({"locked": True}, "InvalidSnapshot.NotSupported"),
    ],
)
def test_cbs_delete_refusals_from_seeded_fields(emu, fields, code):
    shared_seed(emu, snapshots={"tencent": [dict(fields, id="snap-free0001")]})
    with pytest.raises(TencentCloudSDKException) as error:
        delete(cbs(emu), ["snap-free0001"])
    assert error.value.code == code


def test_cbs_delete_batch_limit_and_unknown_ids(emu):
    emu.control.configure(tencent_cbs_max_batch=2)
    with pytest.raises(TencentCloudSDKException) as error:
        delete(cbs(emu), ["snap-a0000001", "snap-a0000002", "snap-a0000003"])
    assert error.value.code == "InvalidParameterValue.LimitExceeded"
    with pytest.raises(TencentCloudSDKException) as error:
        delete(cbs(emu), ["snap-a0000001"])
    assert error.value.code == "InvalidSnapshotId.NotFound"


@pytest.mark.parametrize("binded", ["system", "all"])
def test_delete_binded_snap_spares_a_snapshot_another_image_names(emu, binded):
    shared_seed(emu)
    emu.control.configure(tencent_binded_snap=binded, delete_polls=0)
    request = _delete_images_request(["img-emu00001"])
    request.DeleteBindedSnap = True
    sdk.tencent(emu).DeleteImages(request)
    snapshots = {s["id"] for s in emu.control.snapshots("tencent")}
    assert "snap-emu00001" not in snapshots and "snap-emu00002" in snapshots  # img-emu0000c still names it


def aliyun_delete(emu, snapshot_id, force=None):
    return sdk.aliyun(emu).delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot_id, force=force))


def test_ecs_describe_snapshots_usage(emu):
    seed = dict(emu.seed, snapshots={"aliyun": [{"id": "s-emu0001", "disk_ids": ["d-1"]}, {"id": "s-free0001"}]})
    emu.control.reset(seed)
    answer = sdk.aliyun(emu).describe_snapshots(
        ecs_models.DescribeSnapshotsRequest(
            region_id=sdk.ALIYUN_REGION, snapshot_ids='["s-emu0001", "s-emu0002", "s-free0001"]', max_results=100
        )
    )
    usage = {s.snapshot_id: s.usage for s in answer.body.snapshots.snapshot}
    assert usage == {"s-emu0001": "image_disk", "s-emu0002": "image", "s-free0001": "none"}


@pytest.mark.parametrize(
    "seeded, force, code",
    [
        ({"id": "s-emu0001"}, None, "SnapshotCreatedImage"),  # m-emu0001 was made from it
        ({"id": "s-free0001", "disk_ids": ["d-1"]}, None, "SnapshotCreatedDisk"),
        ({"id": "s-free0001", "disk_ids": ["d-1"]}, True, None),  # Force deletes it
    ],
)
def test_ecs_delete_snapshot_refusals(emu, seeded, force, code):
    emu.control.reset(dict(emu.seed, snapshots={"aliyun": [seeded]}))
    if code is None:
        assert aliyun_delete(emu, seeded["id"], force).body.request_id
        assert seeded["id"] not in {s["id"] for s in emu.control.snapshots("aliyun")}
        return
    with pytest.raises(AlibabaCloudException) as error:
        aliyun_delete(emu, seeded["id"], force)
    assert (error.value.code, error.value.status_code) == (code, 403)


@pytest.mark.parametrize("missing, code", [("ignore", None), ("not_found", "InvalidSnapshotId.NotFound")])
def test_ecs_delete_of_an_unknown_snapshot(emu, missing, code):
    emu.control.configure(aliyun_missing_snapshot=missing)
    if code is None:
        assert aliyun_delete(emu, "s-nothere1").body.request_id
        return
    with pytest.raises(AlibabaCloudException) as error:
        aliyun_delete(emu, "s-nothere1")
    assert error.value.code == code


def test_seeded_snapshots_are_checked():
    with pytest.raises(SeedError):
        normalize({"snapshots": {"tencent": [{"id": "snap-x", "state": "DONE"}]}})
    with pytest.raises(SeedError):
        normalize({"snapshots": {"tencent": [{"id": "snap-x", "colour": "red"}]}})
    with pytest.raises(SeedError):
        normalize({"snapshots": {"huawei": [{"id": "x"}]}})
