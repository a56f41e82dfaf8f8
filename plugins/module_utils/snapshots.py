# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot phase of an image deletion (``delete_snapshots``), cloud-neutral.

Before anything is deleted (and in check mode) the snapshots of the images are read and split into those that go
with their image and those that something else still uses (kept, with the reason). Once the images are gone the
ones that go are read again (an image delete may have taken some along, e.g. Tencent's DeleteBindedSnap, and a use
may have appeared since) and deleted: in batches where the cloud's delete takes a list, else one per call on the
task's threads, every call under the adapter's retry policy and rate limiter. A snapshot that cannot go is kept and
reported; it never undoes or fails the image deletion, except an authentication or permission error, which fails
the task (with what was deleted) because every further snapshot call would be refused the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .adapter import chunks
from .errors import AUTH_FAILED, FORBIDDEN, LIMIT_EXCEEDED, NOT_FOUND, CloudError

# Failures that fail the task even after the images are gone: the credentials cannot manage snapshots at all.
FATAL = (AUTH_FAILED, FORBIDDEN)


def kept_entry(snapshot_id, image_id, reason):
    return {"id": snapshot_id, "image_id": image_id, "reason": reason}


class SnapshotPhase:
    """The snapshots of one task's images: ``plan`` before the deletes, ``delete`` after the images are gone."""

    def __init__(self, adapter, parallel):
        self.adapter = adapter
        self.parallel = parallel
        self.owner = {}  # snapshot id -> the image it was taken for
        self.going = []  # snapshot ids that go, in image order
        self.deleted = []
        self.kept = []
        self.request_ids = []

    def plan(self, images):
        """Split the snapshots of ``images`` (normalized dicts, the ones this task deletes) into going and kept."""
        deleting = set(i["id"] for i in images)
        for image in images:
            for snapshot_id in image.get("snapshot_ids") or []:
                self.owner.setdefault(snapshot_id, image["id"])
        found = self.describe(list(self.owner))
        for snapshot_id, image_id in self.owner.items():
            snapshot = found.get(snapshot_id)
            reason = self.adapter.snapshot_kept_reason(snapshot, deleting) if snapshot else None
            if snapshot is None:
                continue  # no such snapshot (any more): nothing to delete, nothing to keep
            if reason:
                self.kept.append(kept_entry(snapshot_id, image_id, reason))
            else:
                self.going.append(snapshot_id)

    def describe(self, ids):
        found = {}
        batches = chunks(ids, self.adapter.snapshot_describe_batch)
        for dummy_batch, snapshots in self.adapter.raise_first(self.parallel(self.adapter.describe_snapshots, batches)):
            found.update(snapshots)
        return found

    def result(self):
        return {"snapshots_deleted": list(self.deleted), "snapshots_kept": list(self.kept)}

    def would_go(self):
        """Check mode: what the real run would delete."""
        self.deleted = list(self.going)

    def delete(self, deleted_images):
        """After the images are gone: read the planned snapshots again, delete those still there and still free.
        Only snapshots of ``deleted_images`` (the ones this task deleted) go.

        Returns the CloudError that must fail the task (auth/permission), or None."""
        deleted_images = set(deleted_images)
        spared = [sid for sid in self.going if self.owner[sid] not in deleted_images]
        self._keep_all(spared, "its image was not deleted by this task (already gone or being deleted)")
        spared = set(spared)
        self.going = [sid for sid in self.going if sid not in spared]
        try:
            found = self.describe(list(self.going))
        except CloudError as error:
            if error.category in FATAL:
                return error
            self._keep_all(self.going, "could not be read after the images were deleted: %s" % error.describe())
            return None
        left = []
        for snapshot_id in self.going:
            snapshot = found.get(snapshot_id)
            if snapshot is None:
                self.deleted.append(snapshot_id)  # taken along by the image delete
                continue
            reason = self.adapter.snapshot_kept_reason(snapshot, deleted_images)
            if reason:
                self.kept.append(kept_entry(snapshot_id, self.owner[snapshot_id], reason))
            else:
                left.append(snapshot_id)
        fatal = []
        outcomes = self.parallel(
            lambda batch: self._delete_batch(batch, fatal), chunks(left, self.adapter.snapshot_delete_batch)
        )
        self.adapter.raise_first(outcomes)
        order = dict((sid, n) for n, sid in enumerate(self.going))
        self.deleted.sort(key=order.get)
        return fatal[0] if fatal else None

    def _delete_batch(self, batch, fatal):
        """Delete ``batch``; a refused batch (the clouds' list deletes are all-or-nothing) is halved until every
        refused snapshot is named."""
        if fatal:
            self._keep_all(batch, "not deleted: an earlier snapshot call was refused (%s)" % fatal[0].code)
            return
        try:
            request_id = self.adapter.delete_snapshots(batch)
        except CloudError as error:
            if error.category in FATAL:
                fatal.append(error)
                self._keep_all(batch, "not deleted: %s" % error.describe())
            elif len(batch) > 1:
                half = len(batch) // 2
                self._delete_batch(batch[:half], fatal)
                self._delete_batch(batch[half:], fatal)
            elif error.category == NOT_FOUND:
                self.deleted.append(batch[0])  # gone meanwhile (the image delete's own cleanup finished late)
            elif error.category == LIMIT_EXCEEDED:
                self._keep_all(batch, "not deleted: %s" % error.describe())
            else:
                self._keep_all(batch, "the cloud refused to delete it: %s" % error.describe())
            return
        if request_id:
            self.request_ids.append(request_id)
        self.deleted.extend(batch)

    def _keep_all(self, ids, reason):
        self.kept.extend(kept_entry(sid, self.owner[sid], reason) for sid in ids)
