# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options every image-deleting module shares.
    DOCUMENTATION = r"""
options:
  state:
    description:
      - V(absent) deletes the selected images. It is required so that destructive intent is always explicit.
    type: str
    required: true
    choices: [absent]
  image_ids:
    description:
      - IDs of the custom images to delete.
      - Every id is checked against the cloud's id format before any API call; malformed ids fail the task and
        nothing is deleted.
      - Ids that do not exist are reported in RV(already_absent) and are not an error.
      - At least one of O(image_ids) and O(names) is required.
    type: list
    elements: str
    aliases: [image_id]
  names:
    description:
      - Exact names of this account's own custom images to delete, in any state. Every image with one of these
        names is selected. Names that match nothing are no change and no error.
    type: list
    elements: str
  wait:
    description:
      - Return only when every deleted image is gone (batched describes, never one call per image).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the deleted images to disappear when O(wait=true), from 1 to 86400 (a day).
    type: int
    default: 600
  max_concurrency:
    description:
      - How many API calls may be in flight at once, from 1 to 64.
    type: int
    default: 8
  rate_limit:
    description:
      - Client-side ceiling on delete calls (and dry runs) per second, shared by all threads of the task.
      - The rate adapts to the account's quota. It starts at O(rate_limit), or by default at the cloud's documented limit
        where it has one (Tencent DeleteImages, 10/s) and otherwise at 20/s. It halves on a throttling answer (once for a
        burst of calls already in flight) and grows back step by step while calls succeed.
      - O(rate_limit) and a documented limit are never passed. Without either, the rate may grow past 20/s while calls
        succeed, bounded by what O(max_concurrency) calls in flight achieve.
      - Must be a positive, finite number.
    type: float
  protect_referenced:
    description:
      - Before anything is deleted (in check mode too), read once, paged, what in the region still names an image
        (launch template versions, every version and not only the default one, and auto-scaling configurations; on
        Huawei Cloud, AS scaling configurations and the ECS servers that run the image) and block those images as
        V(referenced) (V(in_use) when a server runs it). RV(blocked) names each referrer.
      - A refused read fails the task before any delete and names the missing permission (see the collection's
        docs/permissions.md). V(false) skips these reads.
    type: bool
    default: true
notes:
  - Before anything is deleted, every selected image is checked (described, read further where only another read
    shows a block, and dry-run where the API has a dry run). If any image cannot be deleted (in use, shared, public,
    busy, wrong state), the task fails, deletes nothing and lists each blocked image with its reason in RV(blocked).
    What each cloud lets the module see beforehand is in the collection's README ("What is protected, and how").
  - Check mode sends no mutating request and reports what the real run would delete; it fails exactly where the real
    run's pre-flight would.
  - Throttled and transient calls are retried with jittered exponential backoff (O(retries)). A delete that answers
    "not found" (someone else deleted the image meanwhile) counts as already absent.
  - Modules keep no local state, so any number may run at once against the same account.
"""
