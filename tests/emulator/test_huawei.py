"""Huawei IMS (and the IAM project lookup) through the real huaweicloudsdkims SDK."""

import datetime
import json

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.signer import signer
from huaweicloudsdkims.v2 import (
    GlanceDeleteImageRequest,
    GlanceDeleteImageRequestBody,
    GlanceShowImageRequest,
    ListImagesRequest,
)

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


PROJECT = "0a1b2c3d4e5f40718293a4b5c6d7e8f1"  # the default seed's cn-north-4 project of account 1


def test_list_and_filters(emu):
    client = sdk.huawei(emu)
    # "The __imagetype of images you share with other tenants or those other tenants share with you and you have
    # accepted is shared. You can use field owner to distinguish the two" (IMS ListImages): own = owner filter.
    assert listed(client, owner=PROJECT) == OWN
    assert listed(client, imagetype="private") == OWN[:7] + OWN[8:]
    assert listed(client) == OWN + [SHARED_IN, MARKET, GOLD]
    assert listed(client, imagetype="gold") == [GOLD]
    assert listed(client, imagetype="market") == [MARKET]
    assert listed(client, imagetype="shared") == [OWN[7], SHARED_IN]
    assert listed(client, visibility="public") == [MARKET, GOLD]
    assert listed(client, name="api-1") == [OWN[0]]
    assert listed(client, status="queued") == [OWN[2]]
    assert listed(client, id=OWN[4]) == [OWN[4]]
    assert listed(client, tag="env=prod") == [OWN[0]]  # the documented query form: tag=Key=Value
    assert listed(client, tag="env.prod") == []
    assert listed(client, owner=PROJECT, created_at="gte:2026-01-08T08:00:00Z") == OWN[:3]
    assert listed(client, owner=PROJECT, created_at="gt:2026-01-08 08:00:00") == OWN[:2]
    assert listed(client, owner=PROJECT, created_at="lte:2026-01-02T08:00:00Z") == [OWN[8]]
    assert listed(client, owner=PROJECT, created_at="lt:2026-01-02T08:00:00Z") == []
    # The docstring's example reading (huawei_created_at_filter: example): gt means "before", gte "at or before".
    readings = {}
    for reading in ("operator", "example"):
        emu.control.configure(huawei_created_at_filter=reading)
        readings[reading] = {
            op: listed(client, owner=PROJECT, created_at="%s:2026-01-08T08:00:00Z" % op)
            for op in ("gt", "gte", "lt", "lte")
        }
    operator, example = readings["operator"], readings["example"]
    assert operator["gte"] == OWN[:3] and example["lte"] == OWN[:3] and example["gte"] == operator["lte"]
    assert example["gt"] == operator["lt"] and example["lt"] == operator["gt"]
    emu.control.configure(huawei_created_at_filter="operator")
    assert listed(client, owner=PROJECT, sort_key="name", sort_dir="asc")[:3] == [OWN[0], OWN[1], OWN[6]]
    assert listed(sdk.huawei(emu, region="cn-south-1"), imagetype="private") == ["e0000000-0000-4000-8000-00000000000a"]
    other = sdk.huawei(emu, "emu-huawei-ak-2", "emu-huawei-sk-2", "2c3d4e5f60714a8293a4b5c6d7e8f902")
    assert listed(other, imagetype="private") == ["e0000000-0000-4000-8000-00000000000b"]


@pytest.mark.parametrize("tag_format, tags", [("dot", ["env.prod"]), ("equals", ["env=prod"])])
def test_tags_answered_in_either_form(emu, tag_format, tags):
    """Whether an answer's tags read "Key.Value" (the form before IMS upgraded tags) or "Key=Value" is not documented."""
    emu.control.configure(huawei_tag_format=tag_format)
    assert show(sdk.huawei(emu), OWN[0]).tags == tags


def test_list_paging_and_limits(emu):
    client = sdk.huawei(emu)
    pages, markers, marker = [], [], None
    for _attempt in range(5):
        body = client.list_images(ListImagesRequest(owner=PROJECT, limit=4, marker=marker)).to_json_object()
        pages.append([image["id"] for image in body["images"]])
        marker = (body.get("page_info") or {}).get("next_marker")
        markers.append(marker)
        if not marker:
            break
    # ListImagesResponse.page_info.next_marker names the next page's marker; the last page has none.
    assert [len(p) for p in pages] == [4, 4, 1] and sum(pages, []) == OWN and markers == [OWN[3], OWN[7], None]
    assert listed(client, owner=PROJECT, limit=5000)[:1] == OWN[:1]  # no maximum is documented
    for params in (
        {"marker": "e0000000-0000-4000-8000-0000000000ff"},
        {"sort_dir": "up"},
        {"sort_key": "updated_at"},
        {"created_at": "after:2026-01-01T00:00:00Z"},
        {"created_at": "gte:yesterday"},
        {"member_status": "accepted"},
    ):
        failure = error(listed, client, **params)
        assert (failure.status_code, failure.error_code) == (400, "IMG.0001")


def test_list_paging_without_page_info_and_unknown_markers(emu):
    """Two undocumented points: answers may carry no page_info (the Glance shape), and a marker that names no listed
    image may be refused or answered with an empty page."""
    client = sdk.huawei(emu)
    emu.control.configure(huawei_page_info="none", huawei_unknown_marker="empty")
    body = client.list_images(ListImagesRequest(owner=PROJECT, limit=4)).to_json_object()
    assert len(body["images"]) == 4 and not body.get("page_info")
    assert listed(client, marker="e0000000-0000-4000-8000-0000000000ff") == []


def test_show_fields_and_not_found(emu):
    client = sdk.huawei(emu)
    image = show(client, OWN[0])
    assert (image.name, image.status, image.visibility, image.imagetype, image.min_disk) == (
        "api-1",
        "active",
        "private",
        "private",
        40,
    )
    assert (show(client, OWN[7]).imagetype, show(client, OWN[7]).owner) == ("shared", PROJECT)
    assert image.owner == emu.keys["huawei"]["projects"]["cn-north-4"]
    assert image.tags == ["env.prod"] and image.os_version == "Ubuntu 22.04 server 64bit"
    assert show(client, FULL_IMAGE).backup_id == BACKUP
    assert (show(client, GOLD).imagetype, show(client, GOLD).visibility) == ("gold", "public")
    for missing in (
        "e0000000-0000-4000-8000-0000000000ff",
        "e0000000-0000-4000-8000-00000000000a",
        "e0000000-0000-4000-8000-00000000000b",
    ):
        failure = error(show, client, missing)
        # The IMS error-code list gives HTTP 400 for every IMG code (huawei_error_status: table, the default).
        assert (failure.status_code, failure.error_code) == (400, "IMG.0027") and failure.request_id
    emu.control.configure(huawei_error_status="http")
    assert error(show, client, "e0000000-0000-4000-8000-0000000000ff").status_code == 404
    failure = error(show, client, "not-a-uuid")
    assert (failure.status_code, failure.error_code) == (400, "IMG.0066")


@pytest.mark.parametrize("view, status", [("unchanged", "active"), ("state", "deleted")])
def test_delete_lingers_then_not_found(emu, view, status):
    """After a DELETE the image is still shown for `delete_polls` reads, as it was or with the documented status
    `deleted` ("表示镜像已经删除"); how long, and which, IMS does not say."""
    emu.control.configure(deleting_view=view)
    client = sdk.huawei(emu)
    delete(client, OWN[0])
    assert [show(client, OWN[0]).status for _attempt in range(2)] == [status, status]
    assert error(show, client, OWN[0]).error_code == "IMG.0027"
    assert error(delete, client, OWN[0]).error_code == "IMG.0027"
    for image_id in (OWN[4], OWN[8]):  # killed and active images can go
        delete(client, image_id)
    calls = emu.control.journal("huawei", mutating=True)
    assert [(c["action"], c["status"]) for c in calls] == [
        ("DeleteImage", 204),
        ("DeleteImage", 400),
        ("DeleteImage", 204),
        ("DeleteImage", 204),
    ]


def test_delete_backup_only_with_the_flag(emu):
    client = sdk.huawei(emu)
    delete(client, FULL_IMAGE, delete_backup=False)
    assert [s["id"] for s in emu.control.snapshots("huawei")] == [BACKUP]
    emu.control.reset()
    delete(client, FULL_IMAGE, delete_backup=True)
    assert emu.control.snapshots("huawei") == []
    assert emu.control.journal("huawei")[-1]["params"]["body"] == {"delete_backup": True}


def test_shared_and_in_use_images_are_deleted_as_ims_documents(emu):
    """IMS documents no refusal for either: "you can delete a shared image anytime without notifying the recipient"."""
    client = sdk.huawei(emu)
    for image_id in (OWN[6], OWN[7]):  # in use by servers; shared with another project
        delete(client, image_id)
    calls = emu.control.journal("huawei", mutating=True)
    assert [(c["action"], c["status"], c["applied"]) for c in calls] == [("DeleteImage", 204, True)] * 2


def test_members_of_an_own_image(emu):
    from huaweicloudsdkims.v2 import GlanceListImageMembersRequest

    client = sdk.huawei(emu)
    shared = client.glance_list_image_members(GlanceListImageMembersRequest(image_id=OWN[7])).to_json_object()
    assert len(shared["members"]) == 1 and shared["members"][0]["status"] == "accepted"
    assert shared["members"][0]["image_id"] == OWN[7] and shared["schema"] == "/v2/schemas/members"
    alone = client.glance_list_image_members(GlanceListImageMembersRequest(image_id=OWN[0])).to_json_object()
    assert alone["members"] == []
    emu.control.update_image("huawei", OWN[0], members=["p1", {"member_id": "p2", "status": "pending"}, "p3"])
    assert show(client, OWN[0]).imagetype == "shared"
    first = client.glance_list_image_members(GlanceListImageMembersRequest(image_id=OWN[0], limit=2)).to_json_object()
    assert [m["member_id"] for m in first["members"]] == ["p1", "p2"]
    # GlanceListImageMembersRequest.marker: "marker的值需为base64编码内容" (a base64 token from page_info).
    rest = client.glance_list_image_members(
        GlanceListImageMembersRequest(image_id=OWN[0], limit=2, marker=first["page_info"]["next_marker"])
    ).to_json_object()
    assert [m["member_id"] for m in rest["members"]] == ["p3"] and not rest["page_info"]["next_marker"]
    for image_id in (SHARED_IN, GOLD, "e0000000-0000-4000-8000-0000000000ff"):
        failure = error(client.glance_list_image_members, GlanceListImageMembersRequest(image_id=image_id))
        assert (failure.status_code, failure.error_code) == (400, "IMG.0027")
    assert [c["action"] for c in emu.control.journal("huawei")][:1] == ["ListImageMembers"]


@pytest.mark.parametrize(
    "image_id, status, code",
    [
        (OWN[2], 400, "IMG.0090"),  # queued
        (OWN[3], 400, "IMG.0090"),  # saving
        (OWN[5], 400, "IMG.0091"),  # protected
        (GOLD, 400, "IMG.0094"),
        (SHARED_IN, 400, "IMG.0092"),
        (MARKET, 400, "IMG.0093"),
        ("e0000000-0000-4000-8000-0000000000ff", 400, "IMG.0027"),
        ("e0000000-0000-4000-8000-00000000000b", 400, "IMG.0027"),  # another account's image
        ("bad-id", 400, "IMG.0066"),
    ],
)
def test_delete_errors(emu, image_id, status, code):
    failure = error(delete, sdk.huawei(emu), image_id)
    assert (failure.status_code, failure.error_code) == (status, code)
    assert failure.request_id and failure.error_msg


def test_auth_failures(emu, monkeypatch):
    sts, old = emu.keys["sts"]["huawei"], emu.keys["sts_expired"]["huawei"]
    foreign_project = "2c3d4e5f60714a8293a4b5c6d7e8f902"
    for client in (
        sdk.huawei(emu, sk="wrong"),
        sdk.huawei(emu, ak="emu-no-such-ak"),
        sdk.huawei(emu, token="stray"),
        sdk.huawei(emu, project_id=foreign_project),
        sdk.huawei(emu, sts["access_key"], sts["secret_key"]),
        sdk.huawei(emu, sts["access_key"], sts["secret_key"], token="wrong"),
        sdk.huawei(emu, old["access_key"], old["secret_key"], token=old["token"]),
    ):
        failure = error(listed, client)
        assert (failure.status_code, failure.error_code) == (401, "APIGW.0301") and failure.request_id
    assert listed(sdk.huawei(emu, sts["access_key"], sts["secret_key"], token=sts["token"]), owner=PROJECT) == OWN

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
    assert listed(client, owner=PROJECT) == OWN
    calls = emu.control.journal("huawei")
    assert [(c["action"], c["region"]) for c in calls] == [("ListProjects", "cn-north-4"), ("ListImages", "cn-north-4")]
    assert calls[0]["path"] == "/v3/projects" and calls[0]["params"] == {"name": "cn-north-4"}
    with pytest.raises(exceptions.SdkException, match="Failed to get project id"):
        sdk.huawei(emu, iam=True, region="eu-west-101")
