# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error taxonomy for the three clouds.

Every SDK failure becomes a :class:`CloudError` that carries a cloud-neutral ``category``
beside the cloud's native ``code``, ``message``, ``request_id`` and ``http_status``.
This module knows no cloud: each adapter holds its cloud's table of native codes (``error_codes``) and
builds its errors with :func:`classify`.
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
    NOT_FOUND,
    MALFORMED_ID,
    IN_USE,
    SHARED,
    PUBLIC,
    BUSY,
    INVALID_STATE,
    REFERENCED,
    THROTTLED,
    AUTH_FAILED,
    FORBIDDEN,
    LIMIT_EXCEEDED,
    INVALID_PARAMETER,
    TRANSIENT,
    UNKNOWN,
)

# Retried with backoff. Authentication and permission errors never are.
RETRYABLE = frozenset([THROTTLED, TRANSIENT])

# Categories that mean "this image cannot be deleted as it is": a pre-flight block.
IMAGE_BLOCKS = frozenset([IN_USE, SHARED, PUBLIC, BUSY, INVALID_STATE, REFERENCED, FORBIDDEN])

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

# When a code is not in the table, the HTTP status decides. A 404 is not among them: only a cloud's documented
# image-not-found code may mean "already absent" (a wrong endpoint or API name answers 404 too).
STATUS_CATEGORIES = {
    401: AUTH_FAILED,
    403: FORBIDDEN,
    409: INVALID_STATE,
    429: THROTTLED,
}


def classify(table, code, http_status=None):
    """The category of a native error ``code`` (and HTTP status) by a cloud's ``table`` (native code -> category,
    prefix entries end with '*'; each adapter holds its cloud's table as ``error_codes``)."""
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

    def __init__(
        self, category, message, code=None, request_id=None, http_status=None, image_id=None, persistent_block=None
    ):
        super(CloudError, self).__init__(message)
        self.category = category
        self.message = message
        self.code = code
        self.request_id = request_id or None
        self.http_status = http_status
        # The one image this error is about, when the adapter knows it (a single-image call, or a batch refused for
        # one image its message names): the engine narrows a refused batch by it.
        self.image_id = image_id
        # A retryable error that, once retries run out, blocks its image (as this category), e.g. a task in progress.
        self.persistent_block = persistent_block
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
        return self.persistent_block

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
    """Bad options or environment, found before any API call; ``category``: invalid_parameter, auth_failed when
    no credentials can be found, malformed_id for ids that are not the cloud's."""

    def __init__(self, message, category=INVALID_PARAMETER, result=None):
        super(ConfigurationError, self).__init__(message)
        self.category = category
        # Return values to fail with besides the module's defaults (e.g. ``blocked`` for malformed ids).
        self.result = result or {}
