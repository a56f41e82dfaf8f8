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
      - The region chooses the default O(endpoint) and the project looked up when O(project_id) is not set. When both
        O(endpoint) and O(project_id) are given, they win and the region is not used for the image calls (the
        requests are signed without it), and the images deleted are those of that project at that endpoint. The module
        then warns when the endpoint's host does not contain the region name (IP addresses are not checked).
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
      - Given together with O(endpoint), it wins over O(region) (see O(region)).
      - Falls back to the environment variables C(HUAWEICLOUD_SDK_PROJECT_ID), then C(HW_PROJECT_ID) (the first one set wins).
    type: str
  iam_endpoint:
    description:
      - IAM endpoint used to look up O(project_id) when it is not given, for example C(https://iam.myhuaweicloud.com).
      - Falls back to C(HUAWEICLOUD_SDK_IAM_ENDPOINT).
    type: str
  assume_role:
    description:
      - Get temporary keys of this IAM agency (C(POST /v3.0/OS-CREDENTIAL/securitytokens), assume_role) before any
        image call. The base keys O(access_key) and O(secret_key) sign only that call, at O(iam_endpoint) (default
        C(https://iam.myhuaweicloud.com)); the agency's temporary keys sign the image calls and are asked for again
        before they expire.
      - When not given, C(HW_ASSUME_ROLE_AGENCY_NAME), C(HW_ASSUME_ROLE_DOMAIN_NAME) and C(HW_ASSUME_ROLE_DURATION) are read.
      - An agency that cannot be assumed fails with C(auth_failed) or C(forbidden) before any image is touched.
    type: dict
    suboptions:
      agency_name:
        description: The agency's name.
        type: str
      domain_name:
        description: The name of the account that owns the agency (or give O(assume_role.domain_id)).
        type: str
      domain_id:
        description: The ID of the account that owns the agency.
        type: str
      duration:
        description: Seconds the temporary keys live (900 to 86400; default 3600).
        type: int
  profile:
    description:
      - Not supported on Huawei Cloud, because KooCLI's C(~/.hcloud/config.json) has no documented format. Setting it, or
        C(HW_PROFILE), fails before any call. Give O(access_key) and O(secret_key).
    type: str
  service_endpoints:
    description:
      - Endpoints of the other services a module calls, as C(host[:port]) or an C(http://) / C(https://) URL. Each
        defaults to the service's public endpoint; O(endpoint) is never used for another service (IAM is O(iam_endpoint)).
    type: dict
    suboptions:
      as:
        description:
          - Auto Scaling, read for the image modules' C(protect_referenced) and the info modules' C(with_references).
          - Default C(https://as.REGION.myhuaweicloud.com).
        type: str
      ecs:
        description:
          - Elastic Cloud Server (the servers that run an image), read for the image modules' C(protect_referenced) and
            the info modules' C(with_references).
          - Default C(https://ecs.REGION.myhuaweicloud.com).
        type: str
requirements:
  - huaweicloudsdkcore
  - huaweicloudsdkims
  - huaweicloudsdkiam (only with O(assume_role))
"""
