"""The simulated body: per-person proportions and habits, and forward kinematics.

Frames: world z up; the subject faces +y at heading 0, x to the subject's right. Joint angles
are radians; a dict of angle series (one value per time) drives :func:`forward_kinematics`,
which returns the canonical skeleton (har_kd_ros.skeleton.topology) and each forearm's frame, to which
a watch is strapped (training/data/synthetic/sensors.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS

Angles = dict[str, np.ndarray]


@dataclass(frozen=True)
class Subject:
    """A simulated person: body size and habits that stay the same across their trials."""

    subject_id: str
    bones: dict[str, float]
    left_handed: bool
    tempo: float
    amplitude: float
    lean: float
    rest_elbow: float
    pronation: float


def make_subject(rng: np.random.Generator, index: int, left_handed_p: float = 0.15) -> Subject:
    scale = rng.uniform(0.88, 1.12)

    def bone(nominal: float) -> float:
        return float(nominal * scale * rng.uniform(0.95, 1.05))

    bones = {
        "spine": bone(0.18),
        "torso": bone(0.50),
        "head": bone(0.20),
        "shoulder": bone(0.19),
        "upper_arm": bone(0.30),
        "forearm": bone(0.27),
        "hip": bone(0.10),
        "thigh": bone(0.45),
        "shank": bone(0.43),
    }
    return Subject(
        subject_id=f"s{index + 1:02d}",
        bones=bones,
        left_handed=bool(rng.random() < left_handed_p),
        tempo=float(rng.uniform(0.85, 1.15)),
        amplitude=float(rng.uniform(0.8, 1.2)),
        lean=float(rng.normal(0.0, 0.06)),
        rest_elbow=float(rng.uniform(0.1, 0.35)),
        pronation=float(rng.normal(0.0, 0.2)),
    )


def rot_x(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def rot_y(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def rot_z(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def _apply(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("tij,tj->ti", r, np.broadcast_to(v, (r.shape[0], 3)))


# Sensor axes in forearm coordinates (columns): x towards the hand (forearm "down"),
# y across the wrist, z = x cross y out of the back of the wrist. A right-handed frame.
SENSOR_IN_FOREARM = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]])


def forward_kinematics(a: Angles, subj: Subject) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(T, 16, 3) canonical joints and each forearm's sensor frame (T, 3, 3), columns = axes."""
    b = subj.bones
    down = np.array([0.0, 0.0, -1.0])
    yaw = rot_z(a["heading"])
    trunk = yaw @ rot_x(-a["lean"])  # positive lean bends forward (+y)
    pelvis = np.einsum("tij,tj->ti", yaw, np.stack([a["px"], a["py"], a["pz"]], -1))
    up = np.array([0.0, 0.0, 1.0])
    joints = {"pelvis": pelvis}
    joints["spine"] = pelvis + _apply(trunk, up * b["spine"])
    joints["neck"] = pelvis + _apply(trunk, up * b["torso"])
    joints["head"] = joints["neck"] + _apply(trunk, up * b["head"])
    frames: dict[str, np.ndarray] = {}
    for side, sign in (("l", -1.0), ("r", 1.0)):
        shoulder = joints["neck"] + _apply(trunk, np.array([sign * b["shoulder"], 0.0, -0.03]))
        # abduction raises the arm sideways (away from the body), flexion raises it forward
        arm = trunk @ rot_x(a[f"flex_{side}"]) @ rot_y(-sign * a[f"abd_{side}"])
        elbow = shoulder + _apply(arm, down * b["upper_arm"])
        fore = arm @ rot_x(a[f"elbow_{side}"])  # elbow flexion folds the forearm forward/up
        wrist = elbow + _apply(fore, down * b["forearm"])
        joints[f"shoulder_{side}"], joints[f"elbow_{side}"], joints[f"wrist_{side}"] = shoulder, elbow, wrist
        # sensor frame fixed to the forearm, turned with it by pronation (about its long axis)
        frames[side] = fore @ rot_z(a[f"pron_{side}"] + sign * subj.pronation) @ SENSOR_IN_FOREARM
    for side, sign in (("l", -1.0), ("r", 1.0)):
        hip = pelvis + _apply(yaw, np.array([sign * b["hip"], 0.0, 0.0]))
        thigh = yaw @ rot_x(a[f"hip_{side}"])
        knee = hip + _apply(thigh, down * b["thigh"])
        shank = yaw @ rot_x(a[f"hip_{side}"] - a[f"knee_{side}"])
        joints[f"hip_{side}"], joints[f"knee_{side}"] = hip, knee
        joints[f"ankle_{side}"] = knee + _apply(shank, down * b["shank"])
    return np.stack([joints[j] for j in CANONICAL_JOINTS], axis=1), frames
