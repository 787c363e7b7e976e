"""UTD-MHAD (Chen, Jafari, Kehtarnavaz 2015): ``aN_sM_tK_inertial.mat`` + ``aN_sM_tK_skeleton.mat``.

``d_iner`` is T x 6 (acc xyz in g, gyro xyz in deg/s) at 50 Hz from a sensor on the right
wrist (right thigh for actions 22-27); ``d_skel`` is 20 x 3 x T Kinect v1 joints at 30 Hz, in
metres, y up, in the order the dataset's ``Sample_Code/Skeleton_joint_order.txt`` numbers them
(head first, left side before right: UTD_MHAD_JOINTS; docs/data.md cites the sources), which is
not the Kinect SDK's order: the loader reorders them to har_kd_ros's ``kinect_v1`` topology. Units are converted to REP 145 (m/s^2, rad/s). Three trials of the public
release are known to be corrupt and are skipped with a warning; any other bad file is an error.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from har_kd_ros.recordings.recording import Recording
from har_kd_ros.skeleton.topology import KINECT_V1_JOINTS
from training.data.loaders import DatasetError
from training.data.matfile import read_matrix
from training.data.skeleton_check import check_skeleton
from training.data.span_check import check_trimmed_spans
from training.data.units import GRAVITY

IMU_RATE_HZ = 50.0
SKELETON_RATE_HZ = 30.0
KNOWN_CORRUPT = frozenset({"a8_s1_t4", "a23_s6_t4", "a27_s8_t4"})
ACTIONS: tuple[str, ...] = (
    "swipe_left",
    "swipe_right",
    "wave",
    "clap",
    "throw",
    "arm_cross",
    "basketball_shoot",
    "draw_x",
    "draw_circle_cw",
    "draw_circle_ccw",
    "draw_triangle",
    "bowling",
    "boxing",
    "baseball_swing",
    "tennis_swing",
    "arm_curl",
    "tennis_serve",
    "push",
    "knock",
    "catch",
    "pickup_throw",
    "jog",
    "walk",
    "sit_to_stand",
    "stand_to_sit",
    "lunge",
    "squat",
)
# d_skel's joint order, in har_kd_ros.skeleton.topology.KINECT_V1_JOINTS names
UTD_MHAD_JOINTS: tuple[str, ...] = (
    "head", "shoulder_center", "spine", "hip_center",
    "shoulder_l", "elbow_l", "wrist_l", "hand_l",
    "shoulder_r", "elbow_r", "wrist_r", "hand_r",
    "hip_l", "knee_l", "ankle_l", "foot_l",
    "hip_r", "knee_r", "ankle_r", "foot_r",
)  # fmt: skip
TO_KINECT_V1 = [UTD_MHAD_JOINTS.index(j) for j in KINECT_V1_JOINTS]
_NAME = re.compile(r"^a(\d+)_s(\d+)_t(\d+)_inertial\.mat$")


def load_utd_mhad(root: str | Path, with_skeleton: bool = True) -> list[Recording]:
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: UTD-MHAD folder not found")
    inertial = sorted(p for p in root.rglob("*_inertial.mat") if _NAME.match(p.name))
    if not inertial:
        raise DatasetError(f"{root}: no aN_sM_tK_inertial.mat files (expected the UTD-MHAD Inertial folder)")
    recordings = []
    for path in inertial:
        a, s, k = (int(g) for g in _NAME.match(path.name).groups())
        stem = f"a{a}_s{s}_t{k}"
        if stem in KNOWN_CORRUPT:
            warnings.warn(f"{path}: skipping {stem}, a known-corrupt trial of UTD-MHAD", stacklevel=2)
            continue
        if not 1 <= a <= len(ACTIONS):
            raise DatasetError(f"{path}: action a{a} outside a1..a{len(ACTIONS)}")
        iner = read_matrix(path, "d_iner")
        if iner.ndim != 2 or iner.shape[1] != 6 or iner.shape[0] < 2:
            raise DatasetError(f"{path}: d_iner: expected T x 6 (acc g, gyro deg/s), got {iner.shape}")
        if not np.isfinite(iner).all():
            raise DatasetError(f"{path}: d_iner: contains NaN/Inf")
        skeleton = skeleton_t = None
        if with_skeleton:
            skel_path = path.parent.parent / "Skeleton" / f"{stem}_skeleton.mat"
            if not skel_path.is_file():
                skel_path = next(iter(root.rglob(f"{stem}_skeleton.mat")), skel_path)
            if not skel_path.is_file():
                raise DatasetError(f"{skel_path}: skeleton file missing for {path.name}")
            skel = read_matrix(skel_path, "d_skel")
            if skel.ndim != 3 or skel.shape[:2] != (len(KINECT_V1_JOINTS), 3) or skel.shape[2] < 2:
                raise DatasetError(f"{skel_path}: d_skel: expected 20 x 3 x T Kinect joints, got {skel.shape}")
            skeleton = np.transpose(skel, (2, 0, 1))[:, TO_KINECT_V1]
            check_skeleton(skeleton, "kinect_v1", str(skel_path))
            skeleton_t = np.arange(skeleton.shape[0]) / SKELETON_RATE_HZ
        recordings.append(
            Recording(
                subject=f"s{s}",
                trial=str(k),
                label=ACTIONS[a - 1],
                acc=iner[:, :3] * GRAVITY,
                acc_t=np.arange(iner.shape[0]) / IMU_RATE_HZ,
                gyro=np.deg2rad(iner[:, 3:]),
                gravity="included",
                location="right_thigh" if a >= 22 else "right_wrist",
                skeleton=skeleton,
                skeleton_t=skeleton_t,
                topology="kinect_v1" if with_skeleton else None,
                source="utd_mhad",
            ).validate(str(path))
        )
        check_trimmed_spans(recordings[-1], str(path), f"the release: inertial {IMU_RATE_HZ:g} Hz, skeleton "
                            f"{SKELETON_RATE_HZ:g} Hz")  # fmt: skip
    return recordings
