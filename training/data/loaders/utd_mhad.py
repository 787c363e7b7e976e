"""UTD-MHAD (Chen, Jafari, Kehtarnavaz 2015): ``aN_sM_tK_inertial.mat`` + ``aN_sM_tK_skeleton.mat``.

``d_iner`` is T x 6 (acc xyz in g, gyro xyz in deg/s) at 50 Hz from a sensor on the right
wrist (thigh for actions 22-27 in the original protocol); ``d_skel`` is 20 x 3 x T Kinect v1
joints at 30 Hz. Units are converted to REP 145 (m/s^2, rad/s). Three trials of the public
release are known to be corrupt and are skipped with a warning; any other bad file is an error.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from har_kd_ros.recording import Recording
from har_kd_ros.skeleton import KINECT_V1_JOINTS
from training.data.loaders import DatasetError

GRAVITY = 9.80665
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
_NAME = re.compile(r"^a(\d+)_s(\d+)_t(\d+)_inertial\.mat$")


def _loadmat(path: Path, variable: str) -> np.ndarray:
    from scipy.io import loadmat

    try:
        data = loadmat(str(path), variable_names=[variable])
    except Exception as exc:  # scipy raises ValueError, TypeError, MatReadError... for damaged files
        raise DatasetError(f"{path}: not a readable MATLAB file ({type(exc).__name__}: {exc})") from None
    if variable not in data:
        raise DatasetError(f"{path}: variable '{variable}' missing")
    return np.asarray(data[variable], dtype=np.float64)


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
        iner = _loadmat(path, "d_iner")
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
            skel = _loadmat(skel_path, "d_skel")
            if skel.ndim != 3 or skel.shape[:2] != (len(KINECT_V1_JOINTS), 3) or skel.shape[2] < 2:
                raise DatasetError(f"{skel_path}: d_skel: expected 20 x 3 x T Kinect joints, got {skel.shape}")
            skeleton = np.transpose(skel, (2, 0, 1))
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
    return recordings
