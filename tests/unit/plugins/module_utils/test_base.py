# -*- coding: utf-8 -*-
"""The base class's lifecycle (base.py, settings.py): validation before any call, one exit, the adapter's options.

Each test runs a real module class with real AnsibleModule argument parsing, as a module runs on a managed node, and
reads the JSON it exits with. The endpoint is a closed local port: a test that reached the network would fail with a
network error, not with the answer asserted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json

import pytest
from module_runs import as_a_module, module_args

from ansible_collections.multicloud.images.plugins.module_utils.base import ImageInfoModule, ImageModule
from ansible_collections.multicloud.images.plugins.module_utils.huawei import HuaweiAdapter
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter

CLOSED = "http://127.0.0.1:9"
KEYS = {"access_key": "AKIDEXAMPLE", "secret_key": "not-a-real-secret", "region": "ap-guangzhou", "endpoint": CLOSED}


def execute(module_cls, adapter_cls, args):
    """Run ``module_cls(adapter_cls).execute()``; return (exit code, the result JSON, the module object)."""
    out = io.StringIO()
    holder = {}
    with module_args(args), as_a_module(), contextlib.redirect_stdout(out):
        with pytest.raises(SystemExit) as exit_:
            module = holder["module"] = module_cls(adapter_cls)
            module.execute()
    return exit_.value.code, json.loads(out.getvalue().strip().splitlines()[-1]), holder.get("module")


def warnings_text(result):
    """The result's warnings as text: strings before ansible-core 2.19, structured events since."""
    return json.dumps(result.get("warnings", []))


def test_malformed_ids_fail_before_any_call_and_each_is_blocked():
    rc, result, dummy = execute(
        ImageModule, TencentAdapter, dict(KEYS, state="absent", image_ids=["img-abcdefgh", "ami-123", " "])
    )
    assert rc == 1 and result["failed"]
    assert result["msg"].startswith("Nothing was deleted: 2 image id(s) are not tencent image ids")
    assert result["error"]["category"] == "malformed_id"
    assert [b["id"] for b in result["blocked"]] == ["ami-123", ""]
    assert all(b["category"] == "malformed_id" for b in result["blocked"])
    assert (result["deleted"], result["changed"], result["request_ids"]) == ([], False, [])


def test_malformed_ids_in_the_info_module_fail_with_no_images():
    rc, result, dummy = execute(ImageInfoModule, TencentAdapter, dict(KEYS, image_ids=["nope"]))
    assert rc == 1 and result["error"]["category"] == "malformed_id" and result["images"] == []
    assert "1 image id(s) are not tencent image ids" in result["msg"]


@pytest.mark.parametrize(
    "args, words",
    [
        ({"region": " "}, "region is required"),
        ({"timeout": 0}, "timeout must be between 1 and 86400 seconds"),
        ({"retries": -1}, "retries must be 0 or more"),
        ({"batch_size": 101}, "batch_size must be between 1 and 100, not 101"),
        ({"rate_limit": -2.0}, "rate_limit must be a positive, finite number"),
        ({"names": ["a", ""]}, "names must not contain empty strings"),
    ],
)
def test_bad_options_fail_in_plain_words_with_the_return_keys(args, words):
    rc, result, dummy = execute(
        ImageModule, TencentAdapter, dict(KEYS, state="absent", image_ids=["img-abcdefgh"], **args)
    )
    assert rc == 1 and words in result["msg"], result["msg"]
    assert result["error"]["category"] == "invalid_parameter" and result["deleted"] == []


def test_rate_limit_is_an_image_option_the_adapter_takes():
    class Ready(ImageModule):
        def run(self):
            return {
                "changed": False,
                "rate": self.adapter.limiter.rate,
                "ceiling": self.adapter.limiter.ceiling,
                "settings_have_it": "rate_limit" in self.settings,
            }

    rc, result, dummy = execute(
        Ready, TencentAdapter, dict(KEYS, state="absent", image_ids=["img-abcdefgh"], rate_limit=3.5)
    )
    assert rc == 0 and (result["rate"], result["ceiling"], result["settings_have_it"]) == (3.5, 3.5, False)


def test_without_rate_limit_the_adapter_starts_at_the_documented_limit():
    class Ready(ImageModule):
        def run(self):
            return {"changed": False, "rate": self.adapter.limiter.rate}

    rc, result, dummy = execute(Ready, TencentAdapter, dict(KEYS, state="absent", image_ids=["img-abcdefgh"]))
    assert rc == 0 and result["rate"] == TencentAdapter.documented_rate_limit


def test_an_unexpected_failure_is_one_clear_fail_json():
    class Broken(ImageInfoModule):
        def run(self):
            raise KeyError("Images")

    rc, result, dummy = execute(Broken, TencentAdapter, dict(KEYS))
    assert rc == 1 and result["msg"] == "tencent: unexpected KeyError: 'Images'"
    assert result["error"] == {
        "category": "unknown",
        "code": "KeyError",
        "message": "'Images'",
        "request_id": None,
        "http_status": None,
    }
    assert result["images"] == []


def test_secrets_never_reach_the_result():
    class Broken(ImageModule):
        def run(self):
            raise ValueError("boom")

    rc, result, dummy = execute(Broken, TencentAdapter, dict(KEYS, state="absent", image_ids=["img-abcdefgh"]))
    assert rc == 1 and "not-a-real-secret" not in json.dumps(result)


def test_settings_warnings_reach_the_result():
    class Ready(ImageInfoModule):
        def run(self):
            return {"changed": False, "images": []}

    rc, result, dummy = execute(Ready, TencentAdapter, dict(KEYS, endpoint="https://127.0.0.1:9", validate_certs=False))
    assert rc == 0 and "validate_certs is false" in warnings_text(result)


def test_huawei_endpoint_and_project_id_outside_the_region_are_named():
    class Ready(ImageInfoModule):
        def run(self):
            return {"changed": False, "images": []}

    args = dict(
        KEYS,
        region="cn-north-4",
        endpoint="https://ims.ap-southeast-1.myhuaweicloud.com",
        project_id="0123456789abcdef0123456789abcdef",
    )
    rc, result, module = execute(Ready, HuaweiAdapter, args)
    assert rc == 0 and "ap-southeast-1" in warnings_text(result) and "cn-north-4" in warnings_text(result)
