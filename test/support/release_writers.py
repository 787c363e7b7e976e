"""Stand-ins for datasets written as their releases lay them out, from the published formats and
not from the loaders' code: what a loader reads here is what the real files hold.

UTD-MHAD (Chen, Jafari, Kehtarnavaz 2015; the release's Sample_Code/Skeleton_joint_order.txt):
``Inertial/aN_sM_tK_inertial.mat`` holds ``d_iner``, T x 6 (acc x y z in g, gyro x y z in deg/s,
50 Hz); ``Skeleton/aN_sM_tK_skeleton.mat`` holds ``d_skel``, 20 x 3 x T Kinect v1 joints (30 Hz,
metres, camera frame: x to the subject's right when facing the camera, y up, z away from the
camera) numbered 1 head, 2 shoulder_center, 3 spine, 4 hip_center, 5-8 left shoulder, elbow,
wrist, hand, 9-12 the same on the right, 13-16 left hip, knee, ankle, foot, 17-20 the right.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.io import savemat

UTD_JOINT_ORDER = (
    "head", "shoulder_center", "spine", "hip_center",
    "left_shoulder", "left_elbow", "left_wrist", "left_hand",
    "right_shoulder", "right_elbow", "right_wrist", "right_hand",
    "left_hip", "left_knee", "left_ankle", "left_foot",
    "right_hip", "right_knee", "right_ankle", "right_foot",
)  # fmt: skip
# a person standing 2.5 m in front of the Kinect, facing it: their right is +x, their feet point to -z
_STANDING = {
    "head": (0.0, 0.65, 2.5), "shoulder_center": (0.0, 0.45, 2.5), "spine": (0.0, 0.15, 2.5),
    "hip_center": (0.0, 0.0, 2.5),
    "left_shoulder": (-0.2, 0.42, 2.5), "left_elbow": (-0.25, 0.15, 2.5), "left_wrist": (-0.27, -0.1, 2.48),
    "left_hand": (-0.28, -0.18, 2.47),
    "right_shoulder": (0.2, 0.42, 2.5), "right_elbow": (0.25, 0.15, 2.5), "right_wrist": (0.27, -0.1, 2.48),
    "right_hand": (0.28, -0.18, 2.47),
    "left_hip": (-0.1, -0.05, 2.5), "left_knee": (-0.1, -0.5, 2.48), "left_ankle": (-0.1, -0.95, 2.5),
    "left_foot": (-0.1, -1.0, 2.38),
    "right_hip": (0.1, -0.05, 2.5), "right_knee": (0.1, -0.5, 2.48), "right_ankle": (0.1, -0.95, 2.5),
    "right_foot": (0.1, -1.0, 2.38),
}  # fmt: skip


def utd_skeleton(frames: int, rng: np.random.Generator, order=UTD_JOINT_ORDER, scale: float = 1.0) -> np.ndarray:
    """``d_skel`` (20 x 3 x frames) of a person waving their right hand, joints in ``order``."""
    t = np.arange(frames) / 30.0
    body = np.array([_STANDING[j] for j in UTD_JOINT_ORDER])[None].repeat(frames, 0)
    wave = 0.25 * np.sin(2 * np.pi * 1.5 * t)
    for j, lift in (("right_elbow", 0.3), ("right_wrist", 0.65), ("right_hand", 0.75)):
        k = UTD_JOINT_ORDER.index(j)
        body[:, k, 1] += lift
        body[:, k, 0] += wave * lift
    body += rng.normal(0, 0.01, body.shape)
    index = [UTD_JOINT_ORDER.index(j) for j in order]
    return np.transpose(body[:, index] * scale, (1, 2, 0))


def write_utd_mhad(
    root: Path,
    trials=(("a1", "s1", "t1"), ("a23", "s2", "t1"), ("a8", "s1", "t4")),
    frames: int = 60,
    order=UTD_JOINT_ORDER,
    scale: float = 1.0,
) -> None:
    (root / "Inertial").mkdir(parents=True, exist_ok=True)
    (root / "Skeleton").mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    for a, s, t in trials:
        n = frames * 5 // 3  # 50 Hz inertial over the 30 Hz skeleton's span
        iner = np.hstack([rng.normal(0, 0.1, (n, 3)) + [0, 0, 1.0], rng.normal(0, 30, (n, 3))])
        savemat(root / "Inertial" / f"{a}_{s}_{t}_inertial.mat", {"d_iner": iner})
        savemat(root / "Skeleton" / f"{a}_{s}_{t}_skeleton.mat", {"d_skel": utd_skeleton(frames, rng, order, scale)})
