# -*- coding: utf-8 -*-
"""The one retry policy and the shared rate limiter, on an injected clock (no real sleeping)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.images.plugins.module_utils.retry import RateLimiter, RetryPolicy


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def failing(categories, value="ok"):
    """A call that raises one CloudError per category, then returns value."""
    calls = []

    def call():
        calls.append(1)
        if len(calls) <= len(categories):
            raise CloudError(categories[len(calls) - 1], "failure %d" % len(calls))
        return value
    return call, calls


def policy(time_, retries=6, rng=lambda: 1.0, **kwargs):
    return RetryPolicy(retries=retries, sleep=time_.sleep, clock=time_.clock, rng=rng, **kwargs)


def test_retries_throttled_and_transient_until_success():
    time_ = FakeTime()
    call, calls = failing(["throttled", "transient", "throttled"])
    assert policy(time_).call(call) == "ok"
    assert len(calls) == 4
    # full jitter with rng=1.0 gives the ceiling: base 0.5 doubling
    assert time_.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("category", ["auth_failed", "forbidden", "in_use", "not_found", "unknown"])
def test_never_retries_other_categories(category):
    time_ = FakeTime()
    call, calls = failing([category])
    with pytest.raises(CloudError) as info:
        policy(time_).call(call)
    assert info.value.category == category
    assert len(calls) == 1 and time_.sleeps == []


def test_gives_up_after_retries_and_raises_the_last_error():
    time_ = FakeTime()
    call, calls = failing(["throttled"] * 10)
    with pytest.raises(CloudError) as info:
        policy(time_, retries=3).call(call)
    assert len(calls) == 4
    assert info.value.message == "failure 4"


def test_delay_is_capped_and_jittered():
    time_ = FakeTime()
    p = policy(time_, rng=lambda: 0.5, max_delay=4.0)
    assert [p.delay(n) for n in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_total_sleep_is_bounded():
    time_ = FakeTime()
    call, calls = failing(["transient"] * 50)
    with pytest.raises(CloudError):
        policy(time_, retries=50, max_delay=10.0, max_total_sleep=25.0).call(call)
    assert sum(time_.sleeps) <= 25.0


def test_on_retry_sees_each_retry():
    time_ = FakeTime()
    seen = []
    call, calls = failing(["throttled", "throttled"])
    policy(time_).call(call, on_retry=lambda error, attempt, delay: seen.append((error.category, attempt)))
    assert seen == [("throttled", 0), ("throttled", 1)]


def test_rate_limiter_spaces_requests():
    time_ = FakeTime()
    limiter = RateLimiter(10, burst=1, clock=time_.clock, sleep=time_.sleep)
    for dummy in range(21):
        limiter.acquire()
    # the first is free, the next 20 each wait 1/10 s
    assert time_.now == pytest.approx(2.0)


def test_rate_limiter_disabled():
    time_ = FakeTime()
    limiter = RateLimiter(None, clock=time_.clock, sleep=time_.sleep)
    for dummy in range(100):
        limiter.acquire()
    assert time_.sleeps == []


def test_rate_limiter_is_shared_by_threads():
    limiter = RateLimiter(200, burst=1)
    import time
    start = time.monotonic()
    threads = [threading.Thread(target=lambda: [limiter.acquire() for dummy in range(10)]) for dummy2 in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 40 acquisitions at 200/s with a burst of 1 take at least 39/200 s, whatever the threads.
    assert time.monotonic() - start >= 39 / 200.0 - 0.01
