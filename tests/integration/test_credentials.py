"""Credentials as teams hold them: assumed roles, CLI profiles, none at all, and a region the cloud does not know.

Each case runs a module's main() in this process (the real SDKs, over real HTTP, against the emulator) with a
clean environment and an empty temporary HOME, and checks the result and the emulator's journal.
"""

import json
import os

import pytest
from hardening.harness import run_module

CLOUDS = ("tencent", "aliyun", "huawei")
IMAGES = {"tencent": "img-emu00002", "aliyun": "m-emu0001", "huawei": "e0000000-0000-4000-8000-000000000001"}
REGIONS = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
OWNER, OTHER = "100000000001", "100000000002"
ROLES = {
    "tencent": {"role_arn": "qcs::cam::uin/100000000001:roleName/image-cleaner"},
    "aliyun": {"role_arn": "acs:ram::100000000001:role/image-cleaner"},
    "huawei": {"agency_name": "image-cleaner", "domain_name": "emu-domain-1"},
}
WRONG_ROLES = {
    "tencent": {"role_arn": "qcs::cam::uin/100000000001:roleName/no-such-role"},
    "aliyun": {"role_arn": "acs:ram::100000000001:role/no-such-role"},
    "huawei": {"agency_name": "no-such-agency", "domain_name": "emu-domain-1"},
}
CLOUD_ENV_PREFIXES = ("TENCENTCLOUD_", "ALIBABA_CLOUD_", "ALICLOUD_", "HUAWEICLOUD_", "HW_", "TKE_")
DELETES = {"DeleteImages", "DeleteImage"}
REFERENCE_SERVICES = {"tencent": ("as",), "aliyun": ("ess",), "huawei": ("as", "ecs")}
ENV_KEYS = {
    "tencent": "TENCENTCLOUD_SECRET_ID",
    "aliyun": "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "huawei": "HUAWEICLOUD_SDK_AK",
}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """No cloud variables, and an empty HOME (no CLI or SDK credentials files)."""
    for name in list(os.environ):
        if name.startswith(CLOUD_ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    # The Tencent and Alibaba chains would otherwise ask an instance metadata address.
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    return tmp_path


def keys(emu, cloud, account=OTHER):
    raw = next(a for a in emu.seed["accounts"] if str(a["id"]) == account)[cloud]
    names = {
        "tencent": ("secret_id", "secret_key"),
        "aliyun": ("access_key_id", "access_key_secret"),
        "huawei": ("ak", "sk"),
    }[cloud]
    return {"access_key": raw[names[0]], "secret_key": raw[names[1]]}


def connection(emu, cloud):
    # The reference reads (protect_referenced) go to the emulator too: it serves every service on the cloud's port.
    args = {
        "region": REGIONS[cloud],
        "endpoint": emu.url(cloud),
        "retries": 0,
        "service_endpoints": dict((name, emu.url(cloud)) for name in REFERENCE_SERVICES[cloud]),
    }
    if cloud == "huawei":
        args["iam_endpoint"] = emu.url(cloud)
    elif cloud == "aliyun":
        # The Alibaba provider always speaks https to STS unless given a URL: use the emulator's HTTPS port.
        args["service_endpoints"]["sts"] = emu.url(cloud, https=True)
        args["ca_path"] = emu.ca_path
    else:
        args["service_endpoints"]["sts"] = emu.url(cloud)
    return args


def image_args(emu, cloud, **extra):
    return dict(connection(emu, cloud), state="absent", image_ids=[IMAGES[cloud]], **extra)


def journal(emu, cloud):
    return emu.control.journal(cloud=cloud)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_assume_role_deletes_with_the_temporary_keys(emu, home, cloud):
    run = run_module(cloud, image_args(emu, cloud, assume_role=dict(ROLES[cloud], duration=3600), **keys(emu, cloud)))
    assert run.result and not run.result.get("failed"), run.result
    assert run.result["deleted"] == [IMAGES[cloud]]
    calls = journal(emu, cloud)
    role_calls = [c for c in calls if c["action"] in ("AssumeRole", "CreateTemporaryAccessKeyByAgency")]
    assert len(role_calls) == 1 and role_calls[0]["status"] in (200, 201)
    base = keys(emu, cloud)["access_key"]
    # The role call is signed by the base keys (of the trusted account), every other call by the role's temporary keys
    # (of the role's account), which the emulator issued: no seeded key has their prefix.
    assert (role_calls[0]["account"], role_calls[0]["key_id"]) == (OTHER, base)
    deletes = [c for c in calls if c["action"] in DELETES and c["status"] in (200, 204)]
    assert deletes
    others = [c for c in calls if c not in role_calls]
    assert all(c["account"] == OWNER and c["key_id"].startswith(("emu-tmp-", "STS.emu-tmp-")) for c in others)
    assert len({c["key_id"] for c in others}) == 1


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_wrong_role_fails_before_any_delete(emu, home, cloud):
    run = run_module(cloud, image_args(emu, cloud, assume_role=WRONG_ROLES[cloud], **keys(emu, cloud)))
    assert run.result["failed"] and run.result["error"]["category"] in ("auth_failed", "forbidden"), run.result
    assert "no-such" in run.result["msg"]
    assert not [c for c in journal(emu, cloud) if c["action"] in DELETES or c["mutating"]]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_role_the_base_keys_may_not_assume_is_refused(emu, home, cloud):
    run = run_module(cloud, image_args(emu, cloud, assume_role=ROLES[cloud], **keys(emu, cloud, OWNER)))
    assert run.result["failed"] and run.result["error"]["category"] in ("auth_failed", "forbidden"), run.result
    assert not [c for c in journal(emu, cloud) if c["action"] in DELETES]


ROLE_ACTIONS = {"tencent": "AssumeRole", "aliyun": "AssumeRole", "huawei": "CreateTemporaryAccessKeyByAgency"}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_throttled_role_call_is_throttled_on_every_cloud(emu, home, cloud):
    """A throttled AssumeRole (or Huawei agency) call keeps its category, as the taxonomy and the retry policy
    read it: the same rule for the three clouds (adapter.role_error)."""
    # Every call of the cloud is throttled (the fault API names no STS action): the role call is the first one.
    emu.control.add_fault(cloud=cloud, kind="throttle", times=50)
    run = run_module(cloud, image_args(emu, cloud, retries=0, assume_role=ROLES[cloud], **keys(emu, cloud)))
    assert run.result["failed"] and run.result["error"]["category"] == "throttled", run.result
    assert "could not assume" in run.result["msg"] and journal(emu, cloud)[0]["action"] == ROLE_ACTIONS[cloud]
    assert not [c for c in journal(emu, cloud) if c["action"] in DELETES or c["mutating"]]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_no_credentials_is_auth_failed_at_once(emu, home, cloud):
    run = run_module(cloud, dict(image_args(emu, cloud), retries=6))
    assert run.result["failed"] and run.result["error"]["category"] == "auth_failed", run.result
    assert "access_key" in run.result["msg"] and ENV_KEYS[cloud] in run.result["msg"]
    assert ("profile" in run.result["msg"]) == (cloud != "huawei")
    for noise in ("TKE_REGION", "Exception", "Traceback"):
        assert noise not in run.result["msg"]
    assert journal(emu, cloud) == []  # no call reached the cloud, so none was retried


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_bogus_region_is_a_clear_error(emu, home, cloud):
    args = dict(image_args(emu, cloud), region="xx-nowhere-9", **keys(emu, cloud, OWNER))
    run = run_module(cloud, args)
    assert run.result["failed"] and run.result["error"]["category"] == "invalid_parameter", run.result
    assert "xx-nowhere-9" in run.result["msg"]
    assert not [c for c in journal(emu, cloud) if c["action"] in DELETES]


@pytest.mark.parametrize("cloud", ("tencent", "aliyun"))
def test_profile_reads_the_cli_credentials_file(emu, home, cloud):
    base = keys(emu, cloud, OWNER)
    if cloud == "tencent":
        (home / ".tccli").mkdir()
        (home / ".tccli" / "cleaner.credential").write_text(
            json.dumps({"secretId": base["access_key"], "secretKey": base["secret_key"]})
        )
    else:
        (home / ".aliyun").mkdir()
        (home / ".aliyun" / "config.json").write_text(
            json.dumps(
                {
                    "current": "default",
                    "profiles": [
                        {"name": "default", "mode": "AK", "access_key_id": "wrong", "access_key_secret": "wrong"},
                        {
                            "name": "cleaner",
                            "mode": "AK",
                            "access_key_id": base["access_key"],
                            "access_key_secret": base["secret_key"],
                        },
                    ],
                }
            )
        )
    run = run_module(cloud, image_args(emu, cloud, profile="cleaner"))
    assert run.result and run.result["deleted"] == [IMAGES[cloud]], run.result
    assert {c["account"] for c in journal(emu, cloud)} == {OWNER}


@pytest.mark.parametrize("cloud", ("tencent", "aliyun"))
def test_profile_with_a_role(emu, home, cloud, monkeypatch):
    """The profile's keys sign the STS call; the role's keys the image calls. Role from the environment."""
    base = keys(emu, cloud)
    if cloud == "tencent":
        (home / ".tccli").mkdir()
        (home / ".tccli" / "default.credential").write_text(
            json.dumps({"secretId": base["access_key"], "secretKey": base["secret_key"]})
        )
        monkeypatch.setenv("TENCENTCLOUD_ASSUME_ROLE_ARN", ROLES[cloud]["role_arn"])
        monkeypatch.setenv("TENCENTCLOUD_PROFILE", "default")
    else:
        (home / ".aliyun").mkdir()
        (home / ".aliyun" / "config.json").write_text(
            json.dumps(
                {
                    "current": "default",
                    "profiles": [
                        {
                            "name": "default",
                            "mode": "AK",
                            "access_key_id": base["access_key"],
                            "access_key_secret": base["secret_key"],
                        }
                    ],
                }
            )
        )
        monkeypatch.setenv("ALICLOUD_ASSUME_ROLE_ARN", ROLES[cloud]["role_arn"])
        monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "default")
    run = run_module(cloud, image_args(emu, cloud))
    assert run.result and run.result["deleted"] == [IMAGES[cloud]], run.result
    role_call = [c for c in journal(emu, cloud) if c["action"] == "AssumeRole"]
    assert len(role_call) == 1 and role_call[0]["account"] == OTHER


@pytest.mark.parametrize("cloud,words", [("tencent", "nobody.credential"), ("aliyun", ".aliyun/config.json")])
def test_a_missing_profile_names_the_file(emu, home, cloud, words):
    run = run_module(cloud, image_args(emu, cloud, profile="nobody"))
    assert run.result["error"]["category"] == "auth_failed"
    assert words in run.result["msg"] and "nobody" in run.result["msg"]
    assert journal(emu, cloud) == []


def test_huawei_profiles_fail_clearly(emu, home):
    run = run_module("huawei", image_args(emu, "huawei", profile="cleaner"))
    assert run.result["error"]["category"] == "auth_failed"
    assert "not supported" in run.result["msg"]
    assert journal(emu, "huawei") == []


@pytest.mark.parametrize(
    "cloud,role,word",
    [
        ("tencent", {"role_arn": "qcs::cam::uin/1:roleName/r", "duration": 50000}, "duration"),
        ("aliyun", {"session_name": "x"}, "role_arn"),
        ("aliyun", {"role_arn": "acs:ram::1:role/r", "duration": 60}, "duration"),
        ("huawei", {"agency_name": "a"}, "domain_name"),
    ],
)
def test_bad_assume_role_is_refused_before_any_call(emu, home, cloud, role, word):
    run = run_module(cloud, image_args(emu, cloud, assume_role=role, **keys(emu, cloud)))
    assert run.result["failed"] and word in run.result["msg"]
    assert journal(emu, cloud) == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_unknown_keys_are_refused_before_any_call(emu, home, cloud):
    run = run_module(cloud, image_args(emu, cloud, assume_role=dict(ROLES[cloud], color="red"), **keys(emu, cloud)))
    assert run.result["failed"] and "color" in run.result["msg"]
    run = run_module(cloud, image_args(emu, cloud, service_endpoints={"nope": "127.0.0.1:1"}, **keys(emu, cloud)))
    assert run.result["failed"] and "nope" in run.result["msg"]
    assert journal(emu, cloud) == []


def test_tencent_role_keys_are_asked_for_again_when_a_task_outlives_them(emu, home):
    """Keys of 2 seconds, calls of 0.4 s: the task outlives its first keys and still succeeds."""
    emu.control.configure(latency_ms=400, delete_polls=3)
    run = run_module(
        "tencent", image_args(emu, "tencent", assume_role=dict(ROLES["tencent"], duration=2), **keys(emu, "tencent"))
    )
    assert run.result["deleted"] == [IMAGES["tencent"]], run.result
    calls = journal(emu, "tencent")
    assert len([c for c in calls if c["action"] == "AssumeRole"]) > 1
    assert len({c["key_id"] for c in calls if c["action"] != "AssumeRole"}) > 1  # later calls signed by newer keys
    assert not [c for c in calls if str(c["code"] or "").startswith("AuthFailure")]
    # Each call took at least 0.4 s: the calls made after the first keys' 2 seconds were signed by later keys.
    assert len(calls) * 0.4 > 2


def test_info_module_with_a_role(emu, home):
    run = run_module(
        "aliyun",
        dict(
            connection(emu, "aliyun"), image_ids=[IMAGES["aliyun"]], assume_role=ROLES["aliyun"], **keys(emu, "aliyun")
        ),
        info=True,
    )
    assert [i["id"] for i in run.result["images"]] == [IMAGES["aliyun"]], run.result


@pytest.mark.parametrize("cloud", CLOUDS)
def test_an_unreachable_sts_endpoint_shows_no_credentials(emu, home, cloud):
    """A network error on the role call is transient and echoes no credential (Alibaba's provider signs its GET in the
    query)."""
    sts = next(k for k in emu.seed["accounts"][0]["sts"] if k["cloud"] == cloud and not k.get("expired"))
    args = image_args(
        emu,
        cloud,
        assume_role=ROLES[cloud],
        access_key=sts["access_key"],
        secret_key=sts["secret_key"],
        security_token=sts["token"],
    )
    if cloud == "huawei":
        args["iam_endpoint"] = "http://127.0.0.1:9"
    else:
        args["service_endpoints"] = {"sts": "http://127.0.0.1:9"}
    run = run_module(cloud, args)
    assert run.result["failed"] and run.result["error"]["category"] == "transient", run.result
    for secret in (sts["token"], sts["secret_key"], "SecurityToken=", "Signature="):
        assert secret not in run.stdout and secret not in run.stderr
    assert sts["access_key"] not in run.stderr and sts["access_key"] not in run.result["msg"]
    assert journal(emu, cloud) == []


def awx_environment(cloud, inputs_by_type):
    """The environment AWX gives a job with the key and role credential types of docs/awx (their env injectors)."""
    import yaml

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {}
    for folder, inputs in inputs_by_type.items():
        with open(os.path.join(root, "docs", "awx", folder, "%s.yml" % cloud)) as handle:
            injectors = yaml.safe_load(handle)["injectors"]["env"]
        for variable, template in injectors.items():
            env[variable] = str(inputs.get(template.strip("{} "), ""))
    return env


def test_playbook_with_the_awx_key_and_role_credentials(emu, tmp_path):
    """ansible-playbook, each cloud's keys and role only from the variables the AWX credential types inject."""
    from test_targets import one_play, run_playbook

    tasks = []
    for cloud in CLOUDS:
        base = keys(emu, cloud)
        role = dict(ROLES[cloud], duration=3600)
        if cloud == "tencent":
            role["session_name"] = "awx-job"
        env = awx_environment(
            cloud, {"credential_types": dict(base, region=REGIONS[cloud]), "role_credential_types": role}
        )
        args = dict(connection(emu, cloud), state="absent", image_ids=[IMAGES[cloud]])
        args.pop("region")  # from the key credential's region field
        tasks.append(
            {
                "name": cloud,
                "environment": env,
                "register": "result_%s" % cloud,
                "multicloud.images.%s_image" % cloud: args,
            }
        )
        tasks.append(
            {
                "name": "check %s" % cloud,
                "ansible.builtin.assert": {"that": ["result_%s.deleted == ['%s']" % (cloud, IMAGES[cloud])]},
            }
        )
    rc, output, dummy = run_playbook(tmp_path, one_play(tasks=tasks), {})
    assert rc == 0, output[-3000:]
    for cloud in CLOUDS:
        calls = journal(emu, cloud)
        role_calls = [c for c in calls if c["action"] in ("AssumeRole", "CreateTemporaryAccessKeyByAgency")]
        assert [c["key_id"] for c in role_calls] == [keys(emu, cloud)["access_key"]]
        assert all(c["account"] == OWNER for c in calls if c not in role_calls)
    tencent_role = [c for c in journal(emu, "tencent") if c["action"] == "AssumeRole"][0]
    assert tencent_role["params"]["RoleSessionName"] == "awx-job"


def test_huawei_endpoint_and_project_id_win_over_region_with_a_warning(emu, home):
    """region cn-nowhere-1 with the endpoint and project of cn-north-4: the cn-north-4 image goes, and the module warns
    that the region was not used (the endpoint's host, localhost here, does not name it)."""
    owner = next(a for a in emu.seed["accounts"] if str(a["id"]) == OWNER)["huawei"]
    args = image_args(emu, "huawei", **keys(emu, "huawei", OWNER))
    args.update(
        region="cn-nowhere-1",
        endpoint=emu.url("huawei").replace("127.0.0.1", "localhost"),
        project_id=owner["projects"][REGIONS["huawei"]],
    )
    run = run_module("huawei", args)
    assert run.result and not run.result.get("failed"), run.result
    assert run.result["deleted"] == [IMAGES["huawei"]]
    # A warning is a string, or on ansible-core 2.19 a dict holding the message: str() covers both.
    warnings = [str(w) for w in run.result.get("warnings", []) if "cn-nowhere-1" in str(w)]
    assert len(warnings) == 1 and "is not used for the image calls" in warnings[0], run.result.get("warnings")


def test_huawei_endpoint_naming_the_region_gives_no_warning(emu, home):
    """The same task with the region the endpoint serves: no warning (the emulator's address is an IP, not checked)."""
    owner = next(a for a in emu.seed["accounts"] if str(a["id"]) == OWNER)["huawei"]
    args = image_args(emu, "huawei", project_id=owner["projects"][REGIONS["huawei"]], **keys(emu, "huawei", OWNER))
    run = run_module("huawei", args)
    assert run.result and not run.result.get("failed"), run.result
    assert not [w for w in run.result.get("warnings", []) if "is not used for the image calls" in str(w)]
