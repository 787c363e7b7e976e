"""Physically grounded synthetic paired recordings: one motion, seen by a camera and a watch.

An articulated body (per-subject bone lengths, tempo, amplitude, handedness, posture) performs
parametric activities. Joint angles are smooth functions of time, so the same motion is
evaluated twice:

* the skeleton: forward kinematics at 30 Hz, with tracking noise and dropouts (NaN frames);
* the wrist IMU: at 50 Hz with sample-time jitter, the accelerometer measures the specific
  force ``a - g`` of the wrist (second derivative of its position, by central differences of
  the analytic motion) rotated into a sensor frame fixed to the forearm, plus bias, scale
  error and noise; the gyroscope measures the forearm frame's angular rate.

Frames: world z up; the subject faces +y at heading 0, x to the subject's right. Output
skeletons use the ``canonical`` topology (har_kd_ros.skeleton). Everything is deterministic
given the seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from har_kd_ros.recording import Recording, Segment
from har_kd_ros.skeleton import CANONICAL_JOINTS

ACTIVITIES: tuple[str, ...] = (
    "walking",
    "running",
    "waving",
    "clapping",
    "drinking",
    "sit_down",
    "stand_up",
    "jumping",
    "punching",
    "throwing",
)

GRAVITY = 9.80665
IMU_RATE_HZ = 50.0
SKELETON_RATE_HZ = 30.0
ACC_RANGE = 16 * GRAVITY  # a +-16 g wrist accelerometer saturates here
_H = 1e-3  # central-difference step (s) on the analytic motion


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


# ---------------------------------------------------------------- motion primitives


def _smoothstep(x: np.ndarray) -> np.ndarray:
    """C2-continuous 0 -> 1 ramp on [0, 1] (so accelerations stay finite)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


def _pulse(phase: np.ndarray, width: float) -> np.ndarray:
    """A C2 periodic bump: 1 at phase 0 (mod 2 pi), 0 beyond +-width (radians).

    Squared raised cosine, so the second derivative (what an accelerometer sees) is continuous.
    """
    d = np.angle(np.exp(1j * phase))
    return (0.5 * (1.0 + np.cos(np.pi * np.clip(d / width, -1.0, 1.0)))) ** 2


@dataclass(frozen=True)
class Trial:
    """Per-trial variation: tempo and amplitude jitter, phase, heading, slow drift."""

    tempo: float
    amplitude: float
    phase: float
    heading: float
    drift: tuple[float, float, float, float]
    duration_s: float
    onset_s: float


Angles = dict[str, np.ndarray]


def _base(t: np.ndarray, subj: Subject, trial: Trial) -> Angles:
    """Standing still, with a slow postural sway (nobody stands perfectly still)."""
    a1, a2, f1, f2 = trial.drift
    sway = a1 * np.sin(2 * np.pi * f1 * t + trial.phase) + a2 * np.sin(2 * np.pi * f2 * t)
    z = np.zeros_like(t)
    legs = subj.bones["thigh"] + subj.bones["shank"] + 0.05
    return {
        "px": 0.01 * np.sin(2 * np.pi * f2 * t),
        "py": z.copy(),
        "pz": legs + z,
        "lean": subj.lean + sway,
        "heading": trial.heading + z,
        "dom_flex": 0.05 + 0.5 * sway,
        "dom_abd": 0.08 + z,
        "dom_elbow": subj.rest_elbow + sway,
        "dom_pron": z.copy(),
        "non_flex": 0.05 - 0.5 * sway,
        "non_abd": 0.08 + z,
        "non_elbow": subj.rest_elbow - sway,
        "non_pron": z.copy(),
        "hip_l": z.copy(),
        "hip_r": z.copy(),
        "knee_l": z.copy(),
        "knee_r": z.copy(),
    }


def _gait(
    t: np.ndarray, a: Angles, subj: Subject, trial: Trial, freq: float, amp: float, speed: float, run: bool
) -> Angles:
    f = freq * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = amp * subj.amplitude * trial.amplitude
    a["hip_l"], a["hip_r"] = k * 0.45 * np.sin(ph), -k * 0.45 * np.sin(ph)
    a["knee_l"] = k * (1.2 if run else 0.6) * _pulse(ph - 0.6, 1.6)
    a["knee_r"] = k * (1.2 if run else 0.6) * _pulse(ph - 0.6 - np.pi, 1.6)
    a["py"] = speed * subj.tempo * trial.tempo * t
    a["pz"] = a["pz"] + (0.06 if run else 0.025) * k * np.cos(2 * ph) - (0.08 if run else 0.0)
    a["lean"] = a["lean"] + (0.18 if run else 0.03)
    swing = k * (0.7 if run else 0.35) * np.sin(ph)
    elbow = 1.5 if run else 0.25
    # Arms swing against the legs: the right arm goes forward with the left leg.
    dom_sign = 1.0 if not subj.left_handed else -1.0
    a["dom_flex"], a["non_flex"] = dom_sign * swing, -dom_sign * swing
    a["dom_elbow"] = a["dom_elbow"] + elbow + 0.15 * k * np.sin(ph)
    a["non_elbow"] = a["non_elbow"] + elbow - 0.15 * k * np.sin(ph)
    return a


def _walking(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _gait(t, a, subj, trial, freq=0.9, amp=1.0, speed=1.3, run=False)


def _running(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _gait(t, a, subj, trial, freq=1.4, amp=1.5, speed=3.2, run=True)


def _waving(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.8 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    a["dom_abd"] = 1.9 + 0.35 * k * np.sin(ph)
    a["dom_flex"] = 0.4 + 0.1 * np.sin(ph)
    a["dom_elbow"] = 1.2 + 0.25 * k * np.sin(ph + 0.5)
    a["dom_pron"] = 0.3 * np.sin(ph)
    return a


def _clapping(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 2.2 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    opening = 0.5 * (1 + np.sin(ph))
    for side in ("dom", "non"):
        a[f"{side}_flex"] = 1.0 + 0.1 * np.sin(ph)
        a[f"{side}_abd"] = -0.15 + 0.55 * k * opening
        a[f"{side}_elbow"] = 0.9 + 0.2 * k * opening
    return a


def _drinking(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 0.3 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    raise_ = _pulse(ph, 2.2)  # hold the cup at the mouth, then lower it
    k = subj.amplitude * trial.amplitude
    a["dom_elbow"] = a["dom_elbow"] + 1.9 * raise_
    a["dom_flex"] = 0.25 + 0.55 * k * raise_
    a["dom_abd"] = 0.15 + 0.1 * raise_
    a["dom_pron"] = -0.6 * raise_
    a["lean"] = a["lean"] - 0.08 * raise_
    return a


def _posture_change(t: np.ndarray, a: Angles, subj: Subject, trial: Trial, sitting_from: bool) -> Angles:
    dur = 1.6 / (subj.tempo * trial.tempo)
    s = _smoothstep((t - trial.onset_s) / dur)
    s = 1.0 - s if sitting_from else s  # s = how seated
    bump = np.sin(np.pi * np.clip((t - trial.onset_s) / dur, 0, 1))  # lean forward mid-transition
    a["hip_l"] = a["hip_r"] = 1.5 * s
    a["knee_l"] = a["knee_r"] = 1.55 * s
    drop = (subj.bones["thigh"] + subj.bones["shank"] + 0.05) - (subj.bones["shank"] + 0.05)
    a["pz"] = a["pz"] - drop * s
    a["py"] = -0.25 * s
    a["lean"] = a["lean"] + 0.5 * bump * subj.amplitude
    a["dom_flex"] = a["dom_flex"] + 0.35 * bump + 0.35 * s
    a["non_flex"] = a["non_flex"] + 0.35 * bump + 0.35 * s
    a["dom_elbow"] = a["dom_elbow"] + 0.8 * s
    a["non_elbow"] = a["non_elbow"] + 0.8 * s
    return a


def _sit_down(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _posture_change(t, a, subj, trial, sitting_from=False)


def _stand_up(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    return _posture_change(t, a, subj, trial, sitting_from=True)


def _jumping(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.6 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    air = (0.5 * (1.0 + np.sin(ph))) ** 2  # smooth flight arc: landing impacts stay finite
    crouch = _pulse(ph + np.pi / 2, 1.2)
    a["pz"] = a["pz"] + 0.18 * k * air - 0.12 * crouch
    a["hip_l"] = a["hip_r"] = 0.7 * crouch
    a["knee_l"] = a["knee_r"] = 1.1 * crouch
    a["lean"] = a["lean"] + 0.25 * crouch
    for side in ("dom", "non"):
        a[f"{side}_flex"] = -0.4 * crouch + 1.4 * k * air
        a[f"{side}_elbow"] = a[f"{side}_elbow"] + 0.2
    return a


def _punching(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 1.1 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    strike = _pulse(ph, 0.9)  # a fast extension and retraction
    for side in ("dom", "non"):
        a[f"{side}_flex"] = 1.0 + 0.1 * np.sin(ph)
        a[f"{side}_elbow"] = 2.1 + 0.0 * t
        a[f"{side}_abd"] = 0.25 + 0.0 * t
    a["dom_flex"] = 1.0 + 0.5 * k * strike
    a["dom_elbow"] = 2.1 - 1.95 * strike
    a["dom_pron"] = 1.2 * strike
    a["lean"] = a["lean"] + 0.12 * strike
    return a


def _throwing(t: np.ndarray, a: Angles, subj: Subject, trial: Trial) -> Angles:
    f = 0.5 * subj.tempo * trial.tempo
    ph = 2 * np.pi * f * t + trial.phase
    k = subj.amplitude * trial.amplitude
    windup = _pulse(ph + 0.9, 0.9)
    release = _pulse(ph, 0.45)
    a["dom_abd"] = 0.3 + 1.3 * windup + 0.4 * release
    a["dom_flex"] = 0.1 - 0.6 * windup + 1.9 * k * release
    a["dom_elbow"] = a["dom_elbow"] + 1.6 * windup + 0.1 * release
    a["lean"] = a["lean"] - 0.15 * windup + 0.3 * release
    a["non_flex"] = 0.3 + 0.8 * windup
    return a


MOTIONS: dict[str, Callable[[np.ndarray, Angles, Subject, Trial], Angles]] = {
    "walking": _walking,
    "running": _running,
    "waving": _waving,
    "clapping": _clapping,
    "drinking": _drinking,
    "sit_down": _sit_down,
    "stand_up": _stand_up,
    "jumping": _jumping,
    "punching": _punching,
    "throwing": _throwing,
}


def joint_angles(activity: str, t: np.ndarray, subj: Subject, trial: Trial) -> Angles:
    """Every angle and the pelvis trajectory at times ``t`` (arms mapped to left/right)."""
    if activity not in MOTIONS:
        raise ValueError(f"activity: expected one of {ACTIVITIES}, got {activity!r}")
    a = MOTIONS[activity](t, _base(t, subj, trial), subj, trial)
    dom, non = ("l", "r") if subj.left_handed else ("r", "l")
    for part in ("flex", "abd", "elbow", "pron"):
        a[f"{part}_{dom}"] = a.pop(f"dom_{part}")
        a[f"{part}_{non}"] = a.pop(f"non_{part}")
    return a


# ---------------------------------------------------------------- kinematics


def _rot_x(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def _rot_y(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def _rot_z(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def _apply(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("tij,tj->ti", r, np.broadcast_to(v, (r.shape[0], 3)))


def forward_kinematics(a: Angles, subj: Subject) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(T, 16, 3) canonical joints and each forearm's sensor frame (T, 3, 3), columns = axes."""
    b = subj.bones
    down = np.array([0.0, 0.0, -1.0])
    yaw = _rot_z(a["heading"])
    trunk = yaw @ _rot_x(-a["lean"])  # positive lean bends forward (+y)
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
        arm = trunk @ _rot_x(a[f"flex_{side}"]) @ _rot_y(-sign * a[f"abd_{side}"])
        elbow = shoulder + _apply(arm, down * b["upper_arm"])
        fore = arm @ _rot_x(a[f"elbow_{side}"])  # elbow flexion folds the forearm forward/up
        wrist = elbow + _apply(fore, down * b["forearm"])
        joints[f"shoulder_{side}"], joints[f"elbow_{side}"], joints[f"wrist_{side}"] = shoulder, elbow, wrist
        # sensor frame fixed to the forearm, turned with it by pronation (about its long axis)
        frames[side] = fore @ _rot_z(a[f"pron_{side}"] + sign * subj.pronation) @ _SENSOR_IN_FOREARM
    for side, sign in (("l", -1.0), ("r", 1.0)):
        hip = pelvis + _apply(yaw, np.array([sign * b["hip"], 0.0, 0.0]))
        thigh = yaw @ _rot_x(a[f"hip_{side}"])
        knee = hip + _apply(thigh, down * b["thigh"])
        shank = yaw @ _rot_x(a[f"hip_{side}"] - a[f"knee_{side}"])
        joints[f"hip_{side}"], joints[f"knee_{side}"] = hip, knee
        joints[f"ankle_{side}"] = knee + _apply(shank, down * b["shank"])
    return np.stack([joints[j] for j in CANONICAL_JOINTS], axis=1), frames


# Sensor axes in forearm coordinates (columns): x towards the hand (forearm "down"),
# y across the wrist, z = x cross y out of the back of the wrist. A right-handed frame.
_SENSOR_IN_FOREARM = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]])


# ---------------------------------------------------------------- sensors and recordings


def _specific_force(
    activity: str, t: np.ndarray, subj: Subject, trial: Trial, side: str
) -> tuple[np.ndarray, np.ndarray]:
    """Accelerometer (m/s^2) and gyroscope (rad/s) of a forearm-mounted IMU at times ``t``."""
    positions, frames = [], []
    for dt in (-_H, 0.0, _H):
        joints, f = forward_kinematics(joint_angles(activity, t + dt, subj, trial), subj)
        positions.append(joints[:, CANONICAL_JOINTS.index(f"wrist_{side}")])
        frames.append(f[side])
    acc_world = (positions[0] - 2 * positions[1] + positions[2]) / _H**2
    specific = acc_world + np.array([0.0, 0.0, GRAVITY])  # an accelerometer at rest reads +g up
    r = frames[1]
    acc = np.einsum("tji,tj->ti", r, specific)  # world -> sensor: R^T f
    dr = (frames[2] - frames[0]) / (2 * _H)
    omega = np.einsum("tji,tjk->tik", r, dr)  # R^T dR/dt is skew(omega) in the sensor frame
    gyro = 0.5 * np.stack(
        [omega[:, 2, 1] - omega[:, 1, 2], omega[:, 0, 2] - omega[:, 2, 0], omega[:, 1, 0] - omega[:, 0, 1]], -1
    )
    return acc, gyro


def make_trial(activity: str, rng: np.random.Generator, duration_s: float | None = None) -> Trial:
    transition = activity in ("sit_down", "stand_up")
    duration = duration_s if duration_s is not None else float(rng.uniform(5.0, 7.0))
    return Trial(
        tempo=float(rng.uniform(0.92, 1.08)),
        amplitude=float(rng.uniform(0.9, 1.1)),
        phase=float(rng.uniform(0, 2 * np.pi)),
        heading=float(rng.uniform(-np.pi, np.pi)),
        drift=(
            float(rng.uniform(0.01, 0.04)),
            float(rng.uniform(0.01, 0.03)),
            float(rng.uniform(0.1, 0.3)),
            float(rng.uniform(0.3, 0.6)),
        ),
        duration_s=duration,
        onset_s=float(rng.uniform(0.25, 0.4) * duration) if transition else 0.0,
    )


def generate_recording(
    activity: str,
    subject: Subject,
    trial_index: int,
    rng: np.random.Generator,
    sensor_side: str = "r",
    duration_s: float | None = None,
) -> Recording:
    """One trial: a 50 Hz wrist IMU and a 30 Hz skeleton of the same motion."""
    trial = make_trial(activity, rng, duration_s)
    # IMU sample times: nominal 50 Hz with crystal jitter (kept strictly increasing).
    n_imu = int(trial.duration_s * IMU_RATE_HZ)
    t_imu = np.arange(n_imu) / IMU_RATE_HZ + rng.normal(0.0, 0.002, n_imu)
    t_imu = np.maximum.accumulate(t_imu) + np.arange(n_imu) * 1e-7
    t_imu -= t_imu[0]
    acc, gyro = _specific_force(activity, t_imu, subject, trial, sensor_side)
    acc = acc * rng.uniform(0.98, 1.02, 3) + rng.normal(0.0, 0.15, 3) + rng.normal(0.0, 0.08, acc.shape)
    acc = np.clip(acc, -ACC_RANGE, ACC_RANGE)
    gyro = gyro + rng.normal(0.0, 0.01, 3) + rng.normal(0.0, 0.02, gyro.shape)
    # Skeleton frames at 30 Hz: tracking noise and dropped frames (NaN, as a tracker reports them).
    t_skel = np.arange(int(trial.duration_s * SKELETON_RATE_HZ)) / SKELETON_RATE_HZ
    joints, _ = forward_kinematics(joint_angles(activity, t_skel, subject, trial), subject)
    joints = joints + rng.normal(0.0, 0.012, joints.shape)
    dropped = rng.random(t_skel.size) < 0.02
    joints[dropped] = np.nan
    return Recording(
        subject=subject.subject_id,
        trial=str(trial_index + 1),
        label=activity,
        acc=acc,
        acc_t=t_imu,
        gravity="included",
        location="right_wrist" if sensor_side == "r" else "left_wrist",
        gyro=gyro,
        skeleton=joints,
        skeleton_t=t_skel,
        topology="canonical",
        source="synthetic",
    )


def generate_dataset(
    n_subjects: int = 8,
    trials: int = 4,
    activities: tuple[str, ...] = ACTIVITIES,
    seed: int = 0,
    sensor_side: str = "r",
) -> list[Recording]:
    """``n_subjects x len(activities) x trials`` paired recordings, deterministic in ``seed``."""
    for name, value in (("n_subjects", n_subjects), ("trials", trials), ("activities", len(activities))):
        if value < 1:
            raise ValueError(f"{name}: expected at least 1, got {value}")
    if seed < 0:
        raise ValueError(f"seed: expected >= 0, got {seed}")
    if sensor_side not in ("l", "r"):
        raise ValueError(f"sensor_side: expected 'l' or 'r', got {sensor_side!r}")
    unknown = [a for a in activities if a not in MOTIONS]
    if unknown:
        raise ValueError(f"activities: unknown {unknown}, expected a subset of {ACTIVITIES}")
    root = np.random.default_rng(seed)
    subjects = [make_subject(root, i) for i in range(n_subjects)]
    recordings = []
    for s_index, subject in enumerate(subjects):
        for a_index, activity in enumerate(activities):
            for k in range(trials):
                # one child stream per recording: adding subjects never changes earlier ones
                rng = np.random.default_rng([seed, s_index, a_index, k])
                recordings.append(generate_recording(activity, subject, k, rng, sensor_side))
    return recordings


def generate_stream(
    activities: tuple[str, ...],
    segment_s: float = 10.0,
    seed: int = 0,
    subject_index: int = 99,
    skeleton_topology: str = "mediapipe_pose",
) -> Recording:
    """A continuous recording of one subject doing ``activities`` in turn, with labelled segments.

    This is what ships as the replay demo: a held-out subject the bundled student never saw.
    The skeleton is in ``skeleton_topology``: ``mediapipe_pose`` (world landmarks, as
    skeleton_node publishes them, so the replayed camera path looks like the real one) or
    ``canonical``.
    """
    if skeleton_topology not in ("mediapipe_pose", "canonical"):
        raise ValueError(f"skeleton_topology: expected 'mediapipe_pose' or 'canonical', got {skeleton_topology!r}")
    if not activities:
        raise ValueError("activities: expected at least one")
    if not (math.isfinite(segment_s) and segment_s > 0):
        raise ValueError(f"segment_s: expected a positive number of seconds, got {segment_s}")
    root = np.random.default_rng([seed, subject_index])
    subject = make_subject(root, subject_index, left_handed_p=0.0)
    acc, acc_t, gyro, segments, skeleton, skeleton_t = [], [], [], [], [], []
    offset = 0.0
    for i, activity in enumerate(activities):
        # a posture change is over in ~2 s; a long static tail would just be "sitting"
        duration = min(segment_s, 6.0) if activity in ("sit_down", "stand_up") else segment_s
        rec = generate_recording(
            activity, subject, i, np.random.default_rng([seed, subject_index, i]), duration_s=duration
        )
        acc.append(rec.acc)
        gyro.append(rec.gyro)
        acc_t.append(rec.acc_t + offset)
        skeleton.append(rec.skeleton if skeleton_topology == "canonical" else canonical_to_mediapipe(rec.skeleton))
        skeleton_t.append(rec.skeleton_t + offset)
        segments.append(Segment(offset, offset + duration, activity))
        offset += duration
    return Recording(
        subject=subject.subject_id,
        trial="stream",
        label=None,
        acc=np.concatenate(acc),
        acc_t=np.concatenate(acc_t),
        gyro=np.concatenate(gyro),
        gravity="included",
        location="right_wrist",
        skeleton=np.concatenate(skeleton),
        skeleton_t=np.concatenate(skeleton_t),
        topology=skeleton_topology,
        source="synthetic",
        segments=tuple(segments),
    )


def canonical_to_mediapipe(frames: np.ndarray) -> np.ndarray:
    """(T, 16, 3) canonical (z up) -> (T, 33, 3) MediaPipe world landmarks (y down, origin mid-hips).

    Landmarks MediaPipe has and the canonical set lacks (face, hands, feet) are placed rigidly
    near their joint, so ``to_canonical(canonical_to_mediapipe(c), "mediapipe_pose")`` returns
    ``c`` for every joint but the interpolated spine. Used to write camera-like bags from
    synthetic motion.
    """
    from har_kd_ros.skeleton import MEDIAPIPE_POSE, MEDIAPIPE_POSE_JOINTS

    c = {name: frames[:, i] for i, name in enumerate(CANONICAL_JOINTS)}
    lateral = c["shoulder_l"] - c["shoulder_r"]
    lateral = lateral / np.maximum(np.linalg.norm(lateral, axis=-1, keepdims=True), 1e-9)
    up = np.array([0.0, 0.0, 1.0])
    forward = np.cross(lateral, up)  # the way the subject faces
    head = c["head"]
    out = {
        "left_ear": head + 0.07 * lateral, "right_ear": head - 0.07 * lateral, "nose": head + 0.09 * forward,
        "mouth_left": head + 0.08 * forward - 0.05 * up + 0.02 * lateral, "mouth_right": head + 0.08 * forward - 0.05 * up - 0.02 * lateral,
    }  # fmt: skip
    for side, sign in (("left", 1.0), ("right", -1.0)):
        s = side[0]
        for k, name in enumerate(("eye_inner", "eye", "eye_outer")):
            out[f"{side}_{name}"] = head + 0.08 * forward + 0.03 * up + sign * (0.015 + 0.015 * k) * lateral
        forearm = c[f"wrist_{s}"] - c[f"elbow_{s}"]
        for name, scale in (("pinky", 0.3), ("index", 0.35), ("thumb", 0.2)):
            out[f"{side}_{name}"] = c[f"wrist_{s}"] + scale * forearm
        for joint in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            out[f"{side}_{joint}"] = c[f"{joint}_{s}"]
        out[f"{side}_heel"] = c[f"ankle_{s}"] - 0.05 * forward - 0.05 * up
        out[f"{side}_foot_index"] = c[f"ankle_{s}"] + 0.15 * forward - 0.07 * up
    mp = np.stack([out[name] for name in MEDIAPIPE_POSE_JOINTS], axis=1)
    assert mp.shape[1] == len(MEDIAPIPE_POSE.joints)
    mp = mp - 0.5 * (c["hip_l"] + c["hip_r"])[:, None, :]  # MediaPipe world: origin between the hips
    return np.stack([mp[..., 0], -mp[..., 2], mp[..., 1]], axis=-1)  # z up -> y down
