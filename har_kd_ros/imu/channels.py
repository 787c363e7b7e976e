"""IMU channels a student can read, their units, and how a recording supplies them.

A card names its channels (``acc_x, acc_y, acc_z`` and, for a 6-axis student, ``gyro_x,
gyro_y, gyro_z``); training cuts its windows over the same channels in the same order, and
``imu_har`` reads the same fields of ``sensor_msgs/Imu``. Units follow REP 145: the
accelerometer in m/s^2, the gyroscope in rad/s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

SENSORS: dict[str, tuple[str, ...]] = {
    "acc": ("acc_x", "acc_y", "acc_z"),
    "gyro": ("gyro_x", "gyro_y", "gyro_z"),
}
UNITS = {"acc": "m/s^2", "gyro": "rad/s"}
CHANNELS: tuple[str, ...] = SENSORS["acc"] + SENSORS["gyro"]
ACC_CHANNELS = SENSORS["acc"]


def sensor_of(channel: str) -> str:
    """``acc`` or ``gyro`` for a channel name; ValueError for a name no Imu field carries."""
    for sensor, names in SENSORS.items():
        if channel in names:
            return sensor
    raise ValueError(f"channels: {channel!r} is not an IMU channel (expected one of {list(CHANNELS)})")


def channels_of(sensors: Iterable[str]) -> tuple[str, ...]:
    """The channels of ``sensors`` in order: ``["acc", "gyro"]`` -> acc_x .. gyro_z."""
    out: list[str] = []
    for sensor in sensors:
        if sensor not in SENSORS:
            raise ValueError(f"sensors: expected names from {sorted(SENSORS)}, got {sensor!r}")
        out.extend(SENSORS[sensor])
    if not out or len(set(out)) != len(out):
        raise ValueError(f"sensors: expected distinct names from {sorted(SENSORS)}, got {list(sensors)}")
    return tuple(out)


def uses_gyro(channels: Sequence[str]) -> bool:
    return any(sensor_of(c) == "gyro" for c in channels)


def recording_values(acc: np.ndarray, gyro: np.ndarray | None, channels: Sequence[str], name: str) -> np.ndarray:
    """(T, C) samples of ``channels`` from a recording's (T, 3) acc and optional (T, 3) gyro."""
    columns = []
    for c in channels:
        sensor = sensor_of(c)
        source = acc if sensor == "acc" else gyro
        if source is None:
            raise ValueError(f"{name}: has no gyroscope, but the channels {list(channels)} include {c!r}")
        columns.append(source[:, SENSORS[sensor].index(c)])
    return np.stack(columns, axis=1)
