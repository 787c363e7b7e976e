"""rosbag2 recordings made with this package: IMU + skeleton + labels, paired by timestamp.

A root folder holds one or more bags (folders with metadata.yaml; sqlite3 or mcap). From each:
the ``sensor_msgs/Imu`` topic (the only one, or ``imu_topic``), the skeleton as
``sensor_msgs/PointCloud2`` (``skeleton_topic``; one point per landmark, fields x, y, z,
visibility; landmarks below ``min_visibility`` become NaN, i.e. untracked), and labels as
``label_topic`` as ``std_msgs/String`` (timed by when it was recorded) or
``vision_msgs/Classification`` (timed by its header stamp, top result): each label holds from
its time until the next one (a label older than ``label_hold_s`` expires); these become the
recording's segments. The bag's own message definitions are used, so no ROS install is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from har_kd_ros.bag import read_imu, stamp_seconds
from har_kd_ros.errors import first_line
from har_kd_ros.pointcloud import decode_skeleton
from har_kd_ros.recording import Recording, RecordingError, Segment
from har_kd_ros.skeleton import get_topology
from har_kd_ros.smoothing import UNKNOWN
from training.data.loaders import DatasetError

POINTCLOUD2 = "sensor_msgs/msg/PointCloud2"
STRING = "std_msgs/msg/String"
CLASSIFICATION = "vision_msgs/msg/Classification"
LABEL_TYPES = (STRING, CLASSIFICATION)


def find_bags(root: Path) -> list[Path]:
    if (root / "metadata.yaml").is_file():
        return [root]
    return sorted(p.parent for p in root.rglob("metadata.yaml"))


def _read_skeleton_and_labels(path: Path, skeleton_topic: str, label_topic: str, topology: str, min_visibility: float):
    from rosbags.highlevel import AnyReader

    n_joints = len(get_topology(topology).joints)
    frames, frame_t, labels = [], [], []
    with AnyReader([path]) as reader:
        wanted = [
            c
            for c in reader.connections
            if (c.topic == skeleton_topic and c.msgtype == POINTCLOUD2)
            or (c.topic == label_topic and c.msgtype in LABEL_TYPES)
        ]
        for connection, received_ns, raw in reader.messages(connections=wanted):
            msg = reader.deserialize(raw, connection.msgtype)
            if connection.msgtype == STRING:  # no stamp: the time it was recorded
                if msg.data and msg.data != UNKNOWN:  # 'unknown' = below the node's confidence: no label
                    labels.append((received_ns * 1e-9, msg.data))
                continue
            if connection.msgtype == CLASSIFICATION:  # stamped: the end of the window it labels
                if msg.results:
                    labels.append((stamp_seconds(msg.header.stamp), msg.results[0].class_id))
                continue
            if msg.width * msg.height != n_joints:
                raise DatasetError(
                    f"{path}: {skeleton_topic} has {msg.width * msg.height} points, {topology} has {n_joints}"
                )
            fields = [(f.name, f.offset, f.datatype, f.count) for f in msg.fields]
            xyz, visibility = decode_skeleton(fields, msg.data, msg.point_step, n_joints, bool(msg.is_bigendian))
            xyz[visibility < min_visibility] = np.nan
            stamp = stamp_seconds(msg.header.stamp)
            frames.append(xyz)
            frame_t.append(stamp if stamp > 0 else received_ns * 1e-9)
    return frames, frame_t, labels


def load_rosbag(
    path: str | Path,
    imu_topic: str | None = None,
    skeleton_topic: str = "/skeleton",
    label_topic: str = "/teacher/activity",
    topology: str = "mediapipe_pose",
    min_visibility: float = 0.5,
    label_hold_s: float = 5.0,
) -> Recording:
    path = Path(path)
    try:
        rec = read_imu(path, imu_topic)
        frames, frame_t, labels = _read_skeleton_and_labels(path, skeleton_topic, label_topic, topology, min_visibility)
    except RecordingError as exc:
        raise DatasetError(str(exc)) from None
    except DatasetError:
        raise
    except Exception as exc:  # a damaged bag can fail anywhere in the reader (even MemoryError)
        raise DatasetError(f"{path}: not a readable rosbag2 ({first_line(exc, with_type=True)})") from None
    skeleton = skeleton_t = None
    if frames:
        order = np.argsort(frame_t, kind="stable")
        t = np.asarray(frame_t)[order]
        keep = np.concatenate([[True], np.diff(t) > 0])
        skeleton, skeleton_t = np.stack(frames)[order][keep], t[keep]
    segments = []
    for i, (t0, label) in enumerate(labels):
        t1 = labels[i + 1][0] if i + 1 < len(labels) else t0 + label_hold_s
        segments.append(Segment(t0, min(t1, t0 + label_hold_s), label))
    return rec.with_(
        subject=path.name,
        trial=path.name,
        skeleton=skeleton,
        skeleton_t=skeleton_t,
        topology=topology if frames else None,
        source="rosbag2",
        segments=tuple(segments),
    ).validate(str(path))


def load_rosbags(root: str | Path, **options: object) -> list[Recording]:
    root = Path(root)
    if not root.exists():
        raise DatasetError(f"{root}: folder not found (expected rosbag2 folders)")
    bags = find_bags(root)
    if not bags:
        raise DatasetError(f"{root}: no rosbag2 folder (metadata.yaml) found")
    return [load_rosbag(b, **options) for b in bags]  # type: ignore[arg-type]
