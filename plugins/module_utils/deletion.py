# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud-neutral deletion lifecycle: resolve, pre-flight, delete, wait.

Works on any :class:`ImageAdapter`; knows no cloud and no Ansible. Check mode runs the same
resolution and pre-flight as the real run and stops before the first mutating call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .adapter import chunks, unique
from .errors import (
    ADVICE,
    LIMIT_EXCEEDED,
    MALFORMED_ID,
    NOT_FOUND,
    TRANSIENT,
    CloudError,
)
from .snapshots import SnapshotPhase


class DeletionFailed(Exception):
    """The task must fail. ``result`` holds what is known (deleted, blocked, ...), ``error`` the cause."""

    def __init__(self, msg, result, error=None):
        super(DeletionFailed, self).__init__(msg)
        self.msg = msg
        self.result = result
        self.error = error


def run_parallel(func, items, workers, pool=None):
    """Run ``func(item)`` for each item on up to ``workers`` threads; return [(item, result, error)].

    With ``pool`` (a ThreadPoolExecutor kept for the whole task) the same threads, and so the same
    per-thread SDK clients and their connections, serve every phase.
    """

    def guarded(item):
        try:
            return item, func(item), None
        except CloudError as error:
            return item, None, error

    workers = max(1, min(int(workers), len(items) or 1))
    if workers == 1:
        return [guarded(item) for item in items]
    if pool is not None:
        return list(pool.map(guarded, items))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(guarded, items))


# The normalized states of an image already on its way out (someone's delete).
GOING_STATES = ("deleting", "deleted")


def going(image):
    """Whether a described image is gone (None) or already on its way out (someone's delete)."""
    return image is None or image.get("state") in GOING_STATES


def blocked_entry(image_id, category, code, reason):
    return {"id": image_id, "category": category, "code": code, "reason": reason}


class ImageDeletion:
    """One task's deletion of a set of images on one cloud, account and region."""

    def __init__(
        self,
        adapter,
        image_ids=(),
        names=(),
        options=None,
        check_mode=False,
        wait=True,
        wait_timeout=600,
        batch_size=50,
        max_concurrency=8,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self.adapter = adapter
        self.image_ids = unique(list(image_ids or []))
        self.names = unique(list(names or []))
        self.options = options or {}
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.batch_size = max(1, int(batch_size)) if adapter.multi_id_delete else 1
        self.max_concurrency = max(1, int(max_concurrency))
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()
        self.deleted = []
        self.already_absent = []
        self.request_ids = []
        self.images = {}
        self.pool = None
        self.order = list(self.image_ids)
        # The snapshot phase (snapshots.py): on clouds whose module has delete_snapshots, and only when it is true.
        self.snapshots = None

    # -- result ----------------------------------------------------------------------------
    def result(self, blocked=None):
        deleted_set, absent_set = set(self.deleted), set(self.already_absent)
        deleted = [i for i in self.order if i in deleted_set]
        images = [self.images[i] for i in deleted if i in self.images]
        result = {
            "changed": bool(deleted),
            "deleted": deleted,
            "already_absent": [i for i in self.order if i in absent_set],
            "images": images,
            "request_ids": list(self.request_ids),
            "diff": {"before": {"images": images}, "after": {"images": []}},
        }
        if blocked is not None:
            result["blocked"] = blocked
        if getattr(self.adapter, "snapshot_option", None):
            self._snapshot_result(result)
        return result

    def _snapshot_result(self, result):
        """snapshots_deleted and snapshots_kept, and the snapshots in the diff (before: all of the images' snapshots
        this task considered; after: the ones kept)."""
        phase = self.snapshots
        result.update(phase.result() if phase else {"snapshots_deleted": [], "snapshots_kept": []})
        if phase:
            kept = [k["id"] for k in phase.kept]
            result["request_ids"].extend(phase.request_ids)
            considered = set(phase.going) | set(kept)
            result["diff"]["before"]["snapshots"] = [i for i in phase.owner if i in considered]
            result["diff"]["after"]["snapshots"] = kept

    def _note_request(self, request_id):
        if request_id:
            with self.lock:
                self.request_ids.append(request_id)

    # -- lifecycle -------------------------------------------------------------------------
    def parallel(self, func, items):
        return run_parallel(func, items, self.max_concurrency, self.pool)

    def run(self):
        self.pool = ThreadPoolExecutor(max_workers=self.max_concurrency)
        try:
            return self._run()
        finally:
            self.pool.shutdown(wait=True)

    def _run(self):
        self.resolve()
        candidates = [i for i in self.order if i in self.images and i not in self.already_absent]
        blocked = self.preflight(candidates)
        if blocked:
            first = blocked[0]
            error = CloudError(first["category"], "%d image(s) cannot be deleted" % len(blocked), code=first["code"])
            raise DeletionFailed(self.blocked_message(blocked), self.result(blocked=blocked), error)
        candidates = [i for i in candidates if i not in self.already_absent]
        self.plan_snapshots(candidates)
        if self.check_mode:
            with self.lock:
                self.deleted = list(candidates)
            if self.snapshots:
                self.snapshots.would_go()
            return self.result()
        self.delete_all(candidates)
        # Snapshots can go only once their image is gone: with delete_snapshots the task waits even with wait: false.
        if (self.wait or self.snapshots) and self.deleted:
            self.wait_until_gone(list(self.deleted))
        if self.snapshots:
            self.delete_snapshots()
        return self.result()

    def plan_snapshots(self, ids):
        """With delete_snapshots: which snapshots of the images go and which are kept (and why), before any delete."""
        option = getattr(self.adapter, "snapshot_option", None)  # test doubles may not have it
        if not option or not self.options.get(option) or not ids:
            return
        self.snapshots = SnapshotPhase(self.adapter, self.parallel)
        try:
            self.snapshots.plan([self.images[i] for i in ids])
        except CloudError as error:
            raise DeletionFailed(
                "Could not read the images' snapshots, nothing was deleted: %s (or set %s: false)"
                % (error.describe(), option),
                self.result(),
                error,
            )
        # Images with a snapshot that stays are deleted without the cloud's own snapshot clean-up (Tencent
        # DeleteBindedSnap), which documents no check of other uses.
        self.options = dict(self.options, spare_snapshots_of=set(k["image_id"] for k in self.snapshots.kept))

    def delete_snapshots(self):
        error = self.snapshots.delete(self.deleted)
        if error is not None:
            result = self.result()
            raise DeletionFailed(
                "The images were deleted, but their snapshots could not be: %s. Deleted images: %s. "
                "Snapshots deleted: %s."
                % (error.describe(), ", ".join(result["deleted"]), ", ".join(result["snapshots_deleted"]) or "none"),
                result,
                error,
            )

    def resolve(self):
        """Describe every id (batched) and add the account's own images named in ``names``."""
        found = {}
        batches = chunks(self.image_ids, self.adapter.describe_batch_size)
        for batch, images, error in self.parallel(self.adapter.describe, batches):
            if error is not None:
                raise DeletionFailed(
                    "Could not describe images %s: %s" % (", ".join(batch), error.describe()), self.result(), error
                )
            found.update(images)
        if self.names:
            try:
                named = self.adapter.find_by_names(self.names)
            except CloudError as error:
                raise DeletionFailed("Could not look up images by name: %s" % error.describe(), self.result(), error)
            for image in named:
                found.setdefault(image["id"], image)
                if image["id"] not in self.order:
                    self.order.append(image["id"])
        for image_id in self.order:
            image = found.get(image_id)
            if going(image):
                # Gone, or already on its way out (someone else's delete): nothing for this task to do.
                self.already_absent.append(image_id)
            else:
                self.images[image_id] = image

    def preflight(self, candidates):
        """Every reason not to delete, for every candidate, before anything is deleted."""
        blocked = []
        cleared = []
        for image_id in candidates:
            block = self.adapter.block_for(self.images[image_id], self.options)
            if block:
                blocked.append(blocked_entry(image_id, *block))
            else:
                cleared.append(image_id)
        if cleared:
            found = self.look_up_blocks(cleared)
            blocked.extend(blocked_entry(i, *found[i]) for i in cleared if i in found)
            cleared = [i for i in cleared if i not in found]
        if self.adapter.supports_dry_run and cleared:
            blocked.extend(self.dry_run(cleared))
        position = dict((image_id, n) for n, image_id in enumerate(self.order))
        return sorted(blocked, key=lambda b: position[b["id"]])

    def look_up_blocks(self, ids):
        """The adapter's further reads (Huawei image members, Alibaba tasks); a failed read fails the task before
        anything is deleted."""
        try:
            return self.adapter.lookup_blocks([self.images[i] for i in ids], self.options, self.parallel)
        except CloudError as error:
            raise DeletionFailed(
                "Pre-flight check of %s failed, nothing was deleted: %s"
                % (error.image_id or ", ".join(ids), error.describe()),
                self.result(),
                error,
            )

    def dry_run(self, ids):
        """DryRun the cleared ids: one call per batch; narrow a failing batch down to name every blocker."""
        blocked = []

        def check(batch):
            try:
                self._note_request(self.adapter.delete(batch, self.options, dry_run=True))
                return []
            except CloudError as error:
                if self._splits(batch, error):
                    named, parts = self._split(batch, error)
                    found = self._single_failure(named, error) if named else []
                    return found + [entry for part in parts for entry in check(part)]
                if not self._image_specific(error):
                    raise
                return self._single_failure(batch[0], error)

        for batch, found, error in self.parallel(check, chunks(ids, self.batch_size)):
            if error is not None:
                raise DeletionFailed(
                    "Pre-flight check (DryRun) of %s failed, nothing was deleted: %s"
                    % (", ".join(batch), error.describe()),
                    self.result(),
                    error,
                )
            blocked.extend(found)
        return blocked

    def _splits(self, batch, error):
        """Whether a failed call is one to narrow down: a multi-id call refused for too many ids, or for an image."""
        return len(batch) > 1 and (error.category == LIMIT_EXCEEDED or self._image_specific(error))

    def _split(self, batch, error):
        """The one narrowing routine of a refused multi-id call (DryRun and delete alike): (the image the refusal is
        about, or None; the batches to call again).

        Too many ids: halve, and send no larger batch from now on. Refused for the one image the adapter names
        (``error.image_id``): that image apart, the rest again (one call per blocked image). Otherwise bisect.
        """
        if error.category == LIMIT_EXCEEDED:
            with self.lock:
                self.batch_size = max(1, min(self.batch_size, len(batch) // 2))
        elif error.image_id in batch:
            return error.image_id, [[i for i in batch if i != error.image_id]]
        half = len(batch) // 2
        return None, [batch[:half], batch[half:]]

    def _all_gone(self, ids):
        """Whether every one of ``ids`` is no longer described, or is being deleted (a fresh describe)."""
        for batch in chunks(ids, self.adapter.describe_batch_size):
            try:
                images = self.adapter.describe(batch)
            except CloudError:
                return False
            if not all(going(images.get(i)) for i in batch):
                return False
        return True

    def _refusal_means_gone(self, ids, error):
        """A refusal that only says the image is not there: not found, or refused for its state while a fresh
        describe shows it gone or being deleted (by someone else, or by an earlier attempt of ours whose answer
        was lost). Such an image is not blocked: it is already absent."""
        if error.category == NOT_FOUND:
            return True
        return bool(error.blocks_image) and len(ids) == 1 and self._all_gone(ids)

    def _single_failure(self, image_id, error):
        if self._refusal_means_gone([image_id], error):
            with self.lock:
                self.already_absent.append(image_id)
            return []
        return [blocked_entry(image_id, self._block_category(error), error.code, self._reason(image_id, error))]

    @staticmethod
    def _image_specific(error):
        return bool(error.blocks_image) or error.category in (NOT_FOUND, MALFORMED_ID)

    @staticmethod
    def _block_category(error):
        return error.blocks_image or error.category

    def _reason(self, image_id, error):
        name = self.images.get(image_id, {}).get("name")
        label = "image %s%s" % (image_id, " (%s)" % name if name else "")
        return "%s: %s (code %s): %s" % (label, error.message, error.code, ADVICE[self._block_category(error)])

    def delete_all(self, ids):
        """Delete in batches (or one per call) on up to max_concurrency threads; finish what can be finished."""
        failures = []
        abort = threading.Event()

        def delete(batch, after_lost_answer=False):
            if abort.is_set():
                return
            try:
                self._note_request(self.adapter.delete(batch, self.options))
            except CloudError as error:
                lost = after_lost_answer or error.after_transient
                if lost and len(batch) == 1 and error.category == NOT_FOUND:
                    # An earlier attempt of this delete timed out or lost its answer, and the retry finds the image
                    # gone: that attempt deleted it (no cloud documents a deleting state to tell it by).
                    pass
                elif error.after_transient and self._image_specific(error) and self._all_gone(batch):
                    # The same, where the retry is refused for the images' state and a describe shows them gone or
                    # being deleted. A multi-id delete is all-or-nothing, so a batch only partly gone was not ours.
                    pass
                elif self._splits(batch, error):
                    # Too many ids, or an all-or-nothing batch refused for one image: narrow, delete the others. The
                    # image a refusal names is sent alone, so its own answer decides (a lost earlier answer too).
                    named, parts = self._split(batch, error)
                    for part in ([[named]] if named else []) + parts:
                        delete(part, lost and error.category == NOT_FOUND)
                    return
                else:
                    self._delete_failed(batch, error, failures, abort)
                    return
            with self.lock:
                self.deleted.extend(batch)

        self.parallel(delete, chunks(ids, self.batch_size))
        if failures:
            self.fail_after_deletes(ids, failures)

    def _delete_failed(self, batch, error, failures, abort):
        """One delete call (one image, or a batch refused as a whole) that cannot be completed."""
        if self._refusal_means_gone(batch, error):
            with self.lock:
                self.already_absent.extend(batch)
            return
        if not self._image_specific(error):
            abort.set()
        with self.lock:
            failures.append((batch, error))

    def fail_after_deletes(self, ids, failures):
        blocked = []
        for batch, error in failures:
            for image_id in batch:
                blocked.append(
                    blocked_entry(image_id, self._block_category(error), error.code, self._reason(image_id, error))
                )
        done = set(self.deleted) | set(self.already_absent)
        not_deleted = [i for i in ids if i not in done]
        first = failures[0][1]
        msg = "Deleting failed for %d image(s) after the pre-flight passed: %s. Deleted: %s. Not deleted: %s." % (
            len(blocked),
            "; ".join(b["reason"] for b in blocked[:10]),
            ", ".join(self.deleted) or "none",
            ", ".join(not_deleted) or "none",
        )
        result = self.result(blocked=blocked)
        result["not_deleted"] = not_deleted
        raise DeletionFailed(msg, result, first)

    def wait_until_gone(self, ids):
        """Poll the deleted ids with batched describes until none is left, within wait_timeout."""
        deadline = self.clock() + self.wait_timeout
        pending = list(ids)
        # Polls at 0.1, 0.3, 0.7, 1.5, 3.1, 6.3 s, then every 5 s: a small set returns soon after the cloud is
        # done, and a long wait costs one poll (a describe per 100 images) per 5 s.
        interval = 0.1
        while True:
            still = []
            batches = chunks(pending, self.adapter.describe_batch_size)
            for batch, images, error in self.parallel(self.adapter.describe, batches):
                if error is not None:
                    raise DeletionFailed(
                        "Images were deleted but waiting for them failed: %s" % error.describe(), self.result(), error
                    )
                # Gone means the describe no longer returns it: a "deleted" record still shown counts as pending.
                still.extend(i for i in batch if i in images)
            pending = still
            if not pending:
                return
            remaining = deadline - self.clock()
            if remaining <= 0:
                error = CloudError(TRANSIENT, "still present after %s s" % self.wait_timeout, code="WaitTimeout")
                raise DeletionFailed(
                    "Deleted %d image(s), but %s still exist after wait_timeout=%s s: raise wait_timeout "
                    "or set wait: false" % (len(self.deleted), ", ".join(pending), self.wait_timeout),
                    self.result(),
                    error,
                )
            self.sleep(min(interval, remaining))
            interval = min(interval * 2, 5.0)

    def blocked_message(self, blocked):
        lines = "; ".join(b["reason"] for b in blocked[:20])
        more = " (and %d more)" % (len(blocked) - 20) if len(blocked) > 20 else ""
        return "Nothing was deleted: %d image(s) cannot be deleted: %s%s" % (len(blocked), lines, more)
