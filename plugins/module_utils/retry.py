# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one retry policy and the client-side rate limiter shared by all threads of a task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time

from .errors import CloudError


class RetryPolicy:
    """Jittered exponential backoff ("full jitter"), bounded in attempts and in total sleep.

    ``retries`` is how many times a call is retried after its first attempt. Only errors whose
    category is retryable (throttled, transient) are retried. ``sleep``, ``clock`` and ``rng``
    are injectable so that tests do not sleep.
    """

    def __init__(self, retries=6, base_delay=0.5, max_delay=10.0, max_total_sleep=120.0,
                 sleep=time.sleep, clock=time.monotonic, rng=random.random):
        self.retries = max(0, int(retries))
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_total_sleep = max_total_sleep
        self.sleep = sleep
        self.clock = clock
        self.rng = rng

    def delay(self, attempt):
        """Sleep before retry number ``attempt`` (0-based): uniform in [0, min(max, base * 2**attempt)]."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
        return self.rng() * ceiling

    def call(self, func, on_retry=None):
        """Run ``func()``; retry it while it raises a retryable :class:`CloudError`.

        ``on_retry(error, attempt, delay)`` is called before each sleep (for counting).
        The last error is raised when attempts or the sleep budget run out.
        """
        slept = 0.0
        attempt = 0
        while True:
            try:
                return func()
            except CloudError as error:
                if not error.retryable or attempt >= self.retries:
                    raise
                pause = self.delay(attempt)
                if slept + pause > self.max_total_sleep:
                    raise
                if on_retry is not None:
                    on_retry(error, attempt, pause)
                self.sleep(pause)
                slept += pause
                attempt += 1


class RateLimiter:
    """A token bucket: at most ``rate`` acquisitions per second on average, bursts up to ``burst``.

    Thread-safe; every thread of a task shares one. ``rate`` None or <= 0 means no limit.
    """

    def __init__(self, rate, burst=None, clock=time.monotonic, sleep=time.sleep):
        self.rate = float(rate) if rate else 0.0
        self.capacity = float(burst if burst is not None else max(1.0, self.rate))
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self):
        """Block until one request may be sent."""
        if self.rate <= 0:
            return
        while True:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                # A small tolerance: float rounding must not leave a wait too short to move the clock.
                if self.tokens >= 1.0 - 1e-6:
                    self.tokens = max(0.0, self.tokens - 1.0)
                    return
                wait = max((1.0 - self.tokens) / self.rate, 1e-4)
            self.sleep(wait)
