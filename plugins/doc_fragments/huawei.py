# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - Huawei Cloud access key ID.
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_AK), then C(HW_ACCESS_KEY) (the first one set wins).
      - O(access_key) and O(secret_key) are both required (this cloud's SDK has no safe credential chain).
      - Partial keys (one without the other) fail before any API call.
    type: str
    aliases: [ak]
  secret_key:
    description:
      - Huawei Cloud secret access key. Never logged or returned.
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_SK), then C(HW_SECRET_KEY) (the first one set wins).
    type: str
    aliases: [sk]
  security_token:
    description:
      - Security token of temporary (STS) credentials, given with O(access_key) and O(secret_key).
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_SECURITY_TOKEN), then C(HW_SECURITY_TOKEN) (the first one set wins).
    type: str
    aliases: [session_token]
  region:
    description:
      - The region of the images, for example V(cn-north-4). The image APIs are regional.
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_REGION), then C(HW_REGION_NAME) (the first one set wins).
    type: str
    required: true
  endpoint:
    description:
      - API endpoint as C(host[:port]) or a URL with C(http://) or C(https://) (C(https) when no scheme is given).
      - Defaults to the public endpoint, C(https://ims.REGION.myhuaweicloud.com).
    type: str
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Turning it off prints a warning.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a CA bundle to verify the endpoint with (private endpoints, proxies).
    type: path
  timeout:
    description:
      - Seconds to wait for each API call to answer.
    type: int
    default: 30
  retries:
    description:
      - How many times a throttled or transient call (5xx, connection error, timeout, task running) is retried
        after its first attempt, with jittered exponential backoff. Authentication and permission errors are never retried.
    type: int
    default: 6
  project_id:
    description:
      - The project ID of the region. When unset, it is looked up through IAM for O(region).
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_PROJECT_ID), then C(HW_PROJECT_ID) (the first one set wins).
    type: str
  iam_endpoint:
    description:
      - IAM endpoint used to look up O(project_id) when it is not given, for example C(https://iam.myhuaweicloud.com).
      - Falls back to C(HUAWEICLOUD_SDK_IAM_ENDPOINT).
    type: str
requirements:
  - huaweicloudsdkcore
  - huaweicloudsdkims
"""
