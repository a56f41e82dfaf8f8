"""What still names an image: launch templates and their versions, auto-scaling configurations, servers.

Served on each cloud's port beside its image API (``route`` picks the calls out, as sts.route does):
- Tencent: cvm 2017-03-12 DescribeLaunchTemplates, DescribeLaunchTemplateVersions; as 2018-04-19
  DescribeLaunchConfigurations (TC3 signed for service ``as``);
- Alibaba: ECS 2014-05-26 DescribeLaunchTemplates, DescribeLaunchTemplateVersions; ESS 2022-02-22
  DescribeScalingConfigurations;
- Huawei: AS GET /autoscaling-api/v1/{project_id}/scaling_configuration (ListScalingConfigs); ECS
  GET /v1/{project_id}/cloudservers/detail (ListServersDetails).
Field names, defaults and page-size limits are the official request/response models' (docs/emulator.md, Sources).
Seed: ``references`` (per cloud, a list of launch_template / scaling_configuration / server records) and ``denied``
(calls a seeded account may not make: they answer the cloud's permission error).
"""

import json
import re
from urllib.parse import parse_qsl

from .aliyun import AliyunApi
from .api import ApiError, as_bool, as_int
from .huawei import GATEWAY, HuaweiApi
from .seed import CLOUDS, DEFAULT_REGION, SeedError
from .signing import AuthFailure, verify_tc3
from .sts import check_signature
from .tencent import AUTH_CODES, TencentApi

KINDS = {
    "tencent": ("launch_template", "scaling_configuration"),
    "aliyun": ("launch_template", "scaling_configuration"),
    "huawei": ("scaling_configuration", "server"),
}
ACTIONS = {
    "tencent": {
        "DescribeLaunchTemplates": "2017-03-12",
        "DescribeLaunchTemplateVersions": "2017-03-12",
        "DescribeLaunchConfigurations": "2018-04-19",
    },
    "aliyun": {
        "DescribeLaunchTemplates": "2014-05-26",
        "DescribeLaunchTemplateVersions": "2014-05-26",
        "DescribeScalingConfigurations": "2022-02-22",
    },
    "huawei": {"ListScalingConfigs": None, "ListServersDetails": None},
}
TENCENT_SERVICE = {"DescribeLaunchConfigurations": "as"}
# The permission errors each cloud answers a refused call with (a denied record may name another code).
# Tencent: common error code AuthFailure.UnauthorizedOperation ("the request is not authorized", CAM);
# Alibaba: ECS Forbidden.RAM, HTTP 403; Huawei documents no code for a read a policy denies: HTTP 403, code seedable.
DENIED = {
    "tencent": ("AuthFailure.UnauthorizedOperation", None),
    "aliyun": ("Forbidden.RAM", 403),
    "huawei": ("APIGW.0302", 403),
}
RECORD_FIELDS = {
    "kind",
    "id",
    "name",
    "account",
    "region",
    "versions",
    "default_version",
    "image_id",
    "group",
    "group_name",
    "status",
}
AS_PATH = re.compile(r"^/autoscaling-api/v1/([^/]+)/scaling_configuration/?$")
SERVERS_PATH = re.compile(r"^/v1/([^/]+)/cloudservers/detail/?$")


def normalize(raw_references, raw_denied, accounts):
    """Seed ``references: {cloud: [record]}`` and ``denied: [{cloud, action, account, code, status}]``."""
    default_account = accounts[0]["id"] if accounts else None
    references = {cloud: [] for cloud in CLOUDS}
    for cloud, raws in (raw_references or {}).items():
        if cloud not in CLOUDS:
            raise SeedError("unknown cloud %r in references" % cloud)
        references[cloud] = [record(cloud, raw, default_account) for raw in raws or []]
    denied = []
    for raw in raw_denied or []:
        if (
            not isinstance(raw, dict)
            or raw.get("cloud") not in CLOUDS
            or raw.get("action") not in ACTIONS[raw["cloud"]]
        ):
            raise SeedError("denied entries need cloud and one of its reference actions: %r" % (raw,))
        if set(raw) - {"cloud", "action", "account", "code", "status"}:
            raise SeedError("denied entries take cloud, action, account, code, status: %r" % (raw,))
        denied.append(dict(raw, account=str(raw.get("account") or default_account)))
    return references, denied


def record(cloud, raw, default_account):
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS[cloud] or not raw.get("id"):
        raise SeedError("%s references need id and kind (one of %s): %r" % (cloud, ", ".join(KINDS[cloud]), raw))
    if set(raw) - RECORD_FIELDS:
        raise SeedError(
            "%s reference %s: unknown keys %s" % (cloud, raw["id"], ", ".join(sorted(set(raw) - RECORD_FIELDS)))
        )
    out = {
        "kind": raw["kind"],
        "id": str(raw["id"]),
        "name": str(raw.get("name") or raw["id"]),
        "account": str(raw.get("account") or default_account),
        "region": raw.get("region") or DEFAULT_REGION[cloud],
        "image_id": raw.get("image_id"),
        "group": raw.get("group"),
        "group_name": raw.get("group_name"),
        "status": raw.get("status") or "ACTIVE",
    }
    if raw["kind"] == "launch_template":
        versions = raw.get("versions") or []
        if not versions or not all(isinstance(v, dict) and v.get("image_id") for v in versions):
            raise SeedError(
                "%s launch template %s needs versions: [{image_id}, ...] (numbered from 1)" % (cloud, raw["id"])
            )
        out["versions"] = [{"number": n, "image_id": v["image_id"]} for n, v in enumerate(versions, 1)]
        out["default_version"] = int(raw.get("default_version") or 1)
        if not 1 <= out["default_version"] <= len(versions):
            raise SeedError("%s launch template %s: default_version is not one of its versions" % (cloud, raw["id"]))
    elif not raw.get("image_id"):
        raise SeedError("%s %s %s needs image_id" % (cloud, raw["kind"], raw["id"]))
    return out


def control(app, method, path, body):
    """Control calls: POST /references {cloud, references: [...]} adds records; POST /denied {cloud, action, ...}
    refuses a call from now on. None when the path is not one of these."""
    state = app.state
    if (method, path) == ("POST", "/references"):
        cloud = body.get("cloud")
        if cloud not in CLOUDS:
            raise SeedError("cloud must be one of %s" % ", ".join(CLOUDS))
        with state.lock:
            default = next(iter(state.accounts), None)
            added = [record(cloud, raw, default) for raw in body.get("references") or []]
            state.references[cloud].extend(added)
        return {"references": added}
    if (method, path) == ("GET", "/references"):
        with state.lock:
            return {"references": dict((c, list(r)) for c, r in state.references.items())}
    if (method, path) == ("POST", "/denied"):
        with state.lock:
            dummy, denied = normalize({}, [body], [{"id": a} for a in state.accounts])
            state.denied.extend(denied)
        return {"denied": denied}
    return None


def check_denied(state, call):
    for entry in state.denied:
        if entry["cloud"] == call.cloud and entry["action"] == call.action and entry["account"] == call.account:
            code, status = DENIED[call.cloud]
            raise ApiError(
                entry.get("code") or code,
                "You are not authorized to perform %s." % call.action,
                entry.get("status") or status,
                GATEWAY if call.cloud == "huawei" else None,
            )


def mine(state, call, kind):
    return [
        r
        for r in state.references[call.cloud]
        if r["kind"] == kind and r["account"] == call.account and r["region"] == call.region
    ]


def integer(value, name, low, high, default, error):
    """An integer parameter within [low, high] (api.as_int), refused with ``error`` (the cloud's own error)."""
    try:
        return as_int(value, name, default, low, high)
    except ValueError as exc:
        raise error(str(exc))


def page(items, offset, limit):
    return items[offset : offset + limit]


def version_filter(template, numbers, low, high, default_only):
    versions = template["versions"]
    if default_only:
        return [v for v in versions if v["number"] == template["default_version"]]
    if numbers:
        return [v for v in versions if v["number"] in numbers]
    return [v for v in versions if (low is None or v["number"] >= low) and (high is None or v["number"] <= high)]


class TencentReferences(TencentApi):
    """cvm DescribeLaunchTemplates / DescribeLaunchTemplateVersions, as DescribeLaunchConfigurations."""

    def parse(self, request, call):
        call.action = request.header("X-TC-Action")
        call.region = request.header("X-TC-Region")
        if request.header("X-TC-Version") != ACTIONS["tencent"][call.action]:
            raise ApiError("InvalidParameterValue", "Version must be %s" % ACTIONS["tencent"][call.action])
        try:
            call.params = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError("InvalidParameter", "the request body is not valid JSON")

    def authenticate(self, app, request, call):
        try:
            check_signature(app, request, call, verify_tc3, service_name=TENCENT_SERVICE.get(call.action, "cvm"))
        except AuthFailure as failure:
            raise ApiError(AUTH_CODES.get(failure.kind, "AuthFailure.TokenFailure"), failure.message)
        if not call.region:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")

    def execute(self, state, call):
        check_denied(state, call)
        p = call.params

        def bad(message):
            return ApiError("InvalidParameterValue", message)

        # Limit: "default 20, maximum 100"; Offset: default 0 (the three request models).
        offset = integer(p.get("Offset"), "Offset", 0, 10**9, 0, bad)
        limit = integer(p.get("Limit"), "Limit", 1, 100, 20, bad)
        if call.action == "DescribeLaunchConfigurations":
            found = mine(state, call, "scaling_configuration")
            return 200, {
                "TotalCount": len(found),
                "LaunchConfigurationSet": [self._configuration(r) for r in page(found, offset, limit)],
            }
        templates = mine(state, call, "launch_template")
        if call.action == "DescribeLaunchTemplates":
            if p.get("LaunchTemplateIds") and p.get("Filters"):
                raise ApiError("InvalidParameter", "LaunchTemplateIds and Filters cannot be given together.")
            if p.get("LaunchTemplateIds"):
                templates = [t for t in templates if t["id"] in p["LaunchTemplateIds"]]
            return 200, {
                "TotalCount": len(templates),
                "LaunchTemplateSet": [self._template(t) for t in page(templates, offset, limit)],
            }
        template = next((t for t in templates if t["id"] == p.get("LaunchTemplateId")), None)
        if not p.get("LaunchTemplateId"):
            raise ApiError("MissingParameter", "The request is missing a required parameter `LaunchTemplateId`.")
        if template is None:
            raise ApiError("InvalidParameterValue.LaunchTemplateNotFound", "The launch template does not exist.")
        # MinVersion defaults to 0, MaxVersion to 30 (DescribeLaunchTemplateVersionsRequest).
        low = integer(p.get("MinVersion"), "MinVersion", 0, 10**6, 0, bad)
        high = integer(p.get("MaxVersion"), "MaxVersion", 0, 10**6, 30, bad)
        versions = version_filter(template, p.get("LaunchTemplateVersions"), low, high, p.get("DefaultVersion") is True)
        return 200, {
            "TotalCount": len(versions),
            "LaunchTemplateVersionSet": [
                {
                    "LaunchTemplateId": template["id"],
                    "LaunchTemplateVersion": v["number"],
                    "IsDefaultVersion": v["number"] == template["default_version"],
                    "CreationTime": "2026-01-01T00:00:00Z",
                    "LaunchTemplateVersionData": {"ImageId": v["image_id"]},
                }
                for v in page(versions, offset, limit)
            ],
        }

    @staticmethod
    def _template(t):
        return {
            "LaunchTemplateId": t["id"],
            "LaunchTemplateName": t["name"],
            "LatestVersionNumber": len(t["versions"]),
            "DefaultVersionNumber": t["default_version"],
            "LaunchTemplateVersionCount": len(t["versions"]),
            "CreationTime": "2026-01-01T00:00:00Z",
        }

    @staticmethod
    def _configuration(r):
        groups = r["group"] if isinstance(r["group"], list) else [r["group"]] if r["group"] else []
        return {
            "LaunchConfigurationId": r["id"],
            "LaunchConfigurationName": r["name"],
            "ImageId": r["image_id"],
            "LaunchConfigurationStatus": "NORMAL",
            "AutoScalingGroupAbstractSet": [{"AutoScalingGroupId": g, "AutoScalingGroupName": g} for g in groups],
        }


class AliyunReferences(AliyunApi):
    """ECS DescribeLaunchTemplates / DescribeLaunchTemplateVersions, ESS DescribeScalingConfigurations."""

    def parse(self, request, call):
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        call.params = params
        call.action = request.header("x-acs-action") or params.get("Action")
        call.region = params.get("RegionId")
        if (request.header("x-acs-version") or params.get("Version")) != ACTIONS["aliyun"][call.action]:
            raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)

    def execute(self, state, call):
        check_denied(state, call)
        p = call.params

        def bad(message):
            return ApiError("InvalidParameter", message, 400)

        # PageNumber from 1 (default 1); PageSize default 10, at most 50 (the request models and API pages).
        number = integer(p.get("PageNumber"), "PageNumber", 1, 10**6, 1, bad)
        size = integer(p.get("PageSize"), "PageSize", 1, 50, 10, bad)
        offset = (number - 1) * size
        common = {"TotalCount": 0, "PageNumber": number, "PageSize": size}
        if call.action == "DescribeScalingConfigurations":
            found = mine(state, call, "scaling_configuration")
            if p.get("ScalingGroupId"):
                found = [r for r in found if r["group"] == p["ScalingGroupId"]]
            return 200, dict(
                common,
                TotalCount=len(found),
                ScalingConfigurations=[
                    {
                        "ScalingConfigurationId": r["id"],
                        "ScalingConfigurationName": r["name"],
                        "ImageId": r["image_id"],
                        "ScalingGroupId": r["group"],
                        "LifecycleState": "Active" if r["status"] == "ACTIVE" else "Inactive",
                    }
                    for r in page(found, offset, size)
                ],
            )
        templates = mine(state, call, "launch_template")
        if call.action == "DescribeLaunchTemplates":
            wanted = [v for k, v in sorted(p.items()) if k.startswith("LaunchTemplateId.")]
            if wanted:
                templates = [t for t in templates if t["id"] in wanted]
            return 200, dict(
                common,
                TotalCount=len(templates),
                LaunchTemplateSets={
                    "LaunchTemplateSet": [
                        {
                            "LaunchTemplateId": t["id"],
                            "LaunchTemplateName": t["name"],
                            "DefaultVersionNumber": t["default_version"],
                            "LatestVersionNumber": len(t["versions"]),
                            "CreateTime": "2026-01-01T00:00:00Z",
                        }
                        for t in page(templates, offset, size)
                    ]
                },
            )
        if not p.get("LaunchTemplateId") and not p.get("LaunchTemplateName"):
            raise ApiError("MissingParameter", "LaunchTemplateId or LaunchTemplateName is required.", 400)
        template = next(
            (
                t
                for t in templates
                if t["id"] == p.get("LaunchTemplateId")
                or (not p.get("LaunchTemplateId") and t["name"] == p.get("LaunchTemplateName"))
            ),
            None,
        )
        if template is None:
            raise ApiError("InvalidLaunchTemplate.NotFound", "The specified launch template is not found.", 404)
        numbers = [int(v) for k, v in p.items() if k.startswith("LaunchTemplateVersion.")]
        low = integer(p.get("MinVersion"), "MinVersion", 1, 10**6, None, bad)
        high = integer(p.get("MaxVersion"), "MaxVersion", 1, 10**6, None, bad)
        try:
            default_only = as_bool(p.get("DefaultVersion"), "DefaultVersion")
            detail = as_bool(p.get("DetailFlag", "true"), "DetailFlag")
        except ValueError as error:
            raise bad(str(error))
        versions = version_filter(template, numbers, low, high, default_only)
        return 200, dict(
            common,
            TotalCount=len(versions),
            LaunchTemplateVersionSets={
                "LaunchTemplateVersionSet": [
                    dict(
                        {
                            "LaunchTemplateId": template["id"],
                            "LaunchTemplateName": template["name"],
                            "VersionNumber": v["number"],
                            "DefaultVersion": v["number"] == template["default_version"],
                        },
                        **({"LaunchTemplateData": {"ImageId": v["image_id"]}} if detail else {}),
                    )
                    for v in page(versions, offset, size)
                ]
            },
        )


class HuaweiReferences(HuaweiApi):
    """AS ListScalingConfigs and ECS ListServersDetails (the paged /v1 listing)."""

    def parse(self, request, call):
        match = AS_PATH.match(request.path) or SERVERS_PATH.match(request.path)
        call.action = "ListScalingConfigs" if AS_PATH.match(request.path) else "ListServersDetails"
        call.params = dict(parse_qsl(request.query, keep_blank_values=True), project_id=match.group(1))
        if request.method != "GET":
            raise ApiError(
                "APIGW.0101", "The API does not exist or has not been published in the environment.", 404, GATEWAY
            )

    def authenticate(self, app, request, call):
        super().authenticate(app, request, call)
        if call.params["project_id"] != request.header("X-Project-Id"):
            raise ApiError(
                "APIGW.0301",
                "Incorrect IAM authentication information: the path's project is not the signed one.",
                401,
                GATEWAY,
            )

    def execute(self, state, call):
        check_denied(state, call)
        p = call.params

        def bad(message):
            return ApiError("AS.0005" if call.action == "ListScalingConfigs" else "Common.0011", message, 400)

        if call.action == "ListScalingConfigs":
            # start_number from 0 (default 0), limit 0-100 (default 20): ListScalingConfigsRequest, AS API page.
            start = integer(p.get("start_number"), "start_number", 0, 10**9, 0, bad)
            limit = integer(p.get("limit"), "limit", 0, 100, 20, bad)
            found = [
                r
                for r in mine(state, call, "scaling_configuration")
                if not p.get("image_id") or r["image_id"] == p["image_id"]
            ]
            return 200, {
                "total_number": len(found),
                "start_number": start,
                "limit": limit,
                "scaling_configurations": [
                    {
                        "scaling_configuration_id": r["id"],
                        "scaling_configuration_name": r["name"],
                        "scaling_group_id": r["group"],
                        "tenant": p["project_id"],
                        "instance_config": {"imageRef": r["image_id"]},
                    }
                    for r in page(found, start, limit)
                ],
            }
        # offset is a page number from 1 (0 reads as 1), limit at most 1000, default 25 (ListServersDetailsRequest).
        number = max(integer(p.get("offset"), "offset", 0, 10**6, 1, bad), 1)
        limit = integer(p.get("limit"), "limit", 1, 1000, 25, bad)
        found = mine(state, call, "server")
        return 200, {
            "count": len(found),
            "servers": [
                {
                    "id": r["id"],
                    "name": r["name"],
                    "status": r["status"],
                    "image": {"id": r["image_id"]},
                    "tenant_id": p["project_id"],
                }
                for r in page(found, (number - 1) * limit, limit)
            ],
        }


FRONTS = {"tencent": TencentReferences(), "aliyun": AliyunReferences(), "huawei": HuaweiReferences()}


def route(cloud, request):
    """The reference-read front for this request, or None."""
    if cloud == "tencent" and request.header("X-TC-Action") in ACTIONS["tencent"]:
        return FRONTS[cloud]
    if cloud == "aliyun":
        action = request.header("x-acs-action") or dict(parse_qsl(request.query)).get("Action")
        if action in ACTIONS["aliyun"]:
            return FRONTS[cloud]
    if cloud == "huawei" and (AS_PATH.match(request.path) or SERVERS_PATH.match(request.path)):
        return FRONTS[cloud]
    return None
