"""The control API, seeding, the journal and run.py itself."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.cvm.v20170312 import models

from . import fixtures, sdk
from .client import ControlClient, ControlError

SMALL_SEED = {
    "config": {"delete_polls": 1},
    "accounts": [{"id": "42", "tencent": {"secret_id": "emu-small-id", "secret_key": "emu-small-key"}}],
    "images": {"tencent": [{"id": "img-small001", "name": "only", "region": "ap-beijing"}]},
}


def describe(client, **fields):
    request = models.DescribeImagesRequest()
    for name, value in fields.items():
        setattr(request, name, value)
    return client.DescribeImages(request)


def small_client(emu):
    return sdk.tencent(emu, "emu-small-id", "emu-small-key", region="ap-beijing")


def test_health_and_journal_entries(emu):
    assert emu.control.health() == {"ok": True}
    sts = emu.keys["sts"]["tencent"]
    request = models.DeleteImagesRequest()
    request.ImageIds, request.DryRun = ["img-emu00002"], True
    sdk.tencent(emu, sts["access_key"], sts["secret_key"], sts["token"]).DeleteImages(request)
    [entry] = emu.control.journal("tencent")
    assert set(entry) == {
        "seq",
        "time",
        "at",
        "cloud",
        "action",
        "method",
        "path",
        "account",
        "region",
        "params",
        "dry_run",
        "mutating",
        "status",
        "code",
        "request_id",
        "fault",
        "image_ids",
        "sent_headers",
        "tls",
        "applied",
        "mutations",
        "leaks",
        "key_id",
    }
    assert entry["key_id"] == sts["access_key"]
    assert (entry["action"], entry["account"], entry["region"], entry["dry_run"], entry["mutating"]) == (
        "DeleteImages",
        "100000000001",
        "ap-guangzhou",
        True,
        False,
    )
    assert entry["params"] == {"ImageIds": ["img-emu00002"], "DryRun": True}
    assert entry["sent_headers"]["X-TC-Token"] == entry["sent_headers"]["Authorization"] == "<redacted>"
    assert entry["sent_headers"]["X-TC-Action"] == "DeleteImages"
    assert sts["token"] not in json.dumps(entry)
    assert emu.control.journal("aliyun") == [] and emu.control.journal(mutating=False) == [entry]
    # The control API's flags are exactly 1 or 0 (client.py sends them so).
    for loose in ("true", "TRUE", "yes"):
        with pytest.raises(ControlError) as info:
            emu.control._call("GET", "/journal", mutating=loose)
        assert "a flag is 1 or 0" in str(info.value)
    emu.control.clear_journal()
    assert emu.control.journal() == []


def test_reset_with_a_seed_then_back_to_the_default(emu):
    emu.control.reset(SMALL_SEED)
    answer = describe(small_client(emu))
    assert [i.ImageId for i in answer.ImageSet] == ["img-small001"]
    assert emu.control.config()["delete_polls"] == 1
    with pytest.raises(TencentCloudSDKException) as info:
        describe(sdk.tencent(emu))
    assert info.value.code == "AuthFailure.SecretIdNotFound"
    emu.control.reset()
    assert describe(sdk.tencent(emu)).TotalCount == 11


def test_add_and_update_images(emu):
    added = emu.control.add_images("tencent", [{"id": "img-added001", "name": "added", "tags": {"k": "v"}}])
    assert added[0]["account"] == "100000000001" and added[0]["region"] == "ap-guangzhou"
    assert [i.ImageName for i in describe(sdk.tencent(emu), ImageIds=["img-added001"]).ImageSet] == ["added"]
    updated = emu.control.update_image("tencent", "img-added001", shared=True)
    assert updated["shared"] is True
    request = models.DeleteImagesRequest()
    request.ImageIds = ["img-added001"]
    with pytest.raises(TencentCloudSDKException) as info:
        sdk.tencent(emu).DeleteImages(request)
    assert info.value.code == "InvalidImageId.InShared"
    assert emu.control.update_image("aliyun", "m-emu0001", in_use=True)["usage"] == "instance"
    huawei = emu.control.update_image("huawei", "e0000000-0000-4000-8000-000000000001", state="saving")
    assert huawei["status"] == "saving"
    system = emu.control.update_image("aliyun", "aliyun_3_x64_20G_alibase_20250101.vhd", name="renamed")
    assert (system["name"], system["owner_alias"]) == ("renamed", "system")
    assert [i["id"] for i in emu.control.images("tencent", region="ap-shanghai")] == ["img-emu0000a"]
    assert [i["id"] for i in emu.control.images("tencent", account="100000000002")] == ["img-emu0000b"]


@pytest.mark.parametrize(
    "call, args",
    [
        ("update_image", ("tencent", "img-nothere1")),
        ("add_images", ("tencent", [{"id": "img-x0000001", "colour": "red"}])),
        ("add_images", ("gcp", [{"id": "x"}])),
        ("images", ("gcp",)),
        ("reset", ({"accounts": [{"id": "1", "tencent": {"secret_id": "only-id"}}]},)),
    ],
)
def test_bad_control_calls(emu, call, args):
    with pytest.raises(ControlError) as info:
        getattr(emu.control, call)(*args)
    assert info.value.status in (400, 404)
    assert describe(sdk.tencent(emu)).TotalCount == 11  # a refused reset keeps the old state


def test_configure_validates(emu):
    assert emu.control.configure(delete_polls=5)["delete_polls"] == 5
    for bad in (
        {"delete_polls": -1},
        {"latency": 5},
        {"tencent_max_batch": 0},
        {"aliyun_missing_delete": "maybe"},
        {"deleting_view": "DELETING"},
        {"aliyun_dry_run": True},
        {"huawei_error_status": 404},
    ):
        with pytest.raises(ControlError):
            emu.control.configure(**bad)
    assert emu.control.config()["delete_polls"] == 5
    # Every choice of "Assumptions" can be set, each value of it.
    from emulator.seed import CHOICES

    for key, values in CHOICES.items():
        for value in values:
            assert emu.control.configure(**{key: value})[key] == value


@pytest.mark.parametrize(
    "cloud, image",
    [
        ("tencent", {"id": "img-state0001", "state": "USING"}),  # USING comes from in_use, not a seeded state
        ("tencent", {"id": "img-state0002", "state": "normal"}),  # exact case
        ("aliyun", {"id": "m-state0001", "status": "Deleting"}),  # not a documented status
        ("aliyun", {"id": "m-state0002", "status": "ALL"}),
        ("huawei", {"id": "e9000000-0000-4000-8000-000000000001", "status": "deactivated"}),  # not an IMS status
        ("huawei", {"id": "e9000000-0000-4000-8000-000000000002", "members": [{"member_id": "p", "status": "maybe"}]}),
    ],
)
def test_seeded_states_and_members_are_the_documented_ones(emu, cloud, image):
    with pytest.raises(ControlError):
        emu.control.add_images(cloud, [image])


def test_huawei_members_follow_shared(emu):
    image = emu.control.add_images("huawei", [{"id": "e9000000-0000-4000-8000-000000000003", "shared": True}])[0]
    assert len(image["members"]) == 1 and image["imagetype"] == "shared" and image["visibility"] == "shared"
    updated = emu.control.update_image("huawei", image["id"], shared=False)
    assert (updated["members"], updated["imagetype"], updated["shared"]) == ([], "private", False)
    updated = emu.control.update_image("huawei", image["id"], members=["p1", {"member_id": "p2", "status": "rejected"}])
    assert updated["shared"] and updated["imagetype"] == "shared" and updated["members"][1]["status"] == "rejected"


def test_seed_from_files(tmp_path, emu):
    for name, dump in (("seed.yml", yaml.safe_dump), ("seed.json", json.dumps)):
        path = tmp_path / name
        path.write_text(dump(SMALL_SEED))
        process, ports = fixtures.start(str(path))
        other = fixtures.Emulator(ports, SMALL_SEED)
        try:
            answer = describe(small_client(other))
            assert [i.ImageId for i in answer.ImageSet] == ["img-small001"]
            other.control.reset({"accounts": [], "images": {}})
            other.control.reset()  # back to the file's seed, not the default one
            assert [i["id"] for i in other.control.images("tencent")] == ["img-small001"]
        finally:
            fixtures.stop(process, other.control)


def test_run_py_background_and_shutdown(tmp_path):
    ports_file = tmp_path / "ports.json"
    done = subprocess.run(
        [sys.executable, fixtures.RUN_PY, "--background", "--ports-file", str(ports_file), "--latency-ms", "5"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ports = json.loads(done.stdout)
    assert set(ports) == {
        "tencent",
        "aliyun",
        "huawei",
        "control",
        "pid",
        "tencent_https",
        "aliyun_https",
        "huawei_https",
        "ca_path",
    }
    assert ports["tencent"].startswith("127.0.0.1:") and ports["huawei"].startswith("http://127.0.0.1:")
    assert ports["huawei_https"].startswith("https://127.0.0.1:") and os.path.isfile(ports["ca_path"])
    assert json.loads(ports_file.read_text()) == ports
    control = ControlClient(ports["control"])
    assert control.health() == {"ok": True} and control.config()["latency_ms"] == 5
    control.shutdown()
    for _attempt in range(50):
        try:
            urllib.request.urlopen(ports["control"] + "/health", timeout=1)
        except (urllib.error.URLError, OSError):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the emulator did not stop")
    for _attempt in range(50):  # the temporary CA directory goes with the process
        if not os.path.exists(ports["ca_path"]):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the emulator left its CA file behind")


@pytest.mark.parametrize(
    "args", [["--seed", "/nonexistent.yml"], ["--host", "0.0.0.0"], ["--background", "--host", "10.1.1.1"]]
)
def test_run_py_refuses(args):
    done = subprocess.run(
        [sys.executable, fixtures.RUN_PY, *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode != 0 and done.stdout == ""


def test_run_py_stops_with_its_parent(tmp_path):
    """A test run that is killed (timeout, OOM) must not leave its emulator behind."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, %r, '--no-tls', '--parent-pid', str(__import__('os').getpid())],"
        " stdout=subprocess.PIPE)\n"
        "print(p.stdout.readline().decode().strip(), flush=True)\n" % fixtures.RUN_PY
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30, check=True)
    ports = json.loads(done.stdout)
    for _attempt in range(50):  # the parent has exited: the emulator follows within a second or so
        try:
            os.kill(ports["pid"], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(ports["pid"], 15)
        pytest.fail("the emulator outlived its parent")
