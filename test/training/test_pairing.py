import numpy as np
import pytest

from har_kd_ros.imu.window import StreamingWindow
from har_kd_ros.recordings.recording import Recording
from training.data.pairing import WindowSpec, pair_recording, pair_recordings
from training.data.protocols import get_protocol, split


def clock_recording():
    """Both streams encode their own time: acc x = t, every skeleton coordinate = t."""
    rng = np.random.default_rng(0)
    t_acc = np.cumsum(rng.uniform(0.015, 0.025, 400))
    t_skel = np.cumsum(rng.uniform(0.03, 0.037, 230)) + 0.05
    acc = np.stack([t_acc, np.zeros_like(t_acc), np.zeros_like(t_acc)], 1)
    skel = np.repeat(t_skel[:, None, None], 16 * 3, axis=1).reshape(-1, 16, 3)
    return Recording("s1", "1", "x", acc, t_acc, skeleton=skel, skeleton_t=t_skel, topology="canonical")


def test_pairing_cannot_drift():
    spec = WindowSpec(window_samples=64, hop_samples=16, skeleton_frames=20, body_frame=False)
    w = pair_recording(clock_recording(), spec)
    acc, skel, valid, t0, t1 = w.acc, w.skeleton, w.skeleton_valid, w.t_start, w.t_end
    assert len(acc) > 10 and valid[1:-1].all()
    # the skeleton starts 60 ms after the first window and stops before the last one ends:
    # frames are never clamped into a span they do not cover
    assert not valid[0] and not valid[-1]
    for i in np.flatnonzero(valid):
        # the same index is the same time span in both modalities
        np.testing.assert_allclose(acc[i, 0, [0, -1]], [t0[i], t1[i]], atol=1e-4)
        np.testing.assert_allclose(skel[i, [0, -1], 0, 0], [t0[i], t1[i]], atol=1e-4)


def test_acc_windows_are_what_the_robot_sees():
    rec = clock_recording()
    spec = WindowSpec(window_samples=64, hop_samples=16)
    acc = pair_recording(rec, spec).imu
    online = StreamingWindow(spec.rate_hz, spec.window_samples, spec.hop_samples)
    windows = [w for t, v in zip(rec.acc_t, rec.acc, strict=True) for w in online.push(t, v)]
    np.testing.assert_allclose(np.stack([w.data for w in windows]), acc, atol=1e-5)


def test_tracking_loss_marks_window_invalid():
    rec = clock_recording()
    skel = rec.skeleton.copy()
    skel[(rec.skeleton_t > 2.0) & (rec.skeleton_t < 5.0)] = np.nan
    w = pair_recording(rec.with_(skeleton=skel), WindowSpec(window_samples=64, hop_samples=16, body_frame=False))
    valid, t0, t1 = w.skeleton_valid, w.t_start, w.t_end
    inside = (t0 > 2.1) & (t1 < 4.9)
    clear = ~((t1 > 2.0) & (t0 < 5.0))
    clear[[0, -1]] = False  # the recording's edges (see test_pairing_cannot_drift)
    assert inside.any() and not valid[inside].any() and valid[clear].all()


def test_paired_dataset_labels(small_dataset):
    labels = tuple(sorted({r.label for r in small_dataset}))
    paired = pair_recordings(small_dataset, WindowSpec(), labels)
    assert paired.acc.shape[1:] == (3, 128) and paired.skeleton.shape[1:] == (32, 16, 3)
    for i in np.random.default_rng(0).choice(len(paired), 20):
        middle = 0.5 * (paired.t_start[i] + paired.t_end[i])  # a window is labelled at its middle
        assert labels[paired.labels[i]] == small_dataset[paired.recording[i]].label_at(middle)


def test_protocols_keep_test_out_of_validation(small_dataset):
    sp = split(small_dataset, get_protocol("cross_subject"))
    subjects = lambda idx: {small_dataset[i].subject for i in idx}  # noqa: E731
    assert subjects(sp.test) == {"s02", "s04"}
    assert subjects(sp.val) and subjects(sp.val) <= {"s01", "s03"} and not subjects(sp.val) & subjects(sp.train)
    assert sorted(sp.train + sp.val + sp.test) == list(range(len(small_dataset)))
    loso = split(small_dataset, get_protocol("loso_s03"))
    assert subjects(loso.test) == {"s03"} and "s03" not in subjects(loso.train + loso.val)


def test_subject_specific_protocol_splits_trials():
    from training.data.synthetic import generate_dataset

    recs = generate_dataset(n_subjects=2, trials=4, activities=("walking", "waving"), seed=0)
    sp = split(recs, get_protocol("subject_specific"))
    assert {recs[i].trial for i in sp.test} == {"3", "4"}
    assert {recs[i].trial for i in sp.train + sp.val} == {"1", "2"} and sp.val


def test_kfold_tests_every_subject_exactly_once_and_validates_on_the_training_side(small_dataset):
    subjects = lambda idx: {small_dataset[i].subject for i in idx}  # noqa: E731
    tested = []
    for i in range(2):
        sp = split(small_dataset, get_protocol(f"kfold_2_{i}"), seed=3)
        assert len(subjects(sp.test)) == 2  # 4 subjects, balanced
        assert subjects(sp.val) and not subjects(sp.val) & subjects(sp.test)
        assert not subjects(sp.train) & (subjects(sp.val) | subjects(sp.test))
        tested += sorted(subjects(sp.test))
    assert sorted(tested) == ["s01", "s02", "s03", "s04"]


def test_kfold_balances_recordings_and_ignores_order():
    from training.data.protocols import group_folds

    subjects = ["a"] * 6 + ["b"] * 3 + ["c"] * 3 + ["d"] * 2 + ["e"] * 2
    folds = group_folds(subjects, 2)
    sizes = [sum(1 for s in subjects if folds[s] == f) for f in range(2)]
    assert sorted(sizes) == [8, 8]
    assert group_folds(list(reversed(subjects)), 2) == folds


@pytest.mark.parametrize(
    ("name", "message"),
    [("kfold_1_0", "k >= 2"), ("kfold_3_3", "0 <= i < k"), ("kfold_5_0", "needs at least 5 subjects, the dataset has")],
)
def test_kfold_refuses_what_cannot_be_a_fold(small_dataset, name, message):
    with pytest.raises(ValueError, match=message):
        split(small_dataset, get_protocol(name))


def test_unknown_protocol():
    with pytest.raises(ValueError, match="protocol"):
        get_protocol("random")


def segmented_recording():
    """50 Hz, 12 s: standing 0-1 s, walking 1-5 s, standing 5-6 s (a short rest), walking 6-10 s,
    standing 10-12 s."""
    from har_kd_ros.recordings.recording import Segment

    t = np.arange(600) / 50.0
    spans = [(0, 1, "standing"), (1, 5, "walking"), (5, 6, "standing"), (6, 10, "walking"), (10, 12, "standing")]
    acc = np.random.default_rng(1).normal(0, 1, (t.size, 3))
    return Recording("s1", "1", None, acc, t, segments=tuple(Segment(a, b, n) for a, b, n in spans))


def test_label_share_is_the_part_of_each_window_its_label_covers():
    from training.data.pairing import label_share

    rec = segmented_recording()
    paired = pair_recordings([rec], WindowSpec(window_samples=100, hop_samples=25), ("standing", "walking"))
    share = label_share([rec], paired)
    for i in range(len(paired)):
        times = np.linspace(paired.t_start[i], paired.t_end[i], 17)
        name = paired.label_names[paired.labels[i]]
        assert share[i] == pytest.approx(np.mean([rec.label_at(x) == name for x in times]))
    middle = 0.5 * (paired.t_start + paired.t_end)
    on_short_rest = (middle > 5.0) & (middle < 6.0)
    assert on_short_rest.any() and (share[on_short_rest] <= 0.55).all()  # a 1 s rest in a 2 s window
    assert (share[(middle > 2.5) & (middle < 3.5)] == 1.0).all()
    picked = np.flatnonzero(on_short_rest)
    only = label_share([rec], paired, which=picked)
    assert np.array_equal(only[picked], share[picked])
    assert (np.delete(only, picked) == 1.0).all()  # the windows not asked for are not read


def test_training_drops_rest_windows_that_are_mostly_motion():
    from training.prepare import drop_mixed_rest

    rec = segmented_recording()
    paired = pair_recordings([rec], WindowSpec(window_samples=100, hop_samples=25), ("standing", "walking"))
    kept = drop_mixed_rest(paired, [rec], 0.75)
    middle = 0.5 * (kept.t_start + kept.t_end)
    standing = kept.labels == 0
    assert not ((middle > 5.0) & (middle < 6.0)).any()  # the short rest's windows are gone
    assert standing.any() and (middle[standing] > 10.0).all()  # the long one's last windows stay
    assert (kept.labels == 1).sum() == (paired.labels == 1).sum()  # every walking window stays
