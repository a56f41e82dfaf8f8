"""Huawei IMS (and the IAM project lookup) through the real huaweicloudsdkims SDK."""
import datetime
import json

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.signer import signer
from huaweicloudsdkims.v2 import (GlanceDeleteImageRequest, GlanceDeleteImageRequestBody, GlanceShowImageRequest,
                                  ListImagesRequest)

from . import sdk

# The SDK marks the Glance calls deprecated; they are still the native API the collection uses.
pytestmark = pytest.mark.filterwarnings("ignore:Method 'glance_:DeprecationWarning")
OWN = ["e0000000-0000-4000-8000-00000000000%d" % i for i in range(1, 10)]  # newest first, cn-north-4
GOLD, SHARED_IN, MARKET = ("f0000000-0000-4000-8000-00000000000%d" % i for i in (1, 2, 3))
FULL_IMAGE, BACKUP = OWN[1], "b0000000-0000-4000-8000-000000000001"


def listed(client, **params):
    return [image.id for image in client.list_images(ListImagesRequest(**params)).images]


def show(client, image_id):
    return client.glance_show_image(GlanceShowImageRequest(image_id=image_id))


def delete(client, image_id, delete_backup=None):
    body = None if delete_backup is None else GlanceDeleteImageRequestBody(delete_backup=delete_backup)
    return client.glance_delete_image(GlanceDeleteImageRequest(image_id=image_id, body=body))


def error(call, *args, **kwargs):
    with pytest.raises(exceptions.SdkException) as info:
        call(*args, **kwargs)
    return info.value


def test_list_and_filters(emu):
    client = sdk.huawei(emu)
    assert listed(client, imagetype="private") == OWN
    assert listed(client) == OWN + [SHARED_IN, MARKET, GOLD]
    assert listed(client, imagetype="gold") == [GOLD]
    assert listed(client, imagetype="market") == [MARKET]
    assert listed(client, imagetype="shared") == [SHARED_IN]
    assert listed(client, visibility="public") == [MARKET, GOLD]
    assert listed(client, name="api-1") == [OWN[0]]
    assert listed(client, status="queued") == [OWN[2]]
    assert listed(client, id=OWN[4]) == [OWN[4]]
    assert listed(client, tag="env.prod") == [OWN[0]]
    assert listed(client, imagetype="private", created_at="gte:2026-01-08T08:00:00Z") == OWN[:3]
    assert listed(client, imagetype="private", created_at="gt:2026-01-08 08:00:00") == OWN[:2]
    assert listed(client, imagetype="private", created_at="lte:2026-01-02T08:00:00Z") == [OWN[8]]
    assert listed(client, imagetype="private", created_at="lt:2026-01-02T08:00:00Z") == []
    assert listed(client, imagetype="private", sort_key="name", sort_dir="asc")[:3] == [OWN[0], OWN[1], OWN[8]]
    assert listed(sdk.huawei(emu, region="cn-south-1"), imagetype="private") == ["e0000000-0000-4000-8000-00000000000a"]
    other = sdk.huawei(emu, "emu-huawei-ak-2", "emu-huawei-sk-2", "2c3d4e5f60714a8293a4b5c6d7e8f902")
    assert listed(other, imagetype="private") == ["e0000000-0000-4000-8000-00000000000b"]


def test_list_paging_and_limits(emu):
    client = sdk.huawei(emu)
    pages, marker = [], None
    for _attempt in range(5):
        page = listed(client, imagetype="private", limit=4, marker=marker)
        if not page:
            break
        pages.append(page)
        marker = page[-1]
    assert [len(p) for p in pages] == [4, 4, 1] and sum(pages, []) == OWN
    for params in ({"limit": 1001}, {"marker": "e0000000-0000-4000-8000-0000000000ff"}, {"sort_dir": "up"},
                   {"created_at": "after:2026-01-01T00:00:00Z"}, {"created_at": "gte:yesterday"}):
        failure = error(listed, client, **params)
        assert (failure.status_code, failure.error_code) == (400, "IMG.0001")


def test_show_fields_and_not_found(emu):
    client = sdk.huawei(emu)
    image = show(client, OWN[0])
    assert (image.name, image.status, image.visibility, image.imagetype, image.min_disk) == (
        "api-1", "active", "private", "private", 40)
    assert image.owner == emu.keys["huawei"]["projects"]["cn-north-4"]
    assert image.tags == ["env.prod"] and image.os_version == "Ubuntu 22.04 server 64bit"
    assert show(client, FULL_IMAGE).backup_id == BACKUP
    assert (show(client, GOLD).imagetype, show(client, GOLD).visibility) == ("gold", "public")
    for missing in ("e0000000-0000-4000-8000-0000000000ff", "e0000000-0000-4000-8000-00000000000a",
                    "e0000000-0000-4000-8000-00000000000b"):
        failure = error(show, client, missing)
        assert (failure.status_code, failure.error_code) == (404, "IMG.0027") and failure.request_id
    failure = error(show, client, "not-a-uuid")
    assert (failure.status_code, failure.error_code) == (400, "IMG.0066")


def test_delete_goes_through_deleted_then_404(emu):
    client = sdk.huawei(emu)
    delete(client, OWN[0])
    assert [show(client, OWN[0]).status for _attempt in range(2)] == ["deleted", "deleted"]
    assert error(show, client, OWN[0]).status_code == 404
    assert error(delete, client, OWN[0]).error_code == "IMG.0027"
    for image_id in (OWN[4], OWN[8]):  # killed and deactivated images can go
        delete(client, image_id)
    calls = emu.control.journal("huawei", mutating=True)
    assert [(c["action"], c["status"]) for c in calls] == [
        ("DeleteImage", 204), ("DeleteImage", 404), ("DeleteImage", 204), ("DeleteImage", 204)]


def test_delete_backup_only_with_the_flag(emu):
    client = sdk.huawei(emu)
    delete(client, FULL_IMAGE, delete_backup=False)
    assert [s["id"] for s in emu.control.snapshots("huawei")] == [BACKUP]
    emu.control.reset()
    delete(client, FULL_IMAGE, delete_backup=True)
    assert emu.control.snapshots("huawei") == []
    assert emu.control.journal("huawei")[-1]["params"]["body"] == {"delete_backup": True}


@pytest.mark.parametrize("image_id, status, code", [
    (OWN[2], 400, "IMG.0090"),  # queued
    (OWN[3], 400, "IMG.0090"),  # saving
    (OWN[5], 400, "IMG.0091"),  # protected
    (OWN[6], 400, "IMG.9001"),  # in use (emulator's code)
    (OWN[7], 400, "IMG.9002"),  # shared with others (emulator's code)
    (GOLD, 403, "IMG.0094"),
    (SHARED_IN, 403, "IMG.0092"),
    (MARKET, 403, "IMG.0093"),
    ("e0000000-0000-4000-8000-0000000000ff", 404, "IMG.0027"),
    ("e0000000-0000-4000-8000-00000000000b", 404, "IMG.0027"),  # another account's image
    ("bad-id", 400, "IMG.0066"),
])
def test_delete_errors(emu, image_id, status, code):
    failure = error(delete, sdk.huawei(emu), image_id)
    assert (failure.status_code, failure.error_code) == (status, code)
    assert failure.request_id and failure.error_msg


def test_auth_failures(emu, monkeypatch):
    sts, old = emu.keys["sts"]["huawei"], emu.keys["sts_expired"]["huawei"]
    foreign_project = "2c3d4e5f60714a8293a4b5c6d7e8f902"
    for client in (sdk.huawei(emu, sk="wrong"), sdk.huawei(emu, ak="emu-no-such-ak"),
                   sdk.huawei(emu, token="stray"), sdk.huawei(emu, project_id=foreign_project),
                   sdk.huawei(emu, sts["access_key"], sts["secret_key"]),
                   sdk.huawei(emu, sts["access_key"], sts["secret_key"], token="wrong"),
                   sdk.huawei(emu, old["access_key"], old["secret_key"], token=old["token"])):
        failure = error(listed, client)
        assert (failure.status_code, failure.error_code) == (401, "APIGW.0301") and failure.request_id
    assert listed(sdk.huawei(emu, sts["access_key"], sts["secret_key"], token=sts["token"]), imagetype="private") == OWN

    class Stale(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcnow() - datetime.timedelta(minutes=10)

    monkeypatch.setattr(signer, "datetime", Stale)
    assert error(listed, sdk.huawei(emu)).error_code == "APIGW.0301"
    text = json.dumps(emu.control.journal("huawei"))
    assert sts["token"] not in text and emu.keys["huawei"]["sk"] not in text


def test_project_id_from_iam(emu):
    client = sdk.huawei(emu, iam=True)
    assert listed(client, imagetype="private") == OWN
    calls = emu.control.journal("huawei")
    assert [(c["action"], c["region"]) for c in calls] == [("ListProjects", "cn-north-4"), ("ListImages", "cn-north-4")]
    assert calls[0]["path"] == "/v3/projects" and calls[0]["params"] == {"name": "cn-north-4"}
    with pytest.raises(exceptions.SdkException, match="Failed to get project id"):
        sdk.huawei(emu, iam=True, region="eu-west-101")
