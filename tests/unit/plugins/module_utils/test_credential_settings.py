# -*- coding: utf-8 -*-
"""Credential option resolution (credentials.py, settings.py) and region errors (adapter.py): no API call involved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils import base, credentials
from ansible_collections.multicloud.images.plugins.module_utils import settings as connection
from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.errors import (
    AUTH_FAILED,
    INVALID_PARAMETER,
    TRANSIENT,
    CloudError,
    ConfigurationError,
)
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

ROLE_VARIABLES = ("TENCENTCLOUD_ASSUME_ROLE", "ALIBABA_CLOUD_ROLE", "ALICLOUD_ASSUME_ROLE", "HW_ASSUME_ROLE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith(ROLE_VARIABLES):
            monkeypatch.delenv(name)


def test_no_role_anywhere_is_none():
    assert credentials.assume_role_settings(TencentAdapter, None) is None


def test_a_session_name_alone_in_the_environment_names_no_role(monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "nightly")
    assert credentials.assume_role_settings(TencentAdapter, None) is None


def test_the_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_ASSUME_ROLE_ARN", "qcs::cam::uin/2:roleName/env")
    role = credentials.assume_role_settings(
        TencentAdapter, {"role_arn": "qcs::cam::uin/1:roleName/opt", "duration": None}
    )
    assert role == {"role_arn": "qcs::cam::uin/1:roleName/opt"}


def test_environment_first_found_wins(monkeypatch):
    monkeypatch.setenv("ALICLOUD_ASSUME_ROLE_ARN", "acs:ram::2:role/terraform-name")
    monkeypatch.setenv("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/sdk-name")
    monkeypatch.setenv("ALICLOUD_ASSUME_ROLE_SESSION_NAME", "nightly")
    role = credentials.assume_role_settings(AliyunAdapter, None)
    assert role == {"role_arn": "acs:ram::1:role/sdk-name", "session_name": "nightly"}


def test_environment_duration_is_a_number(monkeypatch):
    monkeypatch.setenv("HW_ASSUME_ROLE_AGENCY_NAME", "cleaner")
    monkeypatch.setenv("HW_ASSUME_ROLE_DOMAIN_NAME", "target")
    monkeypatch.setenv("HW_ASSUME_ROLE_DURATION", "1800")
    assert credentials.assume_role_settings(HuaweiAdapter, None)["duration"] == 1800
    monkeypatch.setenv("HW_ASSUME_ROLE_DURATION", "soon")
    with pytest.raises(ConfigurationError, match="number of seconds"):
        credentials.assume_role_settings(HuaweiAdapter, None)


@pytest.mark.parametrize(
    "adapter,role,words",
    [
        (TencentAdapter, {"session_name": "x"}, "role_arn"),
        (TencentAdapter, {"role_arn": "qcs::cam::uin/1:roleName/r", "duration": 43201}, "between 1 and 43200"),
        (AliyunAdapter, {"role_arn": "acs:ram::1:role/r", "duration": 899}, "between 900 and 43200"),
        (AliyunAdapter, {"role_arn": "qcs::cam::uin/1:roleName/r"}, "not a role ARN of aliyun"),
        (TencentAdapter, {"role_arn": "image-cleaner"}, "not a role ARN of tencent"),
        (HuaweiAdapter, {"agency_name": "a"}, "domain_name or domain_id"),
        (HuaweiAdapter, {"agency_name": "a", "domain_id": "d", "duration": 86401}, "between 900 and 86400"),
    ],
)
def test_bad_roles(adapter, role, words):
    with pytest.raises(ConfigurationError, match=words):
        credentials.assume_role_settings(adapter, role)


def settings(**given):
    return dict(
        {"access_key": None, "secret_key": None, "security_token": None, "profile": None, "assume_role": None}, **given
    )


def test_no_credentials_without_a_chain_is_auth_failed():
    with pytest.raises(ConfigurationError) as info:
        credentials.credential_settings(HuaweiAdapter, settings())
    assert info.value.category == AUTH_FAILED and "HUAWEICLOUD_SDK_AK" in str(info.value)


def test_keys_and_profile_together_are_refused():
    with pytest.raises(ConfigurationError, match="either"):
        credentials.credential_settings(TencentAdapter, settings(access_key="a", secret_key="b", profile="p"))


@pytest.mark.parametrize("name", ["../../etc/passwd", ".hidden", "a/b"])
def test_a_profile_is_a_name_not_a_path(name):
    with pytest.raises(ConfigurationError, match="not a profile name"):
        credentials.credential_settings(TencentAdapter, settings(profile=name))


def test_partial_keys_are_auth_failed():
    with pytest.raises(ConfigurationError) as info:
        credentials.credential_settings(AliyunAdapter, settings(access_key="a"))
    assert info.value.category == AUTH_FAILED


def test_service_endpoints_default_and_parse():
    out = connection.endpoint_settings(
        AliyunAdapter, {"region": "cn-hangzhou", "service_endpoints": {"sts": None, "ess": "http://127.0.0.1:8080"}}
    )
    assert out["service_endpoints"] == {"sts": ("https", "sts.aliyuncs.com"), "ess": ("http", "127.0.0.1:8080")}
    with pytest.raises(ConfigurationError):
        connection.endpoint_settings(AliyunAdapter, {"region": "cn-hangzhou", "service_endpoints": {"sts": "ftp://x"}})


@pytest.mark.parametrize(
    "text,endpoint,category",
    [
        (
            "Failed to resolve 'ecs.xx-nowhere-1.aliyuncs.com' ([Errno -2] Name or service not known)",
            None,
            INVALID_PARAMETER,
        ),
        (
            "Failed to resolve 'ecs.xx-nowhere-1.aliyuncs.com' ([Errno -3] Temporary failure in name resolution)",
            None,
            TRANSIENT,
        ),
        (
            "Failed to resolve 'ecs.xx-nowhere-1.aliyuncs.com' ([Errno -2] Name or service not known)",
            "ecs.example",
            TRANSIENT,
        ),
    ],
)
def test_a_default_endpoint_that_does_not_exist_names_the_region(text, endpoint, category):
    adapter = AliyunAdapter({"region": "xx-nowhere-1", "endpoint": endpoint, "retries": 0})
    error = CloudError(TRANSIENT, "DescribeImages: network error: %s" % text, code="NetworkError")
    adapter.name_region(error)
    assert error.category == category
    if category == INVALID_PARAMETER:
        assert "xx-nowhere-1" in error.message.split(":")[0]


# -- Huawei: region against an explicit endpoint and project_id ---------------------------------------------------
def huawei_settings(region, endpoint, project_id):
    settings = {"region": region, "endpoint": endpoint, "project_id": project_id}
    settings.update(connection.endpoint_settings(HuaweiAdapter, settings))
    return settings


@pytest.mark.parametrize(
    "endpoint, host",
    [
        ("https://ims.cn-north-4.myhuaweicloud.com", "ims.cn-north-4.myhuaweicloud.com"),
        ("ims.cn-north-4.myhuaweicloud.com:443", "ims.cn-north-4.myhuaweicloud.com"),
        ("http://localhost:8443", "localhost"),
        ("http://cafe:8443", "cafe"),  # hex letters, but a host name: no colon, not an IPv6 address
    ],
)
def test_huawei_warns_when_the_endpoint_does_not_name_the_region(endpoint, host):
    warnings = HuaweiAdapter.settings_warnings(huawei_settings("cn-nowhere-1", endpoint, "0123456789abcdef"))
    assert len(warnings) == 1
    assert "region cn-nowhere-1 is not used for the image calls" in warnings[0]
    assert " at %s," % host in warnings[0] and "project 0123456789abcdef" in warnings[0]


@pytest.mark.parametrize(
    "region, endpoint, project_id",
    [
        ("cn-north-4", "https://ims.cn-north-4.myhuaweicloud.com", "p1"),  # the endpoint names the region
        ("cn-north-4", "ims.CN-NORTH-4.myhuaweicloud.com:443", "p1"),  # case and port do not matter
        ("cn-nowhere-1", "https://ims.cn-north-4.myhuaweicloud.com", None),  # the project is looked up for the region
        ("cn-nowhere-1", None, "p1"),  # the endpoint is built from the region
        ("cn-north-4", "http://127.0.0.1:8443", "p1"),  # an IP address (a test endpoint)
        ("cn-north-4", "http://[::1]:8443", "p1"),
    ],
)
def test_huawei_does_not_warn_when_the_region_is_used_or_cannot_be_checked(region, endpoint, project_id):
    assert HuaweiAdapter.settings_warnings(huawei_settings(region, endpoint, project_id)) == []


@pytest.mark.parametrize("adapter_cls", [TencentAdapter, AliyunAdapter])
def test_other_clouds_have_no_settings_warnings(adapter_cls):
    settings = {"region": "nowhere-1", "endpoint": "https://cvm.ap-guangzhou.tencentcloudapi.com"}
    settings.update(connection.endpoint_settings(adapter_cls, settings))
    assert adapter_cls.settings_warnings(settings) == []


# -- the image modules' size options --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, value, message",
    [
        ("wait_timeout", 0, "wait_timeout must be between 1 and 86400 seconds, not 0"),
        ("wait_timeout", 86401, "wait_timeout must be between 1 and 86400 seconds, not 86401"),
        ("max_concurrency", 0, "max_concurrency must be between 1 and 64, not 0"),
        ("max_concurrency", 65, "max_concurrency must be between 1 and 64, not 65"),
        ("batch_size", 0, "batch_size must be between 1 and 100, not 0"),
        ("batch_size", 101, "batch_size must be between 1 and 100, not 101"),
    ],
)
def test_size_options_out_of_bounds_fail_with_their_own_bounds(name, value, message):
    with pytest.raises(ConfigurationError) as raised:
        base.check_sizes({name: value}, TencentAdapter.size_limits)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "params",
    [
        {"wait_timeout": 1, "max_concurrency": 1, "batch_size": 1},
        {"wait_timeout": 86400, "max_concurrency": 64, "batch_size": 100},
        {"wait_timeout": None, "max_concurrency": None, "batch_size": None},  # huawei/aliyun have no batch_size
    ],
)
def test_size_options_within_bounds_pass(params):
    base.check_sizes(params, TencentAdapter.size_limits)
