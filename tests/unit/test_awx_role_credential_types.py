# -*- coding: utf-8 -*-
"""The AWX role credential types of docs/awx/role_credential_types inject exactly the variables the modules read
for assume_role (each key's first fallback), every field once, nothing secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

ADAPTERS = {"tencent": TencentAdapter, "aliyun": AliyunAdapter, "huawei": HuaweiAdapter}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TYPES_DIR = os.path.join(ROOT, "docs", "awx", "role_credential_types")


def load(cloud):
    with open(os.path.join(TYPES_DIR, "%s.yml" % cloud)) as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_role_injectors_are_the_first_assume_role_fallbacks(cloud):
    adapter = ADAPTERS[cloud]
    credential_type = load(cloud)
    fields = dict((field["id"], field) for field in credential_type["inputs"]["fields"])
    env = credential_type["injectors"]["env"]
    assert set(credential_type["injectors"]) == {"env"}
    injected = {}
    for variable, value in env.items():
        field = value.strip("{} ")
        assert field in fields and field in adapter.assume_role_options, (variable, field)
        assert variable == adapter.assume_role_env[field][0], (variable, adapter.assume_role_env[field])
        injected[field] = variable
    assert set(injected) == set(fields) == set(adapter.assume_role_env)
    assert adapter.assume_role_required[0] in credential_type["inputs"]["required"]
    assert not any(field.get("secret") for field in fields.values())
