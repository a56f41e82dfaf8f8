# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credentials sign a module's calls: an access key pair, a CLI profile or the SDK's own chain, and the role
to assume with them. Checked before any API call; raises ConfigurationError in plain words."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from .errors import AUTH_FAILED, ConfigurationError


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
        % (
            ", ".join(given + (["security_token"] if settings.get("security_token") else [])) or "security_token",
            " and ".join(missing),
            either(env.get("access_key")),
            either(env.get("secret_key")),
            ", or neither to use a profile or the SDK's credential chain" if adapter_cls.has_credential_chain else "",
        ),
        category=AUTH_FAILED,
    )


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
        raise ConfigurationError(
            "profile %r: %s CLI profiles are not supported (no documented credentials file "
            "format): set %s instead" % (profile, adapter_cls.cloud, keys),
            category=AUTH_FAILED,
        )
    if given:
        raise ConfigurationError(
            "Both access keys and profile %r are set: give either %s, or profile (or %s)"
            % (profile, keys, either(env.get("profile")))
        )


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
