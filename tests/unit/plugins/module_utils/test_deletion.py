# -*- coding: utf-8 -*-
"""The cloud-neutral lifecycle (resolve, pre-flight, delete, wait) on a scripted in-memory adapter.

The adapter here implements the collection's own small adapter interface (not an SDK): it lets the
narrowing, halving and abort logic be checked call by call. The same lifecycle runs against the real
SDKs and the emulator in tests/integration.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.deletion import DeletionFailed, ImageDeletion
from ansible_collections.multicloud.images.plugins.module_utils.errors import CloudError


class ScriptedAdapter:
    """Images in a dict; ``refuse`` maps id -> (category, code) for deletes; calls are recorded. A refusal names its
    image (``CloudError.image_id``), as the real adapters do, unless ``anonymous``."""

    cloud = "test"
    describe_batch_size = 100
    supports_dry_run = True

    def __init__(self, ids, multi=True, refuse=None, limit=None, states=None, fail_all=None, anonymous=False):
        self.images = dict((i, {"id": i, "name": "n-" + i, "state": (states or {}).get(i, "available")}) for i in ids)
        self.multi_id_delete = multi
        self.refuse = refuse or {}
        self.limit = limit
        self.fail_all = fail_all
        self.anonymous = anonymous
        self.calls = []
        self.polls = {}

    def describe(self, ids):
        self.calls.append(("describe", tuple(ids)))
        return dict((i, dict(self.images[i])) for i in ids if i in self.images)

    def find_by_names(self, names):
        self.calls.append(("names", tuple(names)))
        return [dict(v) for v in self.images.values() if v["name"] in names]

    def block_for(self, image, options):
        if image["state"] == "creating":
            return ("busy", "CREATING", "being created")
        return None

    def lookup_blocks(self, images, options, parallel):
        self.calls.append(("lookup", tuple(i["id"] for i in images)))
        return dict((i["id"], ("shared", "members", "has members")) for i in images if i.get("members"))

    def delete(self, ids, options, dry_run=False):
        self.calls.append(("dry_run" if dry_run else "delete", tuple(ids)))
        if self.fail_all:
            raise CloudError(self.fail_all, "failing", code="X")
        if self.limit and len(ids) > self.limit:
            raise CloudError("limit_exceeded", "too many", code="InvalidParameterValue.LimitExceeded")
        for i in ids:
            if i not in self.images:
                raise CloudError("not_found", "%s not found" % i, code="NotFound", image_id=self.named(i))
            if i in self.refuse:
                category, code = self.refuse[i]
                raise CloudError(category, "%s refused" % i, code=code, image_id=self.named(i))
        if not dry_run:
            for i in ids:
                del self.images[i]
        return "req-%d" % len(self.calls)

    def named(self, image_id):
        return None if self.anonymous else image_id

    def count(self, kind):
        return len([c for c in self.calls if c[0] == kind])


def run(adapter, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return ImageDeletion(adapter, **kwargs).run()


IDS = ["i%02d" % n for n in range(16)]


def test_all_clear_is_one_dry_run_and_one_delete_per_batch():
    adapter = ScriptedAdapter(IDS)
    result = run(adapter, image_ids=IDS, batch_size=8)
    assert result["changed"] and result["deleted"] == IDS
    assert adapter.count("dry_run") == 2 and adapter.count("delete") == 2
    assert adapter.count("describe") == 2  # resolve + one wait poll


def test_every_blocked_image_is_named_and_nothing_is_deleted():
    refuse = {"i03": ("shared", "InShared"), "i11": ("shared", "InShared"), "i12": ("in_use", "InUse")}
    adapter = ScriptedAdapter(IDS, refuse=refuse)
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS, batch_size=16)
    blocked = info.value.result["blocked"]
    assert [b["id"] for b in blocked] == ["i03", "i11", "i12"]
    assert [b["category"] for b in blocked] == ["shared", "shared", "in_use"]
    assert info.value.result["deleted"] == [] and adapter.count("delete") == 0
    assert len(adapter.images) == 16
    # the errors name the image (error.image_id): one dry run for the batch, then one for the rest after each blocker
    assert adapter.count("dry_run") == 4


def test_bisects_when_the_error_names_no_image():
    refuse = {"i03": ("shared", "InShared"), "i11": ("shared", "InShared")}
    adapter = ScriptedAdapter(IDS, refuse=refuse, anonymous=True)
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS, batch_size=16)
    assert [b["id"] for b in info.value.result["blocked"]] == ["i03", "i11"]
    assert adapter.count("dry_run") < 16 and adapter.count("delete") == 0


def test_the_engine_narrows_by_the_named_image_not_by_message_text():
    """A message that mentions an id is not enough: only error.image_id (set by the adapter) names the image."""
    refuse = {"i03": ("shared", "InShared")}
    adapter = ScriptedAdapter(IDS, refuse=refuse, anonymous=True)
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS, batch_size=16)
    assert [b["id"] for b in info.value.result["blocked"]] == ["i03"]
    # 16 -> 8 -> 4 -> 2 -> 1 on the refused side, each clean half once: 1 + 2 * 4 dry runs (named: 2).
    assert adapter.count("dry_run") == 9


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_delete_refused_for_one_image_deletes_the_others(anonymous):
    """The delete path narrows with the same routine: a batch refused for one image (after a passing DryRun, e.g. the
    image became shared in between) deletes every other image and names the one refused."""
    adapter = ScriptedAdapter(IDS, anonymous=anonymous)
    original = adapter.delete

    def delete(ids, options, dry_run=False):
        if not dry_run:
            adapter.refuse["i05"] = ("shared", "InShared")
        return original(ids, options, dry_run)

    adapter.delete = delete
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS, batch_size=16)
    result = info.value.result
    assert [b["id"] for b in result["blocked"]] == ["i05"] and result["not_deleted"] == ["i05"]
    assert result["deleted"] == [i for i in IDS if i != "i05"]
    # named: the batch, the named image alone, the rest: 3 deletes; anonymous: bisection, 1 + 2 * 4 deletes.
    assert adapter.count("delete") == (9 if anonymous else 3)


def test_check_mode_only_dry_runs():
    adapter = ScriptedAdapter(IDS)
    result = run(adapter, image_ids=IDS + ["gone1"], check_mode=True, batch_size=50)
    assert result["changed"] and result["deleted"] == IDS and result["already_absent"] == ["gone1"]
    assert adapter.count("delete") == 0 and len(adapter.images) == 16
    assert result["diff"]["before"]["images"][0]["id"] == "i00" and result["diff"]["after"] == {"images": []}


def test_limit_exceeded_halves_the_batch():
    adapter = ScriptedAdapter(IDS, limit=4)
    result = run(adapter, image_ids=IDS, batch_size=16)
    assert result["deleted"] == IDS and not adapter.images
    assert all(len(c[1]) <= 4 for c in adapter.calls if c[0] == "delete")


def test_missing_ids_and_deleting_images_are_already_absent():
    adapter = ScriptedAdapter(["a1", "a2"], states={"a2": "deleting"})
    result = run(adapter, image_ids=["a1", "a2", "a3"])
    assert result["deleted"] == ["a1"] and result["already_absent"] == ["a2", "a3"]


def test_nothing_to_do_is_no_change_and_no_mutating_call():
    adapter = ScriptedAdapter([])
    result = run(adapter, image_ids=["x1"], names=["nothing"])
    assert not result["changed"] and result["already_absent"] == ["x1"]
    assert adapter.count("delete") == 0 and adapter.count("dry_run") == 0


def test_static_blocks_come_before_any_dry_run():
    adapter = ScriptedAdapter(["c1", "c2"], states={"c1": "creating"})
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=["c1", "c2"])
    assert [b["id"] for b in info.value.result["blocked"]] == ["c1"]
    assert ("dry_run", ("c1",)) not in adapter.calls


def test_image_that_turns_blocked_after_preflight_fails_after_deleting_the_others():
    adapter = ScriptedAdapter(IDS[:4], multi=False)
    original = adapter.delete

    def delete(ids, options, dry_run=False):
        if not dry_run and ids == ["i02"]:
            adapter.refuse["i02"] = ("shared", "ImageUseShared")
        return original(ids, options, dry_run)

    adapter.delete = delete
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS[:4], max_concurrency=1)
    result = info.value.result
    assert result["deleted"] == ["i00", "i01", "i03"] and result["not_deleted"] == ["i02"]
    assert result["blocked"][0]["category"] == "shared" and "i02" in adapter.images


def test_auth_failure_stops_new_calls():
    adapter = ScriptedAdapter(IDS, multi=False)
    adapter.supports_dry_run = False
    adapter.fail_all = "auth_failed"
    with pytest.raises(DeletionFailed) as info:
        run(adapter, image_ids=IDS, max_concurrency=1)
    assert adapter.count("delete") == 1
    assert info.value.error.category == "auth_failed" and info.value.result["deleted"] == []


def test_wait_polls_in_batches_until_gone_and_times_out_clearly():
    adapter = ScriptedAdapter(IDS)
    adapter.supports_dry_run = False
    original = adapter.delete

    def delete(ids, options, dry_run=False):
        request = original(ids, options, dry_run)
        for i in ids:  # the cloud keeps them, deleting, for ever
            adapter.images[i] = {"id": i, "name": "n-" + i, "state": "deleting"}
        return request

    adapter.delete = delete
    clock = [0.0]

    def sleep(seconds):
        clock[0] += seconds

    with pytest.raises(DeletionFailed) as info:
        ImageDeletion(adapter, image_ids=IDS, wait_timeout=5, clock=lambda: clock[0], sleep=sleep).run()
    assert info.value.error.code == "WaitTimeout" and info.value.result["deleted"] == IDS
    polls = [c for c in adapter.calls if c[0] == "describe"][1:]
    assert polls and all(len(c[1]) == 16 for c in polls)


class GoingAdapter(ScriptedAdapter):
    """``going`` images are already DELETING when this task's delete arrives, and a delete naming one is
    refused with ``invalid_state`` as Tencent's DeleteImages does. With ``lost_answer``, the first real delete
    call is refused the way the adapter's retry loop reports a retry after a timed-out attempt
    (``after_transient``)."""

    def __init__(self, ids, going=(), lost_answer=False):
        super(GoingAdapter, self).__init__(ids, states=dict((i, "deleting") for i in going))
        self.lost_answer = lost_answer

    def delete(self, ids, options, dry_run=False):
        self.calls.append(("dry_run" if dry_run else "delete", tuple(ids)))
        going = [i for i in ids if self.images[i]["state"] == "deleting"]
        if going:
            error = CloudError("invalid_state", "%s is deleting" % going[0], code="InvalidImageId.IncorrectState")
            error.after_transient = self.lost_answer and self.count("delete") == 1
            raise error
        for i in ids:
            self.images[i]["state"] = "deleting"
        return "req"


def deletion_of(adapter, ids):
    deletion = ImageDeletion(adapter, image_ids=ids, batch_size=len(ids), wait=False, sleep=lambda s: None)
    deletion.images = dict((i, {"id": i, "name": "n-" + i, "state": "available"}) for i in ids)
    deletion.delete_all(ids)
    return deletion


def test_a_batch_whose_answer_was_lost_after_it_deleted_is_reported_deleted():
    ids = IDS[:4]
    deletion = deletion_of(GoingAdapter(ids, going=ids, lost_answer=True), ids)
    assert deletion.deleted == ids and deletion.already_absent == []


def test_after_a_lost_answer_a_batch_only_partly_going_was_not_ours():
    ids = IDS[:4]
    adapter = GoingAdapter(ids, going=[ids[1]], lost_answer=True)
    deletion = deletion_of(adapter, ids)
    assert sorted(deletion.deleted) == [ids[0], ids[2], ids[3]] and deletion.already_absent == [ids[1]]
    assert ("delete", (ids[1],)) in adapter.calls


def test_images_going_without_a_lost_answer_are_someone_elses():
    ids = IDS[:4]
    deletion = deletion_of(GoingAdapter(ids, going=ids), ids)
    assert deletion.deleted == [] and sorted(deletion.already_absent) == ids


def test_a_block_found_by_a_further_read_stops_everything_in_check_mode_too():
    for check_mode in (False, True):
        adapter = ScriptedAdapter(IDS[:4])
        adapter.images[IDS[2]]["members"] = ["p1"]
        with pytest.raises(DeletionFailed) as info:
            run(adapter, image_ids=IDS[:4], check_mode=check_mode)
        assert [b["id"] for b in info.value.result["blocked"]] == [IDS[2]]
        assert info.value.result["blocked"][0]["category"] == "shared" and info.value.result["deleted"] == []
        # The other candidates are still dry-run, so that every blocked image is named; the blocked one is not.
        assert adapter.count("delete") == 0 and ("dry_run", (IDS[0], IDS[1], IDS[3])) in adapter.calls
        assert ("lookup", tuple(IDS[:4])) in adapter.calls
