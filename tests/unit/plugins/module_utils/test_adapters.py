# -*- coding: utf-8 -*-
"""The three adapters against the emulator: real SDK clients, real HTTP, real SDK exceptions.

Each test checks what the adapter makes of the cloud's answers (normalized images, the taxonomy
category of each failure, retries) and, through the emulator's journal, which calls went out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.adapter import iso_utc, parse_endpoint
from ansible_collections.multicloud.images.plugins.module_utils.errors import CloudError, ConfigurationError
from ansible_collections.multicloud.images.tests.unit.plugins.module_utils.emulator_adapters import (
    ADAPTERS,
    adapter_for,
)

DELETABLE = {"tencent": "img-emu00002", "aliyun": "m-emu0001", "huawei": "e0000000-0000-4000-8000-000000000001"}


def make(emu, cloud, secret=None, retries=2, rate_limit=None, **extra):
    """The adapter under test: the default seed's keys, by default the default rate limiter (emulator_adapters)."""
    return adapter_for(emu, cloud, retries=retries, secret=secret, rate_limit=rate_limit, **extra)


def calls(emu, cloud):
    return list(emu.control.journal(cloud=cloud))


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_describe_normalizes_and_skips_unknown_ids(emu, cloud):
    adapter = make(emu, cloud)
    image_id = DELETABLE[cloud]
    found = adapter.describe([image_id])
    assert list(found) == [image_id]
    image = found[image_id]
    assert image["state"] == "available" and image["kind"] == "private"
    assert image["created_at"].endswith("Z") and isinstance(image["tags"], dict)


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_wrong_secret_is_auth_failed_and_not_retried(emu, cloud):
    adapter = make(emu, cloud, secret="definitely-wrong-secret", retries=5)
    with pytest.raises(CloudError) as info:
        adapter.describe([DELETABLE[cloud]])
    assert info.value.category == "auth_failed"
    assert len(calls(emu, cloud)) == 1 and adapter.retry_count == 0
    assert "definitely-wrong-secret" not in str(info.value.describe())


@pytest.mark.parametrize(
    "cloud, action", [("tencent", "DescribeImages"), ("aliyun", "DescribeImages"), ("huawei", "ShowImage")]
)
@pytest.mark.parametrize("kind", ["throttle", "server_error", "drop"])
def test_throttling_5xx_and_dropped_connections_are_retried(emu, cloud, action, kind):
    emu.control.add_fault(cloud=cloud, action=action, kind=kind, times=2)
    adapter = make(emu, cloud, retries=3)
    assert list(adapter.describe([DELETABLE[cloud]])) == [DELETABLE[cloud]]
    assert adapter.retry_count == 2 and len(calls(emu, cloud)) == 3


@pytest.mark.parametrize(
    "cloud, action", [("tencent", "DescribeImages"), ("aliyun", "DescribeImages"), ("huawei", "ShowImage")]
)
def test_retries_run_out_with_the_last_error(emu, cloud, action):
    emu.control.add_fault(cloud=cloud, action=action, kind="throttle", times=10)
    adapter = make(emu, cloud, retries=2)
    with pytest.raises(CloudError) as info:
        adapter.describe([DELETABLE[cloud]])
    assert info.value.category == "throttled" and len(calls(emu, cloud)) == 3


@pytest.mark.parametrize("cloud", ["tencent", "aliyun"])
def test_passing_dry_run_returns_a_request_id_and_deletes_nothing(emu, cloud):
    adapter = make(emu, cloud)
    request_id = adapter.delete([DELETABLE[cloud]], {}, dry_run=True)
    assert request_id
    assert DELETABLE[cloud] in [i["id"] for i in emu.control.images(cloud)]
    journal = calls(emu, cloud)
    assert journal[-1]["dry_run"] is True


@pytest.mark.parametrize(
    "cloud, image_id, category",
    [
        ("tencent", "img-emu00003", "shared"),
        ("aliyun", "m-emu0004", "busy"),
        ("aliyun", "m-emu0006", "busy"),
        ("huawei", "e0000000-0000-4000-8000-000000000006", "invalid_state"),
        ("huawei", "f0000000-0000-4000-8000-000000000001", "public"),
    ],
)
def test_refusals_map_to_their_category(emu, cloud, image_id, category):
    """Real deletes (Tencent's DryRun runs the same checks; Alibaba's DryRun checks only keys, RAM and parameters)."""
    adapter = make(emu, cloud)
    with pytest.raises(CloudError) as info:
        adapter.delete([image_id], {}, dry_run=cloud == "tencent")
    assert info.value.category == category and info.value.code


@pytest.mark.parametrize(
    "code, status", [("InvalidApi.NotFound", 404), ("InvalidProduct.NotFound", 404), ("SomethingNew", 404)]
)
def test_a_404_that_is_not_an_image_not_found_is_never_absent(emu, code, status):
    """A wrong endpoint or API answers 404 too: only InvalidImageId.NotFound may mean "already absent"."""
    emu.control.add_fault(cloud="aliyun", action="DeleteImage", kind="error", code=code, status=status)
    with pytest.raises(CloudError) as info:
        make(emu, "aliyun").delete([DELETABLE["aliyun"]], {})
    assert info.value.category != "not_found"


def run_parallel_inline(func, items):
    out = []
    for item in items:
        try:
            out.append((item, func(item), None))
        except CloudError as error:
            out.append((item, None, error))
    return out


def test_huawei_members_block_an_image_and_a_failed_read_raises(emu):
    adapter = make(emu, "huawei")
    images = adapter.describe(["e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000008"])
    own_shared = images["e0000000-0000-4000-8000-000000000008"]
    assert (own_shared["kind"], own_shared["image_type"]) == ("private", "shared")  # own, shared out
    assert adapter.block_for(own_shared, {}) is None
    blocks = adapter.lookup_blocks(list(images.values()), {}, run_parallel_inline)
    assert list(blocks) == ["e0000000-0000-4000-8000-000000000008"]
    assert blocks["e0000000-0000-4000-8000-000000000008"][0] == "shared"
    emu.control.add_fault(cloud="huawei", action="ListImageMembers", kind="error", code="APIGW.0302", status=403)
    with pytest.raises(CloudError) as info:
        adapter.lookup_blocks(list(images.values()), {}, run_parallel_inline)
    assert info.value.category == "forbidden"


def test_aliyun_import_and_export_tasks_block_their_images(emu):
    adapter = make(emu, "aliyun")
    images = adapter.describe(["m-emu0001", "m-emu0004", "m-emu0005", "m-emu0006"])
    blocks = adapter.lookup_blocks(list(images.values()), {}, run_parallel_inline)
    assert dict((k, v[:2]) for k, v in blocks.items()) == {
        "m-emu0005": ("busy", "ImageIsImporting"),
        "m-emu0006": ("busy", "ImageIsExporting"),
    }
    tasks = [c for c in calls(emu, "aliyun") if c["action"] == "DescribeTasks"]
    assert sorted(c["params"]["TaskAction"] for c in tasks) == ["ExportImage", "ImportImage"]
    assert all(c["params"]["TaskStatus"] == "Processing" and len(c["image_ids"]) == 4 for c in tasks)


def test_tencent_all_or_nothing_batch_names_the_blocker(emu):
    adapter = make(emu, "tencent")
    with pytest.raises(CloudError) as info:
        adapter.delete(["img-emu00002", "img-emu00003"], {}, dry_run=True)
    assert info.value.category == "shared" and "img-emu00003" in info.value.message


def test_tencent_limit_exceeded(emu):
    emu.control.configure(tencent_max_batch=1)
    adapter = make(emu, "tencent")
    with pytest.raises(CloudError) as info:
        adapter.delete(["img-emu00001", "img-emu00002"], {}, dry_run=True)
    assert info.value.category == "limit_exceeded"


@pytest.mark.parametrize("cloud", sorted(ADAPTERS))
def test_find_by_names_is_exact_and_own_images_only(emu, cloud):
    adapter = make(emu, cloud)
    name = {"tencent": "web-1", "aliyun": "app-1", "huawei": "api-1"}[cloud]
    found = adapter.find_by_names([name])
    assert [i["name"] for i in found] == [name]  # the other region's and account's namesakes are not seen


def test_huawei_project_id_from_iam(emu):
    adapter = make(emu, "huawei", project_id=None, iam_endpoint=emu.endpoint("huawei"))
    assert DELETABLE["huawei"] in adapter.describe([DELETABLE["huawei"]])
    assert [c["action"] for c in calls(emu, "huawei")][:1] == ["ListProjects"]


def test_huawei_delete_returns_the_request_id(emu):
    adapter = make(emu, "huawei")
    assert adapter.delete([DELETABLE["huawei"]], {"delete_backups": True})
    assert calls(emu, "huawei")[-1]["params"]["body"] == {"delete_backup": True}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("127.0.0.1:8080", ("https", "127.0.0.1:8080")),
        ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
        ("https://cvm.tencentcloudapi.com/", ("https", "cvm.tencentcloudapi.com")),
        ("HTTP://[::1]:9", ("http", "[::1]:9")),
    ],
)
def test_parse_endpoint(value, expected):
    assert parse_endpoint(value) == expected


@pytest.mark.parametrize("value", ["ftp://host", "http://host/path", "host name", "", "http://user@host"])
def test_parse_endpoint_rejects(value):
    with pytest.raises(ConfigurationError):
        parse_endpoint(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-10T08:00:00Z", "2026-01-10T08:00:00Z"),
        ("2026-01-10T16:00:00+08:00", "2026-01-10T08:00:00Z"),
        ("2026-01-10 08:00:00", "2026-01-10T08:00:00Z"),
        ("2026-01-10T08:00:00.123Z", "2026-01-10T08:00:00Z"),
        ("not a time", "not a time"),
    ],
)
def test_iso_utc(value, expected):
    assert iso_utc(value) == expected


@pytest.mark.parametrize("reading", ["operator", "example"])
def test_huawei_wait_lists_only_the_images_since_the_oldest_pending(emu, reading):
    """The wait polls of a large set list the account's images created since the oldest image of the set
    (created_at=gte:, a day's margin), one page per poll, and never list shared images. A bounded listing that shows
    none of the set is checked by one listing of the whole project; when the cloud reads the filter otherwise (the
    ListImagesRequest example reads gt as "before": config huawei_created_at_filter), that listing finds the images
    and the task lists the whole project from then on, so the wait never ends while an image is still there."""
    from ansible_collections.multicloud.images.plugins.module_utils.deletion import ImageDeletion

    emu.control.configure(huawei_created_at_filter=reading)
    ids = ["a0000000-0000-4000-8000-%012d" % n for n in range(150)]
    emu.control.add_images(
        "huawei",
        [
            {
                "id": i,
                "name": "bulk-%d" % n,
                "region": "cn-north-4",
                "account": "100000000001",
                "created_at": "2026-03-01T00:00:00Z",
            }
            for n, i in enumerate(ids)
        ],
    )
    emu.control.clear_journal()
    result = ImageDeletion(
        make(emu, "huawei", rate_limit=1000), image_ids=ids, max_concurrency=4, sleep=lambda s: None
    ).run()
    assert result["deleted"] == ids
    assert not set(ids) & {i["id"] for i in emu.control.images("huawei")}  # the wait ended when they were gone
    journal = calls(emu, "huawei")
    last_delete = max(n for n, c in enumerate(journal) if c["mutating"])
    resolve = [c["params"] for c in journal[:last_delete] if c["action"] == "ListImages"]
    wait = [c["params"] for c in journal[last_delete + 1 :] if c["action"] == "ListImages"]
    assert resolve and all("created_at" not in p for p in resolve)  # nothing known yet: the whole account
    bounded = [p.get("created_at") == "gte:2026-02-28T00:00:00Z" for p in wait]
    if reading == "operator":
        assert bounded == [True] * (len(wait) - 1) + [False]  # the last poll (none left) is checked once, unbounded
    else:
        assert bounded == [True] + [False] * (len(wait) - 1) and len(wait) > 2
    assert all(p.get("owner") == emu.keys["huawei"]["projects"]["cn-north-4"] for p in wait)
    # One page of up to 500 per poll (IMS's default page size): no marker that a deleted image could invalidate.
    assert all(p.get("marker") in (None, "") and str(p.get("limit")) == "500" for p in wait)


@pytest.mark.parametrize("page_info", ["next_marker", "none"])
@pytest.mark.parametrize("unknown_marker", ["error", "empty"])
def test_huawei_listing_goes_on_from_an_earlier_image_when_its_marker_vanishes(emu, page_info, unknown_marker):
    """Someone deletes the marker image between two pages: IMS answers an error or an empty page for that marker
    (not documented), and the listing goes on from the image before it instead of starting again from the first
    page. With page_info.next_marker the last page says so; without it (the Glance shape), a short page does."""
    emu.control.configure(huawei_page_info=page_info, huawei_unknown_marker=unknown_marker)
    ids = ["b0000000-0000-4000-8000-%012d" % n for n in range(6)]
    emu.control.add_images(
        "huawei",
        [
            {
                "id": i,
                "name": "m-%d" % n,
                "region": "cn-north-4",
                "account": "100000000001",
                "created_at": "2026-03-01T00:00:0%dZ" % n,
            }
            for n, i in enumerate(ids)
        ],
    )
    emu.control.configure(delete_polls=0)
    newest_first = list(reversed(ids))
    emu.control.add_fault(
        cloud="huawei", action="ListImages", kind="mutate", after=1, target=newest_first[1], delete=True
    )
    emu.control.clear_journal()
    adapter = make(emu, "huawei")
    listed = adapter._list_pages(page_size=2, imagetype="private", created_at="gte:2026-03-01T00:00:00Z")
    assert sorted(i["id"] for i in listed) == ids  # the vanished one was on page 1, before it went
    markers = [c["params"].get("marker") or None for c in calls(emu, "huawei")]
    statuses = [c["status"] for c in calls(emu, "huawei")]
    # page 1; page 2 after the vanished marker (refused, or empty); page 2 again after the image before it; page 3.
    # Without page_info a full last page is followed by an empty one, which could also mean a vanished marker:
    # one more page from the image before it settles it.
    last = [newest_first[5], newest_first[4]] if page_info == "none" else []
    assert markers == [None, newest_first[1], newest_first[0], newest_first[3]] + last
    assert statuses == [200, 400 if unknown_marker == "error" else 200, 200, 200] + [200] * len(last)
