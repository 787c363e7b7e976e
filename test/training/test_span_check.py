"""A paired trial's streams cover the same time, or the loader says which file they part in."""

from __future__ import annotations

import numpy as np
import pytest
from release_writers import write_utd_mhad

from har_kd_ros.recordings.recording import Recording
from training.data.loaders import DatasetError
from training.data.loaders.utd_mhad import load_utd_mhad
from training.data.span_check import check_session_spans, check_trimmed_spans


def _paired(acc_t: np.ndarray, skeleton_t: np.ndarray) -> Recording:
    return Recording(
        "s1", "1", "walk", np.zeros((len(acc_t), 3)), acc_t,
        skeleton=np.zeros((len(skeleton_t), 20, 3)), skeleton_t=skeleton_t, topology="kinect_v1",
    )  # fmt: skip


def test_a_trimmed_trial_whose_streams_last_differently_is_one_line_naming_it():
    check_trimmed_spans(_paired(np.arange(150) / 50, np.arange(88) / 30), "a1_s1_t1")  # 2.98 vs 2.90 s
    with pytest.raises(DatasetError, match=r"^a1_s1_t1: the IMU spans 2\.98 s .*skeleton 9\.63 s .*; the release"):
        check_trimmed_spans(_paired(np.arange(150) / 50, np.arange(90) / 9.24), "a1_s1_t1", "the release: 30 Hz")


def test_a_session_skeleton_may_start_late_but_must_share_the_imus_clock():
    imu = 1000.0 + np.arange(3000) / 100  # 30 s on a robot's clock
    check_session_spans(_paired(imu, 1010.0 + np.arange(150) / 30), "bag")  # the camera came in late
    for skeleton_t in (np.arange(150) / 30, 1000.0 + np.arange(150) / 1.0):  # another clock; 150 s of frames
        with pytest.raises(DatasetError, match=r"^bag: the skeleton is stamped .* not on one clock"):
            check_session_spans(_paired(imu, skeleton_t), "bag")


def test_utd_mhad_refuses_a_trial_whose_inertial_outlasts_its_skeleton(tmp_path):
    write_utd_mhad(tmp_path, trials=(("a1", "s1", "t1"),), frames=60, inertial_samples=300)  # 6 s against 2 s
    with pytest.raises(DatasetError, match=r"a1_s1_t1_inertial\.mat: the IMU spans 5\.98 s .*inertial 50 Hz"):
        load_utd_mhad(tmp_path)
    assert len(load_utd_mhad(tmp_path, with_skeleton=False)) == 1


def test_a_users_recording_with_its_skeleton_upside_down_mirrored_or_on_another_clock_is_refused(tmp_path):
    from har_kd_ros.recordings.recording import save_npz
    from training.data.loaders.generic import load_generic
    from training.data.synthetic import generate_stream

    rec = generate_stream(("walking",), segment_s=4.0, seed=0)
    save_npz(rec, tmp_path / "ok.npz")
    assert len(load_generic(tmp_path)) == 1
    save_npz(rec.with_(skeleton=rec.skeleton * [1, -1, -1]), tmp_path / "flipped.npz")
    with pytest.raises(DatasetError, match=r"flipped\.npz: the head is above the pelvis in 0% of frames"):
        load_generic(tmp_path)
    save_npz(rec.with_(skeleton=rec.skeleton * [1, 1, -1]), tmp_path / "flipped.npz")  # a mirror image
    with pytest.raises(DatasetError, match=r"flipped\.npz: the right shoulder is on the body's right in 0%"):
        load_generic(tmp_path)
    (tmp_path / "flipped.npz").unlink()
    save_npz(rec.with_(skeleton_t=rec.skeleton_t + 100.0), tmp_path / "late.npz")
    with pytest.raises(DatasetError, match=r"late\.npz: the skeleton is stamped"):
        load_generic(tmp_path)
