"""The mailbox between the IMU callbacks and the batched inference worker."""

import threading

import pytest

from har_kd_ros.imu.batching import WindowMailbox


def test_take_returns_every_pending_window_once_across_streams():
    box = WindowMailbox(3, depth=2)
    box.put(0, "a0")
    box.put(2, "c0")
    box.put(0, "a1")
    batch = box.take(timeout=0)
    assert sorted(batch) == [(0, "a0"), (0, "a1"), (2, "c0")]
    assert len(box) == 0 and box.take(timeout=0) == []


def test_a_full_stream_drops_its_oldest_window_and_counts_it():
    box = WindowMailbox(2, depth=2)
    for i in range(5):
        box.put(1, i)
    box.put(0, "x")
    assert box.skipped == [0, 3]
    assert sorted(box.take(timeout=0), key=str) == [(0, "x"), (1, 3), (1, 4)]


def test_max_items_limits_the_batch_and_serves_streams_round_robin():
    box = WindowMailbox(4, depth=2)
    for s in range(4):
        box.put(s, f"{s}a")
        box.put(s, f"{s}b")
    first = box.take(max_items=3, timeout=0)
    second = box.take(max_items=3, timeout=0)
    assert len(first) == 3 and len(second) == 3
    # no stream waits for a second turn before every stream has had one
    assert {s for s, _ in first + second[:1]} == {0, 1, 2, 3}
    assert len(box) == 2 and len(box.take(max_items=10, timeout=0)) == 2


def test_a_limit_larger_than_what_is_pending_returns_what_there_is():
    box = WindowMailbox(1)
    box.put(0, "only")
    assert box.take(max_items=64, timeout=0) == [(0, "only")]


def test_close_wakes_a_waiting_consumer_after_it_drains():
    box = WindowMailbox(1)
    got = []
    consumer = threading.Thread(target=lambda: got.extend([box.take(), box.take()]))
    consumer.start()
    box.put(0, "last")
    box.close()
    consumer.join(timeout=2)
    assert not consumer.is_alive() and got == [[(0, "last")], None]


def test_rejects_an_empty_mailbox():
    with pytest.raises(ValueError, match="n_streams"):
        WindowMailbox(0)
