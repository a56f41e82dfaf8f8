# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Selection options every image info module shares.
    DOCUMENTATION = r"""
options:
  image_ids:
    description:
      - Only these image ids. Ids that do not exist are simply not returned.
      - Malformed ids fail before any API call.
    type: list
    elements: str
    aliases: [image_id]
  names:
    description:
      - Only images with exactly one of these names.
    type: list
    elements: str
  name_regex:
    description:
      - Only images whose name matches this Python regular expression (C(re.search)).
    type: str
  tags:
    description:
      - Only images that carry every one of these tags with these values.
    type: dict
  image_type:
    description:
      - V(private) lists the account's own custom images; V(shared) images other accounts share with it;
        V(public) the cloud's public images; V(all) everything visible.
    type: str
    default: private
    choices: [private, shared, public, all]
  with_references:
    description:
      - Also read, once and paged, what in the region still names each image (launch template versions, auto-scaling
        configurations; on Huawei Cloud, AS scaling configurations and ECS servers) and return it in each image's
        RV(images[].referenced_by). Needs the read permissions listed in the collection's docs/permissions.md.
    type: bool
    default: false
"""
