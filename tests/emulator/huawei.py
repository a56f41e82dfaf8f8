"""Huawei Cloud IMS (native OpenStack Glance v2 shape) and the one IAM call the SDK makes for a project id.

Error codes come from the IMS error-code list (IMG.xxxx). IMS documents no refusal for an image that servers use or
that is shared with other projects ("you can delete a shared image anytime without notifying the recipient"), so the
emulator deletes both when asked (see docs/emulator.md, "Sources").
"""

import base64
import json
import re
import uuid
from urllib.parse import parse_qsl

from .api import ApiError, Response, as_bool, as_int
from .signing import AuthFailure, verify_sdk_hmac
from .state import visible_to

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
IMAGE_PATH = re.compile(r"^/v2/images/([^/]+)/?$")
MEMBERS_PATH = re.compile(r"^/v2/images/([^/]+)/members/?$")
# ListImagesRequest.sort_key (huaweicloudsdkims): name, container_format, disk_format, status, id, size; "the default
# is the creation time" (the IMS API reference names it created_at).
SORT_KEYS = ("created_at", "name", "container_format", "disk_format", "status", "id", "size")
# The ListImages query parameters the emulator implements; the SDK can send more (e.g. member_status), which the
# emulator refuses rather than silently ignore.
LIST_FILTERS = (
    "__imagetype",
    "id",
    "name",
    "status",
    "visibility",
    "__platform",
    "__os_type",
    "owner",
    "protected",
    "tag",
    "__whole_image",
    "created_at",
    "updated_at",
    "limit",
    "marker",
    "sort_key",
    "sort_dir",
)
# The IMS error-code list gives HTTP 400 for every IMG code; the DeleteImage page lists 403 and 404 among its
# statuses without saying for which codes (config huawei_error_status: table | http).
HTTP_STATUS = {"IMG.0027": 404, "IMG.0092": 403, "IMG.0093": 403, "IMG.0094": 403, "IMG.0061": 500}
# The SDK reads error_code/error_msg (gateway) or {"error": {"code", "message"}} (IMS).
GATEWAY = "gateway"


def _flag(value):
    """A boolean field as IMS writes it in answers and filters ("true" / "false")."""
    return "true" if value else "false"


def _not_found(image_id):
    return ApiError("IMG.0027", "The image %s in the request does not exist." % image_id)


def _bad_request(message, code="IMG.0001"):
    return ApiError(code, message, 400)


# ListImages created_at / updated_at filters: "<op>:<UTC time>", time as yyyy-MM-ddThh:mm:ssZ or yyyy-MM-dd hh:mm:ss
# (the ListImagesRequest docs of huaweicloudsdkims). The emulator keeps one time per image for both. The same docstring's
# example reads gt as "before" (创建时间在...之前 ... created_at=gt:...): config `huawei_created_at_filter` is either reading.
TIME_FILTER = re.compile(r"^(gt|gte|lt|lte|eq|neq):(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})Z?$")
TIME_OPS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
}


INVERTED_OPS = {"gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte", "eq": "eq", "neq": "neq"}


def _time_matches(value, created_at, inverted=False):
    match = TIME_FILTER.match(value)
    if not match:
        raise _bad_request(
            "Invalid time filter %s: use operator:yyyy-MM-ddThh:mm:ssZ with gt, gte, lt, lte, eq or neq." % value
        )
    when = "%sT%sZ" % (match.group(2), match.group(3))
    op = INVERTED_OPS[match.group(1)] if inverted else match.group(1)
    return TIME_OPS[op](created_at, when)


class HuaweiApi:
    cloud = "huawei"

    def new_request_id(self):
        return uuid.uuid4().hex

    def parse(self, request, call):
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        match = IMAGE_PATH.match(request.path)
        members = MEMBERS_PATH.match(request.path)
        if members and request.method == "GET":
            call.action = "ListImageMembers"
            call.image_ids = [members.group(1)]
            params["image_id"] = members.group(1)
        elif match and request.method in ("GET", "DELETE"):
            call.action = "ShowImage" if request.method == "GET" else "DeleteImage"
            call.image_ids = [match.group(1)]
            params["image_id"] = match.group(1)
        elif request.path.rstrip("/") == "/v2/cloudimages" and request.method == "GET":
            call.action = "ListImages"
            call.image_ids = [params["id"]] if params.get("id") else []
        elif request.path.rstrip("/") == "/v3/projects" and request.method == "GET":
            call.action = "ListProjects"
            call.region = params.get("name")
        else:
            raise ApiError(
                "APIGW.0101", "The API does not exist or has not been published in the environment.", 404, GATEWAY
            )
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                raise _bad_request("The request message format is invalid.")
            params["body"] = body
        call.params = params
        call.mutating = call.action == "DeleteImage"

    def authenticate(self, app, request, call):
        state = app.state

        def on_key(key):
            call.account = key.account

        try:
            key = verify_sdk_hmac(
                request, lambda key_id: state.find_key("huawei", key_id), state.config["max_skew_seconds"], on_key
            )
        except AuthFailure as failure:
            raise ApiError("APIGW.0301", "Incorrect IAM authentication information: " + failure.message, 401, GATEWAY)
        if call.action == "ListProjects":
            return
        project = request.header("X-Project-Id")
        with state.lock:
            owner = state.projects.get(project)
        if owner is None or owner[0] != key.account:
            raise ApiError(
                "APIGW.0301",
                "Incorrect IAM authentication information: the project %s does not belong "
                "to this access key's account." % project,
                401,
                GATEWAY,
            )
        call.region = owner[1]

    def execute(self, state, call):
        try:
            return self._execute(state, call)
        except ApiError as error:
            if error.status is None:
                error.status = (
                    HTTP_STATUS.get(error.code, 400) if state.config["huawei_error_status"] == "http" else 400
                )
            raise

    def _execute(self, state, call):
        if call.action == "ListProjects":
            return 200, self._projects(state, call)
        if call.action == "ListImages":
            return 200, self._list(state, call)
        image_id = call.image_ids[0]
        if not UUID_RE.match(image_id):
            raise _bad_request("The image ID %s is incorrect." % image_id, "IMG.0066")
        image = state.get("huawei", image_id)
        if image is None or not visible_to(image, call.account, call.region):
            raise _not_found(image_id)
        if call.action == "ShowImage":
            state.seen([image])
            return 200, self._render(state, image)
        if call.action == "ListImageMembers":
            return 200, self._members(state, call, image)
        return self._delete(state, call, image)

    def _projects(self, state, call):
        projects = state.accounts.get(call.account, {}).get("huawei", {}).get("projects", {})
        return {
            "projects": [
                {
                    "id": pid,
                    "name": region,
                    "domain_id": call.account,
                    "parent_id": call.account,
                    "enabled": True,
                    "is_domain": False,
                    "description": "",
                }
                for region, pid in sorted(projects.items())
                if call.region in (None, region)
            ],
            "links": {"self": "/v3/projects", "previous": None, "next": None},
        }

    # -- GET /v2/cloudimages

    def _list(self, state, call):
        params = call.params
        try:
            # "默认取值为500" (ListImagesRequest.limit); no maximum is documented.
            limit = as_int(params.get("limit"), "limit", 500, 1, 10**6)
        except ValueError as error:
            raise _bad_request(str(error))
        sort_key, sort_dir = params.get("sort_key") or "created_at", params.get("sort_dir") or "desc"
        if sort_key not in SORT_KEYS or sort_dir not in ("asc", "desc"):
            raise _bad_request("sort_key must be one of %s and sort_dir asc or desc." % ", ".join(SORT_KEYS))
        unknown = sorted(set(params) - set(LIST_FILTERS))
        if unknown:
            raise _bad_request("The emulator does not implement the ListImages parameter(s) %s." % ", ".join(unknown))
        images = [
            image for image in state.visible("huawei", call.account, call.region) if self._matches(state, image, params)
        ]
        images.sort(key=lambda image: (self._field(state, image, sort_key), image["id"]), reverse=sort_dir == "desc")
        if params.get("marker"):
            ids = [image["id"] for image in images]
            if params["marker"] in ids:
                images = images[ids.index(params["marker"]) + 1 :]
            elif state.config["huawei_unknown_marker"] == "error":
                # No answer is documented for a marker that names no listed image: an error, or an empty page.
                raise _bad_request("The marker %s is not found." % params["marker"])
            else:
                images = []
        page = images[:limit]
        state.seen(page)
        answer = {"images": [self._render(state, image) for image in page]}
        if state.config["huawei_page_info"] == "next_marker":
            # ListImagesResponse.page_info.next_marker: "the marker of the next page, an image id"; on the last page
            # the emulator leaves it out.
            answer["page_info"] = {"next_marker": page[-1]["id"]} if len(images) > limit else {}
        return answer

    def _matches(self, state, image, params):
        checks = {
            "id": image["id"],
            "name": image["name"],
            "status": image["status"],
            "visibility": image["visibility"],
            "__imagetype": image["imagetype"],
            "__platform": image["platform"],
            "__os_type": image["os_type"],
            "owner": state.owner_project(image),
            "protected": _flag(image["protected"]),
            "__whole_image": _flag(image["whole_image"]),
        }
        for name, actual in checks.items():
            if params.get(name) not in (None, "") and params[name] != actual:
                return False
        for name in ("created_at", "updated_at"):
            inverted = state.config["huawei_created_at_filter"] == "example"
            if params.get(name) and not _time_matches(params[name], image["created_at"], inverted):
                return False
        # The documented query form is tag=Key=Value ("query the tag using tag=a=b", IMS ListImages, tag).
        tag = params.get("tag")
        return not tag or tag in ["%s=%s" % (k, v) for k, v in sorted(image["tags"].items())]

    @staticmethod
    def _tags(image, separator):
        # The tags array of an image: "Key.Value" (the form before IMS upgraded its tags) or "Key=Value"; which one
        # an answer carries is not documented (config huawei_tag_format).
        return ["%s%s%s" % (k, separator, v) for k, v in sorted(image["tags"].items())]

    def _field(self, state, image, name):
        return self._render(state, image).get(name) or ""

    def _render(self, state, image):
        size = image["size_gb"] * 1024**3
        return {
            "id": image["id"],
            "name": image["name"],
            "status": image["status"],
            "visibility": image["visibility"],
            "protected": image["protected"],
            "owner": state.owner_project(image),
            "created_at": image["created_at"],
            "updated_at": image["created_at"],
            "active_at": image["created_at"],
            "min_disk": image["size_gb"],
            "min_ram": 0,
            "size": size,
            "virtual_size": 0,
            "disk_format": "zvhd2",
            "container_format": "bare",
            "tags": self._tags(image, "." if state.config["huawei_tag_format"] == "dot" else "="),
            "self": "/v2/images/" + image["id"],
            "file": "/v2/images/%s/file" % image["id"],
            "schema": "/v2/schemas/image",
            "virtual_env_type": "FusionCompute",
            "checksum": "",
            "__imagetype": image["imagetype"],
            "__os_version": image["os_name"],
            "__platform": image["platform"],
            "__os_bit": image["os_bit"],
            "__os_type": image["os_type"],
            "__isregistered": "true",
            "__description": image["description"],
            "__image_size": str(size),
            "__image_source_type": "uds",
            "__backup_id": ",".join(image["backup_ids"]),
            "__whole_image": _flag(image["whole_image"]),
            "__support_kvm": "true",
            "__lazyloading": "true",
            "__originalimagename": "",
            "__productcode": "",
            "enterprise_project_id": "0",
            "hw_firmware_type": "bios",
            "max_ram": "",
        }

    # -- GET /v2/images/{id}/members (GlanceListImageMembers)

    def _members(self, state, call, image):
        """The members of an own image, in the shape of GlanceListImageMembersResponse (members[], schema).

        Only the owner sees the member list; to another project the image's members are not found (IMG.0027). `limit`
        and `marker` (a member id) page the list as GlanceListImageMembersRequest documents them; the documents give
        no default page size, so without `limit` every member is answered."""
        if image["owner"] != "self" or state.is_deleting(image):
            raise _not_found(image["id"])
        params = call.params
        try:
            limit = as_int(params.get("limit"), "limit", 500, 1, 1000)  # [1, 1000], default 500
        except ValueError as error:
            raise _bad_request(str(error))
        members = sorted(image["members"], key=lambda m: m["member_id"])
        if params.get("marker"):
            # "marker的值需为base64编码内容" (GlanceListImageMembersRequest.marker): here the base64 of a member id.
            ids = [m["member_id"] for m in members]
            try:
                after = base64.b64decode(params["marker"].encode(), validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                after = None
            if after not in ids:
                raise _bad_request("The marker %s is not valid." % params["marker"])
            members = members[ids.index(after) + 1 :]
        page = members[:limit]
        more = len(members) > limit
        return {
            "members": [
                {
                    "status": m["status"],
                    "created_at": image["created_at"],
                    "updated_at": image["created_at"],
                    "image_id": image["id"],
                    "member_id": m["member_id"],
                    "schema": "/v2/schemas/member",
                    "member_type": "project",
                }
                for m in page
            ],
            "schema": "/v2/schemas/members",
            "page_info": {
                "next_marker": base64.b64encode(page[-1]["member_id"].encode()).decode() if more else None,
                "current_count": len(page),
            },
        }

    # -- DELETE /v2/images/{id}

    def _delete(self, state, call, image):
        body = call.params.get("body") or {}
        try:
            delete_backup = as_bool(body.get("delete_backup") if isinstance(body, dict) else None, "delete_backup")
        except ValueError as error:
            raise _bad_request(str(error))
        image_id = image["id"]
        if state.is_deleting(image):
            raise _not_found(image_id)
        if image["owner"] == "other":
            if image["imagetype"] == "market":
                raise ApiError("IMG.0093", "A marketplace image cannot be deleted.")
            if image["imagetype"] == "gold" or image["public"]:
                raise ApiError("IMG.0094", "The public image cannot be deleted.")
            raise ApiError("IMG.0092", "The image can only be deleted by the owner.")
        if image["protected"]:
            raise _bad_request("A protected image cannot be deleted.", "IMG.0091")
        if image["status"] in ("queued", "saving"):
            raise _bad_request("An image being created cannot be deleted.", "IMG.0090")
        # No refusal for `in_use` or `shared`: IMS documents none (a shared image can be deleted at any time).
        state.start_delete("huawei", image, delete_backup and image["whole_image"])
        return 204, None

    # -- wire format

    def render(self, call, status, payload):
        headers = {"X-Request-Id": call.request_id}
        if payload is None:
            return Response(status, b"", headers)
        return Response.json(status, payload, headers=headers)

    def render_error(self, call, error):
        if error.shape == GATEWAY:
            body = {"error_code": error.code, "error_msg": error.message, "request_id": call.request_id}
        else:
            body = {"error": {"code": error.code, "message": error.message}}
        return Response.json(error.status or 400, body, headers={"X-Request-Id": call.request_id})

    def fault_error(self, kind, code, status, message):
        if kind == "throttle":
            return ApiError(
                code or "APIGW.0308", message or "The throttling threshold has been reached.", status or 429, GATEWAY
            )
        if kind == "server_error":
            return ApiError(code or "IMG.0061", message or "Unknown system error.", status or 500)
        shape = GATEWAY if str(code).startswith("APIGW") else None
        return ApiError(code, message or "Injected error %s." % code, status or 400, shape)
