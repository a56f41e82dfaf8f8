"""Snapshot calls: Tencent CBS 2017-03-12 DescribeSnapshots / DeleteSnapshots (TC3 signed for ``cbs``), and Alibaba
ECS 2014-05-26 DescribeSnapshots / DeleteSnapshot (ACS3 signed, as the image calls).

They answer on the cloud's port beside its image API (``route`` picks them out), read the snapshots state.py keeps
per cloud and refuse to delete a snapshot that something still uses, as each cloud documents (docs/emulator.md).
A snapshot's users are the live images whose snapshot_ids name it (an image being deleted counts until it is gone).
"""

import json
from urllib.parse import parse_qsl

from .aliyun import VERSION as ECS_VERSION
from .aliyun import AliyunApi
from .api import ApiError, as_bool, as_int
from .signing import AuthFailure, verify_tc3
from .sts import check_signature
from .tencent import AUTH_CODES, TencentApi

CBS_ACTIONS = ("DescribeSnapshots", "DeleteSnapshots")
CBS_VERSION = "2017-03-12"


class TencentCbs(TencentApi):
    """CBS DescribeSnapshots (https://www.tencentcloud.com/document/api/362/15647) and DeleteSnapshots
    (https://www.tencentcloud.com/document/api/362/15645), POST JSON as the SDK's CommonClient sends them."""

    def parse(self, request, call):
        call.action = request.header("X-TC-Action")
        call.region = request.header("X-TC-Region")
        try:
            call.params = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError("InvalidParameter", "the request body is not valid JSON")
        if not isinstance(call.params, dict):
            raise ApiError("InvalidParameter", "the request body must be a JSON object")
        if request.header("X-TC-Version") != CBS_VERSION:
            raise ApiError("InvalidParameterValue", "Version must be %s" % CBS_VERSION)
        call.mutating = call.action == "DeleteSnapshots"

    def authenticate(self, app, request, call):
        try:
            check_signature(app, request, call, verify_tc3, service_name="cbs")
        except AuthFailure as failure:
            raise ApiError(AUTH_CODES.get(failure.kind, "AuthFailure.TokenFailure"), failure.message)
        if not call.region:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")

    def execute(self, state, call):
        if call.action == "DescribeSnapshots":
            return 200, self._describe(state, call)
        return 200, self._delete(state, call)

    @staticmethod
    def _ids(params):
        ids = params.get("SnapshotIds")
        if ids is None:
            return None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ApiError("InvalidParameter", "SnapshotIds must be an array of strings")
        return ids

    @staticmethod
    def _visible(state, call):
        return [
            s
            for s in state.snapshots["tencent"].values()
            if s["account"] == call.account and s["region"] == call.region
        ]

    def _describe(self, state, call):
        params = call.params
        ids = self._ids(params)
        if ids is not None and params.get("Filters"):
            raise ApiError("InvalidParameter", "SnapshotIds and Filters cannot be given together.")
        try:
            offset = as_int(params.get("Offset"), "Offset", 0, 0, 10**9)
            limit = as_int(params.get("Limit"), "Limit", 20, 1, 10**9)  # DescribeSnapshotsRequest.Limit: default 20
        except ValueError as error:
            raise ApiError("InvalidParameterValue", str(error))
        if limit > 100:
            raise ApiError("InvalidParameterValue.LimitExceeded", "Limit must not exceed 100, got %d." % limit)
        snapshots = self._visible(state, call)
        if ids is not None:
            snapshots = [s for s in snapshots if s["id"] in ids]
        snapshots.sort(key=lambda s: s["id"])
        page = snapshots[offset : offset + limit]
        return {"TotalCount": len(snapshots), "SnapshotSet": [self._render(state, s) for s in page]}

    @staticmethod
    def _render(state, snapshot):
        images = state.snapshot_users("tencent", snapshot["id"])
        return {
            "SnapshotId": snapshot["id"],
            "SnapshotName": snapshot["id"],
            "SnapshotState": snapshot["state"],
            "DiskUsage": snapshot["disk_usage"] or "DATA_DISK",
            "DiskId": "disk-" + snapshot["id"][5:],
            "DiskSize": 50,
            "Placement": {"Zone": snapshot["region"] + "-3"},
            "Percent": 100,
            "CreateTime": "2026-01-01 00:00:00",
            "Encrypt": False,
            "IsPermanent": True,
            "DeadlineTime": None,
            "CopyFromRemote": False,
            "CopyingToRegions": [],
            "SnapshotType": "PRIVATE_SNAPSHOT",
            "ShareReference": snapshot["share_reference"],
            "ImageCount": len(images),
            "Images": [{"ImageId": i, "ImageName": state.images["tencent"][i]["name"]} for i in images],
            "IsLocked": snapshot["locked"],
            "Tags": [],
        }

    def _delete(self, state, call):
        """All or nothing (the DeleteSnapshots page): the first snapshot that cannot go refuses the whole call."""
        ids = self._ids(call.params)
        if not ids:
            raise ApiError("MissingParameter", "The request is missing a required parameter `SnapshotIds`.")
        if len(ids) > state.config["tencent_cbs_max_batch"]:
            raise ApiError(
                "InvalidParameterValue.LimitExceeded",
                "SnapshotIds holds %d values, more than %d." % (len(ids), state.config["tencent_cbs_max_batch"]),
            )
        if call.params.get("DeleteBindImages"):
            raise ApiError("InvalidParameterValue", "the emulator does not delete images through DeleteBindImages")
        visible = dict((s["id"], s) for s in self._visible(state, call))
        for snapshot_id in ids:
            self._deletable(state, visible.get(snapshot_id), snapshot_id)
        for snapshot_id in dict.fromkeys(ids):
            del state.snapshots["tencent"][snapshot_id]
        return {}

    @staticmethod
    def _deletable(state, snapshot, snapshot_id):
        if snapshot is None:
            raise ApiError("InvalidSnapshotId.NotFound", "The snapshot `%s` is not found." % snapshot_id)
        if state.snapshot_users("tencent", snapshot_id):
            raise ApiError(
                "UnsupportedOperation.SnapshotHasBindedImage",
                "The snapshot `%s` has created custom image(s): delete the image first." % snapshot_id,
            )
        if snapshot["share_reference"]:
            raise ApiError("UnsupportedOperation.SnapHasShared", "The snapshot `%s` is shared." % snapshot_id)
        if snapshot["state"] != "NORMAL":
            raise ApiError(
                "InvalidSnapshot.NotSupported",
                "The snapshot `%s` is %s: only NORMAL snapshots can be deleted." % (snapshot_id, snapshot["state"]),
            )
        if snapshot["locked"]:
            raise ApiError("InvalidSnapshot.NotSupported", "The snapshot `%s` is locked." % snapshot_id)


ECS_ACTIONS = ("DescribeSnapshots", "DeleteSnapshot")
# DescribeSnapshotsRequest.usage (alibabacloud_ecs20140526 models/_describe_snapshots_request.py).
USAGE = {(False, False): "none", (True, False): "image", (False, True): "disk", (True, True): "image_disk"}


def _invalid(message):
    return ApiError("InvalidParameter", message, 400)


class AliyunSnapshots(AliyunApi):
    """ECS DescribeSnapshots (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describesnapshots)
    and DeleteSnapshot (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-deletesnapshot)."""

    def parse(self, request, call):
        call.params = dict(parse_qsl(request.query, keep_blank_values=True))
        call.action = request.header("x-acs-action") or call.params.get("Action")
        call.region = call.params.get("RegionId")
        if (request.header("x-acs-version") or call.params.get("Version")) != ECS_VERSION:
            raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)
        call.mutating = call.action == "DeleteSnapshot"

    def authenticate(self, app, request, call):
        try:
            super(AliyunSnapshots, self).authenticate(app, request, call)
        except ApiError as error:
            # DeleteSnapshotRequest has no RegionId: the snapshot id names the snapshot.
            if not (error.code == "MissingRegionId" and call.action == "DeleteSnapshot"):
                raise

    def execute(self, state, call):
        if call.action == "DescribeSnapshots":
            return 200, self._describe(state, call)
        return 200, self._delete(state, call)

    @staticmethod
    def usage(state, snapshot):
        return USAGE[(bool(state.snapshot_users("aliyun", snapshot["id"])), bool(snapshot["disk_ids"]))]

    def _describe(self, state, call):
        params = call.params
        try:
            ids = json.loads(params["SnapshotIds"]) if params.get("SnapshotIds") else None
            limit = as_int(params.get("MaxResults"), "MaxResults", 10, 1, 100)  # "Maximum value: 100"
        except ValueError as error:
            raise _invalid(str(error))
        if ids is not None and (not isinstance(ids, list) or len(ids) > 100):
            raise _invalid("SnapshotIds must be a JSON array of up to 100 snapshot IDs.")
        snapshots = sorted(
            (
                s
                for s in state.snapshots["aliyun"].values()
                if s["account"] == call.account and s["region"] == call.region and (ids is None or s["id"] in ids)
            ),
            key=lambda s: s["id"],
        )
        return {
            "TotalCount": len(snapshots),
            "NextToken": "",
            "Snapshots": {
                "Snapshot": [
                    {
                        "SnapshotId": s["id"],
                        "SnapshotName": s["id"],
                        "Status": s["state"],
                        "Usage": self.usage(state, s),
                        "SourceDiskId": "d-" + s["id"][2:],
                        "SourceDiskType": "system" if s["disk_usage"] == "SYSTEM_DISK" else "data",
                        "Progress": "100%" if s["state"] == "accomplished" else "50%",
                        "Category": "standard",
                        "CreationTime": "2026-01-01T00:00:00Z",
                        "Encrypted": False,
                        "Tags": {"Tag": []},
                    }
                    for s in snapshots[:limit]
                ]
            },
        }

    def _delete(self, state, call):
        """DeleteSnapshot: refuses a snapshot custom images were made from (403 SnapshotCreatedImage) and, without
        Force, one disks were made from (403 SnapshotCreatedDisk); an id that does not exist is ignored (the page's
        words) or answers InvalidSnapshotId.NotFound (config aliyun_missing_snapshot)."""
        snapshot_id = call.params.get("SnapshotId")
        if not snapshot_id:
            raise ApiError(
                "MissingParameter",
                "The input parameter SnapshotId that is mandatory for processing this request is not supplied.",
                400,
            )
        try:
            force = as_bool(call.params.get("Force"), "Force")
        except ValueError as error:
            raise _invalid(str(error))
        snapshot = state.snapshots["aliyun"].get(snapshot_id)
        if snapshot is None or snapshot["account"] != call.account:
            if state.config["aliyun_missing_snapshot"] == "not_found":
                raise ApiError("InvalidSnapshotId.NotFound", "The specified snapshot does not exist.", 404)
            return {}
        if state.snapshot_users("aliyun", snapshot_id):
            raise ApiError("SnapshotCreatedImage", "The snapshot has been used to create user defined image(s).", 403)
        if snapshot["disk_ids"] and not force:
            raise ApiError("SnapshotCreatedDisk", "The snapshot has been used to create disk(s).", 403)
        del state.snapshots["aliyun"][snapshot_id]
        return {}


FRONTS = {"tencent": TencentCbs(), "aliyun": AliyunSnapshots()}


def route(cloud, request):
    """The snapshot front for this request, or None."""
    if cloud == "tencent" and request.header("X-TC-Action") in CBS_ACTIONS:
        return FRONTS[cloud]
    if (
        cloud == "aliyun"
        and (request.header("x-acs-action") or dict(parse_qsl(request.query)).get("Action")) in ECS_ACTIONS
    ):
        return FRONTS[cloud]
    return None
