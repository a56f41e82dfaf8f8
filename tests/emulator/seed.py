"""Seed files: load them and normalize accounts, config and images into the emulator's records."""

import copy
import hashlib
import json
import os

CLOUDS = ("tencent", "aliyun", "huawei")
DEFAULT_SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_seed.yml")

# The API actions as the journal, faults and quotas name them.
ACTIONS = {
    "tencent": (
        "DescribeImages",
        "DeleteImages",
        "DescribeSnapshots",
        "DeleteSnapshots",
        "DescribeLaunchTemplates",
        "DescribeLaunchTemplateVersions",
        "DescribeLaunchConfigurations",
    ),
    "aliyun": (
        "DescribeImages",
        "DeleteImage",
        "DescribeTasks",
        "DescribeSnapshots",
        "DeleteSnapshot",
        "DescribeLaunchTemplates",
        "DescribeLaunchTemplateVersions",
        "DescribeScalingConfigurations",
    ),
    "huawei": (
        "ShowImage",
        "ListImages",
        "ListImageMembers",
        "DeleteImage",
        "ListProjects",
        "ListScalingConfigs",
        "ListServersDetails",
    ),
}
MAX_QUOTA = 100000

DEFAULT_CONFIG = {
    "latency_ms": 0,
    "delete_polls": 2,
    "tencent_max_batch": 100,
    "max_skew_seconds": 300,
    "aliyun_max_skew_seconds": 900,
    "aliyun_missing_delete": "not_found",
    "deleting_view": "unchanged",
    "tencent_failed_states": "deletable",
    "aliyun_dry_run": "documented",
    "aliyun_image_id_list": "comma",
    "huawei_error_status": "table",
    "huawei_page_info": "next_marker",
    "huawei_unknown_marker": "error",
    "huawei_tag_format": "dot",
    "huawei_created_at_filter": "operator",
    "quotas": {},
    "tencent_binded_snap": "system",
    "tencent_cbs_max_batch": 100,
    "aliyun_missing_snapshot": "ignore",
}
# Where the clouds' documents are silent, each plausible behaviour is a choice (docs/emulator.md, "Assumptions").
CHOICES = {
    "aliyun_missing_delete": ("not_found", "ignore"),
    "deleting_view": ("unchanged", "state"),
    "tencent_failed_states": ("deletable", "refused"),
    "aliyun_dry_run": ("documented", "full"),
    "aliyun_image_id_list": ("comma", "single"),
    "huawei_error_status": ("table", "http"),
    "huawei_page_info": ("next_marker", "none"),
    "huawei_unknown_marker": ("error", "empty"),
    "huawei_tag_format": ("dot", "equals"),
    # ListImages created_at=<op>:<time>: as the operator names say (gte: at or after), or as the docstring's example
    # reads it (gt: before).
    "huawei_created_at_filter": ("operator", "example"),
    # Which snapshots DeleteImages' DeleteBindedSnap takes along: the system disk's only (cloud-barista/cb-spider#872)
    # or all of the image's. Either way one that another image still names stays.
    "tencent_binded_snap": ("system", "all"),
    # DeleteSnapshot of an id that does not exist: "the request is ignored" (its page), or InvalidSnapshotId.NotFound.
    "aliyun_missing_snapshot": ("ignore", "not_found"),
}

DEFAULT_REGION = {"tencent": "ap-guangzhou", "aliyun": "cn-hangzhou", "huawei": "cn-north-4"}
STATE_KEY = {"tencent": "state", "aliyun": "status", "huawei": "status"}
# The image states each cloud documents (Tencent Image.ImageState, Alibaba DescribeImagesRequest.status, Huawei
# ListImagesRequest.status). Tencent's USING comes from the `in_use` flag, as the DeleteImages page names it.
STATES = {
    "tencent": ("CREATING", "NORMAL", "CREATEFAILED", "SYNCING", "IMPORTING", "IMPORTFAILED"),
    "aliyun": ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated"),
    "huawei": ("queued", "saving", "deleted", "killed", "active"),
}
# With `deleting_view: state`, what a describe shows while an accepted delete finishes. Tencent's Image.ImageState lists
# no such state (DELETING is a guess); Huawei's `deleted` is a documented status value; Alibaba documents none.
DELETING_STATE = {"tencent": "DELETING", "aliyun": None, "huawei": "deleted"}

COMMON_FIELDS = {
    "id": None,
    "name": None,
    "region": None,
    "account": None,
    "owner": "self",
    "created_at": "2026-01-01T00:00:00Z",
    "size_gb": 20,
    "os_name": "CentOS 7.9 64bit",
    "architecture": "x86_64",
    "platform": "CentOS",
    "description": "",
    "tags": {},
    "shared": False,
    "public": False,
    "in_use": False,
    "deleting_polls_left": None,
}
CLOUD_FIELDS = {
    "tencent": {"state": "NORMAL", "snapshot_ids": [], "task_running": False, "image_source": None},
    "aliyun": {
        "status": "Available",
        "snapshot_ids": [],
        "copying": False,
        "importing": False,
        "exporting": False,
        "is_copied": False,
        "progress": "100%",
        "owner_alias": None,
        "usage": None,
        "ram_denied": False,
    },
    "huawei": {
        "status": "active",
        "backup_ids": [],
        "whole_image": False,
        "protected": False,
        "imagetype": None,
        "visibility": None,
        "os_bit": "64",
        "os_type": "Linux",
        "members": None,
    },
}
BOOL_FIELDS = {
    "shared",
    "public",
    "in_use",
    "task_running",
    "copying",
    "importing",
    "exporting",
    "is_copied",
    "whole_image",
    "protected",
    "ram_denied",
}
LIST_FIELDS = {"snapshot_ids", "backup_ids"}


class SeedError(ValueError):
    """The seed (or a control-API image) is not valid."""


def load_file(path):
    """Read a YAML or JSON seed file into a dict."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".json"):
        return json.loads(text)
    import yaml

    return yaml.safe_load(text) or {}


def check_config(config, base=None):
    """Merge config into base (the defaults when None), validating every key."""
    merged = dict(DEFAULT_CONFIG if base is None else base)
    for key, value in (config or {}).items():
        if key not in DEFAULT_CONFIG:
            raise SeedError("unknown config key %r (known: %s)" % (key, ", ".join(sorted(DEFAULT_CONFIG))))
        if key in CHOICES:
            if value not in CHOICES[key]:
                raise SeedError("%s must be one of %s" % (key, ", ".join(CHOICES[key])))
        elif key == "quotas":
            value = check_quotas(value)
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < (1 if key in ("tencent_max_batch", "tencent_cbs_max_batch") else 0)
        ):
            raise SeedError("config %s must be a non-negative integer, not %r" % (key, value))
        merged[key] = value
    return merged


def check_quotas(quotas):
    """``{cloud: {action: calls per second}}``, each rate a number above 0 (at most MAX_QUOTA)."""
    if not isinstance(quotas, dict):
        raise SeedError("quotas must be a mapping of cloud to {action: calls per second}")
    checked = {}
    for cloud, rates in quotas.items():
        if cloud not in ACTIONS or not isinstance(rates, dict):
            raise SeedError("quotas: %r is not one of %s with a mapping of actions" % (cloud, ", ".join(ACTIONS)))
        for action, rate in rates.items():
            if action not in ACTIONS[cloud]:
                raise SeedError("quotas: %s actions are %s, not %r" % (cloud, ", ".join(ACTIONS[cloud]), action))
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= MAX_QUOTA:
                raise SeedError(
                    "quotas: %s %s must be a number of calls per second above 0 and at most %d, not %r"
                    % (cloud, action, MAX_QUOTA, rate)
                )
        checked[cloud] = dict(rates)
    return checked


def normalize(seed):
    """Return {config, accounts, images} with every default filled in and every value checked."""
    seed = seed or {}
    unknown = set(seed) - {"config", "accounts", "images", "roles", "snapshots", "references", "denied"}
    if unknown:
        raise SeedError("unknown seed keys: %s" % ", ".join(sorted(unknown)))
    accounts = [normalize_account(raw) for raw in seed.get("accounts") or []]
    default_account = accounts[0]["id"] if accounts else None
    images = {cloud: [] for cloud in CLOUDS}
    for cloud, raws in (seed.get("images") or {}).items():
        if cloud not in CLOUDS:
            raise SeedError("unknown cloud %r in images" % cloud)
        images[cloud] = [normalize_image(cloud, raw, default_account) for raw in raws or []]
    from .sts import normalize_roles

    roles = normalize_roles(seed.get("roles"), {account["id"] for account in accounts})
    snapshots = {cloud: [] for cloud in CLOUDS}
    for cloud, raws in (seed.get("snapshots") or {}).items():
        if cloud not in ("tencent", "aliyun"):
            raise SeedError("snapshots are seeded for tencent and aliyun, not %r" % cloud)
        snapshots[cloud] = [normalize_snapshot(cloud, raw) for raw in raws or []]
    from .references import normalize as normalize_references

    references, denied = normalize_references(seed.get("references"), seed.get("denied"), accounts)
    return {
        "config": check_config(seed.get("config")),
        "accounts": accounts,
        "images": images,
        "roles": roles,
        "snapshots": snapshots,
        "references": references,
        "denied": denied,
    }


# Seeded snapshot fields (`snapshots: {tencent: [...], aliyun: [...]}`), beside the images that name them in
# snapshot_ids (every live image naming a snapshot uses it). state: Tencent SnapshotState / Alibaba Status;
# share_reference: Tencent ShareReference (accounts it is shared with); locked: Tencent IsLocked; disk_ids: Alibaba
# disks created from it (Usage disk); disk_usage: SYSTEM_DISK or DATA_DISK.
SNAPSHOT_FIELDS = {
    "id": None,
    "account": None,
    "region": None,
    "image_id": None,
    "state": None,
    "share_reference": 0,
    "locked": False,
    "disk_ids": [],
    "disk_usage": None,
}
SNAPSHOT_STATES = {
    "tencent": ("NORMAL", "CREATING", "ROLLBACKING", "COPYING_FROM_REMOTE", "CHECKING_COPIED", "TORECYCLE"),
    "aliyun": ("progressing", "accomplished", "failed"),
}


def snapshot_record(cloud, snapshot_id, image, account=None):
    """The record of a snapshot an image names (or of a seeded one, with ``account``)."""
    record = copy.deepcopy(SNAPSHOT_FIELDS)
    record.update(
        id=snapshot_id,
        account=image["account"] if image else account,
        region=image["region"] if image else DEFAULT_REGION[cloud],
        image_id=image["id"] if image else None,
        state={"tencent": "NORMAL", "aliyun": "accomplished"}.get(cloud),
    )
    if image and cloud in ("tencent", "aliyun"):
        record["disk_usage"] = "SYSTEM_DISK" if image["snapshot_ids"].index(snapshot_id) == 0 else "DATA_DISK"
    return record


def normalize_snapshot(cloud, raw):
    if not isinstance(raw, dict) or not raw.get("id") or set(raw) - set(SNAPSHOT_FIELDS):
        raise SeedError("%s snapshots need an id and only %s: %r" % (cloud, ", ".join(sorted(SNAPSHOT_FIELDS)), raw))
    if raw.get("state") is not None and raw["state"] not in SNAPSHOT_STATES[cloud]:
        raise SeedError(
            "%s snapshot %s: state must be one of %s" % (cloud, raw["id"], ", ".join(SNAPSHOT_STATES[cloud]))
        )
    return dict((k, v) for k, v in raw.items() if v is not None)


def normalize_account(raw):
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise SeedError("every account needs an id: %r" % (raw,))
    account = {"id": str(raw["id"]), "sts": []}
    needed = {
        "tencent": ("secret_id", "secret_key"),
        "aliyun": ("access_key_id", "access_key_secret"),
        "huawei": ("ak", "sk"),
    }
    for cloud, names in needed.items():
        keys = raw.get(cloud)
        if keys is None:
            continue
        if not all(isinstance(keys.get(name), str) and keys.get(name) for name in names):
            raise SeedError("account %s: %s needs %s" % (account["id"], cloud, " and ".join(names)))
        account[cloud] = {name: keys[name] for name in names}
        if cloud == "huawei":
            account[cloud]["projects"] = {str(r): str(p) for r, p in (keys.get("projects") or {}).items()}
    for sts in raw.get("sts") or []:
        if sts.get("cloud") not in CLOUDS or not all(sts.get(k) for k in ("access_key", "secret_key", "token")):
            raise SeedError("account %s: sts entries need cloud, access_key, secret_key, token" % account["id"])
        account["sts"].append(
            {
                "cloud": sts["cloud"],
                "access_key": str(sts["access_key"]),
                "secret_key": str(sts["secret_key"]),
                "token": str(sts["token"]),
                "expired": bool(sts.get("expired", False)),
            }
        )
    unknown = set(raw) - {"id", "sts", "name"} - set(needed)
    if unknown:
        raise SeedError("account %s: unknown keys %s" % (account["id"], ", ".join(sorted(unknown))))
    return account


def normalize_image(cloud, raw, default_account=None):
    """Fill defaults, accept `state`/`status` for either cloud, derive type and owner fields."""
    if not isinstance(raw, dict) or not raw.get("id"):
        raise SeedError("every %s image needs an id: %r" % (cloud, raw))
    raw = with_state_key(cloud, raw)
    fields = dict(COMMON_FIELDS, **CLOUD_FIELDS[cloud])
    unknown = set(raw) - set(fields)
    if unknown:
        raise SeedError(
            "%s image %s: unknown keys %s (known: %s)"
            % (cloud, raw["id"], ", ".join(sorted(unknown)), ", ".join(sorted(fields)))
        )
    image = copy.deepcopy(fields)
    image.update(copy.deepcopy(raw))
    image["id"] = str(image["id"])
    image["name"] = str(image["name"] if image["name"] is not None else image["id"])
    image["region"] = image["region"] or DEFAULT_REGION[cloud]
    if image["owner"] not in ("self", "other"):
        raise SeedError("%s image %s: owner must be self or other" % (cloud, image["id"]))
    if image["account"] is not None:
        image["account"] = str(image["account"])
    elif image["owner"] == "self":
        image["account"] = default_account
    if image["owner"] == "self" and image["account"] is None:
        raise SeedError("%s image %s needs an account" % (cloud, image["id"]))
    if image["owner"] == "other" and not image["public"]:
        image["shared"] = True
    for name in BOOL_FIELDS & set(image):
        if not isinstance(image[name], bool):
            raise SeedError("%s image %s: %s must be true or false" % (cloud, image["id"], name))
    for name in LIST_FIELDS & set(image):
        image[name] = [str(item) for item in image[name] or []]
    if image[STATE_KEY[cloud]] not in STATES[cloud] and image[STATE_KEY[cloud]] != DELETING_STATE[cloud]:
        raise SeedError(
            "%s image %s: %s must be one of %s" % (cloud, image["id"], STATE_KEY[cloud], ", ".join(STATES[cloud]))
        )
    if not isinstance(image["tags"], dict):
        raise SeedError("%s image %s: tags must be a mapping" % (cloud, image["id"]))
    image["tags"] = {str(k): "" if v is None else str(v) for k, v in image["tags"].items()}
    if not isinstance(image["size_gb"], int) or isinstance(image["size_gb"], bool):
        raise SeedError("%s image %s: size_gb must be an integer" % (cloud, image["id"]))
    _derive(cloud, image)
    return image


def with_state_key(cloud, raw):
    """A copy of raw where `state` (or `status`) is renamed to the cloud's own key."""
    raw = dict(raw)
    alias = "status" if STATE_KEY[cloud] == "state" else "state"
    if alias in raw:
        value = raw.pop(alias)
        raw.setdefault(STATE_KEY[cloud], value)
    return raw


def _derive(cloud, image):
    other, public = image["owner"] == "other", image["public"]
    if cloud == "tencent" and image["image_source"] is None:
        image["image_source"] = "OFFICIAL" if other and public else "CREATE_IMAGE"
    if cloud == "aliyun":
        if image["owner_alias"] is None:
            image["owner_alias"] = ("system" if public else "others") if other else "self"
        if image["usage"] is None:
            image["usage"] = "instance" if image["in_use"] else "none"
    if cloud == "huawei":
        _derive_members(image)
        # "The __imagetype of images you share with other tenants or those other tenants share with you and you have
        # accepted is shared. You can use field owner to distinguish the two" (IMS ListImages, __imagetype).
        if image["imagetype"] is None:
            image["imagetype"] = (
                ("gold" if public else "shared") if other else ("shared" if image["shared"] else "private")
            )
        if image["visibility"] is None:
            image["visibility"] = {"gold": "public", "market": "public", "shared": "shared"}.get(
                image["imagetype"], "private"
            )


# Glance image member statuses (GlanceImageMembers.status in huaweicloudsdkims: accepted, rejected, pending).
MEMBER_STATUSES = ("accepted", "rejected", "pending")


def _derive_members(image):
    """Huawei `members`: the projects an own image is shared with. `shared: true` alone means one accepted member;
    members given make the image shared."""
    members = image["members"]
    if image["owner"] != "self":
        image["members"] = []
        return
    if members is None:
        members = [default_member(image["id"])] if image["shared"] else []
    if not isinstance(members, list):
        raise SeedError("huawei image %s: members must be a list" % image["id"])
    normalized = []
    for member in members:
        if isinstance(member, str):
            member = {"member_id": member}
        if not isinstance(member, dict) or not member.get("member_id") or set(member) - {"member_id", "status"}:
            raise SeedError("huawei image %s: a member is a project id or {member_id, status}" % image["id"])
        status = member.get("status", "accepted")
        if status not in MEMBER_STATUSES:
            raise SeedError(
                "huawei image %s: member status must be one of %s" % (image["id"], ", ".join(MEMBER_STATUSES))
            )
        normalized.append({"member_id": str(member["member_id"]), "status": status})
    image["members"] = normalized
    image["shared"] = bool(normalized)


def default_member(image_id):
    """A stable made-up project id for the one member of an image seeded with `shared: true`."""
    return hashlib.sha256(("member:" + image_id).encode()).hexdigest()[:32]
