# -*- coding: utf-8 -*-
"""The filter multicloud.images.retention_plan: every policy, their combinations, and everything unsure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.multicloud.images.plugins.filter.retention_plan import FilterModule, parse_time, retention_plan

NOW = "2026-01-31T00:00:00Z"


def image(image_id, name, days_old=None, created_at=None, state="available", tags=None):
    """An image as the info modules return it, created ``days_old`` days before NOW (or at ``created_at``)."""
    if days_old is not None:
        created_at = (
            "2026-01-%02dT00:00:00Z" % (31 - days_old) if days_old < 31 else "2025-12-%02dT00:00:00Z" % (62 - days_old)
        )
    return {"id": image_id, "name": name, "created_at": created_at, "state": state, "tags": tags or {}}


def plan(images, **policy):
    policy.setdefault("now", NOW)
    return retention_plan(images, policy)


def actions(entries):
    return dict((entry["id"], entry["action"]) for entry in entries)


def reasons(entries):
    return dict((entry["id"], entry["reason"]) for entry in entries)


def deleted(entries):
    return sorted(entry["id"] for entry in entries if entry["action"] == "delete")


BUILDS = [image("img-%02d" % day, "build-%02d" % day, days_old=day) for day in range(1, 11)]


def test_registered_as_filter():
    assert FilterModule().filters()["retention_plan"] is retention_plan


def test_keep_newest_n_overall():
    entries = plan(BUILDS, name_regex="^build-", keep=3)
    assert [entry["id"] for entry in entries] == ["img-%02d" % day for day in range(1, 11)]
    assert deleted(entries) == ["img-%02d" % day for day in range(4, 11)]
    assert reasons(entries)["img-01"] == "newest 3"
    assert reasons(entries)["img-04"] == "beyond the newest 3"
    assert set(entries[0]) == {"id", "name", "created_at", "group", "action", "reason", "going"}
    assert entries[0]["created_at"] == "2026-01-30T00:00:00Z" and entries[0]["group"] is None


def test_keep_zero_deletes_every_dated_image():
    assert deleted(plan(BUILDS, name_regex="^build-", keep=0)) == sorted(i["id"] for i in BUILDS)


def test_default_keep_is_5():
    assert len(deleted(plan(BUILDS, name_regex="^build-"))) == 5


@pytest.mark.parametrize("pattern", [None, ""])
def test_empty_pattern_considers_nothing(pattern):
    assert plan(BUILDS, name_regex=pattern, keep=0) == []


def test_missing_pattern_considers_nothing():
    assert retention_plan(BUILDS, {"keep": 0, "now": NOW}) == []


def test_names_outside_the_pattern_are_not_considered():
    images = BUILDS + [image("img-prod1", "prod-golden", days_old=300), image("img-prod2", "prod-db", days_old=300)]
    entries = plan(images, name_regex="^build-", keep=0)
    assert "img-prod1" not in actions(entries) and "img-prod2" not in actions(entries)


def test_pattern_is_searched_not_anchored():
    entries = plan([image("img-a", "nightly-build-1", days_old=3)], name_regex="build", keep=0)
    assert deleted(entries) == ["img-a"]


def test_group_by_name_keeps_n_per_build_line():
    images = [image("img-w%d" % day, "web-build-%d" % day, days_old=day) for day in range(1, 6)]
    images += [image("img-d%d" % day, "db-build-%d" % day, days_old=day + 10) for day in range(1, 4)]
    entries = plan(images, name_regex="^(web|db)-build-", group_by="name", keep=2)
    assert deleted(entries) == ["img-d3", "img-w3", "img-w4", "img-w5"]
    assert reasons(entries)["img-w1"] == "newest 2 of group web"
    assert reasons(entries)["img-d2"] == "newest 2 of group db"
    assert reasons(entries)["img-w5"] == "beyond the newest 2 of group web"
    assert dict((e["id"], e["group"]) for e in entries)["img-d1"] == "db"


def test_group_with_fewer_than_n_images_keeps_them_all():
    images = [image("img-w%d" % day, "web-build-%d" % day, days_old=day) for day in range(1, 6)]
    images.append(image("img-d1", "db-build-1", days_old=30))
    entries = plan(images, name_regex="^(web|db)-build-", group_by="name", keep=3)
    assert actions(entries)["img-d1"] == "keep"
    assert deleted(entries) == ["img-w4", "img-w5"]


def test_group_by_name_optional_group_missing_is_outside_and_kept():
    images = [
        image("img-a", "build-1", days_old=40),
        image("img-b", "web-build-1", days_old=40),
        image("img-c", "web-build-2", days_old=41),
    ]
    entries = plan(images, name_regex="^(?:(web)-)?build-", group_by="name", keep=1)
    assert actions(entries) == {"img-a": "keep", "img-b": "keep", "img-c": "delete"}
    assert reasons(entries)["img-a"].startswith("outside any group")


def test_group_by_name_needs_a_capture_group():
    with pytest.raises(AnsibleFilterError, match="capture group"):
        plan(BUILDS, name_regex="^build-", group_by="name")


def test_group_by_tag():
    images = [image("img-a%d" % d, "build-a%d" % d, days_old=d, tags={"line": "a"}) for d in range(1, 4)]
    images += [image("img-b%d" % d, "build-b%d" % d, days_old=d, tags={"line": "b"}) for d in range(1, 4)]
    images += [image("img-n1", "build-n1", days_old=50), image("img-n2", "build-n2", days_old=50, tags={"line": ""})]
    entries = plan(images, name_regex="^build-", group_by="tag:line", keep=1)
    assert deleted(entries) == ["img-a2", "img-a3", "img-b2", "img-b3"]
    assert reasons(entries)["img-n1"] == "outside any group: no tag line"
    assert actions(entries)["img-n2"] == "keep"
    assert reasons(entries)["img-b1"] == "newest 1 of group b"


@pytest.mark.parametrize("group_by", ["tag:", "tags:x", "owner", 3])
def test_bad_group_by_is_refused(group_by):
    with pytest.raises(AnsibleFilterError, match="group_by"):
        plan(BUILDS, name_regex="^(build)-", group_by=group_by)


def test_tags_select_only_images_with_all_of_them():
    images = [
        image("img-1", "build-1", days_old=5, tags={"env": "ci", "team": "x"}),
        image("img-2", "build-2", days_old=6, tags={"env": "ci"}),
        image("img-3", "build-3", days_old=7, tags={"env": "prod", "team": "x"}),
        image("img-4", "build-4", days_old=8, tags={"env": "ci", "team": "x"}),
    ]
    entries = plan(images, name_regex="^build-", tags={"env": "ci", "team": "x"}, keep=1)
    assert actions(entries) == {"img-1": "keep", "img-4": "delete"}


def test_tag_select_with_null_value_accepts_any_value_and_compares_strings():
    images = [
        image("img-1", "build-1", days_old=5, tags={"ver": "2"}),
        image("img-2", "build-2", days_old=6, tags={}),
        image("img-3", "build-3", days_old=7, tags={"ver": "3"}),
    ]
    assert sorted(actions(plan(images, name_regex="^build-", tags={"ver": None}, keep=0))) == ["img-1", "img-3"]
    assert list(actions(plan(images, name_regex="^build-", tags={"ver": 2}, keep=0))) == ["img-1"]


def test_protect_tags_by_key():
    images = [
        image("img-%d" % d, "build-%d" % d, days_old=d, tags={"keep": "yes"} if d == 9 else {}) for d in range(1, 11)
    ]
    entries = plan(images, name_regex="^build-", keep=2, protect_tags=["keep"])
    assert actions(entries)["img-9"] == "keep"
    assert reasons(entries)["img-9"] == "protected by tag keep"
    assert "img-9" not in deleted(entries) and len(deleted(entries)) == 7


def test_protected_images_do_not_take_a_kept_place():
    images = [
        image("img-1", "build-1", days_old=1, tags={"keep": ""}),
        image("img-2", "build-2", days_old=2),
        image("img-3", "build-3", days_old=3),
        image("img-4", "build-4", days_old=4),
    ]
    entries = plan(images, name_regex="^build-", keep=2, protect_tags=["keep"])
    assert actions(entries) == {"img-1": "keep", "img-2": "keep", "img-3": "keep", "img-4": "delete"}


def test_protect_tags_by_key_and_value():
    images = [
        image("img-1", "build-1", days_old=10, tags={"release": "ga"}),
        image("img-2", "build-2", days_old=11, tags={"release": "beta"}),
    ]
    entries = plan(images, name_regex="^build-", keep=0, protect_tags={"release": "ga"})
    assert actions(entries) == {"img-1": "keep", "img-2": "delete"}
    assert reasons(entries)["img-1"] == "protected by tag release=ga"


def test_bad_protect_tags_are_refused():
    with pytest.raises(AnsibleFilterError, match="protect_tags"):
        plan(BUILDS, name_regex="^build-", protect_tags="keep")


def test_min_age_days_keeps_young_images_whatever_n_says():
    entries = plan(BUILDS, name_regex="^build-", keep=2, min_age_days=7)
    assert deleted(entries) == ["img-07", "img-08", "img-09", "img-10"]
    assert reasons(entries)["img-06"] == "younger than 7 days"
    assert reasons(entries)["img-07"] == "at least 7 days old, beyond the newest 2"


def test_older_than_days_deletes_only_older_images():
    entries = plan(BUILDS, name_regex="^build-", keep=2, older_than_days=7)
    assert deleted(entries) == ["img-08", "img-09", "img-10"]
    assert reasons(entries)["img-07"] == "not older than 7 days"
    assert reasons(entries)["img-08"] == "older than 7 days, beyond the newest 2"


def test_newest_n_are_kept_whatever_their_age():
    entries = plan(BUILDS, name_regex="^build-", keep=3, older_than_days=0, min_age_days=0)
    assert [e["id"] for e in entries if e["action"] == "keep"] == ["img-01", "img-02", "img-03"]


def test_every_policy_combined_with_and():
    images = []
    for line in ("web", "db"):
        for day in range(1, 13):
            tags = {"env": "ci"}
            if (line, day) == ("web", 11):
                tags["keep"] = "true"
            if (line, day) == ("db", 12):
                tags = {"env": "prod"}
            images.append(image("img-%s%02d" % (line, day), "%s-build-%02d" % (line, day), days_old=day * 3, tags=tags))
    entries = plan(
        images,
        name_regex="^(web|db)-build-",
        group_by="name",
        keep=2,
        tags={"env": "ci"},
        protect_tags=["keep"],
        min_age_days=10,
        older_than_days=20,
    )
    # web/db 01-02 newest 2; 03-06 (9-18 days) too young or not older than 20 days; web-11 protected; db-12 not selected
    assert deleted(entries) == [
        "img-db07",
        "img-db08",
        "img-db09",
        "img-db10",
        "img-db11",
        "img-web07",
        "img-web08",
        "img-web09",
        "img-web10",
        "img-web12",
    ]
    assert "img-db12" not in actions(entries)
    assert reasons(entries)["img-web03"] == "younger than 10 days"
    assert reasons(entries)["img-web04"] == "not older than 20 days"
    assert reasons(entries)["img-web11"] == "protected by tag keep"
    assert reasons(entries)["img-db07"] == "older than 20 days, at least 10 days old, beyond the newest 2 of group db"


@pytest.mark.parametrize(
    "created_at, reason",
    [
        (None, "no creation time"),
        ("", "no creation time"),
        ("yesterday", "creation time 'yesterday' cannot be read"),
        ("2025-13-45T00:00:00Z", "creation time '2025-13-45T00:00:00Z' cannot be read"),
    ],
)
def test_unsure_dates_are_kept_and_do_not_count(created_at, reason):
    images = BUILDS[:3] + [image("img-x", "build-x", created_at=created_at)]
    entries = plan(images, name_regex="^build-", keep=2)
    assert actions(entries)["img-x"] == "keep" and reasons(entries)["img-x"] == reason
    assert deleted(entries) == ["img-03"]
    assert entries[-1]["id"] == "img-x"


def test_missing_created_at_key():
    entries = plan([{"id": "img-y", "name": "build-y"}], name_regex="^build-", keep=0)
    assert actions(entries) == {"img-y": "keep"} and reasons(entries)["img-y"] == "no creation time"


@pytest.mark.parametrize("stray", ["junk", None, ["img-1"]])
def test_entries_that_are_not_images_are_refused(stray):
    with pytest.raises(AnsibleFilterError, match="must be a dict"):
        plan(BUILDS + [stray], name_regex="^build-", keep=0)


@pytest.mark.parametrize("state", ["deleting", "deleted", "DELETING"])
def test_images_already_being_deleted_are_kept_and_do_not_count(state):
    images = [image("img-0", "build-0", days_old=0, state=state)] + BUILDS[:3]
    entries = plan(images, name_regex="^build-", keep=2)
    assert actions(entries)["img-0"] == "keep"
    assert reasons(entries)["img-0"] == "already being deleted (state %s)" % state.lower()
    assert [e["id"] for e in entries if e["reason"] == "newest 2"] == ["img-01", "img-02"]
    assert deleted(entries) == ["img-03"]
    assert [e["id"] for e in entries if e["going"]] == ["img-0"]  # what the role counts apart, whatever the wording


def test_ties_in_creation_time_greater_id_first_whatever_the_input_order():
    same = "2026-01-01T00:00:00Z"
    images = [
        image("img-b", "build-b", created_at=same),
        image("img-c", "build-c", created_at=same),
        image("img-a", "build-a", created_at=same),
    ]
    for ordering in (images, list(reversed(images))):
        entries = plan(ordering, name_regex="^build-", keep=1)
        assert [e["id"] for e in entries] == ["img-c", "img-b", "img-a"]
        assert deleted(entries) == ["img-a", "img-b"]


def test_offsets_and_formats_compare_as_instants():
    images = [
        image("img-1", "build-1", created_at="2026-01-10T08:00:00+08:00"),  # 00:00Z
        image("img-2", "build-2", created_at="2026-01-10T01:00:00Z"),
        image("img-3", "build-3", created_at="2026-01-09 23:00:00"),
    ]  # no offset: UTC
    assert [e["id"] for e in plan(images, name_regex="^build-", keep=0)] == ["img-2", "img-1", "img-3"]


def test_now_as_epoch_seconds():
    entries = retention_plan(
        BUILDS, {"name_regex": "^build-", "keep": 0, "min_age_days": 5, "now": parse_time(NOW).timestamp()}
    )
    assert deleted(entries) == ["img-%02d" % day for day in range(5, 11)]


@pytest.mark.parametrize(
    "policy, message",
    [
        ({"name_regex": "(", "keep": 1}, "not a valid regular expression"),
        ({"name_regex": "^b", "keep": -1}, "keep"),
        ({"name_regex": "^b", "keep": "many"}, "keep"),
        ({"name_regex": "^b", "keep": True}, "keep"),
        ({"name_regex": "^b", "min_age_days": -2}, "min_age_days"),
        ({"name_regex": "^b", "older_than_days": "old"}, "older_than_days"),
        ({"name_regex": "^b", "tags": ["env"]}, "tags"),
        ({"name_regex": "^b", "now": "soon"}, "now"),
        ({"name_regex": "^b", "kepp": 2}, "unknown policy key"),
    ],
)
def test_bad_policy_is_refused(policy, message):
    with pytest.raises(AnsibleFilterError, match=message):
        retention_plan(BUILDS, policy)


def test_bad_input_is_refused():
    with pytest.raises(AnsibleFilterError, match="list of images"):
        retention_plan("img-1", {"name_regex": "^b"})
    with pytest.raises(AnsibleFilterError, match="policy must be a dict"):
        retention_plan(BUILDS, "^b")


def test_keep_as_text_from_a_template():
    assert len(deleted(plan(BUILDS, name_regex="^build-", keep="8"))) == 2


def test_no_images():
    assert plan([], name_regex="^build-") == [] and retention_plan(None, {"name_regex": "^b"}) == []


def test_a_referenced_image_is_kept_and_says_by_what():
    builds = [dict(i) for i in BUILDS]
    builds[6]["referenced_by"] = [
        {"kind": "launch_template", "id": "lt-1", "name": "web", "version": 2},
        {"kind": "scaling_configuration", "id": "asc-1", "name": None, "group": "asg-1"},
    ]
    builds[7]["referenced_by"] = []  # asked, and nothing names it
    entries = plan(builds, name_regex="^build-", keep=3)
    assert actions(entries)["img-07"] == "keep"
    assert reasons(entries)["img-07"] == (
        "referenced by launch template lt-1 (web) version 2, scaling configuration asc-1 of scaling group asg-1"
    )
    assert actions(entries)["img-08"] == "delete"
    # Kept as unsure: it does not count towards the newest 3.
    assert deleted(entries) == ["img-04", "img-05", "img-06", "img-08", "img-09", "img-10"]
