#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aliyun_image_info
short_description: List machine images on Alibaba Cloud ECS
version_added: 0.1.0
description:
  - Lists the images of an Alibaba Cloud account in one region with C(DescribeImages), paging through every result
    (100 per page, every status, not only Available), and returns them normalized the same way as the other clouds' info modules.
  - Never fails because nothing matches; returns an empty list.
author:
  - multicloud.images contributors (@multicloud)
extends_documentation_fragment:
  - multicloud.images.aliyun
  - multicloud.images.image_info
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
"""

EXAMPLES = r"""
- name: All custom images of the account whose name starts with build-, newest first
  multicloud.images.aliyun_image_info:
    region: cn-hangzhou
    name_regex: "^build-"
  register: builds

- name: Images tagged env=test
  multicloud.images.aliyun_image_info:
    region: cn-hangzhou
    tags:
      env: test
  register: test_images

- name: Feed the ids of all but the newest three to the image module
  multicloud.images.aliyun_image:
    state: absent
    region: cn-hangzhou
    image_ids: "{{ (builds.images | map(attribute='id') | list)[3:] }}"
  when: builds.images | length > 3
"""

RETURN = r"""
images:
  description: The matching images, newest first, normalized the same way on every cloud.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Image id.
      type: str
      sample: m-bp67acfmxazb4p0001
    name:
      description: Image name.
      type: str
    state:
      description: Normalized state (available, creating, copying, importing, in_use, failed, deleting, ...).
      type: str
    native_state:
      description: The cloud's own state.
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
    kind:
      description: V(private) (this account's own), V(shared) (shared with it by another account) or V(public).
      type: str
    platform:
      description: Operating system platform, as the cloud reports it (C(Platform)).
      type: str
    usage:
      description: C(instance) when instances use the image, C(none) otherwise (C(Usage)).
      type: str
    is_public:
      description: Whether the image is public (C(IsPublic)).
      type: bool
    is_self_shared:
      description: Whether this account shares the image with others (C(IsSelfShared)).
      type: bool
    is_copied:
      description: Whether the image is a copy of another image (C(IsCopied)).
      type: bool
    image_owner_alias:
      description: C(self), C(others), C(system) or C(marketplace) (C(ImageOwnerAlias)).
      type: str
    progress:
      description: Creation progress, for example C(100%) (C(Progress)).
      type: str
    description:
      description: Image description.
      type: str
    referenced_by:
      description:
        - With O(with_references=true), what still names the image; empty when nothing does.
        - Each entry has C(kind) (launch_template, scaling_configuration or server), C(id), C(name), and
          C(version) (launch_template) or C(group) (scaling_configuration, its scaling group ids).
      returned: when O(with_references=true)
      type: list
      elements: dict
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
from ansible_collections.multicloud.images.plugins.module_utils.base import ImageInfoModule


def main():
    ImageInfoModule(AliyunAdapter).execute()


if __name__ == "__main__":
    main()
