"""rosbag2 recordings (sqlite3 or mcap) read with the pure-Python ``rosbags`` library.

No ROS install is needed: the message definitions stored in the bag are used, so bags
recorded on Humble, Jazzy or Kilted all read the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from har_kd_ros.errors import first_line
from har_kd_ros.recording import Recording, RecordingError

IMU_TYPE = "sensor_msgs/msg/Imu"


def stamp_seconds(stamp: object) -> float:
    """builtin_interfaces/Time (rclpy or rosbags flavour) -> seconds."""
    return stamp.sec + stamp.nanosec * 1e-9  # type: ignore[attr-defined]


def is_bag(path: str | Path) -> bool:
    """A rosbag2 folder (metadata.yaml) or a single .mcap / .db3 file."""
    p = Path(path)
    return (p.is_dir() and (p / "metadata.yaml").is_file()) or p.suffix in (".mcap", ".db3")


def read_imu(path: str | Path, topic: str | None = None) -> Recording:
    """The Imu stream of a bag as a Recording (header stamps; receive time if a stamp is zero)."""
    from rosbags.highlevel import AnyReader

    path = Path(path)
    if not path.exists():
        raise RecordingError(f"{path}: bag not found")
    try:
        with AnyReader([path]) as reader:
            imu = [c for c in reader.connections if c.msgtype == IMU_TYPE and (topic is None or c.topic == topic)]
            if not imu:
                found = sorted({f"{c.topic} ({c.msgtype})" for c in reader.connections})
                raise RecordingError(f"{path}: no {IMU_TYPE} topic{f' {topic!r}' if topic else ''} (found: {found})")
            topics = sorted({c.topic for c in imu})
            if len(topics) > 1:
                raise RecordingError(f"{path}: several Imu topics {topics}: name one")
            t, acc, gyro = [], [], []
            for connection, received_ns, raw in reader.messages(connections=imu):
                msg = reader.deserialize(raw, connection.msgtype)
                stamp = stamp_seconds(msg.header.stamp)
                t.append(stamp if stamp > 0 else received_ns * 1e-9)
                a, w = msg.linear_acceleration, msg.angular_velocity
                acc.append((a.x, a.y, a.z))
                gyro.append((w.x, w.y, w.z))
    except RecordingError:
        raise
    except Exception as exc:  # a damaged bag can fail anywhere in the reader (even MemoryError)
        raise RecordingError(f"{path}: not a readable rosbag2 ({first_line(exc, with_type=True)})") from None
    if len(t) < 2:
        raise RecordingError(f"{path}: topic {topics[0]} has {len(t)} Imu messages (expected at least 2)")
    order = np.argsort(np.asarray(t), kind="stable")
    stamps = np.asarray(t)[order]
    keep = np.concatenate([[True], np.diff(stamps) > 0])  # bags can hold duplicates
    return Recording(
        subject=path.stem,
        trial=topics[0],
        label=None,
        acc=np.asarray(acc)[order][keep],
        acc_t=stamps[keep],
        gyro=np.asarray(gyro)[order][keep],
        gravity="included",
        location="unknown",
        source="rosbag2",
    ).validate(str(path))
