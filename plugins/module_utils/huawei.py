# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud IMS adapter (native OpenStack API: GET/DELETE /v2/images/{id}, GET /v2/cloudimages),
through huaweicloudsdkims."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import warnings

from .adapter import ImageAdapter, exactly_named, image_fields, named_or_all, role_error
from .errors import (
    AUTH_FAILED,
    BUSY,
    FORBIDDEN,
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
    ConfigurationError,
)
from .references import SCALING_CONFIGURATION, SERVER, SHOWN, Read, pages, reference

# The image statuses IMS documents (ListImagesRequest.status: queued, saving, deleted, killed, active); another one is
# kept as the cloud gives it (lower-cased).
STATES = {
    "active": "available",
    "queued": "creating",
    "saving": "creating",
    "killed": "failed",
    "deleted": "deleted",
}
# Where the fields every cloud has stand in a Glance/IMS image (the architecture is read from two fields).
IMAGE_KEYS = {
    "id": "id",
    "name": "name",
    "state": "status",
    "created_at": "created_at",
    "size_gb": "min_disk",
    "os_name": "__os_version",
    "platform": "__platform",
}
# What another project's image is to this one; the project's own images (owner = this project) are "private".
OTHERS_KINDS = {"private": "shared", "shared": "shared", "gold": "public", "market": "public"}
# Up to this many ids are looked up one GET each; more are found by listing the account's private images.
SINGLE_LOOKUPS = 3
PAGE_SIZE = 100
# describe (resolve and wait) pages by IMS's own default page size: most waits are then one page, with no marker that
# can vanish while the listed images are being deleted (ListImagesRequest: limit defaults to 500).
DESCRIBE_PAGE_SIZE = 500
MAX_PAGES = 10000
MARKER_RESTARTS = 3
MARKER_FALLBACKS = 5
# A listing for ids whose creation times are known starts this long before the oldest of them (created_at=gte:...),
# so that a cloud reading the time in another zone still lists them all.
CREATED_AT_MARGIN = datetime.timedelta(days=1)
# AS ListScalingConfigs: limit 0-100, default 20, start_number from 0 (ListScalingConfigsRequest; AS API "Querying AS
# Configurations"). ECS ListServersDetails (/v1/{project_id}/cloudservers/detail): limit up to 1000, offset is a page
# number from 1 (ListServersDetailsRequest). The native /v2.1 servers/detail has an image filter but "no paging or
# other filters", so it would cost one call per image: the paged listing costs pages of servers, whatever the images.
AS_PAGE = 100
SERVER_PAGE = 1000

# Native code -> category (errors.classify; prefix entries end with '*').
ERROR_CODES = {
    "IMG.0027": NOT_FOUND,
    "IMG.0066": MALFORMED_ID,
    "IMG.0090": BUSY,
    "IMG.0091": INVALID_STATE,
    "IMG.0092": FORBIDDEN,
    "IMG.0093": PUBLIC,
    "IMG.0094": PUBLIC,
    "IMG.0001": INVALID_PARAMETER,
    "IMG.0061": TRANSIENT,
    "APIGW.0101": INVALID_PARAMETER,
    "APIGW.0301": AUTH_FAILED,
    "APIGW.0303": AUTH_FAILED,
    "APIGW.0305": AUTH_FAILED,
    "APIGW.0302": FORBIDDEN,
    "APIGW.0306": FORBIDDEN,
    "APIGW.0308": THROTTLED,
}


class HuaweiAdapter(ImageAdapter):
    cloud = "huawei"
    error_codes = ERROR_CODES
    sdk_loggers = ("HuaweiCloud-SDK", "huaweicloudsdkcore")
    id_pattern = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    id_format = "a UUID such as 4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90"
    # One "describe" lists the account's private images page by page, whatever the number of ids.
    describe_batch_size = 100000
    multi_id_delete = False
    supports_dry_run = False  # IMS has no dry run: check mode predicts from reads.
    default_rate_limit = 20.0
    default_endpoint = "https://ims.{region}.myhuaweicloud.com"
    aliases = {"access_key": ["ak"], "secret_key": ["sk"], "security_token": ["session_token"]}
    env = {
        "access_key": ["HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"],
        "secret_key": ["HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"],
        "security_token": ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"],
        "region": ["HUAWEICLOUD_SDK_REGION", "HW_REGION_NAME"],
        "project_id": ["HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"],
        "iam_endpoint": ["HUAWEICLOUD_SDK_IAM_ENDPOINT"],
        "profile": ["HW_PROFILE"],
    }
    # IAM CreateTemporaryAccessKeyByAgency (https://support.huaweicloud.com/intl/en-us/api-iam/iam_04_0101.html).
    assume_role_options = {
        "agency_name": {"type": "str"},
        "domain_name": {"type": "str"},
        "domain_id": {"type": "str"},
        "duration": {"type": "int"},
    }
    assume_role_env = {
        "agency_name": ["HW_ASSUME_ROLE_AGENCY_NAME"],
        "domain_name": ["HW_ASSUME_ROLE_DOMAIN_NAME"],
        "duration": ["HW_ASSUME_ROLE_DURATION"],
    }
    assume_role_required = ("agency_name",)
    duration_range = (900, 86400)
    service_endpoint_names = ("as", "ecs")
    # The services' regional endpoints (huaweicloudsdkas as_region.py, huaweicloudsdkecs ecs_region.py).
    default_service_endpoints = {
        "as": "https://as.{region}.myhuaweicloud.com",
        "ecs": "https://ecs.{region}.myhuaweicloud.com",
    }
    # KooCLI's ~/.hcloud/config.json has no documented format, and the SDK's credentials file has no named profiles.
    supports_profile = False
    extra_options = {"project_id": {"type": "str"}, "iam_endpoint": {"type": "str"}}
    # With empty ak/sk the SDK asks the instance metadata service: never let that happen by accident.
    has_credential_chain = False
    # Options of huawei_image only.
    delete_options = {"delete_backups": {"type": "bool", "default": False}}

    def build_client(self):
        from huaweicloudsdkcore.http.http_handler import HttpHandler
        from huaweicloudsdkims.v2 import ImsClient

        s = self.settings
        config = self.http_config()
        credentials = self.credentials()
        # X-Request-Id is a response header only: keep the last one per thread for request_ids.
        handler = HttpHandler().add_response_handler(self._remember_request_id)
        client = (
            ImsClient.new_builder()
            .with_http_config(config)
            .with_credentials(credentials)
            .with_http_handler(handler)
            .with_endpoints(["%s://%s" % (s["scheme"], s["host"])])
            .build()
        )
        if not s.get("project_id"):
            # Ask IAM for the project of the region (GET /v3/projects?name=REGION).
            credentials = self.retrying(
                "KeystoneListProjects", lambda: credentials.process_auth_params(client.get_http_client(), s["region"])
            )
            client.with_credentials(credentials)
        self.project_id = credentials.project_id
        return client

    @classmethod
    def settings_warnings(cls, settings):
        """With endpoint and project_id both given, region chooses neither (signing does not use it): say so when the
        endpoint's host does not name the region. IP addresses (test or private endpoints) are not checked."""
        host = re.sub(r":[0-9]+$", "", settings.get("host") or "").strip("[]").lower()
        region = settings.get("region")
        if not (region and settings.get("endpoint") and settings.get("project_id")) or region.lower() in host:
            return []
        if re.match(r"^[0-9.]+$|^[0-9a-f]*:[0-9a-f:.]*$", host):
            return []
        return [
            "region %s is not used for the image calls: endpoint and project_id are both set, so the images are "
            "those of project %s at %s, whatever region that is. The endpoint's host does not name region %s "
            "(a public IMS endpoint is ims.%s.myhuaweicloud.com): check endpoint, project_id and region."
            % (region, settings["project_id"], host, region, region)
        ]

    @classmethod
    def check_assume_role(cls, role):
        role = super(HuaweiAdapter, cls).check_assume_role(role)
        if not role.get("domain_name") and not role.get("domain_id"):
            raise ConfigurationError(
                "assume_role needs domain_name or domain_id: the account that owns agency %s" % role["agency_name"]
            )
        return role

    def make_credentials(self):
        """The base keys, or temporary keys of the agency that the SDK refreshes before they expire."""
        from huaweicloudsdkcore.auth.credentials import BasicCredentials

        s = self.settings
        role = s.get("assume_role")
        if not role:
            credentials = BasicCredentials(s["access_key"], s["secret_key"], s.get("project_id"))
            credentials.with_security_token(s.get("security_token"))
        else:
            credentials = agency_credentials(self, role)
        if s.get("iam_endpoint"):
            credentials = credentials.with_iam_endpoint(s["iam_endpoint"])
        return credentials

    def http_config(self):
        from huaweicloudsdkcore.http.http_config import HttpConfig

        s = self.settings
        config = HttpConfig.get_default_config()
        config.ignore_ssl_verification = not s.get("validate_certs", True)
        if s.get("ca_path"):
            config.ssl_ca_cert = s["ca_path"]
        timeout = s.get("timeout") or 30
        config.timeout = (timeout, timeout)
        # The SDK retries 429 itself with no backoff (HttpConfig.retry_times): our retry policy does it instead.
        config.retry_times = 0
        return config

    def invoke(self, action, func, image_id=None, mutating=False, deletes=False):
        # The SDK marks its native OpenStack (glance_*) methods deprecated; this collection uses exactly that API.
        def quiet(client):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return func(client)

        return super(HuaweiAdapter, self).invoke(action, quiet, image_id=image_id, mutating=mutating, deletes=deletes)

    def __init__(self, settings, **kwargs):
        super(HuaweiAdapter, self).__init__(settings, **kwargs)
        self._created = {}  # id -> created_at of the project's own images seen by this task
        self._time_filter_trusted = True  # until a listing shows that created_at=gte: is read otherwise
        # The project the calls are made in (project_id, or IAM's answer for the region): an image is the
        # project's own when its `owner` is this project.
        self.project_id = settings.get("project_id")

    def own(self):
        """ListImages fields that select the project's own images. Not __imagetype=private: "the __imagetype of
        images you share with other tenants ... is shared. You can use field owner to distinguish" (IMS ListImages)."""
        self.client()
        return {"owner": self.project_id}

    def normalize(self, raw):
        return self._remember(normalize(raw, self.project_id))

    def _remember(self, image):
        """Note an own image's creation time: later listings for it can be bounded by it."""
        if image and image.get("kind") == "private" and image.get("created_at"):
            self._created[image["id"]] = image["created_at"]
        return image

    def _listing_since(self, ids):
        """``gte:<time>`` one margin before the oldest of ``ids``, or None when one of them was never seen."""
        known = [self._created.get(i) for i in ids]
        if not all(known):
            return None
        try:
            oldest = datetime.datetime.strptime(min(known), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return None
        return "gte:" + (oldest - CREATED_AT_MARGIN).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _remember_request_id(self, **kwargs):
        response = kwargs.get("response")
        if response is not None:
            self._local.request_id = response.headers.get("X-Request-Id")

    def translate(self, exc, action, image_id=None):
        from huaweicloudsdkcore.exceptions import exceptions

        if isinstance(exc, exceptions.ServiceResponseException):
            code = exc.error_code or str(exc.status_code)
            return self.cloud_error(
                code, exc.error_msg or code, request_id=exc.request_id, http_status=exc.status_code, image_id=image_id
            )
        if isinstance(exc, exceptions.ConnectionException):
            return self.network_error(exc.error_msg, action, image_id)
        if isinstance(exc, exceptions.SdkException):
            message = str(exc.error_msg)
            if "confirm that the project exists" in message.lower():
                # The SDK's words when IAM lists no project of that name (an IAM error is wrapped otherwise).
                return CloudError(
                    INVALID_PARAMETER,
                    "region %r: IAM knows no project of that name in this account: "
                    "check the region option (or set project_id)" % self.settings["region"],
                    code="UnknownRegion",
                )
            if "project id" in message.lower():
                return CloudError(
                    AUTH_FAILED,
                    "could not find the project of region %s through IAM: set "
                    "project_id (or HUAWEICLOUD_SDK_PROJECT_ID), or iam_endpoint (%s)"
                    % (self.settings["region"], message),
                    code="ProjectIdLookup",
                )
            return CloudError(UNKNOWN, message, code=type(exc).__name__)
        return None

    # -- reads -----------------------------------------------------------------------------
    def show(self, image_id):
        """GET /v2/images/{id}: the image, or None when it does not exist for this project."""
        from huaweicloudsdkims.v2 import GlanceShowImageRequest

        try:
            raw = self.invoke(
                "GlanceShowImage",
                lambda c: c.glance_show_image(GlanceShowImageRequest(image_id=image_id)).to_json_object(),
                image_id=image_id,
            )
        except CloudError as error:
            if error.category == NOT_FOUND:
                return None
            raise
        return self.normalize(raw or {})

    def _page(self, page_size, marker, fields):
        """One ListImages page: (its raw images, the marker of the next page or None after the last page).

        The next marker is the answer's ``page_info.next_marker`` (ListImagesResponse, "an image id"); an answer
        without page_info (the Glance shape) is paged by its last id, and a short page is the last one."""
        from huaweicloudsdkims.v2 import ListImagesRequest

        request = ListImagesRequest(limit=page_size, marker=marker, **fields)
        body = self.invoke("ListImages", lambda c: c.list_images(request).to_json_object()) or {}
        page = body.get("images") or []
        if marker is not None and not page:
            # After a marker an empty page may mean that the marker image has vanished (IMS documents no answer
            # for an unknown marker): the caller goes on from an earlier image, which costs one more page at most.
            raise CloudError(INVALID_PARAMETER, "an empty page after marker %s" % marker, code="EmptyPageAfterMarker")
        if isinstance(body.get("page_info"), dict):
            return page, body["page_info"].get("next_marker") or None
        return page, (page[-1].get("id") if len(page) >= page_size else None)

    def _list_pages(self, until=None, page_size=PAGE_SIZE, **fields):
        """Every image the listing returns, page by page; with ``until`` (a set of ids), it stops as soon as all of
        them have been seen.

        An image deleted between two pages can make its id an unknown marker (an error, or an empty page). The
        listing then goes on from an earlier image of it that is still there: up to MARKER_FALLBACKS of them are
        tried, nearest first, images outside ``until`` (which nobody here is deleting) before the others. Only when
        none works does the listing start again from the first page, at most MARKER_RESTARTS times.
        """
        failure = None
        for dummy_restart in range(MARKER_RESTARTS + 1):
            images, failure = self._walk_pages(until, page_size, fields)
            if failure is None:
                return list(images.values())
        raise failure

    def _walk_pages(self, until, page_size, fields):
        """One walk through the listing from its first page (at most MAX_PAGES calls): ({id: image}, None), or
        (what was listed, the marker's error) when a marker vanished and none of the images before it could stand in
        for it."""
        images, marker, fallbacks = {}, None, None
        for dummy_page in range(MAX_PAGES):
            try:
                page, following = self._page(page_size, marker, fields)
            except CloudError as error:
                if not marker_vanished(error, marker):
                    raise
                fallbacks = fallbacks or iter(fallback_markers(list(images), marker, until or ()))
                marker = next(fallbacks, None)
                if marker is None:
                    return images, error
                continue
            for raw in page:
                images.setdefault(raw.get("id"), self.normalize(raw))
            if following is None or seen_all(until, images):
                return images, None
            marker, fallbacks = following, None
        return images, None

    def describe(self, ids):
        """The images among ``ids`` that exist. A few ids are looked up one by one; more are found in one listing of
        the project's own images, and those it does not list are looked for among the images shared with it."""
        if len(ids) <= SINGLE_LOOKUPS:
            return by_id(self._shown(ids))
        found = self._listed_own(ids)
        # An id seen earlier as an own image of this project and no longer listed is gone: no need to look further.
        found.update(self._not_own([i for i in ids if i not in found and i not in self._created]))
        return found

    def _shown(self, ids):
        """GlanceShowImage for each id: the images that exist, in the order of ``ids``."""
        return [image for image in (self.show(i) for i in ids) if image]

    def _listed_own(self, ids):
        """{id: image} for the ids among the project's own images, listed until all of them are seen.

        The wait polls images this task has seen: the listing then covers only images created since the oldest of
        them (IMS ListImages documents created_at=gte:<UTC time>), not the whole account, as long as the cloud reads
        the filter as its operator says (``_time_filter_holds``); else the whole project is listed."""
        fields = self.own()
        wanted = set(ids)
        since = self._listing_since(ids) if self._time_filter_trusted else None
        if since:
            listed = self._list_pages(until=wanted, page_size=DESCRIBE_PAGE_SIZE, created_at=since, **fields)
            if self._time_filter_holds(listed, since, wanted):
                return by_id(image for image in listed if image["id"] in wanted)
        found = self._listed_among(ids, until=wanted, **fields)
        if since and found:
            # The bounded listing missed images the whole one shows: the filter is not read as documented (the
            # ListImagesRequest docstring's own example reads gt as "before"). No more bounded listings in this task.
            self._time_filter_trusted = False
        return found

    @staticmethod
    def _time_filter_holds(listed, since, wanted):
        """Whether a created_at=gte:<since> listing can be taken as it is: every image it shows is that recent, and it
        shows at least one of the ``wanted`` ids (when it shows none, a listing of the whole project decides)."""
        since = since.split(":", 1)[1]
        if any(image.get("created_at") and image["created_at"] < since for image in listed):
            return False
        return any(image["id"] in wanted for image in listed)

    def _not_own(self, ids):
        """{id: image} for ``ids`` that are not the project's own images but may exist as shared or public images.
        A few are looked up one by one; more are looked for in one listing of the images shared with the project
        (public images are too many to list: such ids are then reported absent, never deleted)."""
        if len(ids) <= SINGLE_LOOKUPS:
            return by_id(self._shown(ids))
        return self._listed_among(ids, imagetype="shared")

    def _listed_among(self, ids, until=None, **fields):
        """{id: image} for the images among ``ids`` that the listing with ``fields`` returns (describe's page size)."""
        wanted = set(ids)
        listed = self._list_pages(until=until, page_size=DESCRIBE_PAGE_SIZE, **fields)
        return by_id(image for image in listed if image["id"] in wanted)

    def find_by_names(self, names):
        return exactly_named(names, self._list_pages, "name", **self.own())

    def list_images(self, image_ids=None, names=None, image_type="private", tags=None):
        # The caller (the info module) keeps the ones of the asked type and tags; the ids come to it unique.
        if image_ids:
            return self._shown(image_ids)
        return [
            image
            for fields in self._selections(image_type)
            for image in named_or_all(names, self._list_pages, "name", **fields)
        ]

    def _selections(self, image_type):
        """The ListImages fields of each listing that makes up ``image_type`` (the info modules' option)."""
        if image_type == "private":
            return [self.own()]
        return {
            "shared": [{"imagetype": "shared"}],
            "public": [{"imagetype": "gold"}, {"imagetype": "market"}],
            "all": [{}],
        }[image_type]

    # -- decisions and deletes ---------------------------------------------------------------
    def block_for(self, image, options):
        label = "image %s (%s)" % (image["id"], image.get("name"))
        image_type = image.get("image_type")
        if image_type in ("gold", "market"):
            return (PUBLIC, image_type, "%s is a %s image, not a private image of this account" % (label, image_type))
        if image.get("kind") != "private":
            return (
                FORBIDDEN,
                image_type or "owner",
                "%s belongs to another project (owner %s) that shares it with "
                "this one: only its owner can delete it" % (label, image.get("owner")),
            )
        if image.get("protected"):
            return (
                INVALID_STATE,
                "protected",
                "%s is protected against deletion: set protected to false first" % label,
            )
        if image.get("native_state") in ("queued", "saving"):
            return (
                BUSY,
                image.get("native_state"),
                "%s is being created or imported (status %s): wait for it "
                "to become active" % (label, image.get("native_state")),
            )
        return None

    def lookup_blocks(self, images, options, parallel):
        # IMS deletes a shared image without asking ("Other shared images can be deleted anytime without notifying
        # the recipients": IMS API reference, Restrictions on Image Sharing): read each candidate's members.
        blocks = super(HuaweiAdapter, self).lookup_blocks(images, options, parallel)
        found = self.raise_first(parallel(self.members_block, [i for i in images if i["id"] not in blocks]))
        blocks.update((image["id"], block) for image, block in found if block)
        return blocks

    def service_client(self, service):
        """The AS or ECS client at service_endpoints.<service>, one per thread, in the image client's project."""
        clients = self._local.__dict__.setdefault("services", {})
        if service not in clients:
            if service == "as":
                from huaweicloudsdkas.v1 import AsClient as Client
            else:
                from huaweicloudsdkecs.v2 import EcsClient as Client
            self.client()  # the project id (IAM's answer for the region when not given)
            scheme, host = self.settings["service_endpoints"][service]
            credentials = self.credentials()
            if not credentials.project_id:
                credentials.project_id = self.project_id
            clients[service] = (
                Client.new_builder()
                .with_http_config(self.http_config())
                .with_credentials(credentials)
                .with_endpoints(["%s://%s" % (scheme, host)])
                .build()
            )
        return clients[service]

    def reference_reads(self):
        return [
            Read("as:scalingConfig:list", self._scaling_configurations),
            Read("ecs:cloudServers:list", self._servers),
        ]

    def _scaling_configurations(self):
        from huaweicloudsdkas.v1 import ListScalingConfigsRequest

        def fetch(seen, dummy_index):
            request = ListScalingConfigsRequest(start_number=seen, limit=AS_PAGE)
            body = (
                self.invoke(
                    "ListScalingConfigs",
                    lambda c: self.service_client("as").list_scaling_configs(request).to_json_object(),
                )
                or {}
            )
            return body.get("scaling_configurations") or [], body.get("total_number")

        configurations = pages(fetch)
        return [
            reference(
                (c.get("instance_config") or {}).get("imageRef"),
                SCALING_CONFIGURATION,
                c.get("scaling_configuration_id"),
                c.get("scaling_configuration_name"),
                group=c.get("scaling_group_id"),
            )
            for c in configurations
        ], []

    def _servers(self):
        from huaweicloudsdkecs.v2 import ListServersDetailsRequest

        def fetch(dummy_seen, index):
            request = ListServersDetailsRequest(offset=index + 1, limit=SERVER_PAGE)
            body = (
                self.invoke(
                    "ListServersDetails",
                    lambda c: self.service_client("ecs").list_servers_details(request).to_json_object(),
                )
                or {}
            )
            return body.get("servers") or [], body.get("count")

        servers = pages(fetch)
        return [reference((s.get("image") or {}).get("id"), SERVER, s.get("id"), s.get("name")) for s in servers], []

    def members_block(self, image):
        """GET /v2/images/{id}/members (GlanceListImageMembers): any member, whatever its status, blocks the image
        (a rejected member can still create servers from it: IMS GlanceShowImageMember). An image gone meanwhile has
        none: its delete then finds it absent."""
        from huaweicloudsdkims.v2 import GlanceListImageMembersRequest

        image_id = image["id"]
        try:
            body = (
                self.invoke(
                    "GlanceListImageMembers",
                    lambda c: c.glance_list_image_members(
                        GlanceListImageMembersRequest(image_id=image_id)
                    ).to_json_object(),
                    image_id=image_id,
                )
                or {}
            )
        except CloudError as error:
            if error.category == NOT_FOUND:
                return None
            raise
        members = [m.get("member_id") for m in body.get("members") or [] if m.get("member_id")]
        if not members:
            return None
        shown = ", ".join(members[:SHOWN]) + (" and %d more" % (len(members) - SHOWN) if len(members) > SHOWN else "")
        return (
            SHARED,
            "members",
            "image %s (%s) is shared with %d project(s) (%s), and IMS deletes a shared image "
            "without telling them: remove its members first (IMS BatchDeleteMembers or the console)"
            % (image_id, image.get("name"), len(members), shown),
        )

    def delete(self, ids, options, dry_run=False):
        from huaweicloudsdkims.v2 import GlanceDeleteImageRequest, GlanceDeleteImageRequestBody

        image_id = ids[0]
        if dry_run:
            raise CloudError(INVALID_PARAMETER, "IMS has no dry run", code="NoDryRun")
        request = GlanceDeleteImageRequest(
            image_id=image_id, body=GlanceDeleteImageRequestBody(delete_backup=bool(options.get("delete_backups")))
        )

        def send(client):
            self._local.request_id = None
            client.glance_delete_image(request)
            return self._local.request_id

        return self.invoke("GlanceDeleteImage", send, image_id=image_id, mutating=True, deletes=True)


def marker_vanished(error, marker):
    """Whether ``error`` answered a page asked after ``marker`` as if the marker image were gone (an unknown marker
    is a bad parameter or not found; IMS documents neither)."""
    return marker is not None and error.category in (INVALID_PARAMETER, NOT_FOUND)


def seen_all(until, images):
    """Whether the listing has seen every id of ``until`` (None: it lists everything) among ``images`` so far."""
    return bool(until) and until.issubset(images)


def by_id(images):
    """{id: image} for ``images``."""
    return dict((image["id"], image) for image in images)


def fallback_markers(order, marker, pending):
    """Markers to go on from when ``marker`` has vanished: the images listed before it, nearest first, those not
    in ``pending`` (not being deleted by this task) before the others; at most MARKER_FALLBACKS."""
    earlier = list(reversed(order[: order.index(marker)])) if marker in order else []
    stable = [i for i in earlier if i not in pending]
    going = [i for i in earlier if i in pending]
    return (stable + going)[:MARKER_FALLBACKS]


def normalize(raw, project_id=None):
    """Glance/IMS image -> the collection's image shape; ``project_id``: the project whose own images are private."""
    tags = {}
    for tag in raw.get("tags") or []:
        # Tags are "Key=Value" or, as stored before IMS upgraded its tags, "Key.Value" (IMS ListImages, tag); a key
        # holds neither "=" nor "." (GlanceCreateTagRequest.tag).
        key, dummy, value = str(tag).partition("=" if "=" in str(tag) else ".")
        tags[key] = value
    image = image_fields(raw, IMAGE_KEYS, STATES)
    image.update(
        {
            "architecture": raw.get("__os_bit") and ("x86_64" if raw.get("__support_arm") != "true" else "arm64"),
            "tags": tags,
            "backup_ids": [raw["__backup_id"]] if raw.get("__backup_id") else [],
            "snapshot_ids": [],
            "kind": "private"
            if project_id and raw.get("owner") == project_id
            else OTHERS_KINDS.get(raw.get("__imagetype"), "public"),
            "image_type": raw.get("__imagetype"),
            "owner": raw.get("owner"),
            "visibility": raw.get("visibility"),
            "whole_image": str(raw.get("__whole_image")).lower() == "true",
            "protected": raw.get("protected"),
            "description": raw.get("__description"),
        }
    )
    return image


IAM_ENDPOINT = "https://iam.myhuaweicloud.com"


def agency_credentials(adapter, role):
    """BasicCredentials whose keys come from IAM CreateTemporaryAccessKeyByAgency (huaweicloudsdkiam), called with
    the base keys through the SDK core's own STS hook (sts_accessor), which asks again before the keys expire."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.auth.internal import StsAccessor
    from huaweicloudsdkcore.exceptions import exceptions
    from huaweicloudsdkiam.v3 import IamClient, model

    s = adapter.settings
    base = BasicCredentials(s["access_key"], s["secret_key"]).with_security_token(s.get("security_token"))
    iam = (
        IamClient.new_builder()
        .with_http_config(adapter.http_config())
        .with_credentials(base)
        .with_endpoints([s.get("iam_endpoint") or IAM_ENDPOINT])
        .build()
    )
    duration = role.get("duration") or 3600

    class AgencyAccessor(StsAccessor):
        def get_credential(self, *args, **kwargs):
            assume = model.IdentityAssumerole(
                agency_name=role["agency_name"],
                domain_id=role.get("domain_id"),
                domain_name=role.get("domain_name"),
                duration_seconds=duration,
            )
            body = model.CreateTemporaryAccessKeyByAgencyRequestBody(
                auth=model.AgencyAuth(identity=model.AgencyAuthIdentity(methods=["assume_role"], assume_role=assume))
            )
            try:
                answer = iam.create_temporary_access_key_by_agency(
                    model.CreateTemporaryAccessKeyByAgencyRequest(body=body)
                )
            except exceptions.ServiceResponseException as exc:
                agency = "agency %s of %s" % (role["agency_name"], role.get("domain_name") or role.get("domain_id"))
                raise role_error(
                    ERROR_CODES,
                    agency,
                    exc.error_code or str(exc.status_code),
                    exc.error_msg or exc.status_code,
                    exc.request_id,
                    exc.status_code,
                )
            return self._process_credential(answer.to_json_object())

    credentials = BasicCredentials(project_id=s.get("project_id"))
    # Ask again a tenth of the keys' life before they expire (the SDK's default, 40 minutes, exceeds the shortest).
    credentials._DEFAULT_EXPIRATION_THRESHOLD_SECONDS = duration / 10.0
    credentials.sts_accessor = AgencyAccessor()
    return credentials
