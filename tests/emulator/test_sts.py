"""The emulator's assumed-role services and region checks, through the real SDKs' own calls and providers."""

import time

import pytest
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider, StaticAKCredentialsProvider
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as huawei_exceptions
from huaweicloudsdkiam.v3 import IamClient
from huaweicloudsdkiam.v3 import model as iam_model
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from . import sdk

TENCENT_ROLE = "qcs::cam::uin/100000000001:roleName/image-cleaner"
ALIYUN_ROLE = "acs:ram::100000000001:role/image-cleaner"


def account_keys(emu, cloud, index):
    return emu.seed["accounts"][index][cloud]


def tencent_assume(emu, secret_id, secret_key, role=TENCENT_ROLE, duration=900):
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=emu.ports["tencent"], reqTimeout=10))
    client = CommonClient(
        "sts", "2018-08-13", credential.Credential(secret_id, secret_key), "ap-guangzhou", profile=profile
    )
    return client.call_json(
        "AssumeRole", {"RoleArn": role, "RoleSessionName": "emu-test", "DurationSeconds": duration}
    )["Response"]


def aliyun_assume(emu, key_id, secret, role=ALIYUN_ROLE):
    provider = RamRoleArnCredentialsProvider(
        credentials_provider=StaticAKCredentialsProvider(access_key_id=key_id, access_key_secret=secret),
        role_arn=role,
        role_session_name="emu-test",
        sts_endpoint="http://" + emu.ports["aliyun"],
    )
    return provider.get_credentials()


def huawei_assume(emu, ak, sk, agency="image-cleaner", domain="emu-domain-1", duration=900):
    config = sdk.HttpConfig.get_default_config()
    config.retry_times = 0
    client = (
        IamClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk))
        .with_endpoints([emu.ports["huawei"]])
        .build()
    )
    body = iam_model.CreateTemporaryAccessKeyByAgencyRequestBody(
        auth=iam_model.AgencyAuth(
            identity=iam_model.AgencyAuthIdentity(
                methods=["assume_role"],
                assume_role=iam_model.IdentityAssumerole(
                    agency_name=agency, domain_name=domain, duration_seconds=duration
                ),
            )
        )
    )
    return client.create_temporary_access_key_by_agency(
        iam_model.CreateTemporaryAccessKeyByAgencyRequest(body=body)
    ).credential


def test_tencent_assume_role_issues_keys_of_the_role_account(emu):
    other = account_keys(emu, "tencent", 1)
    answer = tencent_assume(emu, other["secret_id"], other["secret_key"])
    keys = answer["Credentials"]
    client = sdk.tencent(emu, keys["TmpSecretId"], keys["TmpSecretKey"], keys["Token"])
    images = client.call_json("DescribeImages", {"ImageIds": ["img-emu00001"]})["Response"]["ImageSet"]
    assert [i["ImageId"] for i in images] == ["img-emu00001"]  # account 1's image, seen with the role's keys
    assert answer["ExpiredTime"] > time.time()
    calls = emu.control.journal(cloud="tencent")
    assert [(c["action"], c["account"]) for c in calls] == [
        ("AssumeRole", "100000000002"),
        ("DescribeImages", "100000000001"),
    ]


@pytest.mark.parametrize(
    "index,role,code",
    [
        (1, "qcs::cam::uin/100000000001:roleName/nobody", "ResourceNotFound.RoleNotFound"),
        (0, TENCENT_ROLE, "UnauthorizedOperation"),
    ],
)
def test_tencent_refusals(emu, index, role, code):
    keys = account_keys(emu, "tencent", index)
    with pytest.raises(TencentCloudSDKException) as info:
        tencent_assume(emu, keys["secret_id"], keys["secret_key"], role)
    assert info.value.code == code


def test_tencent_sts_checks_the_signature(emu):
    keys = account_keys(emu, "tencent", 1)
    with pytest.raises(TencentCloudSDKException) as info:
        tencent_assume(emu, keys["secret_id"], "wrong")
    assert info.value.code == "AuthFailure.SignatureFailure"


def test_temporary_keys_expire(emu):
    other = account_keys(emu, "tencent", 1)
    keys = tencent_assume(emu, other["secret_id"], other["secret_key"], duration=1)["Credentials"]
    time.sleep(1.1)
    client = sdk.tencent(emu, keys["TmpSecretId"], keys["TmpSecretKey"], keys["Token"])
    with pytest.raises(TencentCloudSDKException) as info:
        client.call_json("DescribeImages", {"ImageIds": ["img-emu00001"]})
    assert info.value.code == "AuthFailure.TokenFailure"


def test_aliyun_provider_gets_keys_that_sign_ecs_calls(emu):
    other = account_keys(emu, "aliyun", 1)
    keys = aliyun_assume(emu, other["access_key_id"], other["access_key_secret"])
    assert keys.get_access_key_id().startswith("STS.")
    client = sdk.aliyun(emu, keys.get_access_key_id(), keys.get_access_key_secret(), keys.get_security_token())
    from alibabacloud_ecs20140526 import models

    body = client.describe_images(models.DescribeImagesRequest(region_id="cn-hangzhou", image_id="m-emu0001")).body
    assert [i.image_id for i in body.images.image] == ["m-emu0001"]
    calls = emu.control.journal(cloud="aliyun")
    assert [(c["action"], c["account"]) for c in calls] == [
        ("AssumeRole", "100000000002"),
        ("DescribeImages", "100000000001"),
    ]


@pytest.mark.parametrize(
    "index,secret,role,code",
    [
        (1, None, "acs:ram::100000000001:role/nobody", "EntityNotExist.Role"),
        (0, None, ALIYUN_ROLE, "NoPermission"),
        (1, "wrong", ALIYUN_ROLE, "SignatureDoesNotMatch"),
    ],
)
def test_aliyun_refusals(emu, index, secret, role, code):
    keys = account_keys(emu, "aliyun", index)
    with pytest.raises(CredentialException) as info:
        aliyun_assume(emu, keys["access_key_id"], secret or keys["access_key_secret"], role)
    assert code in str(info.value)


def test_aliyun_rpc_signature_refuses_a_replayed_nonce(emu):
    import requests

    keys = account_keys(emu, "aliyun", 1)
    aliyun_assume(emu, keys["access_key_id"], keys["access_key_secret"])
    sent = emu.control.journal(cloud="aliyun")[0]["params"]
    # The journal keeps every parameter but the signature: replay the same nonce with a fresh signature.
    from alibabacloud_credentials.utils import parameter_helper as ph

    query = dict(sent)
    query.pop("Signature", None)
    query["Timestamp"] = ph.get_iso_8061_date()
    query["Signature"] = ph.sign_string(ph.compose_string_to_sign("GET", query), keys["access_key_secret"] + "&")
    answer = requests.get("http://%s/" % emu.ports["aliyun"], params=query, timeout=10)
    assert answer.status_code == 400 and answer.json()["Code"] == "SignatureNonceUsed"


def test_huawei_agency_keys_sign_ims_calls(emu):
    other = account_keys(emu, "huawei", 1)
    keys = huawei_assume(emu, other["ak"], other["sk"])
    client = sdk.huawei(emu, keys.access, keys.secret, token=keys.securitytoken)
    from huaweicloudsdkims.v2 import GlanceShowImageRequest

    image = client.glance_show_image(GlanceShowImageRequest(image_id="e0000000-0000-4000-8000-000000000001"))
    assert image.id == "e0000000-0000-4000-8000-000000000001"
    calls = emu.control.journal(cloud="huawei")
    assert [(c["action"], c["account"]) for c in calls] == [
        ("CreateTemporaryAccessKeyByAgency", "100000000002"),
        ("ShowImage", "100000000001"),
    ]


@pytest.mark.parametrize("index,agency,status", [(1, "nobody", 404), (0, "image-cleaner", 403)])
def test_huawei_refusals(emu, index, agency, status):
    keys = account_keys(emu, "huawei", index)
    with pytest.raises(huawei_exceptions.ServiceResponseException) as info:
        huawei_assume(emu, keys["ak"], keys["sk"], agency)
    assert info.value.status_code == status


def test_huawei_agency_checks_duration(emu):
    keys = account_keys(emu, "huawei", 1)
    with pytest.raises(huawei_exceptions.ServiceResponseException) as info:
        huawei_assume(emu, keys["ak"], keys["sk"], duration=60)
    assert info.value.status_code == 400


def test_unknown_regions_are_refused_as_each_cloud_documents(emu):
    with pytest.raises(TencentCloudSDKException) as info:
        sdk.tencent(emu, region="xx-nowhere-1").call_json("DescribeImages", {"Limit": 1})
    assert info.value.code == "InvalidRegion.NotFound"
    from alibabacloud_ecs20140526 import models
    from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

    with pytest.raises(AlibabaCloudException) as info:
        sdk.aliyun(emu, region="xx-nowhere-1").describe_images(models.DescribeImagesRequest(region_id="xx-nowhere-1"))
    assert info.value.code == "InvalidRegionId.NotFound" and info.value.status_code == 404
    # A seeded region that is on no list still works (ap-shanghai is on Tencent's; the seed may add others).
    assert (
        sdk.tencent(emu, region="ap-shanghai").call_json("DescribeImages", {"Limit": 1})["Response"]["TotalCount"] >= 1
    )


def test_aliyun_duration_is_bounded_by_the_role_maximum(emu):
    keys = account_keys(emu, "aliyun", 1)
    provider = RamRoleArnCredentialsProvider(
        credentials_provider=StaticAKCredentialsProvider(
            access_key_id=keys["access_key_id"], access_key_secret=keys["access_key_secret"]
        ),
        role_arn=ALIYUN_ROLE,
        role_session_name="emu-test",
        duration_seconds=3601,
        sts_endpoint="http://" + emu.ports["aliyun"],
    )
    with pytest.raises(CredentialException) as info:
        provider.get_credentials()
    assert "InvalidParameter.DurationSeconds" in str(info.value)
