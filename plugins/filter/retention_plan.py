# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter ``multicloud.images.retention_plan``: which images a retention policy keeps and deletes, and why."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: retention_plan
short_description: Decide which images a retention policy keeps and deletes, and why
version_added: 0.1.0
author:
  - multicloud.images contributors
description:
  - Takes the images of an info module (M(multicloud.images.tencent_image_info), M(multicloud.images.aliyun_image_info),
    M(multicloud.images.huawei_image_info)) and a retention policy, and returns the plan, one entry per considered image
    with the action (V(keep) or V(delete)) and the reason.
  - An image is considered when its name matches O(policy.name_regex) and it carries every tag of O(policy.tags).
    Considered images are grouped (O(policy.group_by)); in each group the newest O(policy.keep) are kept.
  - An image beyond the newest O(policy.keep) of its group is deleted only when every other condition agrees
    (AND) it carries no protecting tag (O(policy.protect_tags)), it is not younger than O(policy.min_age_days), and,
    when O(policy.older_than_days) is set, it is older than that.
  - Anything unsure is kept, with its reason, and does not count towards the newest O(policy.keep) - an image
    already being deleted (state V(deleting) or V(deleted)), without a creation time or with one that cannot be read,
    an image outside any group (O(policy.group_by) finds no group for it), and an image that something still names
    (a non-empty C(referenced_by) - a launch template version, a scaling configuration, a server - as the info modules
    return it with C(with_references=true)).
  - An empty or missing O(policy.name_regex) considers nothing - the plan is empty, nothing is deleted.
  - Order - newest first by creation time; images created at the same second are ordered by id, the greater
    first (the order of the info modules); so in a tie for the last kept place the image with the greater id is kept.
    Undated images come last.
positional: _input, policy
options:
  _input:
    description: The images, as the info modules return them (C(id), C(name), C(created_at), C(state), C(tags)).
    type: list
    elements: dict
    required: true
  policy:
    description: The retention policy.
    type: dict
    required: true
    suboptions:
      name_regex:
        description:
          - Python regular expression, matched with C(re.search) against image names.
          - Empty or missing - no image is considered.
        type: str
      keep:
        description: How many of the newest images of each group to keep (V(0) keeps none).
        type: int
        default: 5
      group_by:
        description:
          - V(name) - the first capture group of O(policy.name_regex) names the group (C(^(web|db\)-build-)).
          - V(tag:KEY) - the value of the image's tag KEY names the group.
          - Unset - all considered images are one group.
          - An image whose name does not give the capture group, or without tag KEY (or with an empty value), is
            outside any group, and kept.
        type: str
      tags:
        description:
          - Only images carrying all these tags (key and value, compared as strings) are considered.
          - A value of V(null) accepts any value of the key.
        type: dict
      protect_tags:
        description:
          - An image carrying one of these tags is never deleted, and does not count towards O(policy.keep).
          - A list of keys (any value protects), or a dict of key and value (only that value protects).
        type: raw
      min_age_days:
        description: An image created less than this many days ago is never deleted.
        type: float
      older_than_days:
        description: When set, only images created more than this many days ago are deleted.
        type: float
      now:
        description:
          - The time ages are measured from (ISO 8601 or seconds since the epoch); default the controller's clock.
        type: raw
"""

EXAMPLES = r"""
- name: Keep the newest 3 images of each build line (web, db), and every image of the last 7 days
  ansible.builtin.set_fact:
    plan: >-
      {{ info.images | multicloud.images.retention_plan({'name_regex': '^(web|db)-build-', 'group_by': 'name',
                                                          'keep': 3, 'min_age_days': 7, 'protect_tags': ['keep']}) }}

- name: The ids to delete
  ansible.builtin.set_fact:
    doomed: "{{ plan | selectattr('action', 'eq', 'delete') | map(attribute='id') | list }}"
"""

RETURN = r"""
_value:
  description: One entry per considered image, newest first.
  type: list
  elements: dict
  contains:
    id:
      description: The id of the image.
      type: str
    name:
      description: The name of the image.
      type: str
    created_at:
      description: The image's creation time as the info module gave it.
      type: str
    group:
      description: The image's group (V(null) without O(policy.group_by), or when the image is outside any group).
      type: str
    action:
      description: V(keep) or V(delete).
      type: str
    reason:
      description: Why, in words (C(newest 5 of group web), C(protected by tag keep), C(younger than 7 days)).
      type: str
    going:
      description: V(true) for an image already being deleted when the plan was made (kept, and not counted).
      type: bool
"""

import datetime
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.multicloud.images.plugins.module_utils.deletion import GOING_STATES
from ansible_collections.multicloud.images.plugins.module_utils.references import listed

SECONDS_PER_DAY = 86400.0
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_time(value):
    """An aware UTC datetime from ISO 8601 text (or seconds since the epoch), or None when it cannot be read.

    A time without an offset is taken as UTC (the info modules give every time in UTC with a Z)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return EPOCH + datetime.timedelta(seconds=value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


class Policy:
    """A checked retention policy. Raises AnsibleFilterError on a policy that cannot be applied."""

    def __init__(self, policy):
        if not isinstance(policy, dict):
            raise AnsibleFilterError("retention_plan: the policy must be a dict, got %s" % type(policy).__name__)
        unknown = sorted(
            set(policy)
            - {"name_regex", "keep", "group_by", "tags", "protect_tags", "min_age_days", "older_than_days", "now"}
        )
        if unknown:
            raise AnsibleFilterError("retention_plan: unknown policy key(s): %s" % ", ".join(unknown))
        self.name_regex = self._regex(policy.get("name_regex"))
        self.keep = self._count("keep", policy.get("keep", 5), int)
        self.group_by = self._group_by(policy.get("group_by"))
        self.tags = self._tags(policy.get("tags"))
        self.protect = self._protect(policy.get("protect_tags"))
        self.min_age_days = self._optional_days("min_age_days", policy.get("min_age_days"))
        self.older_than_days = self._optional_days("older_than_days", policy.get("older_than_days"))
        self.now = self._now(policy.get("now"))

    @staticmethod
    def _regex(pattern):
        if pattern is None or str(pattern) == "":
            return None
        try:
            return re.compile(str(pattern))
        except re.error as error:
            raise AnsibleFilterError(
                "retention_plan: name_regex %r is not a valid regular expression: %s" % (pattern, error)
            )

    @staticmethod
    def _count(name, value, kind):
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = None
        if (
            number is None
            or isinstance(value, bool)
            or number < 0
            or (kind is int and str(value).strip() != str(number))
        ):
            raise AnsibleFilterError("retention_plan: %s must be a whole number of 0 or more, got %r" % (name, value))
        return number

    def _optional_days(self, name, value):
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1
        if isinstance(value, bool) or number < 0:
            raise AnsibleFilterError("retention_plan: %s must be a number of 0 or more, got %r" % (name, value))
        return number

    def _group_by(self, group_by):
        if group_by is None or group_by == "":
            return None
        group_by = str(group_by)
        if group_by == "name":
            if self.name_regex is not None and self.name_regex.groups < 1:
                raise AnsibleFilterError(
                    "retention_plan: group_by name needs a capture group in name_regex (%r has none),"
                    " e.g. ^(web|db)-build-" % self.name_regex.pattern
                )
            return ("name", None)
        if group_by.startswith("tag:") and len(group_by) > 4:
            return ("tag", group_by[4:])
        raise AnsibleFilterError("retention_plan: group_by must be name or tag:KEY, got %r" % group_by)

    @staticmethod
    def _tags(tags):
        if tags is None:
            return {}
        if not isinstance(tags, dict):
            raise AnsibleFilterError("retention_plan: tags must be a dict of key: value, got %r" % (tags,))
        return dict((str(k), None if v is None else str(v)) for k, v in tags.items())

    @staticmethod
    def _protect(protect):
        if protect is None or protect == "":
            return {}
        if isinstance(protect, dict):
            return dict((str(k), None if v is None else str(v)) for k, v in protect.items())
        if isinstance(protect, (list, tuple)):
            return dict((str(k), None) for k in protect)
        raise AnsibleFilterError(
            "retention_plan: protect_tags must be a list of keys or a dict of key: value, got %r" % (protect,)
        )

    @staticmethod
    def _now(now):
        if now is None or now == "":
            return datetime.datetime.now(datetime.timezone.utc)
        parsed = parse_time(now)
        if parsed is None:
            raise AnsibleFilterError(
                "retention_plan: now %r is not a time (ISO 8601 or seconds since the epoch)" % (now,)
            )
        return parsed


def tag_matches(tags, key, value):
    """Whether ``tags`` has ``key`` (with ``value`` unless that is None)."""
    return key in tags and (value is None or str(tags[key]) == value)


def tag_label(key, value):
    return key if value is None else "%s=%s" % (key, value)


class Planner:
    """Applies a Policy to a list of images."""

    def __init__(self, policy):
        self.policy = policy

    def considered(self, image):
        name = image.get("name") or ""
        if self.policy.name_regex is None or not self.policy.name_regex.search(name):
            return False
        tags = image.get("tags") or {}
        return all(tag_matches(tags, key, value) for key, value in self.policy.tags.items())

    def group_of(self, image):
        if self.policy.group_by is None:
            return None
        kind, key = self.policy.group_by
        if kind == "name":
            group = self.policy.name_regex.search(image.get("name") or "").group(1)
        else:
            group = (image.get("tags") or {}).get(key)
        return None if group is None or str(group) == "" else str(group)

    def outside_group(self):
        kind, key = self.policy.group_by
        if kind == "name":
            return "outside any group: the name gives no group (the first capture group of name_regex)"
        return "outside any group: no tag %s" % key

    def unsure(self, image, created):
        """The reason an image is kept whatever the count says, or None."""
        state = going_state(image)
        if state:
            return "already being deleted (state %s)" % state
        tags = image.get("tags") or {}
        for key, value in sorted(self.policy.protect.items()):
            if tag_matches(tags, key, value):
                return "protected by tag %s" % tag_label(key, value)
        if image.get("referenced_by"):
            return "referenced by %s" % listed(image["referenced_by"])
        if self.policy.group_by is not None and self.group_of(image) is None:
            return self.outside_group()
        if created is None:
            if image.get("created_at") in (None, ""):
                return "no creation time"
            return "creation time %r cannot be read" % (image.get("created_at"),)
        return None

    def newest(self, group):
        base = "newest %d" % self.policy.keep
        return base if group is None else "%s of group %s" % (base, group)

    def beyond(self, created, group):
        """Action and reason for an image beyond the newest N of its group."""
        age_days = (self.policy.now - created).total_seconds() / SECONDS_PER_DAY
        if self.policy.min_age_days is not None and age_days < self.policy.min_age_days:
            return "keep", "younger than %s days" % days(self.policy.min_age_days)
        if self.policy.older_than_days is not None and age_days <= self.policy.older_than_days:
            return "keep", "not older than %s days" % days(self.policy.older_than_days)
        reasons = []
        if self.policy.older_than_days is not None:
            reasons.append("older than %s days" % days(self.policy.older_than_days))
        if self.policy.min_age_days is not None:
            reasons.append("at least %s days old" % days(self.policy.min_age_days))
        return "delete", ", ".join(reasons + ["beyond the " + self.newest(group)])

    def plan(self, images):
        entries = []
        counts = {}
        for image, created in sort_newest_first(image for image in images if self.considered(image)):
            group = self.group_of(image) if self.policy.group_by is not None else None
            action, reason = "keep", self.unsure(image, created)
            if reason is None:
                rank = counts.get(group, 0)
                counts[group] = rank + 1
                if rank < self.policy.keep:
                    reason = self.newest(group)
                else:
                    action, reason = self.beyond(created, group)
            entries.append(
                {
                    "id": image.get("id"),
                    "name": image.get("name"),
                    "created_at": image.get("created_at"),
                    "group": group,
                    "action": action,
                    "reason": reason,
                    "going": going_state(image) is not None,
                }
            )
        return entries


def going_state(image):
    """The image's state when it is already being deleted (any case), else None."""
    state = str(image.get("state") or "").lower()
    return state if state in GOING_STATES else None


def days(value):
    return "%g" % value


def sort_newest_first(images):
    """(image, creation time) pairs, newest first; same second: greater id first; undated last."""
    dated = [(image, parse_time(image.get("created_at"))) for image in images]
    dated.sort(key=lambda pair: (pair[1] is not None, pair[1] or EPOCH, str(pair[0].get("id") or "")), reverse=True)
    return dated


def retention_plan(images, policy):
    """The retention plan of ``images`` under ``policy`` (see DOCUMENTATION)."""
    if images is None:
        images = []
    if not isinstance(images, (list, tuple)):
        raise AnsibleFilterError("retention_plan: expects a list of images, got %s" % type(images).__name__)
    strays = [entry for entry in images if not isinstance(entry, dict)]
    if strays:
        raise AnsibleFilterError(
            "retention_plan: every image must be a dict (as the info modules return them), got %r" % (strays[0],)
        )
    checked = Policy(policy)
    if checked.name_regex is None:
        return []
    return Planner(checked).plan(images)


class FilterModule(object):
    def filters(self):
        return {"retention_plan": retention_plan}
