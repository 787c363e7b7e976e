"""Property-based tests: arbitrary inputs never crash the shared core and keep its invariants.

GAF, the streaming window and the model card are what every IMU message and every model file
goes through on the robot, so they are fed whatever hypothesis can think of: stamps in any
order, NaN/Inf, magnitudes up to the float64 limits, empty and long inputs.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from property_settings import FAST

from har_kd_ros.imu.window import StreamingWindow, uniform_windows
from har_kd_ros.inference.classifier import DEFAULT_MODEL, DEFAULT_TEACHER
from har_kd_ros.inference.gaf import gaf
from har_kd_ros.inference.model_card import ModelCard, ModelCardError, card_path_for

any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
batches = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(2, 48)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=finite)
)


# -- GAF ------------------------------------------------------------------------------------------
@FAST
@given(x=batches, method=st.sampled_from(["summation", "difference"]), norm=st.sampled_from(["window", "fixed"]))
def test_gaf_of_any_finite_batch_is_a_bounded_float32_image(x, method, norm):
    size = min(8, x.shape[-1])
    images = gaf(x, method=method, image_size=size, normalisation=norm, value_range=(-40.0, 40.0))
    assert images.shape == (*x.shape[:2], size, size) and images.dtype == np.float32
    assert np.isfinite(images).all() and np.abs(images).max() <= 1.0 + 1e-5
    transposed = np.swapaxes(images, -1, -2)
    if method == "summation":
        np.testing.assert_allclose(images, transposed, atol=1e-5)
    else:  # antisymmetric, zero diagonal
        np.testing.assert_allclose(images, -transposed, atol=1e-5)


@FAST
@given(x=batches)
def test_gaf_of_a_batch_is_the_gaf_of_each_window(x):
    size = min(8, x.shape[-1])
    batch = gaf(x, image_size=size)
    for i in range(x.shape[0]):
        np.testing.assert_array_equal(batch[i], gaf(x[i], image_size=size))


@FAST
@given(
    x=arrays(np.float64, (2, 32), elements=st.floats(-50, 50)),
    scale=st.floats(0.01, 100),
    shift=st.floats(-100, 100),
)
def test_window_normalised_gaf_ignores_gain_and_offset(x, scale, shift):
    assume((np.ptp(x, axis=-1) > 1e-3).all())
    np.testing.assert_allclose(gaf(scale * x + shift), gaf(x), atol=2e-3)


@FAST
@given(x=batches, bad=st.sampled_from([math.nan, math.inf, -math.inf]), where=st.integers(0, 10_000))
def test_gaf_rejects_non_finite_input_with_a_value_error(x, bad, where):
    x = x.copy()
    x.flat[where % x.size] = bad
    with pytest.raises(ValueError, match="windows: expected finite values"):
        gaf(x)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (2, 0, 8), (2, 3, 4, 5)])
def test_gaf_rejects_empty_and_misshapen_windows(shape):
    with pytest.raises(ValueError, match="windows: expected"):
        gaf(np.zeros(shape))


def test_an_empty_batch_gives_an_empty_batch_of_images():
    assert gaf(np.zeros((0, 3, 128)), image_size=64).shape == (0, 3, 64, 64)


# -- streaming window ---------------------------------------------------------------------------
samples = st.lists(st.tuples(any_float, st.tuples(any_float, any_float, any_float)), max_size=400)


@FAST
@given(stream=samples, max_gap=st.floats(0.01, 5.0))
def test_streaming_window_survives_any_sample_sequence_and_accounts_for_each(stream, max_gap):
    w = StreamingWindow(50.0, 16, 4, 3, max_gap)
    accepted_values = []
    windows = []
    for t, v in stream:
        windows += w.push(t, v)
        if w.stats.accepted > len(accepted_values):
            accepted_values.append(v)
    s = w.stats
    assert s.accepted + s.dropped == len(stream)
    assert s.windows == len(windows)
    if windows:
        lo = np.min(accepted_values, axis=0)[:, None]
        hi = np.max(accepted_values, axis=0)[:, None]
    for win in windows:
        # interpolated between accepted samples, so finite and inside their range
        assert win.data.shape == (3, 16) and win.data.dtype == np.float32 and np.isfinite(win.data).all()
        assert (win.data >= lo.astype(np.float32) - 1e-3 * np.abs(lo)).all()
        assert (win.data <= hi.astype(np.float32) + 1e-3 * np.abs(hi)).all()
        assert win.t_end - win.t_start == pytest.approx(15 / 50.0, rel=1e-6, abs=1e-6 * abs(win.t_end))


@FAST
@given(
    dts=st.lists(st.floats(0.001, 0.2), min_size=1, max_size=300),
    start=st.floats(-1e6, 1e9),
    values=st.data(),
)
def test_streaming_equals_offline_windowing_for_any_increasing_stamps(dts, start, values):
    t = start + np.cumsum(dts)
    assume(np.all(np.diff(t) > 0))  # float64 cannot tell every step apart at 1e9
    v = values.draw(arrays(np.float64, (t.size, 3), elements=st.floats(-100, 100)))
    offline = uniform_windows(t, v, 50.0, 16, 4, max_gap_s=0.15)
    w = StreamingWindow(50.0, 16, 4, 3, 0.15)
    online = [win for ti, vi in zip(t, v, strict=True) for win in w.push(ti, vi)]
    assert len(online) == offline.data.shape[0]
    for i, win in enumerate(online):
        np.testing.assert_allclose(win.data, offline.data[i], rtol=1e-5, atol=1e-4)
        assert win.t_end == pytest.approx(offline.t_end[i])


# a stream as a receiver sees it: clean runs, between them a duplicate, a step back, a gap or a
# jump (max_gap 0.5 s below), bad values, or a sample of the wrong length
clean_run = st.lists(
    st.tuples(st.floats(0.004, 0.03), st.tuples(st.floats(-100, 100), st.floats(-100, 100), st.floats(-100, 100))),
    min_size=10,
    max_size=80,
)
incident = st.tuples(
    st.one_of(st.just(0.0), st.floats(-1.0, 0.0), st.floats(0.4, 2.0), st.floats(0.004, 0.03)),
    st.one_of(st.tuples(any_float, any_float, any_float), st.tuples(st.floats(-100, 100), st.floats(-100, 100))),
)


@FAST
@given(
    segments=st.lists(st.one_of(clean_run, clean_run, st.lists(incident, min_size=1, max_size=3)), max_size=12),
    start=st.floats(-1e6, 2e9),
    cuts=st.lists(st.one_of(st.integers(1, 8), st.integers(8, 60)), min_size=1, max_size=20),
)
def test_pushing_a_batch_equals_pushing_its_samples_one_by_one(segments, start, cuts):
    """The receiver hands the window whole batches; the windows, the samples that completed them,
    the counts and the next completion must be exactly those of one push per sample."""
    stream = [sample for segment in segments for sample in segment]
    t = (start + np.cumsum([dt for dt, _ in stream])).tolist()
    v = [sample for _, sample in stream]
    one, many = StreamingWindow(50.0, 16, 4, 3, 0.5), StreamingWindow(50.0, 16, 4, 3, 0.5)
    expected = [(i, win) for i in range(len(t)) for win in one.push(t[i], v[i])]
    got, at, sizes = [], 0, itertools.cycle(cuts)
    while at < len(t):
        n = next(sizes)
        got += [(at + i, win) for i, win in many.push_many(t[at : at + n], v[at : at + n])]
        at += n
    assert [i for i, _ in got] == [i for i, _ in expected]
    for (_, a), (_, b) in zip(got, expected, strict=True):
        assert np.array_equal(a.data, b.data) and (a.t_start, a.t_end) == (b.t_start, b.t_end)
    assert many.stats == one.stats
    assert many.next_end == one.next_end


def test_values_beyond_float32_are_dropped_as_non_finite():
    """A window is float32: 1e39 would become inf there and poison every window it is in."""
    w = StreamingWindow(50.0, 16, 4, 3, 0.5)
    w.push(0.0, (0.0, 0.0, 9.8))
    w.push(0.02, (1e39, 0.0, 9.8))
    assert w.stats.non_finite == 1 and w.stats.accepted == 1


# -- model card ---------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | any_float | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# fields checked against others: a change elsewhere can surface as an error in one of these
CROSS_CHECKED = {"input_shape", "value_range", "hop_samples", "image_size", "channels", "joints"}
REAL_CARDS = [json.loads(card_path_for(p).read_text()) for p in (DEFAULT_MODEL, DEFAULT_TEACHER)]


@FAST
@given(raw=json_values)
def test_any_json_is_a_card_or_one_model_card_error(raw):
    try:
        ModelCard.from_dict(raw, "fuzz.json")
    except ModelCardError as exc:
        assert str(exc).startswith("fuzz.json") and "\n" not in str(exc)


@FAST
@given(card=st.sampled_from(REAL_CARDS), data=st.data())
def test_a_real_card_with_one_field_replaced_is_valid_or_an_error_naming_that_field(card, data):
    key = data.draw(st.sampled_from(sorted(card)))
    value = data.draw(json_values)
    mutated = {**card, key: value}
    try:
        parsed = ModelCard.from_dict(mutated, "card.json")
    except ModelCardError as exc:
        # it names the field, or the one it now contradicts (channels vs input_shape)
        assert str(exc).startswith("card.json: field '") and "\n" not in str(exc)
        named = str(exc).split("'")[1]
        assert named == key or named in CROSS_CHECKED, str(exc)
    else:  # accepted: it must round-trip
        assert ModelCard.from_dict(parsed.to_dict(), "again") == parsed


@FAST
@given(card=st.sampled_from(REAL_CARDS), key=st.sampled_from(sorted(set().union(*REAL_CARDS))))
def test_a_real_card_without_a_field_is_valid_or_an_error_naming_it(card, key):
    assume(key in card)
    try:
        ModelCard.from_dict({k: v for k, v in card.items() if k != key}, "card.json")
    except ModelCardError as exc:
        # without 'modality' a card reads as a student (cards before it had one): a skeleton
        # teacher then fails on the first IMU field it lacks
        named = "'channels'" if key == "modality" and card["modality"] == "skeleton" else f"'{key}'"
        assert named in str(exc) and "\n" not in str(exc)
