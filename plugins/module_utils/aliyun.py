# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alibaba Cloud ECS adapter (DescribeImages / DeleteImage), through the Alibaba Cloud SDK's core client.

The two ECS actions go through ``alibabacloud_tea_openapi.client.Client.call_api``, the SDK's documented generic
call, with the same Params that ``alibabacloud_ecs20140526`` builds for them: the ECS package would add nothing
but its 1200 model classes, which take 0.3 s or more to import in every task (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import threading

from .adapter import DEFAULT_SESSION_NAME, ImageAdapter, chunks, exactly_named, image_fields, named_or_all, role_error
from .errors import (
    AUTH_FAILED,
    BUSY,
    FORBIDDEN,
    IN_USE,
    INVALID_PARAMETER,
    INVALID_STATE,
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

# DescribeImages answers only Available images unless Status says otherwise, and lookups must see every state:
# "ALL: All image statuses ... ALL cannot be used together with other status values" (exact case;
# alibabacloud_ecs20140526 models/_describe_images_request.py, status).
ALL_STATUSES = "ALL"
# The documented statuses. No deleting status is documented; what a describe shows while a delete finishes is not
# either (the image may still be listed as it was, or vanish): wait polls until it is no longer listed.
STATES = {
    "Available": "available",
    "Creating": "creating",
    "Waiting": "creating",
    "UnAvailable": "unavailable",
    "CreateFailed": "failed",
    "Deprecated": "deprecated",
}
# DescribeTasksRequest.task_action: the image tasks DescribeTasks can show; a copy in progress has none.
IMAGE_TASKS = (("ImportImage", "being imported"), ("ExportImage", "being exported"))
# DescribeTasks: ResourceIds, "up to 100" (models/_describe_tasks_request.py).
TASK_RESOURCE_IDS = 100
# Where the fields every cloud has stand in an Images.Image entry.
IMAGE_KEYS = {
    "id": "ImageId",
    "name": "ImageName",
    "state": "Status",
    "created_at": "CreationTime",
    "size_gb": "Size",
    "os_name": "OSName",
    "architecture": "Architecture",
    "platform": "Platform",
}
KINDS = {"self": "private", "others": "shared", "system": "public", "marketplace": "public"}
# "An empty value indicates that images with the system, self, and others values are returned" (ImageOwnerAlias).
OWNER_ALIASES = {
    "private": ["self"],
    "shared": ["others"],
    "public": ["system", "marketplace"],
    "all": [None, "marketplace"],
}


ECS_VERSION = "2014-05-26"
ESS_VERSION = "2022-02-22"
# DescribeLaunchTemplates / DescribeLaunchTemplateVersions: PageSize "maximum value: 50" (their API pages);
# DescribeScalingConfigurations: "Maximum value: 50" (alibabacloud_ess20220222 models/_describe_scaling_configurations_request.py).
REFERENCE_PAGE = 50
# DescribeImages and DescribeTasks: PageSize at most 100 (_describe_images_request.py, _describe_tasks_request.py).
LISTING_PAGE = 100
# A template deleted between the listing and its versions read names nothing any more (docs/emulator.md, Assumptions).
TEMPLATE_GONE = ("InvalidLaunchTemplate.NotFound",)


def runtime_options(**kwargs):
    try:
        from darabonba.runtime import RuntimeOptions
    except ImportError:  # tea-openapi before darabonba-core
        from alibabacloud_tea_util.models import RuntimeOptions
    return RuntimeOptions(**kwargs)


# Native code -> category (errors.classify; prefix entries end with '*').
ERROR_CODES = {
    "InvalidImageId.NotFound": NOT_FOUND,
    "InvalidImageId.Malformed": MALFORMED_ID,
    "ImageUsingByInstance": IN_USE,
    "ImageUseShared": SHARED,
    "ImageIsPublic": PUBLIC,
    "OperationDenied.ImageCopying": BUSY,
    "ImageIsImporting": BUSY,
    "ImageIsExporting": BUSY,
    "ImageIsCreating": BUSY,  # an earlier DeleteImage page
    "IncorrectImageStatus": INVALID_STATE,
    # DeleteSnapshot's documented refusals (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-deletesnapshot).
    "SnapshotCreatedImage": IN_USE,
    "SnapshotCreatedDisk": IN_USE,
    "IncorrectDiskStatus.CreatingSnapshot": BUSY,
    "InvalidSnapshotId.NotFound": NOT_FOUND,
    "InvalidAccessKeyId*": AUTH_FAILED,
    "SignatureDoesNotMatch": AUTH_FAILED,
    "IncompleteSignature": AUTH_FAILED,
    "InvalidTimeStamp*": AUTH_FAILED,
    "InvalidSecurityToken*": AUTH_FAILED,
    "Forbidden*": FORBIDDEN,
    "NoPermission*": FORBIDDEN,
    "Throttling*": THROTTLED,
    "ServiceUnavailable*": TRANSIENT,
    "InternalError*": TRANSIENT,
    "UnknownError": TRANSIENT,
    "SignatureNonceUsed": TRANSIENT,  # each attempt signs with a new nonce
    "InvalidParameter*": INVALID_PARAMETER,
    "InvalidParamter": INVALID_PARAMETER,  # sic: DescribeImages' documented error table
    "Missing*": INVALID_PARAMETER,  # Missing{ParameterName}, e.g. MissingRegionId
    "InvalidRegionId*": INVALID_PARAMETER,
    "InvalidImageOwnerAlias*": INVALID_PARAMETER,
    "InvalidUsage": INVALID_PARAMETER,
    # A wrong endpoint or API answers 404 with these: never "image not found".
    "InvalidApi*": INVALID_PARAMETER,
    "InvalidProduct*": INVALID_PARAMETER,
    "InvalidAction*": INVALID_PARAMETER,
}


class AliyunAdapter(ImageAdapter):
    cloud = "aliyun"
    error_codes = ERROR_CODES
    # The credentials provider's refresh cache logs to stderr through a handler of its own ("credentials"), failures
    # with the signed STS URL (base key id, token, signature) included (provider/refreshable.py).
    sdk_loggers = ("alibabacloud_credentials", "credentials")
    id_pattern = re.compile(r"^m-[A-Za-z0-9]+$")
    id_format = "m- followed by letters and digits"
    describe_batch_size = 100
    multi_id_delete = False
    supports_dry_run = True
    default_rate_limit = 20.0
    default_endpoint = "ecs.{region}.aliyuncs.com"
    aliases = {
        "access_key": ["access_key_id"],
        "secret_key": ["access_key_secret"],
        "security_token": ["session_token"],
    }
    env = {
        "access_key": ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"],
        "secret_key": ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"],
        "security_token": ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"],
        "region": ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"],
        "profile": ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"],
    }
    has_credential_chain = True
    # STS AssumeRole (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole);
    # the SDK's own variables first, then the Terraform provider's.
    assume_role_options = {
        "role_arn": {"type": "str"},
        "session_name": {"type": "str"},
        "duration": {"type": "int"},
        "external_id": {"type": "str"},
        "policy": {"type": "str"},
    }
    assume_role_env = {
        "role_arn": ["ALIBABA_CLOUD_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_ARN"],
        "session_name": ["ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALICLOUD_ASSUME_ROLE_SESSION_NAME"],
    }
    assume_role_required = ("role_arn",)
    # RoleArn: acs:ram::ACCOUNT:role/NAME, per the AssumeRole page.
    role_arn_prefix = "acs:ram::"
    duration_range = (900, 43200)
    service_endpoint_names = ("sts", "ess")
    # ESS endpoints are regional (alibabacloud_ess20220222 client.py, _endpoint_rule).
    default_service_endpoints = {"sts": "sts.aliyuncs.com", "ess": "ess.{region}.aliyuncs.com"}
    # Options of aliyun_image only.
    delete_options = {
        "force": {"type": "bool", "default": False},
        "delete_snapshots": {"type": "bool", "default": False},
    }
    # DescribeSnapshotsRequest.snapshot_ids: "a JSON array that consists of up to 100 snapshot IDs"; DeleteSnapshot
    # takes one SnapshotId (models/_delete_snapshot_request.py).
    snapshot_option = "delete_snapshots"
    snapshot_describe_batch = 100
    snapshot_delete_batch = 1

    # Whether DescribeImages reads a comma list of ImageId values: None until a list has answered (see _by_ids).
    reads_id_lists = None

    def __init__(self, settings, **kwargs):
        super(AliyunAdapter, self).__init__(settings, **kwargs)
        self.runtime = None  # the SDK's runtime options of every call (build_client)
        self._seen = set()  # ids this task has found: one no longer found is gone
        self._snapshot_images = None  # snapshot id -> the account's own images made from it (read once per task)
        self._snapshot_images_lock = threading.Lock()

    def build_client(self, scheme=None, host=None):
        from alibabacloud_tea_openapi.client import Client
        from alibabacloud_tea_openapi.models import Config

        s = self.settings
        timeout_ms = int((s.get("timeout") or 30) * 1000)
        config = Config(
            region_id=s["region"],
            endpoint=host or s["host"],
            protocol=scheme or s["scheme"],
            connect_timeout=timeout_ms,
            read_timeout=timeout_ms,
        )
        credential = self.credentials()
        if credential is None:
            config.access_key_id = s["access_key"]
            config.access_key_secret = s["secret_key"]
            config.security_token = s.get("security_token")
        else:
            config.credential = credential
        if s.get("ca_path"):
            config.ca = s["ca_path"]
        if self.runtime is None:  # the same for every client and thread: made with the first one
            self.runtime = runtime_options(
                ignore_ssl=not s.get("validate_certs", True),
                ca=s.get("ca_path"),
                connect_timeout=timeout_ms,
                read_timeout=timeout_ms,
            )
        return Client(config)

    def make_credentials(self):
        """None for plain keys; else the SDK's credentials client over a profile, the chain or an assumed role,
        asked once here so that missing credentials or a refused role fail at once, before any image call."""
        from alibabacloud_credentials.client import Client as CredentialClient

        s = self.settings
        if s.get("access_key") and not s.get("assume_role"):
            return None
        provider = self._assumed(self._base_provider())
        try:
            provider.get_credentials()
        except Exception as exc:  # the providers raise CredentialException or Tea's errors
            raise self.credential_error(exc)
        return CredentialClient(provider=provider)

    def _base_provider(self):
        from alibabacloud_credentials import provider as providers

        s = self.settings
        if s.get("access_key"):
            if s.get("security_token"):
                return providers.StaticSTSCredentialsProvider(
                    access_key_id=s["access_key"], access_key_secret=s["secret_key"], security_token=s["security_token"]
                )
            return providers.StaticAKCredentialsProvider(
                access_key_id=s["access_key"], access_key_secret=s["secret_key"]
            )
        if s.get("profile"):
            return profile_provider(s["profile"])
        # The SDK's default chain: environment, ~/.aliyun/config.json, ~/.alibabacloud/credentials, ECS RAM role, OIDC.
        return providers.DefaultCredentialsProvider()

    def _assumed(self, base):
        from alibabacloud_credentials import provider as providers
        from alibabacloud_credentials.http import HttpOptions

        s = self.settings
        role = s.get("assume_role")
        if not role:
            return base
        scheme, host = s["service_endpoints"]["sts"]
        timeout_ms = int((s.get("timeout") or 30) * 1000)
        provider = providers.RamRoleArnCredentialsProvider(
            credentials_provider=base,
            role_arn=role["role_arn"],
            role_session_name=role.get("session_name") or DEFAULT_SESSION_NAME,
            duration_seconds=role.get("duration") or 3600,
            policy=role.get("policy"),
            external_id=role.get("external_id"),
            # Tea's compose_url takes a host given with its scheme as the whole base URL (the provider sends https).
            sts_endpoint=host if scheme == "https" else "%s://%s" % (scheme, host),
            http_options=HttpOptions(connect_timeout=timeout_ms, read_timeout=timeout_ms),
        )
        # The provider has no CA option; Tea's do_action reads these runtime keys (Tea/core.py).
        provider._runtime_options.update({"ca": s.get("ca_path"), "ignoreSSL": not s.get("validate_certs", True)})
        return provider

    def credential_error(self, exc):
        """A provider's failure, in our words: a refused role, missing credentials, or the network."""
        text = str(exc)
        role = self.settings.get("assume_role")
        if "ram_role_arn" in text:
            match = re.search(r"result: (\{.*\})", text)
            body = json.loads(match.group(1)) if match else {}
            code = body.get("Code") or "AssumeRoleFailed"
            return role_error(
                self.error_codes, "role %s" % role["role_arn"], code, body.get("Message") or code, body.get("RequestId")
            )
        if "Retry" in type(exc).__name__ or isinstance(exc, (IOError, OSError)):
            # The provider's GET carries the base key id, signature and token in its query: never show it.
            return self.network_error(
                re.sub(r"\?\S*", "?<query hidden>", text), "AssumeRole" if role else "credentials"
            )
        tried = (
            "profile %r (~/.aliyun/config.json, else ~/.alibabacloud/credentials)" % self.settings["profile"]
            if self.settings.get("profile")
            else "the SDK's chain (~/.aliyun/config.json, ~/.alibabacloud/credentials, an ECS RAM role)"
        )
        return CloudError(AUTH_FAILED, self.no_credentials_message(tried), code="NoCredentials")

    def translate(self, exc, action, image_id=None):
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        if isinstance(exc, AlibabaCloudException):
            data = exc.data if isinstance(exc.data, dict) else {}
            code = data.get("Code") or exc.code or "Unknown"
            message = data.get("Message") or exc.message or code
            request_id = data.get("RequestId") or exc.request_id
            if request_id == "None":
                request_id = None
            return self.cloud_error(
                code, message, request_id=request_id, http_status=exc.status_code, image_id=image_id
            )
        name = type(exc).__name__
        if "Unretryable" in name or isinstance(exc, (IOError, OSError)):
            inner = getattr(getattr(exc, "last_request", None), "exception", None) or exc
            return self.network_error(inner, action, image_id)
        if "Credential" in name:
            return CloudError(AUTH_FAILED, "no usable credentials: %s" % (exc,), code="NoCredentials")
        return None

    def ess_client(self):
        """The core client at service_endpoints.ess, one per thread."""
        client = getattr(self._local, "ess", None)
        if client is None:
            client = self._local.ess = self.build_client(*self.settings["service_endpoints"]["ess"])
        return client

    def _call(self, action, query, image_id=None, mutating=False, deletes=False, version=ECS_VERSION, regional=True):
        """One ECS (or, with ``version`` ESS_VERSION, ESS) RPC action; returns the answer's JSON body as a dict.
        ``regional``: the request model has RegionId (DeleteSnapshotRequest has none: the snapshot id names it)."""
        from alibabacloud_tea_openapi.models import OpenApiRequest, Params
        from alibabacloud_tea_openapi.utils import Utils

        if regional:
            query = dict(query, RegionId=self.settings["region"])
        # As alibabacloud_ecs20140526 and alibabacloud_ess20220222 send them; the scheme is the Config's (protocol).
        params = Params(
            action=action,
            version=version,
            protocol="HTTPS",
            pathname="/",
            method="POST",
            auth_type="AK",
            style="RPC",
            req_body_type="formData",
            body_type="json",
        )

        def send(client):
            if version == ESS_VERSION:
                client = self.ess_client()
            answer = client.call_api(params, OpenApiRequest(query=Utils.query(query)), self.runtime)
            body = answer.get("body") if isinstance(answer, dict) else None
            if not isinstance(body, dict):
                raise CloudError(UNKNOWN, "%s: unexpected answer from the endpoint" % action, code="BadResponse")
            return body

        return self.invoke(action, send, image_id=image_id, mutating=mutating, deletes=deletes)

    # -- reads -----------------------------------------------------------------------------
    def _describe_pages(self, **query):
        listed = self._pages(
            "DescribeImages",
            query,
            lambda body: ((body.get("Images") or {}).get("Image")) or [],
            page_size=LISTING_PAGE,
        )
        return [normalize(i) for i in listed]

    def describe(self, ids):
        """The images among ``ids`` that exist. Without ImageOwnerAlias DescribeImages answers "system, self and
        others" images: ids never seen by this task and not found so are looked for once among marketplace images
        (so that such an id is reported blocked, not absent); an id seen earlier and no longer found is gone."""
        found = self._by_ids(ids)
        unseen = [i for i in ids if i not in found and i not in self._seen]
        if unseen:
            found.update(self._by_ids(unseen, ImageOwnerAlias="marketplace"))
        self._seen.update(found)
        return found

    def _by_ids(self, ids, **fields):
        """Up to 100 ids in one DescribeImages call, as a comma list: documented by an earlier DescribeImages page
        ("You can specify multiple image IDs and separate these IDs with commas"), not by the current one. So when a
        list brings back none of its ids, one id is asked alone: if that one is found, this endpoint does not read
        lists, and every id is asked alone from then on (one call each)."""
        if self.reads_id_lists is False:
            found = {}
            for image_id in ids:
                found.update(self._one_call([image_id], **fields))
            return found
        found = self._one_call(ids, **fields)
        if len(ids) > 1 and self.reads_id_lists is None and not fields:
            if found:
                self.reads_id_lists = True
            elif self._one_call(ids[:1], **fields):
                self.reads_id_lists = False
                return self._by_ids(ids, **fields)
        return found

    def _one_call(self, ids, **fields):
        images = self._describe_pages(ImageId=",".join(ids), Status=ALL_STATUSES, **fields)
        wanted = set(ids)
        return dict((i["id"], i) for i in images if i["id"] in wanted)

    def find_by_names(self, names):
        return exactly_named(names, self._describe_pages, "ImageName", ImageOwnerAlias="self", Status=ALL_STATUSES)

    def list_images(self, image_ids=None, names=None, image_type="private", tags=None):
        if image_ids:
            # The caller (the info module) keeps the ones of the asked type and tags.
            return self.describe_all(image_ids)
        images = []
        for alias in OWNER_ALIASES[image_type]:
            images.extend(named_or_all(names, self._describe_pages, "ImageName", **listing_query(alias, tags)))
        return images

    # -- decisions and deletes ---------------------------------------------------------------
    def block_for(self, image, options):
        label = "image %s (%s)" % (image["id"], image.get("name"))
        owner = image.get("image_owner_alias")
        if owner in ("system", "marketplace"):
            return (PUBLIC, owner, "%s is a %s image, not a custom image of this account" % (label, owner))
        if owner == "others":
            return (
                FORBIDDEN,
                owner,
                "%s is shared with this account by another account: only its owner can delete it" % label,
            )
        if image.get("is_public"):
            return (
                PUBLIC,
                "ImageIsPublic",
                "%s is published as a community image: unpublish it first (ModifyImageSharePermission)" % label,
            )
        if image.get("is_self_shared"):
            return (
                SHARED,
                "ImageUseShared",
                "%s is shared with other accounts: cancel the sharing first "
                "(DescribeImageSharePermission lists them)" % label,
            )
        if image.get("usage") == "instance" and not options.get("force"):
            return (
                IN_USE,
                "ImageUsingByInstance",
                "%s was used to create instances: delete them first, or set "
                "force: true to delete the image anyway" % label,
            )
        if image.get("native_state") in ("Creating", "Waiting"):
            return (
                BUSY,
                image.get("native_state"),
                "%s is being created (%s%% done): wait for it to finish"
                % (label, str(image.get("progress") or "0").rstrip("%")),
            )
        return None

    def lookup_blocks(self, images, options, parallel):
        """Import and export tasks in progress, which DescribeImages does not show and DeleteImage refuses
        (ImageIsImporting, ImageIsExporting): DescribeTasks with TaskStatus=Processing, up to 100 ResourceIds per call
        (models/_describe_tasks_request.py). A copy in progress has no documented read: only the delete shows it."""
        blocks = super(AliyunAdapter, self).lookup_blocks(images, options, parallel)
        images = [image for image in images if image["id"] not in blocks]
        ids = [image["id"] for image in images]
        names = dict((image["id"], image.get("name")) for image in images)
        queries = [(action, what, batch) for action, what in IMAGE_TASKS for batch in chunks(ids, TASK_RESOURCE_IDS)]
        for (action, what, dummy_batch), tasks in self.raise_first(parallel(self._processing_tasks, queries)):
            for task in tasks:
                image_id = task.get("ResourceId")
                if image_id in names and image_id not in blocks:
                    code = "ImageIs%s" % ("Importing" if action == "ImportImage" else "Exporting")
                    blocks[image_id] = (
                        BUSY,
                        code,
                        "image %s (%s) is %s (task %s): wait for the task to finish or "
                        "cancel it (CancelTask), then run again"
                        % (image_id, names[image_id], what, task.get("TaskId")),
                    )
        return blocks

    def _processing_tasks(self, query):
        action, dummy_what, batch = query
        return self._pages(
            "DescribeTasks",
            {"TaskAction": action, "TaskStatus": "Processing", "ResourceIds": list(batch)},
            lambda body: ((body.get("TaskSet") or {}).get("Task")) or [],
            page_size=LISTING_PAGE,
        )

    # -- references ----------------------------------------------------------------------------
    def _pages(self, action, query, items_of, version=ECS_VERSION, page_size=REFERENCE_PAGE):
        """Every item of a PageNumber/PageSize listing (references.pages)."""

        def fetch(dummy_seen, index):
            body = self._call(action, dict(query, PageNumber=index + 1, PageSize=page_size), version=version)
            return items_of(body), body.get("TotalCount")

        return pages(fetch)

    def reference_reads(self):
        return [
            Read("ecs:DescribeLaunchTemplates", self._launch_templates),
            Read("ess:DescribeScalingConfigurations", self._scaling_configurations),
        ]

    def _launch_templates(self):
        templates = self._pages(
            "DescribeLaunchTemplates",
            {},
            lambda body: (body.get("LaunchTemplateSets") or {}).get("LaunchTemplateSet") or [],
        )
        return [], [
            Read("ecs:DescribeLaunchTemplateVersions", lambda t=t: self._template_versions(t)) for t in templates
        ]

    def _template_versions(self, template):
        # Every version (no DefaultVersion, no range), with its configuration (DetailFlag, default true).
        query = {"LaunchTemplateId": template.get("LaunchTemplateId"), "DetailFlag": True}
        return template_versions(
            template,
            lambda: self._pages(
                "DescribeLaunchTemplateVersions",
                query,
                lambda body: (body.get("LaunchTemplateVersionSets") or {}).get("LaunchTemplateVersionSet") or [],
            ),
            lambda v: (v.get("LaunchTemplateData") or {}).get("ImageId"),
            lambda v: v.get("VersionNumber"),
            TEMPLATE_GONE,
        )

    def _scaling_configurations(self):
        configurations = self._pages(
            "DescribeScalingConfigurations",
            {},
            lambda body: body.get("ScalingConfigurations") or [],
            version=ESS_VERSION,
        )
        return [
            reference(
                c.get("ImageId"),
                SCALING_CONFIGURATION,
                c.get("ScalingConfigurationId"),
                c.get("ScalingConfigurationName"),
                group=c.get("ScalingGroupId"),
            )
            for c in configurations
        ], []

    def delete(self, ids, options, dry_run=False):
        image_id = ids[0]
        query = {"ImageId": image_id, "Force": bool(options.get("force")), "DryRun": bool(dry_run)}

        def send():
            return self._call("DeleteImage", query, image_id=image_id, mutating=True, deletes=not dry_run).get(
                "RequestId"
            )

        return self.delete_or_dry_run(send, dry_run)

    # -- snapshots (ECS DescribeSnapshots / DeleteSnapshot) -------------------------------------
    def describe_snapshots(self, ids):
        body = self._call("DescribeSnapshots", {"SnapshotIds": json.dumps(list(ids)), "MaxResults": 100})
        users = self.snapshot_images()
        wanted = set(ids)
        found = {}
        for raw in ((body.get("Snapshots") or {}).get("Snapshot")) or []:
            if raw.get("SnapshotId") in wanted:
                found[raw["SnapshotId"]] = {
                    "id": raw["SnapshotId"],
                    "usage": raw.get("Usage"),
                    "status": raw.get("Status"),
                    "image_ids": users.get(raw["SnapshotId"], []),
                }
        return found

    def snapshot_images(self):
        """Which of the account's own images (every status) name each snapshot in their DiskDeviceMappings: Usage
        says only that some image uses a snapshot, not which. One paged listing per task, before any delete."""
        with self._snapshot_images_lock:
            if self._snapshot_images is None:
                users = {}
                for image in self._describe_pages(ImageOwnerAlias="self", Status=ALL_STATUSES):
                    for snapshot_id in image["snapshot_ids"]:
                        users.setdefault(snapshot_id, []).append(image["id"])
                self._snapshot_images = users
            return self._snapshot_images

    def snapshot_kept_reason(self, snapshot, deleting):
        """DescribeSnapshotsRequest.usage values (image, disk, image_disk, none) and status (accomplished); the
        DeleteSnapshot page: refused while custom images use it, and without Force while disks were made from it."""
        others = [i for i in snapshot["image_ids"] if i not in deleting]
        if others:
            return (
                "used by image(s) %s (DeleteSnapshot refuses a snapshot a custom image was made from): delete those first"
                % (", ".join(others))
            )
        if snapshot["usage"] in ("disk", "image_disk"):
            return (
                "disks were created from it (Usage %s): DeleteSnapshot would need Force, and those disks could not "
                "be re-initialized; delete it yourself if that is fine" % snapshot["usage"]
            )
        if snapshot["status"] != "accomplished":
            return "status %s: only a finished (accomplished) snapshot is deleted" % snapshot["status"]
        return None

    def delete_snapshots(self, ids):
        body = self._call("DeleteSnapshot", {"SnapshotId": ids[0]}, mutating=True, regional=False)
        return body.get("RequestId")


def profile_provider(name):
    """The SDK's provider for profile ``name`` of the aliyun CLI's ~/.aliyun/config.json, or else of
    ~/.alibabacloud/credentials (the SDK's own file)."""
    from alibabacloud_credentials import provider as providers

    home = os.path.expanduser("~")
    cli_file = os.path.join(home, ".aliyun", "config.json")
    if os.path.isfile(cli_file):
        return providers.CLIProfileCredentialsProvider(profile_name=name, profile_file=cli_file)
    return providers.ProfileCredentialsProvider(
        profile_name=name, profile_file=os.path.join(home, ".alibabacloud", "credentials")
    )


def listing_query(alias, tags):
    """The DescribeImages fields that list images of one owner alias (None: every owner) carrying ``tags``."""
    query = {"Status": ALL_STATUSES}
    if alias:
        query["ImageOwnerAlias"] = alias
    if tags:
        query["Tag"] = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    return query


def normalize(raw):
    """Alibaba Images.Image entry -> the collection's image shape."""
    tags = ((raw.get("Tags") or {}).get("Tag")) or []
    disks = ((raw.get("DiskDeviceMappings") or {}).get("DiskDeviceMapping")) or []
    image = image_fields(raw, IMAGE_KEYS, STATES)
    image.update(
        {
            "tags": dict((t.get("TagKey"), t.get("TagValue")) for t in tags),
            "snapshot_ids": [d.get("SnapshotId") for d in disks if d.get("SnapshotId")],
            "usage": raw.get("Usage"),
            "is_public": bool(raw.get("IsPublic")),
            "is_self_shared": str(raw.get("IsSelfShared")).lower() == "true",
            "is_copied": bool(raw.get("IsCopied")),
            "kind": KINDS.get(raw.get("ImageOwnerAlias"), "public"),
            "image_owner_alias": raw.get("ImageOwnerAlias"),
            "progress": raw.get("Progress"),
            "description": raw.get("Description"),
        }
    )
    return image
