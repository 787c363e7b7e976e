"""Augmentation reads only what the recording holds, turns a watch as a rigid body turns it, and
is the identity with every knob at zero."""

import numpy as np
import pytest

from har_kd_ros.recordings.recording import Recording
from training.data.augment import AugmentConfig, augment, crop, random_rotations
from training.data.pairing import WindowSpec, pair_recording

CHANNELS = ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")


def counting_recording(n: int = 230, rate: float = 50.0) -> Recording:
    """Every channel holds its sample's index: a read value says where it was read."""
    t = np.arange(n) / rate
    k = np.arange(n, dtype=np.float64)[:, None]
    return Recording("s1", "1", "x", np.repeat(k, 3, 1), t, gyro=np.repeat(-k, 3, 1))


def test_context_without_augmentation_is_the_window():
    spec = WindowSpec(window_samples=64, hop_samples=16, channels=CHANNELS, context_samples=20)
    w = pair_recording(counting_recording(), spec)
    still = crop(w.context.data, w.context.lo, w.context.hi, w.context.pos, 64, AugmentConfig(), None)
    np.testing.assert_array_equal(still, w.imu)
    assert w.imu.shape[1] == 6 and np.array_equal(w.imu[:, 3], -w.imu[:, 0])


def test_shifts_and_stretches_stay_inside_the_recording():
    n = 230
    spec = WindowSpec(window_samples=64, hop_samples=16, channels=CHANNELS, context_samples=40)
    w = pair_recording(counting_recording(n), spec)
    config = AugmentConfig(offset_samples=30, time_warp=0.5)
    rng = np.random.default_rng(0)
    for _ in range(20):
        out = crop(w.context.data, w.context.lo, w.context.hi, w.context.pos, 64, config, rng)
        index = out[:, 0]
        assert index.min() >= 0 and index.max() <= n - 1  # never an invented (padded) sample
        assert np.all(np.diff(index, axis=1) > 0)  # time runs forward, uniformly
        step = np.diff(index, axis=1).mean(axis=1)
        assert step.min() >= 1 / 1.5 - 1e-4 and step.max() <= 1.5 + 1e-4
        assert np.abs(index[:, 0] - w.imu[:, 0, 0]).max() <= 30 + 64 * 0.25 + 1


def test_a_recording_shorter_than_the_context_is_never_padded_into_the_window():
    spec = WindowSpec(window_samples=64, hop_samples=16, channels=CHANNELS, context_samples=40)
    w = pair_recording(counting_recording(70), spec)  # room for one window and 6 samples of shift
    assert w.context.hi.tolist() == [70] * len(w.imu)
    out = crop(w.context.data, w.context.lo, w.context.hi, w.context.pos, 64, AugmentConfig(offset_samples=30),
               np.random.default_rng(1))  # fmt: skip
    # the padding repeats the last sample: a window reading it would stall at 69
    assert out[:, 0].max() <= 69 and np.all(np.diff(out[:, 0], axis=1) > 0.99)


def test_rotations_turn_acc_and_gyro_together_and_keep_their_lengths():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 6, 32)).astype(np.float32)
    config = AugmentConfig(twist_deg=90, tilt_deg=30)
    out = augment(x, CHANNELS, config, rng)
    for sl in (slice(0, 3), slice(3, 6)):
        np.testing.assert_allclose(np.linalg.norm(out[:, sl], axis=1), np.linalg.norm(x[:, sl], axis=1), rtol=1e-5)
    # one rigid body: the angle between the two vectors is kept
    dot = lambda v: (v[:, :3] * v[:, 3:]).sum(axis=1)  # noqa: E731
    np.testing.assert_allclose(dot(out), dot(x), rtol=1e-4, atol=1e-4)
    assert np.abs(out - x).max() > 0.1


def test_a_twist_turns_about_the_forearm_axis_only():
    r = random_rotations(64, AugmentConfig(twist_deg=60, twist_axis="x"), np.random.default_rng(3))
    np.testing.assert_allclose(r @ np.array([1.0, 0.0, 0.0]), np.tile([1.0, 0.0, 0.0], (64, 1)), atol=1e-12)
    angles = np.degrees(np.arccos(np.clip(r[:, 1, 1], -1, 1)))
    assert angles.max() <= 60 + 1e-9 and angles.max() > 30
    np.testing.assert_allclose(np.linalg.det(r), 1.0)


def test_gain_and_noise_scale_by_sensor():
    x = np.ones((256, 6, 50), dtype=np.float32)
    out = augment(x, CHANNELS, AugmentConfig(noise_acc=0.5, noise_gyro=0.01), np.random.default_rng(4))
    assert 0.45 < out[:, :3].std() < 0.55 and 0.008 < out[:, 3:].std() < 0.012
    gained = augment(x, CHANNELS, AugmentConfig(gain=0.2), np.random.default_rng(4))
    per_channel = gained[:, :, 0]
    assert per_channel.min() >= 0.8 and per_channel.max() <= 1.2 and np.all(gained == gained[:, :, :1])


def test_every_knob_at_zero_is_the_identity_and_draws_are_seeded():
    x = np.random.default_rng(5).normal(size=(4, 3, 20)).astype(np.float32)
    assert not AugmentConfig().active
    np.testing.assert_array_equal(augment(x, CHANNELS[:3], AugmentConfig(), np.random.default_rng(0)), x)
    c = AugmentConfig(twist_deg=10, gain=0.1, noise_acc=0.1)
    a = augment(x, CHANNELS[:3], c, np.random.default_rng(9))
    np.testing.assert_array_equal(a, augment(x, CHANNELS[:3], c, np.random.default_rng(9)))


@pytest.mark.parametrize(("offset", "warp", "window", "margin"), [(0, 0.0, 64, 0), (5, 0.0, 64, 5), (0, 0.1, 50, 4)])
def test_context_covers_the_largest_shift_and_stretch(offset, warp, window, margin):
    assert AugmentConfig(offset_samples=offset, time_warp=warp).context_samples(window) == margin
