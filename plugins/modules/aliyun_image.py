#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aliyun_image
short_description: Delete custom images on Alibaba Cloud ECS
version_added: 0.1.0
description:
  - Deletes custom machine images of an Alibaba Cloud account in one region with C(DeleteImage), safely, idempotently
    and several calls at once within the rate limit.
  - Selects images by id or by exact name, checks every one before deleting any, and reports each image that cannot
    be deleted with its reason.
author:
  - multicloud.images contributors (@multicloud)
extends_documentation_fragment:
  - multicloud.images.aliyun
  - multicloud.images.image
options:
  force:
    description:
      - Delete an image even when instances were created from it (C(Force)). Being in use is then not a block;
        sharing, publishing, copying, importing and exporting still are.
    type: bool
    default: false
  delete_snapshots:
    description:
      - Also delete every snapshot each image was made from (its C(DiskDeviceMappings)), once the image is gone;
        C(DeleteImage) never deletes them. One C(DeleteSnapshot) call per snapshot, several in flight at once within
        the rate limit, on O(endpoint) (snapshots are ECS calls).
      - Before anything is deleted (and in check mode) the snapshots are read with C(DescribeSnapshots) and the
        account's own images are listed once (paged) to see which images use each snapshot. A snapshot that another
        image uses, that disks were created from (C(Usage) C(disk) or C(image_disk), as deleting it would need C(Force)
        and those disks could not be re-initialized) or that is not C(accomplished) is kept and listed in
        RV(snapshots_kept) with the reason. C(Force) is never sent to C(DeleteSnapshot).
      - The snapshots can go only after their image is gone, so the task waits for the images even with O(wait=false).
      - A snapshot the cloud refuses to delete is kept and reported; it never fails the task, except an
        authentication or permission error, which fails it after the images were deleted (RV(deleted) lists them).
    type: bool
    default: false
notes:
  - The pre-flight reads usage, sharing, public and status fields from C(DescribeImages), then the import and export
    tasks in progress (C(DescribeTasks)), then dry-runs each remaining image (C(DryRun)), which checks the AccessKey
    and the permission to delete that image.
  - A copy in progress shows in no documented read. Only the delete finds it; the task then reports exactly what was
    deleted (RV(deleted)), what was not (RV(not_deleted)) and why (RV(blocked)). Check mode cannot predict it.
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
  multicloud.images.aliyun_image:
    state: absent
    region: cn-hangzhou
    image_ids:
      - m-bp67acfmxazb4p0001
      - m-bp67acfmxazb4p0002

- name: See what would be deleted, without deleting
  multicloud.images.aliyun_image:
    state: absent
    region: cn-hangzhou
    names: [build-2024-01-01]
  check_mode: true
  diff: true

- name: Delete images even if instances were created from them, credentials from module_defaults
  module_defaults:
    group/multicloud.images.aliyun:
      region: cn-hangzhou
      access_key: "{{ vault_aliyun_access_key_id }}"
      secret_key: "{{ vault_aliyun_access_key_secret }}"
  multicloud.images.aliyun_image:
    state: absent
    image_ids: "{{ old_image_ids }}"
    force: true
"""

RETURN = r"""
deleted:
  description: Ids deleted by this task (in check mode, the ids that would be deleted). On failure, the ids really deleted before it.
  returned: always
  type: list
  elements: str
  sample: [m-bp67acfmxazb4p0001]
already_absent:
  description: Selected ids that did not exist (or were already being deleted by someone else).
  returned: always
  type: list
  elements: str
  sample: [m-bp67acfmxazb4p0002]
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
      description: The cloud's own state (C(Available), C(Creating), ...).
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
    usage:
      description: C(instance) when instances were created from the image, else C(none).
      type: str
    is_self_shared:
      description: Whether the image is shared with other accounts.
      type: bool
    image_owner_alias:
      description: C(self), C(others), C(system) or C(marketplace).
      type: str
    platform:
      description: Operating system platform, as the cloud reports it (C(Platform)).
      type: str
    is_public:
      description: Whether the image is public (C(IsPublic)).
      type: bool
    is_copied:
      description: Whether the image is a copy of another image (C(IsCopied)).
      type: bool
    kind:
      description: V(private) (this account's own), V(shared) (shared with it by another account) or V(public) (system
        and marketplace images), from C(ImageOwnerAlias). The delete module deletes only V(private) images.
      type: str
    progress:
      description: Creation progress, for example C(100%) (C(Progress)).
      type: str
    description:
      description: Image description.
      type: str
snapshots_deleted:
  description: With O(delete_snapshots=true), the ids of the images' snapshots deleted by this task; in check mode,
    those that would be deleted. Empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [s-bp1c0doj0taqyzzl1234]
snapshots_kept:
  description: With O(delete_snapshots=true), the images' snapshots that stay, each with the image it belongs to and
    why (another image uses it, disks were created from it, its status, the cloud refused it). Empty otherwise.
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
    - Request ids of the DeleteImage calls (dry runs included) and of the DeleteSnapshot calls that succeeded.
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

from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.base import ImageModule


def main():
    ImageModule(AliyunAdapter).execute()


if __name__ == "__main__":
    main()
