"""Tencent Cloud API 3.0, cvm 2017-03-12: DescribeImages and DeleteImages (POST/JSON and GET/query)."""

import json
import re
import uuid
from urllib.parse import parse_qsl

from .api import ApiError, Response, as_bool, as_int
from .signing import AuthFailure, verify_tc3

VERSION = "2017-03-12"
ACTIONS = ("DescribeImages", "DeleteImages")
ID_RE = re.compile(r"^img-[a-z0-9]{8,}$")
# Common parameters of the legacy GET form that are not API parameters.
COMMON = {
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Language",
    "Token",
    "RequestClient",
}
# DescribeImagesRequest.Filters (tencentcloud-sdk-python-cvm models.py) also documents platform ("fuzzy", case rule
# not given), dedicated-cluster-id and cdc-cache-status. The modules send none of them and the emulator implements none
# (it answers InvalidFilter for them) rather than guess their matching rules.
FILTERS = ("image-id", "image-name", "image-type", "tag-key", "tag-value")
TYPES = ("PRIVATE_IMAGE", "PUBLIC_IMAGE", "SHARED_IMAGE")  # Filters docstring, image-type
# DeleteImages refuses CREATING and USING (DeleteImages page) and CREATING, SYNCING, IMPORTING (the SDK's DeleteImages
# docstring). Whether CREATEFAILED/IMPORTFAILED images can go is not documented: config `tencent_failed_states`.
DELETABLE = ("NORMAL",)
FAILED_STATES = ("CREATEFAILED", "IMPORTFAILED")
AUTH_CODES = {
    "malformed": "AuthFailure.InvalidAuthorization",
    "unknown_key": "AuthFailure.SecretIdNotFound",
    "expired": "AuthFailure.SignatureExpire",
    "signature": "AuthFailure.SignatureFailure",
}
MAX_INDEX = 1000


def unflatten(pairs):
    """ImageIds.0=a&Filters.0.Values.1=b -> {"ImageIds": ["a"], "Filters": [{"Values": [None, "b"]}]}."""
    root = {}
    for key, value in pairs:
        node, parts = root, key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ApiError("InvalidParameter", "parameter %s is given twice in different shapes" % key)
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        if any(int(k) > MAX_INDEX for k in node):
            raise ApiError("InvalidParameter", "an array index is larger than %d" % MAX_INDEX)
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


def _id_list(value, name):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError("InvalidParameter", "%s must be an array of strings" % name)
    return value


class TencentApi:
    cloud = "tencent"

    def new_request_id(self):
        return str(uuid.uuid4())

    def parse(self, request, call):
        if request.method == "GET":
            pairs = parse_qsl(request.query, keep_blank_values=True)
            params = unflatten([(k, v) for k, v in pairs if k not in COMMON])
            common = dict((k, v) for k, v in pairs if k in COMMON)
        elif request.method == "POST":
            common = {}
            try:
                params = json.loads(request.body or b"{}")
            except ValueError:
                raise ApiError("InvalidParameter", "the request body is not valid JSON")
            if not isinstance(params, dict):
                raise ApiError("InvalidParameter", "the request body must be a JSON object")
        else:
            raise ApiError("UnsupportedOperation", "only GET and POST are supported")
        call.params = params
        call.action = request.header("X-TC-Action") or common.get("Action")
        call.region = request.header("X-TC-Region") or common.get("Region")
        if call.action not in ACTIONS:
            raise ApiError("InvalidAction", "The action `%s` is not found for service cvm." % call.action)
        version = request.header("X-TC-Version") or common.get("Version")
        if version != VERSION:
            raise ApiError("InvalidParameterValue", "Version must be %s, not %r" % (VERSION, version))
        ids = params.get("ImageIds")
        call.image_ids = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
        try:
            call.dry_run = as_bool(params.get("DryRun"), "DryRun")
        except ValueError as error:
            raise ApiError("InvalidParameterValue", str(error))
        call.mutating = call.action == "DeleteImages" and not call.dry_run

    def authenticate(self, app, request, call):
        def on_key(key):
            call.account = key.account

        try:
            verify_tc3(
                request,
                lambda key_id: app.state.find_key("tencent", key_id),
                app.state.config["max_skew_seconds"],
                on_key,
            )
        except AuthFailure as failure:
            raise ApiError(AUTH_CODES.get(failure.kind, "AuthFailure.TokenFailure"), failure.message)
        if not call.region:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")

    def execute(self, state, call):
        if call.action == "DescribeImages":
            return 200, self._describe(state, call)
        return 200, self._delete(state, call)

    # -- DescribeImages

    def _describe(self, state, call):
        params = call.params
        ids, filters = _id_list(params.get("ImageIds"), "ImageIds"), params.get("Filters")
        if ids and filters:
            raise ApiError(
                "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
                "ImageIds and Filters cannot be given together.",
            )
        if len(ids) > state.config["tencent_max_batch"]:
            raise ApiError(
                "InvalidParameterValue.LimitExceeded",
                "ImageIds holds %d values, more than %d." % (len(ids), state.config["tencent_max_batch"]),
            )
        self._check_ids(ids)
        try:
            offset = as_int(params.get("Offset"), "Offset", 0, 0, 10**9)
            limit = as_int(params.get("Limit"), "Limit", 20, 1, 10**9)
        except ValueError as error:
            raise ApiError("InvalidParameterValue", str(error))
        if limit > 100:
            raise ApiError("InvalidParameterValue.LimitExceeded", "Limit must not exceed 100, got %d." % limit)
        images = state.visible("tencent", call.account, call.region)
        if ids:
            images = [image for image in images if image["id"] in ids]
        for name, values in self._filters(filters):
            images = [image for image in images if self._matches(image, call.account, name, values)]
        images.sort(key=lambda image: (image["created_at"], image["id"]), reverse=True)
        page = images[offset : offset + limit]
        state.seen(page)
        return {"TotalCount": len(images), "ImageSet": [self._render(image, call.account) for image in page]}

    @staticmethod
    def _check_ids(ids):
        bad = [image_id for image_id in ids if not ID_RE.match(image_id)]
        if bad:
            raise ApiError("InvalidImageId.Malformed", "Invalid image id `%s`." % "`, `".join(bad))

    @staticmethod
    def _filters(filters):
        if filters is None:
            return []
        if not isinstance(filters, list) or len(filters) > 10:
            raise ApiError("InvalidFilterValue.LimitExceeded", "Filters must be a list of at most 10 filters.")
        parsed = []
        for item in filters:
            name, values = (item or {}).get("Name"), (item or {}).get("Values")
            if not isinstance(values, list) or not values or len(values) > 5:
                raise ApiError("InvalidFilterValue.LimitExceeded", "Filter %s needs 1 to 5 Values." % name)
            if name not in FILTERS and not str(name).startswith("tag:"):
                raise ApiError("InvalidFilter", "The filter `%s` is not supported." % name)
            if name == "image-type" and not set(values) <= set(TYPES):
                raise ApiError("InvalidFilter", "image-type must be one of %s." % ", ".join(TYPES))
            parsed.append((name, [str(v) for v in values]))
        return parsed

    def _matches(self, image, account, name, values):
        if name == "image-id":
            return image["id"] in values
        if name == "image-name":  # fuzzy, as the API reference says
            return any(value in image["name"] for value in values)
        if name == "image-type":
            return self._type(image) in values
        if name == "tag-key":
            return any(value in image["tags"] for value in values)
        if name == "tag-value":
            return any(value in image["tags"].values() for value in values)
        return image["tags"].get(name[4:]) in values

    @staticmethod
    def _type(image):
        if image["owner"] == "self":
            return "PRIVATE_IMAGE"
        return "PUBLIC_IMAGE" if image["public"] else "SHARED_IMAGE"

    @staticmethod
    def _state(image):
        # USING is named by the DeleteImages page ("CREATING or USING ... cannot be deleted"), not by Image.ImageState.
        if image["in_use"] and image["state"] == "NORMAL":
            return "USING"
        return image["state"]

    def _render(self, image, account):
        snapshots = [
            {"SnapshotId": sid, "DiskUsage": "SYSTEM_DISK" if i == 0 else "DATA_DISK", "DiskSize": image["size_gb"]}
            for i, sid in enumerate(image["snapshot_ids"])
        ]
        return {
            "ImageId": image["id"],
            "OsName": image["os_name"],
            "ImageType": self._type(image),
            "CreatedTime": image["created_at"],
            "ImageName": image["name"],
            "ImageDescription": image["description"],
            "ImageSize": image["size_gb"],
            "Architecture": image["architecture"],
            "ImageState": self._state(image),
            "Platform": image["platform"],
            "ImageCreator": image["account"] or "",
            "ImageSource": image["image_source"],
            "SyncPercent": None,
            "IsSupportCloudinit": True,
            "SnapshotSet": snapshots,
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(image["tags"].items())],
            "LicenseType": "TencentCloud",
            "ImageFamily": "",
            "ImageDeprecated": False,
        }

    # -- DeleteImages: all or nothing

    def _delete(self, state, call):
        ids = _id_list(call.params.get("ImageIds"), "ImageIds")
        if not ids:
            raise ApiError("MissingParameter", "The request is missing a required parameter `ImageIds`.")
        if len(ids) > state.config["tencent_max_batch"]:
            raise ApiError(
                "InvalidParameterValue.LimitExceeded",
                "ImageIds holds %d values, more than %d." % (len(ids), state.config["tencent_max_batch"]),
            )
        try:
            drop_snapshots = as_bool(call.params.get("DeleteBindedSnap"), "DeleteBindedSnap")
        except ValueError as error:
            raise ApiError("InvalidParameterValue", str(error))
        self._check_ids(ids)
        images = [self._deletable(state, call, image_id) for image_id in dict.fromkeys(ids)]
        if not call.dry_run:
            for image in images:
                state.start_delete("tencent", image, drop_snapshots and state.binded_snapshots(image))
        return {}

    def _deletable(self, state, call, image_id):
        """The image, or the first error by precedence: not found, shared with this account, public, shared out,
        task running, state. The codes are DeleteImages' documented ones; the precedence is the emulator's."""
        image = state.get("tencent", image_id)
        own = image is not None and image["owner"] == "self"
        if (
            image is None
            or image["region"] != call.region
            or state.is_deleting(image)
            or (own and image["account"] != call.account)
        ):
            # Another account's own image is not visible to this one: not found, as an unknown id.
            raise ApiError("InvalidImageId.NotFound", "The image `%s` is not found." % image_id)
        if not own and not image["public"]:
            raise ApiError(
                "InvalidParameterValue.InvalidImageIdIsShared",
                "The specified image ID `%s` is a shared image." % image_id,
            )
        if image["public"]:
            raise ApiError(
                "InvalidParameterValue.InvalidImageId",
                "The image `%s` does not support this operation: it is a public image." % image_id,
            )
        if image["shared"]:
            raise ApiError("InvalidImageId.InShared", "The image `%s` is being shared." % image_id)
        if image["task_running"]:
            raise ApiError("MutexOperation.TaskRunning", "A task is running on the image `%s`." % image_id)
        deletable = DELETABLE + (FAILED_STATES if state.config["tencent_failed_states"] == "deletable" else ())
        if self._state(image) not in deletable:
            raise ApiError(
                "InvalidImageId.IncorrectState",
                "The image `%s` is in state %s and cannot be deleted." % (image_id, self._state(image)),
            )
        return image

    # -- wire format

    def render(self, call, status, payload):
        return Response.json(200, {"Response": dict(payload, RequestId=call.request_id)})

    def render_error(self, call, error):
        # The SDK parses errors only when Content-Type is exactly application/json (tencentcloud-sdk-python-common's abstract client).
        body = {"Response": {"Error": {"Code": error.code, "Message": error.message}, "RequestId": call.request_id}}
        return Response.json(error.status or 200, body)

    def fault_error(self, kind, code, status, message):
        if kind == "throttle":
            return ApiError(
                code or "RequestLimitExceeded",
                message
                or "Your current request times exceeds the frequency limit of 10 per second. "
                "Please reduce the frequency of calls.",
                status,
            )
        if kind == "server_error":
            return ApiError(
                code or "InternalError",
                message
                or "An internal error has occurred. Retry your request, but if the problem persists, contact us.",
                status,
            )
        return ApiError(code, message or "Injected error %s." % code, status)
