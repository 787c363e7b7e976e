import re

import numpy as np
import pytest

from har_kd_ros.recordings.recording import Segment
from har_kd_ros.skeleton.topology import CANONICAL_JOINTS
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
        assert r.acc_rate_hz == pytest.approx(50.0, rel=0.02)
        # a watch nobody wears has no skeleton; everyone else is tracked at 30 Hz
        assert (r.skeleton is None) == (r.label == "still")
        assert r.label == "still" or r.skeleton_rate_hz == pytest.approx(30.0)


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
    watch = synthetic.nominal_watch(rng, "r")
    acc, _ = synthetic.ideal_imu(
        lambda tt: synthetic.joint_angles("waving", tt, subject, trial), t[100:-100], subject, watch
    )
    np.testing.assert_allclose(acc, expected, atol=0.05 * np.abs(expected).max())


def test_at_rest_the_accelerometer_reads_one_g():
    rng = np.random.default_rng(1)
    subject = synthetic.make_subject(rng, 0)
    rec = synthetic.generate_recording("sit_down", subject, 0, rng, duration_s=8.0)
    before = rec.acc_t < rec.segments[0].end - 0.5  # standing before the onset
    assert rec.segments[0].label == "standing"
    assert np.linalg.norm(rec.acc[before], axis=1).mean() == pytest.approx(GRAVITY, abs=0.4)


def test_a_posture_change_is_labelled_only_while_it_happens():
    """The seated tail of a sit_down is sitting: a model must never learn that stillness is a sit_down."""
    recs = generate_dataset(n_subjects=2, trials=2, activities=("sit_down", "stand_up"), seed=2)
    for r in recs:
        labels = [seg.label for seg in r.segments]
        assert labels == (
            ["standing", "sit_down", "sitting"] if r.label == "sit_down" else ["sitting", "stand_up", "standing"]
        )
        change = r.segments[1]
        assert 1.2 < change.end - change.start < 3.0
        # the body moves during the change and hardly before or after it
        gyro = np.linalg.norm(r.gyro, axis=1)
        during = (r.acc_t > change.start + 0.5) & (r.acc_t < change.end - 0.5)
        outside = (r.acc_t < change.start - 0.5) | (r.acc_t > change.end + 0.5)
        assert gyro[during].mean() > 2 * gyro[outside].mean()


def test_rests_surround_activities_without_a_jump():
    rec = generate_dataset(n_subjects=1, trials=1, activities=("running",), seed=3, rest_s=1.5)[0]
    assert [s.label for s in rec.segments] == ["standing", "running", "standing"]
    for boundary in (rec.segments[0].end, rec.segments[1].end):
        near = np.abs(rec.acc_t - boundary) < 0.6
        # a runner who stops: no more than a stride's accelerations, no impulse from a blend
        assert np.abs(rec.acc[near]).max() < 8 * GRAVITY
    assert rec.label_at(0.5) == "standing" and rec.label_at(rec.segments[1].start + 1.0) == "running"


def test_a_still_watch_reads_gravity_in_its_own_orientation():
    recs = generate_dataset(n_subjects=1, trials=6, activities=("still",), seed=4)
    directions = []
    for r in recs:
        assert r.skeleton is None and r.location == "table"
        magnitude = np.linalg.norm(r.acc, axis=1)
        assert magnitude.mean() == pytest.approx(GRAVITY, abs=0.5) and magnitude.std() < 0.3
        assert np.abs(r.gyro).mean() < 0.1
        directions.append(r.acc.mean(axis=0) / magnitude.mean())
    # six trials, six orientations: gravity does not sit on one axis
    assert np.ptp(np.array(directions), axis=0).min() > 0.5


def test_a_randomised_watch_differs_in_rate_and_mounting_and_stays_physical():
    recs = generate_dataset(n_subjects=2, trials=3, activities=("standing", "waving"), seed=5, sensor_side="either",
                            randomise_watch=True)  # fmt: skip
    rates = {round(r.acc_rate_hz) for r in recs}
    assert len(rates) >= 3 and min(rates) >= 10 and max(rates) <= 100
    for r in recs:
        if r.label == "standing":  # any mounting: a wearer at rest still reads about 1 g
            assert np.linalg.norm(r.acc, axis=1).mean() == pytest.approx(GRAVITY, abs=1.0)
        else:  # a wave is seen from the arm that waves
            assert r.location == "right_wrist"  # no subject of this seed is left-handed
    still_x = [r.acc[:, 0].mean() for r in recs if r.label == "standing"]
    assert np.ptp(still_x) > 2.0  # the arm hangs the same way; the watch does not sit the same way


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


def test_stream_has_labelled_segments_with_rests_between():
    rec = generate_stream(("walking", "waving", "sit_down", "stand_up"), segment_s=5.0, seed=1, rest_s=2.0)
    assert [s.label for s in rec.segments] == [
        "walking", "standing", "waving", "standing", "sit_down", "sitting", "stand_up",
    ]  # fmt: skip
    assert rec.label_at(2.0) == "walking" and rec.label_at(6.0) == "standing" and rec.label_at(8.0) == "waving"
    assert np.all(np.diff(rec.acc_t) > 0)
    with pytest.raises(ValueError, match="'still' is a watch nobody wears"):
        generate_stream(("walking", "still"))


def test_a_carrying_walker_holds_the_watch_forearm_level_and_no_draw_without_it():
    """Carrying puts gravity across the forearm (the watch's x axis runs along it) while the legs
    still walk; a share of 0 draws nothing, so every recording stays as it was without the option."""
    kwargs = {"n_subjects": 2, "trials": 4, "activities": ("walking", "waving"), "seed": 5, "sensor_side": "r"}
    free = generate_dataset(**kwargs)
    for x, y in zip(free, generate_dataset(carry_share=0.0, **kwargs), strict=True):
        np.testing.assert_array_equal(x.acc, y.acc)
    for x, y in zip(free, generate_dataset(carry_share=1.0, **kwargs), strict=True):
        if x.label != "walking":
            np.testing.assert_array_equal(x.acc, y.acc)  # only walkers carry
            continue
        walk = []
        for r in (x, y):  # the walk itself, away from the blends into the rests around it
            span = next(s for s in r.segments if s.label == "walking")
            inside = (r.acc_t > span.start + 1.0) & (r.acc_t < span.end - 1.0)
            walk.append((r.acc[inside], r.gyro[inside]))
        along = [abs(acc[:, 0].mean()) / np.linalg.norm(acc.mean(0)) for acc, _ in walk]
        assert along[0] > 0.8 and along[1] < 0.45, along  # a hanging forearm against a level one
        swing = [gyro.std(0).max() for _, gyro in walk]
        assert swing[1] < 0.5 * swing[0], swing  # a carrying arm hardly swings
        assert np.linalg.norm(walk[1][0] - walk[1][0].mean(0), axis=1).std() > 0.1  # the steps shake it
    with pytest.raises(ValueError, match=re.escape("carry_share: expected a probability in [0, 1], got 1.5")):
        generate_dataset(carry_share=1.5)


def test_a_standing_person_holds_the_forearm_level_and_a_walker_who_stops_keeps_holding():
    """Holding puts gravity across a standing person's forearm while the watch stays at rest; a
    share of 0 draws nothing, so the carrying walkers' data stay as they are without it."""
    kwargs = {"n_subjects": 2, "trials": 3, "activities": ("walking", "standing", "waving"), "seed": 7}
    carrying = generate_dataset(carry_share=1.0, **kwargs)
    for x, y in zip(carrying, generate_dataset(carry_share=1.0, hold_share=0.0, **kwargs), strict=True):
        np.testing.assert_array_equal(x.acc, y.acc)
    held = generate_dataset(carry_share=1.0, hold_share=1.0, **kwargs)

    def along(rec, label: str) -> list[float]:
        """|acc_x| / |acc| inside each span of ``label``, away from the blends."""
        out = []
        spans = rec.segments or (Segment(0.0, float(rec.acc_t[-1]), rec.label),)  # one activity: no spans
        for span in (s for s in spans if s.label == label and s.end - s.start > 1.5):
            inside = (rec.acc_t > span.start + 0.7) & (rec.acc_t < span.end - 0.7)
            out.append(abs(rec.acc[inside, 0].mean()) / np.linalg.norm(rec.acc[inside].mean(0)))
        return out

    checked = {"walking": 0, "standing": 0}
    for free, hold in zip(carrying, held, strict=True):
        if free.label == "waving":
            np.testing.assert_array_equal(free.acc, hold.acc)  # rests of other activities: arms hang
            continue
        assert all(v > 0.8 for v in along(free, "standing")), along(free, "standing")  # a hanging forearm
        assert all(v < 0.45 for v in along(hold, "standing")), along(hold, "standing")
        checked[hold.label] += len(along(hold, "standing"))
        if hold.label == "standing":  # held, not moved: it turns no more than a hanging arm fidgets
            turning = [r.gyro[r.acc_t > 1.0].std(0).max() for r in (free, hold)]
            assert turning[1] < 1.2 * turning[0], turning
    assert checked["walking"] > 0 and checked["standing"] == 6, checked
    with pytest.raises(ValueError, match=re.escape("hold_share: expected a probability in [0, 1], got -0.1")):
        generate_dataset(hold_share=-0.1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="activities"):
        generate_dataset(activities=("flying",))
    with pytest.raises(ValueError, match="sensor_side"):
        generate_dataset(sensor_side="x")
    with pytest.raises(ValueError, match="rest_s"):
        generate_dataset(rest_s=-1.0)
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
