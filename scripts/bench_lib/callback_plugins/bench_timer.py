# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: the wall time of every task of a playbook run, written as JSON.

Enabled by scripts/bench only (ANSIBLE_CALLBACK_PLUGINS + ANSIBLE_CALLBACKS_ENABLED=bench_timer); it writes
``BENCH_TIMINGS_FILE``: ``{"tasks": [{"name", "start", "end", "seconds", "status", "items"}], "playbook_seconds"}``.
A task's time runs from its start to its result for the (single) host, so a ``loop:`` task is timed as a whole.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timer
type: aggregate
short_description: per-task wall times for scripts/bench
description: Writes the wall time of each task to the JSON file named by BENCH_TIMINGS_FILE.
requirements: [enable in ansible.cfg or ANSIBLE_CALLBACKS_ENABLED]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.path = os.environ.get("BENCH_TIMINGS_FILE")
        self.started = time.time()
        self.tasks = []
        self.current = None

    def _close(self, status):
        if self.current is not None and self.current.get("end") is None:
            self.current["end"] = time.time()
            self.current["seconds"] = self.current["end"] - self.current["start"]
            self.current["status"] = status

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close("unknown")
        self.current = {
            "name": task.get_name(),
            "start": time.time(),
            "end": None,
            "seconds": None,
            "status": None,
            "items": 0,
        }
        self.tasks.append(self.current)

    def v2_runner_item_on_ok(self, result):
        if self.current is not None:
            self.current["items"] += 1

    v2_runner_item_on_failed = v2_runner_item_on_ok

    def v2_runner_on_ok(self, result):
        self._close("ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._close("failed")

    def v2_runner_on_skipped(self, result):
        self._close("skipped")

    def v2_runner_on_unreachable(self, result):
        self._close("unreachable")

    def v2_playbook_on_stats(self, stats):
        self._close("unknown")
        if self.path:
            with open(self.path, "w") as handle:
                json.dump({"tasks": self.tasks, "playbook_seconds": time.time() - self.started}, handle, indent=1)
