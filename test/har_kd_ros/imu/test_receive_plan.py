"""When the IMU receiver may sleep: predicted arrivals from each stream's own stamps."""

import math

import pytest

from har_kd_ros.imu.receive_plan import MAX_SLEEP_S, WAKE_MARGIN_S, ArrivalClock, plan_wakeup


def fed(
    clock: ArrivalClock,
    rate_hz: float,
    seconds: float,
    speed: float = 1.0,
    stamp0: float = 1e9,
    batch_s: float = 0.0,
    prompt_every: int = 0,
    start: float = 0.0,
):
    """Samples at ``rate_hz`` of wall time from ``start`` whose stamps advance ``speed`` times as
    fast; taken from the queue every ``batch_s`` (0: each as it arrives, prompt), except every
    ``prompt_every``-th one, which is taken as it arrives (as near a window's completion). Returns
    the wall time of the last take."""
    n = int(rate_hz * seconds)
    for i in range(n):
        arrival = start + i / rate_hz
        prompt = not batch_s or (prompt_every > 0 and i % prompt_every == 0)
        taken = arrival if prompt else math.ceil(arrival / batch_s) * batch_s
        clock.observe(taken, stamp0 + speed * (arrival - start), prompt)
    return taken


@pytest.mark.parametrize("speed", [1.0, 2.0, 0.5])
@pytest.mark.parametrize("batch_s", [0.0, 0.05, 0.3])
def test_predicts_when_a_stamp_arrives_for_live_and_replayed_streams(speed, batch_s):
    clock = ArrivalClock()
    fed(clock, 100.0, 0.6, speed=speed)  # the first half second is read message by message
    wall = fed(clock, 100.0, 3.0, speed=speed, stamp0=1e9 + 0.6 * speed, batch_s=batch_s, prompt_every=50, start=0.6)
    # rates come from the samples read as they arrived, so however long the batches waited
    # in the queue (up to 0.3 s here) they are exact
    assert clock.stamp_rate == pytest.approx(speed, rel=0.01)
    assert clock.message_rate == pytest.approx(100.0, rel=0.01)
    # the sample stamped 0.3 s of stamp-time after the last one arrives 0.3 / speed later, and
    # no later: the last one may have waited up to one interval (10 ms) before it was read
    due = clock.due_in(wall, clock.last_stamp + 0.3)
    assert 0.3 / speed - 0.012 <= due <= 0.3 / speed + 0.005
    assert clock.fills_in(50) == pytest.approx(0.5, rel=0.01)


def test_a_sample_read_as_it_arrived_gives_an_exact_prediction_a_batched_one_an_early_one():
    clock = ArrivalClock()
    fed(clock, 100.0, 1.0)  # all prompt
    assert clock.last_prompt
    assert clock.due_in(clock.last_wall, clock.last_stamp + 0.05) == pytest.approx(0.05, abs=1e-6)
    clock.observe(clock.last_wall + 0.02, clock.last_stamp + 0.01, prompt=False)  # waited 10 ms in a batch
    assert clock.due_in(clock.last_wall, clock.last_stamp + 0.05) == pytest.approx(0.04, abs=1e-6)  # one interval early


def test_a_stream_never_read_as_it_arrives_is_asked_for_a_prompt_sample_and_relearns_its_pace():
    """A replay that speeds up from 1x to 4x is predicted too late to be waited for, so no sample
    of it would be prompt again: after _STALE_S without an estimate its next one is."""
    clock = ArrivalClock()
    fed(clock, 100.0, 3.0)
    assert clock.stamp_rate == pytest.approx(1.0, rel=0.01)
    wall = fed(clock, 400.0, 4.0, speed=4.0, stamp0=clock.last_stamp, batch_s=0.1, start=3.0)
    assert clock.stamp_rate == pytest.approx(1.0, rel=0.01)  # nothing prompt: nothing learned
    assert clock.due_in(wall, clock.last_stamp + 0.3) == 0.0  # so the next sample must be
    wall = fed(clock, 400.0, 3.0, speed=4.0, stamp0=clock.last_stamp, batch_s=0.1, prompt_every=40, start=7.0)
    assert clock.stamp_rate == pytest.approx(4.0, rel=0.01)
    assert clock.due_in(wall, clock.last_stamp + 0.4) == pytest.approx(0.1, abs=0.003)


def test_a_missed_window_makes_the_stream_unpredictable_until_it_is_learned_again():
    clock = ArrivalClock()
    fed(clock, 100.0, 3.0)
    assert clock.due_in(3.0, clock.last_stamp + 0.3) > 0.2
    clock.missed()  # a window completed in a batch the plan had let wait
    assert clock.due_in(3.0, clock.last_stamp + 0.3) == 0.0 and clock.fills_in(50) == 0.0
    wall = fed(clock, 100.0, 0.6, speed=4.0, stamp0=clock.last_stamp, start=3.0)  # read as they arrive
    assert clock.stamp_rate == pytest.approx(4.0, rel=0.01)
    assert clock.due_in(wall, clock.last_stamp + 0.4) == pytest.approx(0.1, abs=1e-6)


def test_unknown_until_half_a_second_has_been_seen_and_silent_streams_wait_for_their_next_message():
    clock = ArrivalClock()
    assert clock.due_in(0.0, math.inf) == 0.0  # nothing seen: its first message wakes the receiver
    fed(clock, 100.0, 0.4)
    assert clock.due_in(0.4, clock.last_stamp + 1.0) == 0.0  # no rate yet: wake at every message
    assert clock.fills_in(50) == 0.0  # nor may its queue be left to fill
    fed(clock, 100.0, 2.5)
    assert clock.due_in(2.5, clock.last_stamp + 1.0) > 0.9
    # silent for 7.5 s: nothing can be predicted, and waiting for its next message costs nothing
    assert clock.due_in(10.0, clock.last_stamp + 1.0) == 0.0


def test_a_burst_shortens_the_budget_before_the_span_ends():
    clock = ArrivalClock()
    fed(clock, 100.0, 2.5)
    assert clock.fills_in(50) == pytest.approx(0.5, rel=0.05)
    for i in range(500):  # 10 kHz for 50 ms, taken in one batch 60 ms later
        clock.observe(2.55, 1e9 + 2.5 + i * 1e-4)
    assert clock.fills_in(50) < 0.05


def test_a_clock_jump_gives_no_rate_instead_of_a_wrong_one():
    clock = ArrivalClock()
    fed(clock, 100.0, 0.6)
    assert clock.stamp_rate == pytest.approx(1.0, rel=0.05)
    for i in range(210):  # the driver restarts: stamps from 0 again
        clock.observe(0.6 + i / 100, 5.0 + i / 100)
    assert math.isnan(clock.stamp_rate)
    assert clock.due_in(2.7, 7.0) == 0.0


def test_the_wait_ends_before_the_earliest_completion_and_before_any_queue_fills():
    assert plan_wakeup([0.06, 0.5], [10.0, 10.0]) == (pytest.approx(0.06 - WAKE_MARGIN_S), [])
    assert plan_wakeup([math.inf], [math.inf]) == (MAX_SLEEP_S, [])  # a live stream is looked at this often
    assert plan_wakeup([1.0], [0.05]) == (pytest.approx(0.025), [])  # 1 kHz into depth 50: half of 50 ms


def test_with_every_stream_waiting_for_a_message_the_wait_is_unbounded():
    assert plan_wakeup([0.0, 0.0], [10.0, 0.0]) == (math.inf, [0, 1])  # silent, or no rate yet
    assert plan_wakeup([], []) == (math.inf, [])


def test_a_sleep_shorter_than_the_message_interval_is_not_taken():
    # 5 ms of slack at 100 Hz: a sleep would end before the next message anyway, so wait for it
    assert plan_wakeup([WAKE_MARGIN_S + 0.005], [10.0], [0.01]) == (math.inf, [0])
    assert plan_wakeup([WAKE_MARGIN_S + 0.005], [10.0], [0.001]) == (pytest.approx(0.005), [])


def test_streams_about_to_complete_or_unpredictable_wake_the_receiver_with_their_messages():
    timeout, urgent = plan_wakeup([WAKE_MARGIN_S + 0.001, 0.0, 0.09, math.inf], [10.0, 10.0, 10.0, 0.0])
    assert urgent == [0, 1, 3]  # due within the margin, no rate yet, a queue that may fill at once
    assert timeout == pytest.approx(0.09 - WAKE_MARGIN_S)  # the others still bound the wait
