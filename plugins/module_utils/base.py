# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one base class that owns a module's lifecycle.

It merges the shared auth/connection options with the module's own, validates input before any
API call, resolves the connection settings (settings.py: credentials, endpoints, limits), builds the
cloud adapter lazily, runs the module's ``run()``, turns every failure into one ``fail_json`` and
exits once (``execute()`` is the only exit). Module files only declare their documentation and call
``execute()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import logging
import re

from ansible.module_utils.basic import AnsibleModule

from .adapter import unique
from .deletion import DeletionFailed, ImageDeletion, run_parallel
from .errors import MALFORMED_ID, UNKNOWN, CloudError, ConfigurationError
from .settings import MAX_TIMEOUT, auth_argument_spec, connection_settings

# The image modules' size options: (lowest, highest, unit). A day of waiting; 64 calls in flight. A cloud's own size
# options add theirs (the adapter's ``size_limits``).
SIZE_LIMITS = {
    "wait_timeout": (1, MAX_TIMEOUT, " seconds"),
    "max_concurrency": (1, 64, ""),
}
# Reference reads in flight at once in an info module (it has no max_concurrency option).
INFO_CONCURRENCY = 8


def check_sizes(params, limits=None):
    """Each size option within its own bounds (SIZE_LIMITS and a cloud's ``limits``); raises ConfigurationError naming
    them."""
    for name, (low, high, unit) in dict(SIZE_LIMITS, **(limits or {})).items():
        value = params.get(name)
        if value is not None and not low <= value <= high:
            raise ConfigurationError("%s must be between %d and %d%s, not %d" % (name, low, high, unit, value))


def unique_images(images):
    """Each image once (the first listing of an id wins), in the order listed."""
    seen = set()
    for image in images:
        if image["id"] not in seen:
            seen.add(image["id"])
            yield image


def quiet_sdk_loggers(names):
    """Keep module stdout/stderr clean (and secret-free): the SDKs' loggers (``names``: the adapter's ``sdk_loggers``)
    are off, even one that brings a handler of its own."""
    for name in names:
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        logger.disabled = True


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
        """Plain connection settings for the adapter (settings.py); raises ConfigurationError before any call."""
        return connection_settings(self.adapter_cls, self.params, self.module.warn)

    def adapter_options(self):
        """Options of this module the adapter takes besides the connection settings."""
        return {}

    @property
    def adapter(self):
        if self._adapter is None:
            quiet_sdk_loggers(self.adapter_cls.sdk_loggers)
            self._adapter = self.adapter_cls(self.settings or self.connection_settings(), **self.adapter_options())
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
            result = dict(self.failure_defaults(), **error.result)
            self.module.fail_json(msg=str(error), error=CloudError(error.category, str(error)).as_dict(), **result)
        except DeletionFailed as failure:
            result = dict(failure.result)
            result.pop("diff", None)
            error = failure.error.as_dict() if failure.error is not None else None
            self.module.fail_json(msg=failure.msg, error=error, **result)
        except CloudError as error:
            self.module.fail_json(
                msg="%s API call failed: %s" % (self.adapter_cls.cloud, error.describe()),
                error=error.as_dict(),
                **self.failure_defaults(),
            )
        except Exception as error:  # pylint: disable=broad-exception-caught
            # The last net: an unexpected failure still ends in one clear fail_json, never a traceback.
            message = "%s: unexpected %s: %s" % (self.adapter_cls.cloud, type(error).__name__, error)
            self.module.fail_json(
                msg=message,
                error=CloudError(UNKNOWN, str(error), code=type(error).__name__).as_dict(),
                **self.failure_defaults(),
            )
        self.module.exit_json(**result)

    def failure_defaults(self):
        return {}

    def malformed(self, bad):
        """The sentence for ids that are not this cloud's image ids."""
        return "%d image id(s) are not %s image ids (%s): %s" % (
            len(bad),
            self.adapter_cls.cloud,
            self.adapter_cls.id_format,
            ", ".join(repr(b) for b in bad),
        )


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
            raise ConfigurationError(
                "Nothing was deleted: %s" % self.malformed(bad),
                category=MALFORMED_ID,
                result={
                    "blocked": [
                        {
                            "id": b,
                            "category": MALFORMED_ID,
                            "code": None,
                            "reason": "%r is not a valid %s image id (%s)"
                            % (b, self.adapter_cls.cloud, self.adapter_cls.id_format),
                        }
                        for b in bad
                    ]
                },
            )
        p["image_ids"] = ids
        check_sizes(p, self.adapter_cls.size_limits)
        # NaN and infinity would leave the adaptive rate nothing to halve or cap (retry.RateLimiter).
        if p.get("rate_limit") is not None and not 0 < p["rate_limit"] < float("inf"):
            raise ConfigurationError("rate_limit must be a positive, finite number of requests per second")

    def adapter_options(self):
        # None when the user set none: the adapter then starts at its default and adapts (retry.RateLimiter).
        return {"rate_limit": self.params.get("rate_limit")}

    def run(self):
        p = self.params
        deletion = ImageDeletion(
            self.adapter,
            image_ids=p["image_ids"],
            names=p.get("names") or [],
            options=dict((name, p[name]) for name in list(self.adapter_cls.delete_options) + ["protect_referenced"]),
            check_mode=self.module.check_mode,
            wait=p["wait"],
            wait_timeout=p["wait_timeout"],
            batch_size=p.get("batch_size") or 1,
            max_concurrency=p["max_concurrency"],
        )
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
            raise ConfigurationError(self.malformed(bad), category=MALFORMED_ID)
        self.name_regex = None
        if p.get("name_regex") is not None:
            try:
                self.name_regex = re.compile(p["name_regex"])
            except re.error as error:
                raise ConfigurationError(
                    "name_regex %r is not a valid regular expression: %s" % (p["name_regex"], error)
                )
        p["tags"] = dict((str(k), str(v)) for k, v in (p.get("tags") or {}).items())

    def run(self):
        p = self.params
        images = self.adapter.list_images(
            image_ids=p["image_ids"] or None,
            names=p.get("names") or None,
            image_type=p["image_type"],
            tags=p["tags"] or None,
        )
        selected = [image for image in unique_images(images) if self.wanted(image)]
        if p["with_references"]:
            found = self.adapter.references(lambda func, items: run_parallel(func, items, INFO_CONCURRENCY))
            for image in selected:
                image["referenced_by"] = found.get(image["id"], [])
        # Newest first, the order retention policies want.
        selected.sort(key=lambda i: (i.get("created_at") or "", i["id"]), reverse=True)
        return {"changed": False, "images": selected}

    def wanted(self, image):
        """Whether a listed image is of the asked type, name pattern and tags."""
        p = self.params
        if p["image_type"] != "all" and image.get("kind") != p["image_type"]:
            return False
        if self.name_regex and not self.name_regex.search(image.get("name") or ""):
            return False
        return all(image.get("tags", {}).get(k) == v for k, v in p["tags"].items())
