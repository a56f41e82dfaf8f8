"""Assumed roles: Tencent STS AssumeRole, Alibaba STS AssumeRole, Huawei IAM temporary keys by agency; and the
regions each image API knows.

The three services answer on their cloud's port (the SDKs are pointed at it with service_endpoints / iam_endpoint);
``route`` picks them out of the cloud's traffic. Each checks the signature its SDK provider really sends, looks the
role up in the seed's ``roles`` (which accounts' keys may assume it) and issues temporary keys of the role's account
that expire after the asked duration; those keys then sign image calls like any seeded STS key.
"""

import json
import re
import secrets
import time
from urllib.parse import parse_qsl

from .aliyun import AUTH_ERRORS, AliyunApi
from .api import ApiError
from .huawei import GATEWAY, HuaweiApi
from .seed import CLOUDS, SeedError
from .signing import AuthFailure, verify_rpc_hmac_sha1, verify_sdk_hmac, verify_tc3
from .tencent import AUTH_CODES, TencentApi

# Regions of the image APIs (Tencent DescribeRegions https://www.tencentcloud.com/document/api/213/15708,
# Alibaba https://www.alibabacloud.com/help/en/ecs/regions-and-zones); a seeded image's region counts too.
REGIONS = {
    "tencent": {
        "ap-guangzhou",
        "ap-shanghai",
        "ap-nanjing",
        "ap-beijing",
        "ap-chengdu",
        "ap-chongqing",
        "ap-hongkong",
        "ap-singapore",
        "ap-jakarta",
        "ap-seoul",
        "ap-tokyo",
        "ap-bangkok",
        "ap-mumbai",
        "na-siliconvalley",
        "na-ashburn",
        "eu-frankfurt",
        "sa-saopaulo",
    },
    "aliyun": {
        "cn-hangzhou",
        "cn-shanghai",
        "cn-beijing",
        "cn-shenzhen",
        "cn-qingdao",
        "cn-zhangjiakou",
        "cn-huhehaote",
        "cn-wulanchabu",
        "cn-chengdu",
        "cn-guangzhou",
        "cn-hongkong",
        "ap-southeast-1",
        "ap-southeast-3",
        "ap-southeast-5",
        "ap-northeast-1",
        "ap-northeast-2",
        "us-west-1",
        "us-east-1",
        "eu-central-1",
        "eu-west-1",
        "me-east-1",
    },
}
# How each image API refuses a region it does not know: Tencent cvm errorcodes.py INVALIDREGION_NOTFOUND;
# Alibaba ECS InvalidRegionId.NotFound (DescribeImages error codes).
REGION_ERRORS = {
    "tencent": ("InvalidRegion.NotFound", "The region `%s` cannot be found.", None),
    "aliyun": ("InvalidRegionId.NotFound", "The specified RegionId %s does not exist.", 404),
}
ROLE_FIELDS = {"cloud", "arn", "agency_name", "domain_name", "domain_id", "account", "trusted", "max_session_duration"}
MAX_DURATION = {"tencent": 43200, "aliyun": 43200, "huawei": 86400}
MIN_DURATION = {"tencent": 1, "aliyun": 900, "huawei": 900}


def normalize_roles(raws, account_ids):
    """Seed ``roles``: [{cloud, arn (tencent, aliyun) | agency_name + domain_name + domain_id (huawei), account,
    trusted: [account ids whose keys may assume it]}]."""
    roles = []
    for raw in raws or []:
        if not isinstance(raw, dict) or raw.get("cloud") not in CLOUDS or set(raw) - ROLE_FIELDS:
            raise SeedError("roles entries need cloud and only %s: %r" % (", ".join(sorted(ROLE_FIELDS)), raw))
        role = dict(raw, account=str(raw.get("account")), trusted=[str(a) for a in raw.get("trusted") or []])
        # An Alibaba RAM role's MaxSessionDuration is 3600 unless set (the AssumeRole page); the others' is the API's.
        default_max = 3600 if role["cloud"] == "aliyun" else MAX_DURATION[role["cloud"]]
        role["max_session_duration"] = int(raw.get("max_session_duration") or default_max)
        needed = "agency_name" if role["cloud"] == "huawei" else "arn"
        if not role.get(needed) or role["account"] not in account_ids:
            raise SeedError("role %r needs %s and a seeded account" % (raw, needed))
        roles.append(role)
    return roles


class TemporaryKey:
    """Keys issued by an assumed role: like a seeded STS key (signing.Key), but they expire on the clock."""

    def __init__(self, cloud, account, expires_at, prefix=""):
        self.cloud, self.account, self.expires_at = cloud, account, expires_at
        self.key_id = prefix + "emu-tmp-" + secrets.token_hex(8)
        self.secret = secrets.token_urlsafe(24)
        self.token = "emu-tmp-token-" + secrets.token_urlsafe(24)

    @property
    def expired(self):
        return time.time() >= self.expires_at


def issue(state, cloud, role, duration, prefix=""):
    key = TemporaryKey(cloud, role["account"], time.time() + duration, prefix)
    with state.lock:
        state.keys[(cloud, key.key_id)] = key
    return key


def find_role(state, cloud, match):
    return next((r for r in state.roles if r["cloud"] == cloud and match(r)), None)


def check_region(state, cloud, region):
    """Refuse a region the cloud does not have, as its image API documents it."""
    if cloud not in REGION_ERRORS or not region:
        return
    seeded = {image["region"] for image in state.images[cloud].values()}
    if region not in REGIONS[cloud] and region not in seeded:
        code, message, status = REGION_ERRORS[cloud]
        raise ApiError(code, message % region, status)


def check_signature(app, request, call, verify, **extra):
    """Run a signing.py verifier with the cloud's keys; the journal names the key's account even when it fails."""

    def on_key(key):
        call.account = key.account

    return verify(
        request,
        lambda key_id: app.state.find_key(call.cloud, key_id),
        app.state.config["max_skew_seconds"],
        on_key=on_key,
        **extra,
    )


def _duration(role, value, error):
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise error
    if not MIN_DURATION[role["cloud"]] <= seconds <= min(MAX_DURATION[role["cloud"]], role["max_session_duration"]):
        raise error
    return seconds


def _iso(seconds, fraction=False):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (".000000Z" if fraction else "Z")


class TencentSts(TencentApi):
    """sts 2018-08-13 AssumeRole (https://www.tencentcloud.com/document/api/1150/49354), TC3 signed for ``sts``."""

    def parse(self, request, call):
        call.action = "AssumeRole"
        call.region = request.header("X-TC-Region")
        try:
            call.params = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError("InvalidParameter", "the request body is not valid JSON")
        if request.header("X-TC-Version") != "2018-08-13":
            raise ApiError("InvalidParameterValue", "Version must be 2018-08-13")

    def authenticate(self, app, request, call):
        try:
            check_signature(app, request, call, verify_tc3, service_name="sts")
        except AuthFailure as failure:
            raise ApiError(AUTH_CODES.get(failure.kind, "AuthFailure.TokenFailure"), failure.message)

    def execute(self, state, call):
        params = call.params
        role = find_role(state, "tencent", lambda r: r["arn"] == params.get("RoleArn"))
        if role is None:
            raise ApiError("ResourceNotFound.RoleNotFound", "The role %s does not exist." % params.get("RoleArn"))
        if call.account not in role["trusted"]:
            raise ApiError("UnauthorizedOperation", "The caller may not assume role %s." % role["arn"])
        if not re.match(r"^[\w+=,.@-]{2,128}$", str(params.get("RoleSessionName") or "")):
            raise ApiError("InvalidParameter.ParamError", "RoleSessionName is missing or not valid.")
        duration = _duration(
            role,
            params.get("DurationSeconds", 7200),
            ApiError("InvalidParameter.OverTimeError", "DurationSeconds is out of range."),
        )
        key = issue(state, "tencent", role, duration)
        return 200, {
            "Credentials": {"Token": key.token, "TmpSecretId": key.key_id, "TmpSecretKey": key.secret},
            "ExpiredTime": int(key.expires_at),
            "Expiration": _iso(key.expires_at),
        }


class AliyunSts(AliyunApi):
    """sts 2015-04-01 AssumeRole (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole)
    as alibabacloud_credentials' RamRoleArnCredentialsProvider sends it: GET, RPC HMAC-SHA1 in the query."""

    def parse(self, request, call):
        call.params = dict(parse_qsl(request.query, keep_blank_values=True))
        call.action = "AssumeRole"
        if call.params.get("Version") != "2015-04-01":
            raise ApiError("InvalidVersion", "Specified parameter Version is not valid.", 400)

    def authenticate(self, app, request, call):
        try:
            check_signature(app, request, call, verify_rpc_hmac_sha1, nonces=app.nonces)
        except AuthFailure as failure:
            code, status = AUTH_ERRORS[failure.kind]  # as the ECS front answers them
            raise ApiError(code, failure.message, status)

    def execute(self, state, call):
        params = call.params
        role = find_role(state, "aliyun", lambda r: r["arn"] == params.get("RoleArn"))
        if role is None:
            raise ApiError("EntityNotExist.Role", "The role not exists: %s." % params.get("RoleArn"), 404)
        if call.account not in role["trusted"]:
            raise ApiError(
                "NoPermission", "You are not authorized to do this action. You should be authorized by RAM.", 403
            )
        duration = _duration(
            role,
            params.get("DurationSeconds", 3600),
            ApiError("InvalidParameter.DurationSeconds", "The DurationSeconds is invalid.", 400),
        )
        key = issue(state, "aliyun", role, duration, prefix="STS.")
        return 200, {
            "Credentials": {
                "AccessKeyId": key.key_id,
                "AccessKeySecret": key.secret,
                "SecurityToken": key.token,
                "Expiration": _iso(key.expires_at),
            },
            "AssumedRoleUser": {
                "Arn": "%s/%s" % (role["arn"], params.get("RoleSessionName")),
                "AssumedRoleId": "3" + key.key_id[-12:],
            },
        }


class HuaweiAgency(HuaweiApi):
    """IAM POST /v3.0/OS-CREDENTIAL/securitytokens by assume_role (huaweicloudsdkiam
    CreateTemporaryAccessKeyByAgency; https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html)."""

    def parse(self, request, call):
        call.action = "CreateTemporaryAccessKeyByAgency"
        try:
            call.params = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError("IAM.0011", "Request parameter error.", 400, GATEWAY)

    def authenticate(self, app, request, call):
        try:
            check_signature(app, request, call, verify_sdk_hmac)
        except AuthFailure as failure:
            raise ApiError("APIGW.0301", "Incorrect IAM authentication information: " + failure.message, 401, GATEWAY)

    def execute(self, state, call):
        identity = ((call.params.get("auth") or {}).get("identity")) or {}
        assume = identity.get("assume_role") or {}
        if identity.get("methods") != ["assume_role"] or not assume.get("agency_name"):
            raise ApiError("IAM.0011", "Request parameter error.", 400, GATEWAY)
        role = find_role(
            state,
            "huawei",
            lambda r: (
                r["agency_name"] == assume["agency_name"]
                and (
                    (assume.get("domain_id") and r.get("domain_id") == assume["domain_id"])
                    or (assume.get("domain_name") and r.get("domain_name") == assume["domain_name"])
                )
            ),
        )
        if role is None:
            raise ApiError("IAM.0004", "Could not find agency %s." % assume["agency_name"], 404, GATEWAY)
        if call.account not in role["trusted"]:
            raise ApiError("IAM.0003", "The caller may not assume agency %s." % role["agency_name"], 403, GATEWAY)
        duration = _duration(
            role,
            assume.get("duration_seconds", 900),
            ApiError("IAM.0011", "Request parameter error: duration_seconds.", 400, GATEWAY),
        )
        key = issue(state, "huawei", role, duration)
        return 201, {
            "credential": {
                "access": key.key_id,
                "secret": key.secret,
                "securitytoken": key.token,
                "expires_at": _iso(key.expires_at, fraction=True),
            }
        }


FRONTS = {"tencent": TencentSts(), "aliyun": AliyunSts(), "huawei": HuaweiAgency()}


def route(cloud, request):
    """The STS / IAM-agency front for this request, or None when it is an image call."""
    if cloud == "tencent" and request.header("X-TC-Action") == "AssumeRole":
        return FRONTS[cloud]
    if cloud == "aliyun" and dict(parse_qsl(request.query)).get("Action") == "AssumeRole" and request.method == "GET":
        return FRONTS[cloud]
    if cloud == "huawei" and request.path.rstrip("/") == "/v3.0/OS-CREDENTIAL/securitytokens":
        return FRONTS[cloud]
    return None
