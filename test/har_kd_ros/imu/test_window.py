import math

import numpy as np
import pytest

from har_kd_ros.imu.window import StreamingWindow, clean_stream, resample_uniform, uniform_windows


def jittered_stream(n=600, rate=50.0, seed=0):
    rng = np.random.default_rng(seed)
    t = 100.0 + np.arange(n) / rate + rng.normal(0, 0.003, n)
    t = np.maximum.accumulate(t) + np.arange(n) * 1e-6
    values = np.stack([np.sin(t), np.cos(3 * t), t - 100.0], axis=1) + rng.normal(0, 0.1, (n, 3))
    return t, values


def stream(window, t, values):
    out = []
    for ti, vi in zip(t, values, strict=True):
        out += window.push(ti, vi)
    return out


@pytest.mark.parametrize("input_rate", [50.0, 100.0, 23.0])
def test_streaming_matches_offline(input_rate):
    """The robot and training must cut the same windows from the same samples."""
    t, v = jittered_stream(rate=input_rate, n=int(12 * input_rate))
    online = stream(StreamingWindow(50.0, 128, 25, 3, max_gap_s=0.5), t, v)
    offline = uniform_windows(t, v, 50.0, 128, 25, max_gap_s=0.5)
    assert len(online) == len(offline.data) > 5
    for w, data, t0, t1 in zip(online, offline.data, offline.t_start, offline.t_end, strict=True):
        np.testing.assert_allclose(w.data, data, atol=1e-5)
        assert w.t_start == pytest.approx(t0, abs=1e-9) and w.t_end == pytest.approx(t1, abs=1e-9)


@pytest.mark.parametrize("input_rate", [50.0, 100.0, 23.0])
def test_next_end_is_where_the_next_window_completes(input_rate):
    """The receiver sleeps until just before next_end: the first sample at or after it must be
    the one that completes a window, and no earlier sample may."""
    t, v = jittered_stream(rate=input_rate, n=int(8 * input_rate), seed=2)
    window = StreamingWindow(50.0, 128, 25, 3, max_gap_s=0.5)
    assert window.next_end == math.inf
    completed = 0
    for ti, vi in zip(t, v, strict=True):
        due = window.next_end
        out = window.push(ti, vi)
        assert bool(out) == (ti >= due)
        if out:
            assert out[0].t_end == pytest.approx(due, abs=1e-9)
            completed += 1
    assert completed >= 5


def test_resampling_is_linear_interpolation():
    t = np.array([0.0, 0.1, 0.3])
    v = np.array([[0.0], [1.0], [3.0]])
    grid, out = resample_uniform(t, v, 20.0)
    np.testing.assert_allclose(grid, [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    np.testing.assert_allclose(out[:, 0], [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0], atol=1e-6)


def test_window_spacing_is_hop():
    t, v = jittered_stream()
    ws = stream(StreamingWindow(50.0, 100, 10), t, v)
    starts = np.array([w.t_start for w in ws])
    np.testing.assert_allclose(np.diff(starts), 10 / 50.0, atol=1e-9)
    assert all(w.data.shape == (3, 100) and w.data.dtype == np.float32 for w in ws)
    assert ws[0].t_end - ws[0].t_start == pytest.approx(99 / 50.0)


def test_gap_resets_window():
    t, v = jittered_stream(n=400)
    t = t.copy()
    t[200:] += 5.0  # a 5 s outage
    w = StreamingWindow(50.0, 100, 25, max_gap_s=0.5)
    windows = stream(w, t, v)
    assert w.stats.gaps == 1
    assert all(not (x.t_start < t[199] < x.t_end and x.t_end > t[200]) for x in windows)  # none spans the gap
    assert len(windows) == len(uniform_windows(t, v, 50.0, 100, 25, max_gap_s=0.5).data)


def test_bad_samples_are_dropped_and_counted():
    w = StreamingWindow(50.0, 10, 5)
    assert w.push(1.0, [0, 0, 9.8]) == []
    w.push(1.02, [math.nan, 0, 0])
    w.push(1.04, [math.inf, 0, 0])
    w.push(math.nan, [0, 0, 0])
    w.push(1.0, [0, 0, 9.8])  # duplicate stamp
    w.push(0.99, [0, 0, 9.8])  # slightly back in time
    w.push(1.06, [0, 0])  # wrong shape
    s = w.stats
    assert (s.accepted, s.non_finite, s.duplicate, s.out_of_order, s.wrong_shape) == (1, 3, 1, 1, 1)
    assert s.dropped == 6
    # the stream carries on normally afterwards
    out = stream(w, 1.0 + np.arange(1, 40) / 50.0, np.tile([0.0, 0.0, 9.8], (39, 1)))
    assert len(out) > 0 and all(np.isfinite(x.data).all() for x in out)


def test_large_jump_back_in_time_restarts_stream():
    w = StreamingWindow(50.0, 10, 5, max_gap_s=0.5)
    stream(w, 1000 + np.arange(30) / 50.0, np.zeros((30, 3)))
    out = stream(w, 10 + np.arange(30) / 50.0, np.ones((30, 3)))  # a looping bag / restarted driver
    assert w.stats.time_jumps == 1 and w.stats.out_of_order == 0
    assert out and np.all(out[-1].data == 1.0)


def test_clean_stream_agrees_with_streaming_counts():
    t = np.array([0.0, 0.02, 0.02, 0.01, np.nan, 0.04])
    v = np.zeros((6, 3))
    kept_t, _, counts = clean_stream(t, v)
    np.testing.assert_array_equal(kept_t, [0.0, 0.02, 0.04])
    assert counts == {"non_finite": 1, "duplicate": 1, "out_of_order": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate_hz": 0.0}, "rate_hz"),
        ({"window_samples": 1}, "window_samples"),
        ({"hop_samples": 0}, "hop_samples"),
        ({"max_gap_s": 0.0}, "max_gap_s"),
    ],
)
def test_bad_configuration(kwargs, message):
    base = {"rate_hz": 50.0, "window_samples": 10, "hop_samples": 5}
    with pytest.raises(ValueError, match=message):
        StreamingWindow(**{**base, **kwargs})
