# -*- coding: utf-8 -*-
"""The AWX credential types of docs/awx/credential_types match the modules' environment fallbacks.

Each injector environment variable must be the first name (the one the adapter reads first) among the adapter's
fallbacks for the option whose field it injects, every secret option must be a secret field, and no secret may be
injected as an extra variable (extra vars show in job details).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.settings import SECRET_OPTIONS
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

ADAPTERS = {"tencent": TencentAdapter, "aliyun": AliyunAdapter, "huawei": HuaweiAdapter}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TYPES_DIR = os.path.join(ROOT, "docs", "awx", "credential_types")
# An injector value is exactly one input field: "{{ field }}".
FIELD_TEMPLATE = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")


def load(cloud):
    with open(os.path.join(TYPES_DIR, "%s.yml" % cloud)) as handle:
        return yaml.safe_load(handle)


def fields(credential_type):
    return dict((field["id"], field) for field in credential_type["inputs"]["fields"])


def injected_field(value):
    match = FIELD_TEMPLATE.match(str(value))
    assert match, "injector value %r is not a single {{ field }}" % (value,)
    return match.group(1)


def test_one_file_per_cloud():
    assert sorted(name for name in os.listdir(TYPES_DIR) if name.endswith(".yml")) == sorted(
        "%s.yml" % cloud for cloud in ADAPTERS
    )


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_shape_awx_accepts(cloud):
    credential_type = load(cloud)
    assert set(credential_type) == set(["name", "description", "kind", "inputs", "injectors"])
    assert credential_type["kind"] in ("cloud", "net")
    assert set(credential_type["injectors"]) <= set(["env", "extra_vars", "file"])
    ids = [field["id"] for field in credential_type["inputs"]["fields"]]
    assert len(ids) == len(set(ids)), "duplicate field ids"
    for field in credential_type["inputs"]["fields"]:
        assert set(field) <= set(
            [
                "id",
                "label",
                "type",
                "secret",
                "help_text",
                "multiline",
                "format",
                "choices",
                "default",
                "ask_at_runtime",
            ]
        ), field
        assert field["type"] in ("string", "boolean"), field
        assert field.get("label"), field
    assert set(credential_type["inputs"]["required"]) <= set(ids)


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_env_injectors_are_the_adapters_first_fallbacks(cloud):
    adapter = ADAPTERS[cloud]
    credential_type = load(cloud)
    env = credential_type["injectors"]["env"]
    assert env, "no environment injector"
    for variable, value in env.items():
        option = injected_field(value)
        assert option in fields(credential_type), "%s injects unknown field %s" % (variable, option)
        assert option in adapter.env, "%s: field %s is not an option with an environment fallback" % (variable, option)
        assert variable in adapter.env[option], "%s is not a fallback of %s (%s)" % (
            variable,
            option,
            adapter.env[option],
        )
        assert variable == adapter.env[option][0], "%s: use the first fallback of %s, %s" % (
            variable,
            option,
            adapter.env[option][0],
        )
    # Each option is injected once, and the keys at least.
    options = [injected_field(value) for value in env.values()]
    assert len(options) == len(set(options))
    assert set(["access_key", "secret_key", "security_token"]) <= set(options)


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_secret_options_are_secret_fields(cloud):
    credential_type = load(cloud)
    by_id = fields(credential_type)
    for option in SECRET_OPTIONS:
        assert option in by_id, "no %s field" % option
        assert by_id[option].get("secret") is True, "%s must be secret: true" % option
    for field_id, field in by_id.items():
        if field_id not in SECRET_OPTIONS:
            assert not field.get("secret"), "%s is not a secret" % field_id
    assert set(credential_type["inputs"]["required"]) >= set(["access_key", "secret_key"])


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_no_secret_in_extra_vars(cloud):
    credential_type = load(cloud)
    by_id = fields(credential_type)
    for name, value in (credential_type["injectors"].get("extra_vars") or {}).items():
        field = injected_field(value)
        assert field in by_id, "%s injects unknown field %s" % (name, field)
        assert not by_id[field].get("secret"), "secret field %s injected as extra var %s" % (field, name)
        assert name.startswith("multicloud_images_%s_" % cloud), name
