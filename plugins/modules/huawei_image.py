#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: huawei_image
short_description: Delete custom images on Huawei Cloud IMS
version_added: 0.1.0
description:
  - Deletes private machine images of a Huawei Cloud project (one region) with the native OpenStack API
    C(DELETE /v2/images/{id}), safely, idempotently and several calls at once within the rate limit.
  - Selects images by id or by exact name, checks every one before deleting any, and reports each image that cannot
    be deleted with its reason.
author:
  - multicloud.images contributors (@multicloud)
extends_documentation_fragment:
  - multicloud.images.huawei
  - multicloud.images.image
options:
  delete_backups:
    description:
      - When deleting a full-ECS image, also delete its CSBS or CBR backups (C(delete_backup)).
      - This is all the storage clean-up IMS documents. A system-disk or data-disk image keeps its data in IMS itself
        (deleting the image removes it) and leaves no snapshot in the account, so huawei_image has no C(delete_snapshots) option
        (see U(https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0706.html)).
    type: bool
    default: false
notes:
  - IMS has no dry run. The pre-flight checks each image's type, owner, protection and status, and reads its members
    (C(GET /v2/images/{id}/members)). IMS deletes a shared image without telling the projects it is shared with, so
    any member blocks the image (category C(shared)). Check mode predicts from the same reads.
  - IMS documents no refusal for an image that servers use. With O(protect_referenced=true) (the default) the module
    lists the project's ECS servers once (C(GET /v1/{project_id}/cloudservers/detail), pages of 1000) and blocks an
    image a server runs (category C(in_use)); with V(false) such an image is deleted when asked.
  - A refusal at delete time is reported the same way as a pre-flight block.
  - Without O(project_id) the project of O(region) is looked up through IAM (O(iam_endpoint)).
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
  multicloud.images.huawei_image:
    state: absent
    region: cn-north-4
    image_ids:
      - 4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90
      - 9b1c8d2e-1f3a-4b5c-8d7e-6f5a4b3c2d1e

- name: See what would be deleted, without deleting
  multicloud.images.huawei_image:
    state: absent
    region: cn-north-4
    names: [build-2024-01-01]
  check_mode: true
  diff: true

- name: Delete full-ECS images with their CSBS backups, credentials from module_defaults
  module_defaults:
    group/multicloud.images.huawei:
      region: cn-north-4
      access_key: "{{ vault_huawei_ak }}"
      secret_key: "{{ vault_huawei_sk }}"
  multicloud.images.huawei_image:
    state: absent
    image_ids: "{{ old_image_ids }}"
    delete_backups: true
"""

RETURN = r"""
deleted:
  description: Ids deleted by this task (in check mode, the ids that would be deleted). On failure, the ids really deleted before it.
  returned: always
  type: list
  elements: str
  sample: [4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90]
already_absent:
  description: Selected ids that did not exist (or were already being deleted by someone else).
  returned: always
  type: list
  elements: str
  sample: [9b1c8d2e-1f3a-4b5c-8d7e-6f5a4b3c2d1e]
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
      description: The cloud's own state (C(active), C(queued), C(saving), ...).
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
    backup_ids:
      description: CSBS backup of a full-ECS image.
      type: list
      elements: str
    image_type:
      description: C(private), C(shared) (also an own image shared with others), C(gold) or C(market).
      type: str
    owner:
      description: The project that owns the image; the project's own images are the private ones (their C(kind) is C(private)).
      type: str
    platform:
      description: Operating system platform, as the cloud reports it (C(__platform)).
      type: str
    snapshot_ids:
      description: Snapshots bound to the image. IMS reports none, so this is always empty on Huawei Cloud; it is
        there so that images have the same keys on every cloud.
      type: list
      elements: str
    kind:
      description: V(private) (the project's own, whose RV(images[].owner) is the project), V(shared) (shared with it
        by another project) or V(public) (gold and market images). The delete module deletes only V(private) images.
      type: str
    visibility:
      description: C(private), C(public) or C(shared) (IMS C(visibility)).
      type: str
    whole_image:
      description: Whether this is a full-ECS image (C(__whole_image)).
      type: bool
    protected:
      description: Whether the image is protected (IMS C(protected)); a protected image cannot be deleted.
      type: bool
    description:
      description: Image description.
      type: str
request_ids:
  description:
    - Request ids (C(X-Request-Id)) of the DELETE calls that succeeded.
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
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter


def main():
    ImageModule(HuaweiAdapter).execute()


if __name__ == "__main__":
    main()
