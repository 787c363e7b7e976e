"""rosbag2 recordings (sqlite3 or mcap): the ``rosbags`` library reads the storage, and each
message's CDR bytes are read by har_kd_ros.messages.cdr, the readers the nodes use on live topics.

So no ROS install is needed, a bag recorded on Humble, Jazzy or Kilted reads the same, a
recorded message passes the same checks as a live one (a damaged one is a one-line error naming
the bag, the topic and the message, never a crash), and all the topics a caller needs are read
in one pass over the bag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from har_kd_ros.errors import first_line
from har_kd_ros.imu.channels import ACC_CHANNELS, CHANNELS
from har_kd_ros.messages.cdr import ImuCdrReader, MissingGyroscopeError
from har_kd_ros.recordings.recording import Recording, RecordingError

IMU_TYPE = "sensor_msgs/msg/Imu"
POINTCLOUD2 = "sensor_msgs/msg/PointCloud2"
STRING = "std_msgs/msg/String"
CLASSIFICATION = "vision_msgs/msg/Classification"
_IMU = ImuCdrReader(CHANNELS)
_ACC_ONLY = ImuCdrReader(ACC_CHANNELS)

# called with (receive time in ns, serialized message) for each message of a (topic, type);
# raises ValueError for a message it cannot read, RecordingError for one the recording refuses
MessageHandler = Callable[[int, bytes], None]


def is_bag(path: str | Path) -> bool:
    """A rosbag2 folder (metadata.yaml) or a single .mcap / .db3 file."""
    p = Path(path)
    return (p.is_dir() and (p / "metadata.yaml").is_file()) or p.suffix in (".mcap", ".db3")


def read_imu(
    path: str | Path, topic: str | None = None, also: Mapping[tuple[str, str], MessageHandler] | None = None
) -> Recording:
    """The Imu stream of a bag as a Recording (header stamps; receive time if a stamp is zero).

    ``also`` maps (topic, message type) to a handler that gets those messages in the same pass,
    in the bag's order (how training reads skeletons and labels beside the IMU)."""
    from rosbags.highlevel import AnyReader

    path = Path(path)
    if not path.exists():
        raise RecordingError(f"{path}: bag not found")
    also = dict(also or {})
    t, samples = [], []
    no_gyro = 0  # messages whose driver says it has no gyroscope (REP 145)
    try:
        with AnyReader([path]) as reader:
            imu = [c for c in reader.connections if c.msgtype == IMU_TYPE and (topic is None or c.topic == topic)]
            if not imu:
                found = sorted({f"{c.topic} ({c.msgtype})" for c in reader.connections})
                raise RecordingError(f"{path}: no {IMU_TYPE} topic{f' {topic!r}' if topic else ''} (found: {found})")
            topics = sorted({c.topic for c in imu})
            if len(topics) > 1:
                raise RecordingError(f"{path}: several Imu topics {topics}: name one")
            others = [c for c in reader.connections if (c.topic, c.msgtype) in also and c not in imu]
            for index, (connection, received_ns, raw) in enumerate(reader.messages(connections=imu + others)):
                try:
                    if connection.msgtype == IMU_TYPE and connection.topic == topics[0]:
                        try:
                            stamp, _, values = _IMU.read(raw)
                        except MissingGyroscopeError:
                            stamp, _, acc = _ACC_ONLY.read(raw)
                            values, no_gyro = (*acc, 0.0, 0.0, 0.0), no_gyro + 1
                        t.append(stamp if stamp > 0 else received_ns * 1e-9)
                        samples.append(values)
                    else:
                        also[(connection.topic, connection.msgtype)](received_ns, raw)
                except RecordingError:
                    raise
                except ValueError as exc:  # one unreadable message: the recording is not what it claims
                    raise RecordingError(f"{path}: message {index} on {connection.topic}: {first_line(exc)}") from None
    except RecordingError:
        raise
    except Exception as exc:  # a damaged bag can fail anywhere in the storage reader (even MemoryError)
        raise RecordingError(f"{path}: not a readable rosbag2 ({first_line(exc, with_type=True)})") from None
    if len(t) < 2:
        raise RecordingError(f"{path}: topic {topics[0]} has {len(t)} Imu messages (expected at least 2)")
    order = np.argsort(np.asarray(t), kind="stable")
    stamps = np.asarray(t)[order]
    keep = np.concatenate([[True], np.diff(stamps) > 0])  # bags can hold duplicates
    values = np.asarray(samples, dtype=np.float64)[order][keep]
    return Recording(
        subject=path.stem,
        trial=topics[0],
        label=None,
        acc=values[:, :3],
        acc_t=stamps[keep],
        gyro=None if no_gyro else values[:, 3:],  # a stream without a gyroscope has none, not zeros
        gravity="included",
        location="unknown",
        source="rosbag2",
    ).validate(str(path))
