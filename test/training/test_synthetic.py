import re

import numpy as np
import pytest

from har_kd_ros.skeleton import CANONICAL_JOINTS
from training.data import synthetic
from training.data.synthetic import ACTIVITIES, GRAVITY, generate_dataset, generate_stream


def test_deterministic_and_complete():
    a = generate_dataset(n_subjects=2, trials=2, seed=3)
    b = generate_dataset(n_subjects=2, trials=2, seed=3)
    c = generate_dataset(n_subjects=2, trials=2, seed=4)
    assert len(a) == 2 * 2 * len(ACTIVITIES) and len(ACTIVITIES) >= 8
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.acc, y.acc)
        np.testing.assert_array_equal(x.skeleton, y.skeleton)
    assert a[0].acc.shape != c[0].acc.shape or not np.allclose(a[0].acc, c[0].acc)
    assert {r.label for r in a} == set(ACTIVITIES)
    for r in a:
        r.validate()
        assert r.acc_rate_hz == pytest.approx(50.0, rel=0.02) and r.skeleton_rate_hz == pytest.approx(30.0)


def test_accelerometer_is_the_second_derivative_of_the_wrist_plus_gravity():
    """Rebuild the specific force from the (noise-free) skeleton wrist and compare with the IMU."""
    rng = np.random.default_rng(0)
    subject = synthetic.make_subject(rng, 0, left_handed_p=0.0)
    trial = synthetic.make_trial("waving", rng, duration_s=4.0)
    t = np.arange(0, 4.0, 1e-3)
    joints, frames = synthetic.forward_kinematics(synthetic.joint_angles("waving", t, subject, trial), subject)
    wrist = joints[:, CANONICAL_JOINTS.index("wrist_r")]
    acc_world = np.gradient(np.gradient(wrist, t, axis=0), t, axis=0) + [0.0, 0.0, GRAVITY]
    expected = np.einsum("tji,tj->ti", frames["r"], acc_world)[100:-100]
    acc, _ = synthetic._specific_force("waving", t[100:-100], subject, trial, "r")
    np.testing.assert_allclose(acc, expected, atol=0.05 * np.abs(expected).max())


def test_at_rest_the_accelerometer_reads_one_g():
    rng = np.random.default_rng(1)
    subject = synthetic.make_subject(rng, 0)
    rec = synthetic.generate_recording("sit_down", subject, 0, rng, duration_s=8.0)
    before = rec.acc_t < 0.2 * 8.0  # standing still before the onset
    assert np.linalg.norm(rec.acc[before], axis=1).mean() == pytest.approx(GRAVITY, abs=0.4)


def test_activities_differ_physically():
    recs = generate_dataset(n_subjects=2, trials=1, seed=0)
    energy = {r.label: np.linalg.norm(r.acc, axis=1).std() for r in recs if r.subject == "s01"}
    assert energy["running"] > 3 * energy["walking"]
    assert energy["jumping"] > energy["drinking"]


def test_skeleton_has_dropouts_and_plausible_bones():
    rec = generate_dataset(n_subjects=1, trials=1, seed=0)[0]
    tracked = np.isfinite(rec.skeleton).all(axis=(1, 2))
    assert 0.0 < 1 - tracked.mean() < 0.1
    s = rec.skeleton[tracked]
    forearm = np.linalg.norm(s[:, CANONICAL_JOINTS.index("wrist_r")] - s[:, CANONICAL_JOINTS.index("elbow_r")], axis=1)
    assert 0.2 < forearm.mean() < 0.35
    assert s[:, CANONICAL_JOINTS.index("head"), 2].mean() > s[:, CANONICAL_JOINTS.index("pelvis"), 2].mean() + 0.4


def test_stream_has_labelled_segments():
    rec = generate_stream(("walking", "waving"), segment_s=5.0, seed=1)
    assert [s.label for s in rec.segments] == ["walking", "waving"]
    assert rec.label_at(2.0) == "walking" and rec.label_at(7.0) == "waving"
    assert np.all(np.diff(rec.acc_t) > 0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="activities"):
        generate_dataset(activities=("flying",))
    with pytest.raises(ValueError, match="sensor_side"):
        generate_dataset(sensor_side="x")
    for kwargs, message in (
        ({"n_subjects": 0}, "n_subjects: expected at least 1, got 0"),
        ({"trials": -1}, "trials: expected at least 1, got -1"),
        ({"activities": ()}, "activities: expected at least 1, got 0"),
        ({"seed": -5}, "seed: expected >= 0, got -5"),
    ):
        with pytest.raises(ValueError, match=re.escape(message)):
            generate_dataset(**kwargs)
    with pytest.raises(ValueError, match="segment_s: expected a positive number of seconds, got nan"):
        generate_stream(ACTIVITIES, segment_s=float("nan"))
    with pytest.raises(ValueError, match="activities: expected at least one"):
        generate_stream(())
