# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small interface every cloud adapter implements, and what they share.

An adapter is the only code that imports a cloud SDK, and it imports it lazily (inside
:meth:`ImageAdapter.build_client`), so that a task failing argument validation never pays for
an SDK import. Adapters never import Ansible: they take plain settings and return plain dicts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import threading

from . import references
from .errors import (
    AUTH_FAILED,
    FORBIDDEN,
    INVALID_PARAMETER,
    THROTTLED,
    TRANSIENT,
    CloudError,
    ConfigurationError,
    classify,
)
from .retry import RateLimiter, RetryPolicy

# getaddrinfo's "no such name" (EAI_NONAME), as opposed to a DNS server that cannot be reached (EAI_AGAIN).
UNKNOWN_HOST = re.compile(r"Name or service not known|nodename nor servname provided|\[Errno -2\]")
# The session name of an assumed role when assume_role names none (the STS APIs ask for one).
DEFAULT_SESSION_NAME = "multicloud-images"


def parse_endpoint(endpoint, default_scheme="https"):
    """Split ``host[:port]`` or ``http(s)://host[:port][/]`` into (scheme, netloc).

    Raises ConfigurationError for anything else (a path, another scheme, spaces).
    """
    match = re.match(r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<netloc>[^/\s?#@]+)/?$", endpoint or "")
    if not match:
        raise ConfigurationError("endpoint %r is not host[:port] or http(s)://host[:port]" % (endpoint,))
    scheme = (match.group("scheme") or default_scheme).lower()
    if scheme not in ("http", "https"):
        raise ConfigurationError("endpoint %r: only http:// and https:// are supported" % (endpoint,))
    netloc = match.group("netloc")
    if not re.match(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$", netloc):
        raise ConfigurationError("endpoint %r: %r is not a host name with an optional port" % (endpoint, netloc))
    return scheme, netloc


def unique(items):
    """The items without repeats, in the order first seen."""
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def chunks(items, size):
    """``items`` in lists of at most ``size``."""
    size = max(1, int(size))
    return [items[i : i + size] for i in range(0, len(items), size)]


def exactly_named(names, listing, name_filter, **fields):
    """The images whose name is exactly one of ``names``: ``listing(**fields)`` is called for each name alone, with
    the name in the listing's ``name_filter`` field, and only exact matches are kept (a cloud's name filter may
    match more than the name)."""
    return [
        image for name in names for image in listing(**dict(fields, **{name_filter: name})) if image["name"] == name
    ]


def named_or_all(names, listing, name_filter, **fields):
    """With ``names``, the images so named (``exactly_named``); without, every image ``listing(**fields)`` returns."""
    if names:
        return exactly_named(names, listing, name_filter, **fields)
    return listing(**fields)


def role_error(error_codes, role, code, message, request_id=None, http_status=None):
    """A refused AssumeRole (or Huawei agency): ``role`` says which, in words. The refusal keeps its category when it
    is a permission, a throttle or a passing failure (so the retry policy and the advice apply); any other means the
    base credentials could not assume it: auth_failed."""
    category = classify(error_codes, code, http_status)
    if category not in (FORBIDDEN, THROTTLED, TRANSIENT):
        category = AUTH_FAILED
    return CloudError(
        category,
        "could not assume %s with the base credentials: %s" % (role, message),
        code=code,
        request_id=request_id,
        http_status=http_status,
    )


def iso_utc(value):
    """Creation times as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) whatever the cloud's format, so they sort and compare
    as strings; a value that cannot be read is returned as it is."""
    if not value or not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.match(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?([+-]\d{2}:?\d{2})?$", text)
    if not match:
        return value
    stamp = match.group(1) if len(match.group(1)) > 16 else match.group(1) + ":00"
    parsed = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S")
    offset = match.group(2)
    if offset:
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        parsed -= sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def image_fields(raw, keys, states):
    """The fields of the collection's image shape that every cloud has, from the cloud's image ``raw``: ``keys`` names
    the raw key of each field (a field without one is None, for the adapter to fill), ``states`` maps the cloud's
    state (another state is returned lower-cased), ``native_state`` keeps the cloud's own and ``created_at`` is UTC."""

    def read(field):
        return raw.get(keys[field]) if field in keys else None

    state = read("state")
    return {
        "id": read("id"),
        "name": read("name"),
        "state": states.get(state, (state or "unknown").lower()),
        "native_state": state,
        "created_at": iso_utc(read("created_at")),
        "size_gb": read("size_gb"),
        "os_name": read("os_name"),
        "architecture": read("architecture"),
        "platform": read("platform"),
    }


class ImageAdapter:
    """Base of the per-cloud adapters.

    Subclasses set the class attributes and implement ``build_client``, ``translate``,
    ``describe``, ``find_by_names``, ``list_images``, ``block_for`` and ``delete``.
    Images are plain dicts in the collection's normalized shape (see ``normalize`` in each adapter).
    """

    cloud = None
    # Native error code -> category (errors.classify; prefix entries end with '*'), and the retryable codes that, once
    # retries run out, block the image they are about (as this category).
    error_codes = {}
    persistent_blocks = {}
    # Image id format, checked before any API call.
    id_pattern = None
    id_format = None
    # Ids per describe call, and whether one delete call takes many ids.
    describe_batch_size = 100
    multi_id_delete = False
    # Whether the delete API has a DryRun that check mode and the pre-flight can use.
    supports_dry_run = False
    # The rate mutating calls start at, per second (the cloud's documented limit where it has one).
    default_rate_limit = 20.0
    # The limit the cloud documents for its delete API, calls per second: the adaptive rate never passes it.
    documented_rate_limit = None
    default_endpoint = None
    # The SDK's loggers, kept quiet (base.quiet_sdk_loggers).
    sdk_loggers = ()
    # Native option aliases and environment fallbacks, first found wins.
    aliases = {}
    env = {}
    extra_options = {}
    has_credential_chain = False
    # assume_role: its keys (argument spec entries), each key's environment variables, the keys that must be set
    # (the first one names the role), and each key's allowed range of values.
    assume_role_options = {}
    assume_role_env = {}
    assume_role_required = ()
    duration_range = (900, 43200)
    role_arn_prefix = None  # how the cloud's role ARNs begin (checked before any call)
    # service_endpoints: the services a module of this cloud may call besides the image API, and their defaults.
    service_endpoint_names = ()
    default_service_endpoints = {}
    # Whether the profile option can name a profile of the cloud's CLI.
    supports_profile = True
    # Options only this cloud's image module has (argument spec entries), and the bounds of its size options
    # ((lowest, highest, unit), checked before any call).
    delete_options = {}
    size_limits = {}
    # The option that deletes the images' snapshots with them (None: the cloud has no snapshot phase), and how
    # many snapshot ids one describe and one delete call take.
    snapshot_option = None
    snapshot_describe_batch = 100
    snapshot_delete_batch = 1

    @classmethod
    def no_credentials_message(cls, tried=None):
        """What was tried and what to set, in our words."""
        env = cls.env
        keys = "the variables %s and %s" % (
            " or ".join(env.get("access_key", [])),
            " or ".join(env.get("secret_key", [])),
        )
        if not cls.supports_profile:
            return (
                "No %s credentials found. Tried: the options access_key and secret_key, %s. Set access_key and "
                "secret_key (or those variables)." % (cls.cloud, keys)
            )
        return (
            "No %s credentials found. Tried: the options access_key and secret_key, %s, the profile option (and %s)%s. "
            "Set access_key and secret_key (or those variables), or profile."
            % (cls.cloud, keys, " or ".join(env.get("profile", [])), (", " + tried) if tried else "")
        )

    @classmethod
    def settings_warnings(cls, settings):
        """Warnings about settings that are valid but likely not what the play means (no API call)."""
        return []

    @classmethod
    def check_assume_role(cls, role):
        """The role settings with types and ranges checked (ConfigurationError otherwise)."""
        role = dict(role)
        for key in cls.assume_role_required:
            if not role.get(key):
                raise ConfigurationError("assume_role needs %s" % key)
        if cls.role_arn_prefix and not str(role.get("role_arn")).startswith(cls.role_arn_prefix):
            raise ConfigurationError(
                "assume_role role_arn %r is not a role ARN of %s (one begins with %s)"
                % (role.get("role_arn"), cls.cloud, cls.role_arn_prefix)
            )
        if role.get("duration") is not None:
            try:
                role["duration"] = int(role["duration"])
            except (TypeError, ValueError):
                raise ConfigurationError(
                    "assume_role duration must be a number of seconds, not %r" % (role["duration"],)
                )
            low, high = cls.duration_range
            if not low <= role["duration"] <= high:
                raise ConfigurationError(
                    "assume_role duration must be between %d and %d seconds on %s, not %d"
                    % (low, high, cls.cloud, role["duration"])
                )
        return role

    def __init__(self, settings, policy=None, limiter=None, rate_limit=None):
        """``settings``: the resolved connection options (settings.connection_settings). ``rate_limit``: the image
        modules' option, calls per second: the start and a ceiling; else the default start, and the documented limit."""
        self.settings = settings
        self.policy = policy or RetryPolicy(retries=settings.get("retries", 6))
        self.limiter = limiter or RateLimiter(
            rate_limit or self.default_rate_limit, ceiling=rate_limit or self.documented_rate_limit
        )
        self._local = threading.local()
        self.retry_count = 0
        self._count_lock = threading.Lock()
        self._credentials_lock = threading.Lock()
        self._credentials = None

    # -- ids -------------------------------------------------------------------------------
    @classmethod
    def bad_ids(cls, ids):
        """The ids that do not match the cloud's id format."""
        return [i for i in ids if not isinstance(i, str) or not cls.id_pattern.match(i)]

    # -- client and calls ------------------------------------------------------------------
    def client(self):
        """One SDK client per thread: the SDKs' HTTP sessions are not documented as thread-safe."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.build_client()
        return client

    def build_client(self):
        raise NotImplementedError

    def translate(self, exc, action, image_id=None):
        """Turn an SDK exception into a CloudError (None: not an SDK error, let it raise)."""
        raise NotImplementedError

    def cloud_error(self, code, message, request_id=None, http_status=None, image_id=None):
        """A CloudError for one of this cloud's native codes, classified by ``error_codes``."""
        return CloudError(
            classify(self.error_codes, code, http_status),
            message,
            code=code,
            request_id=request_id,
            http_status=http_status,
            image_id=image_id,
            persistent_block=self.persistent_blocks.get(code),
        )

    @staticmethod
    def name_image(error, ids):
        """Set ``error.image_id`` to the one image of a refused multi-id call that the cloud's message names (Tencent's
        name it); left unset when it names none or several, and the engine then bisects the batch."""
        if error.image_id is None and len(ids) > 1:
            named = [i for i in ids if i in (error.message or "")]
            if len(named) == 1:
                error.image_id = named[0]
        return error

    @staticmethod
    def delete_or_dry_run(send, dry_run):
        """``send()`` a delete or its DryRun; return its request id. A DryRun that passes may answer the error
        DryRunOperation (Alibaba's documented answer, HTTP 400; other Tencent APIs answer so too): its request id."""
        try:
            return send()
        except CloudError as error:
            if dry_run and error.code == "DryRunOperation":
                return error.request_id
            raise

    def invoke(self, action, func, image_id=None, mutating=False, deletes=False):
        """Call ``func(client)`` under the retry policy (and the rate limit when mutating).

        ``deletes``: the call deletes images. When an attempt failed in a way that may have reached the cloud
        (timeout, dropped connection, 5xx) and a retry then fails, the error is marked ``after_transient``: the
        images may be gone because of that earlier attempt (ImageDeletion.delete_all checks).
        """
        return self.retrying(action, lambda: func(self.client()), image_id=image_id, mutating=mutating, deletes=deletes)

    def retrying(self, action, thunk, image_id=None, mutating=False, deletes=False):
        """Call ``thunk()``, translating SDK exceptions and retrying the retryable ones.

        Mutating calls (deletes and their DryRuns, which the clouds count alike) pass the shared rate limiter, and
        each answer feeds it back here, the one place for every cloud: throttled, or not (any other answer got
        past the cloud's quota); a network failure says nothing about the quota.
        """
        attempts = []

        def attempt():
            ticket = self.limiter.acquire() if mutating else None
            try:
                result = thunk()
            except CloudError as error:
                attempts.append(error)
                self._feedback(ticket, error)
                raise
            except Exception as exc:  # the SDKs raise many types; translate decides
                error = self.translate(exc, action, image_id)
                if error is None:
                    raise
                self.name_region(error)
                attempts.append(error)
                self._feedback(ticket, error)
                raise error
            self.limiter.succeeded(ticket)
            return result

        try:
            return self.policy.call(attempt, on_retry=self._count_retry)
        except CloudError as error:
            if deletes and any(e.category == TRANSIENT for e in attempts[:-1]):
                error.after_transient = True
            raise

    def _feedback(self, ticket, error):
        """Tell the limiter how a rate-limited call went, from the error it ended with."""
        if error.category == THROTTLED:
            self.limiter.throttled(ticket)
        elif error.category != TRANSIENT:
            self.limiter.succeeded(ticket)

    def _count_retry(self, error, attempt, delay):
        with self._count_lock:
            self.retry_count += 1

    def name_region(self, error):
        """A region the cloud does not know: say which one. The cloud's own code says so; without an endpoint
        option, so does a default endpoint named after the region that DNS says does not exist (EAI_NONAME, not a
        temporary DNS failure)."""
        region = self.settings.get("region")
        if region and repr(region) in (error.message or ""):
            return  # named already
        if error.category == INVALID_PARAMETER and "region" in (error.code or "").lower():
            error.message = "region %r is not a region the %s API knows: check the region option (%s)" % (
                region,
                self.cloud,
                error.message,
            )
        elif (
            error.code == "NetworkError"
            and not self.settings.get("endpoint")
            and region
            and region in error.message
            and UNKNOWN_HOST.search(error.message)
        ):
            error.category, error.code = INVALID_PARAMETER, "UnknownRegion"
            error.message = "region %r is not a valid %s region: the endpoint named after it does not exist (%s)" % (
                region,
                self.cloud,
                error.message,
            )

    def credentials(self):
        """The credentials every thread's client signs with, made once (``make_credentials``)."""
        with self._credentials_lock:
            if self._credentials is None:
                self._credentials = self.make_credentials()
            return self._credentials

    def make_credentials(self):
        raise NotImplementedError

    @staticmethod
    def network_error(exc, action, image_id=None):
        """A connection failure or timeout: transient, retried. A certificate that cannot be verified is not
        transient: retrying cannot help, the CA bundle must change."""
        text = str(exc)
        if (
            "CERTIFICATE_VERIFY_FAILED" in text
            or "SSLCertVerificationError" in text
            or "certificate verify failed" in text
        ):
            return CloudError(
                INVALID_PARAMETER,
                "%s: the endpoint's TLS certificate could not be verified: set ca_path to "
                "the CA bundle that signed it (or validate_certs: false for a test endpoint)" % action,
                code="CertificateVerifyFailed",
                image_id=image_id,
            )
        return CloudError(TRANSIENT, "%s: network error: %s" % (action, exc), code="NetworkError", image_id=image_id)

    def describe_all(self, ids):
        """The images among ``ids`` that exist, as a list: ``describe`` called for each describe_batch_size ids."""
        return [image for batch in chunks(ids, self.describe_batch_size) for image in self.describe(batch).values()]

    # -- what subclasses implement ---------------------------------------------------------
    def describe(self, ids):
        """Return {id: image} for the ids that exist and are visible (at most describe_batch_size ids)."""
        raise NotImplementedError

    def find_by_names(self, names):
        """The account's own images whose name is exactly one of ``names``, in every state."""
        raise NotImplementedError

    def list_images(self, image_ids=None, names=None, image_type="private", tags=None):
        """Images for the info modules (filters applied by the cloud where it can)."""
        raise NotImplementedError

    def block_for(self, image, options):
        """Why ``image`` cannot be deleted, seen from its description: (category, code, reason) or None."""
        raise NotImplementedError

    def lookup_blocks(self, images, options, parallel):
        """Blocks that only a further documented read shows (what still refers to an image here; Huawei's image
        members, Alibaba's import and export tasks in the subclasses), for ``images`` that their description did not
        block: {id: (category, code, reason)}.

        ``parallel(func, items)`` runs ``func`` on the task's thread pool and returns [(item, result, error)].
        Raises CloudError when a read fails: the task then stops before anything is deleted."""
        if not options.get("protect_referenced", True):
            return {}
        return references.blocks(images, self.references(parallel))

    def references(self, parallel):
        """{image id: [referrer entries]}: what the region's launch templates, scaling configurations (and, on
        Huawei, servers) name, read once, paged, whatever the number of images."""
        return references.collect(self.reference_reads(), parallel)

    def reference_reads(self):
        """The first wave of reads (references.Read) that list what may name an image."""
        return []

    @staticmethod
    def raise_first(outcomes):
        """The results of ``parallel``, or its first error raised."""
        for dummy_item, dummy_result, error in outcomes:
            if error is not None:
                raise error
        return [(item, result) for item, result, dummy_error in outcomes]

    def delete(self, ids, options, dry_run=False):
        """Delete ``ids`` (one id unless multi_id_delete). Return the request id (or None)."""
        raise NotImplementedError

    # -- snapshots (clouds with a snapshot_option) ------------------------------------------
    def describe_snapshots(self, ids):
        """{id: snapshot} for the snapshot ids that exist (at most snapshot_describe_batch ids); a snapshot is a plain
        dict with at least ``id``, read by ``snapshot_kept_reason``."""
        raise NotImplementedError

    def snapshot_kept_reason(self, snapshot, deleting):
        """Why ``snapshot`` must stay although its image goes (``deleting``: ids of the images this task deletes,
        which do not count as users), in plain words; None when it can go."""
        raise NotImplementedError

    def delete_snapshots(self, ids):
        """Delete ``ids`` (at most snapshot_delete_batch). Return the request id (or None)."""
        raise NotImplementedError
