# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one retry policy and the client-side rate limiter shared by all threads of a task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time
from collections import deque

from .errors import CloudError


class RetryPolicy:
    """Jittered exponential backoff ("full jitter"), bounded in attempts and in total sleep.

    ``retries`` is how many times a call is retried after its first attempt. Only errors whose
    category is retryable (throttled, transient) are retried. ``sleep``, ``clock`` and ``rng``
    are injectable so that tests do not sleep.
    """

    def __init__(
        self,
        retries=6,
        base_delay=0.5,
        max_delay=10.0,
        max_total_sleep=120.0,
        sleep=time.sleep,
        clock=time.monotonic,
        rng=random.random,
    ):
        self.retries = max(0, int(retries))
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_total_sleep = max_total_sleep
        self.sleep = sleep
        self.clock = clock
        self.rng = rng

    def delay(self, attempt):
        """Sleep before retry number ``attempt`` (0-based): uniform in [0, min(max, base * 2**attempt)]."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
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
    """The client-side rate of one task's rate-limited calls, shared by all its threads; it adapts.

    A token bucket refilled at ``rate`` per second, holding ``burst`` tokens; by default one second of calls when
    there is a ceiling (a limit the user or the cloud vouches for), else one call (evenly spaced: with the quota
    unknown, the first throttle must come before a burst, not after it). The rate starts at ``rate`` and follows
    the answers (see docs/performance.md, "Quota sweep"):

    - ``throttled(ticket)``: the rate halves, from the lower of the current rate and the measured send rate
      (the rate that was really sent). At most once per rate: a throttle answer to a call sent before the last
      cut (its ticket is older) says nothing about the new rate, so a burst of throttles from calls already in
      flight halves it once, not once per call.
    - ``succeeded(ticket)``: the rate grows, step by step per successful call. Before the first throttle nothing is
      known of the quota: each success multiplies the rate by ``1 + 1/SLOW_START`` (it doubles in about 22 calls).
      After a cut it grows back on a cubic curve in the number of successes since the cut: fast at first, flat near
      the rate that was throttled (``RECOVERY`` calls after the cut), then probing above it, slowly at first (1.5 times
      that rate after ``PROBE * RECOVERY`` more calls).

    ``ceiling`` (a user's rate_limit or a limit the cloud documents) is never passed; without one the rate may
    grow past the start, but never beyond twice the measured send rate (which the calls in flight, at most
    max_concurrency, bound), nor below ``MIN_RATE`` when it halves. ``rate`` None or <= 0: no limit at all.
    ``clock`` and ``sleep`` are injectable so that tests do not sleep.
    """

    RECOVERY = 40  # successful calls from a cut back to the rate that was throttled
    PROBE = 4  # probing above the rate that was throttled is this many times slower than the recovery to it
    SLOW_START = 32  # before the first throttle, each success adds 1/SLOW_START of the rate
    MIN_RATE = 0.5  # calls per second the rate never halves below
    WINDOW = 16  # recent sends the measured send rate is taken over

    def __init__(self, rate, burst=None, clock=time.monotonic, sleep=time.sleep, ceiling=None):
        self.start = float(rate) if rate else 0.0
        self.ceiling = float(ceiling) if ceiling else None
        if self.ceiling:
            self.start = min(self.start, self.ceiling)
        self.rate = self.start
        self.burst = float(burst) if burst is not None else None
        self.tokens = self.capacity()
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.lock = threading.Lock()
        self.epoch = 0  # bumped by each cut; a ticket is the epoch its call was sent in
        self.last_max = None  # the rate the growth curve flattens at (None: no cut yet)
        self.successes = 0  # since the last cut
        self.sends = deque(maxlen=self.WINDOW)
        self.cuts = 0

    def acquire(self):
        """Block until one call may be sent; return its ticket (for ``throttled``/``succeeded``)."""
        if self.start <= 0:
            return None
        while True:
            with self.lock:
                now = self._settle()
                # A small tolerance: float rounding must not leave a wait too short to move the clock.
                if self.tokens >= 1.0 - 1e-6:
                    self.tokens = max(0.0, self.tokens - 1.0)
                    self.sends.append(now)
                    return self.epoch
                wait = max((1.0 - self.tokens) / self.rate, 1e-4)
            self.sleep(wait)

    def measured_rate(self):
        """Calls per second over the last sends (None until there are a few). Caller holds the lock."""
        if len(self.sends) < 4:
            return None
        span = self.sends[-1] - self.sends[0]
        return (len(self.sends) - 1) / span if span > 0 else None

    def throttled(self, ticket):
        """The cloud throttled the call sent with ``ticket``: halve the rate, once per rate."""
        if ticket is None:
            return
        with self.lock:
            if ticket < self.epoch:
                return
            self._settle()
            measured = self.measured_rate()
            sent = min(self.rate, measured) if measured else self.rate
            # Throttled again below the rate of the last throttle: the quota is lower still, or other clients
            # share it; flatten the curve below this rate (CUBIC's "fast convergence").
            self.last_max = sent if self.last_max is None or sent >= self.last_max else sent * 0.75
            self.rate = max(self.MIN_RATE, sent / 2.0)
            self.tokens = min(self.tokens, 0.0)
            self.successes = 0
            self.epoch += 1
            self.cuts += 1

    def succeeded(self, ticket):
        """The call sent with ``ticket`` was not throttled: grow the rate one step."""
        if ticket is None:
            return
        with self.lock:
            self._settle()
            self.successes += 1
            if self.last_max is None:
                target = self.rate * (1.0 + 1.0 / self.SLOW_START)
            else:
                step = (self.successes - self.RECOVERY) / float(self.RECOVERY)
                if step > 0:  # above the rate that was throttled: probe, PROBE times slower than the recovery
                    step /= self.PROBE
                target = self.last_max * (1.0 + 0.5 * step**3)
            bound = self.ceiling or float("inf")
            measured = self.measured_rate()
            if measured:
                bound = min(bound, max(self.start, 2.0 * measured))
            self.rate = max(self.rate, min(target, bound))

    def capacity(self):
        """The tokens the bucket holds at most."""
        if self.burst is not None:
            return self.burst
        return max(1.0, self.rate) if self.ceiling else 1.0

    def _settle(self):
        """Bank the tokens earned at the current rate up to now (before the rate changes); return now.
        Caller holds the lock."""
        now = self.clock()
        self.tokens = min(self.capacity(), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return now
