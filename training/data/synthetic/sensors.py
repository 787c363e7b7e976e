"""The watch: what a forearm-strapped IMU measures, and how real watches differ from an ideal one.

The accelerometer measures the specific force ``a - g`` of the wrist (second derivative of its
position, by central differences of the analytic motion) rotated into the sensor frame; the
gyroscope measures the sensor frame's angular rate. A :class:`Watch` says how that reaches the
data: which wrist, how the watch sits on it (turned about the forearm, worn on the inner wrist,
crown towards the hand or the elbow), the sample rate and its jitter, and the errors of a
consumer IMU (per-axis gain and bias, white noise, saturation). :func:`random_watch` draws them
(domain randomisation), :func:`nominal_watch` is one good watch on a fixed wrist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS
from training.data.synthetic.body import Angles, Subject, forward_kinematics, rot_x, rot_z

GRAVITY = 9.80665
_H = 1e-3  # central-difference step (s) on the analytic motion


@dataclass(frozen=True)
class Watch:
    side: str  # "l" or "r"
    mount: np.ndarray  # (3, 3) sensor axes in the nominal sensor frame (columns)
    rate_hz: float
    jitter_s: float
    acc_gain: np.ndarray  # (3,)
    acc_bias: np.ndarray  # (3,) m/s^2
    acc_noise: float  # m/s^2, white, per sample
    acc_range: float  # m/s^2: saturation
    gyro_bias: np.ndarray  # (3,) rad/s
    gyro_noise: float  # rad/s
    gyro_range: float  # rad/s


def nominal_watch(rng: np.random.Generator, side: str = "r") -> Watch:
    """A good 50 Hz watch strapped the usual way: small calibration errors, +-16 g, +-2000 deg/s."""
    return Watch(
        side=side,
        mount=np.eye(3),
        rate_hz=50.0,
        jitter_s=0.002,
        acc_gain=rng.uniform(0.98, 1.02, 3),
        acc_bias=rng.normal(0.0, 0.15, 3),
        acc_noise=0.08,
        acc_range=16 * GRAVITY,
        gyro_bias=rng.normal(0.0, 0.01, 3),
        gyro_noise=0.02,
        gyro_range=np.deg2rad(2000.0),
    )


def random_watch(rng: np.random.Generator, side: str) -> Watch:
    """Domain randomisation: a watch as users wear them and as watches differ.

    Turned up to 30 deg about the forearm (or worn on the inner wrist), the crown towards the hand
    or the elbow, sampled at 10-100 Hz with up to 5 ms jitter, gains within 5 %, biases of a few
    tenths of m/s^2, noise 0.02-0.25 m/s^2, and a +-4, 8 or 16 g range.
    """
    twist = rng.uniform(-np.pi / 6, np.pi / 6) + (np.pi if rng.random() < 0.15 else 0.0)
    crown = np.pi if rng.random() < 0.5 else 0.0  # a half turn about the watch face's normal
    mount = rot_x(np.array([twist]))[0] @ rot_z(np.array([crown]))[0]
    return Watch(
        side=side,
        mount=mount,
        rate_hz=float(rng.choice([10.0, 20.0, 25.0, 50.0, 50.0, 100.0])),
        jitter_s=float(rng.uniform(0.0, 0.005)),
        acc_gain=rng.uniform(0.95, 1.05, 3),
        acc_bias=rng.normal(0.0, 0.3, 3),
        acc_noise=float(rng.uniform(0.02, 0.25)),
        acc_range=float(rng.choice([4.0, 8.0, 16.0])) * GRAVITY,
        gyro_bias=rng.normal(0.0, 0.03, 3),
        gyro_noise=float(rng.uniform(0.005, 0.05)),
        gyro_range=float(np.deg2rad(rng.choice([500.0, 1000.0, 2000.0]))),
    )


def sample_times(duration_s: float, watch: Watch, rng: np.random.Generator) -> np.ndarray:
    """Sample stamps at the watch's rate with crystal jitter, strictly increasing, from 0."""
    n = max(2, int(duration_s * watch.rate_hz))
    t = np.arange(n) / watch.rate_hz + rng.normal(0.0, watch.jitter_s, n)
    t = np.maximum.accumulate(t) + np.arange(n) * 1e-7
    return t - t[0]


def ideal_imu(
    angles_at: Callable[[np.ndarray], Angles], t: np.ndarray, subj: Subject, watch: Watch
) -> tuple[np.ndarray, np.ndarray]:
    """Noise-free accelerometer (m/s^2) and gyroscope (rad/s) of the watch at times ``t``."""
    positions, frames = [], []
    for dt in (-_H, 0.0, _H):
        joints, f = forward_kinematics(angles_at(t + dt), subj)
        positions.append(joints[:, CANONICAL_JOINTS.index(f"wrist_{watch.side}")])
        frames.append(f[watch.side] @ watch.mount)
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


def measure(acc: np.ndarray, gyro: np.ndarray, watch: Watch, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """What the watch reports of an ideal signal: gain, bias, noise, then saturation."""
    acc = acc * watch.acc_gain + watch.acc_bias + rng.normal(0.0, watch.acc_noise, acc.shape)
    gyro = gyro + watch.gyro_bias + rng.normal(0.0, watch.gyro_noise, gyro.shape)
    return np.clip(acc, -watch.acc_range, watch.acc_range), np.clip(gyro, -watch.gyro_range, watch.gyro_range)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A rotation drawn uniformly (a unit quaternion from four normals)."""
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def still_watch(
    t: np.ndarray, rng: np.random.Generator, drift_deg_s: float = 0.0, orientation: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A watch nobody moves: gravity in its frame (any orientation), optionally turning slowly
    (a settling strap, a table that is not quite level) by up to ``drift_deg_s``; ideal signals."""
    r0 = random_rotation(rng) if orientation is None else orientation
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    rate = np.deg2rad(drift_deg_s) * rng.uniform(0.3, 1.0)
    angle = rate * t
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    turn = np.eye(3)[None] + np.sin(angle)[:, None, None] * k + (1 - np.cos(angle))[:, None, None] * (k @ k)
    frames = r0[None] @ turn  # sensor axes in the world, turning about a fixed sensor axis
    acc = np.einsum("tji,j->ti", frames, np.array([0.0, 0.0, GRAVITY]))
    gyro = np.broadcast_to(axis * rate, acc.shape).copy()
    return acc, gyro
