# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one base class that owns a module's lifecycle.

It merges the shared auth/connection options with the module's own, validates input before any
API call, resolves credentials (options, then environment, then the SDK's own chain), builds the
cloud adapter lazily, runs the module's ``run()``, turns every failure into one ``fail_json`` and
exits once. Module files only declare their documentation and call ``execute()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging
import os
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback

from .adapter import parse_endpoint, unique
from .deletion import DeletionFailed, ImageDeletion, run_parallel
from .errors import AUTH_FAILED, CloudError, ConfigurationError, MALFORMED_ID, UNKNOWN


MAX_TIMEOUT = 86400
# The image modules' size options: (lowest, highest, unit). A day of waiting; 64 calls in flight; a Tencent batch
# fits one DescribeImages call (Limit at most 100: models.py DescribeImagesRequest; DeleteImages documents no maximum).
SIZE_LIMITS = {
    "wait_timeout": (1, MAX_TIMEOUT, " seconds"),
    "max_concurrency": (1, 64, ""),
    "batch_size": (1, 100, ""),
}
# Reference reads in flight at once in an info module (it has no max_concurrency option).
INFO_CONCURRENCY = 8


def auth_argument_spec(adapter_cls):
    """The connection options shared by every module of a cloud, with its aliases and env fallbacks."""
    env = adapter_cls.env
    aliases = adapter_cls.aliases

    def option(name, **spec):
        if env.get(name):
            spec["fallback"] = (env_fallback, list(env[name]))
        if aliases.get(name):
            spec["aliases"] = list(aliases[name])
        return spec

    spec = {
        "access_key": option("access_key", type="str", no_log=False),
        "secret_key": option("secret_key", type="str", no_log=True),
        "security_token": option("security_token", type="str", no_log=True),
        "region": option("region", type="str", required=True),
        "endpoint": option("endpoint", type="str"),
        "validate_certs": option("validate_certs", type="bool", default=True),
        "ca_path": option("ca_path", type="path"),
        "timeout": option("timeout", type="int", default=30),
        "retries": option("retries", type="int", default=6),
    }
    for name, extra in adapter_cls.extra_options.items():
        spec[name] = option(name, **dict(extra))
    spec["assume_role"] = {"type": "dict", "options": dict((k, dict(v)) for k, v in adapter_cls.assume_role_options.items())}
    spec["profile"] = option("profile", type="str")
    spec["service_endpoints"] = {"type": "dict", "options": dict(
        (name, {"type": "str"}) for name in adapter_cls.service_endpoint_names)}
    return spec


def first_env(names):
    """The value of the first of these environment variables that is set and not empty, or None."""
    for name in names or ():
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    return None


def either(names):
    """Variable names for a message: A or B (or - when there are none)."""
    return " or ".join(names) or "-"


def credential_settings(adapter_cls, settings):
    """Which credentials sign the calls (keys, a profile or the SDK's chain) and the role to assume with them."""
    given = [k for k in ("access_key", "secret_key") if settings.get(k)]
    check_key_pair(adapter_cls, settings, given)
    check_profile(adapter_cls, settings, given)
    if not given and not settings.get("profile") and not adapter_cls.has_credential_chain:
        raise ConfigurationError(adapter_cls.no_credentials_message(), category=AUTH_FAILED)
    return {"assume_role": assume_role_settings(adapter_cls, settings.get("assume_role"))}


def check_key_pair(adapter_cls, settings, given):
    """Both keys or neither; a token only with both."""
    if len(given) != 1 and not (settings.get("security_token") and len(given) < 2):
        return
    env = adapter_cls.env
    missing = [k for k in ("access_key", "secret_key") if not settings.get(k)]
    raise ConfigurationError(
        "Partial credentials: %s given but %s missing. Set both access_key and secret_key (environment: %s / %s)%s."
        % (", ".join(given + (["security_token"] if settings.get("security_token") else [])) or "security_token",
           " and ".join(missing), either(env.get("access_key")), either(env.get("secret_key")),
           ", or neither to use a profile or the SDK's credential chain" if adapter_cls.has_credential_chain else ""),
        category=AUTH_FAILED)


def check_profile(adapter_cls, settings, given):
    """A profile only where the cloud's CLI file is supported, and never beside keys."""
    profile = settings.get("profile")
    if not profile:
        return
    if os.sep in profile or "/" in profile or profile.startswith("."):
        raise ConfigurationError("profile %r is not a profile name (no path separators, no leading dot)" % profile)
    env = adapter_cls.env
    keys = "access_key and secret_key (or %s / %s)" % (either(env.get("access_key")), either(env.get("secret_key")))
    if not adapter_cls.supports_profile:
        raise ConfigurationError("profile %r: %s CLI profiles are not supported (no documented credentials file "
                                 "format): set %s instead" % (profile, adapter_cls.cloud, keys), category=AUTH_FAILED)
    if given:
        raise ConfigurationError("Both access keys and profile %r are set: give either %s, or profile (or %s)"
                                 % (profile, keys, either(env.get("profile"))))


def assume_role_settings(adapter_cls, given):
    """The role to assume: the option's keys, else each key's environment variables (first set wins); None when no
    role is named. Raises ConfigurationError for missing or out-of-range keys."""
    given = dict((k, v) for k, v in (given or {}).items() if v not in (None, ""))
    role = dict(given)
    if not given:
        for key, names in adapter_cls.assume_role_env.items():
            value = first_env(names)
            if value is not None:
                role[key] = value
    role_key = adapter_cls.assume_role_required[0]
    if not role.get(role_key):
        if given:
            raise ConfigurationError("assume_role needs %s" % role_key)
        return None  # a session name or duration in the environment names no role
    return adapter_cls.check_assume_role(role)


def endpoint_settings(adapter_cls, settings):
    """(scheme, host) of the image API and of each other service the module calls."""
    out = {}
    endpoint = settings.get("endpoint") or adapter_cls.default_endpoint.format(region=settings["region"])
    out["scheme"], out["host"] = parse_endpoint(endpoint)
    out["service_endpoints"] = {}
    for name, value in (settings.get("service_endpoints") or {}).items():
        if isinstance(value, str) and value.strip():
            out["service_endpoints"][name] = parse_endpoint(value.strip())
    for name, default in adapter_cls.default_service_endpoints.items():
        out["service_endpoints"].setdefault(name, parse_endpoint(default.format(region=settings["region"])))
    return out


def check_limits(settings):
    if settings.get("timeout") is not None and not 0 < settings["timeout"] <= MAX_TIMEOUT:
        raise ConfigurationError("timeout must be between 1 and %d seconds" % MAX_TIMEOUT)
    if settings.get("ca_path") and not os.access(settings["ca_path"], os.R_OK):
        raise ConfigurationError("ca_path %s is not a readable file" % settings["ca_path"])
    if settings.get("retries") is not None and settings["retries"] < 0:
        raise ConfigurationError("retries must be 0 or more")


def check_sizes(params):
    """Each size option within its own bounds (SIZE_LIMITS); raises ConfigurationError naming them."""
    for name, (low, high, unit) in SIZE_LIMITS.items():
        value = params.get(name)
        if value is not None and not low <= value <= high:
            raise ConfigurationError("%s must be between %d and %d%s, not %d" % (name, low, high, unit, value))


def quiet_sdk_loggers():
    """The SDKs log through handler-less loggers; keep module stdout/stderr clean (and secret-free)."""
    for name in ("tencentcloud_sdk_common", "HuaweiCloud-SDK", "huaweicloudsdkcore", "alibabacloud_credentials"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


class CloudModule:
    """Lifecycle of one module run on one cloud. Subclasses set ``module_spec`` and write ``run()``."""

    module_spec = {}
    module_kwargs = {}

    def __init__(self, adapter_cls):
        self.adapter_cls = adapter_cls
        spec = auth_argument_spec(adapter_cls)
        spec.update(self.module_spec)
        spec.update(self.cloud_spec(adapter_cls))
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self.settings = None
        self._adapter = None

    # -- settings --------------------------------------------------------------------------
    def connection_settings(self):
        """Plain connection settings for the adapter; raises ConfigurationError before any call."""
        p = self.params
        settings = dict((k, p.get(k)) for k in auth_argument_spec(self.adapter_cls))
        for name in ("access_key", "secret_key", "security_token", "region", "endpoint", "ca_path", "profile"):
            if isinstance(settings.get(name), str):
                settings[name] = settings[name].strip() or None
        if not settings.get("region"):
            raise ConfigurationError("region is required: set the region option or %s"
                                     % " / ".join(self.adapter_cls.env.get("region", [])))
        settings.update(credential_settings(self.adapter_cls, settings))
        settings.update(endpoint_settings(self.adapter_cls, settings))
        check_limits(settings)
        for warning in self.adapter_cls.settings_warnings(settings):
            self.module.warn(warning)
        if not settings.get("validate_certs") and settings["scheme"] == "https":
            self.module.warn("validate_certs is false: the %s endpoint's TLS certificate is not checked."
                             % self.adapter_cls.cloud)
        # None when the user set none: the adapter then starts at its default and adapts (retry.RateLimiter).
        settings["rate_limit"] = p.get("rate_limit")
        return settings

    @property
    def adapter(self):
        if self._adapter is None:
            quiet_sdk_loggers()
            self._adapter = self.adapter_cls(self.settings or self.connection_settings())
        return self._adapter

    # -- lifecycle -------------------------------------------------------------------------
    @staticmethod
    def cloud_spec(adapter_cls):
        """Options of this module that only one cloud has."""
        return {}

    def validate(self):
        """Checks on the input that need no API call; raise ConfigurationError."""

    def run(self):
        raise NotImplementedError

    def execute(self):
        """Validate, run, exit once: every failure ends in one fail_json with plain words."""
        try:
            self.validate()
            self.settings = self.connection_settings()
            result = self.run()
        except ConfigurationError as error:
            self.module.fail_json(msg=str(error), error=CloudError(error.category, str(error)).as_dict(),
                                  **self.failure_defaults())
        except DeletionFailed as failure:
            result = dict(failure.result)
            result.pop("diff", None)
            error = failure.error.as_dict() if failure.error is not None else None
            self.module.fail_json(msg=failure.msg, error=error, **result)
        except CloudError as error:
            self.module.fail_json(msg="%s API call failed: %s" % (self.adapter_cls.cloud, error.describe()),
                                  error=error.as_dict(), **self.failure_defaults())
        except Exception as error:  # pylint: disable=broad-exception-caught
            # The last net: an unexpected failure still ends in one clear fail_json, never a traceback.
            message = "%s: unexpected %s: %s" % (self.adapter_cls.cloud, type(error).__name__, error)
            self.module.fail_json(msg=message, error=CloudError(UNKNOWN, str(error), code=type(error).__name__).as_dict(),
                                  **self.failure_defaults())
        self.module.exit_json(**result)

    def failure_defaults(self):
        return {}


class ImageModule(CloudModule):
    """``<cloud>_image``: delete custom images (state=absent)."""

    module_spec = {
        "state": {"type": "str", "required": True, "choices": ["absent"]},
        "image_ids": {"type": "list", "elements": "str", "aliases": ["image_id"]},
        "names": {"type": "list", "elements": "str"},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 600},
        "max_concurrency": {"type": "int", "default": 8},
        "rate_limit": {"type": "float"},
        "protect_referenced": {"type": "bool", "default": True},
    }
    module_kwargs = {"required_one_of": [["image_ids", "names"]]}

    @staticmethod
    def cloud_spec(adapter_cls):
        return dict(adapter_cls.delete_options)

    def failure_defaults(self):
        return {"changed": False, "deleted": [], "already_absent": [], "images": [], "request_ids": []}

    def validate(self):
        p = self.params
        ids = [i.strip() if isinstance(i, str) else i for i in (p.get("image_ids") or [])]
        names = p.get("names") or []
        if not ids and not any(n for n in names):
            raise ConfigurationError("image_ids or names must name at least one image")
        if any(not n for n in names):
            raise ConfigurationError("names must not contain empty strings")
        bad = self.adapter_cls.bad_ids(ids)
        if bad:
            self.module.fail_json(
                msg="Nothing was deleted: %d image id(s) are not %s image ids (%s): %s"
                    % (len(bad), self.adapter_cls.cloud, self.adapter_cls.id_format, ", ".join(repr(b) for b in bad)),
                error=CloudError(MALFORMED_ID, "malformed image ids").as_dict(),
                blocked=[{"id": b, "category": MALFORMED_ID, "code": None,
                          "reason": "%r is not a valid %s image id (%s)" % (b, self.adapter_cls.cloud, self.adapter_cls.id_format)}
                         for b in bad],
                **self.failure_defaults())
        p["image_ids"] = ids
        check_sizes(p)
        # NaN and infinity would leave the adaptive rate nothing to halve or cap (retry.RateLimiter).
        if p.get("rate_limit") is not None and not 0 < p["rate_limit"] < float("inf"):
            raise ConfigurationError("rate_limit must be a positive, finite number of requests per second")

    def run(self):
        p = self.params
        deletion = ImageDeletion(
            self.adapter, image_ids=p["image_ids"], names=p.get("names") or [],
            options=dict((name, p[name]) for name in list(self.adapter_cls.delete_options) + ["protect_referenced"]),
            check_mode=self.module.check_mode, wait=p["wait"], wait_timeout=p["wait_timeout"],
            batch_size=p.get("batch_size") or 1, max_concurrency=p["max_concurrency"])
        result = deletion.run()
        if not self.module._diff:
            result.pop("diff", None)
        return result


class ImageInfoModule(CloudModule):
    """``<cloud>_image_info``: list images, normalized the same way on every cloud. Read-only."""

    module_spec = {
        "image_ids": {"type": "list", "elements": "str", "aliases": ["image_id"]},
        "names": {"type": "list", "elements": "str"},
        "name_regex": {"type": "str"},
        "tags": {"type": "dict"},
        "image_type": {"type": "str", "default": "private", "choices": ["private", "shared", "public", "all"]},
        "with_references": {"type": "bool", "default": False},
    }
    module_kwargs = {"mutually_exclusive": [["image_ids", "names"]]}

    def failure_defaults(self):
        return {"changed": False, "images": []}

    def validate(self):
        p = self.params
        p["image_ids"] = [i.strip() if isinstance(i, str) else i for i in (p.get("image_ids") or [])]
        p["image_ids"] = unique(p["image_ids"])
        bad = self.adapter_cls.bad_ids(p["image_ids"])
        if bad:
            message = "%d image id(s) are not %s image ids (%s): %s" % (
                len(bad), self.adapter_cls.cloud, self.adapter_cls.id_format, ", ".join(repr(b) for b in bad))
            self.module.fail_json(msg=message, error=CloudError(MALFORMED_ID, message).as_dict(),
                                  **self.failure_defaults())
        self.name_regex = None
        if p.get("name_regex") is not None:
            try:
                self.name_regex = re.compile(p["name_regex"])
            except re.error as error:
                raise ConfigurationError("name_regex %r is not a valid regular expression: %s" % (p["name_regex"], error))
        p["tags"] = dict((str(k), str(v)) for k, v in (p.get("tags") or {}).items())

    def run(self):
        p = self.params
        images = self.adapter.list_images(image_ids=p["image_ids"] or None, names=p.get("names") or None,
                                          image_type=p["image_type"], tags=p["tags"] or None)
        selected = []
        seen = set()
        for image in images:
            if image["id"] in seen:
                continue
            seen.add(image["id"])
            if p["image_type"] != "all" and image.get("kind") != p["image_type"]:
                continue
            if self.name_regex and not self.name_regex.search(image.get("name") or ""):
                continue
            if any(image.get("tags", {}).get(k) != v for k, v in p["tags"].items()):
                continue
            selected.append(image)
        if p["with_references"]:
            found = self.adapter.references(lambda func, items: run_parallel(func, items, INFO_CONCURRENCY))
            for image in selected:
                image["referenced_by"] = found.get(image["id"], [])
        # Newest first, the order retention policies want.
        selected.sort(key=lambda i: (i.get("created_at") or "", i["id"]), reverse=True)
        return {"changed": False, "images": selected}
