# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tencent Cloud CVM adapter (API 3.0, DescribeImages / DeleteImages), through tencentcloud-sdk-python-cvm."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

from .adapter import DEFAULT_SESSION_NAME, ImageAdapter, chunks, image_fields, role_error
from .errors import (
    AUTH_FAILED,
    BUSY,
    FORBIDDEN,
    IN_USE,
    INVALID_PARAMETER,
    INVALID_STATE,
    LIMIT_EXCEEDED,
    MALFORMED_ID,
    NOT_FOUND,
    PUBLIC,
    SHARED,
    THROTTLED,
    TRANSIENT,
    UNKNOWN,
    CloudError,
)
from .references import SCALING_CONFIGURATION, Read, pages, reference, template_versions

# Image.ImageState (tencentcloud-sdk-python-cvm models.py): CREATING, NORMAL, CREATEFAILED, SYNCING, IMPORTING,
# IMPORTFAILED. USING is named only by the DeleteImages page. DELETING is documented nowhere: it is read as "going"
# if a cloud ever shows it, and nothing depends on it (an image being deleted may as well stay NORMAL, or vanish).
STATES = {
    "NORMAL": "available",
    "CREATING": "creating",
    "CREATEFAILED": "failed",
    "USING": "in_use",
    "SYNCING": "copying",
    "IMPORTING": "importing",
    "IMPORTFAILED": "failed",
    "DELETING": "deleting",
}
# DeleteImages refuses CREATING (its page and the SDK's DeleteImages docstring), SYNCING and IMPORTING (the docstring).
BUSY_STATES = {"CREATING": "being created", "SYNCING": "being copied to another region", "IMPORTING": "being imported"}
# DescribeImagesRequest.Filters: at most 10 filters of at most 5 values each.
NAME_FILTER_VALUES = 5
MAX_FILTERS = 10
CBS_VERSION = "2017-03-12"
# Where the fields every cloud has stand in an ImageSet entry (Image).
IMAGE_KEYS = {
    "id": "ImageId",
    "name": "ImageName",
    "state": "ImageState",
    "created_at": "CreatedTime",
    "size_gb": "ImageSize",
    "os_name": "OsName",
    "architecture": "Architecture",
    "platform": "Platform",
}
KINDS = {"PRIVATE_IMAGE": "private", "SHARED_IMAGE": "shared", "PUBLIC_IMAGE": "public"}  # Image.ImageType
# DescribeImages, DescribeLaunchTemplates, DescribeLaunchTemplateVersions (cvm) and DescribeLaunchConfigurations (as):
# "Limit ... maximum 100" (their request models); a version range defaults to MinVersion 0, MaxVersion 30.
PAGE_LIMIT = 100
AS_VERSION = "2018-04-19"
SERVICE_VERSIONS = {"as": AS_VERSION, "cbs": CBS_VERSION}
# A template deleted between the listing and its versions read (cvm errorcodes.py): it names nothing any more.
TEMPLATE_GONE = ("InvalidParameterValue.LaunchTemplateNotFound", "InvalidParameterValue.LaunchTemplateIdNotExisted")

# Native code -> category (errors.classify; prefix entries end with '*').
ERROR_CODES = {
    "InvalidImageId.NotFound": NOT_FOUND,
    "InvalidImageId.Malformed": MALFORMED_ID,
    "InvalidImageId.InShared": SHARED,
    "InvalidImageId.IncorrectState": INVALID_STATE,
    "FailedOperation.InvalidImageState": BUSY,  # errorcodes.py: "image status busy, retry later"
    "InvalidParameterValue.InvalidImageId": PUBLIC,
    "InvalidParameterValue.LimitExceeded": LIMIT_EXCEEDED,
    "InvalidParameter.InvalidParameterCoexistImageIdsFilters": INVALID_PARAMETER,
    # DeleteImages' documented answer for an image shared with this account (errorcodes.py: "the specified image ID
    # is a shared image"), and "the image is occupied by another operation".
    "InvalidParameterValue.InvalidImageIdIsShared": FORBIDDEN,
    "InvalidParameterValue.InvalidImageState": BUSY,
    "InvalidFilter*": INVALID_PARAMETER,
    # CBS DeleteSnapshots (tencentcloud-sdk-python-cbs errorcodes.py).
    "InvalidSnapshotId.NotFound": NOT_FOUND,
    "InvalidSnapshot.NotSupported": INVALID_STATE,
    "UnsupportedOperation.SnapshotHasBindedImage": IN_USE,
    "UnsupportedOperation.SnapHasShared": SHARED,
    "ResourceInUse*": IN_USE,
    "MutexOperation.TaskRunning": TRANSIENT,  # retried; once retries run out, the image is busy (persistent_blocks)
    "UnauthorizedOperation*": FORBIDDEN,
    "AuthFailure.UnauthorizedOperation": FORBIDDEN,
    "AuthFailure*": AUTH_FAILED,
    "RequestLimitExceeded*": THROTTLED,
    "InternalError*": TRANSIENT,
    "ResourceUnavailable*": TRANSIENT,
    "ClientNetworkError": TRANSIENT,
    "ServerNetworkError": TRANSIENT,
    "InvalidParameter*": INVALID_PARAMETER,
    "MissingParameter*": INVALID_PARAMETER,
    "InvalidRegion*": INVALID_PARAMETER,
    "UnsupportedRegion": INVALID_PARAMETER,
    "UnsupportedOperation*": INVALID_STATE,
}


class TencentAdapter(ImageAdapter):
    cloud = "tencent"
    error_codes = ERROR_CODES
    sdk_loggers = ("tencentcloud_sdk_common",)
    persistent_blocks = {"MutexOperation.TaskRunning": BUSY}
    id_pattern = re.compile(r"^img-[a-z0-9]{8,}$")
    id_format = "img- followed by 8 or more lowercase letters or digits"
    describe_batch_size = 100
    multi_id_delete = True
    supports_dry_run = True
    default_rate_limit = 10.0  # "A maximum of 10 requests can be initiated per second for this API."
    documented_rate_limit = 10.0  # https://www.tencentcloud.com/document/api/213/15716
    default_endpoint = "cvm.tencentcloudapi.com"
    aliases = {"access_key": ["secret_id"], "security_token": ["session_token"]}
    env = {
        "access_key": ["TENCENTCLOUD_SECRET_ID"],
        "secret_key": ["TENCENTCLOUD_SECRET_KEY"],
        "security_token": ["TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN"],
        "region": ["TENCENTCLOUD_REGION"],
        "profile": ["TENCENTCLOUD_PROFILE"],
    }
    has_credential_chain = True
    # STS AssumeRole (https://www.tencentcloud.com/document/api/1150/49354); variables as the Terraform provider's.
    assume_role_options = {
        "role_arn": {"type": "str"},
        "session_name": {"type": "str"},
        "duration": {"type": "int"},
        "external_id": {"type": "str"},
        "policy": {"type": "str"},
    }
    assume_role_env = {
        "role_arn": ["TENCENTCLOUD_ASSUME_ROLE_ARN"],
        "session_name": ["TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"],
        "duration": ["TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"],
    }
    assume_role_required = ("role_arn",)
    # RoleArn: qcs::cam::uin/ACCOUNT:roleName/NAME (or :role/ID), per the AssumeRole page.
    role_arn_prefix = "qcs::cam::uin/"
    duration_range = (1, 43200)
    service_endpoint_names = ("sts", "as", "cbs")
    default_service_endpoints = {
        "sts": "sts.tencentcloudapi.com",
        "as": "as.tencentcloudapi.com",
        "cbs": "cbs.tencentcloudapi.com",
    }
    # Options of tencent_image only.
    delete_options = {
        "delete_snapshots": {"type": "bool", "default": False},
        "batch_size": {"type": "int", "default": 50},
    }
    # A batch fits one DescribeImages call (Limit at most 100: models.py DescribeImagesRequest; DeleteImages documents
    # no maximum).
    size_limits = {"batch_size": (1, 100, "")}
    # CBS DescribeSnapshotsRequest.Limit: at most 100. DeleteSnapshotsRequest.SnapshotIds is a list whose size no
    # document limits: 100 per call, halved on InvalidParameterValue.LimitExceeded (snapshots.py).
    snapshot_option = "delete_snapshots"
    snapshot_describe_batch = 100
    snapshot_delete_batch = 100

    def build_client(self):
        from tencentcloud.cvm.v20170312.cvm_client import CvmClient

        s = self.settings
        return CvmClient(self.credentials(), s["region"], self.client_profile(s["scheme"], s["host"]))

    def client_profile(self, scheme, host):
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile

        s = self.settings
        if not s.get("validate_certs", True):
            certification = False
        else:
            certification = s.get("ca_path") or None
        # protocol must be given to the constructor: setting .protocol later still sends https.
        profile = HttpProfile(
            protocol=scheme, endpoint=host, reqTimeout=s.get("timeout") or 30, certification=certification
        )
        return ClientProfile(httpProfile=profile, language="en-US")

    def make_credentials(self):
        """Base keys, or a role's refreshing temporary keys."""
        return self._assumed(self._base_credentials())

    def _base_credentials(self):
        from tencentcloud.common import credential

        s = self.settings
        if s.get("access_key"):
            return credential.Credential(s["access_key"], s["secret_key"], s.get("security_token"))
        if s.get("profile"):
            keys = read_tccli_profile(s["profile"])
            return credential.Credential(keys["secretId"], keys["secretKey"], keys.get("token") or None)
        # The SDK's chain: environment, ~/.tencentcloud/credentials, CVM role, TKE OIDC.
        try:
            return credential.DefaultCredentialProvider().get_credentials()
        except Exception:  # the SDK names each provider's internals; we say what to set instead
            raise CloudError(
                AUTH_FAILED,
                self.no_credentials_message(
                    "the SDK's chain (~/.tencentcloud/credentials, a CVM role, a TKE OIDC role)"
                ),
                code="NoCredentials",
            )

    def _assumed(self, base):
        role = self.settings.get("assume_role")
        if not role:
            return base
        scheme, host = self.settings["service_endpoints"]["sts"]
        return assumed_role_credential(base, role, self.client_profile(scheme, host))

    def translate(self, exc, action, image_id=None):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        if not isinstance(exc, TencentCloudSDKException):
            if isinstance(exc, (IOError, OSError, ValueError)):
                return self.network_error(exc, action, image_id)
            return None
        code = exc.code or "Unknown"
        message = exc.message or code
        if code == "ClientNetworkError":
            # The SDK wraps every requests failure (refused, reset, timeout, TLS) in this one code.
            error = self.network_error(message, action, image_id)
            error.request_id = exc.requestId
            return error
        if code == "ServerNetworkError":
            # A non-200 HTTP answer: the SDK puts the raw body in the message.
            message = "HTTP error from the endpoint: %s" % (str(message)[:200],)
        return self.cloud_error(code, message, request_id=exc.requestId, image_id=image_id)

    def service_client(self, service):
        """The SDK's CommonClient for another service (``as``, ``cbs``), one per thread, at
        service_endpoints.<service>."""
        from tencentcloud.common.common_client import CommonClient

        clients = self._local.__dict__.setdefault("services", {})
        if service not in clients:
            scheme, host = self.settings["service_endpoints"][service]
            clients[service] = CommonClient(
                service,
                SERVICE_VERSIONS[service],
                self.credentials(),
                self.settings["region"],
                profile=self.client_profile(scheme, host),
            )
        return clients[service]

    def _call(self, action, params, image_id=None, mutating=False, deletes=False, service=None):
        """Send ``action``; check the answer ourselves: the SDK takes an error with an unexpected
        Content-Type as success (its abstract client), and we must never report a delete that did not happen.
        ``service``: another service to send to (``as``, ``cbs``; default CVM)."""

        def send(client):
            if service:
                client = self.service_client(service)
            answer = client.call_json(action, params)
            response = answer.get("Response") if isinstance(answer, dict) else None
            if not isinstance(response, dict):
                raise CloudError(UNKNOWN, "%s: unexpected answer from the endpoint" % action, code="BadResponse")
            if "Error" in response:
                error = response["Error"] or {}
                code = error.get("Code") or "Unknown"
                raise self.cloud_error(
                    code, error.get("Message") or code, request_id=response.get("RequestId"), image_id=image_id
                )
            if not response.get("RequestId"):
                raise CloudError(UNKNOWN, "%s: answer without RequestId" % action, code="BadResponse")
            return response

        return self.invoke(action, send, image_id=image_id, mutating=mutating, deletes=deletes)

    # -- reads -----------------------------------------------------------------------------
    def describe(self, ids):
        response = self._call("DescribeImages", {"ImageIds": list(ids), "Limit": 100})
        images = [normalize(i) for i in response.get("ImageSet") or []]
        wanted = set(ids)
        return dict((i["id"], i) for i in images if i["id"] in wanted)

    def _describe_pages(self, filters):
        return [normalize(i) for i in self._pages("DescribeImages", {"Filters": filters}, "ImageSet")]

    def find_by_names(self, names):
        return self._named([{"Name": "image-type", "Values": ["PRIVATE_IMAGE"]}], names)

    def _named(self, filters, names):
        """The images named exactly one of ``names``, at most NAME_FILTER_VALUES names per listing: the image-name
        filter is fuzzy (DescribeImagesRequest.Filters), so the exact names are checked here."""
        images = []
        for batch in chunks(names, NAME_FILTER_VALUES):
            listed = self._describe_pages(filters + [{"Name": "image-name", "Values": batch}])
            images.extend(i for i in listed if i["name"] in batch)
        return images

    def list_images(self, image_ids=None, names=None, image_type="private", tags=None):
        if image_ids:
            return self.describe_all(image_ids)
        filters = []
        types = {"private": ["PRIVATE_IMAGE"], "shared": ["SHARED_IMAGE"], "public": ["PUBLIC_IMAGE"], "all": None}[
            image_type
        ]
        if types:
            filters.append({"Name": "image-type", "Values": types})
        # Tags beyond the 10-filter limit (one is kept for the names) are matched by the caller (the info module).
        for key, value in sorted((tags or {}).items())[: MAX_FILTERS - 1 - len(filters)]:
            filters.append({"Name": "tag:%s" % key, "Values": [value]})
        try:
            return self._list_filtered(filters, names)
        except CloudError as error:
            # DescribeImages documents InvalidParameterValue.TagKeyNotFound for a tag key the account never made:
            # no image carries it.
            if error.code == "InvalidParameterValue.TagKeyNotFound":
                return []
            raise

    def _list_filtered(self, filters, names):
        return self._named(filters, names) if names else self._describe_pages(filters)

    # -- references ----------------------------------------------------------------------------
    def _pages(self, action, params, key, service=None):
        """Every item of an Offset/Limit listing (references.pages)."""

        def fetch(seen, dummy_index):
            response = self._call(action, dict(params, Offset=seen, Limit=PAGE_LIMIT), service=service)
            return response.get(key) or [], response.get("TotalCount")

        return pages(fetch)

    def reference_reads(self):
        return [
            Read("cvm:DescribeLaunchTemplates", self._launch_templates),
            Read("as:DescribeLaunchConfigurations", self._launch_configurations),
        ]

    def _launch_templates(self):
        templates = self._pages("DescribeLaunchTemplates", {}, "LaunchTemplateSet")
        return [], [
            Read("cvm:DescribeLaunchTemplateVersions", lambda t=t: self._template_versions(t)) for t in templates
        ]

    def _template_versions(self, template):
        # Every version, not only the default: MaxVersion defaults to 30, so the range ends at LatestVersionNumber.
        params = {
            "LaunchTemplateId": template.get("LaunchTemplateId"),
            "MinVersion": 0,
            "MaxVersion": max(int(template.get("LatestVersionNumber") or 0), 1),
        }
        return template_versions(
            template,
            lambda: self._pages("DescribeLaunchTemplateVersions", params, "LaunchTemplateVersionSet"),
            lambda v: (v.get("LaunchTemplateVersionData") or {}).get("ImageId"),
            lambda v: v.get("LaunchTemplateVersion"),
            TEMPLATE_GONE,
        )

    def _launch_configurations(self):
        configurations = self._pages("DescribeLaunchConfigurations", {}, "LaunchConfigurationSet", service="as")
        return [
            reference(
                c.get("ImageId"),
                SCALING_CONFIGURATION,
                c.get("LaunchConfigurationId"),
                c.get("LaunchConfigurationName"),
                group=",".join(g.get("AutoScalingGroupId") for g in c.get("AutoScalingGroupAbstractSet") or []) or None,
            )
            for c in configurations
        ], []

    # -- decisions and deletes ---------------------------------------------------------------
    def block_for(self, image, options):
        image_type = image.get("image_type")
        if image_type == "SHARED_IMAGE":
            return (
                FORBIDDEN,
                image_type,
                "image %s is shared with this account by another account: only its owner can delete it" % image["id"],
            )
        if image_type and image_type != "PRIVATE_IMAGE":
            return (
                PUBLIC,
                image_type,
                "image %s is a %s, not a custom image of this account"
                % (image["id"], image_type.lower().replace("_", " ")),
            )
        state = image.get("native_state")
        if state in BUSY_STATES:
            return (
                BUSY,
                state,
                "image %s (%s) is %s: wait for it to finish, then run again"
                % (image["id"], image.get("name"), BUSY_STATES[state]),
            )
        if state == "USING":
            return (
                IN_USE,
                state,
                "image %s (%s) is in use (state USING): wait until it is NORMAL" % (image["id"], image.get("name")),
            )
        return None

    def delete(self, ids, options, dry_run=False):
        # DeleteBindedSnap documents no check of other uses: a batch with an image whose snapshot stays goes without it.
        binded = bool(options.get("delete_snapshots")) and not set(ids) & set(options.get("spare_snapshots_of") or ())
        params = {"ImageIds": list(ids), "DeleteBindedSnap": binded, "DryRun": bool(dry_run)}
        image_id = ids[0] if len(ids) == 1 else None

        def send():
            response = self._call("DeleteImages", params, image_id=image_id, mutating=True, deletes=not dry_run)
            return response.get("RequestId") if response else None

        try:
            # DeleteImages' docs show a passing DryRun as a plain success; DryRunOperation is read as one too.
            return self.delete_or_dry_run(send, dry_run)
        except CloudError as error:
            raise self.name_image(error, ids)

    # -- snapshots (CBS 2017-03-12) -----------------------------------------------------------
    def describe_snapshots(self, ids):
        response = self._call("DescribeSnapshots", {"SnapshotIds": list(ids), "Limit": 100}, service="cbs")
        snapshots = [normalize_snapshot(s) for s in response.get("SnapshotSet") or []]
        wanted = set(ids)
        return dict((s["id"], s) for s in snapshots if s["id"] in wanted)

    def snapshot_kept_reason(self, snapshot, deleting):
        """CBS Snapshot fields (tencentcloud-sdk-python-cbs models.py): Images, ShareReference, SnapshotState, IsLocked."""
        others = [i for i in snapshot["image_ids"] if i not in deleting]
        if others:
            return (
                "used by image(s) %s (DeleteSnapshots refuses a snapshot an image was made from): delete those first"
                % (", ".join(others))
            )
        if snapshot["share_reference"]:
            return "shared with %s other account(s): cancel the sharing first" % snapshot["share_reference"]
        if snapshot["state"] != "NORMAL":
            return "in state %s: DeleteSnapshots deletes only NORMAL snapshots" % snapshot["state"]
        if snapshot["locked"]:
            return "locked (IsLocked): unlock it first"
        return None

    def delete_snapshots(self, ids):
        response = self._call("DeleteSnapshots", {"SnapshotIds": list(ids)}, mutating=True, service="cbs")
        return response.get("RequestId")


def normalize_snapshot(raw):
    """CBS SnapshotSet entry -> what the snapshot phase reads."""
    return {
        "id": raw.get("SnapshotId"),
        "state": raw.get("SnapshotState"),
        "image_ids": [i.get("ImageId") for i in raw.get("Images") or []],
        "share_reference": int(raw.get("ShareReference") or 0),
        "locked": bool(raw.get("IsLocked")),
    }


def normalize(raw):
    """Tencent ImageSet entry -> the collection's image shape."""
    image = image_fields(raw, IMAGE_KEYS, STATES)
    image.update(
        {
            "tags": dict((t.get("Key"), t.get("Value")) for t in raw.get("Tags") or []),
            "snapshot_ids": [s.get("SnapshotId") for s in raw.get("SnapshotSet") or []],
            "kind": KINDS.get(raw.get("ImageType"), "public"),
            "image_type": raw.get("ImageType"),
            "image_source": raw.get("ImageSource"),
            "description": raw.get("ImageDescription"),
        }
    )
    return image


def read_tccli_profile(name):
    """secretId, secretKey (and token) of tccli's ``~/.tccli/NAME.credential`` (JSON, as ``tccli configure`` writes it)."""
    path = os.path.join(os.path.expanduser("~"), ".tccli", "%s.credential" % name)
    try:
        with open(path) as handle:
            keys = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise CloudError(
            AUTH_FAILED,
            "profile %r: cannot read %s (%s): run tccli configure --profile %s, or set "
            "access_key and secret_key" % (name, path, type(exc).__name__, name),
            code="NoCredentials",
        )
    if not isinstance(keys, dict) or not keys.get("secretId") or not keys.get("secretKey"):
        raise CloudError(
            AUTH_FAILED, "profile %r: %s holds no secretId and secretKey" % (name, path), code="NoCredentials"
        )
    return keys


def assumed_role_credential(base, role, client_profile):
    """The SDK's STSAssumeRoleCredential (its refresh and lock), with the STS call made through the SDK's
    CommonClient on our endpoint, scheme, CA and timeout (the SDK's own always uses https and the system CAs),
    signed by ``base``, with ExternalId and Policy when given."""
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.credential import STSAssumeRoleCredential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    class AssumedRoleCredential(STSAssumeRoleCredential):
        def get_sts_tmp_role_arn(self):
            client = CommonClient(
                credential=base,
                region=self._region,
                version=self._version,
                service=self._service,
                profile=client_profile,
            )
            params = {
                "RoleArn": self._role_arn,
                "RoleSessionName": self._role_session_name,
                "DurationSeconds": self._duration_seconds,
            }
            params.update(
                dict(
                    (name, role[key])
                    for key, name in (("external_id", "ExternalId"), ("policy", "Policy"))
                    if role.get(key)
                )
            )
            try:
                answer = client.call_json("AssumeRole", params)["Response"]
            except TencentCloudSDKException as exc:
                raise role_error(ERROR_CODES, "role %s" % role["role_arn"], exc.code, exc.message, exc.requestId)
            keys = answer["Credentials"]
            self._token, self._tmp_secret_id, self._tmp_secret_key = (
                keys["Token"],
                keys["TmpSecretId"],
                keys["TmpSecretKey"],
            )
            # As the SDK's own: ask again once a tenth of the keys' life has passed.
            self._expired_time = answer["ExpiredTime"] - self._duration_seconds * 0.9

    return AssumedRoleCredential(
        None, None, role["role_arn"], role.get("session_name") or DEFAULT_SESSION_NAME, role.get("duration") or 7200
    )
