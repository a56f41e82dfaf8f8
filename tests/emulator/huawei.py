"""Huawei Cloud IMS (native OpenStack Glance v2 shape) and the one IAM call the SDK makes for a project id.

Error codes come from the IMS error-code list (IMG.xxxx); IMG.9001 and IMG.9002 are the emulator's own,
since IMS documents no code for refusing to delete an image in use or shared (see docs/emulator.md).
"""
import json
import re
import uuid
from urllib.parse import parse_qsl

from .api import ApiError, Response, as_bool, as_int
from .signing import AuthFailure, verify_sdk_hmac
from .state import visible_to

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
IMAGE_PATH = re.compile(r"^/v2/images/([^/]+)/?$")
SORT_KEYS = ("created_at", "name", "container_format", "disk_format", "status", "id", "size", "updated_at")
# The SDK reads error_code/error_msg (gateway) or {"error": {"code", "message"}} (IMS).
GATEWAY = "gateway"


def _not_found(image_id):
    return ApiError("IMG.0027", "The image %s in the request does not exist." % image_id, 404)


def _bad_request(message, code="IMG.0001"):
    return ApiError(code, message, 400)


# ListImages created_at / updated_at filters: "<op>:<UTC time>", time as yyyy-MM-ddThh:mm:ssZ or yyyy-MM-dd hh:mm:ss
# (the ListImagesRequest docs of huaweicloudsdkims). The emulator keeps one time per image for both.
TIME_FILTER = re.compile(r"^(gt|gte|lt|lte|eq|neq):(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})Z?$")
TIME_OPS = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b, "eq": lambda a, b: a == b, "neq": lambda a, b: a != b}


def _time_matches(value, created_at):
    match = TIME_FILTER.match(value)
    if not match:
        raise _bad_request("Invalid time filter %s: use operator:yyyy-MM-ddThh:mm:ssZ with gt, gte, lt, lte, eq "
                           "or neq." % value)
    when = "%sT%sZ" % (match.group(2), match.group(3))
    return TIME_OPS[match.group(1)](created_at, when)


class HuaweiApi:
    cloud = "huawei"

    def new_request_id(self):
        return uuid.uuid4().hex

    def parse(self, request, call):
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        match = IMAGE_PATH.match(request.path)
        if match and request.method in ("GET", "DELETE"):
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
            raise ApiError("APIGW.0101", "The API does not exist or has not been published in the environment.",
                           404, GATEWAY)
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
            key = verify_sdk_hmac(request, lambda key_id: state.find_key("huawei", key_id),
                                  state.config["max_skew_seconds"], on_key)
        except AuthFailure as failure:
            raise ApiError("APIGW.0301", "Incorrect IAM authentication information: " + failure.message, 401, GATEWAY)
        if call.action == "ListProjects":
            return
        project = request.header("X-Project-Id")
        with state.lock:
            owner = state.projects.get(project)
        if owner is None or owner[0] != key.account:
            raise ApiError("APIGW.0301", "Incorrect IAM authentication information: the project %s does not belong "
                           "to this access key's account." % project, 401, GATEWAY)
        call.region = owner[1]

    def execute(self, state, call):
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
        return self._delete(state, call, image)

    def _projects(self, state, call):
        projects = state.accounts.get(call.account, {}).get("huawei", {}).get("projects", {})
        return {"projects": [{"id": pid, "name": region, "domain_id": call.account, "parent_id": call.account,
                              "enabled": True, "is_domain": False, "description": ""}
                             for region, pid in sorted(projects.items()) if call.region in (None, region)],
                "links": {"self": "/v3/projects", "previous": None, "next": None}}

    # -- GET /v2/cloudimages

    def _list(self, state, call):
        params = call.params
        try:
            limit = as_int(params.get("limit"), "limit", 500, 1, 1000)
        except ValueError as error:
            raise _bad_request(str(error))
        sort_key, sort_dir = params.get("sort_key") or "created_at", params.get("sort_dir") or "desc"
        if sort_key not in SORT_KEYS or sort_dir not in ("asc", "desc"):
            raise _bad_request("sort_key must be one of %s and sort_dir asc or desc." % ", ".join(SORT_KEYS))
        images = [image for image in state.visible("huawei", call.account, call.region)
                  if self._matches(state, image, params)]
        images.sort(key=lambda image: (self._field(state, image, sort_key), image["id"]), reverse=sort_dir == "desc")
        if params.get("marker"):
            ids = [image["id"] for image in images]
            if params["marker"] not in ids:
                raise _bad_request("The marker %s is not found." % params["marker"])
            images = images[ids.index(params["marker"]) + 1:]
        page = images[:limit]
        state.seen(page)
        return {"images": [self._render(state, image) for image in page]}

    def _matches(self, state, image, params):
        checks = {"id": image["id"], "name": image["name"], "status": image["status"],
                  "visibility": image["visibility"], "__imagetype": image["imagetype"],
                  "__platform": image["platform"], "__os_type": image["os_type"],
                  "owner": state.owner_project(image), "protected": str(image["protected"]).lower(),
                  "__whole_image": str(image["whole_image"]).lower()}
        for name, actual in checks.items():
            if params.get(name) not in (None, "") and params[name] != actual:
                return False
        for name in ("created_at", "updated_at"):
            if params.get(name) and not _time_matches(params[name], image["created_at"]):
                return False
        tag = params.get("tag")
        return not tag or tag in self._tags(image)

    @staticmethod
    def _tags(image):
        # IMS tags are "key.value" strings.
        return ["%s.%s" % (k, v) for k, v in sorted(image["tags"].items())]

    def _field(self, state, image, name):
        return self._render(state, image).get(name) or ""

    def _render(self, state, image):
        size = image["size_gb"] * 1024 ** 3
        return {
            "id": image["id"], "name": image["name"], "status": image["status"], "visibility": image["visibility"],
            "protected": image["protected"], "owner": state.owner_project(image), "created_at": image["created_at"],
            "updated_at": image["created_at"], "active_at": image["created_at"], "min_disk": image["size_gb"],
            "min_ram": 0, "size": size, "virtual_size": 0, "disk_format": "zvhd2", "container_format": "bare",
            "tags": self._tags(image), "self": "/v2/images/" + image["id"], "file": "/v2/images/%s/file" % image["id"],
            "schema": "/v2/schemas/image", "virtual_env_type": "FusionCompute", "checksum": "",
            "__imagetype": image["imagetype"], "__os_version": image["os_name"], "__platform": image["platform"],
            "__os_bit": image["os_bit"], "__os_type": image["os_type"], "__isregistered": "true",
            "__description": image["description"], "__image_size": str(size), "__image_source_type": "uds",
            "__backup_id": ",".join(image["backup_ids"]), "__whole_image": str(image["whole_image"]).lower(),
            "__support_kvm": "true", "__lazyloading": "true", "__originalimagename": "", "__productcode": "",
            "enterprise_project_id": "0", "hw_firmware_type": "bios", "max_ram": "",
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
                raise ApiError("IMG.0093", "A marketplace image cannot be deleted.", 403)
            if image["imagetype"] == "gold" or image["public"]:
                raise ApiError("IMG.0094", "The public image cannot be deleted.", 403)
            raise ApiError("IMG.0092", "The image can only be deleted by the owner.", 403)
        if image["protected"]:
            raise _bad_request("A protected image cannot be deleted.", "IMG.0091")
        if image["status"] in ("queued", "saving"):
            raise _bad_request("An image being created cannot be deleted.", "IMG.0090")
        if image["in_use"]:
            raise _bad_request("The image %s is in use by ECSs and cannot be deleted." % image_id, "IMG.9001")
        if image["shared"]:
            raise _bad_request("The image %s is shared with other tenants; cancel the sharing first." % image_id,
                               "IMG.9002")
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
            return ApiError(code or "APIGW.0308", message or "The throttling threshold has been reached.",
                            status or 429, GATEWAY)
        if kind == "server_error":
            return ApiError(code or "IMG.0061", message or "Unknown system error.", status or 500)
        shape = GATEWAY if str(code).startswith("APIGW") else None
        return ApiError(code, message or "Injected error %s." % code, status or 400, shape)
