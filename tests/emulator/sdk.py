"""Real SDK clients pointed at the emulator, for the emulator's own tests."""

from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config as AliyunConfig
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkims.v2 import ImsClient
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312.cvm_client import CvmClient

TENCENT_REGION, ALIYUN_REGION, HUAWEI_REGION = "ap-guangzhou", "cn-hangzhou", "cn-north-4"


def tencent(emu, secret_id=None, secret_key=None, token=None, region=TENCENT_REGION, method="POST"):
    keys = emu.keys["tencent"]
    profile = HttpProfile(protocol="http", endpoint=emu.ports["tencent"], reqMethod=method, reqTimeout=10)
    cred = credential.Credential(secret_id or keys["secret_id"], secret_key or keys["secret_key"], token)
    return CvmClient(cred, region, ClientProfile(httpProfile=profile, language="en-US"))


def aliyun(emu, key_id=None, secret=None, token=None, region=ALIYUN_REGION):
    keys = emu.keys["aliyun"]
    config = AliyunConfig(
        access_key_id=key_id or keys["access_key_id"],
        access_key_secret=secret or keys["access_key_secret"],
        security_token=token,
        region_id=region,
        endpoint=emu.ports["aliyun"],
        protocol="http",
        connect_timeout=5000,
        read_timeout=10000,
    )
    return EcsClient(config)


def huawei(emu, ak=None, sk=None, project_id=None, token=None, region=HUAWEI_REGION, iam=False):
    """With iam=True the client has no project id and asks the emulator's IAM for it."""
    keys = emu.keys["huawei"]
    project = None if iam else (project_id or keys["projects"][region])
    cred = BasicCredentials(ak or keys["ak"], sk or keys["sk"], project)
    if token:
        cred = cred.with_security_token(token)
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    config.timeout = (5, 10)
    builder = ImsClient.new_builder().with_http_config(config)
    if iam:
        from huaweicloudsdkcore.region.region import Region

        BasicCredentials._CACHE.clear()  # the SDK caches project ids per AK and region
        cred = cred.with_iam_endpoint(emu.ports["huawei"])
        return builder.with_credentials(cred).with_region(Region(region, emu.ports["huawei"])).build()
    return builder.with_credentials(cred).with_endpoints([emu.ports["huawei"]]).build()


def await_journal(emu, cloud, calls=1, seconds=10):
    """Wait (bounded) until ``calls`` calls of ``cloud`` are journaled, and return them. A call whose client
    gave up is journaled only when the emulator answers it: waiting keeps it out of the next test's journal."""
    import time

    deadline = time.monotonic() + seconds
    journal = emu.control.journal(cloud=cloud)
    while len(journal) < calls and time.monotonic() < deadline:
        time.sleep(0.05)
        journal = emu.control.journal(cloud=cloud)
    return journal
