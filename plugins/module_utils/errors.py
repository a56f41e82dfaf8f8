# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error taxonomy for the three clouds.

Every SDK failure becomes a :class:`CloudError` that carries a cloud-neutral ``category``
beside the cloud's native ``code``, ``message``, ``request_id`` and ``http_status``.
The per-cloud tables below are the only place that knows native codes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOT_FOUND = "not_found"
MALFORMED_ID = "malformed_id"
IN_USE = "in_use"
SHARED = "shared"
PUBLIC = "public"
BUSY = "busy"
INVALID_STATE = "invalid_state"
REFERENCED = "referenced"
THROTTLED = "throttled"
AUTH_FAILED = "auth_failed"
FORBIDDEN = "forbidden"
LIMIT_EXCEEDED = "limit_exceeded"
INVALID_PARAMETER = "invalid_parameter"
TRANSIENT = "transient"
UNKNOWN = "unknown"

CATEGORIES = (
    NOT_FOUND, MALFORMED_ID, IN_USE, SHARED, PUBLIC, BUSY, INVALID_STATE, REFERENCED, THROTTLED,
    AUTH_FAILED, FORBIDDEN, LIMIT_EXCEEDED, INVALID_PARAMETER, TRANSIENT, UNKNOWN,
)

# Retried with backoff. Authentication and permission errors never are.
RETRYABLE = frozenset([THROTTLED, TRANSIENT])

# Categories that mean "this image cannot be deleted as it is": a pre-flight block.
IMAGE_BLOCKS = frozenset([IN_USE, SHARED, PUBLIC, BUSY, INVALID_STATE, REFERENCED, FORBIDDEN])

# Retryable codes that, once retries run out, mean the image itself is blocked (as this category).
PERSISTENT_BLOCKS = {
    "MutexOperation.TaskRunning": BUSY,
}

# What a person should do about each category.
ADVICE = {
    NOT_FOUND: "check the image id and the region",
    MALFORMED_ID: "check the image id format",
    IN_USE: "delete or re-image the instances that use it first",
    SHARED: "cancel the sharing with other accounts first",
    PUBLIC: "it is public (or not your own custom image): unpublish it or leave it alone",
    BUSY: "wait for the running copy, import, export or creation to finish (or cancel it), then run again",
    INVALID_STATE: "wait until the image is in a deletable state, then run again",
    REFERENCED: "a launch template version or a scaling configuration still names it: point them at another image "
                "or delete them first, or set protect_referenced: false",
    THROTTLED: "the API kept throttling; lower max_concurrency or rate_limit, or raise retries",
    AUTH_FAILED: "check access_key, secret_key and security_token (an expired STS token fails this way), profile and assume_role",
    FORBIDDEN: "the credentials lack permission for this image or action: check the account's policies",
    LIMIT_EXCEEDED: "send fewer ids per call (lower batch_size)",
    INVALID_PARAMETER: "check the module options",
    TRANSIENT: "the cloud or the network failed repeatedly; run again later, or raise retries/timeout",
    UNKNOWN: "see the cloud's error code and request id",
}

# Native code -> category, one table per cloud. Prefix entries end with '*'.
TENCENT_CODES = {
    "InvalidImageId.NotFound": NOT_FOUND,
    "InvalidImageId.Malformed": MALFORMED_ID,
    "InvalidImageId.InShared": SHARED,
    "InvalidImageId.IncorrectState": INVALID_STATE,
    "FailedOperation.InvalidImageState": INVALID_STATE,
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
    "MutexOperation.TaskRunning": TRANSIENT,
    "UnauthorizedOperation.ImageNotBelongToAccount": FORBIDDEN,
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

ALIYUN_CODES = {
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

# Huawei IMS / API gateway codes (IMS error-code list; see docs/emulator.md for each one's meaning).
HUAWEI_CODES = {
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

# When a code is not in the table, the HTTP status decides. A 404 is not among them: only a cloud's documented
# image-not-found code may mean "already absent" (a wrong endpoint or API name answers 404 too).
STATUS_CATEGORIES = {
    401: AUTH_FAILED,
    403: FORBIDDEN,
    409: INVALID_STATE,
    429: THROTTLED,
}

CODE_TABLES = {"tencent": TENCENT_CODES, "aliyun": ALIYUN_CODES, "huawei": HUAWEI_CODES}


def classify(cloud, code, http_status=None):
    """Return the category of a native error ``code`` (and HTTP status) of ``cloud``."""
    table = CODE_TABLES[cloud]
    code = code or ""
    if code in table:
        return table[code]
    best = ""
    for key in table:
        if key.endswith("*") and code.startswith(key[:-1]) and len(key) > len(best):
            best = key
    if best:
        return table[best]
    if http_status in STATUS_CATEGORIES:
        return STATUS_CATEGORIES[http_status]
    if http_status is not None and http_status >= 500:
        return TRANSIENT
    return UNKNOWN


class CloudError(Exception):
    """A failed cloud call, in the collection's taxonomy."""

    def __init__(self, category, message, code=None, request_id=None, http_status=None, image_id=None):
        super(CloudError, self).__init__(message)
        self.category = category
        self.message = message
        self.code = code
        self.request_id = request_id or None
        self.http_status = http_status
        self.image_id = image_id
        # Set by the retry loop of a delete: an earlier attempt may have reached the cloud (timeout, dropped
        # connection, 5xx) before this error, so the images may be gone because of this very call.
        self.after_transient = False

    @property
    def retryable(self):
        return self.category in RETRYABLE

    @property
    def blocks_image(self):
        """The category under which this error blocks its image, or None when it is not about one image."""
        if self.category in IMAGE_BLOCKS:
            return self.category
        return PERSISTENT_BLOCKS.get(self.code)

    def as_dict(self):
        """The ``error`` return value."""
        return {
            "category": self.category,
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "http_status": self.http_status,
        }

    def describe(self):
        """One line for a person: the cloud's words, code and request id, then what to do."""
        parts = [self.message or self.category]
        details = []
        if self.code:
            details.append("code %s" % self.code)
        if self.http_status:
            details.append("HTTP %s" % self.http_status)
        if self.request_id:
            details.append("request id %s" % self.request_id)
        if details:
            parts.append("(%s)" % ", ".join(details))
        return "%s: %s" % (" ".join(parts), ADVICE.get(self.category, ADVICE[UNKNOWN]))

    def __str__(self):
        return self.describe()


class ConfigurationError(Exception):
    """Bad options or environment, found before any API call; ``category``: invalid_parameter, or auth_failed when
    no credentials can be found."""

    def __init__(self, message, category=INVALID_PARAMETER):
        super(ConfigurationError, self).__init__(message)
        self.category = category
