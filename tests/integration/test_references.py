"""Referenced images, module by module: the info modules' with_references, paging, the version range, a template
that vanishes between two reads, a throttled read. Each case runs a module's main() in this process (the real SDKs,
over real HTTP, against the emulator) and checks the result and the emulator's journal. The integration targets
(tasks/referenced.yml) cover the blocks in check mode and the real run, protect_referenced: false and refused reads.
"""

import pytest
from hardening.harness import run_module

CLOUDS = ("tencent", "aliyun", "huawei")
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
SERVICES = {"tencent": ("as",), "aliyun": ("ess",), "huawei": ("as", "ecs")}
KEYS = {
    "tencent": ("secret_id", "secret_key"),
    "aliyun": ("access_key_id", "access_key_secret"),
    "huawei": ("ak", "sk"),
}
DELETABLE = {
    "tencent": ["img-emu00001", "img-emu00002"],
    "aliyun": ["m-emu0001", "m-emu0008"],
    "huawei": ["e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000009"],
}
READS = {
    "tencent": {"DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeLaunchConfigurations"},
    "aliyun": {"DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeScalingConfigurations"},
    "huawei": {"ListScalingConfigs", "ListServersDetails"},
}


def connection(emu, cloud):
    names = KEYS[cloud]
    args = {
        "region": REGIONS[cloud],
        "endpoint": emu.url(cloud),
        "retries": 2,
        "access_key": emu.keys[cloud][names[0]],
        "secret_key": emu.keys[cloud][names[1]],
        "service_endpoints": dict((name, emu.url(cloud)) for name in SERVICES[cloud]),
    }
    if cloud == "huawei":
        args["project_id"] = emu.keys["huawei"]["projects"]["cn-north-4"]
    return args


def configuration(cloud, image_id, number=1):
    config_id = ("c%07d-0000-4000-8000-000000000001" % number) if cloud == "huawei" else "asc-cfg%05d" % number
    group = ("g%07d-0000-4000-8000-000000000001" % number) if cloud == "huawei" else "asg-grp%05d" % number
    return {
        "kind": "scaling_configuration",
        "id": config_id,
        "name": "config-%d" % number,
        "image_id": image_id,
        "group": group,
    }


def reads(emu, cloud):
    return [c for c in emu.control.journal(cloud=cloud) if c["action"] in READS[cloud]]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_info_with_references_names_every_referrer(emu, cloud):
    first, second = DELETABLE[cloud]
    records = [configuration(cloud, first)]
    if cloud == "huawei":
        records.append(
            {"kind": "server", "id": "52000000-0000-4000-8000-000000000001", "name": "srv", "image_id": second}
        )
    else:
        records.append(
            {
                "kind": "launch_template",
                "id": "lt-tpl00001",
                "name": "tpl",
                "default_version": 1,
                "versions": [{"image_id": first}, {"image_id": second}],
            }
        )
    emu.control.add_references(cloud, records)
    run = run_module(cloud, dict(connection(emu, cloud), image_ids=[first, second], with_references=True), info=True)
    assert run.result and not run.result.get("failed"), run.result
    by_id = dict((image["id"], image["referenced_by"]) for image in run.result["images"])
    config = records[0]
    assert {"kind": "scaling_configuration", "id": config["id"], "name": "config-1", "group": config["group"]} in by_id[
        first
    ]
    if cloud == "huawei":
        assert by_id[second] == [{"kind": "server", "id": records[1]["id"], "name": "srv"}]
    else:
        assert {"kind": "launch_template", "id": "lt-tpl00001", "name": "tpl", "version": 1} in by_id[first]
        assert by_id[second] == [{"kind": "launch_template", "id": "lt-tpl00001", "name": "tpl", "version": 2}]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_info_without_with_references_reads_nothing_more(emu, cloud):
    emu.control.add_references(cloud, [configuration(cloud, DELETABLE[cloud][0])])
    run = run_module(cloud, dict(connection(emu, cloud), image_ids=DELETABLE[cloud]), info=True)
    assert run.result and not run.result.get("failed"), run.result
    assert all("referenced_by" not in image for image in run.result["images"])
    assert reads(emu, cloud) == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_referrer_on_a_later_page_blocks_its_image(emu, cloud):
    """More scaling configurations than one page holds (Tencent and Huawei 100, Alibaba 50): the last names the image."""
    others = [configuration(cloud, None, n) for n in range(2, 122)]
    for record in others:
        record["image_id"] = {
            "tencent": "img-zzzzzzzz",
            "aliyun": "m-zzzz",
            "huawei": "f0000000-0000-4000-8000-0000000000ff",
        }[cloud]
    emu.control.add_references(cloud, others + [configuration(cloud, DELETABLE[cloud][0], 999)])
    run = run_module(
        cloud, dict(connection(emu, cloud), state="absent", image_ids=DELETABLE[cloud][:1]), check_mode=True
    )
    assert run.result.get("failed"), run.result
    assert [(b["id"], b["category"]) for b in run.result["blocked"]] == [(DELETABLE[cloud][0], "referenced")]
    assert "config-999" in run.result["blocked"][0]["reason"]
    action = {
        "tencent": "DescribeLaunchConfigurations",
        "aliyun": "DescribeScalingConfigurations",
        "huawei": "ListScalingConfigs",
    }[cloud]
    pages = [c for c in reads(emu, cloud) if c["action"] == action]
    assert len(pages) == (3 if cloud == "aliyun" else 2)


def test_tencent_a_version_beyond_the_default_range_still_blocks(emu):
    """DescribeLaunchTemplateVersions reads MaxVersion 30 unless told: the module asks up to the latest version."""
    versions = [{"image_id": "img-zzzzzzzz"}] * 34 + [{"image_id": "img-emu00001"}]
    emu.control.add_references("tencent", [{"kind": "launch_template", "id": "lt-many0001", "versions": versions}])
    run = run_module(
        "tencent", dict(connection(emu, "tencent"), state="absent", image_ids=["img-emu00001"]), check_mode=True
    )
    assert [(b["id"], b["category"]) for b in run.result["blocked"]] == [("img-emu00001", "referenced")]
    assert "version 35" in run.result["blocked"][0]["reason"]


@pytest.mark.parametrize(
    "cloud,code,status",
    [
        ("tencent", "InvalidParameterValue.LaunchTemplateNotFound", None),
        ("aliyun", "InvalidLaunchTemplate.NotFound", 404),
    ],
)
def test_a_template_deleted_between_two_reads_names_nothing(emu, cloud, code, status):
    image_id = DELETABLE[cloud][0]
    emu.control.add_references(
        cloud, [{"kind": "launch_template", "id": "lt-gone0001", "versions": [{"image_id": image_id}]}]
    )
    emu.control.add_fault(cloud=cloud, action="DescribeLaunchTemplateVersions", kind="error", code=code, status=status)
    run = run_module(cloud, dict(connection(emu, cloud), state="absent", image_ids=[image_id]), check_mode=True)
    assert run.result and not run.result.get("failed"), run.result
    assert run.result["deleted"] == [image_id]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_throttled_reference_read_is_retried(emu, cloud):
    action = sorted(READS[cloud])[-1]
    emu.control.add_fault(cloud=cloud, action=action, kind="throttle", times=1)
    emu.control.add_references(cloud, [configuration(cloud, DELETABLE[cloud][0])])
    run = run_module(cloud, dict(connection(emu, cloud), state="absent", image_ids=DELETABLE[cloud]), check_mode=True)
    assert [b["id"] for b in run.result["blocked"]] == DELETABLE[cloud][:1], run.result
    assert len([c for c in reads(emu, cloud) if c["action"] == action]) == 2
