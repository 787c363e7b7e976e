import math

import numpy as np
import pytest

from har_kd_ros.inference.classifier import TeacherClassifier
from har_kd_ros.recordings.recording import load_npz
from har_kd_ros.skeleton.topology import MEDIAPIPE_POSE, to_canonical
from har_kd_ros.skeleton.window import StreamingSkeletonWindow, resample_skeleton, teacher_input
from training.data.synthetic import ACTIVITIES, generate_stream

DEMO = "har_kd_ros/data/demo_recording.npz"


def _stream(card, topology="mediapipe_pose", **kwargs):
    return StreamingSkeletonWindow.for_card(card, topology=topology, **kwargs)


@pytest.fixture(scope="module")
def teacher():
    return TeacherClassifier()


@pytest.fixture(scope="module")
def demo():
    return load_npz(DEMO)


def test_streaming_windows_equal_the_offline_teacher_input(teacher, demo):
    """The node's windows are what training's pairing computes for the same span."""
    card = teacher.card
    stream = _stream(card, demo.topology)
    canonical = to_canonical(demo.skeleton, demo.topology)
    windows = [w for t, x in zip(demo.skeleton_t, demo.skeleton, strict=True) for w in stream.push(t, x)]
    labelled = [w for w in windows if w is not None]
    assert len(windows) == stream.stats.windows and len(labelled) > 150
    for w in labelled[::7]:
        offline = teacher_input(
            demo.skeleton_t, canonical, w.t_start, w.t_end, card.skeleton_frames, card.min_coverage,
            card.body_frame, card.root_relative,
        )  # fmt: skip
        np.testing.assert_allclose(w.data, offline, atol=1e-5)
        assert w.t_end - w.t_start == pytest.approx(card.window_s)
    ends = np.array([w.t_end for w in labelled])
    assert np.allclose(np.diff(ends) % card.hop_s, 0.0, atol=1e-6) or np.allclose(
        np.diff(ends) % card.hop_s, card.hop_s, atol=1e-6
    )


def test_bundled_teacher_labels_camera_skeletons_of_an_unseen_subject(teacher, demo):
    """MediaPipe-ordered skeletons of the demo's held-out subject, windows inside one activity."""
    stream = _stream(teacher.card, demo.topology)
    right = total = 0
    for t, x in zip(demo.skeleton_t, demo.skeleton, strict=True):
        for w in stream.push(t, x):
            if w is None or demo.label_at(w.t_start + 1e-3) != demo.label_at(w.t_end - 1e-3):
                continue
            total += 1
            right += teacher.predict(w.data).label == demo.label_at(w.t_end)
    assert total > 100 and right / total > 0.9  # chance is 0.1


def test_bad_frames_are_counted_not_raised(teacher):
    stream = _stream(teacher.card)
    pose = np.zeros((len(MEDIAPIPE_POSE.joints), 3))
    assert stream.push(0.0, pose) == []
    assert stream.push(math.nan, pose) == []
    assert stream.push(0.0, pose) == []  # duplicate
    assert stream.push(0.1, pose[:10]) == []
    assert stream.push(0.2, pose, visibility=np.ones(3)) == []
    assert stream.push(0.3, pose) == [] and stream.push(0.25, pose) == []  # out of order
    s = stream.stats
    assert (s.accepted, s.non_finite_stamp, s.duplicate, s.wrong_shape, s.out_of_order) == (2, 1, 1, 2, 1)


def test_invisible_joints_and_gaps_give_no_teacher_input(teacher):
    """Low-visibility landmarks are untracked: a span without the full body yields None, not a guess."""
    rec = generate_stream(ACTIVITIES[:2], segment_s=6.0, seed=3)
    stream = _stream(teacher.card, rec.topology, min_visibility=0.5, max_gap_s=0.5)
    visibility = np.ones(len(MEDIAPIPE_POSE.joints))
    visibility[MEDIAPIPE_POSE.index("left_knee")] = 0.1
    out = []
    for t, x in zip(rec.skeleton_t, rec.skeleton, strict=True):
        out += stream.push(t, x, visibility)
    assert out and all(w is None for w in out)
    assert stream.stats.windows_uncovered == len(out) and stream.stats.untracked == stream.stats.accepted
    # a gap longer than max_gap_s restarts the grid: the next window ends a full span after it
    stream = _stream(teacher.card, rec.topology, max_gap_s=0.5)
    t, x = rec.skeleton_t, rec.skeleton
    first = [w for i in range(90) for w in stream.push(t[i], x[i])]
    after = [w for i in range(150, 240) for w in stream.push(t[i], x[i])]
    assert stream.stats.resets == 1 and first and after
    assert min(w.t_start for w in after if w is not None) >= t[150] - 1e-9


def test_resample_reports_no_coverage_when_tracking_misses_an_end():
    t = np.arange(30) / 30.0
    frames = np.random.default_rng(0).normal(size=(30, 16, 3))
    frames[20:] = np.nan
    _, coverage = resample_skeleton(t, frames, 0.0, 0.95, 8)
    assert coverage == 0.0
    _, coverage = resample_skeleton(t, frames, 0.0, 0.6, 8)
    assert coverage == pytest.approx(1.0)
