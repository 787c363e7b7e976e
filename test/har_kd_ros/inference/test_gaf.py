import numpy as np
import pytest

from har_kd_ros.inference.gaf import compand, gaf, paa_bounds


@pytest.fixture(scope="module")
def pyts_gaf():
    image = pytest.importorskip("pyts.image")
    return image.GramianAngularField


@pytest.mark.parametrize(("length", "size"), [(128, 64), (100, 64), (128, None), (50, 17), (37, 37), (3, 2)])
@pytest.mark.parametrize("method", ["summation", "difference"])
def test_matches_pyts(pyts_gaf, length, size, method):
    rng = np.random.default_rng(length)
    x = rng.normal(size=(4, 3, length)) * rng.uniform(0.1, 20)
    reference = pyts_gaf(image_size=size or length, method=method).fit_transform(x.reshape(-1, length))
    ours = gaf(x, method, size)
    assert ours.dtype == np.float32
    assert ours.shape == (4, 3, size or length, size or length)
    np.testing.assert_allclose(ours.reshape(reference.shape), reference, atol=1e-5)


def test_formula_by_hand():
    # x = [0, 1, 2] rescales to [-1, 0, 1]: phi = [pi, pi/2, 0]
    g = gaf(np.array([[0.0, 1.0, 2.0]]), "summation")[0]
    phi = np.array([np.pi, np.pi / 2, 0.0])
    np.testing.assert_allclose(g, np.cos(phi[:, None] + phi[None, :]), atol=1e-6)
    d = gaf(np.array([[0.0, 1.0, 2.0]]), "difference")[0]
    np.testing.assert_allclose(d, np.sin(phi[:, None] - phi[None, :]), atol=1e-6)


def test_symmetry():
    x = np.random.default_rng(0).normal(size=(3, 64))
    s, d = gaf(x, "summation"), gaf(x, "difference")
    np.testing.assert_allclose(s, np.swapaxes(s, -1, -2), atol=1e-6)
    np.testing.assert_allclose(d, -np.swapaxes(d, -1, -2), atol=1e-6)


def test_batch_equals_single_windows():
    x = np.random.default_rng(1).normal(size=(5, 3, 128))
    batch = gaf(x, image_size=64)
    for i in range(5):
        np.testing.assert_array_equal(batch[i], gaf(x[i], image_size=64))


def test_constant_window_is_defined():
    x = np.stack([np.full(32, 9.81), np.linspace(0, 1, 32), np.zeros(32)])
    s = gaf(x, "summation", normalisation="window")
    d = gaf(x, "difference", normalisation="window")
    assert np.isfinite(s).all() and np.isfinite(d).all()
    np.testing.assert_array_equal(s[0], -1.0)  # x' = 0 -> phi = pi/2 -> cos(pi) = -1
    np.testing.assert_array_equal(d[0], 0.0)
    np.testing.assert_array_equal(s[2], -1.0)


def test_fixed_normalisation_keeps_amplitude_and_clips():
    t = np.linspace(0, 2 * np.pi, 64)
    small, large = np.sin(t)[None], 10 * np.sin(t)[None]
    per_window = [gaf(v, normalisation="window") for v in (small, large)]
    np.testing.assert_allclose(per_window[0], per_window[1], atol=1e-6)  # shape only
    fixed = [gaf(v, normalisation="fixed", value_range=(-10, 10)) for v in (small, large)]
    assert np.abs(fixed[0] - fixed[1]).max() > 0.5  # amplitude survives
    clipped = gaf(100 * np.sin(t)[None], normalisation="fixed", value_range=(-10, 10))
    assert np.isfinite(clipped).all() and np.abs(clipped).max() <= 1.0


def test_per_channel_ranges_encode_each_channel_with_its_own_range():
    """A 6-axis window: acc in m/s^2 and gyro in rad/s have ranges an order of magnitude apart."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 15, (2, 3, 40)), rng.normal(0, 2, (2, 3, 40))], axis=1)
    ranges = ((-30, 30),) * 3 + ((-5, 5),) * 3
    both = gaf(x, normalisation="fixed", value_range=ranges, image_size=20)
    acc = gaf(x[:, :3], normalisation="fixed", value_range=(-30, 30), image_size=20)
    gyro = gaf(x[:, 3:], normalisation="fixed", value_range=(-5, 5), image_size=20)
    np.testing.assert_array_equal(both, np.concatenate([acc, gyro], axis=1))
    # one shared range would have flattened the gyroscope to near-constant images
    shared = gaf(x, normalisation="fixed", value_range=(-30, 30), image_size=20)
    assert np.abs(shared[:, 3:] - both[:, 3:]).max() > 0.5


def test_mu_law_spreads_a_resting_wrist_across_the_image():
    """At +-10 rad/s a still watch (0.03 rad/s of noise) and a fidgeting wrist (0.3 rad/s) give
    nearly the same flat image; companded, they differ by a third of the image's span."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2.56, 128)
    still = rng.normal(0, 0.03, (1, 3, 128))
    fidget = 0.3 * np.sin(2 * np.pi * 0.5 * t + np.arange(3)[:, None])[None]
    kw = {"normalisation": "fixed", "value_range": (-10, 10), "image_size": 64}
    linear = [gaf(w, **kw) for w in (still, fidget)]
    companded = [gaf(w, **kw, mu_law=1000.0) for w in (still, fidget)]
    # GASF near x' = 0 is -1 + O(x'^2): linear, both images are within 0.01 of flat
    assert np.abs(linear[0] - linear[1]).max() < 0.01
    assert np.abs(companded[0] - companded[1]).max() > 0.3


def test_shape_channels_append_per_window_images_of_the_named_channels():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (2, 6, 40))
    kw = {"normalisation": "fixed", "value_range": ((-30, 30),) * 3 + ((-5, 5),) * 3, "image_size": 20}
    both = gaf(x, **kw, shape_channels=(5, 3))
    assert both.shape == (2, 8, 20, 20)
    np.testing.assert_array_equal(both[:, :6], gaf(x, **kw))
    shape = gaf(x[:, [5, 3]], normalisation="window", image_size=20)
    np.testing.assert_array_equal(both[:, 6:], shape)
    np.testing.assert_array_equal(gaf(x[0], **kw, shape_channels=(5, 3)), both[0])  # one window as a batch
    np.testing.assert_array_equal(gaf(x, **kw, shape_channels=()), gaf(x, **kw))


def test_shape_channels_tell_a_watch_on_a_table_from_a_resting_wrist():
    """At +-10 rad/s both are within 0.01 of flat; rescaled per window, white sensor noise and a
    slow sway are different pictures."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2.56, 128)
    still = rng.normal(0, 0.03, (1, 3, 128))
    sway = 0.3 * np.sin(2 * np.pi * 0.5 * t + np.arange(3)[:, None])[None]
    kw = {"normalisation": "fixed", "value_range": (-10, 10), "image_size": 64, "shape_channels": (0, 1, 2)}
    a, b = (gaf(w, **kw) for w in (still, sway))
    assert np.abs(a[:, :3] - b[:, :3]).max() < 0.01
    assert np.abs(a[:, 3:] - b[:, 3:]).mean() > 0.3


@pytest.mark.parametrize("shape_channels", [(3,), (-1,), (1, 1)])
def test_shape_channels_must_be_distinct_channels_of_the_window(shape_channels):
    with pytest.raises(ValueError, match=r"shape_channels: expected distinct channel indices in \[0, 3\)"):
        gaf(np.ones((3, 10)), shape_channels=shape_channels)


def test_mu_law_is_odd_monotonic_and_bounded_and_zero_is_linear():
    x = np.linspace(-1, 1, 201)[None]
    y = compand(x, 255.0)
    np.testing.assert_allclose(y, -y[:, ::-1], atol=1e-12)
    assert np.all(np.diff(y) > 0) and y[0, 0] == -1.0 and y[0, -1] == 1.0
    assert y[0, 110] > 5 * x[0, 110]  # x' = 0.1 lifted well above the line
    np.testing.assert_array_equal(compand(x, 0.0), x)
    np.testing.assert_array_equal(compand(x, None), x)


def test_mu_law_per_channel_leaves_linear_channels_alone():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (2, 6, 40))
    kw = {"normalisation": "fixed", "value_range": ((-30, 30),) * 3 + ((-5, 5),) * 3, "image_size": 20}
    plain = gaf(x, **kw)
    mixed = gaf(x, **kw, mu_law=(0, 0, 0, 100, 100, 100))
    np.testing.assert_array_equal(mixed[:, :3], plain[:, :3])
    assert np.abs(mixed[:, 3:] - plain[:, 3:]).max() > 0.1


@pytest.mark.parametrize("mu_law", [-1.0, (100.0,) * 2, float("nan")])
def test_mu_law_must_be_non_negative_per_channel(mu_law):
    with pytest.raises(ValueError, match="mu_law: expected mu >= 0"):
        gaf(np.ones((3, 10)), normalisation="fixed", value_range=(-1, 1), mu_law=mu_law)


@pytest.mark.parametrize(
    ("value_range", "message"),
    [(((-1, 1),) * 2, r"one \(low, high\) per channel \(3\)"), (((1, -1),) * 3, "high > low"), ((0, 0), "high > low")],
)
def test_per_channel_ranges_must_fit_the_channels(value_range, message):
    with pytest.raises(ValueError, match=message):
        gaf(np.ones((3, 10)), normalisation="fixed", value_range=value_range)


def test_paa_bounds_cover_series():
    start, end = paa_bounds(100, 64)
    assert start[0] == 0 and end[-1] == 100
    assert np.all(end > start)


@pytest.mark.parametrize(
    ("x", "kwargs", "message"),
    [
        (np.zeros(10), {}, "windows: expected shape"),
        (np.full((3, 10), np.nan), {}, "finite"),
        (np.ones((3, 10)), {"method": "product"}, "method"),
        (np.ones((3, 10)), {"image_size": 11}, "image_size"),
        (np.ones((3, 10)), {"normalisation": "fixed"}, "value_range"),
        (np.ones((3, 10)), {"normalisation": "global"}, "normalisation"),
        (np.ones((3, 0)), {}, "at least one"),
    ],
)
def test_bad_input_is_a_clear_error(x, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gaf(x, **kwargs)
