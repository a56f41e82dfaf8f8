# -*- coding: utf-8 -*-
"""An adapter of each cloud pointed at the emulator, for the adapter tests (imported by its collection path, so that
ansible-test units finds it too)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multicloud.images.plugins.module_utils.adapter import parse_endpoint
from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.retry import RetryPolicy
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

ADAPTERS = {"tencent": TencentAdapter, "aliyun": AliyunAdapter, "huawei": HuaweiAdapter}
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
KEY_NAMES = {
    "tencent": ("secret_id", "secret_key"),
    "aliyun": ("access_key_id", "access_key_secret"),
    "huawei": ("ak", "sk"),
}


def adapter_for(emu, cloud, retries=0, secret=None, rate_limit=1000, **extra):
    """An adapter of ``cloud`` with the default seed's keys, at the emulator (``emu``: the emulator fixture);
    ``secret`` replaces the secret key, ``extra`` adds or replaces settings."""
    id_name, secret_name = KEY_NAMES[cloud]
    scheme, host = parse_endpoint(emu.endpoint(cloud), default_scheme="http")
    settings = {
        "access_key": emu.keys[cloud][id_name],
        "secret_key": secret or emu.keys[cloud][secret_name],
        "region": REGIONS[cloud],
        "scheme": scheme,
        "host": host,
        "timeout": 5,
        "retries": retries,
        "validate_certs": True,
        "project_id": emu.keys["huawei"]["projects"]["cn-north-4"] if cloud == "huawei" else None,
        # The emulator serves every service of a cloud on its one port.
        "service_endpoints": dict((name, (scheme, host)) for name in ADAPTERS[cloud].service_endpoint_names),
    }
    settings.update(extra)
    return ADAPTERS[cloud](settings, policy=RetryPolicy(retries=retries, sleep=lambda s: None), rate_limit=rate_limit)
