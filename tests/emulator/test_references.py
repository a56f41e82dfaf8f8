"""Reference reads (references.py) through the official service SDKs: field names, paging limits, signatures,
permission errors, seed and control API."""

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ess20220222 import models as ess_models
from alibabacloud_ess20220222.client import Client as EssClient
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from huaweicloudsdkas.v1 import AsClient, ListScalingConfigsRequest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkecs.v2 import EcsClient, ListServersDetailsRequest
from tencentcloud.autoscaling.v20180419 import models as as_models
from tencentcloud.autoscaling.v20180419.autoscaling_client import AutoscalingClient
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312 import models as cvm_models

from . import sdk
from .references import normalize
from .seed import SeedError

TEMPLATE = {
    "kind": "launch_template",
    "id": "lt-emu00001",
    "name": "web",
    "default_version": 2,
    "versions": [{"image_id": "img-emu00001"}, {"image_id": "img-emu00002"}, {"image_id": "img-emu00003"}],
}


def tencent_profile(emu):
    return ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=emu.ports["tencent"], reqTimeout=10))


def tencent_as(emu):
    keys = emu.keys["tencent"]
    return AutoscalingClient(
        credential.Credential(keys["secret_id"], keys["secret_key"]), sdk.TENCENT_REGION, tencent_profile(emu)
    )


def huawei(emu, client_cls):
    keys = emu.keys["huawei"]
    config = HttpConfig.get_default_config()
    config.retry_times, config.timeout = 0, (5, 10)
    cred = BasicCredentials(keys["ak"], keys["sk"], keys["projects"][sdk.HUAWEI_REGION])
    return (
        client_cls.new_builder()
        .with_http_config(config)
        .with_credentials(cred)
        .with_endpoints([emu.ports["huawei"]])
        .build()
    )


def ess(emu):
    keys = emu.keys["aliyun"]
    from alibabacloud_tea_openapi.models import Config

    return EssClient(
        Config(
            access_key_id=keys["access_key_id"],
            access_key_secret=keys["access_key_secret"],
            region_id=sdk.ALIYUN_REGION,
            endpoint=emu.ports["aliyun"],
            protocol="http",
        )
    )


def test_tencent_template_versions_default_to_versions_0_to_30_and_page_by_limit(emu):
    emu.control.add_references("tencent", [dict(TEMPLATE, versions=[{"image_id": "img-emu00001"}] * 35)])
    client = sdk.tencent(emu)
    templates = client.DescribeLaunchTemplates(cvm_models.DescribeLaunchTemplatesRequest())
    assert [
        (t.LaunchTemplateId, t.LatestVersionNumber, t.DefaultVersionNumber) for t in templates.LaunchTemplateSet
    ] == [("lt-emu00001", 35, 2)]
    request = cvm_models.DescribeLaunchTemplateVersionsRequest()
    request.LaunchTemplateId, request.Limit = "lt-emu00001", 100
    assert client.DescribeLaunchTemplateVersions(request).TotalCount == 30  # MaxVersion defaults to 30
    request.MaxVersion, request.Limit, request.Offset = 35, 20, 20
    answer = client.DescribeLaunchTemplateVersions(request)
    assert answer.TotalCount == 35 and [v.LaunchTemplateVersion for v in answer.LaunchTemplateVersionSet] == list(
        range(21, 36)
    )
    assert answer.LaunchTemplateVersionSet[0].LaunchTemplateVersionData.ImageId == "img-emu00001"
    request.Limit = 101
    with pytest.raises(TencentCloudSDKException) as info:
        client.DescribeLaunchTemplateVersions(request)
    assert info.value.code == "InvalidParameterValue"


def test_tencent_as_is_signed_for_service_as(emu):
    emu.control.add_references(
        "tencent",
        [
            {
                "kind": "scaling_configuration",
                "id": "asc-emu00001",
                "name": "cfg",
                "image_id": "img-emu00001",
                "group": "asg-emu00001",
            }
        ],
    )
    answer = tencent_as(emu).DescribeLaunchConfigurations(as_models.DescribeLaunchConfigurationsRequest())
    config = answer.LaunchConfigurationSet[0]
    assert (config.LaunchConfigurationId, config.ImageId, config.AutoScalingGroupAbstractSet[0].AutoScalingGroupId) == (
        "asc-emu00001",
        "img-emu00001",
        "asg-emu00001",
    )
    keys = emu.keys["tencent"]
    wrong_scope = CommonClient(
        "cvm",
        "2018-04-19",
        credential.Credential(keys["secret_id"], keys["secret_key"]),
        sdk.TENCENT_REGION,
        profile=tencent_profile(emu),
    )
    with pytest.raises(TencentCloudSDKException) as info:
        wrong_scope.call_json("DescribeLaunchConfigurations", {})
    assert info.value.code == "AuthFailure.SignatureFailure"


def test_tencent_denied_read_answers_unauthorized(emu):
    emu.control.deny("tencent", "DescribeLaunchConfigurations")
    with pytest.raises(TencentCloudSDKException) as info:
        tencent_as(emu).DescribeLaunchConfigurations(as_models.DescribeLaunchConfigurationsRequest())
    assert info.value.code == "AuthFailure.UnauthorizedOperation"
    journal = emu.control.journal("tencent")
    assert journal[-1]["action"] == "DescribeLaunchConfigurations" and journal[-1]["code"] == info.value.code


def test_aliyun_versions_and_scaling_configurations(emu):
    emu.control.add_references(
        "aliyun",
        [
            dict(TEMPLATE, versions=[{"image_id": "m-emu0001"}, {"image_id": "m-emu0008"}]),
            {
                "kind": "scaling_configuration",
                "id": "asc-emu00001",
                "name": "cfg",
                "image_id": "m-emu0001",
                "group": "asg-emu00001",
            },
        ],
    )
    client = sdk.aliyun(emu)
    versions = client.describe_launch_template_versions(
        ecs_models.DescribeLaunchTemplateVersionsRequest(region_id=sdk.ALIYUN_REGION, launch_template_id="lt-emu00001")
    ).body
    found = versions.launch_template_version_sets.launch_template_version_set
    assert [(v.version_number, v.default_version, v.launch_template_data.image_id) for v in found] == [
        (1, False, "m-emu0001"),
        (2, True, "m-emu0008"),
    ]
    answer = (
        ess(emu)
        .describe_scaling_configurations(
            ess_models.DescribeScalingConfigurationsRequest(region_id=sdk.ALIYUN_REGION, page_size=50)
        )
        .body
    )
    assert [(c.scaling_configuration_id, c.image_id, c.scaling_group_id) for c in answer.scaling_configurations] == [
        ("asc-emu00001", "m-emu0001", "asg-emu00001")
    ]
    with pytest.raises(AlibabaCloudException) as info:
        ess(emu).describe_scaling_configurations(
            ess_models.DescribeScalingConfigurationsRequest(region_id=sdk.ALIYUN_REGION, page_size=51)
        )
    assert info.value.code == "InvalidParameter"
    emu.control.deny("aliyun", "DescribeScalingConfigurations")
    with pytest.raises(AlibabaCloudException) as info:
        ess(emu).describe_scaling_configurations(
            ess_models.DescribeScalingConfigurationsRequest(region_id=sdk.ALIYUN_REGION)
        )
    assert (info.value.code, info.value.status_code) == ("Forbidden.RAM", 403)


def test_huawei_scaling_configurations_and_servers(emu):
    image = "e0000000-0000-4000-8000-000000000001"
    emu.control.add_references(
        "huawei",
        [
            {
                "kind": "scaling_configuration",
                "id": "c0000000-0000-4000-8000-00000000000%d" % n,
                "image_id": image,
                "group": "g0000000-0000-4000-8000-000000000001",
            }
            for n in range(1, 4)
        ]
        + [{"kind": "server", "id": "50000000-0000-4000-8000-000000000001", "name": "srv", "image_id": image}],
    )
    answer = huawei(emu, AsClient).list_scaling_configs(ListScalingConfigsRequest(start_number=1, limit=2))
    assert answer.total_number == 3 and len(answer.scaling_configurations) == 2
    assert answer.scaling_configurations[0].instance_config.image_ref == image
    servers = huawei(emu, EcsClient).list_servers_details(ListServersDetailsRequest(offset=1, limit=1000))
    assert servers.count == 1 and servers.servers[0].image.id == image
    with pytest.raises(ServiceResponseException) as info:
        huawei(emu, AsClient).list_scaling_configs(ListScalingConfigsRequest(limit=101))
    assert info.value.status_code == 400
    emu.control.deny("huawei", "ListServersDetails", code="Ecs.0319", status=403)
    with pytest.raises(ServiceResponseException) as info:
        huawei(emu, EcsClient).list_servers_details(ListServersDetailsRequest())
    assert (info.value.status_code, info.value.error_code) == (403, "Ecs.0319")


def test_seed_records_are_checked():
    accounts = [{"id": "1"}]
    with pytest.raises(SeedError):
        normalize({"huawei": [{"kind": "launch_template", "id": "x", "versions": [{"image_id": "a"}]}]}, None, accounts)
    with pytest.raises(SeedError):
        normalize({"tencent": [dict(TEMPLATE, default_version=4)]}, None, accounts)
    with pytest.raises(SeedError):
        normalize({}, [{"cloud": "aliyun", "action": "DeleteImage"}], accounts)
    references, denied = normalize(
        {"tencent": [TEMPLATE]}, [{"cloud": "tencent", "action": "DescribeLaunchTemplates"}], accounts
    )
    assert references["tencent"][0]["versions"][2] == {"number": 3, "image_id": "img-emu00003"}
    assert denied == [{"cloud": "tencent", "action": "DescribeLaunchTemplates", "account": "1"}]


def test_seed_file_references_and_reset(emu):
    seed = dict(
        emu.seed, references={"tencent": [TEMPLATE]}, denied=[{"cloud": "tencent", "action": "DescribeLaunchTemplates"}]
    )
    emu.control.reset(seed)
    with pytest.raises(TencentCloudSDKException):
        sdk.tencent(emu).DescribeLaunchTemplates(cvm_models.DescribeLaunchTemplatesRequest())
    emu.control.reset()
    assert sdk.tencent(emu).DescribeLaunchTemplates(cvm_models.DescribeLaunchTemplatesRequest()).TotalCount == 0
