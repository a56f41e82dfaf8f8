# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: append every task result, as Ansible holds it, to the JSON-lines file $HARDENING_RESULTS."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: hardening_results
type: aggregate
short_description: write task results to a JSON-lines file for the hardening tests
description: Each ok, failed or unreachable task result becomes one line of $HARDENING_RESULTS.
options: {}
"""

import json
import os
import threading

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "hardening_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get("HARDENING_RESULTS")
        self._lock = threading.Lock()

    def _write(self, status, result):
        if not self._path:
            return
        line = json.dumps(
            {
                "host": result._host.get_name(),
                "task": result._task.get_name(),
                "status": status,
                "result": result._result,
            },
            default=str,
            ensure_ascii=False,
        )
        with self._lock:
            with open(self._path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def v2_runner_on_ok(self, result):
        self._write("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._write("unreachable", result)
