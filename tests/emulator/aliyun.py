"""Alibaba Cloud ECS 2014-05-26 RPC (ACS3-HMAC-SHA256, parameters in the query): DescribeImages, DeleteImage,
DescribeTasks."""

import uuid
from urllib.parse import parse_qsl

from .api import ApiError, Response, as_bool, as_int
from .signing import AuthFailure, verify_acs3

VERSION = "2014-05-26"
ACTIONS = ("DescribeImages", "DeleteImage", "DescribeTasks")
# DescribeTasksRequest (models/_describe_tasks_request.py): TaskAction and TaskStatus values, ResourceIds.N with N 1 to 100.
TASK_ACTIONS = ("ImportImage", "ExportImage", "RedeployInstance", "ModifyDiskSpec", "ArchiveSnapshot")
TASK_STATUSES = ("Finished", "Processing", "Failed")
CONTENT_TYPE = "application/json;charset=utf-8"
# DescribeImagesRequest.status (alibabacloud_ecs20140526 models/_describe_images_request.py): these values or ALL,
# exact case; "ALL cannot be used together with other status values"; default Available. No Deleting status exists.
STATUSES = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")
ALL_STATUSES = "ALL"
# DescribeImagesRequest.image_owner_alias: "An empty value indicates that images with the system, self, and others
# values are returned" (marketplace only when asked for).
ALIASES = ("self", "system", "others", "marketplace")
DEFAULT_ALIASES = ("system", "self", "others")
USAGES = ("instance", "none")  # DescribeImagesRequest.usage
AUTH_ERRORS = {
    "malformed": ("IncompleteSignature", 400),
    "unknown_key": ("InvalidAccessKeyId.NotFound", 404),
    "expired": ("InvalidTimeStamp.Expired", 400),
    "bad_date": ("InvalidTimeStamp.Format", 400),
    "signature": ("SignatureDoesNotMatch", 400),
    "nonce": ("SignatureNonceUsed", 400),
    "token_missing": ("InvalidSecurityToken.Malformed", 400),
    "token_invalid": ("InvalidSecurityToken.Malformed", 400),
    "token_expired": ("InvalidSecurityToken.Expired", 400),
    "token_unexpected": ("InvalidSecurityToken.MismatchWithAccessKey", 400),
}
# Messages of the DeleteImage page (docs/emulator.md, Sources).
BLOCKS = (
    ("public", "ImageIsPublic", "You can not delete public image, please modify it to private."),
    (
        "shared",
        "ImageUseShared",
        "The specified image has been shared to others. You can use the "
        "DescribeImageSharePermission API to query the users who have been shared.",
    ),
    ("copying", "OperationDenied.ImageCopying", "The image is being copied. Please use the CancelCopyImage API."),
    ("importing", "ImageIsImporting", "The specified Image is importing."),
    (
        "exporting",
        "ImageIsExporting",
        "The specified image is currently being exported. You can use the DescribeTasks "
        "API to check the status of related tasks and cancel them if needed.",
    ),
)


def _invalid(message):
    return ApiError("InvalidParameter", message, 400)


class AliyunApi:
    cloud = "aliyun"

    def new_request_id(self):
        # The form of RequestId in the API pages' examples, e.g. 473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E
        # (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-deleteimage).
        return str(uuid.uuid4()).upper()

    def parse(self, request, call):
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        call.params = params
        call.action = request.header("x-acs-action") or params.get("Action")
        call.region = params.get("RegionId")
        if call.action not in ACTIONS:
            raise ApiError("InvalidApi.NotFound", "Specified api is not found, please check your url and method.", 404)
        if (request.header("x-acs-version") or params.get("Version")) != VERSION:
            raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)
        if call.action == "DeleteImage":
            call.image_ids = [params["ImageId"]] if params.get("ImageId") else []
        elif call.action == "DescribeTasks":
            call.image_ids = [v for k, v in sorted(params.items()) if k.startswith("ResourceIds.")]
        else:
            call.image_ids = [i for i in params.get("ImageId", "").split(",") if i]
        try:
            call.dry_run = as_bool(params.get("DryRun"), "DryRun")
        except ValueError as error:
            raise _invalid(str(error))
        call.mutating = call.action == "DeleteImage" and not call.dry_run

    def authenticate(self, app, request, call):
        def on_key(key):
            call.account = key.account

        try:
            # InvalidTimeStamp.Expired: the timestamp is more than 15 minutes off (Alibaba's client error codes).
            verify_acs3(
                request,
                lambda key_id: app.state.find_key("aliyun", key_id),
                app.state.config["aliyun_max_skew_seconds"],
                app.nonces,
                on_key,
            )
        except AuthFailure as failure:
            code, status = AUTH_ERRORS[failure.kind]
            raise ApiError(code, failure.message, status)
        if not call.region:
            raise ApiError("MissingRegionId", "RegionId is mandatory for this action.", 400)

    def execute(self, state, call):
        if call.action == "DescribeImages":
            return 200, self._describe(state, call)
        if call.action == "DescribeTasks":
            return 200, self._tasks(state, call)
        return 200, self._delete(state, call)

    # -- DescribeTasks: the image import and export tasks that the `importing` / `exporting` flags stand for

    def _tasks(self, state, call):
        params = call.params
        action, status = params.get("TaskAction"), params.get("TaskStatus")
        if action and action not in TASK_ACTIONS:
            raise _invalid("TaskAction must be one of %s." % ", ".join(TASK_ACTIONS))
        if status and status not in TASK_STATUSES:
            raise _invalid("TaskStatus must be one of %s." % ", ".join(TASK_STATUSES))
        if len(call.image_ids) > 100:
            raise _invalid("ResourceIds holds %d values, more than 100." % len(call.image_ids))
        try:
            page_number = as_int(params.get("PageNumber"), "PageNumber", 1, 1, 10**9)
            page_size = as_int(params.get("PageSize"), "PageSize", 10, 1, 100)
        except ValueError as error:
            raise _invalid(str(error))
        tasks = []
        for image in state.visible("aliyun", call.account, call.region):
            if image["owner"] != "self":
                continue
            for flag, task_action in (("importing", "ImportImage"), ("exporting", "ExportImage")):
                if image[flag]:
                    tasks.append(
                        {
                            "TaskId": "t-" + image["id"][2:] + {"ImportImage": "i", "ExportImage": "e"}[task_action],
                            "TaskAction": task_action,
                            "TaskStatus": "Processing",
                            "ResourceId": image["id"],
                            "SupportCancel": "true",
                            "CreationTime": image["created_at"].replace(":00Z", "Z"),
                            "FinishedTime": "",
                        }
                    )
        tasks = [
            t
            for t in tasks
            if (not action or t["TaskAction"] == action)
            and (not status or t["TaskStatus"] == status)
            and (not call.image_ids or t["ResourceId"] in call.image_ids)
        ]
        page = tasks[(page_number - 1) * page_size : page_number * page_size]
        return {
            "TotalCount": len(tasks),
            "PageNumber": page_number,
            "PageSize": page_size,
            "RegionId": call.region,
            "TaskSet": {"Task": page},
        }

    # -- DescribeImages

    def _describe(self, state, call):
        params = call.params
        if call.dry_run:
            raise ApiError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400)
        try:
            page_number = as_int(params.get("PageNumber"), "PageNumber", 1, 1, 10**9)
            page_size = as_int(params.get("PageSize"), "PageSize", 10, 1, 100)
        except ValueError as error:
            raise _invalid(str(error))
        statuses = self._statuses(params.get("Status"))
        alias = params.get("ImageOwnerAlias")
        if alias and alias not in ALIASES:
            raise ApiError(
                "InvalidImageOwnerAlias.ValueNotSupported", "The specified ImageOwnerAlias value is not supported.", 400
            )
        if params.get("Usage") and params["Usage"] not in USAGES:
            raise ApiError("InvalidUsage", "The specifed Usage is not valid", 404)
        images = state.visible("aliyun", call.account, call.region)
        if params.get("ImageId"):
            # A comma list of ids is documented by the earlier DescribeImages page ("You can specify multiple image IDs
            # and separate these IDs with commas"), not by the current one: config aliyun_image_id_list.
            wanted = call.image_ids if state.config["aliyun_image_id_list"] == "comma" else [params["ImageId"]]
            images = [image for image in images if image["id"] in wanted]
        if params.get("ImageName"):  # "Fuzzy search is supported": read here as a substring match
            images = [image for image in images if params["ImageName"] in image["name"]]
        images = [image for image in images if image["owner_alias"] in ((alias,) if alias else DEFAULT_ALIASES)]
        if params.get("Usage"):
            images = [image for image in images if image["usage"] == params["Usage"]]
        if params.get("IsPublic"):
            try:
                public = as_bool(params["IsPublic"], "IsPublic")
            except ValueError as error:
                raise _invalid(str(error))
            images = [image for image in images if image["public"] == public]
        for key, value in self._tags(params):
            images = [
                image for image in images if key in image["tags"] and (value is None or image["tags"][key] == value)
            ]
        if statuses is not None:
            images = [image for image in images if image["status"] in statuses]
        images.sort(key=lambda image: (image["created_at"], image["id"]), reverse=True)
        page = images[(page_number - 1) * page_size : page_number * page_size]
        state.seen(page)
        return {
            "TotalCount": len(images),
            "PageNumber": page_number,
            "PageSize": page_size,
            "RegionId": call.region,
            "Images": {"Image": [self._render(image) for image in page]},
        }

    @staticmethod
    def _statuses(value):
        """None means every status; the API's default is Available only. Values are exact (no case folding)."""
        if value is None or value == "":
            return {"Available"}
        names = value.split(",")
        if names == [ALL_STATUSES]:
            return None
        if any(name not in STATUSES for name in names):
            raise _invalid("Status must be ALL alone or a comma list of %s." % ", ".join(STATUSES))
        return set(names)

    @staticmethod
    def _tags(params):
        tags = []
        for index in range(1, 21):
            key = params.get("Tag.%d.Key" % index)
            if key:
                tags.append((key, params.get("Tag.%d.Value" % index)))
        return tags

    @staticmethod
    def _render(image):
        own = image["owner"] == "self"
        mappings = [
            {
                "SnapshotId": sid,
                "Size": str(image["size_gb"]),
                "Device": "/dev/xvd" + "abcdefgh"[i % 8],
                "Type": "system" if i == 0 else "data",
                "Format": "",
                "Progress": "100%",
            }
            for i, sid in enumerate(image["snapshot_ids"])
        ]
        return {
            "ImageId": image["id"],
            "ImageName": image["name"],
            "Description": image["description"],
            "Status": image["status"],
            "CreationTime": image["created_at"],
            "Size": image["size_gb"],
            "OSName": image["os_name"],
            "OSNameEn": image["os_name"],
            "OSType": "linux",
            "Platform": image["platform"],
            "Architecture": image["architecture"],
            "Usage": image["usage"],
            "IsPublic": image["public"],
            "IsSelfShared": "True" if own and image["shared"] else "False",
            "IsCopied": image["is_copied"],
            "IsSubscribed": False,
            "IsSupportCloudinit": True,
            "IsSupportIoOptimized": True,
            "ImageOwnerAlias": image["owner_alias"],
            "ImageOwnerId": int(image["account"]) if own and image["account"].isdigit() else 0,
            "Progress": image["progress"],
            "ImageFamily": "",
            "ImageVersion": "",
            "ProductCode": "",
            "ResourceGroupId": "",
            "BootMode": "BIOS",
            "LoginAsNonRootSupported": False,
            "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in sorted(image["tags"].items())]},
            "DiskDeviceMappings": {"DiskDeviceMapping": mappings},
        }

    # -- DeleteImage

    def _delete(self, state, call):
        params = call.params
        image_id = params.get("ImageId")
        if not image_id:
            raise ApiError("MissingImageId", "ImageId is mandatory for this action.", 400)
        try:
            force = as_bool(params.get("Force"), "Force")
        except ValueError as error:
            raise _invalid(str(error))
        image = state.get("aliyun", image_id)
        if image is not None and image["ram_denied"] and image["account"] == call.account:
            # The RAM resource of DeleteImage is the image (acs:ecs:{regionId}:{accountId}:image/{imageId}): a DryRun
            # checks exactly this (with the AccessKey and the parameters).
            raise ApiError(
                "Forbidden.RAM",
                "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
                403,
            )
        if call.dry_run and state.config["aliyun_dry_run"] == "documented":
            raise ApiError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400)
        if (
            image is None
            or image["region"] != call.region
            or image["owner"] != "self"
            or image["account"] != call.account
            or state.is_deleting(image)
        ):
            # The docs say both "the request is ignored" and 404 InvalidImageId.NotFound: config picks one.
            if state.config["aliyun_missing_delete"] == "not_found":
                raise ApiError("InvalidImageId.NotFound", "The specified ImageId does not exist.", 404)
            image = None
        if image is not None:
            self._refuse(image, force)
        if call.dry_run:
            raise ApiError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400)
        if image is not None:
            state.start_delete("aliyun", image)
        return {}

    @staticmethod
    def _refuse(image, force):
        """DeleteImage's documented 403 refusals; the order among them is the emulator's."""
        for flag, code, message in BLOCKS:
            if image[flag]:
                raise ApiError(code, message, 403)
        if image["status"] in ("Creating", "Waiting"):
            # An earlier DeleteImage page lists 403 ImageIsCreating; the 2025 page does not.
            raise ApiError("ImageIsCreating", "The specified image is being created.", 403)
        if image["in_use"] and not force:
            raise ApiError(
                "ImageUsingByInstance",
                "The specified image has been used to create instances. "
                "You can use the DescribeInstances API to query these instances, or you can use "
                "the force parameter to proceed.",
                403,
            )

    # -- wire format

    def render(self, call, status, payload):
        return Response.json(status, dict(payload, RequestId=call.request_id), CONTENT_TYPE)

    def render_error(self, call, error):
        body = {
            "Code": error.code,
            "Message": error.message,
            "RequestId": call.request_id,
            "HostId": "ecs.aliyuncs.com",
            "Recommend": "https://api.aliyun.com/troubleshoot?q=%s&product=Ecs" % error.code,
        }
        return Response.json(error.status or 400, body, CONTENT_TYPE)

    def fault_error(self, kind, code, status, message):
        if kind == "throttle":
            return ApiError(
                code or "Throttling.User", message or "Request was denied due to user flow control.", status or 400
            )
        if kind == "server_error":
            if status == 503:
                return ApiError(
                    code or "ServiceUnavailable",
                    message or "The request has failed due to a temporary failure of the server.",
                    503,
                )
            return ApiError(
                code or "InternalError",
                message or "The request processing has failed due to some unknown error, exception or failure.",
                status or 500,
            )
        return ApiError(code, message or "Injected error %s." % code, status or 400)
