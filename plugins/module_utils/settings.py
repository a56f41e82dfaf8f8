# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's connection settings, resolved and checked before any API call.

The shared connection options of a cloud (their aliases and environment fallbacks), then one concern each: the
credentials (credentials.py), the endpoints, the limits. The result is the plain dict an adapter takes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback

from .adapter import parse_endpoint
from .credentials import credential_settings
from .errors import ConfigurationError

MAX_TIMEOUT = 86400
# The shared options that hold secrets (no_log; the AWX credential types mark the same fields secret).
SECRET_OPTIONS = ("secret_key", "security_token")
# Strings that mean "not set" when empty or blank.
TRIMMED = ("access_key", "secret_key", "security_token", "region", "endpoint", "ca_path", "profile")


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
        "secret_key": option("secret_key", type="str"),
        "security_token": option("security_token", type="str"),
        "region": option("region", type="str", required=True),
        "endpoint": option("endpoint", type="str"),
        "validate_certs": option("validate_certs", type="bool", default=True),
        "ca_path": option("ca_path", type="path"),
        "timeout": option("timeout", type="int", default=30),
        "retries": option("retries", type="int", default=6),
    }
    for name, extra in adapter_cls.extra_options.items():
        spec[name] = option(name, **dict(extra))
    spec["assume_role"] = {
        "type": "dict",
        "options": dict((k, dict(v)) for k, v in adapter_cls.assume_role_options.items()),
    }
    spec["profile"] = option("profile", type="str")
    spec["service_endpoints"] = {
        "type": "dict",
        "options": dict((name, {"type": "str"}) for name in adapter_cls.service_endpoint_names),
    }
    for name in SECRET_OPTIONS:
        spec[name]["no_log"] = True
    return spec


def connection_settings(adapter_cls, params, warn):
    """Plain connection settings for the adapter, from the module's ``params``; raises ConfigurationError before any
    call. ``warn(text)``: settings that are valid but likely not what the play means."""
    settings = dict((k, params.get(k)) for k in auth_argument_spec(adapter_cls))
    for name in TRIMMED:
        if isinstance(settings.get(name), str):
            settings[name] = settings[name].strip() or None
    if not settings.get("region"):
        raise ConfigurationError(
            "region is required: set the region option or %s" % " / ".join(adapter_cls.env.get("region", []))
        )
    settings.update(credential_settings(adapter_cls, settings))
    settings.update(endpoint_settings(adapter_cls, settings))
    check_limits(settings)
    for warning in adapter_cls.settings_warnings(settings):
        warn(warning)
    if not settings.get("validate_certs") and settings["scheme"] == "https":
        warn("validate_certs is false: the %s endpoint's TLS certificate is not checked." % adapter_cls.cloud)
    return settings


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
