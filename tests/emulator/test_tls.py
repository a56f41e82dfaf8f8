"""The HTTPS ports: a CA made at start, each SDK trusting it through its own TLS option."""

import ssl
import urllib.request

import pytest
from alibabacloud_ecs20140526 import models as ali
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config as AliyunConfig
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as hw
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkims.v2 import ImsClient, ListImagesRequest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312 import models as tc
from tencentcloud.cvm.v20170312.cvm_client import CvmClient

from . import sdk


def tencent(emu, certification):
    keys = emu.keys["tencent"]
    profile = HttpProfile(
        protocol="https", endpoint=emu.ports["tencent_https"], reqTimeout=10, certification=certification
    )
    client = CvmClient(
        credential.Credential(keys["secret_id"], keys["secret_key"]),
        sdk.TENCENT_REGION,
        ClientProfile(httpProfile=profile, language="en-US"),
    )
    return client.DescribeImages(tc.DescribeImagesRequest()).TotalCount


def aliyun(emu, ca=None, ignore_ssl=False):
    """The SDK (darabonba) keeps one HTTPS session per scheme://host:port for the whole process, made with the
    TLS options of the first client and reused by later ones whatever theirs: forget them first."""
    from alibabacloud_tea_util.models import RuntimeOptions
    from darabonba.core import DaraCore

    DaraCore._sessions.clear()
    keys = emu.keys["aliyun"]
    endpoint = emu.ports["aliyun_https"]
    config = AliyunConfig(
        access_key_id=keys["access_key_id"],
        access_key_secret=keys["access_key_secret"],
        region_id=sdk.ALIYUN_REGION,
        endpoint=endpoint,
        protocol="https",
        connect_timeout=5000,
        read_timeout=10000,
    )
    if ca:
        config.ca = ca
    runtime = RuntimeOptions(ignore_ssl=ignore_ssl, ca=ca)
    return (
        EcsClient(config)
        .describe_images_with_options(ali.DescribeImagesRequest(region_id=sdk.ALIYUN_REGION), runtime)
        .body.total_count
    )


def huawei(emu, ca=None, ignore=False):
    keys = emu.keys["huawei"]
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    config.timeout = (5, 10)
    config.ignore_ssl_verification = ignore
    if ca:
        config.ssl_ca_cert = ca
    cred = BasicCredentials(keys["ak"], keys["sk"], keys["projects"][sdk.HUAWEI_REGION])
    client = (
        ImsClient.new_builder()
        .with_http_config(config)
        .with_credentials(cred)
        .with_endpoints([emu.ports["huawei_https"]])
        .build()
    )
    return len(client.list_images(ListImagesRequest(imagetype="private")).images)


def test_ports_and_ca(emu):
    assert emu.ca_path and emu.ports["huawei_https"].startswith("https://127.0.0.1:")
    assert emu.url("tencent", https=True) == "https://" + emu.ports["tencent_https"]
    assert emu.url("huawei") == emu.ports["huawei"]
    context = ssl.create_default_context(cafile=emu.ca_path)
    with pytest.raises(urllib.error.HTTPError):  # trusted; an unsigned GET is an API error, not a TLS one
        urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)).open(
            emu.url("huawei", https=True) + "/v2/cloudimages", timeout=10
        )


def test_each_sdk_trusts_the_ca_it_is_given(emu):
    assert tencent(emu, emu.ca_path) > 0
    assert aliyun(emu, ca=emu.ca_path) > 0
    assert huawei(emu, ca=emu.ca_path) > 0
    calls = emu.control.journal()
    assert [(c["cloud"], c["tls"], c["code"]) for c in calls] == [
        ("tencent", True, None),
        ("aliyun", True, None),
        ("huawei", True, None),
    ]


def test_an_unknown_ca_is_refused_and_counted(emu):
    with pytest.raises(TencentCloudSDKException) as info:
        tencent(emu, None)
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value.message)
    with pytest.raises(Exception) as info:
        aliyun(emu)
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    with pytest.raises(hw.SdkException) as info:
        huawei(emu)
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert emu.control.journal() == []
    ports = emu.control.tls()["ports"]
    assert {name: counts["failures"] >= 1 for name, counts in ports.items()} == {
        "tencent_https": True,
        "aliyun_https": True,
        "huawei_https": True,
    }


def test_no_verification_works(emu):
    assert tencent(emu, False) > 0
    assert aliyun(emu, ignore_ssl=True) > 0
    assert huawei(emu, ignore=True) > 0
    assert all(c["tls"] for c in emu.control.journal())
