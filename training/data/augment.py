"""On-the-fly IMU augmentation: the ways one motion reaches a watch differently.

A small real set shows each activity worn one way, by a few people, at their own tempo. Each
training batch is therefore redrawn from its raw windows (with their context, see
training/data/pairing.py) before GAF encoding:

* **time**: the window is shifted by up to ``offset_samples`` and stretched by a tempo factor
  in ``[1 / (1 + time_warp), 1 + time_warp]`` (log-uniform), read by linear interpolation
  from the recording's own samples around it (never padded);
* **sensor frame**: every sensor triplet (acc and gyro alike, as a rigid watch turns both) is
  rotated by a twist of up to ``twist_deg`` about ``twist_axis`` (the forearm: a watch sits at
  any angle round the wrist) and a tilt of up to ``tilt_deg`` about a random axis;
* **gain** per channel in ``[1 - gain, 1 + gain]`` (calibration), then white noise of
  ``noise_acc`` m/s^2 and ``noise_gyro`` rad/s.

Pure numpy on (B, C, L) arrays, seeded per batch, so a resumed run draws the same batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from har_kd_ros.imu.channels import SENSORS, sensor_of

AXES = ("x", "y", "z")


@dataclass(frozen=True)
class AugmentConfig:
    offset_samples: int = 0
    time_warp: float = 0.0
    twist_deg: float = 0.0
    twist_axis: str = "x"
    tilt_deg: float = 0.0
    gain: float = 0.0
    noise_acc: float = 0.0
    noise_gyro: float = 0.0

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> AugmentConfig:
        return cls(**{f.name: section[f.name] for f in fields(cls)})

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "twist_axis")

    def context_samples(self, window_samples: int) -> int:
        """Samples a window needs on each side for the largest shift and stretch."""
        stretch = math.ceil(window_samples * self.time_warp / 2) if self.time_warp else 0
        return int(self.offset_samples) + stretch + (1 if stretch else 0)


def crop(
    data: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    pos: np.ndarray,
    window: int,
    config: AugmentConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """(B, C, W) windows read from (B, C, L) context windows, shifted and stretched at random.

    The read span stays inside ``[lo, hi)``: where the recording has no room to shift or stretch,
    the window moves or stretches less.
    """
    b = data.shape[0]
    room = (hi - lo).astype(np.float64)
    tempo = np.ones(b)
    if config.time_warp > 0:
        tempo = np.exp(rng.uniform(-1.0, 1.0, b) * math.log1p(config.time_warp))
    span = np.minimum((window - 1) * tempo, room - 1)  # in samples, first to last read point
    shift = rng.integers(-config.offset_samples, config.offset_samples + 1, b) if config.offset_samples else 0
    centre = pos + (window - 1) / 2 + shift
    first = np.clip(centre - span / 2, lo, hi - 1 - span)
    points = first[:, None] + span[:, None] * np.linspace(0.0, 1.0, window)[None, :]
    left = np.clip(np.floor(points).astype(np.int64), 0, data.shape[2] - 2)
    frac = (points - left)[:, None, :].astype(np.float32)
    rows = np.arange(b)[:, None, None]
    chans = np.arange(data.shape[1])[None, :, None]
    a = data[rows, chans, left[:, None, :]]
    z = data[rows, chans, left[:, None, :] + 1]
    return a + (z - a) * frac


def _axis_rotation(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """(B, 3, 3) rotations by ``angle`` (B,) about unit ``axis`` (B, 3) (Rodrigues)."""
    x, y, z = axis[:, 0], axis[:, 1], axis[:, 2]
    zero = np.zeros_like(x)
    k = np.stack([np.stack([zero, -z, y], -1), np.stack([z, zero, -x], -1), np.stack([-y, x, zero], -1)], -2)
    s, c = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    return np.eye(3)[None] + s * k + (1 - c) * (k @ k)


def random_rotations(b: int, config: AugmentConfig, rng: np.random.Generator) -> np.ndarray:
    """(B, 3, 3) sensor-frame rotations: a twist about the forearm axis, then a small tilt."""
    r = np.broadcast_to(np.eye(3), (b, 3, 3)).copy()
    if config.twist_deg:
        axis = np.zeros((b, 3))
        axis[:, AXES.index(config.twist_axis)] = 1.0
        r = _axis_rotation(axis, np.deg2rad(rng.uniform(-config.twist_deg, config.twist_deg, b))) @ r
    if config.tilt_deg:
        axis = rng.normal(size=(b, 3))
        axis /= np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-12)
        r = _axis_rotation(axis, np.deg2rad(rng.uniform(-config.tilt_deg, config.tilt_deg, b))) @ r
    return r


def augment(
    windows: np.ndarray, channels: tuple[str, ...], config: AugmentConfig, rng: np.random.Generator
) -> np.ndarray:
    """Rotate, scale and add noise to (B, C, W) windows whose channels are ``channels``."""
    x = np.array(windows, dtype=np.float32, copy=True)
    b = x.shape[0]
    if config.twist_deg or config.tilt_deg:
        r = random_rotations(b, config, rng).astype(np.float32)
        for names in SENSORS.values():
            if all(n in channels for n in names):
                rows = [channels.index(n) for n in names]
                # a sensor frame turned by R reads R^T v of what it read before
                x[:, rows] = np.einsum("bji,bjw->biw", r, x[:, rows])
    if config.gain:
        x *= rng.uniform(1 - config.gain, 1 + config.gain, (b, x.shape[1], 1)).astype(np.float32)
    sigma = np.array(
        [config.noise_acc if sensor_of(c) == "acc" else config.noise_gyro for c in channels], dtype=np.float32
    )
    if sigma.any():
        x += rng.normal(size=x.shape).astype(np.float32) * sigma[None, :, None]
    return x
