"""Accounts, keys, images and snapshots of the three clouds. Callers hold `State.lock` around every use."""

import copy
import hashlib
import threading
from dataclasses import dataclass
from typing import Optional

from . import seed as seeds
from .seed import CLOUDS, DELETING_STATE, STATE_KEY

# Fields the seed derives from others: a PATCH of a source field derives them again.
DERIVED_FROM = {
    "image_source": {"owner", "public"},
    "owner_alias": {"owner", "public", "shared"},
    "usage": {"in_use"},
    "imagetype": {"owner", "public", "shared", "members"},
    "visibility": {"owner", "public", "shared", "members", "imagetype"},
    "members": {"owner", "shared"},
}


@dataclass(frozen=True)
class Key:
    cloud: str
    key_id: str
    secret: str
    account: str
    token: Optional[str] = None
    expired: bool = False


class State:
    def __init__(self, seed):
        self.lock = threading.RLock()
        self.load(seed)

    def load(self, seed):
        data = seeds.normalize(seed)
        keys, projects = {}, {}
        for account in data["accounts"]:
            pairs = []
            for cloud, (id_name, secret_name) in (
                ("tencent", ("secret_id", "secret_key")),
                ("aliyun", ("access_key_id", "access_key_secret")),
                ("huawei", ("ak", "sk")),
            ):
                if cloud in account:
                    pairs.append(Key(cloud, account[cloud][id_name], account[cloud][secret_name], account["id"]))
            for sts in account["sts"]:
                pairs.append(
                    Key(sts["cloud"], sts["access_key"], sts["secret_key"], account["id"], sts["token"], sts["expired"])
                )
            for key in pairs:
                if (key.cloud, key.key_id) in keys:
                    raise seeds.SeedError("%s key %s is used twice" % (key.cloud, key.key_id))
                keys[(key.cloud, key.key_id)] = key
            for region, project in account.get("huawei", {}).get("projects", {}).items():
                if project in projects:
                    raise seeds.SeedError("huawei project %s is used twice" % project)
                projects[project] = (account["id"], region)
        self.config = data["config"]
        self.accounts = {account["id"]: account for account in data["accounts"]}
        self.keys, self.projects = keys, projects
        self.roles = data["roles"]  # assumed roles (sts.py)
        self.references, self.denied = data["references"], data["denied"]  # references.py
        self.images = {cloud: {} for cloud in CLOUDS}
        self.snapshots = {cloud: {} for cloud in CLOUDS}
        for cloud, images in data["images"].items():
            for image in images:
                self._put(cloud, image)
        for cloud, snapshots in data["snapshots"].items():
            for raw in snapshots:
                self.put_snapshot(cloud, raw)

    # -- accounts and keys

    def find_key(self, cloud, key_id):
        return self.keys.get((cloud, key_id))

    def project_of(self, account, region):
        return self.accounts.get(account, {}).get("huawei", {}).get("projects", {}).get(region)

    def owner_project(self, image):
        if image["owner"] == "self":
            return self.project_of(image["account"], image["region"]) or ""
        return hashlib.sha256(("other:" + image["id"]).encode()).hexdigest()[:32]

    # -- images

    def add_image(self, cloud, raw):
        default = next(iter(self.accounts), None)
        image = seeds.normalize_image(cloud, raw, default)
        self._put(cloud, image)
        return image

    def _put(self, cloud, image):
        self.images[cloud][image["id"]] = image
        for sid in image.get("snapshot_ids") or image.get("backup_ids") or []:
            # A snapshot named by several images keeps the first one's record (snapshots.users lists them all).
            self.snapshots[cloud].setdefault(sid, seeds.snapshot_record(cloud, sid, image))

    def put_snapshot(self, cloud, raw):
        """A seeded snapshot: its fields over the record an image made (or a new one). See seeds.SNAPSHOT_FIELDS."""
        record = self.snapshots[cloud].get(raw["id"])
        if record is None:
            record = seeds.snapshot_record(cloud, raw["id"], None, next(iter(self.accounts), None))
        record.update(raw)
        self.snapshots[cloud][raw["id"]] = record

    def get(self, cloud, image_id):
        """The image with this id in any account or region, unless it is gone."""
        image = self.images[cloud].get(image_id)
        return None if image is None or image["deleting_polls_left"] == 0 else image

    def update_image(self, cloud, image_id, fields):
        image = self.get(cloud, image_id)
        if image is None:
            return None
        fields = seeds.with_state_key(cloud, fields)
        raw = dict(image)
        for derived, sources in DERIVED_FROM.items():
            if derived not in fields and sources & set(fields):
                raw.pop(derived, None)
        raw.update(fields)
        updated = seeds.normalize_image(cloud, raw)
        if updated["id"] != image_id:
            raise seeds.SeedError("an image id cannot change")
        self.images[cloud][image_id] = updated
        return updated

    def visible(self, cloud, account, region):
        """Images the account sees in the region: its own plus public and shared-to-it images of others."""
        self.purge_gone(cloud)
        return [image for image in self.images[cloud].values() if visible_to(image, account, region)]

    def export(self, cloud, region=None, account=None):
        self.purge_gone(cloud)
        return [
            copy.deepcopy(image)
            for image in self.images[cloud].values()
            if (region is None or image["region"] == region) and (account is None or image["account"] == account)
        ]

    # -- deletion: still described for `delete_polls` describes (as it was, or in a deleting state), then gone

    def start_delete(self, cloud, image, drop_snapshots=False):
        """``drop_snapshots``: True (all of the image's), or the list of snapshot ids the delete takes along."""
        if drop_snapshots:
            dropped = (
                drop_snapshots
                if isinstance(drop_snapshots, list)
                else (image.get("snapshot_ids") or image.get("backup_ids") or [])
            )
            for sid in dropped:
                self.snapshots[cloud].pop(sid, None)
        polls = self.config["delete_polls"]
        if polls <= 0:
            del self.images[cloud][image["id"]]
            return
        if self.config["deleting_view"] == "state" and DELETING_STATE[cloud]:
            image[STATE_KEY[cloud]] = DELETING_STATE[cloud]
        image["deleting_polls_left"] = polls

    def is_deleting(self, image):
        return image["deleting_polls_left"] is not None

    def seen(self, images):
        """Count one describe for every deleting image in an answer; at zero it is gone."""
        for image in images:
            if image["deleting_polls_left"] is not None:
                image["deleting_polls_left"] -= 1

    def purge_gone(self, cloud):
        images = self.images[cloud]
        for image_id in [iid for iid, image in images.items() if image["deleting_polls_left"] == 0]:
            del images[image_id]

    def snapshot_users(self, cloud, snapshot_id):
        """Ids of the live images that name the snapshot (one being deleted counts until it is gone)."""
        return sorted(
            image["id"]
            for image in self.images[cloud].values()
            if image["deleting_polls_left"] != 0 and snapshot_id in (image.get("snapshot_ids") or [])
        )

    def binded_snapshots(self, image):
        """What Tencent DeleteImages' DeleteBindedSnap takes along (config tencent_binded_snap): the system disk's
        snapshot, or all of the image's; one that another image still names stays."""
        ids = (
            image["snapshot_ids"][:1] if self.config["tencent_binded_snap"] == "system" else list(image["snapshot_ids"])
        )
        return [sid for sid in ids if self.snapshot_users("tencent", sid) == [image["id"]]]

    def export_snapshots(self, cloud, account=None):
        return [dict(s) for s in self.snapshots[cloud].values() if account is None or s["account"] == account]


def visible_to(image, account, region):
    if image["region"] != region:
        return False
    if image["owner"] == "self":
        return image["account"] == account
    return image["public"] or image["account"] in (None, account)
