# -*- coding: utf-8 -*-
"""The one retry policy and the shared rate limiter, on an injected clock (no real sleeping)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.multicloud.images.plugins.module_utils.adapter import ImageAdapter
from ansible_collections.multicloud.images.plugins.module_utils.aliyun import AliyunAdapter
from ansible_collections.multicloud.images.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.images.plugins.module_utils.retry import RateLimiter, RetryPolicy
from ansible_collections.multicloud.images.plugins.module_utils.tencent import TencentAdapter


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


# -- the adaptive rate -------------------------------------------------------------------------
def adaptive(time_, rate=20, ceiling=None):
    return RateLimiter(rate, clock=time_.clock, sleep=time_.sleep, ceiling=ceiling)


def sends(limiter, count):
    """Acquire ``count`` times; return the tickets."""
    return [limiter.acquire() for dummy in range(count)]


def test_a_throttle_halves_the_rate():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    ticket = limiter.acquire()
    limiter.throttled(ticket)
    assert limiter.rate == pytest.approx(10.0)
    ticket = limiter.acquire()
    limiter.throttled(ticket)
    assert limiter.rate == pytest.approx(5.0)


def test_throttles_of_calls_already_in_flight_halve_once():
    time_ = FakeTime()
    limiter = adaptive(time_, 16)
    in_flight = sends(limiter, 8)  # all sent at 16/s, before any answer
    for ticket in in_flight:
        limiter.throttled(ticket)
    assert limiter.rate == pytest.approx(8.0)
    assert limiter.cuts == 1
    # a call sent at the new rate and throttled too: the new rate is still too high, halve again
    limiter.throttled(limiter.acquire())
    assert limiter.rate == pytest.approx(4.0) and limiter.cuts == 2


def test_the_cut_starts_from_the_rate_really_sent():
    time_ = FakeTime()
    limiter = adaptive(time_, 100)
    tickets = []
    for dummy in range(10):  # the calls went out at 10/s only (threads busy), far below the limiter's 100/s
        tickets.append(limiter.acquire())
        time_.now += 0.1
    limiter.throttled(tickets[-1])
    assert limiter.rate == pytest.approx(5.0, rel=0.01)


def test_the_rate_never_halves_below_the_minimum():
    time_ = FakeTime()
    limiter = adaptive(time_, 2)
    for dummy in range(10):
        limiter.throttled(limiter.acquire())
    assert limiter.rate == RateLimiter.MIN_RATE


def test_successes_grow_the_rate_back_fast_then_flat_near_the_throttled_rate():
    time_ = FakeTime()
    limiter = adaptive(time_, 40)
    limiter.throttled(limiter.acquire())
    assert limiter.rate == pytest.approx(20.0)
    rates = []
    for dummy in range(RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
        rates.append(limiter.rate)
    assert rates == sorted(rates)
    assert rates[-1] == pytest.approx(40.0)
    steps = [b - a for a, b in zip(rates, rates[1:])]
    assert steps[0] > steps[len(steps) // 2] > steps[-1]  # concave: quick at first, flat near 40/s
    assert rates[RateLimiter.RECOVERY // 4] > 30.0  # a quarter of the way back already gives 3/4 of the rate


def test_without_a_ceiling_the_rate_grows_past_the_start_bounded_by_what_is_sent():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    for dummy in range(4 * RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
    assert limiter.rate > 20.0
    # the calls in flight (max_concurrency) bound what is sent: here 25/s, so the rate stops at twice that
    slow = adaptive(time_, 20)
    for dummy in range(10 * RateLimiter.RECOVERY):
        slow.succeeded(slow.acquire())
        time_.now += 0.04
    assert slow.rate == pytest.approx(50.0, rel=0.01)


@pytest.mark.parametrize("start,ceiling", [(10, 10), (20, 5)])
def test_a_ceiling_is_never_passed(start, ceiling):
    time_ = FakeTime()
    limiter = adaptive(time_, start, ceiling=ceiling)
    assert limiter.rate == ceiling
    for dummy in range(10 * RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
        assert limiter.rate <= ceiling
    limiter.throttled(limiter.acquire())
    for dummy in range(10 * RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
        assert limiter.rate <= ceiling
    assert limiter.rate == pytest.approx(ceiling)


def test_the_rate_shapes_the_sends():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)  # no ceiling, the quota unknown: evenly spaced from the first call on
    sends(limiter, 21)
    assert time_.now == pytest.approx(1.0)
    limiter.throttled(limiter.acquire())
    started = time_.now
    sends(limiter, 10)
    assert time_.now - started == pytest.approx(1.0)  # 10 calls at 10/s, the first one waits a full interval


def test_under_a_ceiling_one_second_of_calls_may_go_at_once():
    time_ = FakeTime()
    limiter = adaptive(time_, 10, ceiling=10)  # e.g. Tencent's documented 10/s
    sends(limiter, 10)
    assert time_.now == 0.0
    sends(limiter, 10)
    assert time_.now == pytest.approx(1.0)


def test_feedback_without_a_ticket_changes_nothing():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    limiter.throttled(None)
    limiter.succeeded(None)
    assert limiter.rate == 20.0 and limiter.cuts == 0
    assert RateLimiter(None).acquire() is None


class SharedFakeTime(FakeTime):
    """A fake clock several threads share: each sleep moves the shared time."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_many_threads_share_one_limiter_and_a_burst_of_throttles_halves_once():
    time_ = SharedFakeTime()
    limiter = adaptive(time_, 32, ceiling=32)
    barrier = threading.Barrier(8)
    tickets = []

    def worker():
        ticket = limiter.acquire()
        tickets.append(ticket)
        barrier.wait()  # all eight are in flight before any answer
        limiter.throttled(ticket)
        for dummy in range(100):
            limiter.succeeded(limiter.acquire())
            assert RateLimiter.MIN_RATE <= limiter.rate <= 32

    threads = [threading.Thread(target=worker) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tickets == [0] * 8
    assert limiter.cuts == 1
    assert limiter.rate == pytest.approx(32.0)  # 800 successes after the cut: back at the ceiling


# -- where the feedback comes from: the one retry path (ImageAdapter.retrying) ------------------
class QuietAdapter(ImageAdapter):
    def translate(self, exc, action, image_id=None):
        return None


def test_retrying_feeds_throttles_and_successes_back_to_the_limiter():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    adapter = QuietAdapter({}, policy=policy(time_), limiter=limiter)
    call, calls = failing(["throttled", "throttled", "in_use"])
    with pytest.raises(CloudError):
        adapter.retrying("DeleteImage", call, mutating=True)
    # two throttles, each answering a call sent at the then current rate: two cuts; the in_use answer got past
    # the quota: one success
    assert len(calls) == 3 and limiter.cuts == 2 and limiter.successes == 1
    assert adapter.retrying("DeleteImage", lambda: "ok", mutating=True) == "ok"
    assert limiter.successes == 2


def test_retrying_leaves_the_limiter_alone_for_reads_and_network_failures():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    adapter = QuietAdapter({}, policy=policy(time_, retries=0), limiter=limiter)
    call, dummy = failing(["throttled"])
    with pytest.raises(CloudError):
        adapter.retrying("DescribeImages", call)
    call, dummy = failing(["transient"])
    with pytest.raises(CloudError):
        adapter.retrying("DeleteImage", call, mutating=True)
    assert limiter.cuts == 0 and limiter.successes == 0 and limiter.rate == 20.0


@pytest.mark.parametrize(
    "adapter_cls,rate_limit,start,ceiling",
    [
        (TencentAdapter, None, 10.0, 10.0),  # DeleteImages' documented 10/s is the start and the ceiling
        (AliyunAdapter, None, 20.0, None),  # nothing documented: start at 20/s, may grow
        (TencentAdapter, 4, 4.0, 4.0),  # a user's rate_limit is the start and a ceiling
        (AliyunAdapter, 50, 50.0, 50.0),
    ],
)
def test_adapters_start_and_cap_their_limiter(adapter_cls, rate_limit, start, ceiling):
    adapter = adapter_cls({}, rate_limit=rate_limit)
    assert adapter.limiter.rate == start and adapter.limiter.ceiling == ceiling


def test_before_the_first_throttle_the_rate_doubles_in_about_22_successes():
    time_ = FakeTime()
    limiter = adaptive(time_, 20)
    for dummy in range(22):
        limiter.succeeded(limiter.acquire())
    assert 38.0 < limiter.rate < 42.0


def test_above_the_throttled_rate_the_rate_probes_slowly():
    time_ = FakeTime()
    limiter = adaptive(time_, 40)
    limiter.throttled(limiter.acquire())
    for dummy in range(RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
    assert limiter.rate == pytest.approx(40.0)
    for dummy in range(RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
    assert limiter.rate < 40.0 * 1.01  # as many calls again as the recovery took: still within 1%
    for dummy in range((RateLimiter.PROBE - 1) * RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
    assert limiter.rate == pytest.approx(60.0)


def test_a_throttle_below_the_last_throttled_rate_flattens_the_curve_lower():
    time_ = FakeTime()
    limiter = adaptive(time_, 40)
    limiter.throttled(limiter.acquire())  # at 40: back to 40 after the recovery
    limiter.throttled(limiter.acquire())  # at 20, below 40: the quota is lower, recover towards 15 only
    assert limiter.rate == pytest.approx(10.0)
    for dummy in range(RateLimiter.RECOVERY):
        limiter.succeeded(limiter.acquire())
    assert limiter.rate == pytest.approx(15.0)
