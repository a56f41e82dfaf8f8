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
      - Alibaba Cloud access key ID.
      - Falls back to the environment variables C(ALIBABA_CLOUD_ACCESS_KEY_ID), then C(ALICLOUD_ACCESS_KEY) (the first one set wins).
      - Give both O(access_key) and O(secret_key), or neither.
      - When neither is given, the SDK's default credential chain (C(~/.alibabacloud/credentials), then an ECS RAM role) is used.
      - Partial keys (one without the other) fail before any API call.
    type: str
    aliases: [access_key_id]
  secret_key:
    description:
      - Alibaba Cloud secret access key. Never logged or returned.
      - Falls back to the environment variables C(ALIBABA_CLOUD_ACCESS_KEY_SECRET), then C(ALICLOUD_SECRET_KEY) (the first one set wins).
    type: str
    aliases: [access_key_secret]
  security_token:
    description:
      - Security token of temporary (STS) credentials, given with O(access_key) and O(secret_key).
      - Falls back to the environment variables C(ALIBABA_CLOUD_SECURITY_TOKEN), then C(ALICLOUD_SECURITY_TOKEN) (the first one set wins).
    type: str
    aliases: [session_token]
  region:
    description:
      - The region of the images, for example V(cn-hangzhou). The image APIs are regional.
      - Falls back to the environment variables C(ALIBABA_CLOUD_REGION_ID), then C(ALICLOUD_REGION) (the first one set wins).
    type: str
    required: true
  endpoint:
    description:
      - API endpoint as C(host[:port]) or a URL with C(http://) or C(https://) (C(https) when no scheme is given).
      - Defaults to the public endpoint, C(ecs.REGION.aliyuncs.com).
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
  assume_role:
    description:
      - Assume this RAM role with STS C(AssumeRole) (through the credentials SDK's RAM role ARN provider) before any
        image call. The base credentials (O(access_key) and O(secret_key), O(profile), or the SDK's chain) sign only
        the STS call; the role's temporary keys sign the image calls and are asked for again before they expire.
      - When not given, C(ALIBABA_CLOUD_ROLE_ARN) and C(ALIBABA_CLOUD_ROLE_SESSION_NAME) are read, then
        C(ALICLOUD_ASSUME_ROLE_ARN) and C(ALICLOUD_ASSUME_ROLE_SESSION_NAME).
      - A role that cannot be assumed fails with C(auth_failed) or C(forbidden) before any image is touched.
    type: dict
    suboptions:
      role_arn:
        description: The role's ARN, for example C(acs:ram::100000000001:role/image-cleaner).
        type: str
      session_name:
        description: The session name the STS call gives the role (default C(multicloud-images)).
        type: str
      duration:
        description: Seconds the temporary keys live (900 to the role's maximum, at most 43200; default 3600).
        type: int
      external_id:
        description: The external ID the role's trust policy asks for.
        type: str
      policy:
        description: A policy (JSON) that narrows the role's permissions for this session.
        type: str
  profile:
    description:
      - Name of a profile of the aliyun CLI's C(~/.aliyun/config.json) (or, when that file does not exist, of
        C(~/.alibabacloud/credentials)), read by the credentials SDK.
      - Falls back to C(ALIBABA_CLOUD_PROFILE), then C(ALICLOUD_PROFILE). Give either a profile or O(access_key) and
        O(secret_key), not both.
    type: str
  service_endpoints:
    description:
      - Endpoints of the other services a module calls, as C(host[:port]) or an C(http://) / C(https://) URL. Each
        defaults to the service's public endpoint; O(endpoint) is never used for another service.
    type: dict
    suboptions:
      sts:
        description: STS, for O(assume_role) (default C(sts.aliyuncs.com)).
        type: str
      ess:
        description:
          - Auto Scaling (ESS), read for the image modules' C(protect_referenced) and the info modules' C(with_references).
          - Default C(ess.REGION.aliyuncs.com).
        type: str
requirements:
  - alibabacloud-tea-openapi >= 0.4.0
"""
