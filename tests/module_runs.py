"""Running a module in the test process as it runs on a managed node (unit tests of the base, hardening)."""

import contextlib
import json


@contextlib.contextmanager
def module_args(args):
    """The module's arguments, as ansible-core of every supported line reads them."""
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
    except ImportError:
        from ansible.module_utils import basic

        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved
        return
    with patch_module_args(args):
        yield


@contextlib.contextmanager
def as_a_module():
    """Run as a module runs on a managed node. Once any controller code is imported in this process (a filter plugin's
    test, say), ansible-core 2.19+ sends a module's warnings to the controller's display instead of its result."""
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core before 2.19
        yield
        return
    was = getattr(_internal, "is_controller", False)
    _internal.is_controller = False
    try:
        yield
    finally:
        _internal.is_controller = was
