#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tencent_image
short_description: Delete custom images on Tencent Cloud CVM
version_added: 0.1.0
description:
  - Deletes custom machine images of a Tencent Cloud account in one region with C(DeleteImages), safely, idempotently
    and in batches.
  - Selects images by id or by exact name, checks every one before deleting any, and reports each image that cannot
    be deleted with its reason.
author:
  - multicloud.images contributors (@multicloud)
extends_documentation_fragment:
  - multicloud.images.tencent
  - multicloud.images.image
options:
  delete_snapshots:
    description:
      - Also delete every snapshot each image was made from, once the image is gone. C(DeleteImages) is sent with
        C(DeleteBindedSnap) (which takes some of them along, the system disk's at least), then the image's remaining
        snapshots (C(SnapshotSet) of C(DescribeImages)) are deleted with CBS C(DeleteSnapshots), in batches, at
        O(service_endpoints.cbs).
      - Before anything is deleted (and in check mode) the snapshots are read with CBS C(DescribeSnapshots). A snapshot
        that another image still uses, that is shared with other accounts, that is not C(NORMAL) or is locked is kept
        and listed in RV(snapshots_kept) with the reason; an image with such a snapshot is deleted without
        C(DeleteBindedSnap).
      - The snapshots can go only after their image is gone, so the task waits for the images even with O(wait=false).
      - A snapshot the cloud refuses to delete is kept and reported; it never fails the task, except an
        authentication or permission error, which fails it after the images were deleted (RV(deleted) lists them).
    type: bool
    default: false
  batch_size:
    description:
      - Image ids per C(DeleteImages) call. When the API answers C(InvalidParameterValue.LimitExceeded) the batch is
        halved and sent again.
    type: int
    default: 50
notes:
  - C(DeleteImages) is all-or-nothing per call. The pre-flight dry-runs each batch once and, only when a batch fails,
    narrows it down so that every blocked image is named (sharing is visible only to a dry run).
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
"""

EXAMPLES = r"""
- name: Delete two images (a second run reports changed=false)
  multicloud.images.tencent_image:
    state: absent
    region: ap-guangzhou
    image_ids:
      - img-34vaef8fe
      - img-mfih409y

- name: See what would be deleted, without deleting
  multicloud.images.tencent_image:
    state: absent
    region: ap-guangzhou
    names: [build-2024-01-01]
  check_mode: true
  diff: true

- name: Delete images and their snapshots, credentials from module_defaults
  module_defaults:
    group/multicloud.images.tencent:
      region: ap-guangzhou
      access_key: "{{ vault_tencent_secret_id }}"
      secret_key: "{{ vault_tencent_secret_key }}"
  multicloud.images.tencent_image:
    state: absent
    image_ids: "{{ old_image_ids }}"
    delete_snapshots: true
"""

RETURN = r"""
deleted:
  description: Ids deleted by this task (in check mode, the ids that would be deleted). On failure, the ids really deleted before it.
  returned: always
  type: list
  elements: str
  sample: [img-34vaef8fe]
already_absent:
  description: Selected ids that did not exist (or were already being deleted by someone else).
  returned: always
  type: list
  elements: str
  sample: [img-mfih409y]
images:
  description: The deleted images as they were before the delete, normalized the same way on every cloud.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Image id.
      type: str
    name:
      description: Image name.
      type: str
    state:
      description: Normalized state (available, creating, copying, importing, in_use, failed, deleting, ...).
      type: str
    native_state:
      description: The cloud's own state (C(NORMAL), C(CREATING), ...).
      type: str
    created_at:
      description: Creation time, ISO 8601.
      type: str
    size_gb:
      description: Image size in GB.
      type: int
    os_name:
      description: Operating system name.
      type: str
    architecture:
      description: CPU architecture.
      type: str
    tags:
      description: Tags as a dict.
      type: dict
    snapshot_ids:
      description: Snapshots bound to the image.
      type: list
      elements: str
    image_type:
      description: C(PRIVATE_IMAGE), C(SHARED_IMAGE) or C(PUBLIC_IMAGE).
      type: str
    platform:
      description: Operating system platform, as the cloud reports it (C(Platform)).
      type: str
    kind:
      description: V(private) (this account's own), V(shared) (shared with it by another account) or V(public)
        (C(ImageType)). The delete module deletes only V(private) images.
      type: str
    image_source:
      description: How the image was made (C(ImageSource), for example C(CREATE_IMAGE) or C(EXTERNAL_IMPORT)).
      type: str
    description:
      description: Image description.
      type: str
snapshots_deleted:
  description: With O(delete_snapshots=true), the ids of the images' snapshots deleted by this task (by
    C(DeleteBindedSnap) or C(DeleteSnapshots)); in check mode, those that would be deleted. Empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [snap-gybrif0z]
snapshots_kept:
  description: With O(delete_snapshots=true), the images' snapshots that stay, each with the image it belongs to and
    why (another image uses it, it is shared, its state, the cloud refused it). Empty otherwise.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Snapshot id.
      type: str
    image_id:
      description: The deleted image the snapshot belongs to.
      type: str
    reason:
      description: Why it stays, in plain words.
      type: str
request_ids:
  description:
    - Request ids of the DeleteImages calls (dry runs included) and of the CBS DeleteSnapshots calls that succeeded.
    - Only calls the cloud accepted are listed. The request id of a refused or failed call is in
      RV(error.request_id) (of the first one, when several calls were refused).
  returned: always
  type: list
  elements: str
blocked:
  description: On a failed pre-flight or delete, each image that could not be deleted and why.
  returned: failure
  type: list
  elements: dict
  contains:
    id:
      description: Image id.
      type: str
    category:
      description: One of in_use, shared, public, busy, invalid_state, forbidden, malformed_id, ...
      type: str
    code:
      description: The cloud's error code or state behind the block.
      type: str
    reason:
      description: What blocks the image and what to do, in plain words.
      type: str
not_deleted:
  description: When deleting failed for some images after the pre-flight passed, the selected images that were not
    deleted (the refused ones, and those not reached once an error stopped the task).
  returned: failure after a delete was refused
  type: list
  elements: str
error:
  description: On failure, the error in the collection's taxonomy beside the cloud's own code.
  returned: failure
  type: dict
  contains:
    category:
      description: not_found, malformed_id, in_use, shared, public, busy, invalid_state, throttled, auth_failed,
        forbidden, limit_exceeded, invalid_parameter, transient or unknown.
      type: str
    code:
      description: The cloud's error code.
      type: str
    message:
      description: The cloud's error message.
      type: str
    request_id:
      description: The request id of the failed (or refused) call, when the cloud answered with one.
      type: str
    http_status:
      description: HTTP status of the failed call, where the API uses it.
      type: int
"""

from ansible_collections.multicloud.images.plugins.module_utils.base import ImageModule
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter


def main():
    ImageModule(TencentAdapter).execute()


if __name__ == "__main__":
    main()
